"""The loader's statements, each through the gateway (queries/store.py) under its name.

Every DuckDB statement of ``ingest/`` goes through here, so a failure is a ``QueryError``
naming the statement and its parameters (the DuckDB error is its ``__cause__``; out of memory
is ``QueryOutOfMemory``). Loads have no time limit — a file takes what it takes — and no row
cap: the loader's answers are counts and short lists it bounds itself (``LIMIT``).
"""
from __future__ import annotations

from typing import Any

import duckdb

from budgetwatch.queries import store


def do(con: duckdb.DuckDBPyConnection, name: str, sql: str, params=None) -> list[tuple]:
    """Run one named statement; its rows (DDL and DML: DuckDB's count, or nothing)."""
    return store.rows(con, sql, params, name=name, max_rows=None, timeout_s=None)


def one(con: duckdb.DuckDBPyConnection, name: str, sql: str, params=None) -> tuple | None:
    """The first row of a named statement, or None."""
    got = store.rows(con, sql, params, name=name, max_rows=1, timeout_s=None)
    return got[0] if got else None


def value(con: duckdb.DuckDBPyConnection, name: str, sql: str, params=None) -> Any:
    """The first column of the first row of a named statement, or None."""
    return store.scalar(con, sql, params, name=name, timeout_s=None)


def columns(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> list[str]:
    """The column names a statement gives, without fetching its rows."""
    return list(store.arrow_schema(con, sql, name=name).names)


def temp_kind(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """'VIEW' or 'TABLE' when this connection has a temporary object of that name, else None."""
    return value(con, "ingest.temp_kind",
                 "SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = $n "
                 "UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE temporary AND table_name = $n",
                 {"n": name})
