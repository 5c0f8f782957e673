"""The load history: every applied load recorded in ``loads`` (see ingest/load.py)."""
from __future__ import annotations

import duckdb
import pandas as pd

from budgetwatch.queries.store import query

COLUMNS = ("load_id", "loaded_at", "feed", "file_name", "file_format", "sheet", "unit", "rows_read",
           "rows_inserted", "rows_updated", "rows_unchanged", "rows_rejected", "loaded_by")


def load_history(con: duckdb.DuckDBPyConnection, feed: str | None = None, limit: int = 10_000) -> pd.DataFrame:
    """Applied loads, newest first (optionally of one feed)."""
    where = "WHERE feed = ?" if feed else ""
    params = [feed] if feed else []
    return query(con, f"""
        SELECT {', '.join(COLUMNS)} FROM loads {where}
        ORDER BY loaded_at DESC, load_id DESC LIMIT {int(limit)}""", params)
