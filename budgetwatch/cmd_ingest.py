"""`budgetwatch ingest FEED FILE...` and `budgetwatch status`."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from pathlib import Path

from budgetwatch.cli import add_data_dir
from budgetwatch.ingest.pipeline import FileReport, ingest_files
from budgetwatch.ingest.spec import FEEDS
from budgetwatch.queries.status import feed_status
from budgetwatch.queries.store import Store

SHOW_PROBLEMS = 50  # lines printed per file; the JSON report has up to validate.MAX_PROBLEMS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="load feed files (CSV/XLSX) into the database",
                       description="Load files of one feed. Exit code 0 only when every file was applied whole and every step after it finished; 2 when anything was refused; 3 when the data was applied but a step after it (flag cache, search index) did not finish.")
    p.add_argument("feed", choices=list(FEEDS), metavar="FEED", help=" | ".join(FEEDS))
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--accept-partial", action="store_true",
                   help="load the good rows of a file that has bad rows (the bad ones are reported)")
    p.add_argument("--sheet", help="Excel sheet name (default: the first sheet)")
    p.add_argument("--by", default=None, help="who is loading (default: the login name)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    add_data_dir(p)
    p.set_defaults(func=run_ingest)

    s = sub.add_parser("status", help="what each feed holds: rows, last load, data as-of date")
    s.add_argument("--format", choices=["text", "json"], default="text")
    add_data_dir(s)
    s.set_defaults(func=run_status)


def who_default() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return os.environ.get("USER", "unknown")


class TerminalProgress:
    """A progress bar on one line, only on a terminal (never in CI logs or pipes)."""

    WIDTH = 24

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.active = stream.isatty()
        self.started = time.perf_counter()

    def __call__(self, message: str, fraction: float | None = None) -> None:
        if not self.active:
            return
        elapsed = time.perf_counter() - self.started
        if fraction is None:
            bar = ""
        else:
            filled = int(self.WIDTH * min(max(fraction, 0.0), 1.0))
            bar = f" [{'█' * filled}{'░' * (self.WIDTH - filled)}] {fraction:4.0%}"
        self.stream.write(f"\r\033[K{message}{bar} {elapsed:5.1f}s")
        self.stream.flush()

    def done(self) -> None:
        if self.active:
            self.stream.write("\r\033[K")
            self.stream.flush()


STATUS_TEXT = {
    "applied": "已导入 applied",
    "partial": "部分导入 partially applied",
    "unchanged": "无变化 no changes",
    "refused": "已拒绝 refused",
}


def print_report(r: FileReport, out=sys.stdout) -> None:
    print(f"{r.file} → {r.feed}: {STATUS_TEXT[r.status]}", file=out)
    if r.file_format:
        unit = f", 单位 unit {r.unit}" if r.unit and r.unit != "元" else ""
        sheet = f", 工作表 sheet {r.sheet}" if r.sheet else ""
        print(f"  格式 format {r.file_format}{sheet}{unit}; 读取 read {r.rows_read}, 新增 inserted {r.inserted}, "
              f"更新 updated {r.updated}, 未变 unchanged {r.unchanged}, 拒绝 rejected {r.rejected}"
              f" ({r.seconds:.1f}s)", file=out)
    if r.total_rows_dropped:
        print("  末尾合计行未作为数据 / trailing total row set aside", file=out)
    if r.extra_columns:
        print(f"  额外列已另存 / extra columns kept aside: {', '.join(r.extra_columns)}", file=out)
    for p in r.problems[:SHOW_PROBLEMS]:
        print(f"  ✗ {p.line()}", file=out)
    hidden = r.problem_count - min(len(r.problems), SHOW_PROBLEMS)
    if hidden > 0:
        print(f"  … 另有 {hidden} 个问题 / {hidden} more problems", file=out)
    if r.status == "refused" and r.rows_read:
        print("  整个文件未导入；如需导入其余正确行，请加 --accept-partial / nothing of this file was applied; "
              "use --accept-partial to load the good rows", file=out)


def run_ingest(args: argparse.Namespace) -> int:
    store = Store(args.data_dir)
    progress = TerminalProgress()
    try:
        reports = ingest_files(store, args.feed, args.files, who=args.by or who_default(),
                               accept_partial=args.accept_partial, sheet=args.sheet, progress=progress)
    finally:
        progress.done()
    if args.format == "json":
        print(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2, default=str))
    else:
        for r in reports:
            print_report(r, out=sys.stdout if r.ok else sys.stderr)
        for u in unfinished_of(reports):
            print(f"⚠ 未完成 not finished: {u.line()}", file=sys.stderr)
        if reports and reports[0].flags_background:
            years = "、".join(map(str, reports[0].flags_background))
            print(f"数据已发布；{years}年的预警正在后台更新（页面显示“预警更新中”） / the data is published; the "
                  f"{years.replace('、', ', ')} flags are being updated in the background "
                  f"(log: {Path(args.data_dir or '.') / 'logs' / 'flags.log'})")
    # Non-zero whenever anything was refused: a whole file, or rows of a partial load; 3 when
    # everything was applied but a step after it (flag cache, search index) did not finish.
    if not all(r.ok for r in reports):
        return 2
    return 3 if unfinished_of(reports) else 0


def unfinished_of(reports: list[FileReport]) -> list:
    """The load's unfinished steps (every report of one load carries the same list)."""
    return reports[0].unfinished if reports else []


def run_status(args: argparse.Namespace) -> int:
    """What the folder holds, and — when the pointer was lost or the live generation is damaged
    — which generation is being read and what to do (exit 1 when nothing can be read)."""
    store = Store(args.data_dir)
    live = store.live()
    feeds: dict = {}
    if live.state != "unusable":
        with store.reader() as con:
            feeds = feed_status(con)
    if args.format == "json":
        print(json.dumps({"data_dir": str(store.data_dir), "generation": live.number, "store": live.as_dict(),
                          "feeds": feeds}, ensure_ascii=False, indent=2))
        return 1 if live.state == "unusable" else 0
    print(f"数据目录 data folder: {store.data_dir}")
    if not live.healthy:
        print(f"警告 / warning: {live.zh}\n  {live.en}", file=sys.stderr)
        if live.state == "unusable":
            return 1
    print(f"{'feed':<20}{'rows':>12}  {'last loaded':<21}{'as of':<12}last file")
    for name, f in feeds.items():
        print(f"{name:<20}{f['rows']:>12,}  {f['last_loaded'] or '—':<21}{f['as_of'] or '—':<12}"
              f"{f['last_file'] or ''}")
    return 0
