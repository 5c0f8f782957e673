"""The loader's last step: the year summary and the default flag set, written into the new
generation before it is published, so pages read them instead of scanning payments.

Apart from ``summary`` (which reads them) because writing them runs every rule, and the
rules read ``summary``.

Every rule runs on its own: one that fails or runs out of time (the store's query limit)
leaves the years it could not finish without a cache — the pages compute those live — and is
named in what ``after_load`` returns, so the load's report says so instead of claiming a
success it did not have.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from budgetwatch.queries import summary
from budgetwatch.queries.rule_inputs import rules_reading, tables_read
from budgetwatch.queries.rules.base import SEVERITIES, empty_flags
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.rules.engine import params_in_force, resolve_context, run_rule
from budgetwatch.queries.rules.registry import RULES
from budgetwatch.queries.steps import Unfinished

log = logging.getLogger("budgetwatch.summary")


def ordered(flags: pd.DataFrame) -> pd.DataFrame:
    """Every rule's flags in the order ``compute_flags`` gives them (severity, rule, amount)."""
    if flags.empty:
        return empty_flags()
    order = {r.id: i for i, r in enumerate(RULES)}
    flags = flags.assign(_sev=flags["severity"].map({s: i for i, s in enumerate(SEVERITIES)}),
                         _rule=flags["rule"].map(order))
    flags = flags.sort_values(["_sev", "_rule", "amount", "entity_key"],
                              ascending=[True, True, False, True], kind="stable")
    return flags.drop(columns=["_sev", "_rule"]).reset_index(drop=True)


def year_flags(con: duckdb.DuckDBPyConnection, year: int, thresholds: dict,
               rules=RULES) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """The flags of ``rules`` for the year at its default as-of date, each rule run alone:
    (flags in ``compute_flags`` order, [(rule id, why it did not finish)])."""
    ctx = resolve_context(con, year, None)
    frames, failed = [], []
    for rule in rules:
        params = params_in_force(rule, thresholds)
        if not params.get("enabled", True):
            continue
        try:
            frame = run_rule(con, rule, ctx, params)
        except Exception as exc:        # a time-out (QueryError) or a broken rule: named, not hidden
            log.warning("flag cache: %s for %s did not finish: %s", rule.id, year, exc)
            failed.append((rule.id, " ".join(str(exc).split())[:200]))
            continue
        if not frame.empty:
            frames.append(frame)
    return ordered(pd.concat(frames, ignore_index=True) if frames else empty_flags()), failed


def write_year_summary(con: duckdb.DuckDBPyConnection, stamp: str) -> None:
    """Per year: first and last payment date, payments, budget lines — from ``payments_daily``
    when the loader has just brought it up to date for this generation (thousands of rows, not
    every payment), else from payments."""
    daily = con.execute("SELECT count(*) FROM meta WHERE key = 'payments_daily' AND value = ?",
                        [stamp]).fetchone()[0] > 0
    per_year = ("""SELECT CAST(year(pay_date) AS INTEGER) AS year, min(pay_date) AS first_pay,
                          max(pay_date) AS last_pay, sum(payments) AS payments
                   FROM payments_daily WHERE pay_date IS NOT NULL GROUP BY 1""" if daily else
                """SELECT CAST(year(pay_date) AS INTEGER) AS year, min(pay_date) AS first_pay,
                          max(pay_date) AS last_pay, count(*) AS payments
                   FROM payments WHERE pay_date IS NOT NULL GROUP BY 1""")
    con.execute(f"""
        CREATE OR REPLACE TABLE year_summary AS
        WITH p AS ({per_year}),
             b AS (SELECT CAST(year AS INTEGER) AS year, count(*) AS budget_lines FROM budget GROUP BY 1)
        SELECT year, first_pay, last_pay, CAST(coalesce(payments, 0) AS BIGINT) AS payments,
               coalesce(budget_lines, 0) AS budget_lines
        FROM p FULL JOIN b USING (year) WHERE year IS NOT NULL""")


# What a load changed: table → the years it touched (None: any year, unknown).
Changes = dict[str, "frozenset[int] | None"]


@dataclass
class _Kept:
    """The flag cache the new generation was copied with, when it can be built on."""
    flag_years: list[int]
    dtypes: str
    last_pay: dict[int, dt.date]
    pending: dict[int, list[str]] = field(default_factory=dict)    # left to the background worker


def _kept(con: duckdb.DuckDBPyConnection, source_name: str | None, key: str, rules: str) -> _Kept | None:
    """The previous generation's cache, if it is exactly that generation's and made with the
    thresholds and rules in force now (else everything is recomputed)."""
    if not source_name:
        return None
    try:
        row = con.execute("SELECT stamp, thresholds, rules, dtypes, flag_years FROM summary_stamp LIMIT 1").fetchone()
        last = dict(con.execute("SELECT year, last_pay FROM year_summary").fetchall())
        con.execute("SELECT count(*) FROM flag_cache LIMIT 0").fetchall()
        con.execute("SELECT message_en FROM flag_cache LIMIT 0").fetchall()    # kept before English messages: redo
    except (duckdb.CatalogException, duckdb.BinderException):
        return None
    if row is None or row[0] != source_name or row[1] != key or row[2] != rules:
        return None
    return _Kept(list(row[4] or []), row[3], last, summary.pending(con))


def rules_to_run(year: int, changes: Changes | None, kept: _Kept | None, last_pay) -> tuple:
    """The rules whose flags for ``year`` the load may have changed: every rule unless the
    previous cache holds the year at the same as-of date; then those reading a table the load
    touched in this year or an earlier one (rules compare with earlier years, never later)."""
    if (changes is None or kept is None or kept.last_pay.get(year) != last_pay
            or (year not in kept.flag_years and year not in kept.pending)):
        return RULES
    touched = {table for table, years in changes.items() if years is None or min(years, default=year + 1) <= year}
    owed = set(kept.pending.get(year, ()))      # still owed by a worker that has not finished
    return tuple(r for r in RULES if r.id in owed or r in rules_reading(touched, [r]))


# A refresh rerunning payment rules over more payments than this is left to the background
# worker (queries/flag_worker.py): at 10M payments a year of them takes 20-30 s on this box.
BACKGROUND_FROM_PAYMENTS = 1_000_000


def in_background(con: duckdb.DuckDBPyConnection, plan: dict[int, tuple]) -> bool:
    """Whether to publish the data first and leave these rules to the background worker.
    ``BUDGETWATCH_FLAGS_BACKGROUND_FROM``: the number of payments from which it does (0: always,
    ``never``: never)."""
    setting = os.environ.get("BUDGETWATCH_FLAGS_BACKGROUND_FROM", "").strip().lower()
    if setting == "never":
        return False
    limit = int(setting) if setting.isdigit() else BACKGROUND_FROM_PAYMENTS
    if not any(plan.values()):
        return False
    heavy = [y for y, rules in plan.items() if any("payments" in tables_read(r) for r in rules)]
    if not heavy:
        return limit == 0
    held = con.execute("SELECT coalesce(sum(payments), 0) FROM year_summary WHERE list_contains(?, year) "
                       "OR list_contains(?, year + 1)", [heavy, heavy]).fetchone()[0]
    return held >= limit


def refresh(con: duckdb.DuckDBPyConnection, data_dir, changes: Changes | None = None,
            source_name: str | None = None, background: bool | None = None) -> dict:
    """Write ``year_summary`` and ``flag_cache`` into the (writable) generation ``con`` is on.

    ``changes``: what the load changed (None: recompute everything); ``source_name``: the
    generation this one was copied from, whose kept flags are reused for the rules the load
    cannot have changed. Returns ``stamp``, ``flag_years`` (the years whose flags were kept),
    ``seconds``, ``ran`` ({year: rule ids recomputed}) and ``failed``: {year: [(rule id, why)]}
    for the years left without a cache, ``pending``: {year: rule ids} left to the background
    worker — when ``background`` (None: decided by ``in_background``) the rules are not run
    here: the data is published first and ``queries/flag_worker.py`` publishes their flags."""
    stamp = summary.generation_stamp(con)
    started = time.perf_counter()
    thresholds = load_thresholds(data_dir)
    key = summary.thresholds_key(thresholds.values)
    rules = ",".join(r.id for r in RULES)
    kept = _kept(con, source_name, key, rules)
    con.execute("DROP TABLE IF EXISTS summary_stamp")
    write_year_summary(con, stamp)
    years = con.execute(
        "SELECT year, last_pay FROM year_summary WHERE payments > 0 ORDER BY year DESC LIMIT ?",
        [summary.FLAG_YEARS]).fetchall()
    plan = {year: rules_to_run(year, changes, kept, last_pay) for year, last_pay in years}
    later = background if background is not None else in_background(con, plan)
    frames, dtypes, done, failed, ran, owed = [], {}, [], {}, {}, {}
    for year, last_pay in years:
        todo = plan[year]
        ran[year] = [r.id for r in todo] if not later else []
        if later and todo:
            owed[year] = [r.id for r in todo]
            new, broke = empty_flags(), []
        else:
            new, broke = year_flags(con, year, thresholds.values, todo) if todo else (empty_flags(), [])
        if broke:
            failed[year] = broke
            continue
        if todo is not RULES:   # the other rules' flags as the previous generation kept them
            old = summary.cache_rows(con, year, kept.dtypes, except_rules=[r.id for r in todo])
            new = ordered(pd.concat([f for f in (old, new) if not f.empty], ignore_index=True)
                          if not (old.empty and new.empty) else empty_flags())
        if not new.empty or not dtypes:
            dtypes = {c: str(t) for c, t in new.dtypes.items()}
        frames.append(new.assign(_cache_year=year, _cache_as_of=last_pay.isoformat(), _pos=range(len(new))))
        if year not in owed:
            done.append(year)
    con.execute("DROP TABLE IF EXISTS flag_pending")
    con.execute("CREATE TABLE flag_pending (year INTEGER, rule VARCHAR)")
    for year, rule_ids in owed.items():
        con.executemany("INSERT INTO flag_pending VALUES (?, ?)", [[year, r] for r in rule_ids])
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
                [stamp, key, rules, json.dumps(dtypes), done, seconds, dt.datetime.now()])
    log.info("summary for %s: years %s flagged in %.2f s, rules run %s, left to the worker %s (not finished: %s)",
             stamp, done, seconds, {y: len(r) for y, r in ran.items()}, owed, failed)
    return {"stamp": stamp, "flag_years": done, "seconds": seconds, "failed": failed, "ran": ran,
            "pending": owed}


def after_load(writer, data_dir, changes: Changes | None = None) -> list[Unfinished]:
    """The loader's last step before publishing: refresh the summary when anything changed.

    Never fails the load, never hides a failure: what did not finish is returned (the load's
    report names it) and the pages compute that part live. On an error the stamp is removed."""
    if not (writer.changed or writer.first):
        return []
    try:
        result = refresh(writer.con, data_dir, changes,
                         writer.source.name if getattr(writer, "source", None) is not None else None)
        writer.flags_pending = result["pending"]
    except Exception as exc:
        log.exception("summary refresh failed; pages will compute live")
        try:
            writer.con.execute("DROP TABLE IF EXISTS summary_stamp")
        except duckdb.Error:
            pass
        why = " ".join(str(exc).split())[:200] or type(exc).__name__
        return [Unfinished("summary",
                           f"年度汇总与预警缓存未能生成（{why}）；数据已导入，页面将现场计算，会较慢",
                           f"the year summary and flag cache were not made ({why}); the data was loaded and "
                           f"the pages compute them live, more slowly")]
    return [_flags_unfinished(year, broke) for year, broke in sorted(result["failed"].items())]


def _flags_unfinished(year: int, broke: list[tuple[str, str]]) -> Unfinished:
    names = "、".join(rule for rule, _ in broke)
    why = broke[0][1]
    return Unfinished("flags",
                      f"{year}年预警缓存未完成：规则 {names} 未能算完（{why}）；数据已导入，预警页将现场计算，会较慢",
                      f"the {year} flag cache did not finish: rule {names.replace('、', ', ')} did not complete "
                      f"({why}); the data was loaded and the warnings page computes flags live, more slowly")
