"""AUDIT_OVERDUE, AUDIT_REPEAT, AUDIT_HOLLOW on hand-built data."""
from __future__ import annotations

import datetime as dt
import json


# -- AUDIT_OVERDUE --------------------------------------------------------------------------
def overdue_data(data):
    d = data
    d.dept("001", "市发改委")
    d.pay("P1", "2025-06-30", "001", 100)                                    # as-of 2025-06-30
    d.finding("F1", "001", deadline="2025-06-30", status="未整改")           # due today: not overdue
    d.finding("F2", "001", deadline="2025-06-29", status="未整改", involved=300_000)  # 1 day: medium
    d.finding("F3", "001", deadline="2025-04-01", status="部分整改")         # exactly 90 days: medium
    d.finding("F4", "001", deadline="2025-03-31", status="部分整改")         # 91 days: high
    d.finding("F5", "001", deadline="2024-12-31", status="已整改")           # rectified: no
    d.finding("F6", "001", deadline="2025-01-31", status="open")             # English status
    d.finding("F7", "001", deadline="2025-01-31", status="partial")
    d.finding("F8", "001", deadline="2025-01-31", status="未整改", audit_year=2026)  # later audit
    return d.publish()


def test_audit_overdue(data):
    f = overdue_data(data).flags("AUDIT_OVERDUE")
    assert dict(zip(f["entity_key"], f["severity"])) == {
        "F2": "medium", "F3": "medium", "F4": "high", "F6": "high", "F7": "high"}
    row = f.set_index("entity_key").loc["F2"]
    assert row["message"] == ("市发改委“预算管理”问题（F2，2024年审计）整改期限2025-06-29，截至2025-06-30"
                              "已逾期1天，状态为未整改（涉及金额30.00万元，已整改0.00万元）")
    assert row["amount"] == 300_000 and row["as_of"] == "2025-06-30"
    assert json.loads(row["evidence"]) == {"finding_id": "F2"}
    assert "状态为部分整改" in f.set_index("entity_key").loc["F7", "message"]


def test_audit_overdue_thresholds_and_as_of(data):
    d = overdue_data(data)
    f = d.flags("AUDIT_OVERDUE", thresholds={"AUDIT_OVERDUE": {"grace_days": 90, "high_days": 200}})
    assert set(f["entity_key"]) == {"F4", "F6", "F7"} and set(f["severity"]) == {"medium"}
    assert d.keys("AUDIT_OVERDUE", as_of="2025-04-01") == {"F4", "F6", "F7"}
    assert d.keys("AUDIT_OVERDUE", as_of="2025-03-31") == {"F6", "F7"}


def test_audit_overdue_today_when_no_payments(data):
    d = data
    d.finding("F1", "001", deadline="2020-01-31", status="未整改", audit_year=2019)
    d.publish()
    f = d.flags("AUDIT_OVERDUE", year=2021)
    assert f["as_of"].tolist() == [dt.date.today().isoformat()]
    assert f["severity"].tolist() == ["high"]


# -- AUDIT_REPEAT ---------------------------------------------------------------------------
def repeat_data(data):
    d = data
    d.dept("001", "市农业农村局").dept("002")
    d.finding("A1", "001", "专项资金", audit_year=2022, involved=100_000)
    d.finding("A2", "001", "专项资金", audit_year=2024, involved=200_000)
    d.finding("A3", "001", "专项资金", audit_year=2024, involved=50_000)
    d.finding("B1", "001", "政府采购", audit_year=2024)                    # two in one year only
    d.finding("B2", "001", "政府采购", audit_year=2024)
    d.finding("C1", "002", "预算管理", audit_year=2023)                    # different categories
    d.finding("C2", "002", "财务管理", audit_year=2024)
    d.finding("D1", "002", "债务管理", audit_year=2024)                    # second year is later
    d.finding("D2", "002", "债务管理", audit_year=2026)
    return d.publish()


def test_audit_repeat(data):
    d = repeat_data(data)
    f = d.flags("AUDIT_REPEAT")
    assert set(f["entity_key"]) == {"001|专项资金"}
    row = f.iloc[0]
    assert row["message"] == ("市农业农村局“专项资金”类问题在2022、2024年共2个审计年度均被查出（屡审屡犯），"
                              "共3个问题，涉及金额35.00万元")
    assert row["amount"] == 350_000 and row["dept_code"] == "001"
    assert row["entity_type"] == "unit_category"
    assert json.loads(row["evidence"]) == {"dept_code": "001", "category": "专项资金",
                                           "finding_ids": ["A1", "A2", "A3"]}
    assert d.keys("AUDIT_REPEAT", year=2023) == set()
    assert d.keys("AUDIT_REPEAT", year=2026) == {"001|专项资金", "002|债务管理"}


def test_audit_repeat_thresholds(data):
    d = repeat_data(data)
    # the last 3 audit years up to 2025 are 2023-2025: 2022 drops out
    assert d.keys("AUDIT_REPEAT", thresholds={"AUDIT_REPEAT": {"within_years": 3}}) == set()
    assert d.keys("AUDIT_REPEAT", thresholds={"AUDIT_REPEAT": {"within_years": 4}}) == {"001|专项资金"}
    assert d.keys("AUDIT_REPEAT", thresholds={"AUDIT_REPEAT": {"min_years": 1}}) == {
        "001|专项资金", "001|政府采购", "002|预算管理", "002|财务管理", "002|债务管理"}


# -- AUDIT_HOLLOW ---------------------------------------------------------------------------
def test_audit_hollow(data):
    d = data
    d.dept("001", "市教育局")
    d.finding("H1", "001", status="已整改", involved=1_000_000, rectified="500000.00")  # exactly half
    d.finding("H2", "001", status="已整改", involved=1_000_000, rectified="499999.99")  # fires
    d.finding("H3", "001", status="rectified", involved=1_000_000, rectified=0)         # fires
    d.finding("H4", "001", status="已整改", involved=0, rectified=0)                    # nothing involved
    d.finding("H5", "001", status="未整改", involved=1_000_000, rectified=0)            # not claimed
    d.finding("H6", "001", status="已整改", involved=1_000_000, rectified=0, audit_year=2026)
    d.publish()
    f = d.flags("AUDIT_HOLLOW")
    assert set(f["entity_key"]) == {"H2", "H3"}
    row = f.set_index("entity_key").loc["H2"]
    assert row["message"] == ("市教育局“预算管理”问题（H2，2024年审计）标为已整改，但已整改金额50.00万元"
                              "仅为涉及金额100.00万元的50.0%，低于50%")
    assert row["amount"] == 500_000.01 and row["severity"] == "medium"
    assert d.keys("AUDIT_HOLLOW", thresholds={"AUDIT_HOLLOW": {"min_rectified_pct": 50.01}}) == {
        "H1", "H2", "H3"}
