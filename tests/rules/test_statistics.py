"""AMOUNT_OUTLIER and BENFORD on hand-built data, checked against a plain-Python reference.

Both statistics are irrational numbers (logarithms), so "exactly on the threshold" cannot be
built from data; the boundary tests instead set the threshold a hair above and below the
value the reference computes, and the counts (30 payments, 1,000 payments) exactly.
"""
from __future__ import annotations

import json
import math
import statistics

NORMAL = [round(1000 * 1.05 ** i, 2) for i in range(29)]   # 1,000 .. 3,920 yuan
HUGE = 5_000_000.00
BIG = 20_000.00  # large, but not extreme (z about 2.5)


def robust_z(amounts):
    xs = [math.log(a) for a in amounts if a > 0]
    med = statistics.median(xs)
    mad = statistics.median([abs(x - med) for x in xs])
    return {a: 0.6745 * (math.log(a) - med) / mad for a in amounts if a > 0}


def outlier_data(data):
    d = data
    d.dept("001", "市财政局").dept("002", "市审计局")
    # 30201: 29 normal + 1 huge = 30 positive payments: tested
    for i, a in enumerate(NORMAL):
        d.pay(f"N{i:02d}", "2025-03-01", "001", a, econ="30201")
    d.pay("HUGE", "2025-03-02", "002", HUGE, econ="30201", payee="甲咨询公司")
    # 30202: 28 normal + big + tiny + huge: the big and the tiny are not flagged
    for i, a in enumerate(NORMAL[:28]):
        d.pay(f"M{i:02d}", "2025-03-01", "001", a, econ="30202")
    d.pay("BIG", "2025-03-03", "001", BIG, econ="30202")
    d.pay("TINY", "2025-03-03", "001", "0.01", econ="30202")
    d.pay("HUGE2", "2025-03-04", "001", HUGE, econ="30202")
    # 30203: 28 normal + huge = 29 positive payments (+ a refund): not tested
    for i, a in enumerate(NORMAL[:28]):
        d.pay(f"K{i:02d}", "2025-03-01", "001", a, econ="30203")
    d.pay("HUGE3", "2025-03-04", "001", HUGE, econ="30203")
    d.pay("REFUND3", "2025-03-05", "001", -HUGE, econ="30203")
    # 30299: most payments the same amount: MAD is zero, z undefined, not tested
    for i in range(30):
        d.pay(f"Z{i:02d}", "2025-03-01", "001", 1000, econ="30299")
    d.pay("HUGE4", "2025-03-04", "001", HUGE, econ="30299")
    return d.publish()


def test_outlier_flags_match_reference(data):
    f = outlier_data(data).flags("AMOUNT_OUTLIER")
    assert set(f["entity_key"]) == {"HUGE", "HUGE2"}
    z2 = robust_z(NORMAL[:28] + [BIG, 0.01, HUGE])
    assert z2[BIG] < 4.5 < z2[HUGE] and z2[0.01] < -4.5  # the tiny one is extreme, but low
    assert set(f["severity"]) == {"medium"}


def test_outlier_message(data):
    row = outlier_data(data).one("AMOUNT_OUTLIER", "HUGE")
    z = robust_z(NORMAL + [HUGE])[HUGE]
    median = statistics.median(NORMAL + [HUGE])
    assert row["message"] == (
        f"市审计局于2025-03-02向甲咨询公司支付500.00万元（凭证HUGE），在经济科目30201当年30笔支付中"
        f"异常偏大：稳健Z值{z:.2f}，高于4.5（该科目支付金额中位数{median / 10000:.2f}万元）")
    assert row["dept_code"] == "002" and row["amount"] == HUGE
    assert json.loads(row["evidence"])["vouchers"] == ["HUGE"]


def test_outlier_threshold_edges(data):
    d = outlier_data(data)
    z = robust_z(NORMAL + [HUGE])[HUGE]
    above = d.keys("AMOUNT_OUTLIER", thresholds={"AMOUNT_OUTLIER": {"max_z": z + 1e-6}})
    below = d.keys("AMOUNT_OUTLIER", thresholds={"AMOUNT_OUTLIER": {"max_z": z - 1e-6}})
    assert "HUGE" not in above and "HUGE" in below
    # 29 payments are tested once the minimum is 29
    assert "HUGE3" in d.keys("AMOUNT_OUTLIER", thresholds={"AMOUNT_OUTLIER": {"min_count": 29}})


# -- BENFORD --------------------------------------------------------------------------------
BENFORD_COUNTS = {d: round(1000 * math.log10(1 + 1 / d)) for d in range(1, 10)}  # sums to 1000


def benford_amounts():
    out = []
    for digit, count in BENFORD_COUNTS.items():
        out += [digit * 100 + (i % 50) + 0.25 for i in range(count)]
    return out


FIVES = [0.5, 5, 50, 500.25, 5000, 59999.99, 5.55]  # first significant digit 5, also below 1 yuan


def benford_data(data):
    d = data
    d.dept("B1", "合规单位").dept("B2", "市某中心").dept("B3").dept("B4")
    for a in benford_amounts():                       # 1,000 following the law
        d.pay(None, "2025-04-01", "B1", a)
    for i in range(1000):                             # 1,000 all starting with 5
        d.pay(None, "2025-04-01", "B2", FIVES[i % len(FIVES)])
    for i in range(999):                              # 999: not tested
        d.pay(None, "2025-04-01", "B3", FIVES[i % len(FIVES)])
    for i in range(999):                              # 999 positive + 1 refund: not tested
        d.pay(None, "2025-04-01", "B4", FIVES[i % len(FIVES)])
    d.pay(None, "2025-04-01", "B4", -5)
    return d.publish()


def benford_mad(first_digits):
    n = len(first_digits)
    return sum(abs(first_digits.count(k) / n - math.log10(1 + 1 / k)) for k in range(1, 10)) / 9


def test_benford(data):
    f = benford_data(data).flags("BENFORD")
    assert set(f["entity_key"]) == {"B2"}
    assert benford_mad([int(str(int(a))[0]) for a in benford_amounts()]) < 0.015
    row = f.iloc[0]
    assert row["severity"] == "low" and row["entity_type"] == "unit"
    mad = benford_mad([5] * 1000)
    assert row["message"] == (f"市某中心2025年1000笔支付的首位数字分布偏离本福特定律：平均绝对偏差{mad:.4f}，"
                              f"高于0.015；偏离最大的是首位数字5（实际100.0%，理论7.9%）")
    assert json.loads(row["evidence"]) == {"dept_code": "B2", "series": "first_digit",
                                           "year": 2025, "as_of": "2025-04-01"}


def test_benford_threshold_edges(data):
    d = benford_data(data)
    mad = benford_mad([5] * 1000)
    assert d.keys("BENFORD", thresholds={"BENFORD": {"max_mad": mad + 1e-9}}) == set()
    assert d.keys("BENFORD", thresholds={"BENFORD": {"max_mad": mad - 1e-9}}) == {"B2"}
    assert d.keys("BENFORD", thresholds={"BENFORD": {"min_count": 999}}) == {"B2", "B3", "B4"}
