"""The demo city's government debt (政府债务): 湘江市, its 市本级 and districts, three years.

One row per year, region and debt type, as the finance bureau publishes the table
(``10_debt.xlsx``: a title row, ``单位：亿元``, the city's own row written with its 4-digit code
``4301`` as published tables do, a trailing 合计 row). The city's row (全市, 430100) adds up
its 市本级 (430101) and districts, so the pages count it once and the districts under it.

Planted on the current year, with look-alikes at the exact boundaries (``Planted`` entries,
listed in ANOMALIES.md with the others):

* DEBT_OVER_LIMIT — 岳山区 专项债务 above its limit by 2.30亿元 (high); 河西区 一般债务 exactly
  at its limit (quiet).
* DEBT_RATIO — 雨湖区 125% (high), 望江区 108% (medium), 湘江县 exactly 120% (medium);
  开元区 exactly 100% (quiet).
* DEBT_ISSUE_OVER_QUOTA — 江城区 一般债务 3.20亿元 issued on a 3.00亿元 new limit (medium);
  湘江县 专项债务 issued exactly its new limit (quiet).

Every amount is a whole number of 万元 written in 亿元 (four decimals at most), so the file's
figures are exact in yuan and the boundaries are exact. Earlier years stay quiet.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

CITY_CODE, CITY_NAME = "430100", "湘江市"
# (code, name, general limit, special limit, 综合财力) of the current year, 亿元
REGIONS = (
    ("430101", "湘江市本级", 180.0, 420.0, 780.0),
    ("430102", "湘江市江城区", 32.0, 58.0, 128.0),
    ("430103", "湘江市岳山区", 28.0, 50.0, 110.0),
    ("430104", "湘江市河西区", 36.0, 70.0, 150.0),
    ("430105", "湘江市开元区", 30.0, 52.0, 80.0),
    ("430111", "湘江市雨湖区", 26.0, 48.0, 56.0),
    ("430112", "湘江市望江区", 22.0, 40.0, 55.0),
    ("430121", "湘江县", 20.0, 36.0, 45.0),
)
TYPES = ("一般债务", "专项债务")
HEADERS = ("年度", "行政区划代码", "地区", "债务类型", "债务限额", "债务余额", "新增债务限额", "新增债券发行额",
           "再融资债券发行额", "还本额", "付息额", "综合财力")
AMOUNTS = ("limit_amount", "balance", "new_quota", "new_issued", "refinancing_issued", "principal_repaid",
           "interest_paid", "fiscal_capacity")


def _wan(x: float) -> float:
    """亿元 rounded to a whole 万元 (four decimals): exact once scaled to yuan."""
    return round(float(x), 4)


def debt_frame(year: int, seed: int, planted: list, Planted) -> pd.DataFrame:
    """Rows for ``year`` − 2 … ``year`` (amounts in 亿元); appends the plants to ``planted``
    (as ``Planted(rule, entity_key, year, fires, severity, note)``, demo_data's class)."""
    rng = np.random.default_rng([seed, 13])
    rows = []
    for back in (2, 1, 0):
        y = year - back
        grow = 0.88 ** back            # limits and balances grow year on year
        for code, name, g_lim, s_lim, cap in REGIONS:
            capacity = _wan(cap * (0.93 ** back) * (1 + rng.uniform(-0.02, 0.02)))
            for debt_type, lim in zip(TYPES, (g_lim, s_lim)):
                limit = _wan(lim * grow)
                use = rng.uniform(0.78, 0.93)
                balance = _wan(limit * use)
                quota = _wan(limit * rng.uniform(0.08, 0.12))
                issued = _wan(quota * rng.uniform(0.85, 0.99))
                principal = _wan(balance * rng.uniform(0.05, 0.08))
                rows.append({"year": y, "region_code": code, "region_name": name, "debt_type": debt_type,
                             "limit_amount": limit, "balance": balance, "new_quota": quota, "new_issued": issued,
                             "refinancing_issued": _wan(principal * rng.uniform(0.6, 0.8)),
                             "principal_repaid": principal, "interest_paid": _wan(balance * rng.uniform(0.028, 0.034)),
                             "fiscal_capacity": capacity})
    frame = pd.DataFrame(rows)
    _plant(frame, year, planted, Planted)
    _quiet_ratios(frame, year)
    return pd.concat([_city_rows(frame), frame], ignore_index=True)


def _row(frame: pd.DataFrame, year: int, code: str, debt_type: str) -> int:
    return frame.index[(frame.year == year) & (frame.region_code == code) & (frame.debt_type == debt_type)][0]


def _set_ratio(frame: pd.DataFrame, year: int, code: str, ratio: float) -> None:
    """Make the region's 债务率 exactly ``ratio``: its special balance takes up the difference
    (kept within the special limit, which is raised when needed)."""
    g, s = _row(frame, year, code, "一般债务"), _row(frame, year, code, "专项债务")
    cap = frame.at[g, "fiscal_capacity"]
    special = _wan(cap * ratio - frame.at[g, "balance"])
    frame.at[s, "balance"] = special
    frame.at[s, "limit_amount"] = max(frame.at[s, "limit_amount"], _wan(special + 1))


def _plant(frame: pd.DataFrame, year: int, planted: list, Planted) -> None:
    names = dict(zip(frame.region_code, frame.region_name))
    # 债务率: the capacity is a round figure so that exact ratios are exact in yuan
    for code, ratio in (("430111", 1.25), ("430112", 1.08), ("430121", 1.20), ("430105", 1.00)):
        for i in frame.index[(frame.year == year) & (frame.region_code == code)]:
            frame.at[i, "fiscal_capacity"] = float(dict((r[0], r[4]) for r in REGIONS)[code])
        _set_ratio(frame, year, code, ratio)
    planted += [
        Planted("DEBT_RATIO", "430111", year, True, "high", f"{names['430111']} 债务率125%"),
        Planted("DEBT_RATIO", "430112", year, True, "medium", f"{names['430112']} 债务率108%"),
        Planted("DEBT_RATIO", "430121", year, True, "medium", f"{names['430121']} 债务率恰为120%（仍为橙色）"),
        Planted("DEBT_RATIO", "430105", year, False, None, f"look-alike: {names['430105']} 债务率恰为100%"),
    ]
    # balance above / at the limit
    i = _row(frame, year, "430103", "专项债务")
    frame.at[i, "balance"] = _wan(frame.at[i, "limit_amount"] + 2.3)
    planted.append(Planted("DEBT_OVER_LIMIT", "430103|专项债务", year, True, "high",
                           f"{names['430103']} 专项债务余额超过限额2.30亿元"))
    i = _row(frame, year, "430104", "一般债务")
    frame.at[i, "balance"] = frame.at[i, "limit_amount"]
    planted.append(Planted("DEBT_OVER_LIMIT", "430104|一般债务", year, False, None,
                           f"look-alike: {names['430104']} 一般债务余额恰好等于限额"))
    # new bonds above / at the new limit
    i = _row(frame, year, "430102", "一般债务")
    frame.at[i, "new_quota"], frame.at[i, "new_issued"] = 3.0, 3.2
    planted.append(Planted("DEBT_ISSUE_OVER_QUOTA", "430102|一般债务", year, True, "medium",
                           f"{names['430102']} 一般债务新增债券3.20亿元，新增限额3.00亿元"))
    i = _row(frame, year, "430121", "专项债务")
    frame.at[i, "new_issued"] = frame.at[i, "new_quota"]
    planted.append(Planted("DEBT_ISSUE_OVER_QUOTA", "430121|专项债务", year, False, None,
                           f"look-alike: {names['430121']} 专项债务新增债券恰好等于新增限额"))


def _quiet_ratios(frame: pd.DataFrame, year: int) -> None:
    """Every region not planted keeps its 债务率 below 95% (earlier years: all of them)."""
    planted = {"430111", "430112", "430121", "430105"}
    for (y, code), g in frame.groupby(["year", "region_code"]):
        if y == year and code in planted:
            continue
        ratio = g["balance"].sum() / g["fiscal_capacity"].iloc[0]
        if ratio > 0.95:
            cap = _wan(g["balance"].sum() / 0.9)
            frame.loc[g.index, "fiscal_capacity"] = cap


def _city_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """全市 (430100): the sums of 市本级 and the districts, per year and type."""
    sums = frame.groupby(["year", "debt_type"], as_index=False)[list(AMOUNTS[:-1])].sum()
    caps = frame.groupby(["year", "region_code"])["fiscal_capacity"].first().groupby("year").sum()
    sums["fiscal_capacity"] = sums["year"].map(caps)
    sums["region_code"], sums["region_name"] = CITY_CODE, CITY_NAME
    for a in AMOUNTS:
        sums[a] = sums[a].map(_wan)
    return sums[frame.columns]


def debt_workbook(frame: pd.DataFrame, year: int):
    """``10_debt.xlsx`` as published: title, ``单位：亿元``, the city's code as ``4301`` (a number
    cell), districts' codes as text, a trailing 合计 row of the current year. demo_data saves it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "政府债务"
    first = int(frame["year"].min())
    ws.append([f"{CITY_NAME}政府债务限额及余额情况表（{first}—{year}年）"])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append(["单位：亿元"])
    ws.append(list(HEADERS))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for r in frame.sort_values(["year", "region_code", "debt_type"], kind="stable").itertuples(index=False):
        code = int(r.region_code[:4]) if r.region_code == CITY_CODE else r.region_code
        ws.append([r.year, code, r.region_name, r.debt_type, *(getattr(r, a) for a in AMOUNTS)])
    city = frame[(frame.region_code == CITY_CODE) & (frame.year == year)]
    ws.append([None, None, "合计", None, *(_wan(city[a].sum()) for a in AMOUNTS[:-1]), None])
    for col, width in zip("ABCDEFGHIJKL", (8, 14, 16, 10, 12, 12, 14, 14, 16, 10, 10, 12)):
        ws.column_dimensions[col].width = width
    return wb


def ratio_of(frame: pd.DataFrame, year: int, code: str) -> float:
    """A region's 债务率 in the frame (for tests and ANOMALIES notes)."""
    g = frame[(frame.year == year) & (frame.region_code == code)]
    return float(g["balance"].sum() / g["fiscal_capacity"].iloc[0])

