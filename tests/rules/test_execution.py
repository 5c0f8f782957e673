"""EXEC_LAG, OVER_BUDGET, NO_BUDGET, YEAR_END_RUSH on hand-built data.

2025 has 365 days; 30 June is day 181, so the time schedule at 2025-06-30 is 181/365. A
department with an adjusted budget of 3,650,000 is then exactly 15 points behind with
1,262,500 spent (10,000 × (181 − 54.75)) and exactly 30 points behind with 715,000.
"""
from __future__ import annotations

import json

AS_OF = "2025-06-30"


# -- EXEC_LAG -------------------------------------------------------------------------------
def lag_data(data):
    d = data
    # A: nested units, exactly 15 points behind -> no flag
    d.dept("A", "甲局").dept("A1", "甲局一处", "A").dept("A11", "甲局一处一科", "A1")
    d.budget("A", 2_000_000).budget("A11", 1_650_000)
    d.pay(None, "2025-02-01", "A11", "1262500.00")
    # B: just over 15 points behind -> medium
    d.dept("B", "市教育局").dept("B1", "第一中学", "B")
    d.budget("B", 3_650_000)
    d.pay(None, "2025-03-01", "B1", "1262499.99")
    # C: exactly 30 points behind -> medium, not high
    d.dept("C", "丙局")
    d.budget("C", 3_650_000)
    d.pay(None, "2025-03-01", "C", "715000.00")
    # D: just over 30 points behind -> high
    d.dept("D", "丁局")
    d.budget("D", 3_650_000)
    d.pay(None, "2025-03-01", "D", "714999.99")
    # E: budget exactly the minimum, nothing spent -> fires (at least)
    d.dept("E", "戊局")
    d.budget("E", "1000000.00")
    # F: budget just below the minimum -> not checked
    d.dept("F", "己局")
    d.budget("F", "999999.99")
    # G: a unit under G lags, but G as a whole is on schedule -> the unit is never flagged
    d.dept("G", "庚局").dept("G1", "庚局下属", "G")
    d.budget("G", 2_000_000).budget("G1", 2_000_000)
    d.pay(None, "2025-06-30", "G", 2_000_000)
    return d.publish()


def test_exec_lag_boundaries_rollup_and_severity(data):
    f = lag_data(data).flags("EXEC_LAG")
    assert f["as_of"].unique().tolist() == [AS_OF]  # the latest payment date of the year
    got = dict(zip(f["entity_key"], f["severity"]))
    assert got == {"B": "medium", "C": "medium", "D": "high", "E": "high"}
    assert not {"A", "A1", "A11", "F", "G", "G1"} & set(got)


def test_exec_lag_message_and_amount(data):
    row = lag_data(data).one("EXEC_LAG", "B")
    assert row["message"].startswith(
        "市教育局截至2025-06-30执行进度34.6%，低于序时进度49.6%共15.0个百分点")
    assert "调整预算365.00万元" in row["message"] and "已支出126.25万元" in row["message"]
    assert row["dept_code"] == "B" and row["entity_type"] == "department"
    assert abs(row["amount"] - 547_500.01) < 0.005  # budget × schedule − spent: 1,810,000 − 1,262,499.99
    assert json.loads(row["evidence"])["dept_code"] == "B"


def test_exec_lag_not_before_march(data):
    d = lag_data(data)
    assert d.keys("EXEC_LAG", as_of="2025-02-28") == set()
    assert "E" in d.keys("EXEC_LAG", as_of="2025-03-01")


def test_exec_lag_thresholds(data):
    d = lag_data(data)
    assert d.keys("EXEC_LAG", thresholds={"EXEC_LAG": {"max_gap_points": 30}}) == {"D", "E"}
    f = d.flags("EXEC_LAG", thresholds={"EXEC_LAG": {"high_gap_points": 10}})
    assert set(f["severity"]) == {"high"}
    assert "F" in d.keys("EXEC_LAG", thresholds={"EXEC_LAG": {"min_budget": 999_999}})


# -- OVER_BUDGET / NO_BUDGET ------------------------------------------------------------------
def budget_data(data):
    d = data
    d.dept("001", "市卫健委").dept("002", "市民政局").dept("003", "市水务局")
    # exactly on budget: no flag; one cent over: flag
    d.budget("001", 100_000, func="2100101", econ="30201")
    d.pay("P1", "2025-03-01", "001", 60_000, func="2100101", econ="30201")
    d.pay("P2", "2025-03-02", "001", 40_000, func="2100101", econ="30201")
    d.budget("001", 100_000, func="2100101", econ="30202")
    d.pay("P3", "2025-03-01", "001", "100000.01", func="2100101", econ="30202")
    # refunds count: 120,000 − 30,000 = 90,000 within 100,000
    d.budget("002", 100_000, func="2080201", econ="30201")
    d.pay("P4", "2025-03-01", "002", 120_000, func="2080201", econ="30201")
    d.pay("P5", "2025-03-05", "002", -30_000, func="2080201", econ="30201")
    # a line at a higher level (款 21101) covers 项 payments; the more specific line wins
    d.budget("003", 50_000, func="21101", econ="302")
    d.budget("003", 1_000_000, func="2110101", econ="30201")
    d.pay("P6", "2025-04-01", "003", 80_000, func="2110199", econ="30205")     # -> 21101|302
    d.pay("P7", "2025-04-01", "003", 500_000, func="2110101", econ="30201")    # -> 2110101|30201
    # no line: other economic code, other fund type, other unit, other year's line only
    d.pay("N1", "2025-05-01", "001", 5_000, func="2100101", econ="30299")
    d.pay("N2", "2025-05-01", "001", 5_000, func="2100101", econ="30201", fund="政府性基金预算")
    d.pay("N3", "2025-05-01", "002", -2_000, func="2100101", econ="30201")    # a refund, still unbudgeted
    d.budget("001", 100_000, func="2130101", econ="30201", year=2024)
    d.pay("N4", "2025-06-30", "001", 7_000, func="2130101", econ="30201")
    return d.publish()


def test_over_budget(data):
    f = budget_data(data).flags("OVER_BUDGET")
    assert set(f["entity_key"]) == {"001|2100101|30202|一般公共预算", "003|21101|302|一般公共预算"}
    row = f.set_index("entity_key").loc["001|2100101|30202|一般公共预算"]
    assert row["amount"] == 0.01 and row["severity"] == "high"
    assert row["message"] == ("市卫健委预算指标（功能科目2100101、经济科目30202、一般公共预算）截至2025-06-30"
                              "支出10.00万元，超过调整预算10.00万元共0.00万元")
    ev = json.loads(row["evidence"])
    assert ev["line"] == {"dept_code": "001", "func_code": "2100101", "econ_code": "30202",
                          "fund_type": "一般公共预算"}
    hi = f.set_index("entity_key").loc["003|21101|302|一般公共预算"]
    assert hi["amount"] == 30_000 and "超过调整预算5.00万元共3.00万元" in hi["message"]


def test_over_budget_as_of_and_threshold(data):
    d = budget_data(data)
    # before P3 is paid nothing of 001 is over
    assert "001|2100101|30202|一般公共预算" not in d.keys("OVER_BUDGET", as_of="2025-02-28")
    assert d.keys("OVER_BUDGET", thresholds={"OVER_BUDGET": {"min_excess": 30_000}}) == set()
    assert d.keys("OVER_BUDGET", thresholds={"OVER_BUDGET": {"min_excess": 29_999}}) == {
        "003|21101|302|一般公共预算"}


def test_no_budget(data):
    f = budget_data(data).flags("NO_BUDGET")
    assert set(f["entity_key"]) == {"N1", "N2", "N3", "N4"}
    row = f.set_index("entity_key").loc["N1"]
    assert row["message"] == ("市卫健委于2025-05-01向某供应商支付0.50万元（凭证N1，功能科目2100101、"
                              "经济科目30299、一般公共预算），2025年预算中没有对应指标")
    assert json.loads(row["evidence"]) == {"vouchers": ["N1"]}
    assert row["dept_code"] == "001" and row["amount"] == 5000


def test_no_budget_threshold_and_no_budget_loaded(data):
    d = budget_data(data)
    assert d.keys("NO_BUDGET", thresholds={"NO_BUDGET": {"min_amount": 5000}}) == {"N1", "N2", "N4"}
    assert d.keys("NO_BUDGET", thresholds={"NO_BUDGET": {"min_amount": 5000.01}}) == {"N4"}
    # with no budget line at all for the year the rule stays silent
    d.rows["budget"] = [r for r in d.rows["budget"] if r["year"] != 2025]
    d.publish()
    assert d.keys("NO_BUDGET") == set()


# -- YEAR_END_RUSH --------------------------------------------------------------------------
def rush_data(data):
    d = data
    dec = "2025-12-15"
    # R1: annual exactly 1,000,000 (at least: fires), December 45%, 9 × the monthly mean
    d.dept("R1", "市文旅局")
    for m in range(1, 12):
        d.pay(None, f"2025-{m:02d}-10", "R1", 50_000)
    d.pay(None, dec, "R1", 450_000)
    # R2: the same shape one cent smaller: below the minimum
    d.dept("R2")
    d.pay(None, "2025-03-10", "R2", "549999.99")
    d.pay(None, dec, "R2", 450_000)
    # R3: December exactly 25% of the year: no; R4: a cent more than 25%: fires
    d.dept("R3")
    d.pay(None, "2025-05-10", "R3", 3_000_000)
    d.pay(None, dec, "R3", 1_000_000)
    d.dept("R4")
    d.pay(None, "2025-05-10", "R4", "2999999.99")
    d.pay(None, dec, "R4", 1_000_000)
    # R5: December exactly 2.5 × the mean (11D = 2.5J); R6 a cent more
    d.dept("R5")
    d.pay(None, "2025-05-10", "R5", 4_400_000)
    d.pay(None, dec, "R5", 1_000_000)
    d.dept("R6")
    d.pay(None, "2025-05-10", "R6", "4399999.99")
    d.pay(None, dec, "R6", 1_000_000)
    # R7: even spending every month: no rush
    d.dept("R7")
    for m in range(1, 13):
        d.pay(None, f"2025-{m:02d}-10", "R7", 500_000)
    # R8: spends only in December
    d.dept("R8")
    d.pay(None, dec, "R8", 2_000_000)
    return d.publish()


def test_year_end_rush(data):
    d = rush_data(data)
    # R5/R6 are only 18.5% of their year: the share test stops them by default
    assert d.keys("YEAR_END_RUSH", as_of="2025-12-31") == {"R1", "R4", "R8"}
    assert d.keys("YEAR_END_RUSH", as_of="2025-12-31",
                  thresholds={"YEAR_END_RUSH": {"min_dec_share_pct": 10}}) == {"R1", "R3", "R4", "R6", "R8"}


def test_year_end_rush_only_in_december(data):
    d = rush_data(data)
    assert d.keys("YEAR_END_RUSH", as_of="2025-11-30") == set()
    assert d.flags("YEAR_END_RUSH")["as_of"].unique().tolist() == ["2025-12-15"]


def test_year_end_rush_message(data):
    row = rush_data(data).one("YEAR_END_RUSH", "R1", as_of="2025-12-31")
    assert row["message"] == ("市文旅局2025年12月支出45.00万元，占全年支出100.00万元的45.0%，"
                              "是1—11月月均支出5.00万元的9.0倍")
    assert row["amount"] == 450_000 and row["entity_type"] == "unit"
    assert json.loads(row["evidence"]) == {"dept_code": "R1", "series": "monthly", "year": 2025}
    r8 = data.one("YEAR_END_RUSH", "R8", as_of="2025-12-31")
    assert r8["message"].endswith("而1—11月没有净支出")
