"""`budgetwatch lake export`: the live generation as a Hive-partitioned Parquet lake.

    budgetwatch lake export [--out PATH] [--data-dir DIR]

PATH defaults to DATA_DIR/lake (where ``budgetwatch flags --engine spark`` looks). The lake
replaces an earlier one at PATH in one step; a folder that is neither empty nor a lake is
refused, so nothing of a user's is overwritten. See queries/lake.py for the layout and
docs/scale.md for how a province uses it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from budgetwatch.cli import add_data_dir
from budgetwatch.queries.lake import LakeError, export_lake
from budgetwatch.queries.store import QueryError, Store


def default_lake(store: Store) -> Path:
    return store.data_dir / "lake"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "lake", help="数据湖：导出为按 Hive 分区的 Parquet / the lake: held data as Hive-partitioned Parquet")
    sub = p.add_subparsers(dest="lake_command", metavar="ACTION", required=True)
    e = sub.add_parser("export", help="把当前数据写成数据湖（原子替换） / write the live data as a lake (replaced atomically)")
    e.add_argument("--out", metavar="PATH", help="数据湖文件夹（默认 DATA_DIR/lake） / the lake folder (default DATA_DIR/lake)")
    add_data_dir(e)
    e.set_defaults(func=cmd_lake_export)


def cmd_lake_export(args: argparse.Namespace) -> int:
    store = Store(args.data_dir)
    out = Path(args.out) if args.out else default_lake(store)
    try:
        result = export_lake(store, out)
    except (LakeError, QueryError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    total = sum(result.tables.values())
    print(f"已写出数据湖 lake written: {result.path}（第 {result.generation} 代 generation {result.generation}；"
          f"{len(result.tables)} 张表 tables，{total:,} 行 rows，{result.bytes / 1e6:.1f} MB，{result.seconds:.1f}s）")
    for name, rows in result.tables.items():
        print(f"  {name:<20} {rows:>12,}")
    return 0
