"""Applying a validated file: one transaction, upsert by key, lineage, the load record.

Rows whose key is new are inserted; rows whose key exists and whose values differ replace the
old row (and take the new load's id); rows identical to what is held are left alone, keeping
the load they first came from. So loading a file twice changes nothing, and a newer file
updates by key. Nothing is ever deleted by a load.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from ingest.spec import Feed


@dataclass
class Applied:
    load_id: int | None  # None when the file brought nothing new
    inserted: int
    updated: int
    unchanged: int


def apply(con: duckdb.DuckDBPyConnection, feed: Feed, *, file_name: str, sha256: str, file_format: str,
          sheet: str | None, unit: str, rows_read: int, rows_rejected: int, who: str) -> Applied:
    """Upsert the ``_ok`` rows of TEMP table ``staged`` into the feed's table, in one transaction."""
    cols = [c.name for c in feed.columns]
    key_join = " AND ".join(f"t.{k} = s.{k}" for k in feed.key)
    differs = " OR ".join(f"t.{c} IS DISTINCT FROM s.{c}" for c in cols if c not in feed.key)
    differs = f"({differs} OR t.extra::VARCHAR IS DISTINCT FROM s.extra::VARCHAR)"
    table = feed.name  # a fixed name from the spec
    con.execute("BEGIN TRANSACTION")
    try:
        load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
        overlap = con.execute(f"SELECT count(*) FROM staged s JOIN {table} t ON {key_join} WHERE s._ok").fetchone()[0]
        if overlap == 0:
            # Only new keys (a first load, a new year's file): insert straight from staging.
            source, inserted, updated = "(SELECT * FROM staged WHERE _ok)", rows_read - rows_rejected, 0
        else:
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE changes AS
                SELECT s.*, (t.{feed.key[0]} IS NOT NULL) AS existed
                FROM (SELECT * FROM staged WHERE _ok) s
                LEFT JOIN {table} t ON {key_join}
                WHERE t.{feed.key[0]} IS NULL OR {differs}""")
            source = "changes"
            inserted, updated = con.execute(
                "SELECT count(*) FILTER (NOT existed), count(*) FILTER (existed) FROM changes").fetchone()
        if updated:
            con.execute(f"""DELETE FROM {table} t USING changes s
                            WHERE s.existed AND {key_join}""")
        if not (inserted or updated):
            con.execute("ROLLBACK")  # nothing new: leave even the load history as it was
            return Applied(None, 0, 0, rows_read - rows_rejected)
        col_list = ", ".join(cols)
        con.execute(f"INSERT INTO {table} ({col_list}, load_id, extra) "
                    f"SELECT {col_list}, ?, extra FROM {source}", [load_id])
        good = rows_read - rows_rejected
        con.execute(
            """INSERT INTO loads (load_id, feed, file_name, sha256, file_format, sheet, unit, rows_read,
                   rows_inserted, rows_updated, rows_unchanged, rows_rejected, loaded_by, loaded_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [load_id, feed.name, file_name, sha256, file_format, sheet, unit, rows_read, inserted, updated,
             good - inserted - updated, rows_rejected, who, dt.datetime.now().replace(microsecond=0)])
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.TransactionException:  # already rolled back above
            pass
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS changes")
    return Applied(load_id, inserted, updated, good - inserted - updated)


def latest_load_was(con: duckdb.DuckDBPyConnection, feed: Feed, sha256: str) -> int | None:
    """The id of the feed's latest load if it was exactly this file, applied whole.

    Loads are the only writers of a feed's table, so loading that file again cannot change
    anything: the caller may skip reading it row by row.
    """
    row = con.execute("""SELECT load_id FROM loads WHERE feed = ? AND sha256 = ? AND rows_rejected = 0
                         AND load_id = (SELECT max(load_id) FROM loads WHERE feed = ?)""",
                      [feed.name, sha256, feed.name]).fetchone()
    return row[0] if row else None
