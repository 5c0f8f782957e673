"""The header search's links, the payee profile and the voucher detail, called as functions on
the demo city (the same bodies the callbacks run)."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest

from budgetwatch.dashboard import auth, search_box
from budgetwatch.dashboard.pages import payees, voucher
from budgetwatch.dashboard.pages.payees import profile
from budgetwatch.dashboard.pages.voucher import detail
from budgetwatch.queries import execution as qe
from budgetwatch.queries.accounts import User
from budgetwatch.queries.store import Store, scoped
from tests.search.conftest import SECURITY, VARIANTS

STAFF = User("测试员", "staff")


@pytest.fixture(autouse=True)
def staff():
    with auth.acting_as(STAFF):
        yield


def _links(component) -> list[str]:
    found = []

    def walk(c):
        if isinstance(c, (list, tuple)):
            for x in c:
                walk(x)
            return
        if getattr(c, "href", None):
            found.append(c.href)
        walk(getattr(c, "children", None) or [])
    walk(component)
    return found


def test_each_kind_of_suggestion_opens_its_view():
    assert search_box.href("payee", "湘江（市）保安", None, "zh") == "/payees?name=%E6%B9%98%E6%B1%9F%EF%BC%88%E5%B8%82%EF%BC%89%E4%BF%9D%E5%AE%89"
    assert search_box.href("voucher", "V1", None, "en") == "/voucher?no=V1&lang=en"
    assert search_box.href("unit", "001001", "001", "zh") == "/execution?by=dept&path=001.001001"
    assert search_box.href("dept", "001", "001", "zh") == "/execution?by=dept&path=001"
    assert search_box.href("func", "2050202", None, "zh") == "/execution?by=func&path=205.20502.2050202"
    econ = parse_qs(urlsplit(search_box.href("econ", "30211", None, "zh")).query)
    assert econ["vouchers"] == ["1"] and '"startsWith"' in econ["grid"][0] and "30211" in econ["grid"][0]


def test_the_box_groups_suggestions_with_links(demo_store: Store):
    panel = search_box.results(demo_store, "保安服务", "")
    hrefs = _links(panel)
    assert f"/payees?name=" in hrefs[0]
    assert any(h.startswith("/assets?enterprise=") for h in hrefs)
    assert search_box.results(demo_store, "   ", "") == []
    nothing = search_box.results(demo_store, "绝无此名称之收款人", "?lang=en")
    assert "Nothing found" in nothing[0].children


def test_the_profiles_totals_are_the_execution_pages_for_the_same_filters(demo_store: Store):
    as_of = dt.date(2025, 6, 30)
    state = {"name": SECURITY, "year": "2025", "as_of": as_of.isoformat()}
    data = profile.load(demo_store, state)
    grid = {"payee": {"filterType": "text", "type": "equals", "filter": SECURITY}}
    with demo_store.reader() as con:
        n, amount = qe.vouchers_total(con, qe.Node("func"), 2025, as_of, filter_model=grid)
        every_n, every_amount = qe.vouchers_total(con, qe.Node("func"), 2025, dt.date(2025, 12, 31), filter_model=grid)
    assert data["totals"]["payments"] == n > 0
    assert data["totals"]["amount"] == pytest.approx(amount, abs=0.005)
    assert data["units"]["amount"].sum() == pytest.approx(amount, abs=0.005)
    assert data["econ"]["amount"].sum() == pytest.approx(amount, abs=0.005)
    assert data["monthly"]["amount"].sum() == pytest.approx(amount, abs=0.005)
    assert int(data["years"].set_index("year").loc[2025, "payments"]) == every_n > n
    assert float(data["years"].set_index("year").loc[2025, "amount"]) == pytest.approx(every_amount, abs=0.005)
    share = data["units"].iloc[0]
    with demo_store.reader() as con:
        unit_spent = con.execute("SELECT sum(amount) FROM payments WHERE dept_code = ? AND pay_date "
                                 "BETWEEN '2025-01-01' AND ?", [share["dept_code"], as_of]).fetchone()[0]
    assert share["unit_share"] == pytest.approx(share["amount"] / float(unit_spent))


def test_the_profile_page_draws_with_similar_names_and_downloads(demo_store: Store):
    out = payees.update(demo_store, None, {"name": SECURITY}, "")
    assert out["message"] is None and out["body"] == {}
    similar = [unquote_plus(h) for h in _links(out["similar"])]
    assert len(similar) == len(VARIANTS) and all(any(v in h for h in similar) for v in VARIANTS)
    assert out["rows:payee-vouchers"][0]["href"].startswith("/voucher?no=")
    english = payees.update(demo_store, "2025", {"name": SECURITY}, "?lang=en")
    assert "year=2025" in english["view"] and english["headline"][0].children[0].children == "Received"
    every = profile.fetch_vouchers(demo_store, {"name": SECURITY}, "zh")
    assert len(every.frame) == profile.load(demo_store, {"name": SECURITY})["totals"]["payments"]


def test_a_limited_account_gets_no_profile_of_another_departments_payee(demo_store: Store):
    with scoped(["001"]):
        other = payees.update(demo_store, None, {"name": "湘江市 保安服务有限公司"}, "")   # paid by 003 only
        mine = profile.load(demo_store, {"name": SECURITY})
    assert other["body"] == {"display": "none"} and other["rows:payee-units"] == []
    assert set(mine["units"]["top_code"]) == {"001"}
    assert "湘江市 保安服务有限公司" not in set(mine["similar"]["name"])


def test_the_voucher_detail_shows_every_field_its_line_and_neighbours(demo_store: Store):
    out = voucher.update(demo_store, "XS2025-0000", "")
    assert out["message"] is None
    text = str(out["fields"])
    for piece in ("XS2025-0000", "湘江市保安服务（有限责任公司）", "8001000000000000001", "安保服务",
                  "09_payments_extra.csv", "2050204"):
        assert piece in text, piece
    assert any(h.startswith("/payees?name=") for h in _links(out["fields"]))
    with demo_store.reader() as con:
        pays = con.execute("SELECT voucher_no FROM payments WHERE payee = ? AND pay_date BETWEEN "
                           "DATE '2025-03-10' - 30 AND DATE '2025-03-10' + 30", ["湘江市保安服务（有限责任公司）"]).fetchall()
    assert {r["voucher_no"] for r in out["rows"]} == {p[0] for p in pays} - {"XS2025-0000"}
    missing = voucher.update(demo_store, "NO-SUCH", "?lang=en")
    assert missing["body"] == {"display": "none"} and "NO-SUCH" in str(missing["message"])


def test_a_flagged_voucher_lists_its_flag(demo_store: Store):
    from budgetwatch.queries.flags import voucher_flags
    flagged = voucher_flags(demo_store, 2025, None)
    no = sorted(flagged)[0]
    data = detail.load(demo_store, no)
    assert flagged[no]["rule"] in set(data["flags"]["rule"])
    assert any("/warnings?" in h for h in _links(detail.flag_list(data["flags"], data["year"], "zh")))


def test_a_flags_evidence_links_each_voucher_to_its_detail(demo_store: Store):
    from budgetwatch.dashboard.pages import warnings
    from budgetwatch.queries.flags import voucher_flags

    flag = next(f for f in voucher_flags(demo_store, 2025, None).values() if f["rule"] == "DUPLICATE_PAYMENT")
    out = warnings.update_detail(demo_store, flag["flag"], 2025, None, "")
    column = next(c for c in out["table_columns"] if c.get("cellRenderer") == "BwLink")
    numbers = [r[column["field"]] for r in out["table_rows"]]
    assert len(numbers) >= 2
    assert [r["_voucher_href"] for r in out["table_rows"]] == [f"/voucher?no={n}" for n in numbers]


def test_the_payee_charts_draw_a_hostile_name_as_text():
    import pandas as pd

    from budgetwatch.dashboard.figures import payees as figs
    from budgetwatch.dashboard.figures.common import plain

    name = '<a href="http://x">点此</a>'
    years = figs.years_figure(pd.DataFrame({"year": [2025], "payments": [1], "amount": [1e5]}), name=name)
    months = figs.monthly_figure(pd.DataFrame({"year": [2025], "month": [1], "payments": [1], "amount": [1e5]}),
                                 name=name)
    for fig in (years, months):
        title = fig.layout.title.text
        assert plain(name) in title and "<a " not in title


def test_cached_suggestions_and_profiles_never_cross_scopes(demo_store: Store):
    """The page cache keys by scope: an unlimited account's answers, computed first and kept,
    are never what a department-limited account gets for the same text or payee."""
    from budgetwatch.queries import page_cache
    from budgetwatch.queries import search as qsearch

    other = "湘江市 保安服务有限公司"                       # paid by 003 only
    everyone = qsearch.suggestions(demo_store, other)
    assert other in set(everyone[everyone["kind"] == "payee"]["name"])
    assert profile.load(demo_store, {"name": other})["totals"]["payments"] > 0
    with scoped(["001"]):
        limited = qsearch.suggestions(demo_store, other)
        theirs = profile.load(demo_store, {"name": other})
    assert other not in set(limited[limited["kind"] == "payee"]["name"])
    assert theirs["totals"]["payments"] == 0

    def kept(name):      # the scopes this text's answers are kept for
        return sorted(k[2] for k in page_cache.CACHE._entries if k[3] == name and k[4][0] == other)
    assert kept("search.suggest") == [(), ("001",)] and kept("payee.profile") == [(), ("001",)]
    assert other in set(qsearch.suggestions(demo_store, other)["name"])      # the unlimited answer still kept
