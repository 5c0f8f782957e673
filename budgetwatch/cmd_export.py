"""`budgetwatch export`: a dashboard chart as an image, or a whole table as CSV/XLSX.

    budgetwatch export --view overview.departments --year 2025 --as-of 2025-06-30 \\
                       --format png|svg|pdf --output 部门执行.png [--width 1000] [--scale 3]
    budgetwatch export --table vouchers --year 2025 --dept 001 --format csv|xlsx --output 凭证.csv
    budgetwatch export --list

Filters are the page URL's keys: ``--year``, ``--as-of``, ``--dept`` … or all at once with
``--query "year=2025&as_of=2025-06-30"`` (a permalink's query string; options given
separately win). The format defaults to the output file's extension.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from budgetwatch.cli import add_data_dir
from budgetwatch.cmd_ingest import who_default
from budgetwatch.dashboard.urls import parse_search
from budgetwatch.queries import accounts
from budgetwatch.queries.store import QueryError, Store

IMAGE_FORMATS = ("png", "svg", "pdf")
TABLE_FORMATS = ("csv", "xlsx")
_FILTERS = (("year", "--year", "年度 / budget year"),
            ("as_of", "--as-of", "截止日期 YYYY-MM-DD / as-of date"),
            ("dept", "--dept", "部门编码（含下属单位） / department code (with its units)"),
            ("func", "--func", "功能分类编码前缀 / functional code prefix (vouchers)"),
            ("econ", "--econ", "经济分类编码前缀 / economic code prefix (vouchers)"),
            ("fund", "--fund", "预算类型 / fund type (vouchers)"),
            ("severity", "--severity", "预警等级 high,medium,low (flags)"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="导出图表图片或整表数据 / export a chart as PNG/SVG/PDF or a table as CSV/XLSX",
        description="把仪表盘上的图表导出为打印分辨率的图片，或把整张表导出为带筛选条件和数据截至日期的 CSV/XLSX / "
                    "render a dashboard chart at print resolution, or stream a whole table to CSV/XLSX "
                    "with its filters and as-of date")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--view", metavar="VIEW", help="图表名，如 overview.departments / chart name")
    what.add_argument("--table", metavar="TABLE", help="表名：vouchers | flags | departments / table name")
    what.add_argument("--list", action="store_true", help="列出可导出的图表和表 / list views and tables")
    for key, opt, help_ in _FILTERS:   # dest f_KEY: never clash with argparse's own (func!)
        p.add_argument(opt, dest=f"f_{key}", metavar=key.upper(), help=help_)
    p.add_argument("--query", metavar="QUERY", help="页面网址的查询串 / the page URL's query string")
    p.add_argument("--format", choices=IMAGE_FORMATS + TABLE_FORMATS,
                   help="输出格式（默认取文件扩展名） / format (default: the output's extension)")
    p.add_argument("--output", "-o", metavar="FILE", help="输出文件 / output file")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--width", type=int, default=None, help="图片宽度（像素，默认 1000） / image width in layout px")
    p.add_argument("--scale", type=float, default=None, help="PNG 放大倍数（默认 3） / PNG scale (default 3)")
    add_data_dir(p)
    p.set_defaults(func=cmd_export)


def query_of(args: argparse.Namespace) -> dict[str, str]:
    """The URL query the options describe: ``--query`` first, then each option over it."""
    query = parse_search(args.query) if args.query else {}
    for key, _opt, _help in _FILTERS:
        value = getattr(args, f"f_{key}", None)
        if value not in (None, ""):
            query[key] = str(value)
    query.pop("lang", None)
    return query


def _fail(message: str) -> int:
    print(f"错误 / error: {message}", file=sys.stderr)
    return 2


def _format(args: argparse.Namespace, allowed: tuple[str, ...]) -> str:
    fmt = args.format or Path(args.output).suffix.lower().lstrip(".")
    if fmt not in allowed:
        raise ValueError(f"格式须为 {'|'.join(allowed)}（--format 或文件扩展名） / format must be "
                         f"{'|'.join(allowed)} (--format or the file's extension)")
    return fmt


def cmd_export(args: argparse.Namespace) -> int:
    from budgetwatch.dashboard import table_export, views

    if args.list:
        print("图表 views (--view, png|svg|pdf):")
        for v in views.VIEWS.values():
            print(f"  {v.name:<28} {v.help}  [{', '.join(v.keys)}]")
        print("表 tables (--table, csv|xlsx):")
        for tb in table_export.TABLES.values():
            print(f"  {tb.name:<28} {tb.help}  [{', '.join(tb.keys)}]")
        return 0
    if not args.output:
        return _fail("需要 --output FILE / --output FILE is required")
    store = Store(args.data_dir)
    if store.current_path() is None:
        return _fail(f"数据目录 {store.data_dir} 中还没有数据 / no data loaded in {store.data_dir}")
    query = query_of(args)
    started = time.perf_counter()
    try:
        if args.view:
            return _export_view(store, args, query, started)
        fmt = _format(args, TABLE_FORMATS)
        table = table_export.TABLES.get(args.table)
        unused = [k for k in query if table and k not in table.keys]
        if unused:
            print(f"注意：表 {args.table} 不使用筛选 {', '.join(unused)} / note: table {args.table} "
                  f"ignores {', '.join(unused)}", file=sys.stderr)
        n = table_export.export_table(store, args.table, query, fmt, args.output, args.lang)
        accounts.log_event(store.data_dir, who_default(), "export", args.table,
                           {"format": fmt, "rows": n, "filters": query, "output": str(args.output), "via": "cli"})
        print(f"已导出 {n:,} 行 → {args.output}（{time.perf_counter() - started:.1f} 秒） / "
              f"exported {n:,} rows", file=sys.stderr)
        return 0
    except (ValueError, RuntimeError, QueryError, OSError) as exc:
        return _fail(str(exc))


def _export_view(store: Store, args: argparse.Namespace, query: dict, started: float) -> int:
    from budgetwatch.dashboard import snapshot, views

    fmt = _format(args, IMAGE_FORMATS)
    unused = views.unused_keys(args.view, query)
    if unused:
        print(f"注意：图表 {args.view} 不使用筛选 {', '.join(unused)} / note: view {args.view} "
              f"ignores {', '.join(unused)}", file=sys.stderr)
    vf = views.render(store, args.view, query, args.lang)
    fig = snapshot.for_print(vf.figure, title=vf.title, as_of=vf.as_of, unit=vf.unit, lang=args.lang)
    data = snapshot.image_bytes(fig, fmt, width=args.width or snapshot.PRINT_WIDTH, scale=args.scale)
    out = Path(args.output)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    accounts.log_event(store.data_dir, who_default(), "export", args.view,
                       {"format": fmt, "filters": query, "output": str(out), "via": "cli"})
    print(f"已导出 {args.view} → {out}（{len(data):,} 字节，{time.perf_counter() - started:.1f} 秒） / "
          f"exported", file=sys.stderr)
    return 0
