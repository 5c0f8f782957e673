"""LEVERAGE, CONSECUTIVE_LOSS, EQUITY_DECLINE, IDLE_ASSETS on hand-built data."""
from __future__ import annotations

import json

import pandas as pd

E = "91330100MA2" + "0000{}"  # 18-character credit codes: E.format("001") ...


def code(n: str) -> str:
    return E.format(n)


# -- LEVERAGE -------------------------------------------------------------------------------
def leverage_data(data):
    d = data
    d.dept("900", "市国资委")
    d.enterprise(code("001"), 2025, assets=1_000_000, liabilities="700000.00")      # exactly 70%
    d.enterprise(code("002"), 2025, assets=1_000_000, liabilities="700000.01",      # medium
                 name="市城投集团", supervisor="900")
    d.enterprise(code("003"), 2025, assets=1_000_000, liabilities="850000.00")      # exactly 85%: medium
    d.enterprise(code("004"), 2025, assets=1_000_000, liabilities="850000.01")      # high
    d.enterprise(code("005"), 2025, assets=0, liabilities=100, equity=-100)         # not rated
    d.enterprise(code("006"), 2024, assets=1_000_000, liabilities=990_000)          # other year
    return d.publish()


def test_leverage(data):
    f = leverage_data(data).flags("LEVERAGE")
    assert dict(zip(f["entity_key"], f["severity"])) == {
        code("002"): "medium", code("003"): "medium", code("004"): "high"}
    row = f.set_index("entity_key").loc[code("002")]
    assert row["message"] == "市城投集团2025年资产负债率70.0%，高于70%（负债70.00万元，资产100.00万元）"
    assert row["dept_code"] == "900" and row["amount"] == 700_000.01
    assert row["entity_type"] == "enterprise"
    assert json.loads(row["evidence"]) == {"enterprise_code": code("002"), "year": 2025}
    assert pd.isna(f.set_index("entity_key").loc[code("004"), "dept_code"])  # no supervisor


def test_leverage_thresholds(data):
    d = leverage_data(data)
    f = d.flags("LEVERAGE", thresholds={"LEVERAGE": {"max_ratio_pct": 84.99, "high_ratio_pct": 90}})
    assert dict(zip(f["entity_key"], f["severity"])) == {code("003"): "medium", code("004"): "medium"}


def test_year_scope_rules_run_without_payments(data):
    # asset rules do not need payments (nor an as-of date)
    assert leverage_data(data).keys("LEVERAGE", year=2024) == {code("006")}


# -- CONSECUTIVE_LOSS -----------------------------------------------------------------------
def loss_data(data):
    d = data
    for y, p in ((2024, -800_000), (2025, -1_200_000)):                      # two years of losses
        d.enterprise(code("101"), y, assets=10, liabilities=5, profit=p, name="市公交集团")
    for y, p in ((2024, 100), (2025, -5)):                                   # one year only
        d.enterprise(code("102"), y, assets=10, liabilities=5, profit=p)
    for y, p in ((2023, -5), (2024, 100), (2025, -5)):                       # broken by a profit
        d.enterprise(code("103"), y, assets=10, liabilities=5, profit=p)
    for y, p in ((2024, 0), (2025, -5)):                                     # zero is not a loss
        d.enterprise(code("104"), y, assets=10, liabilities=5, profit=p)
    d.enterprise(code("105"), 2025, assets=10, liabilities=5, profit=-5)     # no 2024 row
    d.enterprise(code("105"), 2023, assets=10, liabilities=5, profit=-5)
    for y in (2023, 2024, 2025):                                             # three years
        d.enterprise(code("106"), y, assets=10, liabilities=5, profit=-1)
    for y, p in ((2024, -5), (2025, 3)):                                     # back in profit
        d.enterprise(code("107"), y, assets=10, liabilities=5, profit=p)
    return d.publish()


def test_consecutive_loss(data):
    f = loss_data(data).flags("CONSECUTIVE_LOSS")
    assert set(f["entity_key"]) == {code("101"), code("106")}
    row = f.set_index("entity_key").loc[code("101")]
    assert row["message"] == "市公交集团2025年利润总额-120.00万元，已连续2年亏损（2024年利润总额-80.00万元）"
    assert row["amount"] == 1_200_000 and row["severity"] == "high"


def test_consecutive_loss_years_threshold(data):
    d = loss_data(data)
    assert d.keys("CONSECUTIVE_LOSS", thresholds={"CONSECUTIVE_LOSS": {"min_years": 3}}) == {code("106")}
    assert d.keys("CONSECUTIVE_LOSS", thresholds={"CONSECUTIVE_LOSS": {"min_years": 1}}) == {
        code(n) for n in ("101", "102", "103", "104", "105", "106")}


# -- EQUITY_DECLINE -------------------------------------------------------------------------
def equity_data(data):
    d = data
    pairs = {"201": ("1000000", "900000.00"),     # exactly −10%: no
             "202": ("1000000", "899999.99"),     # fires
             "203": ("-50000", "-90000"),        # negative equity the year before: not rated
             "204": ("1000000", "1500000")}      # grew
    for n, (before, now) in pairs.items():
        d.enterprise(code(n), 2024, assets=5_000_000, liabilities=1, equity=before)
        d.enterprise(code(n), 2025, assets=5_000_000, liabilities=1, equity=now, name="市水务集团")
    d.enterprise(code("205"), 2025, assets=5_000_000, liabilities=1, equity=1)  # no 2024 row
    return d.publish()


def test_equity_decline(data):
    f = equity_data(data).flags("EQUITY_DECLINE")
    assert set(f["entity_key"]) == {code("202")}
    row = f.iloc[0]
    assert row["message"] == "市水务集团2025年所有者权益90.00万元，比上年100.00万元下降10.0%（国有资本保值增值率90.0%）"
    assert row["amount"] == 100_000.01 and row["severity"] == "medium"
    assert "201" in "".join(equity_data(data).keys("EQUITY_DECLINE", thresholds={
        "EQUITY_DECLINE": {"min_decline_pct": 9.99}}))


# -- IDLE_ASSETS ----------------------------------------------------------------------------
def test_idle_assets(data):
    d = data
    d.dept("001", "市机关事务局")
    d.asset("001", "房屋", book=1_000_000, idle="200000.00")     # exactly 20%: no
    d.asset("001", "车辆", book=1_000_000, idle="200000.01")     # fires
    d.asset("001", "土地", book=0, idle=100)                     # no book value: not rated
    d.asset("001", "通用设备", book=100, idle=90, year=2024)     # other year
    d.asset("009", "专用设备", book=100, idle=90)                # unit not in departments
    d.publish()
    f = d.flags("IDLE_ASSETS")
    assert set(f["entity_key"]) == {"001|车辆", "009|专用设备"}
    row = f.set_index("entity_key").loc["001|车辆"]
    assert row["message"] == "市机关事务局车辆类资产闲置20.00万元，占账面价值100.00万元的20.0%，高于20%"
    assert row["amount"] == 200_000.01 and row["dept_code"] == "001"
    assert json.loads(row["evidence"]) == {"dept_code": "001", "asset_category": "车辆", "year": 2025}
    # a code missing from the departments table stands in for the name
    assert f.set_index("entity_key").loc["009|专用设备", "message"].startswith("009专用设备类")
    assert d.keys("IDLE_ASSETS", thresholds={"IDLE_ASSETS": {"max_idle_pct": 19.99}}) >= {"001|房屋"}
