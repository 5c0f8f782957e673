"""Files of one feed → read → validate → apply, each file in its own transaction.

All files of one call share one new database generation (see queries/store.py), published
once at the end: readers never see a half-applied file, and a process killed mid-way leaves
the live data exactly as it was.
"""
from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from budgetwatch.errors import BudgetwatchError
from budgetwatch.ingest import db, load, read, validate
from budgetwatch.ingest.problems import Problem, Refused, problem
from budgetwatch.ingest.spec import FEEDS, Feed
from budgetwatch.queries import accounts, flag_worker, refresh, search
from budgetwatch.queries.steps import Unfinished
from budgetwatch.queries.store import QueryError, Store

log = logging.getLogger("budgetwatch.ingest")

# progress(message, fraction): fraction in [0, 1] when known, else None
Progress = Callable[[str, "float | None"], None]


@contextlib.contextmanager
def _watch(con, say: Progress, message: str) -> Iterator[None]:
    """Report DuckDB's own progress on the running statement while the block runs."""
    say(message, None)
    if not getattr(say, "active", False):
        yield
        return
    db.do(con, "ingest.progress_on", "SET enable_progress_bar = true")  # query_progress() needs it;
    db.do(con, "ingest.progress_quiet", "SET enable_progress_bar_print = false")  # we draw the bar ourselves
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.25):
            pct = con.query_progress()
            say(message, pct / 100 if pct >= 0 else None)

    t = threading.Thread(target=tick, daemon=True)
    t.start()
    try:
        yield
    finally:
        stop.set()
        t.join()


@dataclass
class FileReport:
    file: str
    feed: str
    status: str = "refused"     # applied / partial / unchanged / refused
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    load_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    file_format: str | None = None
    sheet: str | None = None
    unit: str | None = None
    total_rows_dropped: int = 0
    extra_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    unfinished: list[Unfinished] = field(default_factory=list)   # the load's steps that did not finish
    flags_background: list[int] = field(default_factory=list)    # years whose flags follow in the background

    @property
    def ok(self) -> bool:
        return self.status in ("applied", "unchanged")

    def as_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k not in ("problems", "unfinished")}
        d["problems"] = [p.as_dict() for p in self.problems]
        d["unfinished"] = [u.as_dict() for u in self.unfinished]
        return d


def ingest_files(store: Store, feed_name: str, paths: Sequence[Path], *, who: str, accept_partial: bool = False,
                 sheet: str | None = None, progress: Progress | None = None) -> list[FileReport]:
    return ingest_load(store, [(feed_name, paths)], who=who, accept_partial=accept_partial, sheet=sheet,
                       progress=progress)


def ingest_load(store: Store, batches: Sequence[tuple[str, Sequence[Path]]], *, who: str,
                accept_partial: bool = False, sheet: str | None = None,
                progress: Progress | None = None) -> list[FileReport]:
    """Files of several feeds as one load: one new generation, published once at the end.

    Feeds are applied in the order of ``FEEDS`` (whatever order they are given in), so rows that
    name another feed's rows — a progress report naming its project — find them when both
    arrive in the same load. Each file is still its own transaction, refused or applied alone.
    """
    order = list(FEEDS)
    batches = sorted(batches, key=lambda b: order.index(b[0]))
    say = progress or (lambda _msg, _fraction=None: None)
    reports: list[FileReport] = []
    days: list[tuple] = []
    changes: dict = {}      # table → years touched (None: any) — what the flag refresh must redo
    with store.writer(who=who) as w:
        for feed_name, paths in batches:
            feed = FEEDS[feed_name]
            for path in paths:
                report = FileReport(file=Path(path).name, feed=feed.name)
                started = time.perf_counter()
                changed = None
                try:
                    changed = _ingest_one(w.con, feed, Path(path), report, store, accept_partial, sheet, who, say)
                    if changed:
                        days.append(changed)
                except Refused as exc:
                    report.status, report.problems = "refused", exc.problems
                    report.problem_count = max(report.problem_count, len(exc.problems))
                except LoadFailed:
                    raise                   # the database failed, not the file: the whole call stops
                except Exception as exc:    # anything else reading a file still names it, in both languages
                    log.exception("loading %s failed", report.file)
                    report.status, report.load_id = "refused", None
                    report.problems = [problem(report.file, "read_failed", reason=_reason(exc))]
                    report.problem_count = 1
                finally:
                    read.drop_raw(w.con)
                    for t in ("staged", "bad", "dup_keys", "agree_info"):
                        db.do(w.con, "ingest.drop_temp", f"DROP TABLE IF EXISTS {t}")
                report.seconds = time.perf_counter() - started
                accounts.log_event(store.data_dir, who, "ingest", report.file,
                                   {"feed": feed.name, "status": report.status, "rows": report.rows_read,
                                    "inserted": report.inserted, "updated": report.updated,
                                    "rejected": report.rejected, "load_id": report.load_id},
                                   outcome="ok" if report.ok else report.status)
                if report.load_id is not None:
                    w.touch()
                    _note_change(changes, feed.name, changed)
                reports.append(report)
        if w.changed or w.first:
            span = (min(d[0] for d in days), max(d[1] for d in days)) if days else None
            load.refresh_daily(w.con, w.source.name if w.source else None, span)
        unfinished = refresh.after_load(w, store.data_dir, changes)   # year summary and default flag set for the pages
        # the header search's index of names (carried, rebuilt by the worker, when flags follow later)
        unfinished += search.after_load(w, carry=bool(w.flags_pending))
    for report in reports:      # one load: each file's report names what the load left unfinished
        report.unfinished = list(unfinished)
        report.flags_background = sorted(w.flags_pending, reverse=True)
    # published: the flags the load left owed follow from a process of their own (started by
    # the caller instead when this load runs under a memory ceiling, ingest/isolated.py)
    if w.flags_pending and os.environ.get("BUDGETWATCH_START_FLAG_WORKER", "yes") != "no":
        flag_worker.start(store)
    return reports


def _note_change(changes: dict, table: str, days: tuple | None) -> None:
    """Record that a file changed ``table``: for payments, the years of the days it changed."""
    if table == "payments" and days and days[0] is not None:
        years = frozenset(range(days[0].year, days[1].year + 1))
        if table not in changes or changes[table] is not None:
            changes[table] = years | (changes.get(table) or frozenset())
        return
    changes[table] = None


class LoadFailed(BudgetwatchError, RuntimeError):
    """Applying a checked file to the database failed (rolled back): not the file's fault, so
    not reported as a problem of it — the load stops and nothing is published."""


def _underneath(exc: Exception) -> Exception:
    """The DuckDB error under a gateway error: what a person was shown before the gateway
    (the statement's name and parameters are in the log and on the QueryError)."""
    if isinstance(exc, QueryError) and isinstance(exc.__cause__, duckdb.Error):
        return exc.__cause__
    return exc


def _reason(exc: Exception) -> str:
    exc = _underneath(exc)
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


def _ingest_one(con, feed: Feed, path: Path, report: FileReport, store: Store, accept_partial: bool,
                sheet: str | None, who: str, say: Progress) -> tuple | None:
    """Read, validate and apply one file; the range of payment days it changed, if any."""
    say(f"读取 reading {path.name}", None)
    src = read.open_source(path, feed, sheet=sheet)
    report.file_format, report.sheet, report.unit = src.file_format, src.sheet, src.header.unit
    scan = None
    if src.kind == "csv":
        scan = read.scan_csv(src, store.tmp_dir, progress=lambda f: say(f"读取 reading {path.name}", f))
    try:
        return _read_and_stage(con, feed, src, scan, report, store, accept_partial, who, say)
    finally:
        if scan is not None:
            scan.discard()


def _read_and_stage(con, feed: Feed, src: read.Source, scan: read.Scan | None, report: FileReport, store: Store,
                    accept_partial: bool, who: str, say: Progress) -> tuple | None:
    name = src.name
    result = None
    if scan is not None and not scan.may_pad and load.latest_load_was(con, feed, src.sha256) is None:
        # Most files are clean: type and check them straight from the reader. Anything to
        # report (or a cell that might be padded) goes the exact way below, with row numbers.
        source, params = read.csv_source(src, scan)
        with _watch(con, say, f"读取并校验 reading and validating {name}"):
            result = validate.stage_clean(con, feed, src.header, source, params,
                                          expected=scan.lines - src.header_row, width=src.width)
        shape_problems: list[Problem] = []
    if result is None:
        with _watch(con, say, f"读取 reading {name}"):
            shape_problems = read.load_raw(con, src, store.tmp_dir, scan=scan)
        totals = read.total_rows(con)
        report.total_rows_dropped = len(totals)
        if not shape_problems and load.latest_load_was(con, feed, src.sha256) is not None:
            rows = db.value(con, "ingest.raw_rows", "SELECT count(*) FROM raw") - len(totals)
            report.status, report.rows_read, report.unchanged = "unchanged", rows, rows
            return None
        with _watch(con, say, f"校验 validating {name}"):
            result = validate.stage(con, feed, src.header, src.name, skip_rows=totals)
    report.extra_columns = result.extra_columns
    problems = shape_problems + result.problems
    report.rows_read = result.rows + len(shape_problems)
    report.rejected = result.bad_rows + len(shape_problems)
    report.problems = sorted(problems, key=lambda p: (p.row or 0))[: validate.MAX_PROBLEMS]
    report.problem_count = result.problem_count + len(shape_problems)
    if report.rows_read == 0:
        raise Refused([problem(src.name, "no_rows")])
    if report.rejected and not accept_partial:
        report.status = "refused"
        return None
    with _watch(con, say, f"写入 loading {name}"):
        try:
            applied = load.apply(con, feed, file_name=src.name, sha256=src.sha256, file_format=src.file_format,
                                 sheet=src.sheet, unit=src.header.unit, rows_read=report.rows_read,
                                 rows_rejected=report.rejected, who=who)
        except Exception as exc:
            where = f" [{exc.statement}]" if isinstance(exc, QueryError) and exc.statement else ""
            raise LoadFailed(f"写入数据库时出错，数据未作任何改动 / writing to the database failed and nothing "
                             f"was changed ({src.name}): {_underneath(exc)}{where}") from exc
    report.load_id, report.inserted, report.updated, report.unchanged = (
        applied.load_id, applied.inserted, applied.updated, applied.unchanged)
    if applied.load_id is None:
        report.status = "unchanged" if not report.rejected else "partial"
    else:
        report.status = "partial" if report.rejected else "applied"
    return applied.days
