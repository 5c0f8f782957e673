"""What the data folder holds: per feed, rows, last load and the data's as-of date."""
from __future__ import annotations

import duckdb

from budgetwatch.queries.store import query, rows

# The date a feed's data speaks for: the newest payment, the latest budget year, ...
_AS_OF = {
    "departments": None,
    "budget": "CAST(max(year) AS VARCHAR)",
    "payments": "CAST(max(pay_date) AS VARCHAR)",
    "assets_enterprise": "CAST(max(year) AS VARCHAR)",
    "assets_admin": "CAST(max(year) AS VARCHAR)",
    "audit_findings": "CAST(greatest(max(rectified_date), make_date(max(audit_year), 12, 31)) AS VARCHAR)",
    "suggestions": ("CAST(greatest(max(assigned_date), max(replied_date), max(rated_date), max(second_reply_date), "
                    "max(closed_date)) AS VARCHAR)"),
    "projects": None,
    "project_progress": "CAST(max(report_date) AS VARCHAR)",
    "project_evaluation": "CAST(max(year) AS VARCHAR)",
    "debt": "CAST(max(year) AS VARCHAR)",
}
FEED_NAMES = tuple(_AS_OF)


def feed_status(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Per feed: rows, last_loaded (ISO time or None), last_file, as_of (or None)."""
    out: dict[str, dict] = {}
    loads = query(con, """
        SELECT feed, max(loaded_at) AS last_loaded, arg_max(file_name, load_id) AS last_file,
               count(*) AS loads
        FROM loads GROUP BY feed""")
    by_feed = {r.feed: r for r in loads.itertuples()}
    for feed, as_of_sql in _AS_OF.items():
        # Table names come from the fixed list above, never from input.
        row = rows(con, f"SELECT count(*), {as_of_sql or 'NULL'} FROM {feed}", name=f"status_{feed}")[0]
        last = by_feed.get(feed)
        out[feed] = {
            "rows": int(row[0]),
            "last_loaded": last.last_loaded.isoformat(timespec="seconds") if last is not None else None,
            "last_file": last.last_file if last is not None else None,
            "loads": int(last.loads) if last is not None else 0,
            "as_of": row[1],
        }
    return out


# Tables a page may ask "is anything here?" or "which year is latest?" of; names are fixed here,
# never taken from input.
_YEAR_COLUMN = {"audit_findings": "audit_year", "assets_enterprise": "year", "assets_admin": "year",
                "budget": "year"}


def holds_rows(con: duckdb.DuckDBPyConnection, *tables: str) -> bool:
    """Whether any of these feed tables holds a row."""
    for table in tables:
        if table not in _AS_OF:
            raise ValueError(f"not a feed table: {table}")
        if query(con, f"SELECT EXISTS (SELECT 1 FROM {table}) AS e")["e"].iloc[0]:
            return True
    return False


def latest_year(con: duckdb.DuckDBPyConnection, table: str) -> int | None:
    """The newest year a feed table holds (audit_year for audit findings), or None."""
    column = _YEAR_COLUMN[table]
    value = query(con, f"SELECT max({column}) AS y FROM {table}")["y"].iloc[0]
    return None if value is None or value != value else int(value)


def year_has_budget_or_payments(con: duckdb.DuckDBPyConnection, year: int) -> bool:
    return bool(query(con, """
        SELECT EXISTS (SELECT 1 FROM budget WHERE year = $year)
            OR EXISTS (SELECT 1 FROM payments WHERE pay_date BETWEEN make_date($year, 1, 1)
                                                                 AND make_date($year, 12, 31)) AS e""",
                      {"year": int(year)})["e"].iloc[0])
