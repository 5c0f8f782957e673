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

from budgetwatch.ingest import db
from budgetwatch.ingest.spec import Feed
from budgetwatch.queries import store
from budgetwatch.queries.store import generation_file, stamped


@dataclass
class Applied:
    load_id: int | None  # None when the file brought nothing new
    inserted: int
    updated: int
    unchanged: int
    days: tuple[dt.date, dt.date] | None = None   # payments: the first and last day whose rows changed


def apply(con: duckdb.DuckDBPyConnection, feed: Feed, *, file_name: str, sha256: str, file_format: str,
          sheet: str | None, unit: str, rows_read: int, rows_rejected: int, who: str) -> Applied:
    """Upsert the ``_ok`` rows of TEMP table ``staged`` into the feed's table, in one transaction."""
    cols = [c.name for c in feed.columns]
    key_join = " AND ".join(f"t.{k} = s.{k}" for k in feed.key)
    differs = " OR ".join(f"t.{c} IS DISTINCT FROM s.{c}" for c in cols if c not in feed.key)
    differs = f"({differs} OR t.extra::VARCHAR IS DISTINCT FROM s.extra::VARCHAR)"
    table = feed.name  # a fixed name from the spec
    try:
        with store.transaction(con, "ingest.load.apply") as tx:
            load_id = db.value(con, "ingest.load.next_load_id", "SELECT coalesce(max(load_id), 0) + 1 FROM loads")
            overlap = db.value(con, "ingest.load.overlap",
                               f"SELECT count(*) FROM staged s JOIN {table} t ON {key_join} WHERE s._ok")
            if overlap == 0:
                # Only new keys (a first load, a new year's file): insert straight from staging.
                source, inserted, updated = "(SELECT * FROM staged WHERE _ok)", rows_read - rows_rejected, 0
            else:
                db.do(con, "ingest.load.changes", f"""
                    CREATE OR REPLACE TEMP TABLE changes AS
                    SELECT s.*, (t.{feed.key[0]} IS NOT NULL) AS existed
                    FROM (SELECT * FROM staged WHERE _ok) s
                    LEFT JOIN {table} t ON {key_join}
                    WHERE t.{feed.key[0]} IS NULL OR {differs}""")
                source = "changes"
                inserted, updated = db.one(
                    con, "ingest.load.count_changes",
                    "SELECT count(*) FILTER (NOT existed), count(*) FILTER (existed) FROM changes")
            days = None
            if table == "payments":   # the days payments_daily must be rebuilt for: new rows' and replaced rows'
                days = db.one(con, "ingest.load.new_days", f"SELECT min(pay_date), max(pay_date) FROM {source}")
                if updated:
                    old = db.one(con, "ingest.load.replaced_days", f"""
                        SELECT min(t.pay_date), max(t.pay_date) FROM {table} t JOIN changes s
                        ON {key_join} WHERE s.existed""")
                    days = (min(days[0], old[0]), max(days[1], old[1]))
                _note_daily_delta(con, source, key_join if updated else None)
            if updated:
                db.do(con, "ingest.load.delete_replaced", f"""DELETE FROM {table} t USING changes s
                                                          WHERE s.existed AND {key_join}""")
            if not (inserted or updated):
                tx.rollback()  # nothing new: leave even the load history as it was
                return Applied(None, 0, 0, rows_read - rows_rejected)
            col_list = ", ".join(cols)
            db.do(con, "ingest.load.upsert", f"INSERT INTO {table} ({col_list}, load_id, extra) "
                                             f"SELECT {col_list}, ?, extra FROM {source}", [load_id])
            good = rows_read - rows_rejected
            db.do(con, "ingest.load.record",
                """INSERT INTO loads (load_id, feed, file_name, sha256, file_format, sheet, unit, rows_read,
                       rows_inserted, rows_updated, rows_unchanged, rows_rejected, loaded_by, loaded_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [load_id, feed.name, file_name, sha256, file_format, sheet, unit, rows_read, inserted, updated,
                 good - inserted - updated, rows_rejected, who, dt.datetime.now().replace(microsecond=0)])
    finally:
        db.do(con, "ingest.load.drop_changes", "DROP TABLE IF EXISTS changes")
    return Applied(load_id, inserted, updated, good - inserted - updated, days)


# -- payments_daily: payments summed per day and codes, for the pages ---------------------------
_DAILY_STAMP = "payments_daily"
_DAILY_SELECT = """SELECT pay_date, dept_code, func_code, econ_code, fund_type, count(*), sum(amount)
                   FROM payments {where} GROUP BY ALL ORDER BY pay_date, dept_code"""


def daily_ready(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``payments_daily`` answers for the generation ``con`` is on (else use payments)."""
    return stamped(con, _DAILY_STAMP)


_DAILY_KEYS = ("pay_date", "dept_code", "func_code", "econ_code", "fund_type")


def _note_daily_delta(con: duckdb.DuckDBPyConnection, source: str, key_join: str | None) -> None:
    """In the load's transaction, before replaced rows go: what this file adds to and takes
    from ``payments_daily`` per day and codes (its rows, minus the held rows they replace),
    summed over the load's files in TEMP ``daily_delta`` — so the table is brought up to date
    in proportion to the file, not to the days it spans."""
    keys = ", ".join(_DAILY_KEYS)
    old = (f"""UNION ALL SELECT {', '.join('t.' + k for k in _DAILY_KEYS)}, -1, -t.amount
               FROM payments t JOIN changes s ON {key_join} WHERE s.existed""" if key_join else "")
    db.do(con, "ingest.load.daily_delta_table", f"""CREATE TEMP TABLE IF NOT EXISTS daily_delta AS
                    SELECT {keys}, CAST(0 AS BIGINT) AS payments, CAST(0 AS DECIMAL(38,2)) AS amount
                    FROM payments_daily LIMIT 0""")
    db.do(con, "ingest.load.daily_delta", f"""INSERT INTO daily_delta
                    SELECT {keys}, sum(n), sum(a) FROM (
                        SELECT {keys}, 1 AS n, amount AS a FROM {source}
                        {old}) GROUP BY ALL""")


def refresh_daily(con: duckdb.DuckDBPyConnection, source_name: str | None,
                  days: tuple[dt.date, dt.date] | None) -> None:
    """At the end of a load, in the new generation: bring ``payments_daily`` up to date.

    ``source_name``: the file of the generation this one was copied from; ``days``: the range
    of days whose payments the load changed (None: none). The table is rebuilt for those days
    only when it was valid for the source generation, else whole; then stamped as this file's.
    """
    valid = source_name is not None and db.value(
        con, "ingest.daily.stamp_valid", "SELECT count(*) FROM meta WHERE key = ? AND value = ?",
        [_DAILY_STAMP, source_name]) > 0
    delta = _has_delta(con)        # asked outside the transaction: a failed probe would abort it
    try:
        with store.transaction(con, "ingest.daily.refresh"):
            if not valid:
                db.do(con, "ingest.daily.clear", "DELETE FROM payments_daily")
                db.do(con, "ingest.daily.rebuild", "INSERT INTO payments_daily " + _DAILY_SELECT.format(where=""))
            elif delta:                     # the groups the load's files touched, by their deltas
                keys = ", ".join(_DAILY_KEYS)
                same = " AND ".join(f"d.{k} = x.{k}" for k in _DAILY_KEYS)
                db.do(con, "ingest.daily.new_groups", f"""CREATE OR REPLACE TEMP TABLE _daily_new AS
                    SELECT {keys}, sum(payments) AS payments, sum(amount) AS amount FROM (
                        SELECT d.* FROM payments_daily d SEMI JOIN daily_delta x ON {same}
                        UNION ALL SELECT * FROM daily_delta) GROUP BY ALL HAVING sum(payments) <> 0""")
                db.do(con, "ingest.daily.delete_groups", f"DELETE FROM payments_daily d USING daily_delta x WHERE {same}")
                db.do(con, "ingest.daily.insert_groups",
                    f"INSERT INTO payments_daily SELECT {keys}, payments, amount FROM _daily_new")
                db.do(con, "ingest.daily.drop_new", "DROP TABLE _daily_new")
            elif days is not None and days[0] is not None:
                db.do(con, "ingest.daily.delete_days", "DELETE FROM payments_daily WHERE pay_date BETWEEN ? AND ?",
                    list(days))
                db.do(con, "ingest.daily.insert_days",
                    "INSERT INTO payments_daily " + _DAILY_SELECT.format(where="WHERE pay_date BETWEEN ? AND ?"),
                    list(days))
            db.do(con, "ingest.daily.stamp", "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [_DAILY_STAMP, generation_file(con)])
    finally:
        db.do(con, "ingest.daily.drop_delta", "DROP TABLE IF EXISTS daily_delta")


def _has_delta(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this load's files left a TEMP ``daily_delta`` (a catalog look-up: no failed probe)."""
    return db.temp_kind(con, "daily_delta") is not None


def latest_load_was(con: duckdb.DuckDBPyConnection, feed: Feed, sha256: str) -> int | None:
    """The id of the feed's latest load if it was exactly this file, applied whole.

    Loads are the only writers of a feed's table, so loading that file again cannot change
    anything: the caller may skip reading it row by row.
    """
    row = db.one(con, "ingest.load.latest_was", """SELECT load_id FROM loads WHERE feed = ? AND sha256 = ?
                   AND rows_rejected = 0 AND load_id = (SELECT max(load_id) FROM loads WHERE feed = ?)""",
               [feed.name, sha256, feed.name])
    return row[0] if row else None
