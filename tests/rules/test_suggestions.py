"""SUGGESTION_OVERDUE, _UNSATISFIED, _PROMISE_DUE, _PROXY_RATED, _UNIT_SATISFACTION on hand-built data.

Each rule: a true positive, the exact boundary (one and three calendar months with month-end
dates, 30 days, five rated rows, 98%) and look-alikes that must stay silent (an approved
extension, a co-handler's month, a reply on the deadline itself).
"""
from __future__ import annotations

import json

import duckdb

from budgetwatch.queries.rules.suggestions import DEADLINE_SQL


def test_calendar_months_clamp_to_the_month_end_in_duckdb():
    con = duckdb.connect()
    sql = DEADLINE_SQL.replace("$co_months", "1").replace("$main_months", "3")
    got = con.execute(f"""SELECT {sql} FROM (VALUES
        (DATE '2025-05-31', '主办', NULL::DATE), (DATE '2025-11-30', '主办', NULL),
        (DATE '2024-11-30', '分办', NULL), (DATE '2025-01-31', '协办', NULL),
        (DATE '2025-03-15', '主办', DATE '2025-09-30')) t(assigned_date, role, extended_to)""").fetchall()
    assert [str(r[0]) for r in got] == ["2025-08-31", "2026-02-28", "2025-02-28", "2025-02-28", "2025-09-30"]


# -- SUGGESTION_OVERDUE -------------------------------------------------------------------------
def overdue_data(data):
    d = data
    d.dept("001", "市住建局").dept("002", "市财政局").dept("003", "市交通局")
    d.suggestion("S1", "001", assigned="2025-03-31")                         # due 06-30
    d.suggestion("S2", "001", assigned="2025-03-31", replied_date="2025-06-30")  # replied on the deadline
    d.suggestion("S3", "001", assigned="2025-03-01", extended_to="2025-08-31")   # approved extension
    s4 = "关于加快老旧小区改造的建议"
    d.suggestion("S4", "001", assigned="2025-05-31", title=s4)               # due 08-31
    d.suggestion("S4", "002", "协办", assigned="2025-05-31", title=s4)       # views due 06-30
    d.suggestion("S4", "003", "协办", assigned="2025-05-31", title=s4, replied_date="2025-06-30")  # in time
    d.suggestion("S5", "001", "分办", assigned="2025-01-15")                  # due 04-15
    d.suggestion("S6", "001", assigned="2025-01-14")                         # due 04-14
    d.suggestion("S7", "001", assigned="2025-03-31", replied_date="2025-07-20")  # replied after the as-of date
    d.suggestion("S8", "001", assigned="2024-11-30", year=2024)              # last year's, due 2025-02-28
    d.suggestion("S9", "001", assigned="2025-01-02", year=2026)              # a later session: not seen
    return d.publish()


def test_suggestion_overdue(data):
    d = overdue_data(data)
    f = d.flags("SUGGESTION_OVERDUE", as_of="2025-07-14")
    got = dict(zip(f["entity_key"], f["severity"]))
    assert got == {"S1|001": "medium", "S4|002": "medium", "S5|001": "medium", "S6|001": "high",
                   "S7|001": "medium", "S8|001": "high"}
    row = f.set_index("entity_key").loc["S4|002"]
    assert row["message"] == ("市财政局（协办）办理王建国代表领衔的建议S4“关于加快老旧小区改造的建议”，协办意见期限"
                              "2025-06-30，截至2025-07-14已逾期14天未提出协办意见")
    assert row["amount"] == 0 and row["entity_type"] == "suggestion" and row["dept_code"] == "002"
    assert json.loads(row["evidence"]) == {"suggestion_no": "S4", "dept_code": "002"}
    assert "S5|001" in got and f.set_index("entity_key").loc["S5|001", "message"].endswith("已逾期90天未答复")


def test_suggestion_overdue_exact_month_boundaries(data):
    d = overdue_data(data)
    # three months from 31 March is 30 June: due that day, late the day after
    assert "S1|001" not in d.keys("SUGGESTION_OVERDUE", as_of="2025-06-30")
    assert "S1|001" in d.keys("SUGGESTION_OVERDUE", as_of="2025-07-01")
    # 31 May + 3 months = 31 August (main unit); + 1 month = 30 June (co-handler)
    keys = d.keys("SUGGESTION_OVERDUE", as_of="2025-08-31")
    assert "S4|001" not in keys and "S4|002" in keys and "S4|003" not in keys
    assert "S4|001" in d.keys("SUGGESTION_OVERDUE", as_of="2025-09-01")
    assert "S4|002" not in d.keys("SUGGESTION_OVERDUE", as_of="2025-06-30")
    # 30 November + 3 months = 28 February
    assert "S8|001" not in d.keys("SUGGESTION_OVERDUE", as_of="2025-02-28")
    assert "S8|001" in d.keys("SUGGESTION_OVERDUE", as_of="2025-03-01")
    # the extension holds to its own date
    assert "S3|001" not in d.keys("SUGGESTION_OVERDUE", as_of="2025-08-31")
    assert "S3|001" in d.keys("SUGGESTION_OVERDUE", as_of="2025-09-01")
    # a reply on the deadline is never late
    assert "S2|001" not in d.keys("SUGGESTION_OVERDUE", as_of="2025-12-31")


def test_suggestion_overdue_thresholds(data):
    d = overdue_data(data)
    f = d.flags("SUGGESTION_OVERDUE", as_of="2025-07-14",
                thresholds={"SUGGESTION_OVERDUE": {"main_months": 2, "co_months": 2, "high_days": 200}})
    assert set(f["severity"]) == {"medium"}
    assert "S4|002" not in set(f["entity_key"])          # 31 May + 2 months = 31 July
    assert "S2|001" not in set(f["entity_key"])          # replied late (due 31 May), but replied: not open


# -- SUGGESTION_UNSATISFIED ---------------------------------------------------------------------
def unsatisfied_data(data):
    d = data
    d.dept("001", "市教育局")
    d.suggestion("U1", "001", replied_date="2025-05-20", satisfaction="不满意", rated_date="2025-06-01")
    d.suggestion("U2", "001", replied_date="2025-05-01", satisfaction="不满意")      # no rated date: replied
    d.suggestion("U3", "001", replied_date="2025-04-01", satisfaction="不满意", rated_date="2025-05-01",
                 second_reply_date="2025-06-15")                                     # answered again
    d.suggestion("U4", "001", replied_date="2025-04-01", satisfaction="不满意", rated_date="2025-05-01",
                 second_reply_date="2025-08-01")                                     # answered after the as-of
    d.suggestion("U5", "001", replied_date="2025-04-01", satisfaction="基本满意", rated_date="2025-05-01")
    return d.publish()


def test_suggestion_unsatisfied(data):
    d = unsatisfied_data(data)
    f = d.flags("SUGGESTION_UNSATISFIED", as_of="2025-07-02")
    assert set(f["entity_key"]) == {"U1|001", "U2|001", "U4|001"}
    assert set(f["severity"]) == {"medium"}
    assert f.set_index("entity_key").loc["U1|001", "message"] == (
        "王建国代表对市教育局（主办）办理的建议U1“关于U1的建议”测评不满意（2025-06-01），截至2025-07-02已31天未再次答复")
    # 30 days after the rating is not yet late
    assert "U1|001" not in d.keys("SUGGESTION_UNSATISFIED", as_of="2025-07-01")
    assert "U2|001" in d.keys("SUGGESTION_UNSATISFIED", as_of="2025-06-01")     # 31 days after the reply
    assert "U2|001" not in d.keys("SUGGESTION_UNSATISFIED", as_of="2025-05-31")


# -- SUGGESTION_PROMISE_DUE ---------------------------------------------------------------------
def test_suggestion_promise_due(data):
    d = data
    d.dept("001", "市卫健委")
    d.suggestion("B1", "001", replied_date="2025-05-01", reply_class="B", promised_date="2025-06-30")
    d.suggestion("B2", "001", replied_date="2025-05-01", reply_class="B", promised_date="2025-05-31",
                 closed_date="2025-06-15")                                            # kept its promise
    d.suggestion("B3", "001", replied_date="2025-05-01", reply_class="B", promised_date="2025-05-31",
                 closed_date="2025-08-01")                                            # closed after the as-of
    d.suggestion("B4", "001", replied_date="2025-05-01", reply_class="A", promised_date="2025-05-31")
    d.suggestion("B5", "001", replied_date="2025-05-01", reply_class="C", promised_date="2025-05-31")
    d.publish()
    assert d.keys("SUGGESTION_PROMISE_DUE", as_of="2025-06-30") == {"B3|001"}      # B1 due today
    f = d.flags("SUGGESTION_PROMISE_DUE", as_of="2025-07-01")
    assert set(f["entity_key"]) == {"B1|001", "B3|001"}
    assert f.set_index("entity_key").loc["B1|001", "message"] == (
        "市卫健委（主办）对王建国代表领衔的建议B1“关于B1的建议”答复为B类（正在解决或列入计划），"
        "承诺2025-06-30前办结，截至2025-07-01已过期1天仍未办结")
    assert d.keys("SUGGESTION_PROMISE_DUE", as_of="2025-07-01",
                  thresholds={"SUGGESTION_PROMISE_DUE": {"grace_days": 30}}) == {"B3|001"}
    assert d.keys("SUGGESTION_PROMISE_DUE", as_of="2025-08-01") == {"B1|001"}      # B3 closed that day


# -- SUGGESTION_PROXY_RATED ---------------------------------------------------------------------
def test_suggestion_proxy_rated(data):
    d = data
    d.dept("001", "市民政局")
    d.suggestion("P1", "001", replied_date="2025-05-01", satisfaction="满意", source="承办单位代填")
    d.suggestion("P2", "001", replied_date="2025-05-01", satisfaction="满意", source="代表本人")
    d.suggestion("P3", "001", replied_date="2025-05-01", source="承办单位代填")        # nothing rated yet
    d.publish()
    f = d.flags("SUGGESTION_PROXY_RATED", as_of="2025-06-30")
    assert f["entity_key"].tolist() == ["P1|001"] and f["severity"].tolist() == ["low"]
    assert f["message"][0] == "市民政局（主办）办理的建议P1“关于P1的建议”满意度“满意”由承办单位代填，不是王建国代表本人测评"


# -- SUGGESTION_UNIT_SATISFACTION ---------------------------------------------------------------
def rated(d, dept, n_ok, n_bad, *, role="主办", year=2025, prefix=None):
    prefix = prefix or f"{dept}-{role}-{year}"
    for i in range(n_ok + n_bad):
        d.suggestion(f"{prefix}-{i:02d}", dept, role, year=year, replied_date=f"{year}-05-01",
                     satisfaction=("满意" if i % 2 else "基本满意") if i < n_ok else "不满意")


def test_suggestion_unit_satisfaction(data):
    d = data
    d.dept("001", "市住建局").dept("002", "市水利局").dept("003", "市城管局").dept("004", "市自然资源局")
    d.dept("005", "市生态环境局")
    rated(d, "001", 4, 1)                       # five rated, 80%: fires
    rated(d, "002", 0, 4)                       # four rated: too few to judge
    rated(d, "003", 49, 1)                      # exactly 98%: does not fire
    rated(d, "004", 48, 2)                      # 96%: fires
    rated(d, "005", 0, 5, role="协办")          # co-handling rows do not count
    rated(d, "005", 5, 0)
    rated(d, "002", 0, 5, year=2024)            # last year's ratings do not count
    d.suggestion("X1", "002", replied_date="2025-05-01")                        # not rated
    d.publish()
    f = d.flags("SUGGESTION_UNIT_SATISFACTION", as_of="2025-12-31")
    assert set(f["entity_key"]) == {"001", "004"}
    row = f.set_index("entity_key").loc["001"]
    assert row["message"] == "市住建局作为主办单位的2025年建议已测评5件，满意和基本满意4件（80.0%），低于98%，不满意1件"
    assert row["entity_type"] == "unit" and row["severity"] == "low"
    assert json.loads(row["evidence"])["suggestion_nos"][0] == "001-主办-2025-00"
    assert d.keys("SUGGESTION_UNIT_SATISFACTION", as_of="2025-12-31",
                  thresholds={"SUGGESTION_UNIT_SATISFACTION": {"min_satisfied_pct": 98.01}}) == {"001", "003", "004"}
    assert d.keys("SUGGESTION_UNIT_SATISFACTION", as_of="2025-12-31",
                  thresholds={"SUGGESTION_UNIT_SATISFACTION": {"min_rated": 4}}) == {"001", "002", "004"}
    assert d.keys("SUGGESTION_UNIT_SATISFACTION", year=2024, as_of="2024-12-31") == {"002"}
