"""The one door to DuckDB: opening, binding, capping, timing — and publishing new data.

DuckDB lets one process write a database file and then no other process may open it, not
even to read. So the live database is never written in place. Data lives in numbered
*generations* under ``DATA_DIR/db/``; a small pointer file ``CURRENT`` names the live one.

* Readers (the dashboard, ``status``, ``flags``) read ``CURRENT`` and open that generation
  read-only, one short-lived connection per unit of work. Any number may read at once.
* A writer (``ingest``) takes an exclusive file lock, copies the live generation to a new
  file, applies its changes there in ordinary transactions, checkpoints and closes it, and
  then atomically replaces ``CURRENT``. Readers that started earlier finish on the old
  file; every connection opened after the switch sees the new data. A writer that fails or
  is killed leaves only an unpublished file behind, which the next writer deletes.

The previous generation is kept (a reader may still be on it); older ones are removed.
"""
from __future__ import annotations

import contextlib
import contextvars
import fcntl
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from budgetwatch.errors import BudgetwatchError
from budgetwatch.queries.units import below as units_below

log = logging.getLogger("budgetwatch.sql")

SCHEMA_SQL = (files("budgetwatch.queries") / "schema.sql").read_text(encoding="utf-8")
_GEN = re.compile(r"^gen-(\d{6})\.duckdb$")
DEFAULT_MAX_ROWS = 200_000
DEFAULT_TIMEOUT_S = 60.0


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


class QueryError(BudgetwatchError, RuntimeError):
    """A query failed or ran out of time; the message is fit to show a person."""


class StoreBusy(BudgetwatchError, RuntimeError):
    """Another process is writing; raised only when the caller asked not to wait."""


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


def run(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None, *,
        max_rows: int | None = DEFAULT_MAX_ROWS, timeout_s: float | None = DEFAULT_TIMEOUT_S) -> Result:
    """Run one statement with bound parameters, a row cap and a time limit."""
    timer = threading.Timer(timeout_s, con.interrupt) if timeout_s else None
    started = time.perf_counter()
    try:
        if timer:
            timer.start()
        cur = con.execute(sql, params) if params is not None else con.execute(sql)
        if max_rows is None:
            frame = cur.df()
            truncated = False
        else:
            rows = cur.fetchmany(max_rows + 1)
            cols = [d[0] for d in cur.description] if cur.description else []
            truncated = len(rows) > max_rows
            frame = pd.DataFrame.from_records(rows[:max_rows], columns=cols)
    except duckdb.InterruptException as exc:
        raise QueryError(f"查询超时（超过 {timeout_s:.0f} 秒）/ query timed out") from exc
    except duckdb.Error as exc:
        log.warning("query failed: %s\n%s", exc, sql)
        raise QueryError(f"查询失败 / query failed: {exc}") from exc
    finally:
        if timer:
            timer.cancel()
    elapsed = (time.perf_counter() - started) * 1000
    log.debug("%.1f ms, %d rows: %s", elapsed, len(frame), " ".join(sql.split())[:200])
    return Result(frame, truncated, elapsed)


def query(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None,
          **kw: Any) -> pd.DataFrame:
    """`run`, returning just the frame (with ``attrs['truncated']``)."""
    res = run(con, sql, params, **kw)
    res.frame.attrs["truncated"] = res.truncated
    return res.frame


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

    def current_path(self) -> Path | None:
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return self.db_dir / name if name else None

    def generation(self) -> int:
        path = self.current_path()
        m = _GEN.match(path.name) if path else None
        return int(m.group(1)) if m else 0

    # -- reading ----------------------------------------------------------------------
    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the live generation (created empty if there is none)."""
        if self.current_path() is None:
            self.ensure()
        for attempt in range(3):
            path = self.current_path()
            try:
                con = duckdb.connect(str(path), read_only=True)
                break
            except duckdb.IOException:
                # The generation was retired between reading CURRENT and opening it.
                if attempt == 2:
                    raise
                time.sleep(0.05)
        try:
            scope = current_scope()
            if scope:
                _apply_scope(con, scope)
            yield con
        finally:
            con.close()

    def ensure(self) -> None:
        """Create an empty, published database if the data folder has none yet."""
        if self.current_path() is None:
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
        """A new generation to change; published on clean exit if anything changed."""
        with self.write_lock(wait=wait):
            self._sweep()
            live = self.current_path()
            number = self.generation() + 1
            path = self.db_dir / f"gen-{number:06d}.duckdb"
            if live is not None and live.exists():
                shutil.copyfile(live, path)
            self.tmp_dir.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(str(path))
            con.execute("SET temp_directory = ?", [str(self.tmp_dir)])
            con.execute("SET preserve_insertion_order = false")
            con.execute(SCHEMA_SQL)
            w = Writer(con=con, who=who, path=path, first=live is None)
            try:
                yield w
            except BaseException:
                con.close()
                path.unlink(missing_ok=True)
                raise
            if not (w.changed or w.first):
                con.close()
                path.unlink(missing_ok=True)
                return
            con.execute("CHECKPOINT")
            con.close()
            self._publish(path)

    def _publish(self, path: Path) -> None:
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
        tmp = self.pointer.with_suffix(".tmp")
        tmp.write_text(path.name + "\n", encoding="utf-8")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.pointer)
        self._sweep()

    def _sweep(self) -> None:
        """Remove unpublished files and generations older than the one before the live one."""
        live = self.generation()
        for p in self.db_dir.glob("gen-*.duckdb*"):
            m = re.match(r"^gen-(\d{6})\.duckdb", p.name)
            if m and (int(m.group(1)) > live or int(m.group(1)) < live - 1):
                p.unlink(missing_ok=True)


@dataclass
class Writer:
    con: duckdb.DuckDBPyConnection
    who: str
    path: Path
    first: bool
    changed: bool = False

    def touch(self) -> None:
        """Mark the generation as worth publishing."""
        self.changed = True
