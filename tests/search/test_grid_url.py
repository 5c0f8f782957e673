"""Filters that stay: the vouchers grid's filters and sort round-trip through the URL, and the
grid says how many payments and how much money its filters hold."""
from __future__ import annotations

import datetime as dt
import json

import dash

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids, search_box
from budgetwatch.dashboard.pages import execution as page
from budgetwatch.dashboard.urls import parse_search
from budgetwatch.queries import execution as qe
from budgetwatch.queries.store import Store
from tests.search.conftest import SECURITY

E = ids.Execution
FILTERS = {"payee": {"filterType": "text", "type": "contains", "filter": "保安服务"},
           "amount": {"filterType": "number", "type": "greaterThan", "filter": 1000}}
SORT = [{"colId": "amount", "sort": "desc"}]


def _grid(component):
    """The AgGrid inside the grid holder's children."""
    stack = [component]
    while stack:
        c = stack.pop()
        if isinstance(c, (list, tuple)):
            stack.extend(c)
            continue
        if getattr(c, "id", None) == ids.table(E.T_VOUCHERS):
            return c
        stack.append(getattr(c, "children", None) or [])
    raise AssertionError("no vouchers grid")


def test_the_grid_models_round_trip_through_the_url():
    state = page.with_grid_models({"year": "2025", "vouchers": "1"}, FILTERS, SORT)
    search = page.link(state, "zh").split("?", 1)[1]
    back = page.state_of(parse_search(search))
    assert page.grid_models(back) == (FILTERS, SORT)
    # the default order and empty filters leave nothing in the URL; unknown columns are dropped
    plain = page.with_grid_models({"vouchers": "1"}, {}, qe.DEFAULT_SORT)
    assert "grid" not in plain and "sort" not in plain
    odd = page.grid_models({"grid": json.dumps({"evil; DROP": {"type": "equals"}, **FILTERS}), "sort": "[not json"})
    assert odd == (FILTERS, None)


def test_a_permalink_opens_the_grid_with_its_filters_and_sort(demo_store: Store):
    state = page.with_grid_models({"year": "2025", "as_of": "2025-06-30", "vouchers": "1"}, FILTERS, SORT)
    out = page.update_execution(demo_store, state, "")
    grid = _grid(out["grid"])
    assert grid.filterModel == FILTERS
    amount = next(c for c in grid.columnDefs if c["colId"] == "amount")
    assert amount["sort"] == "desc" and amount["sortIndex"] == 0
    assert page.grid_models(page.state_of(parse_search(out["view"]))) == (FILTERS, SORT)


def test_a_filter_set_in_the_grid_goes_into_the_url_with_count_and_total(demo_store: Store):
    state = {"year": "2025", "as_of": "2025-06-30", "vouchers": "1", "by": "func"}
    drawn = page.update_execution(demo_store, state, "")
    grid_query = drawn["grid_query"]
    every = drawn["vouchers_title"]
    request = {"startRow": 0, "endRow": 50, "filterModel": FILTERS, "sortModel": SORT}
    out = page.grid_block(demo_store, request, grid_query, state, "")
    with demo_store.reader() as con:
        n, amount = qe.vouchers_total(con, qe.Node("func"), 2025, dt.date(2025, 6, 30), filter_model=FILTERS)
        _, count = qe.vouchers_page(con, qe.Node("func"), 2025, dt.date(2025, 6, 30), start=0, end=1,
                                    filter_model=FILTERS)
        total, _ = qe.vouchers_total(con, qe.Node("func"), 2025, dt.date(2025, 6, 30))
    assert n == count == out["rows"]["rowCount"] > 0 and total > n
    # the title counts what the filters leave, with its total, and says of how many
    assert f"共 {total:,} 笔）" in every
    assert out["title"] == (
        f"全部支出：支付凭证（2025年1月1日至 2025年6月30日，筛选后 {n:,} 笔，合计 {fmt.money(amount, 'zh')}；"
        f"全部 {total:,} 笔）")
    assert out["summary"] == ""
    assert page.grid_models(page.state_of(parse_search(out["view"]))) == (FILTERS, SORT)
    assert page.grid_models(out["state"]) == (FILTERS, SORT)
    later = page.grid_block(demo_store, {**request, "startRow": 50, "endRow": 100}, grid_query, out["state"], "")
    assert later["view"] is dash.no_update and later["title"] is dash.no_update
    # the filters reset: the count of every voucher again, and their total
    reset = page.grid_block(demo_store, {**request, "filterModel": {}}, grid_query, out["state"], "")
    assert f"，共 {total:,} 笔，合计 " in reset["title"] and "筛选后" not in reset["title"]


def test_a_suggested_economic_class_opens_the_grid_filtered_by_it(demo_store: Store):
    href = search_box.href("econ", "30211", None, "zh")
    state = page.state_of(parse_search(href.split("?", 1)[1]))
    filters, _ = page.grid_models(state)
    with demo_store.reader() as con:
        n, _ = qe.vouchers_total(con, qe.Node("func"), 2025, dt.date(2025, 12, 31), filter_model=filters)
        every = con.execute("SELECT count(*) FROM payments WHERE starts_with(econ_code, '30211') "
                            "AND year(pay_date) = 2025").fetchone()[0]
    assert n == every > 0
    payee = {"payee": {"filterType": "text", "type": "equals", "filter": SECURITY}}
    assert page.grid_models({"grid": json.dumps(payee, ensure_ascii=False)})[0] == payee
