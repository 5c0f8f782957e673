"""The overview's small city (tests/dashboard/sample.py) plus what the department, assets and
audit pages need: 三公 payments, enterprises, administrative assets and audit findings.

Figures to check against (2025, as of 2025-06-30):
  三公 of 市教育局 (001 and its units): 30217 公务接待费 80,000 this year (001001, 10 March)
      against 50,000 last year to 30 June (001001, 2024-03-10; 99,000 on 2024-08-01 lies after);
      30231 公务用车运行维护费 20,000 against 30,000; 30212 and 31013 nothing. Those two 2025
      payments match no budget line, so NO_BUDGET flags them (001001, 001001001).
  001 spent to 30 June: 2,000,000 + 100,000 = 2,100,000 of 4,000,000 adjusted.
  Enterprises 2025: 市城投集团 (supervised by 003) debt 90 % (red), equity 10M after 12M
      (保值增值率 83.3 %, EQUITY_DECLINE); 市教育发展 (001) debt 75 % (orange), losses in 2024
      and 2025 (CONSECUTIVE_LOSS); 市水务 (002) debt 40 %, fine.
  Administrative assets 2025: 001 房屋 idle 1.5M of 5M (30 %, IDLE_ASSETS); 001001 车辆 10 %;
      002 房屋 none idle.
  Audit findings: SJ2023-01 (001001, 预算管理, 未整改, deadline 2024-06-30: 365 days overdue on
      2025-06-30, red); SJ2025-01 (001001, 预算管理, 部分整改, deadline 2025-05-31: 30 days,
      orange) — with SJ2023-01 屡审屡犯 for 001001|预算管理; SJ2024-01 (002, 政府采购, 已整改 but
      600,000 of 2,000,000: hollow); SJ2024-02 (003, rectified in full); SJ2025-02 (002001,
      未整改, deadline 2025-12-31: not yet due).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from budgetwatch.queries.store import Store
from tests.dashboard import sample

GENERAL = sample.GENERAL

# voucher, date, dept, econ, amount
SANGONG = [
    ("V2509", "2025-03-10", "001001", "30217", 80_000),
    ("V2510", "2025-04-01", "001001001", "30231", 20_000),
    ("V2409", "2024-03-10", "001001", "30217", 50_000),
    ("V2410", "2024-04-01", "001", "30231", 30_000),
    ("V2411", "2024-08-01", "001", "30217", 99_000),
]
# year, code, name, supervisor, assets, liabilities, equity, revenue, profit
ENTERPRISES = [
    (2025, "E01", "市城投集团有限公司", "003", 100_000_000, 90_000_000, 10_000_000, 20_000_000, 1_000_000),
    (2024, "E01", "市城投集团有限公司", "003", 100_000_000, 88_000_000, 12_000_000, 20_000_000, 2_000_000),
    (2025, "E02", "市教育发展有限公司", "001", 10_000_000, 7_500_000, 2_500_000, 3_000_000, -500_000),
    (2024, "E02", "市教育发展有限公司", "001", 10_000_000, 7_400_000, 2_600_000, 3_000_000, -200_000),
    (2025, "E03", "市水务有限公司", "002", 50_000_000, 20_000_000, 30_000_000, 9_000_000, 3_000_000),
    (2024, "E03", "市水务有限公司", "002", 48_000_000, 20_000_000, 28_000_000, 9_000_000, 2_000_000),
]
# year, dept, category, quantity, book, idle
ADMIN = [
    (2025, "001", "房屋", 3, 5_000_000, 1_500_000),
    (2025, "001001", "车辆", 4, 1_000_000, 100_000),
    (2025, "002", "房屋", 5, 8_000_000, 0),
]
# id, audit year, dept, category, involved, deadline, status, rectified
FINDINGS = [
    ("SJ2023-01", 2023, "001001", "预算管理", 1_000_000, "2024-06-30", "未整改", 0),
    ("SJ2025-01", 2025, "001001", "预算管理", 500_000, "2025-05-31", "部分整改", 200_000),
    ("SJ2024-01", 2024, "002", "政府采购", 2_000_000, "2024-12-31", "已整改", 600_000),
    ("SJ2024-02", 2024, "003", "财务管理", 300_000, "2024-12-31", "已整改", 300_000),
    ("SJ2025-02", 2025, "002001", "专项资金", 400_000, "2025-12-31", "未整改", 0),
]


def build(data_dir: Path, *, loaded_at: dt.datetime | None = None) -> Path:
    """The overview's sample plus the rows above, published as one more generation."""
    sample.build(data_dir, loaded_at=loaded_at)
    add(data_dir)
    return data_dir


def add(data_dir: Path, *, enterprises: bool = True, admin: bool = True, findings: bool = True) -> None:
    with Store(data_dir).writer("test") as w:
        con = w.con
        con.executemany(
            "INSERT INTO payments VALUES (?, ?, ?, '2050202', ?, ?, '某酒店', ?, NULL, NULL, 3, NULL, NULL)",
            [(v, d, dept, econ, GENERAL, amount) for v, d, dept, econ, amount in SANGONG])
        if enterprises:
            con.executemany("INSERT INTO assets_enterprise VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 4, NULL)", ENTERPRISES)
        if admin:
            con.executemany("INSERT INTO assets_admin VALUES (?, ?, ?, ?, ?, ?, 5, NULL)", ADMIN)
        if findings:
            con.executemany(
                "INSERT INTO audit_findings VALUES (?, ?, '专项审计', ?, ?, '问题描述', ?, ?, ?, ?, NULL, 6, NULL)",
                FINDINGS)
        w.touch()
