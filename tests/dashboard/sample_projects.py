"""The dashboard sample city (tests/dashboard/sample.py) with projects, reports, votes and
project-coded budget lines and payments, for the project page's tests. As of 2025-06-30:

  XM-LAG  市第一中学扩建工程 (001001), voted 2025: 10% of its 4,000,000 plan done against an expected
          181/365 → PROJECT_LAG high; two payments of 300,000 to one payee a day apart (V-P2 is a
          DUPLICATE_PAYMENT) and a budget line of 5,000,000 carrying its code.
  XM-OK   社区养老服务中心 (002), voted 2025: 60% done → on schedule; vote 满意.
  XM-NS   公交站台改造 (003), voted 2025: planned start 2025-03-01, never reported → not started.
  XM-DONE 农贸市场提质 (001), voted 2025, finished 2025-05-31; vote 不满意.
  XM-INV  湘江大道快速化改造 (002001), an investment project only, above its approved estimate.
"""
from __future__ import annotations

from pathlib import Path

from budgetwatch.queries.store import Store
from tests.dashboard import sample

AS_OF = "2025-06-30"
PROJECTS = [  # code, name, dept, livelihood_year, is_investment, target, total, estimate, start, finish, a_start, a_finish
    ("XM-LAG", "市第一中学扩建工程", "001001", 2025, False, "新增学位1200个", 12_000_000, None, "2025-01-01", "2025-12-31", "2025-01-15", None),
    ("XM-OK", "社区养老服务中心", "002", 2025, False, "新增床位300张", 2_000_000, None, "2025-01-01", "2025-12-31", "2025-02-01", None),
    ("XM-NS", "公交站台改造", "003", 2025, False, "改造站台80个", 3_000_000, None, "2025-03-01", "2025-11-30", None, None),
    ("XM-DONE", "农贸市场提质", "001", 2025, False, "提质改造市场5个", 1_000_000, None, "2025-01-01", "2025-06-30", "2025-01-10", "2025-05-31"),
    ("XM-INV", "湘江大道快速化改造", "002001", None, True, "全长6.8公里", 90_000_000, 80_000_000, "2024-03-01", "2026-12-31", "2024-03-10", None),
]
REPORTS = [  # code, date, plan, done, total_done, physical, status
    ("XM-LAG", "2025-03-31", 4_000_000, 200_000, 200_000, 5, "在建"),
    ("XM-LAG", "2025-06-30", 4_000_000, 400_000, 400_000, 10, "在建"),
    ("XM-OK", "2025-06-30", 1_000_000, 600_000, 600_000, 55, "在建"),
    ("XM-DONE", "2025-05-31", 1_000_000, 1_000_000, 1_000_000, 100, "已完工"),
    ("XM-INV", "2025-06-30", 30_000_000, 15_000_000, 60_000_000, 60, "在建"),
]
VOTES = [("XM-OK", 30, 28, 20, 6, 2, 0), ("XM-DONE", 30, 29, 10, 4, 15, 0)]
PAYMENTS = [  # voucher, date, dept, amount, project
    ("V-P1", "2025-03-10", "001001", 300_000, "XM-LAG"),
    ("V-P2", "2025-03-11", "001001", 300_000, "XM-LAG"),
    ("V-P3", "2025-04-20", "002", 500_000, "XM-OK"),
]


def build(data_dir: Path) -> Path:
    sample.build(data_dir)
    with Store(data_dir).writer("test") as w:
        con = w.con
        for i, (feed, n) in enumerate([("projects", len(PROJECTS)), ("project_progress", len(REPORTS)),
                                       ("project_evaluation", len(VOTES))], 10):
            con.execute("INSERT INTO loads VALUES (?, ?, ?, 'sha', 'csv', NULL, '元', ?, ?, 0, 0, 0, 'test', now())",
                        [i, feed, f"{feed}.csv", n, n])
        con.executemany("INSERT INTO projects VALUES (?, ?, ?, '教育', ?, ?, ?, ?, ?, ?, ?, ?, ?, '一般公共预算', 10, NULL)",
                        PROJECTS)
        con.executemany("INSERT INTO project_progress VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 11, NULL)", REPORTS)
        con.executemany("INSERT INTO project_evaluation VALUES (2025, ?, ?, ?, ?, ?, ?, ?, 12, NULL)", VOTES)
        con.executemany("INSERT INTO payments VALUES (?, ?, ?, '2050202', '30201', '一般公共预算', '湘江建设工程有限公司', ?, "
                        "NULL, '工程进度款', 3, NULL, ?)", PAYMENTS)
        con.execute("INSERT INTO budget VALUES (2025, '001001', '2050202', '31005', '一般公共预算', 5000000, 5000000, 2, "
                    "NULL, 'XM-LAG')")
        w.touch()
    return data_dir
