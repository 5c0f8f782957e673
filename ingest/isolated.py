"""Loading an uploaded file in a child process with a memory ceiling.

The dashboard serves every member from one process. A file that makes a reader hold far more
than it weighs (a workbook that expands to gigabytes, a pathological CSV) must not take that
process down with it (issue 17, item 9): the upload is loaded by ``ingest_files`` in a fresh
child process whose address space is capped with ``RLIMIT_AS``. Inside the cap the child's
own guards answer (a refusal in both languages); past it the child dies alone and the page
says so; any other error raised in the child is raised here as it was. The child takes the
same write lock and publishes the same way as the CLI, so the server sees the new generation
as soon as it is published; a child that dies leaves only a file marked as loading, which the
next load removes.

``BUDGETWATCH_UPLOAD_MEMORY_MB`` sets the cap (default 4096); the child's DuckDB gets half
of it unless ``BUDGETWATCH_LOADER_MEMORY`` says otherwise.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

from budgetwatch.errors import BudgetwatchError
from budgetwatch.ingest.pipeline import FileReport
from budgetwatch.queries.store import QueryOutOfMemory

DEFAULT_MEMORY_MB = 4096


class ChildFailed(BudgetwatchError, RuntimeError):
    """The child process died (most often: it reached its memory ceiling); nothing was published."""


def memory_mb() -> int:
    try:
        value = int(os.environ.get("BUDGETWATCH_UPLOAD_MEMORY_MB", "") or DEFAULT_MEMORY_MB)
    except ValueError:
        return DEFAULT_MEMORY_MB
    return value if value > 0 else DEFAULT_MEMORY_MB


def _cap(limit_mb: int) -> None:
    import resource

    limit = limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ.setdefault("BUDGETWATCH_LOADER_MEMORY", f"{max(limit_mb // 2, 64)}MB")
    # The background flag worker must not inherit this ceiling: the server starts it instead.
    os.environ["BUDGETWATCH_START_FLAG_WORKER"] = "no"


def _load(data_dir: str, feed: str, paths: list[str], who: str, accept_partial: bool,
          sheet: str | None) -> list[FileReport]:
    from budgetwatch.ingest.pipeline import ingest_files
    from budgetwatch.queries.store import Store

    return ingest_files(Store(data_dir), feed, [Path(p) for p in paths], who=who,
                        accept_partial=accept_partial, sheet=sheet)


def ingest_isolated(data_dir: str | os.PathLike, feed: str, paths: Sequence[Path], *, who: str,
                    accept_partial: bool = False, sheet: str | None = None,
                    limit_mb: int | None = None) -> list[FileReport]:
    """``ingest_files`` in a child process capped at ``limit_mb``; ``ChildFailed`` if it dies."""
    limit = limit_mb or memory_mb()
    ctx = multiprocessing.get_context("spawn")      # never fork a server's threads
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_cap,
                                                initargs=(limit,)) as pool:
        future = pool.submit(_load, str(data_dir), feed, [str(p) for p in paths], who, accept_partial, sheet)
        try:
            return future.result()
        except concurrent.futures.process.BrokenProcessPool as exc:
            raise ChildFailed(f"导入进程意外停止（内存上限 {limit} MB） / the loading process stopped "
                              f"(memory ceiling {limit} MB)") from exc
        except (MemoryError, duckdb.OutOfMemoryException, QueryOutOfMemory) as exc:
            raise ChildFailed(f"导入进程内存不足（上限 {limit} MB） / the loading process ran out of memory "
                              f"(ceiling {limit} MB): {type(exc).__name__}: {str(exc)[:160]}") from exc
