"""The overview's small city (tests/dashboard/sample.py) plus six 2025 suggestions.

Figures to check against (as of 2025-06-30; main units have 3 months, co-handlers 1):
  2025-0001 重点督办, 王建国 leads, 李红、张伟 co-sign: 001 主办 replied 05-20 class B, promised
      06-15, not closed (SUGGESTION_PROMISE_DUE), rated 满意 by the unit itself (PROXY_RATED);
      001001 协办 gave its views 04-08 (due 04-10); 002 协办 never did (due 04-10: OVERDUE,
      81 days). Stage: replied.
  2025-0002 李红 leads, 王建国 co-signs: 002 主办, no reply, due 06-10 (OVERDUE, 20 days).
  2025-0003 张伟: 003 主办 replied 04-20 class C, rated 不满意 05-10, no second reply
      (UNSATISFIED, 51 days). Stage: replied.
  2025-0004 赵敏 leads, 王建国 co-signs: 001 主办 replied 06-30, the deadline itself (on time),
      class A, 满意. Stage: replied.
  2025-0005 王建国: 003 主办 assigned 02-28, extension to 08-31, no reply: within the deadline.
  2025-0006 周强: 002001 分办 replied 03-01 class A, 基本满意, closed 04-01.
Stages: 1 within, 3 replied, 1 overdue, 1 closed. 王建国 signed 0001, 0005 (领衔), 0002, 0004 (附议).
"""
from __future__ import annotations

from pathlib import Path

from budgetwatch.queries.store import Store
from tests.dashboard import sample

COLUMNS = ("suggestion_no", "year", "title", "field", "lead_deputy", "co_deputies", "priority", "dept_code", "role",
           "assigned_date", "extended_to", "replied_date", "reply_class", "promised_date", "satisfaction",
           "rating_source", "rated_date", "second_reply_date", "closed_date")


def row(no, title, field, lead, co, dept, role, assigned, *, priority="否", extended=None, replied=None, cls=None,
        promised=None, sat=None, source="代表本人", rated=None, second=None, closed=None):
    return (no, 2025, title, field, lead, co, priority, dept, role, assigned, extended, replied, cls, promised, sat,
            source, rated, second, closed)


T1 = "关于增加中小学学位的建议"
ROWS = [
    row("2025-0001", T1, "教科文卫", "王建国", "李红、张伟", "001", "主办", "2025-03-10", priority="是",
        replied="2025-05-20", cls="B", promised="2025-06-15", sat="满意", source="承办单位代填", rated="2025-06-01"),
    row("2025-0001", T1, "教科文卫", "王建国", "李红、张伟", "001001", "协办", "2025-03-10", priority="是",
        replied="2025-04-08"),
    row("2025-0001", T1, "教科文卫", "王建国", "李红、张伟", "002", "协办", "2025-03-10", priority="是"),
    row("2025-0002", "关于改善公立医院就医环境的建议", "社会建设", "李红", "王建国", "002", "主办", "2025-03-10"),
    row("2025-0003", "关于优化公交线路的建议", "城建环资", "张伟", None, "003", "主办", "2025-03-31",
        replied="2025-04-20", cls="C", sat="不满意", rated="2025-05-10"),
    row("2025-0004", "关于规范校外培训的建议", "教科文卫", "赵敏", "王建国", "001", "主办", "2025-03-31",
        replied="2025-06-30", cls="A", sat="满意", rated="2025-06-30"),
    row("2025-0005", "关于建设城市绿道的建议", "城建环资", "王建国", None, "003", "主办", "2025-02-28",
        extended="2025-08-31"),
    row("2025-0006", "关于改善医院停车的建议", None, "周强", "", "002001", "分办", "2025-01-20",
        replied="2025-03-01", cls="A", sat="基本满意", rated="2025-03-15", closed="2025-04-01"),
]


def build(data_dir: Path, rows=ROWS) -> Path:
    sample.build(data_dir)
    with Store(data_dir).writer("test") as w:
        w.con.executemany(f"INSERT INTO suggestions ({', '.join(COLUMNS)}, load_id) "
                          f"VALUES ({', '.join('?' * len(COLUMNS))}, 9)", list(rows))
        w.touch()
    return data_dir
