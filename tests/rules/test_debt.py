"""DEBT_OVER_LIMIT, DEBT_RATIO, DEBT_ISSUE_OVER_QUOTA on hand-built data: each with a true
positive, the exact boundary and a look-alike that must stay quiet."""
from __future__ import annotations

import json

from budgetwatch.queries.rules.config import load_thresholds

YI = 100_000_000
G, S = "一般债务", "专项债务"


# -- DEBT_OVER_LIMIT ------------------------------------------------------------------------
def over_limit_data(data):
    d = data
    d.debt("430102", G, limit=10 * YI, balance=10 * YI, name="湘江市芙蓉区")                  # equal: no
    d.debt("430102", S, limit=50 * YI, balance="5000000000.01", name="湘江市芙蓉区")          # by a cent
    d.debt("430103", S, limit=50 * YI, balance="5230000000", name="湘江市天心区")             # fires
    d.debt("430103", G, limit=60 * YI, balance=55 * YI, name="湘江市天心区")                  # above S's limit
    d.debt("430104", G, limit=10 * YI, balance=20 * YI, year=2024)                            # other year
    d.debt("430105", G, limit=10 * YI, balance=9 * YI, new_quota=1, new_issued=5 * YI)        # over quota only
    return d.publish()


def test_debt_over_limit(data):
    d = over_limit_data(data)
    f = d.flags("DEBT_OVER_LIMIT")
    assert set(f["entity_key"]) == {"430102|专项债务", "430103|专项债务"}
    assert set(f["severity"]) == {"high"} and set(f["entity_type"]) == {"region_debt"}
    row = f.set_index("entity_key").loc["430103|专项债务"]
    assert row["message"] == ("湘江市天心区2025年专项债务余额52.30亿元，超过债务限额50.00亿元，"
                              "超出2.30亿元（限额使用率104.6%）")
    assert row["amount"] == 230_000_000 and row["dept_code"] is None
    assert json.loads(row["evidence"]) == {"region_code": "430103", "debt_type": "专项债务", "year": 2025}
    assert f.set_index("entity_key").loc["430102|专项债务", "amount"] == 0.01
    assert d.keys("DEBT_OVER_LIMIT", year=2024) == {"430104|一般债务"}


def test_debt_over_limit_threshold(data):
    d = over_limit_data(data)
    assert d.keys("DEBT_OVER_LIMIT", thresholds={"DEBT_OVER_LIMIT": {"min_excess": 1}}) == {"430103|专项债务"}


# -- DEBT_RATIO -----------------------------------------------------------------------------
def ratio_data(data):
    d = data
    for region, (general, special, capacity) in {
            "430111": (30 * YI, 20 * YI, 40 * YI),            # 125%: high
            "430102": (60 * YI, 40 * YI, 100 * YI),           # exactly 100%: no
            "430103": (70 * YI, 50 * YI, 100 * YI),           # exactly 120%: medium
            "430104": ("6000000000.01", 40 * YI, 100 * YI),   # a cent above 100%: medium
            "430105": (90 * YI, 9 * YI, 100 * YI),            # 99%, though a balance is above its limit
    }.items():
        d.debt(region, G, limit=1, balance=general, capacity=capacity, name=f"湘江市{region[-2:]}区")
        d.debt(region, S, limit=1, balance=special, capacity=capacity, name=f"湘江市{region[-2:]}区")
    d.debt("430106", G, limit=1, balance=50 * YI)                            # no 综合财力: not rated
    d.debt("430107", G, limit=1, balance=50 * YI, capacity=0)                # zero: not rated
    d.debt("430108", G, limit=1, balance=50 * YI, capacity=10 * YI)          # given on one row only
    d.debt("430108", S, limit=1, balance=50 * YI)
    d.debt("430109", G, limit=1, balance=200 * YI, capacity=YI, year=2024)   # other year
    return d.publish()


def test_debt_ratio_tiers_and_boundaries(data):
    f = ratio_data(data).flags("DEBT_RATIO")
    assert dict(zip(f["entity_key"], f["severity"])) == {
        "430111": "high", "430103": "medium", "430104": "medium", "430108": "high"}
    row = f.set_index("entity_key").loc["430111"]
    assert row["message"] == ("湘江市11区2025年政府债务率125.0%，高于100%警戒线并超过120%"
                              "（债务余额50.00亿元，综合财力40.00亿元）")
    assert row["amount"] == 50 * YI and row["entity_type"] == "region"
    assert json.loads(row["evidence"]) == {"region_code": "430111", "year": 2025}
    assert f.set_index("entity_key").loc["430103", "message"] == (
        "湘江市03区2025年政府债务率120.0%，高于100%警戒线（债务余额120.00亿元，综合财力100.00亿元）")


def test_debt_ratio_tiers_follow_rules_toml(data):
    d = ratio_data(data)
    (d.path / "rules.toml").write_text("[DEBT_RATIO]\nmax_ratio_pct = 99.5\nhigh_ratio_pct = 110\n", encoding="utf-8")
    thresholds = load_thresholds(d.path)
    assert thresholds.value("DEBT_RATIO", "high_ratio_pct") == 110
    f = d.flags("DEBT_RATIO", thresholds=thresholds.values)
    assert dict(zip(f["entity_key"], f["severity"])) == {
        "430111": "high", "430102": "medium", "430103": "high", "430104": "medium", "430108": "high"}
    assert "高于99.5%警戒线" in f.set_index("entity_key").loc["430102", "message"]


# -- DEBT_ISSUE_OVER_QUOTA ------------------------------------------------------------------
def test_debt_issue_over_quota(data):
    d = data
    d.debt("430104", G, limit=YI, balance=1, new_quota=3 * YI, new_issued="320000000", name="湘江市岳麓区")  # fires
    d.debt("430104", S, limit=YI, balance=1, new_quota=3 * YI, new_issued=3 * YI)                        # equal: no
    d.debt("430105", G, limit=YI, balance=1, new_quota=None, new_issued=9 * YI)                          # no quota
    d.debt("430105", S, limit=YI, balance=1, new_quota=3 * YI, new_issued=None)                          # no issue
    d.debt("430106", G, limit=YI, balance=2 * YI, new_quota=3 * YI, new_issued=YI)                       # over limit
    d.debt("430107", G, limit=YI, balance=1, new_quota=1, new_issued=2, year=2024)                       # other year
    d.publish()
    f = d.flags("DEBT_ISSUE_OVER_QUOTA")
    assert f["entity_key"].tolist() == ["430104|一般债务"]
    row = f.iloc[0]
    assert row["message"] == "湘江市岳麓区2025年一般债务新增债券发行3.20亿元，超过新增债务限额3.00亿元，超出2000.00万元"
    assert row["amount"] == 20_000_000 and row["severity"] == "medium" and row["entity_type"] == "region_debt"
    assert d.keys("DEBT_ISSUE_OVER_QUOTA", year=2024) == {"430107|一般债务"}
    assert d.keys("DEBT_ISSUE_OVER_QUOTA", thresholds={"DEBT_ISSUE_OVER_QUOTA": {"min_excess": 20_000_000}}) == set()
