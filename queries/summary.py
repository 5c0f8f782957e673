"""What a load leaves ready for the pages: the years' payment dates and the default flag set.

Two questions every page asks first would otherwise scan every payment: which years have data,
and what is a year's latest payment date (the default as-of date). And the warnings and
department pages need all sixteen rules run over the year (seconds at 10M payments). Both
depend only on the data, so ``refresh.after_load`` answers them once, in the loader's new generation
just before it is published (``ingest/pipeline.py``), into two small tables:

* ``year_summary`` — per year: first and last payment date, payment count, budget lines.
* ``flag_cache`` — the flags of the latest ``FLAG_YEARS`` years with payments, at each year's
  default as-of date, with every rule and the thresholds in force at load time (their JSON is
  kept with the rows: a page asking with other thresholds, rules or dates computes live).

Both carry a *stamp*: the file name of the generation they were written in. A generation made
any other way (a test fixture, an older version, a writer that skipped this step) has no stamp
of its own, so readers fall back to the live queries and never see stale answers.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

from budgetwatch.queries.store import (QueryError, current_scope, generation_file, generation_path, query, rows, scalar,
                                       table_exists)

log = logging.getLogger("budgetwatch.summary")

FLAG_YEARS = 2          # the latest years with payments whose flags are computed at load


def generation_stamp(con: duckdb.DuckDBPyConnection) -> str:
    return generation_file(con)


class FlagsUpdating(QueryError):
    """The flags of this view are being recomputed in the background after a load: say so
    instead of showing the previous load's flags or computing them all again per request."""

    def __init__(self, year: int):
        super().__init__(f"预警更新中：{year}年的预警正在按最新导入的数据重新计算，稍后刷新即可 / Warnings updating: "
                         f"the {year} flags are being recomputed for the latest load; refresh in a moment")
        self.year = year


WORKER_LOCK = "flags.lock"      # held by the background flag worker (queries/flag_worker.py) while it runs


def worker_running(db_dir: Path) -> bool:
    """Whether a background flag worker holds its lock now (tested without writing anything)."""
    import fcntl
    try:
        fh = open(db_dir / WORKER_LOCK, "rb")
    except OSError:
        return False
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def pending(con: duckdb.DuckDBPyConnection) -> dict[int, list[str]]:
    """{year: rule ids} whose flags this generation's loader left to the background worker."""
    if not table_exists(con, "flag_pending"):
        return {}
    out: dict[int, list[str]] = {}
    for year, rule in rows(con, "SELECT year, rule FROM flag_pending ORDER BY year, rule", name="flag_pending",
                           max_rows=None):
        out.setdefault(int(year), []).append(rule)
    return out


def thresholds_key(values) -> str:
    return json.dumps(values, sort_keys=True, default=str)


# -- reading -------------------------------------------------------------------------------
def _meta(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """The stamp row when it belongs to this very generation, else None.

    None too for a reader limited to some departments (queries/store.py ``scoped``): these
    tables were made over all departments, so a limited reader computes from its own rows."""
    if current_scope():
        return None
    if not table_exists(con, "summary_stamp"):
        return None
    got = rows(con, "SELECT stamp, thresholds, rules, dtypes, flag_years FROM summary_stamp LIMIT 1",
               name="summary_stamp")
    row = got[0] if got else None
    if row is None or row[0] != generation_stamp(con):
        return None
    return row


def years(con: duckdb.DuckDBPyConnection) -> list[int] | None:
    """Years with budget lines or payments, newest first; None without a valid summary."""
    if _meta(con) is None:
        return None
    return [int(r[0]) for r in rows(con, "SELECT year FROM year_summary ORDER BY year DESC", name="summary_years")]


MISSING = object()


def last_payment(con: duckdb.DuckDBPyConnection, year: int):
    """The year's latest payment date (None: no payments); ``MISSING`` without a valid summary."""
    if _meta(con) is None:
        return MISSING
    return scalar(con, "SELECT last_pay FROM year_summary WHERE year = ?", [int(year)], name="summary_last_payment")


def cached_flags(con: duckdb.DuckDBPyConnection, year: int, as_of: str | None, thresholds_values,
                 rule_ids: Sequence[str]) -> pd.DataFrame | None:
    """The flags computed at load for exactly this year, as-of date (None: the default),
    thresholds and rules; None when they were not (then compute live).

    Raises ``FlagsUpdating`` while the background worker recomputes the year's flags after a
    load; when it was left pending and no worker runs (killed), they are computed live."""
    meta = _meta(con)
    if meta is None:
        return None
    if meta[1] != thresholds_key(thresholds_values) or meta[2] != ",".join(rule_ids):
        return None
    default = rows(con, "SELECT last_pay FROM year_summary WHERE year = ?", [int(year)], name="summary_default_as_of")
    default = default[0] if default else None
    if as_of is not None and (default is None or str(as_of)[:10] != default[0].isoformat()):
        return None
    if int(year) in pending(con):
        path = generation_path(con)
        if path and worker_running(Path(path).parent):
            raise FlagsUpdating(int(year))
        log.warning("flags of %s are pending but no background worker runs: computed live "
                    "(run `budgetwatch refresh-flags`)", year)
        return None
    if int(year) not in (meta[4] or []):
        return None
    kept = cache_rows(con, year, meta[3])
    if kept is not None and "message_en" not in kept.columns:
        return None     # kept by a version without English messages: computed live until the next load
    return kept


def cache_rows(con: duckdb.DuckDBPyConnection, year: int, dtypes_json: str | None,
               except_rules: Sequence[str] = ()) -> pd.DataFrame | None:
    """The kept flags of a year as ``compute_flags`` returns them (None: no cache table);
    ``except_rules`` left out (the loader recomputes those)."""
    if not table_exists(con, "flag_cache"):
        return None
    frame = query(con, "SELECT * FROM flag_cache WHERE _cache_year = ? AND NOT list_contains(?::VARCHAR[], rule) "
                  "ORDER BY _pos", [int(year), list(except_rules)], name="flag_cache", max_rows=None)
    frame = frame.drop(columns=["_cache_year", "_cache_as_of", "_pos"])
    dtypes = json.loads(dtypes_json or "{}")
    if frame.empty:
        from budgetwatch.queries.rules.base import empty_flags
        return empty_flags()
    frame = frame.astype({c: t for c, t in dtypes.items() if c in frame.columns})
    for c in frame.columns:     # NULLs as None in object columns, as compute_flags leaves them
        if frame[c].dtype == object:
            frame[c] = frame[c].where(frame[c].notna(), None)
    return frame
