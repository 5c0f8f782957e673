"""The warnings page's callbacks as plain functions: list, filters, detail, review, exports."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import re

import dash
import duckdb
import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.app import create_app
from budgetwatch.dashboard.pages import warnings as page
from budgetwatch.dashboard.tables import to_csv_bytes
from budgetwatch.queries import flags as qf
from budgetwatch.queries.rules import RULES
from budgetwatch.queries.store import QueryError, Store
from tests.dashboard import sample
from budgetwatch.dashboard import auth
from budgetwatch.queries.accounts import User

@pytest.fixture(autouse=True)
def signed_in_staff():
    """This file's callbacks run as 王敏, a staff member."""
    with auth.acting_as(User("王敏", "staff")):
        yield


DUP = "DUPLICATE_PAYMENT|D0002"


def text(component) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      ensure_ascii=False, default=lambda c: c.to_plotly_json())


def plant_duplicate(data_dir):
    """Two payments of 市人民医院 to one payee, same amount, one day apart (D0002 is flagged)."""
    with Store(data_dir).writer("test") as w:
        w.con.executemany(
            "INSERT INTO payments VALUES (?, ?, '002001', '2050202', '30201', ?, '湖南重复医疗器械有限公司', 126400, "
            "NULL, '采购设备', 3, NULL, NULL)",
            [("D0001", "2025-07-01", sample.SOCIAL), ("D0002", "2025-07-02", sample.SOCIAL)])
        w.touch()
    return data_dir


@pytest.fixture
def store(data_dir):
    return Store(plant_duplicate(sample.build(data_dir, loaded_at=dt.datetime(2025, 7, 16, 8, 0))))


def rows_of(out, rule=None):
    return [r for r in out["rows"] if rule is None or r["rule"] == rule]


def test_list_defaults_counts_and_permalink(store):
    out = page.update_warnings(store, None, None, None, None, None, None, None, "")
    assert out["year"] == 2025 and out["as_of"] == "2025-07-15"
    assert out["view"] == "?year=2025&as_of=2025-07-15&lang=zh"
    dup = rows_of(out, "DUPLICATE_PAYMENT")
    assert [r["flag_id"] for r in dup] == [DUP]
    assert dup[0]["severity_label"] == "红色预警" and dup[0]["status"] == "未复核"
    assert dup[0]["unit"] == "市人民医院" and dup[0]["amount"] == 12.64        # 万元
    cards = text(out["counts"])
    assert "红色预警" in cards and "橙色预警" in cards and "黄色预警" in cards
    assert "疑似重复支付" in text(out["by_rule"])
    from budgetwatch.queries.rules import RULES
    assert f"{len(RULES)} 条规则" in out["threshold_summary"]
    assert {r["rule"] for r in out["thresholds"]} >= {"DUPLICATE_PAYMENT", "EXEC_LAG"}
    assert out["message"] is None and out["body_style"] == {}


def test_filters_are_in_the_url(store):
    search = "?year=2025&as_of=2025-07-15&rule=DUPLICATE_PAYMENT&severity=high&dept=002&status=open&lang=zh"
    out = page.update_warnings(store, 2025, "2025-07-15", "DUPLICATE_PAYMENT", "high", "002", "open", DUP, search)
    assert [r["flag_id"] for r in out["rows"]] == [DUP]
    assert out["rows"][0]["selected"] is True
    assert out["view"] == search + "&flag=DUPLICATE_PAYMENT%7CD0002"
    # 市人民医院 (002001) is under 市卫生健康委员会 (002): the department filter keeps its flags.
    assert "002" in [o["value"] for o in out["dept_options"]]
    none = page.update_warnings(store, 2025, "2025-07-15", None, "low", "001", None, None, "")
    assert none["rows"] == [] and "没有符合筛选条件的预警" in text(none["message"])


def test_permalink_layout_sets_the_controls():
    layout = text(page.layout({"year": "2025", "rule": "DUPLICATE_PAYMENT", "severity": "high",
                               "status": "confirmed", "flag": DUP}, "zh"))
    assert '"value": "DUPLICATE_PAYMENT"' in layout and '"value": "high"' in layout
    assert '"data": "DUPLICATE_PAYMENT|D0002"' in layout
    assert page.parse_flag("OVER_BUDGET|001|2050202|30201|一般公共预算") == ("OVER_BUDGET", "001|2050202|30201|一般公共预算")
    assert page.parse_flag("NOPE|x") is None and page.parse_flag("junk") is None


def test_selecting_and_closing_a_flag():
    from budgetwatch.dashboard import ids
    cell = {"rowId": DUP, "colId": "message"}
    assert page.select_flag(ids.table(ids.Warnings.LIST), cell, None) == DUP
    assert page.select_flag(ids.Warnings.CLOSE, None, DUP) is None


def test_detail_shows_the_vouchers_and_links_to_execution(store):
    out = page.update_detail(store, DUP, 2025, "2025-07-15", "")
    assert out["style"] == {} and out["table_style"] == {} and out["graph_style"] == {"display": "none"}
    assert [r["支付凭证号"] for r in out["table_rows"]] == ["D0001", "D0002"]
    assert out["table_rows"][0]["金额（万元）"] == 12.64
    body = text(out["body"])
    assert "疑似重复支付" in body and "湖南重复医疗器械有限公司" in body and "支付凭证 D0002" in body
    assert "/execution?year=2025&voucher=D0001" in text(out["links"])
    assert out["history_rows"] == []


def test_detail_of_a_department_lag_draws_its_months(store):
    listed = page.update_warnings(store, 2025, "2025-06-30", "EXEC_LAG", None, None, None, None, "?lang=en")
    flag = listed["rows"][0]["flag_id"]
    assert flag == "EXEC_LAG|002"
    out = page.update_detail(store, flag, 2025, "2025-06-30", "?lang=en")
    assert out["graph_style"] == {} and out["table_style"] == {"display": "none"}
    fig = out["figure"]
    assert "(with its units)" in fig.layout.title.text
    assert list(fig.data[0].y)[:4] == [0, 100.0, 0, 100.0]          # 万元: Feb 1,000,000; Apr 1,000,000


def test_over_budget_shows_the_line_against_its_payments(store):
    listed = page.update_warnings(store, 2025, "2025-07-15", "OVER_BUDGET", None, None, None, None, "")
    flag = listed["rows"][0]["flag_id"]
    out = page.update_detail(store, flag, 2025, "2025-07-15", "")
    bars = out["figure"].data[0]
    assert list(bars.x) == [100.0, 190.0]                               # budget 100万, spent 190万
    assert [r["支付凭证号"] for r in out["table_rows"]] == ["V2503", "V2504"]


def test_review_saved_from_the_callback_shows_in_list_and_history(store):
    with auth.acting_as(None):                           # nobody signed in: nothing is saved
        nobody = page.save_review(store, DUP, 2025, "2025-07-15", "confirmed", "note", "某人", 0, "")
    assert nobody["saved"] is dash.no_update
    no_status = page.save_review(store, DUP, 2025, "2025-07-15", None, "", "王敏", 0, "")
    assert "请选择复核结论" in text(no_status["result"])

    out = page.save_review(store, DUP, 2025, "2025-07-15", "confirmed", "已核实为重复支付，已追回", "王敏", 0, "")
    assert out["saved"] == 1 and out["note"] == ""
    assert "已保存：属实（王敏" in text(out["result"])
    listed = page.update_warnings(store, 2025, "2025-07-15", None, None, None, "confirmed", DUP, "")
    assert [(r["flag_id"], r["status"], r["reviewer"]) for r in listed["rows"]] == [(DUP, "属实", "王敏")]
    detail = page.update_detail(store, DUP, 2025, "2025-07-15", "")
    assert detail["history_rows"][0]["note"] == "已核实为重复支付，已追回"
    assert detail["history_rows"][0]["status"] == "属实"


def test_a_review_survives_a_new_generation_and_shows_resolved_when_the_flag_goes(store):
    with auth.acting_as(User("李强", "staff")):
        page.save_review(store, DUP, 2025, "2025-07-15", "referred", "请卫健委说明", "typed name is ignored", 0, "")
    before = store.generation()
    with store.writer("test") as w:                      # a later load: one more payment
        w.con.execute("INSERT INTO payments VALUES ('V2599', '2025-07-10', '003', '2050202', '30201', ?, "
                      "'某公司', 1000, NULL, NULL, 4, NULL, NULL)", [sample.FUND])
        w.touch()
    assert store.generation() == before + 1
    out = page.update_warnings(store, 2025, "2025-07-15", "DUPLICATE_PAYMENT", None, None, None, None, "")
    assert [(r["flag_id"], r["status"]) for r in out["rows"]] == [(DUP, "转交询问")]
    with store.writer("test") as w:                      # the duplicate was reversed at the source
        w.con.execute("DELETE FROM payments WHERE voucher_no = 'D0002'")
        w.touch()
    out = page.update_warnings(store, 2025, "2025-07-15", "DUPLICATE_PAYMENT", None, None, "resolved", None, "")
    assert [(r["flag_id"], r["status"], r["state"]) for r in out["rows"]] == [(DUP, "转交询问（已消除）", "resolved")]
    detail = page.update_detail(store, DUP, 2025, "2025-07-15", "")
    assert "已不再触发" in text(detail["body"]) and detail["history_rows"][0]["reviewer"] == "李强"


def test_thresholds_in_force_name_their_source(store):
    (store.data_dir / "rules.toml").write_text("[DUPLICATE_PAYMENT]\nmax_days = 0\n", encoding="utf-8")
    out = page.update_warnings(store, 2025, "2025-07-15", None, None, None, None, None, "")
    assert "1 项与默认值不同" in out["threshold_summary"]
    row = next(r for r in out["thresholds"] if r["rule"] == "DUPLICATE_PAYMENT" and r["param"] == "max_days")
    assert row["value"] == "0" and row["default"] == "3" and row["source"].endswith("rules.toml") and row["changed"]
    assert rows_of(out, "DUPLICATE_PAYMENT") == []       # one day apart is no longer a duplicate


def test_exports_follow_the_permalink(store):
    export = page.fetch_list(store, {"year": "2025", "as_of": "2025-07-15", "rule": "DUPLICATE_PAYMENT"}, "zh")
    assert list(export.frame["entity_key"]) == ["D0002"] and export.title == "2025年预警清单"
    assert "# 数据截至: 2025-07-15" in to_csv_bytes(export).decode("utf-8-sig")
    ev = page.fetch_evidence(store, {"year": "2025", "as_of": "2025-07-15", "flag": DUP}, "zh")
    assert list(ev.frame["支付凭证号"]) == ["D0001", "D0002"]
    th = page.fetch_thresholds(store, {}, "en")
    assert "Parameter" in th.frame.columns and len(th.frame) > 16


def test_empty_folder_says_how_to_load(data_dir):
    out = page.update_warnings(Store(data_dir), None, None, None, None, None, None, None, "")
    assert "尚未导入任何数据" in text(out["message"]) and out["body_style"] == {"display": "none"}
    assert out["view"] is dash.no_update


class BrokenStore:
    data_dir = None

    def __init__(self, error=None):
        self.error = error

    def generation(self):
        return 0

    @contextlib.contextmanager
    def reader(self):
        if self.error:
            raise self.error
        con = duckdb.connect()
        try:
            yield con
        finally:
            con.close()


@pytest.mark.parametrize("broken", [BrokenStore(), BrokenStore(QueryError("查询超时（超过 60 秒）/ query timed out"))])
def test_a_failing_query_is_a_sentence(broken):
    out = page.update_warnings(broken, None, None, None, None, None, None, None, "")
    message = text(out["message"])
    assert "请稍后再试" in message and "Traceback" not in message


def test_a_rule_that_cannot_run_says_why_in_the_list_and_the_detail(store, monkeypatch):
    """Both of the page's guards are ``components.failure``: a RuleError's own words reach the reader."""
    from budgetwatch.queries.rules.base import RuleError

    def refuse(*_a, **_k):
        raise RuleError("阈值 min_amount 须为数字 / min_amount must be a number")

    monkeypatch.setattr(qf, "flag_set", refuse)
    listed = text(page.update_warnings(store, 2025, None, None, None, None, None, None, "")["message"])
    shown = text(page.update_detail(store, "DUPLICATE_PAYMENT|x", 2025, None, "")["body"])
    for said in (listed, shown):
        assert "数据查询未能完成" in said and "min_amount 须为数字" in said and "Traceback" not in said


def test_the_page_is_wired_into_the_app(store):
    app = create_app(store.data_dir)
    assert any("warnings-list" in k for k in app.callback_map)
    assert qf.flags_with_reviews(store, 2025, "2025-07-15").shape[0] > 0


def test_a_member_cannot_review(data_dir):
    store = store_of(data_dir) if "store_of" in globals() else Store(data_dir)
    with auth.acting_as(User("委员甲", "member")):
        out = page.save_review(store, DUP, 2025, "2025-07-15", "confirmed", "x", "委员甲", 0, "")
    assert out["saved"] is dash.no_update


def _form_state(layout) -> dict:
    """The review form's controls: disabled or not, and the read-only sentence if shown."""
    found = {}

    def walk(c):
        if isinstance(c, (list, tuple)):
            for x in c:
                walk(x)
            return
        if not hasattr(c, "to_plotly_json"):
            return
        cid = getattr(c, "id", None)
        if cid == ids.Warnings.REVIEW_SAVE:
            found["save"] = bool(getattr(c, "disabled", False))
        if cid == ids.Warnings.REVIEW_NOTE:
            found["note"] = bool(getattr(c, "disabled", False))
        if cid == ids.Warnings.REVIEW_STATUS:
            found["status"] = all(o.get("disabled") for o in c.options)
        if "bw-readonly" in (getattr(c, "className", "") or ""):
            found["sentence"] = c.children
        walk(getattr(c, "children", None))
    walk(layout)
    return found


@pytest.mark.parametrize("role,readonly", [("member", True), ("staff", False), ("admin", False)])
def test_the_review_form_is_read_only_for_members(data_dir, role, readonly):
    from budgetwatch.dashboard import auth
    from budgetwatch.queries import accounts

    accounts.add_user(data_dir, f"{role}1", "Correct-horse-9", role)
    user = accounts.get_user(data_dir, f"{role}1")
    with auth.acting_as(user):
        state = _form_state(page.layout({}, "zh"))
    assert (state["save"], state["note"], state["status"]) == (readonly, readonly, readonly)
    assert ("sentence" in state) == readonly
    if readonly:
        assert "工作人员" in state["sentence"]


def test_a_dismissed_flag_leaves_its_severity_card_as_the_briefing_leaves_it_out(store):
    before = page.update_warnings(store, 2025, "2025-07-15", None, None, None, None, None, "")
    red = sum(1 for r in before["rows"] if r["severity"] == "high" and r["state"] == "active")
    assert f"{red} 条" in text(before["counts"][0]) and "排除" not in text(before["counts"][0])
    page.save_review(store, DUP, 2025, "2025-07-15", "dismissed", "同一笔分两次录入，非重复", "王敏", 0, "")
    out = page.update_warnings(store, 2025, "2025-07-15", None, None, None, None, None, "")
    card = text(out["counts"][0])
    assert f'"{red - 1} 条"' in card and "另有 1 条经复核排除，未计入" in card
    assert "疑似重复支付" not in text(out["by_rule"])          # the chip of a rule whose one flag was dismissed
    from budgetwatch.dashboard import briefing
    brief = briefing.collect(store, 2025, dt.date(2025, 7, 15), charts=False)
    red_and_orange = [int(re.search(r'"(\d+) 条"', text(c)).group(1)) for c in out["counts"][:2]]
    assert brief.dismissed == 1 and sum(red_and_orange) == brief.warnings_total
