"""DUPLICATE_PAYMENT, SPLIT_PAYMENT, SANGONG_GROWTH on hand-built data."""
from __future__ import annotations

import json


# -- DUPLICATE_PAYMENT ----------------------------------------------------------------------
def dup_data(data):
    d = data
    d.dept("001", "市住建局").dept("002", "市城管局")
    # 3 days apart: the later one is flagged (0 to 3 days: both ends count); 4 days: not
    d.pay("D1", "2025-03-04", "001", 120_000, payee="甲建设公司")
    d.pay("D2", "2025-03-07", "001", 120_000, payee="甲建设公司")
    d.pay("D3", "2025-03-11", "001", 120_000, payee="甲建设公司")
    # same day: ordered by voucher number, the second is flagged
    d.pay("S2", "2025-04-01", "001", 8_000, payee="乙物业")
    d.pay("S1", "2025-04-01", "001", 8_000, payee="乙物业")
    # a run: every payment but the first
    d.pay("R1", "2025-05-01", "001", 30_000, payee="丙公司")
    d.pay("R2", "2025-05-03", "001", 30_000, payee="丙公司")
    d.pay("R3", "2025-05-05", "001", 30_000, payee="丙公司")
    # look-alikes: monthly rent of the same amount a month apart
    for m in (1, 2, 3, 4, 5, 6):
        d.pay(f"RENT{m}", f"2025-{m:02d}-05", "001", 45_000, payee="丁房东")
    # other payee, other unit, other amount, refunds: not duplicates
    d.pay("X1", "2025-06-01", "001", 9_999, payee="戊公司")
    d.pay("X2", "2025-06-01", "001", 9_999, payee="己公司")
    d.pay("X3", "2025-06-02", "002", 9_999, payee="戊公司")
    d.pay("X4", "2025-06-02", "001", "9999.01", payee="戊公司")
    d.pay("X5", "2025-06-03", "001", -500, payee="庚公司")
    d.pay("X6", "2025-06-03", "001", -500, payee="庚公司")
    return d.publish()


def test_duplicates(data):
    f = dup_data(data).flags("DUPLICATE_PAYMENT")
    assert set(f["entity_key"]) == {"D2", "S2", "R2", "R3"}
    ev = {k: json.loads(e)["vouchers"] for k, e in zip(f["entity_key"], f["evidence"])}
    assert ev == {"D2": ["D1", "D2"], "S2": ["S1", "S2"], "R2": ["R1", "R2"], "R3": ["R2", "R3"]}
    assert set(f["severity"]) == {"high"}


def test_duplicate_message(data):
    row = dup_data(data).one("DUPLICATE_PAYMENT", "D2")
    assert row["message"] == ("市住建局于2025-03-07向甲建设公司支付12.00万元（凭证D2），3天前"
                              "（2025-03-04，凭证D1）已向同一收款人支付相同金额，疑似重复支付")
    assert row["amount"] == 120_000 and row["dept_code"] == "001"
    same_day = data.one("DUPLICATE_PAYMENT", "S2")
    assert "同日（2025-04-01，凭证S1）" in same_day["message"]


def test_duplicate_thresholds(data):
    d = dup_data(data)
    assert "D3" in d.keys("DUPLICATE_PAYMENT", thresholds={"DUPLICATE_PAYMENT": {"max_days": 4}})
    assert d.keys("DUPLICATE_PAYMENT", thresholds={"DUPLICATE_PAYMENT": {"max_days": 0}}) == {"S2"}
    assert d.keys("DUPLICATE_PAYMENT",
                  thresholds={"DUPLICATE_PAYMENT": {"min_amount": 30_000}}) == {"D2", "R2", "R3"}


def test_duplicate_respects_as_of(data):
    assert dup_data(data).keys("DUPLICATE_PAYMENT", as_of="2025-04-30") == {"D2", "S2"}


# -- SPLIT_PAYMENT --------------------------------------------------------------------------
def split_data(data):
    d = data
    d.dept("001", "市交通局")
    # G1: three at 850,000 on days 0, 3, 7 (span exactly 7): all flagged
    d.pay("G1a", "2025-03-01", "001", 850_000, payee="甲工程公司")
    d.pay("G1b", "2025-03-04", "001", 850_000, payee="甲工程公司")
    d.pay("G1c", "2025-03-08", "001", 850_000, payee="甲工程公司")
    # G2: days 0, 4, 8 (span 8): no 7-day window holds three
    d.pay("G2a", "2025-04-01", "001", 850_000, payee="乙工程公司")
    d.pay("G2b", "2025-04-05", "001", 850_000, payee="乙工程公司")
    d.pay("G2c", "2025-04-09", "001", 850_000, payee="乙工程公司")
    # G3: exactly 80% qualifies, just below the threshold qualifies
    d.pay("G3a", "2025-05-01", "001", "800000.00", payee="丙公司")
    d.pay("G3b", "2025-05-02", "001", "800000.00", payee="丙公司")
    d.pay("G3c", "2025-05-03", "001", "999999.99", payee="丙公司")
    # G4: one at exactly the threshold and one below 80% do not qualify: two left
    d.pay("G4a", "2025-06-01", "001", "1000000.00", payee="丁公司")
    d.pay("G4b", "2025-06-02", "001", "799999.99", payee="丁公司")
    d.pay("G4c", "2025-06-03", "001", 900_000, payee="丁公司")
    d.pay("G4d", "2025-06-04", "001", 900_000, payee="丁公司")
    # G5: three to three payees: not a group
    d.pay("G5a", "2025-07-01", "001", 900_000, payee="戊公司")
    d.pay("G5b", "2025-07-01", "001", 900_000, payee="己公司")
    d.pay("G5c", "2025-07-01", "001", 900_000, payee="庚公司")
    # G6: four payments, days 0, 5, 10, 12: windows {0,5}, {5,10,12}: the last three only
    d.pay("G6a", "2025-08-01", "001", 820_000, payee="辛公司")
    d.pay("G6b", "2025-08-06", "001", 820_000, payee="辛公司")
    d.pay("G6c", "2025-08-11", "001", 820_000, payee="辛公司")
    d.pay("G6d", "2025-08-13", "001", 820_000, payee="辛公司")
    return d.publish()


def test_split_payments(data):
    f = split_data(data).flags("SPLIT_PAYMENT")
    assert set(f["entity_key"]) == {"G1a", "G1b", "G1c", "G3a", "G3b", "G3c", "G6b", "G6c", "G6d"}
    ev = dict(zip(f["entity_key"], f["evidence"]))
    assert json.loads(ev["G1b"]) == {"vouchers": ["G1a", "G1b", "G1c"]}
    assert json.loads(ev["G6d"]) == {"vouchers": ["G6b", "G6c", "G6d"]}
    assert set(f["severity"]) == {"high"}


def test_split_message(data):
    row = split_data(data).one("SPLIT_PAYMENT", "G1a")
    assert row["message"] == ("市交通局在2025-03-01至2025-03-08（7天内）向甲工程公司支付3笔、合计255.00万元，"
                              "每笔在80.00万元至100.00万元之间，疑似拆分支付规避100.00万元审批限额"
                              "（本笔凭证G1a，85.00万元）")
    assert row["amount"] == 850_000


def test_split_thresholds(data):
    d = split_data(data)
    assert d.keys("SPLIT_PAYMENT", thresholds={"SPLIT_PAYMENT": {"max_span_days": 8}}) >= {
        "G2a", "G2b", "G2c"}
    assert d.keys("SPLIT_PAYMENT", thresholds={"SPLIT_PAYMENT": {"approval_threshold": 2_000_000}}) == set()
    assert d.keys("SPLIT_PAYMENT", thresholds={"SPLIT_PAYMENT": {"min_count": 4}}) == set()


def test_split_total_must_exceed_threshold(data):
    # with a low share the "together above it" test matters: 3 × 333,333.33 is not above 1M
    d = data
    d.dept("001")
    for i, day in enumerate((1, 2, 3)):
        d.pay(f"L{i}", f"2025-03-0{day}", "001", "333333.33", payee="甲")
        d.pay(f"M{i}", f"2025-04-0{day}", "001", "333333.34", payee="甲")
    d.publish()
    low = {"SPLIT_PAYMENT": {"min_share_pct": 30}}
    assert d.keys("SPLIT_PAYMENT", thresholds=low) == {"M0", "M1", "M2"}


# -- SANGONG_GROWTH -------------------------------------------------------------------------
def sangong_data(data):
    d = data
    as_of = "2025-06-30"
    d.dept("S1", "市外办").dept("S2").dept("S3").dept("S4").dept("S5").dept("S6").dept("S7")
    # S1: +20% and +50,000 exactly: no.  S2: a cent more: fires.
    d.pay(None, "2024-03-01", "S1", 250_000, econ="30212")
    d.pay(None, "2025-03-01", "S1", 300_000, econ="30212")
    d.pay(None, "2024-03-01", "S2", 250_000, econ="30217")
    d.pay(None, "2025-03-01", "S2", "300000.01", econ="30217")
    # S3: +50% but the increase is exactly 50,000: no.  S4: a cent more: fires
    d.pay(None, "2024-03-01", "S3", 100_000, econ="30231")
    d.pay(None, "2025-03-01", "S3", 150_000, econ="30231")
    d.pay(None, "2024-03-01", "S4", 100_000, econ="31013")
    d.pay(None, "2025-03-01", "S4", "150000.01", econ="31013")
    # S5: none the year before: not flagged
    d.pay(None, "2025-03-01", "S5", 900_000, econ="30217")
    # S6: the year before's spending after 30 June does not count: 100,000 -> 200,000 fires
    d.pay(None, "2024-06-30", "S6", 100_000, econ="30217")
    d.pay(None, "2024-07-01", "S6", 500_000, econ="30217")
    d.pay(None, "2025-06-30", "S6", 200_000, econ="30217")
    # S7: big growth in other economic codes only
    d.pay(None, "2024-03-01", "S7", 100_000, econ="30201")
    d.pay(None, "2025-03-01", "S7", 900_000, econ="30201")
    d.pay(None, "2025-03-01", "S7", 1_000, econ="30217")
    d.pay(None, "2024-03-01", "S7", 1_000, econ="30217")
    # after the as-of date: ignored
    d.pay(None, "2025-07-02", "S1", 900_000, econ="30212")
    d.publish()
    return as_of


def test_sangong_growth(data):
    as_of = sangong_data(data)
    f = data.flags("SANGONG_GROWTH", as_of=as_of)
    assert set(f["entity_key"]) == {"S2", "S4", "S6"}
    assert set(f["severity"]) == {"medium"}
    row = f.set_index("entity_key").loc["S2"]
    assert row["message"] == "单位S2截至2025-06-30三公经费支出30.00万元，比上年同期25.00万元增长20.0%（增加5.00万元）"
    assert row["amount"] == 50_000.01
    ev = json.loads(row["evidence"])
    assert ev["compare_to"] == "2024-06-30" and ev["econ_codes"] == ["30212", "30217", "30231", "31013"]


def test_sangong_thresholds(data):
    as_of = sangong_data(data)
    assert data.keys("SANGONG_GROWTH", as_of=as_of,
                     thresholds={"SANGONG_GROWTH": {"min_increase": 49_999.99}}) == {"S2", "S3", "S4", "S6"}
    assert "S1" in data.keys("SANGONG_GROWTH", as_of=as_of, thresholds={
        "SANGONG_GROWTH": {"min_increase": 49_999.99, "min_growth_pct": 19.99}})
    assert data.keys("SANGONG_GROWTH", as_of=as_of,
                     thresholds={"SANGONG_GROWTH": {"econ_codes": ["30217"]}}) == {"S2", "S6"}
