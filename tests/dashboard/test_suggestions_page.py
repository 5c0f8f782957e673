"""The 代表建议 page: its queries, figure builders and callbacks called as functions, downloads,
and a department-limited account seeing only its units' rows."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.figures import suggestions as figs
from budgetwatch.dashboard.pages.suggestions import callbacks as cb
from budgetwatch.queries import suggestions as qs
from budgetwatch.queries.store import Store, scoped
from tests.dashboard import sample, sample_suggestions

S = ids.Suggestions
AS_OF = "2025-06-30"
SEARCH = "?year=2025&as_of=2025-06-30"


def text(component) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      ensure_ascii=False, default=lambda c: c.to_plotly_json())


@pytest.fixture
def store(data_dir):
    return Store(sample_suggestions.build(data_dir))


def test_handling_rows_stages_and_deadlines(store):
    with store.reader() as con:
        rows = qs.handling(con, 2025, dt.date(2025, 6, 30))
    got = {(r.suggestion_no, r.dept_code): (r.stage, str(r.deadline)[:10]) for r in rows.itertuples()}
    assert got[("2025-0001", "002")] == ("overdue", "2025-04-10")            # co-handler: one month
    assert got[("2025-0001", "001")] == ("replied", "2025-06-10")
    assert got[("2025-0004", "001")] == ("replied", "2025-06-30")           # replied on the deadline
    assert got[("2025-0005", "003")] == ("within", "2025-08-31")            # the extension
    assert got[("2025-0006", "002001")] == ("closed", "2025-04-20")         # 分办: three months
    per = qs.per_suggestion(rows).set_index("suggestion_no")
    assert per["stage"].to_dict() == {"2025-0001": "replied", "2025-0002": "overdue", "2025-0003": "replied",
                                      "2025-0004": "replied", "2025-0005": "within", "2025-0006": "closed"}
    assert per.loc["2025-0001", "main_units"] == "市教育局"
    card = qs.scorecard(rows).set_index("dept_code")
    assert card.loc["002", ["n_main", "n_co", "overdue", "due", "on_time"]].tolist() == [1, 1, 2, 2, 0]
    assert card.loc["001", "on_time_rate"] == 1.0 and card.loc["001", "open_promises"] == 1
    assert card.loc["001", "a_share"] == 0.5 and card.loc["001", "satisfaction_rate"] == 1.0
    assert card.loc["003", "satisfaction_rate"] == 0.0


def test_deputies_and_their_suggestions(store):
    with store.reader() as con:
        rows = qs.handling(con, 2025, dt.date(2025, 6, 30))
    people = qs.deputies(rows).set_index("name")
    assert people.loc["王建国"].tolist() == [2, 2] and people.loc["李红"].tolist() == [1, 1]
    mine = qs.of_deputy(qs.per_suggestion(rows), "王建国")
    assert dict(zip(mine["suggestion_no"], mine["signed"])) == {
        "2025-0001": "领衔", "2025-0002": "附议", "2025-0004": "附议", "2025-0005": "领衔"}
    assert qs.split_names("李红、张伟, 赵敏，周强") == ["李红", "张伟", "赵敏", "周强"]


def test_the_page_at_an_as_of_date(store):
    out = cb.update_page(store, 2025, AS_OF, SEARCH)
    assert out["message"] is None and out["body_style"] == {} and out["more_style"] == {}
    assert out["year"] == 2025 and out["as_of"] == AS_OF
    cards = text(out["headline"])
    assert "6 件" in cards and "逾期未答复" in cards and "B类承诺到期未办结 1 件" in cards
    assert "另有协办意见逾期 1 条" in cards
    ordered = [r["unit"] for r in out[f"table:{S.T_UNITS}"]["rowData"]]
    assert ordered[:3] == ["市教育局 001", "市卫生健康委员会 002", "市交通运输局 003"]     # most warnings first
    units = {r["unit"]: r for r in out[f"table:{S.T_UNITS}"]["rowData"]}
    assert units["市卫生健康委员会 002"]["overdue"] == 2 and units["市卫生健康委员会 002"]["on_time_rate"] == 0.0
    assert units["市教育局 001"]["broken"] == 1 and units["市教育局 001"]["proxy_rated"] == 1
    assert [r["suggestion_no"] for r in out[f"table:{S.T_PRIORITY}"]["rowData"]] == ["2025-0001"]
    all_rows = out[f"table:{S.T_ALL}"]["rowData"]
    assert len(all_rows) == 6 and {r["stage"] for r in all_rows} == {"within", "replied", "overdue", "closed"}
    deputies = {o["value"]: o["label"] for o in out["deputy_options"]}
    assert set(deputies) == {"王建国", "李红", "张伟", "赵敏", "周强"} and deputies["王建国"] == "王建国（领衔2·附议2）"
    assert len(out["suggestion_options"]) == 6
    assert out[f"fig:{S.FIELD}"].layout.title.text == "2025年代表建议：各领域办理阶段"
    bars = out[f"fig:{S.CLASS}"].data[0]
    assert list(bars.x) == ["A类", "B类", "C类", "尚未答复"] and list(bars.y) == [2, 1, 1, 2]
    assert bars.customdata[1][0] == "B类 正在解决或列入计划"
    assert out[f"config:{S.FIELD}"]["toImageButtonOptions"]["filename"] == "budgetwatch_suggestions_field_2025"


def test_the_page_in_english_and_without_data(store, data_dir, tmp_path):
    out = cb.update_page(store, 2025, AS_OF, SEARCH + "&lang=en")
    assert "Overdue" in text(out["headline"]) and out[f"fig:{S.SATISFACTION}"].layout.title.text == "Deputies' ratings"
    empty = cb.update_page(Store(sample.build(tmp_path / "other")), None, None, "?lang=en")
    assert "No deputies' suggestions have been loaded yet" in text(empty["message"])
    assert empty["body_style"] == empty["more_style"] == {"visibility": "hidden", "height": "0", "overflow": "hidden",
                                                          "padding": "0", "margin": "0", "border": "none"}


def test_a_deputys_own_view(store):
    out = cb.update_deputy(store, "王建国", 2025, AS_OF, SEARCH)
    rows = out["table"]["rowData"]
    assert [(r["suggestion_no"], r["signed_text"], r["stage"]) for r in rows] == [
        ("2025-0001", "领衔", "replied"), ("2025-0002", "附议", "overdue"), ("2025-0004", "附议", "replied"),
        ("2025-0005", "领衔", "within")]
    assert rows[0]["broken"] is True and rows[1]["days_past"] == 20
    assert out["summary"] == "王建国：领衔 2 件，附议 2 件；逾期 1 件，不满意 0 件"
    assert cb.update_deputy(store, "无名氏", 2025, AS_OF, SEARCH)["summary"] == "本年没有该代表签署的建议。"
    assert cb.update_deputy(store, None, 2025, AS_OF, SEARCH)["table"]["rowData"] == []


def test_one_suggestions_timeline_and_flags(store):
    out = cb.update_suggestion(store, "2025-0001", 2025, AS_OF, SEARCH)
    assert out["head"] == "2025-0001“关于增加中小学学位的建议” · 王建国领衔 · 教科文卫"
    fig = out["figure"]
    assert fig.layout.title.text == "2025-0001“关于增加中小学学位的建议”办理时间线"
    names = {tr.name for tr in fig.data if tr.name}
    assert {"交办", "答复期限", "答复", "承诺办结", "代表测评"} <= names
    lines = [tr for tr in fig.data if tr.mode == "lines"]
    assert [tuple(tr.y)[0] for tr in lines] == ["市教育局（主办）", "市第一中学（协办）", "市卫生健康委员会（协办）"]
    assert lines[2].line.color == figs.ORANGE and lines[1].line.color == figs.PALE_BLUE   # flagged medium / none
    flags = text(out["flags"])
    assert "B类答复承诺到期未办结" in flags and "满意度由承办单位代填" in flags and "建议答复逾期" in flags
    handling = {r["unit"]: r for r in out["table"]["rowData"]}
    assert handling["市卫生健康委员会 002"]["stage"] == "overdue"
    assert handling["市教育局 001"]["flag_titles"] == "B类答复承诺到期未办结、满意度由承办单位代填"
    assert out["config"]["toImageButtonOptions"]["filename"] == "budgetwatch_suggestions_timeline_2025_0001_2025"
    none = cb.update_suggestion(store, "2025-0004", 2025, AS_OF, SEARCH)
    assert "该建议没有预警" in text(none["flags"])
    assert cb.update_suggestion(store, "NOPE", 2025, AS_OF, SEARCH)["head"].startswith("没有编号为 NOPE")


def test_row_click_picks_a_suggestion_and_the_view_is_a_permalink():
    assert cb.picked_row(None, {"rowId": "2025-0002", "timestamp": 5}, {"rowId": "2025-0003", "timestamp": 9}) \
        == "2025-0003"
    assert cb.picked_row(None, None, None) is cb.dash.no_update
    assert cb.view_query(2025, "2025-06-30T00:00:00", "王建国", "2025-0001", "?lang=en") == \
        "?lang=en&year=2025&as_of=2025-06-30&deputy=%E7%8E%8B%E5%BB%BA%E5%9B%BD&suggestion=2025-0001"
    assert cb.view_query(2025, None, None, None, "") == "?year=2025&lang=zh"


def test_downloads_carry_their_context(store):
    units = cb.fetch(S.T_UNITS)(store, {"year": "2025", "as_of": AS_OF}, "zh")
    assert units.title == "2025 承办单位办理情况" and units.as_of == AS_OF
    assert "按期答复率（%）" in units.frame.columns
    mine = cb.fetch(S.T_DEPUTY)(store, {"year": "2025", "as_of": AS_OF, "deputy": "王建国"}, "en")
    assert mine.frame["No."].tolist() == ["2025-0001", "2025-0002", "2025-0004", "2025-0005"]
    assert ("Deputy", "王建国") in mine.filters
    one = cb.fetch(S.T_HANDLING)(store, {"year": "2025", "as_of": AS_OF, "suggestion": "2025-0001"}, "zh")
    assert len(one.frame) == 3


def test_a_department_limited_account_sees_only_its_units(store):
    with scoped(["003"]):
        out = cb.update_page(store, 2025, AS_OF, SEARCH)
        mine = cb.update_deputy(store, "王建国", 2025, AS_OF, SEARCH)
        other = cb.update_suggestion(store, "2025-0001", 2025, AS_OF, SEARCH)
        export = cb.fetch(S.T_ALL)(store, {"year": "2025", "as_of": AS_OF}, "zh")
    assert {r["suggestion_no"] for r in out[f"table:{S.T_ALL}"]["rowData"]} == {"2025-0003", "2025-0005"}
    assert [r["unit"] for r in out[f"table:{S.T_UNITS}"]["rowData"]] == ["市交通运输局 003"]
    assert [r["suggestion_no"] for r in mine["table"]["rowData"]] == ["2025-0005"]
    assert other["table"]["rowData"] == [] and "没有编号为" in other["head"]
    assert set(export.frame["建议编号"]) == {"2025-0003", "2025-0005"}


def test_figures_escape_feed_text_and_say_when_empty():
    rows = pd.DataFrame([{"suggestion_no": "X", "dept_code": "9", "dept_name": "<b>某局</b>", "role": "主办",
                          "assigned_date": dt.date(2025, 5, 31), "deadline": dt.date(2025, 8, 31),
                          "extended_to": None, "replied_date": None, "reply_class": None, "promised_date": None,
                          "satisfaction": None, "rated_date": None, "second_reply_date": None, "closed_date": None}])
    fig = figs.timeline_figure(rows, pd.DataFrame({"dept_code": [], "severity": []}), as_of=dt.date(2025, 9, 1))
    assert fig.data[0].y[0] == "&lt;b&gt;某局&lt;/b&gt;（主办）"
    deadline = next(tr for tr in fig.data if tr.name == "答复期限")
    assert list(deadline.x) == ["2025-08-31"]
    assert figs.field_figure(pd.DataFrame({"field": [], "stage": [], "n": []}), year=2025).layout.annotations[0].text \
        == "暂无数据"


def test_a_suggestion_flag_on_the_warnings_page_shows_its_rows_and_links_here(store):
    from budgetwatch.dashboard.pages import warnings as wp

    listed = wp.update_warnings(store, 2025, AS_OF, "SUGGESTION_OVERDUE", None, None, None, None, SEARCH)
    assert listed["message"] is None
    assert [r["entity"] for r in listed["rows"]] == ["代表建议 2025-0001|002", "代表建议 2025-0002|002"]
    out = wp.update_detail(store, "SUGGESTION_PROMISE_DUE|2025-0001|001", 2025, AS_OF, SEARCH)
    assert out["table_style"] == {} and out["title"].startswith("B类答复承诺到期未办结")
    assert {r["建议编号"] for r in out["table_rows"]} == {"2025-0001"} and len(out["table_rows"]) == 3
    assert {r["答复期限"] for r in out["table_rows"]} == {"2025-06-10", "2025-04-10"}
    assert "/suggestions?year=2025&as_of=2025-06-30&suggestion=2025-0001" in text(out["links"])


def test_charts_are_registered_for_export(store):
    from budgetwatch.dashboard import views

    field = views.render(store, "suggestions.field", {"year": "2025", "as_of": AS_OF}, "zh")
    assert field.title == "2025年代表建议：各领域办理阶段" and field.as_of == AS_OF
    one = views.render(store, "suggestions.timeline", {"year": "2025", "as_of": AS_OF, "suggestion": "2025-0003"}, "en")
    assert one.title == "2025-0003 “关于优化公交线路的建议”: timeline"
    with pytest.raises(views.ViewError):
        views.render(store, "suggestions.timeline", {"year": "2025"}, "zh")
    assert views.unused_keys("suggestions.class", {"year": "2025", "deputy": "王建国"}) == ["deputy"]
