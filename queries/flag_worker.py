"""The background flag worker: publishes the flags a load left pending, after the load's data.

At 10M payments and more, rerunning the payment rules for a year takes tens of seconds; a
1,000-row correction should not wait for that. So the loader (``queries/refresh.py``) publishes
its data with the flags of the rules it could not have changed, lists the others in
``flag_pending``, and starts this worker (``budgetwatch refresh-flags``, a process of its own).
Meanwhile the pages say "预警更新中 / Warnings updating" for those years (``summary.cached_flags``).

The worker keeps every promise the store makes, because it publishes through the same writer:

* it computes on a read-only connection to the live generation, holding no lock (loaders and
  readers go on); then takes the write lock, and only if that generation is still live copies
  it, writes the flags into the copy and publishes it — readers never see half of it;
* when a newer load was published meanwhile it throws its work away: that load's generation
  carries what was still owed (``refresh.rules_to_run``) and the loop starts again from it;
* killed at any moment it leaves the live generation as it was (a copy still marked as loading
  is removed by the next writer); the next load or ``budgetwatch refresh-flags`` finishes it;
* one worker at a time (``db/flags.lock``, held while it runs, which is also how readers tell
  "updating" from "left over by a killed worker": the latter are computed live).
"""
from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from budgetwatch.queries import refresh, search, summary
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.rules.registry import RULES
from budgetwatch.queries.store import Store

log = logging.getLogger("budgetwatch.flags")
# Meta stamps that say "made for this generation" and stay true for a copy whose data is the same
# (and "owed" marks, moved with it until the work is done).
_CARRIED_STAMPS = ("payments_daily", "search_index", search.OWED_KEY)


@contextmanager
def _worker_lock(store: Store) -> Iterator[None]:
    store.db_dir.mkdir(parents=True, exist_ok=True)
    with open(store.db_dir / summary.WORKER_LOCK, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)      # a second worker waits, then finds nothing owed or the rest
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _owed(store: Store) -> tuple[Path | None, dict[int, list[str]], bool]:
    """The live generation, the flags it owes (nothing when its summary is not its own) and
    whether its search index was carried from the generation before and is owed a rebuild."""
    with store.reader() as con:
        if summary._meta(con) is None:
            return None, {}, False
        return store.current_path(), summary.pending(con), search.owed(con)


def _compute(store: Store, gen: Path, owed: dict[int, list[str]]) -> tuple[dict, dict]:
    """({year: flags of the owed rules}, {year: [(rule, why)]}) on a read-only connection to ``gen``."""
    thresholds = load_thresholds(store.data_dir).values
    by_id = {r.id: r for r in RULES}
    frames, failed = {}, {}
    con = store._connect_ro(gen)
    try:
        for year, rule_ids in owed.items():
            flags, broke = refresh.year_flags(con, year, thresholds, [by_id[r] for r in rule_ids if r in by_id])
            if broke:
                failed[year] = broke
            else:
                frames[year] = flags
    finally:
        con.close()
    return frames, failed


def _write(con: duckdb.DuckDBPyConnection, source: Path, frames: dict, failed: dict) -> None:
    """Into the copy of ``source``: each finished year's flags merged with those kept, the stamp
    moved to the copy, what is no longer owed taken off ``flag_pending``."""
    stamp = summary.generation_stamp(con)
    row = con.execute("SELECT dtypes, flag_years FROM summary_stamp").fetchone()
    dtypes, years = row[0], list(row[1] or [])
    owed = summary.pending(con)
    for year, new in frames.items():
        old = summary.cache_rows(con, year, dtypes, except_rules=owed.get(year, []))
        both = refresh.ordered(pd.concat([f for f in (old, new) if not f.empty], ignore_index=True)
                               if not (old.empty and new.empty) else new)
        as_of = con.execute("SELECT last_pay FROM year_summary WHERE year = ?", [year]).fetchone()[0]
        part = both.assign(_cache_year=year, _cache_as_of=as_of.isoformat(), _pos=range(len(both)))
        con.execute("DELETE FROM flag_cache WHERE _cache_year = ?", [year])
        con.register("_flag_part", part)
        con.execute("INSERT INTO flag_cache BY NAME SELECT * FROM _flag_part")
        con.unregister("_flag_part")
        years.append(year)
    done = sorted(set(frames) | set(failed))
    con.execute("DELETE FROM flag_pending WHERE list_contains(?::INTEGER[], year)", [done])
    con.execute("UPDATE summary_stamp SET stamp = ?, flag_years = ?",
                [stamp, sorted(set(years) - set(failed), reverse=True)])
    for key in _CARRIED_STAMPS:
        con.execute("UPDATE meta SET value = ? WHERE key = ? AND value = ?", [stamp, key, source.name])


def run(store: Store, *, max_rounds: int = 20) -> dict:
    """Publish every flag the live generation owes; returns what was done (for the log/tests)."""
    report = {"published": [], "discarded": 0, "failed": {}}
    with _worker_lock(store):
        for _ in range(max_rounds):
            gen, owed, index_owed = _owed(store)
            if gen is None or not (owed or index_owed):
                return report
            started = time.perf_counter()
            frames, failed = _compute(store, gen, owed)
            with store.writer(who="flags") as w:
                if w.source is None or w.source.name != gen.name:
                    report["discarded"] += 1        # a newer load won; it carries what is owed
                    log.info("flags for %s discarded: %s is live now", gen.name,
                             w.source.name if w.source else None)
                    continue
                _write(w.con, gen, frames, failed)
                if index_owed:
                    search.build(w.con)     # the exact index for this data (stamped as the copy's)
                w.touch()
            for year, broke in failed.items():
                log.warning("flags of %s not finished: %s", year, broke)
            report["failed"].update(failed)
            report["published"].append({"from": gen.name, "years": sorted(frames),
                                        "seconds": time.perf_counter() - started})
            log.info("flags for %s published (%.1f s)", gen.name, time.perf_counter() - started)
    return report


def start(store: Store) -> subprocess.Popen | None:
    """Start ``budgetwatch refresh-flags`` for the folder as a process of its own (it outlives
    the load that started it); its output goes to ``DATA_DIR/logs/flags.log``."""
    logs = store.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / "flags.log", "ab") as out:
        try:
            return subprocess.Popen([sys.executable, "-m", "budgetwatch", "refresh-flags",
                                     "--data-dir", str(store.data_dir)],
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True, close_fds=True, env={**os.environ})
        except OSError:
            log.exception("could not start the flag worker; run `budgetwatch refresh-flags`")
            return None


def resume(store: Store) -> subprocess.Popen | None:
    """Start a worker when the live generation owes flags and none runs (one was killed): the
    server does this as it starts, so pages stop computing those flags live. Never raises."""
    try:
        _gen, owed, index_owed = _owed(store)
    except Exception:       # no data, a damaged folder: nothing to resume here
        return None
    if (owed or index_owed) and not summary.worker_running(store.db_dir):
        log.info("flags owed by the live generation and no worker runs: starting one")
        return start(store)
    return None


def wait(store: Store, timeout_s: float = 600.0) -> bool:
    """Until nothing is owed and no worker runs (benchmarks and tests); False on time-out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        _gen, owed, index_owed = _owed(store)
        if not summary.worker_running(store.db_dir) and not (owed or index_owed):
            return True
        time.sleep(0.2)
    return False
