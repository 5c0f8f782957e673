"""`budgetwatch briefing`: the supervision briefing (监督简报) as PDF or HTML.

    budgetwatch briefing --year 2025 [--as-of 2025-06-30] [--dept 001] [--top 10] [--lang zh|en]
                         --format pdf|html --output 简报.pdf

The document: 一、总体情况, 二、预算执行与序时进度, 三、预警情况 (the top red and orange warnings
with their one-sentence explanations), 四、审计整改 (overdue rectifications), 五、国有企业 (debt
ratio, losses), each with the dashboard's own charts (``dashboard/briefing.py``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from budgetwatch.cli import add_data_dir
from budgetwatch.queries.store import QueryError, Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("briefing", help="生成监督简报（PDF/HTML） / the supervision briefing as PDF or HTML",
                       description="为一个年度和截止日期（全市或一个部门）生成监督简报 / make the supervision "
                                   "briefing for a year and as-of date, the whole budget or one department")
    p.add_argument("--year", type=int, help="年度（默认：最新有数据的年度） / budget year (default: the latest)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help="截止日期 YYYY-MM-DD（默认：该年最后支付日期） / as-of date (default: latest payment)")
    p.add_argument("--dept", metavar="CODE", help="主管部门编码（默认：全市） / a top-level department code")
    p.add_argument("--top", type=int, default=10, help="列出的预警条数（默认 10） / warnings listed (default 10)")
    p.add_argument("--format", choices=("pdf", "html"),
                   help="输出格式（默认取文件扩展名，否则 pdf） / format (default: the output's extension, else pdf)")
    p.add_argument("--output", "-o", metavar="FILE", required=True, help="输出文件 / output file")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="简报的语言（默认中文） / the briefing's language")
    add_data_dir(p)
    p.set_defaults(func=cmd_briefing)


def cmd_briefing(args: argparse.Namespace) -> int:
    from budgetwatch.dashboard.briefing import BriefingError, build

    fmt = args.format or ("html" if str(args.output).lower().endswith((".html", ".htm")) else "pdf")
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        print(f"错误 / error: 日期格式须为 YYYY-MM-DD / --as-of must be YYYY-MM-DD: {args.as_of}", file=sys.stderr)
        return 2
    store = Store(args.data_dir)
    if store.current_path() is None:
        print(f"错误 / error: 数据目录 {store.data_dir} 中还没有数据 / no data loaded in {store.data_dir}",
              file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        brief, data = build(store, fmt, args.year, as_of, args.dept, args.top, args.lang)
        out = Path(args.output)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(out)
    except (BriefingError, QueryError, OSError, RuntimeError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    print(f"已生成 {brief.title}（截至 {brief.as_of}）：预警 {brief.warnings_total} 条（列出 {len(brief.warnings)} 条），"
          f"逾期整改 {brief.overdue_total} 个，图表 {len(brief.charts)} 幅 → {out}"
          f"（{time.perf_counter() - started:.1f} 秒） / briefing written", file=sys.stderr)
    return 0
