"""The execution page's callbacks called as plain functions: drill steps, URL, grid, downloads."""
from __future__ import annotations

import base64
import io
import json

import dash
import openpyxl
import pandas as pd
import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.app import create_app
from budgetwatch.dashboard.frame import route
from budgetwatch.dashboard.pages import PAGES, PLANNED
from budgetwatch.dashboard import links
from budgetwatch.dashboard.pages import execution as page
from budgetwatch.dashboard.tables import export_download
from budgetwatch.queries.store import Store
from tests.dashboard.test_execution_queries import build

E = ids.Execution
TREEMAP = ids.graph(E.TREEMAP)
LEVEL = ids.table(E.T_LEVEL)
GRIDQ = {"by": "func", "path": "205.20502.2050202", "year": 2025, "as_of": "2025-06-30", "voucher": None}


def text(component) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      ensure_ascii=False, default=lambda c: c.to_plotly_json())


@pytest.fixture
def store(data_dir):
    return build(data_dir)


def test_page_is_registered_and_routed(store):
    assert page in PAGES and ("nav.execution", "/execution") not in PLANNED
    create_app(store.data_dir)      # every callback's ids exist in the validation layout
    got = route(PAGES, PLANNED, "/execution", "?by=func&path=205&lang=en", None)
    assert "Budget execution" in text(got["page"])


def test_defaults_and_the_permalink(store):
    out = page.update_execution(store, {}, "")
    assert out["view"] == "?year=2025&as_of=2025-08-01&by=func&lang=zh"      # the last payment date
    assert out["state"] == {"year": "2025", "as_of": "2025-08-01", "by": "func"}
    assert out["level_title"] == "全部支出：各类执行情况"
    assert out["vouchers_style"] == {"display": "none"} and out["grid_query"] is None
    search = "?year=2025&as_of=2025-06-30&by=func&path=205.20502&lang=en"
    out = page.update_execution(store, page.state_of({"year": "2025", "as_of": "2025-06-30", "by": "func",
                                                      "path": "205.20502"}), search)
    assert out["view"] == search
    assert out["fig:" + E.TREEMAP].layout.title.text.startswith("20502 普通教育: execution by item, 2025")


def test_three_clicks_from_total_to_vouchers(store):
    state = page.update_execution(store, {"year": "2025", "as_of": "2025-06-30"}, "")["state"]
    for code, level_title in (("205", "205 教育支出：各款执行情况"), ("20502", "20502 普通教育：各项执行情况"),
                              ("2050202", "20502 普通教育：各项执行情况")):
        out = page.on_change(store, TREEMAP, state, "", click={"points": [{"id": "x", "customdata": [code, "", ""]}]})
        state = out["state"]
        assert state["path"].endswith(code) and out["level_title"] == level_title
    assert out["view"] == "?year=2025&as_of=2025-06-30&by=func&path=205.20502.2050202&lang=zh"
    assert out["vouchers_style"] == {} and out["grid_query"] == {**GRIDQ, "node": "2050202 小学教育", "n": 7}
    assert "2050202 小学教育：支付凭证（2025年1月1日至 2025年6月30日，共 7 笔）" == out["vouchers_title"]
    crumbs = text(out["crumbs"])
    assert "/execution?year=2025&as_of=2025-06-30&by=func&path=205.20502" in crumbs and "全部支出" in crumbs
    # a table click on a name drills too; a click on a number column does not
    out = page.on_change(store, LEVEL, {"by": "func", "year": "2025"}, "", cell={"colId": "name", "rowId": "205"})
    assert out["state"]["path"] == "205"
    assert page.navigate({"by": "func"}, LEVEL, cell={"colId": "spent", "rowId": "205"}) == {"by": "func"}
    # a child that cannot be drilled into (a line coded to the 类 only) leaves the view as it is
    assert page.navigate({"by": "func", "path": "205"}, TREEMAP, click={"points": [{"customdata": ["205"]}]}) == \
        {"by": "func", "path": "205"}


def test_by_department_and_switching_trees(store):
    out = page.update_execution(store, {"by": "dept", "path": "001.001001.30201", "year": "2025",
                                        "as_of": "2025-06-30"}, "")
    assert out["level_title"] == "市第一中学：各经济分类（款）执行情况"
    assert out["grid_query"]["path"] == "001.001001.30201"
    assert "市教育局" in text(out["crumbs"]) and "30201 办公费" in text(out["crumbs"])
    state = page.navigate(out["state"], E.BY, by="func")
    assert state == {"year": "2025", "as_of": "2025-06-30", "by": "func"}


def test_level_table_rows_and_headline(store):
    out = page.update_execution(store, {"year": "2025", "as_of": "2025-06-30", "by": "dept"}, "")
    rows = {r["code"]: r for r in out["level_rows"]}
    assert rows["001"]["adjusted"] == 440.0 and rows["001"]["spent"] == 200.0          # 万元
    assert rows["002"]["gap"] == pytest.approx(round((2_039_000 / 9_000_000 - 181 / 365) * 100, 1))
    headers = [c["headerName"] for c in out["level_columns"]]
    assert headers[:5] == ["编码", "名称", "年初预算（万元）", "调整预算（万元）", "已支出（万元）"]
    assert "与序时进度差（个百分点）" in headers
    assert "年初预算" in text(out["headline"])


def test_vouchers_button_and_single_voucher_link(store):
    out = page.update_execution(store, {"by": "func", "path": "205", "vouchers": "1", "year": "2025"}, "")
    assert out["vouchers_style"] == {} and out["grid_query"]["path"] == "205"
    assert "收起凭证" in text(out["actions"])
    out = page.update_execution(store, {"voucher": "V2503", "year": "2025", "as_of": "2025-06-30"}, "")
    assert out["grid_query"]["voucher"] == "V2503" and "共 1 笔" in out["vouchers_title"]
    assert "只显示凭证 V2503" in text(out["vouchers_note"])
    rows = page.grid_rows(store, {"startRow": 0, "endRow": 50}, out["grid_query"])
    assert rows["rowCount"] == 1 and rows["rowData"][0]["voucher_no"] == "V2503"


def test_grid_request_with_sort_filter_and_a_hostile_value(store):
    req = {"startRow": 0, "endRow": 50, "sortModel": [{"colId": "amount", "sort": "desc"}],
           "filterModel": {"unit": {"filterType": "text", "type": "contains", "filter": "医院"}}}
    got = page.grid_rows(store, req, GRIDQ)
    assert got["rowCount"] == 1 and got["rowData"][0]["voucher_no"] == "V2506"
    row = got["rowData"][0]
    assert row["func"] == "2050202 小学教育" and row["econ"] == "30201 办公费" and row["pay_date"] == "2025-04-10"
    hostile = "'); DROP TABLE payments; --"
    req = {"startRow": 0, "endRow": 50, "sortModel": [{"colId": hostile, "sort": hostile}],
           "filterModel": {"payee": {"filterType": "text", "type": "contains", "filter": hostile},
                           hostile: {"filterType": "text", "type": "contains", "filter": hostile}}}
    assert page.grid_rows(store, req, GRIDQ) == {"rowData": [], "rowCount": 0}
    assert page.grid_rows(store, {"startRow": 0, "endRow": 5}, {**GRIDQ, "path": hostile})["rowCount"] == 9
    with store.reader() as con:
        assert con.execute("SELECT count(*) FROM payments").fetchone()[0] == 14
    assert page.grid_rows(store, None, GRIDQ) == {"rowData": [], "rowCount": 0}
    assert page.grid_rows(store, req, None) == {"rowData": [], "rowCount": 0}


def test_downloads_hold_the_whole_level_and_every_voucher(store):
    search = "?year=2025&as_of=2025-06-30&by=func&path=205.20502.2050202"
    got = export_download(store, E.T_LEVEL, page.fetch_level, ids.table_csv(E.T_LEVEL), search)
    data = base64.b64decode(got["content"]).decode("utf-8-sig")
    assert "# 筛选：位置: 全部支出 › 205 教育支出 › 20502 普通教育 › 2050202 小学教育" in data
    back = pd.read_csv(io.StringIO(data), comment="#", dtype={"编码": str})
    assert set(back["编码"]) == {"2050202", "20502"} and "调整预算（万元）" in back.columns
    export = page.fetch_vouchers(store, page.state_of({"year": "2025", "as_of": "2025-06-30", "by": "dept",
                                                       "path": "002"}), "en",
                                 filter_model={"amount": {"filterType": "number", "type": "lessThan", "filter": 0}})
    assert list(export.frame["Voucher"]) == ["V9002"] and export.frame["Amount (CNY)"].iloc[0] == -1000
    got = export_download(store, E.T_VOUCHERS, page.fetch_vouchers, ids.table_xlsx(E.T_VOUCHERS), search)
    ws = openpyxl.load_workbook(io.BytesIO(base64.b64decode(got["content"]))).active
    cells = [r for r in ws.iter_rows(values_only=True)]
    header = cells.index(("凭证号", "支付日期", "单位编码", "预算单位", "功能分类", "经济分类", "资金性质", "收款人",
                          "金额（元）", "用途"))
    assert len(cells) - header - 1 == 7


def test_empty_store_and_failures_read_as_sentences(data_dir, monkeypatch):
    out = page.update_execution(Store(data_dir), {}, "")
    assert "尚未导入任何数据" in text(out["message"]) and out["body_style"] == {"display": "none"}
    store = build(data_dir)
    monkeypatch.setattr(page.q, "level", lambda *a, **k: 1 / 0)
    out = page.update_execution(store, {}, "?lang=en")
    assert "Something went wrong" in text(out["message"]) and "Traceback" not in text(out["message"])
    assert out["view"] is dash.no_update


def test_overview_department_bar_links_into_the_drill_down(store):
    href = links.department_href(store, {"points": [{"y": "市教育局"}]}, "?year=2025&as_of=2025-06-30&lang=en")
    assert href == "/execution?year=2025&as_of=2025-06-30&by=dept&path=001&lang=en"
    assert links.department_href(store, {"points": [{"y": "市教育局（001）"}]}, "").endswith("by=dept&path=001")
    assert links.department_href(store, {"points": [{"y": "X99"}]}, "").endswith("path=X99")
    assert links.department_href(store, {"points": [{"y": "'; DROP TABLE departments"}]}, "") is None
    assert links.department_href(store, None, "") is None


def test_a_voucher_grid_whose_query_times_out_says_so_instead_of_showing_nothing(store, monkeypatch):
    """Issue 19: at 100M a voucher block timed out and the grid just showed no rows."""
    from budgetwatch.queries import page_cache
    from budgetwatch.queries import store as store_mod
    req = {"startRow": 0, "endRow": 50}
    fine = page.grid_block(store, req, GRIDQ, None, "?lang=en")
    assert fine["rows"]["rowCount"] > 0 and "timed out" not in str(fine["summary"])
    real = store_mod.run

    def slow(con, sql, params=None, **kw):     # the store's own time limit, made tiny: a real interrupt
        kw["timeout_s"] = 0.05
        return real(con, "SELECT sum(hash(range)) AS n FROM range(1000000000000)", None, **kw) \
            if "payments" in sql else real(con, sql, params, **kw)
    monkeypatch.setattr(store_mod, "run", slow)
    page_cache.clear()                          # not the block kept from the first call
    out = page.grid_block(store, req, GRIDQ, None, "?lang=en")
    assert out["rows"] == {"rowData": [], "rowCount": 0}
    assert "Query timed out" in out["summary"] and "does not mean there are none" in out["summary"]
    page_cache.clear()
    assert "查询超时" in page.grid_block(store, req, GRIDQ, None, "?lang=zh")["summary"]


def test_both_vouchers_downloads_say_the_same_title_filters_and_columns(store):
    """The in-memory export and the streamed one share their heading (pieces.vouchers_heading)."""
    grid = {"payee": {"filterType": "text", "type": "contains", "filter": "公司"}}
    query = {"year": "2025", "as_of": "2025-06-30", "by": "func", "path": "205", "voucher": "V1",
             "grid": json.dumps(grid)}
    export = page.fetch_vouchers(store, query, "en", filter_model=grid)
    with page.open_execution_vouchers(store, query, "en") as source:
        streamed = list(source.batches.schema.names)
    assert (source.title, source.filters) == (export.title, export.filters)
    assert any(v == "V1" for _k, v in export.filters)
    assert any("公司" in v for _k, v in export.filters)                     # the grid's filter, described
    assert streamed == list(export.frame.columns)
