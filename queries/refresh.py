"""The loader's last step: the year summary and the default flag set, written into the new
generation before it is published, so pages read them instead of scanning payments.

Apart from ``summary`` (which reads them) because writing them runs every rule, and the
rules read ``summary``.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time

import duckdb
import pandas as pd

from budgetwatch.queries import summary
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.rules.engine import compute_flags
from budgetwatch.queries.rules.registry import RULES

log = logging.getLogger("budgetwatch.summary")


def refresh(con: duckdb.DuckDBPyConnection, data_dir) -> dict:
    """Write ``year_summary`` and ``flag_cache`` into the (writable) generation ``con`` is on."""
    stamp = summary.generation_stamp(con)
    started = time.perf_counter()
    con.execute("DROP TABLE IF EXISTS summary_stamp")
    con.execute("""
        CREATE OR REPLACE TABLE year_summary AS
        WITH p AS (SELECT CAST(year(pay_date) AS INTEGER) AS year, min(pay_date) AS first_pay,
                          max(pay_date) AS last_pay, count(*) AS payments
                   FROM payments WHERE pay_date IS NOT NULL GROUP BY 1),
             b AS (SELECT CAST(year AS INTEGER) AS year, count(*) AS budget_lines FROM budget GROUP BY 1)
        SELECT year, first_pay, last_pay, coalesce(payments, 0) AS payments,
               coalesce(budget_lines, 0) AS budget_lines
        FROM p FULL JOIN b USING (year) WHERE year IS NOT NULL""")
    thresholds = load_thresholds(data_dir)
    key = summary.thresholds_key(thresholds.values)
    rules = ",".join(r.id for r in RULES)
    years = [r[0] for r in con.execute(
        "SELECT year, last_pay FROM year_summary WHERE payments > 0 ORDER BY year DESC LIMIT ?",
        [summary.FLAG_YEARS]).fetchall()]
    frames, dtypes = [], {}
    for year in years:
        flags = compute_flags(con, year, None, thresholds=thresholds.values)
        dtypes = {c: str(t) for c, t in flags.dtypes.items()}
        as_of = con.execute("SELECT last_pay FROM year_summary WHERE year = ?", [year]).fetchone()[0]
        part = flags.assign(_cache_year=year, _cache_as_of=as_of.isoformat(), _pos=range(len(flags)))
        frames.append(part)
    con.execute("DROP TABLE IF EXISTS flag_cache")
    if frames:
        every = pd.concat(frames, ignore_index=True)
        con.register("_flag_cache_frame", every)
        con.execute("CREATE TABLE flag_cache AS SELECT * FROM _flag_cache_frame")
        con.unregister("_flag_cache_frame")
    con.execute("CREATE TABLE summary_stamp (stamp VARCHAR, thresholds VARCHAR, rules VARCHAR, "
                "dtypes VARCHAR, flag_years INTEGER[], seconds DOUBLE, made_at TIMESTAMP)")
    seconds = time.perf_counter() - started
    con.execute("INSERT INTO summary_stamp VALUES (?, ?, ?, ?, ?, ?, ?)",
                [stamp, key, rules, json.dumps(dtypes), years, seconds, dt.datetime.now()])
    log.info("summary for %s: years %s flagged in %.2f s", stamp, years, seconds)
    return {"stamp": stamp, "flag_years": years, "seconds": seconds}


def after_load(writer, data_dir) -> None:
    """The loader's last step before publishing: refresh the summary when anything changed.

    Never fails the load: on an error the stamp is removed, so readers compute live."""
    if not (writer.changed or writer.first):
        return
    try:
        refresh(writer.con, data_dir)
    except Exception:
        log.exception("summary refresh failed; pages will compute live")
        try:
            writer.con.execute("DROP TABLE IF EXISTS summary_stamp")
        except duckdb.Error:
            pass
