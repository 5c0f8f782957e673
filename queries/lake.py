"""The lake: the live generation's held data as Hive-partitioned Parquet that other engines read.

A province that outgrows one box keeps its payments where a cluster reads them: Parquet
files under folders named the Hive way, so DuckDB (``read_parquet(…, hive_partitioning=true)``),
Spark (``spark.read.parquet``) and Trino (a Hive connector table per feed) read it as it is:

    LAKE/manifest.json
    LAKE/feed=payments/year=2025/month=6/data_0.parquet     payments by the year and month of pay_date
    LAKE/feed=budget/year=2025/data_0.parquet               feeds with a ``year`` column, by year
    LAKE/feed=departments/data.parquet                      small reference tables, one file

Each feed folder is one table (``feed=`` names it; the feeds' columns differ, so they are not
one dataset). A partition column is not repeated inside the files (Hive's convention); its
type is in the manifest. ``manifest.json`` says which generation the lake was written from,
when, and for each table its folder, partition columns, row count and schema (column names
and DuckDB types), so a reader needs nothing else from budgetwatch.

Writing is atomic: everything goes into a hidden sibling folder that is renamed into place at
the end (an existing lake is exchanged in one ``renameat2(RENAME_EXCHANGE)`` where Linux has it,
else moved aside and replaced by two renames). A run killed half-way leaves only the hidden
folder, which the next run deletes; a reader sees the old lake or the new one, never half of
either. All SQL runs through the gateway (``store.run``) with the paths bound as parameters.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from budgetwatch.errors import BudgetwatchError
from budgetwatch.queries.store import Store, query, run

log = logging.getLogger("budgetwatch.lake")

MANIFEST = "manifest.json"
FORMAT = "budgetwatch-lake"
VERSION = 1
# Export timing limit per statement: a lake at 100M payments takes minutes, not the 60 s of a page.
COPY_TIMEOUT_S = 3600.0


@dataclass(frozen=True)
class TableSpec:
    """How one table goes into the lake: ``derive`` adds partition columns computed from a
    column (payments have no year of their own; their pay_date gives year and month)."""
    name: str
    partition_by: tuple[str, ...] = ()
    derive: tuple[tuple[str, str], ...] = ()    # (column, fixed SQL expression over the table)
    kind: str = "feed"


# Fixed text only: table and column names here are the schema's, never input.
TABLES: tuple[TableSpec, ...] = (
    TableSpec("departments"),
    TableSpec("budget", ("year",)),
    TableSpec("payments", ("year", "month"), (("year", "year(pay_date)"), ("month", "month(pay_date)"))),
    TableSpec("assets_enterprise", ("year",)),
    TableSpec("assets_admin", ("year",)),
    TableSpec("audit_findings"),
    TableSpec("suggestions", ("year",)),
    TableSpec("debt", ("year",)),
    TableSpec("projects"),
    TableSpec("project_progress"),
    TableSpec("project_evaluation", ("year",)),
    TableSpec("payments_daily", ("year", "month"), (("year", "year(pay_date)"), ("month", "month(pay_date)")),
              kind="summary"),
)
TABLES_BY_NAME = {t.name: t for t in TABLES}


class LakeError(BudgetwatchError, RuntimeError):
    """The lake could not be written or read; nothing half-written was left in its place."""


def folder_of(table: str) -> str:
    return f"feed={table}"


# -- reading a lake ---------------------------------------------------------------------
def read_manifest(lake: str | os.PathLike) -> dict:
    """The manifest of the lake at ``lake``; ``LakeError`` when it is not a budgetwatch lake."""
    path = Path(lake) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LakeError(f"{lake} 不是数据湖（没有 {MANIFEST}），请先运行 budgetwatch lake export / "
                        f"{lake} is not a lake (no {MANIFEST}): run budgetwatch lake export first") from None
    except (OSError, ValueError) as exc:
        raise LakeError(f"无法读取 {path}：{exc} / cannot read {path}: {exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise LakeError(f"{path} 不是本版本的数据湖清单 / {path} is not a lake manifest of this version")
    return manifest


# -- writing a lake ---------------------------------------------------------------------
@dataclass
class ExportResult:
    path: Path
    generation: int
    tables: dict[str, int]
    seconds: float
    bytes: int


def _columns(con, table: str) -> list[tuple[str, str]]:
    frame = query(con, "SELECT column_name, data_type FROM duckdb_columns() "
                       "WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $t "
                       "ORDER BY column_index", {"t": table}, max_rows=None)
    return list(zip(frame["column_name"], frame["data_type"]))


def _select_sql(spec: TableSpec, columns: list[tuple[str, str]]) -> str:
    """The table's columns, JSON as text (Spark and Trino read a plain string), plus derived
    partition columns. Every name comes from the schema (``duckdb_columns``), quoted."""
    parts = []
    for name, kind in columns:
        quoted = '"' + name.replace('"', '""') + '"'
        parts.append(f"CAST({quoted} AS VARCHAR) AS {quoted}" if kind == "JSON" else quoted)
    parts += [f"{expr} AS {col}" for col, expr in spec.derive]
    return f"SELECT {', '.join(parts)} FROM {spec.name}"


def _copy_table(con, spec: TableSpec, columns: list[tuple[str, str]], target: Path) -> None:
    select = _select_sql(spec, columns)
    if spec.partition_by:
        # Sorted by the partition columns: one file per partition, written in order.
        sql = (f"COPY ({select}) TO $path (FORMAT parquet, COMPRESSION zstd, "
               f"PARTITION_BY ({', '.join(spec.partition_by)}), OVERWRITE_OR_IGNORE true)")
        run(con, sql, {"path": str(target)}, max_rows=0, timeout_s=COPY_TIMEOUT_S)
    else:
        target.mkdir(parents=True, exist_ok=True)
        sql = f"COPY ({select}) TO $path (FORMAT parquet, COMPRESSION zstd)"
        run(con, sql, {"path": str(target / "data.parquet")}, max_rows=0, timeout_s=COPY_TIMEOUT_S)


def _present_tables(con) -> set[str]:
    frame = query(con, "SELECT table_name FROM duckdb_tables() "
                       "WHERE database_name = current_database() AND schema_name = 'main'", max_rows=None)
    return set(frame["table_name"])


@contextlib.contextmanager
def _lake_lock(out: Path) -> Iterator[None]:
    """One exporter per lake path at a time (a second one waits)."""
    lock = out.parent / f".{out.name}.lock"
    with open(lock, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _partial_prefix(out: Path) -> str:
    return f".{out.name}.partial-"


def _clear_partials(out: Path) -> None:
    """What only a killed exporter leaves (the lock is held, so none is running)."""
    for p in out.parent.glob(_partial_prefix(out) + "*"):
        log.info("removing unfinished lake %s", p)
        shutil.rmtree(p, ignore_errors=True)
    for p in out.parent.glob(f".{out.name}.old-*"):
        shutil.rmtree(p, ignore_errors=True)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where that is unavailable."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    res = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return res == 0


def _publish(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)     # tmp now holds the old lake
        return
    old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
    os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise LakeError(f"{out} 已存在且不是文件夹 / {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise LakeError(f"{out} 不是空文件夹，也不是数据湖；为免覆盖其中文件，请换一个位置 / "
                        f"{out} is neither empty nor a lake; choose another place so that nothing in it is overwritten")


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def export_lake(store: Store, out: str | os.PathLike, tables: tuple[TableSpec, ...] = TABLES) -> ExportResult:
    """Write the live generation's tables as a lake at ``out`` (replacing an earlier lake there)."""
    out = Path(out).expanduser().resolve()
    _check_target(out)
    if store.current_path() is None:
        raise LakeError(f"数据目录 {store.data_dir} 中还没有数据 / no data loaded in {store.data_dir} yet")
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with _lake_lock(out):
        _check_target(out)
        _clear_partials(out)
        tmp = out.parent / f"{_partial_prefix(out)}{uuid.uuid4().hex[:12]}"
        tmp.mkdir()
        try:
            live = store.live()
            with store.reader() as con:        # one connection: one generation, consistent
                present = _present_tables(con)
                entries: dict[str, dict] = {}
                for spec in tables:
                    if spec.name not in present:
                        continue
                    columns = _columns(con, spec.name)
                    target = tmp / folder_of(spec.name)
                    _copy_table(con, spec, columns, target)
                    rows = int(query(con, f"SELECT count(*) AS n FROM {spec.name}")["n"].iloc[0])
                    schema = [{"name": n, "type": "VARCHAR" if t == "JSON" else t} for n, t in columns]
                    schema += [{"name": c, "type": "INTEGER", "derived_from": expr}
                               for c, expr in spec.derive]
                    entries[spec.name] = {
                        "path": folder_of(spec.name), "kind": spec.kind,
                        "partition_by": list(spec.partition_by), "rows": rows, "schema": schema,
                        "files": sum(1 for _ in target.rglob("*.parquet")),
                    }
            manifest = {
                "format": FORMAT, "version": VERSION,
                "generation": live.number, "generation_file": live.path.name if live.path else None,
                "data_dir": str(store.data_dir),
                "written_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "tables": entries,
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            size = _size(tmp)
            _publish(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return ExportResult(out, manifest["generation"], {k: v["rows"] for k, v in entries.items()},
                        time.perf_counter() - started, size)
