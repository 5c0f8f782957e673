"""The seven project rules on hand-built data: a true positive, the exact boundary and a
look-alike negative each. The as-of date is 2025-06-30 throughout (day 181 of 365)."""
from __future__ import annotations

import json

import pytest

AS_OF = "2025-06-30"


def flags(d, rule, **kw):
    kw.setdefault("as_of", AS_OF)
    return d.flags(rule, **kw)


def severities(d, rule, **kw):
    f = flags(d, rule, **kw)
    return dict(zip(f["entity_key"], f["severity"]))


# -- PROJECT_LAG ----------------------------------------------------------------------------------
# A whole-year window: expected share 181/365; with a plan of 3,650,000 the expected
# completion is 1,810,000 and each point behind is 36,500.
def lag_data(data):
    d = data
    d.dept("001", "市教育局")
    for code, done in (("L10", 1_445_000), ("L10+", "1444999.99"), ("L30", 715_000), ("L30+", "714999.99"),
                       ("OK", 1_810_000)):
        d.project(code, name=f"项目{code}").report(code, "2025-06-30", plan=3_650_000, done=done)
    d.project("D60", start="2025-05-01").report("D60", "2025-06-30", plan=1_000_000, done=0)   # 60 days: checked
    d.project("D59", start="2025-05-02").report("D59", "2025-06-30", plan=1_000_000, done=0)   # 59 days: not yet
    d.project("FIN", actual_finish="2025-06-01").report("FIN", "2025-05-31", plan=1_000_000, done=0)
    d.project("DONE").report("DONE", "2025-06-15", plan=1_000_000, done=0, status="已完工")
    d.project("OLD", start="2024-03-01").report("OLD", "2024-12-31", plan=1_000_000, done=0)  # last report 2024
    d.project("NOPLAN").report("NOPLAN", "2025-06-30", plan=0, done=0)
    d.project("LATER").report("LATER", "2025-06-30", plan=1_000_000, done=1_000_000) \
     .report("LATER", "2025-07-31", plan=1_000_000, done=0)                  # a report after the as-of date
    return d.publish()


def test_project_lag_boundaries(data):
    assert severities(lag_data(data), "PROJECT_LAG") == {"L10+": "medium", "L30": "medium", "L30+": "high",
                                                         "D60": "medium"}   # 61/245 expected


def test_project_lag_message_and_amount(data):
    row = lag_data(data).one("PROJECT_LAG", "L30", as_of=AS_OF)
    assert row["message"] == ("项目L30截至2025-06-30本年完成投资71.50万元，为年度计划365.00万元的19.6%，"
                              "落后应完成进度（49.6%）30.0个百分点")
    assert row["amount"] == pytest.approx(1_095_000, abs=0.01)
    assert row["entity_type"] == "project" and row["dept_code"] == "001"
    assert json.loads(row["evidence"]) == {"project_code": "L30", "year": 2025}


def test_project_lag_window_ends_with_planned_finish(data):
    d = data
    # window 2025-01-01 … 2025-03-31 (90 days): by June all of the year's plan is due
    d.project("Q1", finish="2025-03-31").report("Q1", "2025-06-30", plan=1_000_000, done=900_000)   # 10 points
    d.project("Q1+", finish="2025-03-31").report("Q1+", "2025-06-30", plan=1_000_000, done="899999.99")
    d.publish()
    assert severities(d, "PROJECT_LAG") == {"Q1+": "medium"}


# -- PROJECT_NOT_STARTED --------------------------------------------------------------------------
def not_started_data(data):
    d = data
    d.dept("001", "市住建局")
    d.project("N30", start="2025-05-31")                    # 30 days: not yet
    d.project("N31", start="2025-05-30")                    # 31 days: medium
    d.project("N90", start="2025-04-01")                    # 90 days: medium
    d.project("N91", start="2025-03-31", total=5_000_000)   # 91 days: high
    d.project("BUILD", start="2025-03-01").report("BUILD", "2025-04-30", status="在建")
    d.project("HALT", start="2025-03-01").report("HALT", "2025-04-30", status="停工")
    d.project("ASTART", start="2025-03-01", actual_start="2025-06-30")
    d.project("LATE", start="2025-03-01", actual_start="2025-07-01")       # starts after the as-of date
    d.project("WAIT", start="2025-03-01").report("WAIT", "2025-05-31", status="未开工")
    d.project("FUTURE", start="2025-03-01").report("FUTURE", "2025-07-15", status="在建")
    return d.publish()


def test_project_not_started(data):
    d = not_started_data(data)
    assert severities(d, "PROJECT_NOT_STARTED") == {"N31": "medium", "N90": "medium", "N91": "high",
                                                    "LATE": "high", "WAIT": "high", "FUTURE": "high"}
    row = d.one("PROJECT_NOT_STARTED", "WAIT", as_of=AS_OF)
    assert row["message"] == ("项目WAIT（市住建局牵头）计划2025-03-01开工，截至2025-06-30已过121天仍未开工"
                              "（最新报送状态：未开工；总投资1000.00万元）")
    assert d.one("PROJECT_NOT_STARTED", "N91", as_of=AS_OF)["amount"] == 5_000_000


# -- PROJECT_OVERDUE ------------------------------------------------------------------------------
def overdue_data(data):
    d = data
    d.dept("001", "市交通局")
    d.project("O0", finish="2025-06-30")                    # due today: not overdue
    d.project("O1", finish="2025-06-29")                    # 1 day: medium
    d.project("O90", finish="2025-04-01")                   # 90 days: medium
    d.project("O91", finish="2025-03-31")                   # 91 days: high
    d.project("AFIN", finish="2025-03-31", actual_finish="2025-03-20")
    d.project("RFIN", finish="2025-03-31").report("RFIN", "2025-05-31", status="已完工")
    d.project("LFIN", finish="2025-03-31").report("LFIN", "2025-05-31", status="在建", progress=85) \
     .report("LFIN", "2025-07-31", status="已完工")         # finished only after the as-of date
    return d.publish()


def test_project_overdue(data):
    d = overdue_data(data)
    assert severities(d, "PROJECT_OVERDUE") == {"O1": "medium", "O90": "medium", "O91": "high", "LFIN": "high"}
    assert d.one("PROJECT_OVERDUE", "LFIN", as_of=AS_OF)["message"] == (
        "项目LFIN（市交通局牵头）计划2025-03-31完工，截至2025-06-30已逾期91天仍未完工（最新报送状态：在建，形象进度85.0%）")


# -- PROJECT_OVER_ESTIMATE ------------------------------------------------------------------------
def test_project_over_estimate(data):
    d = data
    d.dept("001", "市发改委")
    d.project("EQ", total=1_000_000, estimate=1_000_000)                    # equal: fine
    d.project("E1", total="1000000.01", estimate=1_000_000)                 # one fen above
    d.project("EC", total=900_000, estimate=1_000_000).report("EC", "2025-05-31", total_done=1_200_000)
    d.project("NOEST", total=9_000_000, estimate=None)
    d.project("ZERO", total=9_000_000, estimate=0)
    d.project("LATER", total=900_000, estimate=1_000_000).report("LATER", "2025-07-31", total_done=2_000_000)
    d.publish()
    f = flags(d, "PROJECT_OVER_ESTIMATE")
    assert dict(zip(f["entity_key"], f["amount"])) == {"EC": 200_000, "E1": 0.01}
    assert set(f["severity"]) == {"high"}
    assert f.set_index("entity_key").loc["EC", "message"] == (
        "项目EC开工以来累计完成投资120.00万元，超过批复概算100.00万元共20.00万元（超概算须报原审批部门核定）")


# -- PROJECT_STALE --------------------------------------------------------------------------------
def test_project_stale(data):
    d = data
    d.dept("001", "市卫健委")
    d.project("S60").report("S60", "2025-05-01")            # 60 days: fine
    d.project("S61").report("S61", "2025-04-30")            # 61 days: stale
    d.project("NONE60", start="2025-05-01")                 # never reported, started 60 days ago
    d.project("NONE61", start="2025-04-30")
    d.project("FIN", actual_finish="2025-03-01").report("FIN", "2025-02-28")
    d.project("SOON", start="2025-07-01")                   # not due to start yet
    d.project("NEW", start="2025-03-01").report("NEW", "2025-03-31").report("NEW", "2025-07-31")
    d.publish()
    f = flags(d, "PROJECT_STALE")
    assert severities(d, "PROJECT_STALE") == {"S61": "low", "NONE61": "low", "NEW": "low"}
    msgs = f.set_index("entity_key")["message"]
    assert msgs["S61"] == "项目S61（市卫健委牵头）最近一次进度报送截至2025-04-30，截至2025-06-30已61天未报送"
    assert msgs["NONE61"] == "项目NONE61（市卫健委牵头）计划2025-04-30开工以来从未报送进度，截至2025-06-30已61天未报送"


# -- PROJECT_OVERPAID -----------------------------------------------------------------------------
def test_project_overpaid(data):
    d = data
    d.dept("001", "市水利局")

    def case(code, done, *payments, report_date="2025-05-31"):
        d.project(code)
        if done is not None:
            d.report(code, report_date, plan=10_000_000, done=done)
        for i, (amount, day) in enumerate(payments):
            d.pay(f"{code}-{i}", day, "001", amount, project=code)

    case("P500", 2_500_000, (3_000_000, "2025-03-01"))                   # 20% and 500,000 exactly: no
    case("P500+", 2_500_000, ("3000000.01", "2025-03-01"))               # just above both: fires
    case("PCT20", 5_000_000, (6_000_000, "2025-03-01"))                  # 20% exactly (1,000,000 above): no
    case("PCT20+", 5_000_000, ("6000000.01", "2025-03-01"))
    case("SMALL", 100_000, (600_000, "2025-03-01"))                      # 500% but 500,000 exactly: no
    case("PREV", 900_000, (600_000, "2025-03-01"), report_date="2024-12-31")   # last year's report counts 0
    case("NOREP", None, (500_001, "2025-03-01"))
    case("REFUND", None, (800_000, "2025-03-01"), (-300_000, "2025-04-01"))   # net 500,000: no
    case("OUTSIDE", None, (900_000, "2024-12-31"), (900_000, "2025-07-01"))   # outside the year to the as-of date
    d.pay("X1", "2025-03-01", "001", 9_000_000)                          # no project code
    d.publish()
    f = flags(d, "PROJECT_OVERPAID")
    assert dict(zip(f["entity_key"], f["amount"])) == {"P500+": 500_000.01, "PCT20+": 1_000_000.01,
                                                       "PREV": 600_000, "NOREP": 500_001}
    assert f.set_index("entity_key").loc["PREV", "message"] == (
        "项目PREV本年已支付60.00万元（1笔），超过截至2025-06-30报送的本年完成投资0.00万元共60.00万元")


# -- LIVELIHOOD_UNSATISFIED -----------------------------------------------------------------------
def test_livelihood_unsatisfied(data):
    d = data
    d.dept("001", "市民政局")
    for code in ("V16", "V15B", "V15", "V31", "PRESENT", "LAST"):
        d.project(code, name=f"项目{code}")
    d.vote("V16", members=30, present=30, satisfied=16, basically=10, unsatisfied=4)      # 满意
    d.vote("V15B", members=30, present=30, satisfied=15, basically=1, unsatisfied=14)     # exactly half: 基本满意
    d.vote("V15", members=30, present=30, satisfied=15, basically=0, unsatisfied=15)      # 不满意
    d.vote("V31", members=31, present=31, satisfied=16, basically=0, unsatisfied=15)      # 16 > 15.5: 满意
    d.vote("PRESENT", members=40, present=30, satisfied=20, basically=5, unsatisfied=5)   # 2/3 of present only
    d.vote("LAST", members=30, present=30, satisfied=0, unsatisfied=30, year=2024)        # another year
    d.publish()
    f = flags(d, "LIVELIHOOD_UNSATISFIED")
    assert dict(zip(f["entity_key"], f["severity"])) == {"V15": "high", "V15B": "low", "PRESENT": "low"}
    assert f.set_index("entity_key").loc["V15", "message"] == (
        "项目V15（市民政局牵头）2025年满意度测评为“不满意”：应到30人，实到30人，满意15票、基本满意0票、不满意15票")
    assert f["amount"].tolist()[0] == 10_000_000
    assert d.keys("LIVELIHOOD_UNSATISFIED", year=2024, as_of="2024-12-31") == {"LAST"}


def test_project_rules_run_without_payments_against_today(data):
    d = data
    d.dept("001")
    d.project("N", start="2020-01-01", finish="2020-12-31")
    d.publish()
    f = d.flags(["PROJECT_NOT_STARTED", "PROJECT_OVERDUE"], year=2024)
    assert set(f["rule"]) == {"PROJECT_NOT_STARTED", "PROJECT_OVERDUE"} and set(f["severity"]) == {"high"}
