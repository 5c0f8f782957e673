"""The data page's callbacks as plain functions: status, load history, uploads."""
from __future__ import annotations

import pytest

import base64
import datetime as dt
import json

import dash

from budgetwatch.dashboard.pages import data as page
from budgetwatch.queries.loads import load_history
from budgetwatch.queries.store import Store
from tests.conftest import rows
from tests.dashboard import sample
from budgetwatch.dashboard import auth
from budgetwatch.queries.accounts import User

@pytest.fixture(autouse=True)
def signed_in_staff():
    """This file's callbacks run as 张三, a staff member."""
    with auth.acting_as(User("张三", "staff")):
        yield


HEADER = "voucher_no,pay_date,dept_code,func_code,econ_code,fund_type,payee,amount\n"
GOOD = HEADER + ("U0001,2025-07-20,003,2050202,30201,政府性基金预算,某公司,\"12,000.00\"\n"
                 "U0002,2025/7/21,003,2050202,30201,政府性基金预算,某公司,8000\n")
BAD = HEADER + ("U0001,2025-07-20,003,2050202,30201,政府性基金预算,某公司,12000\n"
                "U0003,2025-13-40,003,2050202,30201,政府性基金预算,某公司,abc\n")


def text(component) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      ensure_ascii=False, default=lambda c: c.to_plotly_json())


def b64(content: str, encoding: str = "utf-8") -> str:
    return "data:text/csv;base64," + base64.b64encode(content.encode(encoding)).decode()


def store_of(data_dir) -> Store:
    return Store(sample.build(data_dir, loaded_at=dt.datetime(2025, 7, 16, 8, 0)))


def test_status_and_history(data_dir):
    store = store_of(data_dir)
    out = page.refresh(store, "payments", "", now=dt.datetime(2025, 7, 20))
    status = {r["feed"]: r for r in out["status_rows"]}
    assert status["payments"]["行数"] == len(sample.PAYMENTS) and status["payments"]["状态"] == "正常"
    assert status["payments"]["数据截至"] == "2025年7月15日"
    assert status["audit_findings"]["状态"] == "未导入"
    assert "feed" not in [c["field"] for c in out["status_columns"]]
    assert [r["数据"] for r in out["history_rows"]] == ["国库集中支付", "预算指标", "预算单位"]
    assert out["view"] == "?feed=payments&lang=zh" and out["message"] is None
    stale = page.refresh(store, None, "?lang=en", now=dt.datetime(2025, 12, 1))
    assert {r["feed"]: r["State"] for r in stale["status_rows"]}["payments"].startswith("Stale")


def test_an_empty_folder_says_so(data_dir):
    out = page.refresh(Store(data_dir), None, "")
    assert "尚未导入任何数据" in text(out["message"])
    assert all(r["行数"] == 0 for r in out["status_rows"])


def test_a_bad_file_shows_its_problems_and_changes_nothing(data_dir):
    store = store_of(data_dir)
    before = store.generation()
    out = page.upload(store, "payments", b64(BAD), "7月支付.csv", False, "张三", "")
    report = text(out["report"])
    assert "未导入" in report and "数据未作任何改动" in report
    assert out["loaded"] is False and out["problems_style"] == {}
    problems = out["problems"]
    assert {(p["行"], p["列"]) for p in problems} >= {(3, "pay_date"), (3, "amount")}
    amount = next(p for p in problems if p["列"] == "amount")
    assert amount["值"] == "abc" and amount["原因"] == "不是有效金额" and amount["原因（英文）"] == "not a valid amount"
    assert store.generation() == before
    assert rows(data_dir, "SELECT count(*) FROM payments WHERE voucher_no LIKE 'U%'") == [(0,)]
    assert not list((data_dir / "tmp").glob("upload-*"))          # the temp file is gone
    download = page.problems_download("csv", out["problems_data"], "")
    assert download["filename"].endswith(".csv") and "abc" in base64.b64decode(download["content"]).decode("utf-8-sig")


def test_accept_partial_loads_the_good_rows(data_dir):
    store = store_of(data_dir)
    out = page.upload(store, "payments", b64(BAD), "7月支付.csv", True, "张三", "")
    assert "部分导入" in text(out["report"]) and out["loaded"] is True
    assert rows(data_dir, "SELECT voucher_no FROM payments WHERE voucher_no LIKE 'U%'") == [("U0001",)]


def test_a_good_file_is_applied_and_the_tables_show_it(data_dir):
    store = store_of(data_dir)
    before = store.generation()
    out = page.upload(store, "payments", b64(GOOD, "gb18030"), "2025年7月支付.csv", False, "张三", "")
    report = text(out["report"])
    assert "已导入" in report and "新增：2" in report and out["problems"] == []
    assert out["loaded"] is True and store.generation() == before + 1
    with store.reader() as con:                                    # a new reader sees the new generation
        last = load_history(con).iloc[0]
    assert (last["file_name"], last["loaded_by"], int(last["rows_inserted"])) == ("2025年7月支付.csv", "张三", 2)
    refreshed = page.refresh(store, "payments", "")
    assert refreshed["history_rows"][0]["文件"] == "2025年7月支付.csv"
    assert {r["feed"]: r["行数"] for r in refreshed["status_rows"]}["payments"] == len(sample.PAYMENTS) + 2
    again = page.upload(store, "payments", b64(GOOD, "gb18030"), "2025年7月支付.csv", False, "张三", "")
    assert "无变化" in text(again["report"]) and again["loaded"] is False


def test_refusals_before_loading(data_dir):
    store = store_of(data_dir)
    assert "请先选择数据源" in text(page.upload(store, None, b64(GOOD), "a.csv", False, "", "")["report"])
    assert "尚未选择文件" in text(page.upload(store, "payments", None, None, False, "", "")["report"])
    bad_ext = page.upload(store, "payments", b64(GOOD), "payments.pdf", False, "", "?lang=en")
    assert "only .csv .txt .xlsx .xls files" in text(bad_ext["report"])
    assert page.problems_download("csv", None, "") is dash.no_update


def test_exports(data_dir):
    store = store_of(data_dir)
    assert len(page.fetch_history(store, {}, "zh").frame) == 3
    assert "feed" not in page.fetch_status(store, {}, "en").frame.columns


def test_a_member_cannot_upload(data_dir):
    store = store_of(data_dir)
    before = store.generation()
    with auth.acting_as(User("委员甲", "member")):
        out = page.upload(store, "payments", b64(GOOD, "gb18030"), "2025年7月支付.csv", False, "委员甲", "")
    assert out["loaded"] is False and store.generation() == before
