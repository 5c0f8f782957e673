"""A small hand-built city for dashboard tests: three departments, a two-level unit chain.

Figures to check against (2025, as of 2025-06-30):
  市教育局 (001) with 市第一中学 (001001) and its 附属小学 (001001001) under it:
      adjusted 1,000,000 + 2,000,000 + 1,000,000 = 4,000,000; spent 100,000 + 500,000 +
      1,400,000 = 2,000,000 → 50 %. A further 500,000 on 2025-07-15 lies after the as-of date.
  市卫生健康委员会 (002) with 市人民医院 (002001): 8,000,000 adjusted, 2,000,000 spent → 25 %.
  市交通运输局 (003): 2,000,000 adjusted (政府性基金预算), 1,800,000 spent → 90 %.
  X99, a unit missing from the departments feed, spent 10,000 without a budget.
2024 has payments too (the previous-year curve).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from budgetwatch.queries.store import Store

GENERAL, FUND, STATE_CAPITAL, SOCIAL = "一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算"

DEPARTMENTS = [
    ("001", "市教育局", None),
    ("001001", "市第一中学", "001"),
    ("001001001", "市第一中学附属小学", "001001"),
    ("002", "市卫生健康委员会", None),
    ("002001", "市人民医院", "002"),
    ("003", "市交通运输局", None),
]
# year, dept, fund, original, adjusted
BUDGET = [
    (2025, "001", GENERAL, 1_000_000, 1_000_000),
    (2025, "001001", GENERAL, 1_500_000, 2_000_000),
    (2025, "001001001", GENERAL, 1_000_000, 1_000_000),
    (2025, "002", GENERAL, 5_000_000, 5_000_000),
    (2025, "002001", SOCIAL, 3_000_000, 3_000_000),
    (2025, "003", FUND, 2_000_000, 2_000_000),
    (2024, "001", GENERAL, 3_000_000, 3_000_000),
]
# voucher, date, dept, fund, amount
PAYMENTS = [
    ("V2501", "2025-01-20", "001", GENERAL, 100_000),
    ("V2502", "2025-03-05", "001001", GENERAL, 500_000),
    ("V2503", "2025-06-30", "001001001", GENERAL, 1_400_000),
    ("V2504", "2025-07-15", "001001001", GENERAL, 500_000),
    ("V2505", "2025-02-10", "002", GENERAL, 1_000_000),
    ("V2506", "2025-04-10", "002001", SOCIAL, 1_000_000),
    ("V2507", "2025-05-10", "003", FUND, 1_800_000),
    ("V2508", "2025-05-11", "X99", GENERAL, 10_000),
    ("V2401", "2024-01-15", "001", GENERAL, 300_000),
    ("V2402", "2024-06-15", "001", GENERAL, 700_000),
    ("V2403", "2024-12-20", "001", GENERAL, 1_500_000),
]


def build(data_dir: Path, *, loaded_at: dt.datetime | None = None) -> Path:
    """Write the sample into a data folder (as one published generation); returns the folder."""
    loaded_at = loaded_at or dt.datetime.now().replace(microsecond=0)
    with Store(data_dir).writer("test") as w:
        con = w.con
        for load_id, (feed, n) in enumerate(
                [("departments", len(DEPARTMENTS)), ("budget", len(BUDGET)), ("payments", len(PAYMENTS))], 1):
            con.execute("INSERT INTO loads VALUES (?, ?, ?, 'sha', 'csv', NULL, '元', ?, ?, 0, 0, 0, 'test', ?)",
                        [load_id, feed, f"{feed}.csv", n, n, loaded_at])
        con.executemany("INSERT INTO departments VALUES (?, ?, ?, NULL, 1, NULL)", DEPARTMENTS)
        con.executemany("INSERT INTO budget VALUES (?, ?, '2050202', '30201', ?, ?, ?, 2, NULL, NULL)", BUDGET)
        con.executemany(
            "INSERT INTO payments VALUES (?, ?, ?, '2050202', '30201', ?, '某公司', ?, NULL, NULL, 3, NULL, NULL)",
            PAYMENTS)
        w.touch()
    return data_dir
