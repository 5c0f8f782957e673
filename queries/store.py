"""The one door to DuckDB: opening, binding, capping, timing — and publishing new data.

DuckDB lets one process write a database file and then no other process may open it, not
even to read. So the live database is never written in place. Data lives in numbered
*generations* under ``DATA_DIR/db/``; a small pointer file ``CURRENT`` names the live one.

* Readers (the dashboard, ``status``, ``flags``) find the live generation (``live()``) and
  open it read-only, one short-lived connection per unit of work. Any number may read at
  once. Readers never write: not the pointer, not a generation, not an empty database.
* A writer (``ingest``) takes an exclusive file lock, marks a new number as loading, copies
  the live generation to it, applies its changes there in ordinary transactions,
  checkpoints and closes it, seals it (size and row counts), and then atomically replaces
  ``CURRENT``. Readers that started earlier finish on the old file; every connection opened
  after the switch sees the new data. A writer that fails or is killed leaves only a file
  still marked as loading, which the next writer deletes — the only file it ever deletes
  besides generations superseded twice over.

A lost, empty or dangling pointer, or a damaged live generation, never means "no data": see
``generations.py`` for how the newest good generation is found and reported.
"""
from __future__ import annotations

import contextlib
import contextvars
import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from budgetwatch.errors import BudgetwatchError
from budgetwatch.queries import generations as gens
from budgetwatch.queries.units import below as units_below

log = logging.getLogger("budgetwatch.sql")
store_log = logging.getLogger("budgetwatch.store")

SCHEMA_SQL = (files("budgetwatch.queries") / "schema.sql").read_text(encoding="utf-8")
DEFAULT_MAX_ROWS = 200_000
DEFAULT_TIMEOUT_S = 60.0
# DuckDB's own default is 80% of the machine for every connection; a server opens one per
# request. Overridden by BUDGETWATCH_READER_MEMORY / BUDGETWATCH_LOADER_MEMORY (e.g. "2GB").
READER_MEMORY = "1GB"

LOADER_MEMORY = "4GB"


# -- scope: an account limited to some departments -----------------------------------------
# Tables whose rows belong to a unit, and the column naming it. A reader opened inside
# ``scoped(depts)`` sees, under the same names, only the rows of those top-level departments
# and every unit under them: temporary views shadow the tables, so every query — pages, grids,
# exports, rules — is filtered without knowing it. A derived table added later must be listed
# here too (or not be read while ``current_scope()`` is set).
SCOPED_TABLES = {
    "departments": "dept_code",
    "budget": "dept_code",
    "payments": "dept_code",
    "assets_admin": "dept_code",
    "audit_findings": "dept_code",
    "suggestions": "dept_code",         # each handling unit sees its own rows of a suggestion
    "assets_enterprise": "supervisor_code",
    "payments_daily": "dept_code",      # the per-day pre-aggregate of payments (ingest/load.py)
    "search_index": "dept_code",        # every searchable name per owning unit (queries/search.py)
    "projects": "dept_code",            # the lead unit (牵头单位)
}
# Tables whose rows belong to a unit through another table's row: table -> (column, owner
# table, its column). A project's reports and votes are seen with the project.
SCOPED_THROUGH = {
    "project_progress": ("project_code", "projects", "project_code"),
    "project_evaluation": ("project_code", "projects", "project_code"),
}
_SCOPE: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("budgetwatch_scope", default=())


def current_scope() -> tuple[str, ...]:
    """The top-level departments this thread's readers are limited to; () = everything."""
    return _SCOPE.get()


def set_scope(depts) -> contextvars.Token:
    return _SCOPE.set(tuple(sorted({str(d) for d in depts or ()})))


def reset_scope(token: contextvars.Token) -> None:
    _SCOPE.reset(token)


@contextlib.contextmanager
def scoped(depts) -> Iterator[None]:
    token = set_scope(depts)
    try:
        yield
    finally:
        reset_scope(token)


def _apply_scope(con: duckdb.DuckDBPyConnection, depts: tuple[str, ...]) -> None:
    db = con.execute("SELECT current_database()").fetchone()[0].replace('"', '""')
    main = f'"{db}".main'
    con.execute(f"""
        CREATE TEMP TABLE _scope_units AS
        WITH RECURSIVE {units_below("SELECT unnest($depts::VARCHAR[])", f"{main}.departments")}
        SELECT DISTINCT dept_code AS code FROM units""", {"depts": list(depts)})
    present = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall()}
    for table, column in SCOPED_TABLES.items():
        if table not in present:    # a generation made before the table existed (search_index)
            continue
        con.execute(f"CREATE TEMP VIEW {table} AS SELECT * FROM {main}.{table} "
                    f"WHERE {column} IN (SELECT code FROM _scope_units)")
    for table, (column, owner, key) in SCOPED_THROUGH.items():
        if table not in present or owner not in present:
            continue
        con.execute(f"CREATE TEMP VIEW {table} AS SELECT * FROM {main}.{table} "
                    f"WHERE {column} IN (SELECT {key} FROM {owner})")


class QueryError(BudgetwatchError, RuntimeError):
    """A query failed or ran out of time; the message is fit to show a person and names the
    statement (``statement``: its name, ``params``: what it was given) for the log."""

    def __init__(self, message: str = "", *, statement: str | None = None, params=None, **kw: Any):
        super().__init__(message, **kw)
        self.statement = statement
        self.params = params


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped: pages say "查询超时", never show nothing."""


class QueryOutOfMemory(QueryError):
    """DuckDB ran out of memory (``duckdb.OutOfMemoryException`` is the ``__cause__``). Its own
    type, because the cause does not survive a process boundary and a load in a child process
    with a memory ceiling (ingest/isolated.py) must still be told apart from other failures."""


class StoreBusy(BudgetwatchError, RuntimeError):
    """Another process is writing; raised only when the caller asked not to wait."""


class StoreUnusable(QueryError):
    """No generation of the data folder can be used; nothing was changed (message says what to do)."""


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """--data-dir, else $BUDGETWATCH_DATA_DIR, else ./data (FEEDS.md). A Store stands for its folder."""
    if isinstance(data_dir, Store):
        return data_dir.data_dir
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(f"a data folder is a path, not {type(data_dir).__name__}")
    chosen = data_dir or os.environ.get("BUDGETWATCH_DATA_DIR") or "data"
    return Path(chosen).expanduser().resolve()


@dataclass
class Result:
    frame: pd.DataFrame
    truncated: bool
    elapsed_ms: float


def _describe(name: str | None, sql: str, params) -> str:
    """Which statement failed, for a person and the log: its name, else its first words, and
    the parameters it was given (long values cut)."""
    what = name or " ".join(sql.split())[:80]
    if params:
        shown = params.items() if isinstance(params, dict) else enumerate(params)
        what += " (" + ", ".join(f"{k}={str(v)[:40]!s}" for k, v in shown) + ")"
    return what


@contextlib.contextmanager
def _guarded(con: duckdb.DuckDBPyConnection, sql: str, params, name: str | None, timeout_s: float | None):
    """Time limit and error translation around one statement: a time-out or a DuckDB error
    becomes a QueryError that names the statement and its parameters (the DuckDB error is its
    ``__cause__``); running out of memory is a QueryOutOfMemory."""
    timer = threading.Timer(timeout_s, con.interrupt) if timeout_s else None
    try:
        if timer:
            timer.start()
        yield
    except duckdb.InterruptException as exc:
        if timer is None:       # stopped by someone else: not a time limit of ours
            log.warning("query interrupted: %s", _describe(name, sql, params))
            raise QueryError(f"查询被中断 / query interrupted" + (f" [{name}]" if name else ""),
                             statement=name, params=params) from exc
        log.warning("query timed out after %.0f s: %s", timeout_s, _describe(name, sql, params))
        raise QueryTimeout(f"查询超时（超过 {timeout_s:.0f} 秒）/ query timed out" + (f" [{name}]" if name else ""),
                         statement=name, params=params) from exc
    except duckdb.Error as exc:
        log.warning("query failed: %s\n%s\n%s", exc, _describe(name, sql, params), sql)
        kind = QueryOutOfMemory if isinstance(exc, duckdb.OutOfMemoryException) else QueryError
        raise kind(f"查询失败 / query failed: {exc}" + (f" [{name}]" if name else ""),
                   statement=name, params=params) from exc
    finally:
        if timer:
            timer.cancel()


def run(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None, *,
        max_rows: int | None = DEFAULT_MAX_ROWS, timeout_s: float | None = DEFAULT_TIMEOUT_S,
        name: str | None = None) -> Result:
    """Run one statement with bound parameters, a row cap and a time limit."""
    started = time.perf_counter()
    with _guarded(con, sql, params, name, timeout_s):
        cur = con.execute(sql, params) if params is not None else con.execute(sql)
        if max_rows is None:
            frame = cur.df()
            truncated = False
        else:
            rows = cur.fetchmany(max_rows + 1)
            cols = [d[0] for d in cur.description] if cur.description else []
            truncated = len(rows) > max_rows
            frame = pd.DataFrame.from_records(rows[:max_rows], columns=cols)
    elapsed = (time.perf_counter() - started) * 1000
    log.debug("%.1f ms, %d rows: %s", elapsed, len(frame), name or " ".join(sql.split())[:200])
    return Result(frame, truncated, elapsed)


def query(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None,
          **kw: Any) -> pd.DataFrame:
    """`run`, returning just the frame (with ``attrs['truncated']``)."""
    res = run(con, sql, params, **kw)
    res.frame.attrs["truncated"] = res.truncated
    return res.frame


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None, *,
         name: str | None = None, max_rows: int | None = DEFAULT_MAX_ROWS,
         timeout_s: float | None = DEFAULT_TIMEOUT_S) -> list[tuple]:
    """The result as tuples (at most ``max_rows``), for small answers read in Python, and for
    statements that change things (DDL, INSERT, SET: DuckDB answers a count or nothing)."""
    started = time.perf_counter()
    with _guarded(con, sql, params, name, timeout_s):
        cur = con.execute(sql, params) if params is not None else con.execute(sql)
        out = (cur.fetchall() if max_rows is None else cur.fetchmany(max_rows)) if cur.description else []
    log.debug("%.1f ms, %d rows: %s", (time.perf_counter() - started) * 1000, len(out),
              name or " ".join(sql.split())[:200])
    return out


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None, *,
           name: str | None = None, timeout_s: float | None = DEFAULT_TIMEOUT_S) -> Any:
    """The first column of the first row, or None when there is no row."""
    got = rows(con, sql, params, name=name, max_rows=1, timeout_s=timeout_s)
    return got[0][0] if got else None


def stream(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None, *, batch_rows: int = 65_536,
           name: str | None = None) -> "pa.RecordBatchReader":
    """The result as Arrow record batches read as they come (exports of a million rows): no
    row cap and no time limit — the reader is drained at the speed of the file being written —
    but errors still name the statement."""
    with _guarded(con, sql, params, name, None):
        return con.sql(sql, params=params).to_arrow_reader(batch_rows)


def arrow_schema(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None, *,
                 name: str | None = None) -> "pa.Schema":
    """The columns a statement would give, without running it for its rows."""
    with _guarded(con, sql, params, name, DEFAULT_TIMEOUT_S):
        return con.sql(f"SELECT * FROM ({sql}) LIMIT 0", params=params).to_arrow_table().schema


class Transaction:
    """The open transaction of ``transaction()``; ``rollback()`` ends it early, on purpose."""

    def __init__(self, con: duckdb.DuckDBPyConnection, name: str):
        self.con, self.name, self.open = con, name, True

    def rollback(self) -> None:
        self.open = False
        rows(self.con, "ROLLBACK", name=f"{self.name}.rollback", timeout_s=None)


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection, name: str) -> Iterator[Transaction]:
    """BEGIN … COMMIT around the block, through the gateway; ROLLBACK when the block or the
    COMMIT raises. No time limit on these three: a transaction is never left half-ended.

    A ROLLBACK that finds no transaction (DuckDB ended it already: a failed COMMIT) is no
    error, so the first error is the one raised. ``tx.rollback()`` inside the block ends the
    transaction without COMMIT (a load that found nothing new leaves even its history alone)."""
    rows(con, "BEGIN TRANSACTION", name=f"{name}.begin", timeout_s=None)
    tx = Transaction(con, name)
    try:
        yield tx
        if tx.open:
            rows(con, "COMMIT", name=f"{name}.commit", timeout_s=None)
            tx.open = False
    except BaseException:
        if tx.open:
            tx.open = False
            try:
                rows(con, "ROLLBACK", name=f"{name}.rollback", timeout_s=None)
            except QueryError as exc:
                if not isinstance(exc.__cause__, duckdb.TransactionException):
                    raise
        raise


def generation_path(con: duckdb.DuckDBPyConnection) -> str:
    """The path of the generation file this connection reads; "" in memory."""
    return scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()",
                  name="generation_path") or ""


def generation_file(con: duckdb.DuckDBPyConnection) -> str:
    """The file name of the generation this connection reads (``gen-000042.duckdb``); "" in
    memory. Derived tables stamp themselves with it to say which generation they were made for."""
    path = generation_path(con)
    return Path(path).name if path else ""


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the database holds a table of that name (derived tables of older generations may not)."""
    return bool(scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table], name="table_exists"))


def meta_value(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """``key``'s value in the generation's ``meta`` table; None when absent (or no such table)."""
    if not table_exists(con, "meta"):
        return None
    return scalar(con, "SELECT value FROM meta WHERE key = ?", [key], name="meta_value")


def stamped(con: duckdb.DuckDBPyConnection, key: str) -> bool:
    """Whether the derived table stamped under ``key`` in ``meta`` was made for the generation
    ``con`` reads (a copied generation keeps its parent's stamp until the load renews it)."""
    stamp = meta_value(con, key)
    return stamp is not None and stamp == generation_file(con)


class Store:
    """The data folder's DuckDB generations. Cheap to create; holds no open connection."""

    def __init__(self, data_dir: str | os.PathLike | None = None):
        self.data_dir = resolve_data_dir(data_dir)
        self.db_dir = self.data_dir / "db"
        self.tmp_dir = self.data_dir / "tmp"

    # -- where things are -------------------------------------------------------------
    @property
    def pointer(self) -> Path:
        return self.db_dir / "CURRENT"

    def live(self) -> gens.Live:
        """The generation readers use and the folder's state (see generations.py). Never writes."""
        return gens.resolve(self.db_dir, self._connect_ro)

    def current_path(self) -> Path | None:
        """The generation readers read now; None when nothing was loaded yet.

        Raises ``StoreUnusable`` when generations exist (or CURRENT names one) and none can
        be used: callers asking "is there data?" must not answer "not yet" to that."""
        live = self.live()
        if live.state == "unusable":
            raise StoreUnusable(live.message)
        return live.path

    def generation(self) -> int:
        return self.live().number

    # -- connections ------------------------------------------------------------------
    def reader_config(self) -> dict[str, str]:
        """Deliberate bounds for every read-only connection (issue 17): memory, and where to spill."""
        return {"memory_limit": os.environ.get("BUDGETWATCH_READER_MEMORY", READER_MEMORY),
                "temp_directory": str(self.tmp_dir / "duckdb-read")}

    def loader_config(self) -> dict[str, str]:
        return {"memory_limit": os.environ.get("BUDGETWATCH_LOADER_MEMORY", LOADER_MEMORY),
                "temp_directory": str(self.tmp_dir)}

    def _connect_ro(self, path: Path) -> duckdb.DuckDBPyConnection:
        return _quiet(duckdb.connect(str(path), read_only=True, config=self.reader_config()))

    def _empty(self) -> duckdb.DuckDBPyConnection:
        """No data was ever loaded: an empty in-memory database with the schema (nothing written)."""
        con = _quiet(duckdb.connect(":memory:", config={"memory_limit": self.reader_config()["memory_limit"]}))
        con.execute(SCHEMA_SQL)
        return con

    # -- reading ----------------------------------------------------------------------
    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the live generation. Readers never write: with no data
        yet they get an empty in-memory database; with a damaged folder, the newest good
        generation (see generations.py), or ``StoreUnusable`` when there is none."""
        con = None
        for attempt in range(4):
            live = self.live()
            if live.state == "unusable":
                raise StoreUnusable(live.message)
            if live.path is None:
                con = self._empty()
                break
            try:
                con = self._connect_ro(live.path)
                break
            except duckdb.IOException as exc:
                if "lock" in str(exc).lower() or not live.path.exists():
                    # Retired between reading CURRENT and opening it (or held by a stray writer).
                    if attempt == 3:
                        raise
                    time.sleep(0.05)
                    continue
                # The file is there and does not open: damaged. Remember it and fall back.
                gens.mark_damaged(live.path, f"does not open: {str(exc).splitlines()[0][:200]}")
        if con is None:
            raise StoreUnusable(self.live().message or "数据无法打开 / the data cannot be opened")
        try:
            scope = current_scope()
            if scope:
                _apply_scope(con, scope)
            yield con
        except Exception as exc:
            # A generation that opened but cannot be read to the end is damaged too (one made
            # before seals has no recorded size to compare): the next reader falls back.
            cause = exc if isinstance(exc, duckdb.Error) else exc.__cause__
            if (isinstance(cause, duckdb.IOException) and live.path is not None
                    and str(live.path) in str(cause)):
                gens.mark_damaged(live.path, f"cannot be read: {str(cause).splitlines()[0][:200]}")
            raise
        finally:
            con.close()

    def ensure(self) -> None:
        """Publish an empty database if the data folder never had one (tools and tests; readers
        do not need it). Never replaces or removes anything."""
        if self.live().state == "new":
            with self.writer(who="system") as w:
                w.touch()

    # -- writing ----------------------------------------------------------------------
    @contextlib.contextmanager
    def write_lock(self, wait: bool = True) -> Iterator[None]:
        self.db_dir.mkdir(parents=True, exist_ok=True)
        with open(self.db_dir / "write.lock", "a+") as fh:
            flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
            try:
                fcntl.flock(fh, flags)
            except BlockingIOError as exc:
                raise StoreBusy("另一个导入正在进行 / another load is in progress") from exc
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def writer(self, who: str, wait: bool = True) -> Iterator["Writer"]:
        """A new generation to change; published on clean exit if anything changed.

        It starts from the generation readers use (``live()``): after a lost pointer or a
        damaged file that is the newest good one, so publishing repairs the folder. With no
        usable generation it refuses (``StoreUnusable``) and changes nothing."""
        with self.write_lock(wait=wait):
            live = self.live()
            if live.state == "unusable":
                raise StoreUnusable(live.message)
            if not live.healthy:
                store_log.warning("load by %s starts from %s: %s", who, live.path.name, live.en)
            source = live.path
            # Numbers only grow (debris and a dangling pointer's number included): no file
            # name ever comes back with other contents.
            path = self.db_dir / gens.gen_name(gens.highest_number(self.db_dir, live.pointer) + 1)
            self._clear_unfinished()
            marker = gens.marker_path(path)
            marker.write_text(f"{who}\n", encoding="utf-8")
            _fsync_dir(self.db_dir)
            try:
                if source is not None:
                    shutil.copyfile(source, path)
                self.tmp_dir.mkdir(parents=True, exist_ok=True)
                con = _quiet(duckdb.connect(str(path), config=self.loader_config()))
            except BaseException:
                _remove_unfinished(path)
                raise
            w = Writer(con=con, who=who, path=path, first=source is None, source=source)
            try:
                con.execute("SET preserve_insertion_order = false")
                con.execute(SCHEMA_SQL)
                yield w
            except BaseException:
                con.close()
                _remove_unfinished(path)
                raise
            if not (w.changed or w.first):
                con.close()
                _remove_unfinished(path)
                return
            try:
                con.execute("CHECKPOINT")
                rows = gens.table_rows(con)
                con.close()
                with open(path, "rb") as fh:
                    os.fsync(fh.fileno())
                gens.write_seal(path, rows, source)
            except BaseException:
                con.close()
                _remove_unfinished(path)
                raise
            marker.unlink(missing_ok=True)
            # After a repair nothing is retired: the next ordinary load does that.
            self._publish(path, retire=live.healthy)

    def _publish(self, path: Path, retire: bool = True) -> None:
        tmp = self.pointer.with_suffix(".tmp")
        tmp.write_text(path.name + "\n", encoding="utf-8")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.pointer)
        _fsync_dir(self.db_dir)
        for old in gens.retired_after(self.db_dir, path) if retire else ():
            store_log.info("retiring %s (superseded by %s)", old.name, path.name)
            old.unlink(missing_ok=True)
            gens.seal_path(old).unlink(missing_ok=True)

    def _clear_unfinished(self) -> None:
        """Delete what only a killed writer leaves: a generation still marked as loading and
        never sealed (the write lock is held, so no load is running), and stray temp files."""
        for p in gens.generations(self.db_dir):
            if gens.unfinished(p):
                store_log.info("removing unfinished load %s", p.name)
                _remove_unfinished(p)
        for p in self.db_dir.glob("gen-*.loading"):
            if not (self.db_dir / (p.stem + ".duckdb")).exists():
                p.unlink(missing_ok=True)
            elif gens.read_seal(self.db_dir / (p.stem + ".duckdb")) is not None:
                p.unlink(missing_ok=True)       # sealed, killed before the marker went


def _quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No progress bar: DuckDB draws one on stdout for any statement over two seconds — into a
    CLI's output (``export`` to stdout) or a server's log. (Not settable in ``config``.)"""
    con.execute("SET enable_progress_bar = false")
    return con


def _remove_unfinished(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal"), gens.marker_path(path)):
        p.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class Writer:
    con: duckdb.DuckDBPyConnection
    who: str
    path: Path
    first: bool
    changed: bool = False
    source: Path | None = None      # the generation this one was copied from (None: the first)
    flags_pending: dict = field(default_factory=dict)   # {year: rule ids} left to the flag worker

    def touch(self) -> None:
        """Mark the generation as worth publishing."""
        self.changed = True
