"""`budgetwatch`: one command for everything a user does.

Each sub-command lives in its own module with a ``register(subparsers)`` function that adds
its parser and sets ``func`` (called with the parsed arguments, returning an exit code).
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

COMMAND_MODULES = (
    "budgetwatch.cmd_ingest",     # ingest, status
    "budgetwatch.cmd_demo_data",  # demo-data
    "budgetwatch.cmd_demo",       # demo
    "budgetwatch.cmd_serve",      # serve
    "budgetwatch.cmd_flags",      # flags, rules, review
    "budgetwatch.cmd_refresh_flags",  # refresh-flags (the background flag worker)
    "budgetwatch.cmd_export",     # export (chart images, CSV/XLSX tables)
    "budgetwatch.cmd_briefing",   # briefing (监督简报)
    "budgetwatch.cmd_users",      # user, audit-log
    "budgetwatch.cmd_inquiry",    # inquiry list|show|open|send|answer|close|letter
    "budgetwatch.cmd_digest",     # digest subscribe|unsubscribe|send (the daily e-mail, off by default)
    "budgetwatch.cmd_lake",       # lake export (Hive-partitioned Parquet for Spark, Trino, DuckDB)
)


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR",
                        help="data folder (default: $BUDGETWATCH_DATA_DIR, else ./data)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="budgetwatch",
        description="预算联网监督 budget online supervision: load feeds, run warnings, serve the dashboard.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log SQL timings and details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a command not built yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: a person sees a sentence, not a traceback
        if args.verbose:
            raise
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
