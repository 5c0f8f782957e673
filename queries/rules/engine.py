"""Running the rules: the as-of context, one rule's flags, every rule's flags.

Apart from ``base`` (what a rule is) so that the registry and the domain modules never
import what runs them, and the summaries the loader keeps can be read here without a cycle.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd

from budgetwatch.queries import summary   # the year's last payment date, kept at load
from budgetwatch.queries.rules.base import (FLAG_COLUMNS, SEVERITIES, Context, Rule, RuleError, _null,
                                            bind_params, cents, empty_flags, parse_date, render)
from budgetwatch.queries.rules.registry import RULES
from budgetwatch.queries.store import query

log = logging.getLogger("budgetwatch.rules")

# The engine seam: a rule's statement goes to ``runner(sql, params) -> frame``. DuckDB's is the
# gateway's ``query`` on a connection; Spark's (queries/spark.py) translates the same text and
# runs it over the lake. Rules never know which engine answers.
Runner = Callable[[str, Mapping[str, Any]], pd.DataFrame]
LATEST_PAYMENT = "SELECT max(pay_date) AS d FROM payments WHERE pay_date BETWEEN $year_start AND $year_end"


def duckdb_runner(con: duckdb.DuckDBPyConnection) -> Runner:
    return lambda sql, params: query(con, sql, dict(params), max_rows=None)


def resolve_context(con: duckdb.DuckDBPyConnection | None, year: int,
                    as_of: str | dt.date | None = None, today: dt.date | None = None, *,
                    runner: Runner | None = None) -> Context:
    """The as-of date: the one given (it must lie in the year), else the latest pay_date of
    the year. Audit rules use the same date, or today when the year has no payments."""
    year = int(year)
    if not 1900 <= year <= 2999:
        raise RuleError(f"年度不合理：{year} / not a plausible year: {year}")
    if as_of is not None:
        day = parse_date(as_of)
        if day.year != year:
            raise RuleError(f"截止日期 {day} 不在 {year} 年内 / the as-of date {day} is not in {year}")
        return Context(year, day, day, True)
    latest = summary.last_payment(con, year) if con is not None else summary.MISSING
    if latest is summary.MISSING:
        run = runner or duckdb_runner(con)
        latest = run(LATEST_PAYMENT, {"year_start": dt.date(year, 1, 1), "year_end": dt.date(year, 12, 31)})["d"].iloc[0]
    if latest is None or pd.isna(latest):
        return Context(year, None, today or dt.date.today(), False)
    latest = pd.Timestamp(latest).date()
    return Context(year, latest, latest, False)


def run_rule(con: duckdb.DuckDBPyConnection | None, rule: Rule, ctx: Context,
             params: Mapping[str, Any], *, runner: Runner | None = None) -> pd.DataFrame:
    """One rule's flags as a frame with FLAG_COLUMNS (empty when it cannot run)."""
    if rule.scope == "state":      # not from the generation: queries.flags adds them (state_rules), never cached
        return empty_flags()
    if rule.scope == "payments" and ctx.as_of is None:
        log.info("%s: no payments in %s and no as-of date given; not run", rule.id, ctx.year)
        return empty_flags()
    values = {**ctx.values(), **params}
    if rule.sql is not None:
        raw = (runner or duckdb_runner(con))(rule.sql, bind_params(rule.sql, values))
    elif con is None:
        raise RuleError(f"规则 {rule.id} 用 Python 在 DuckDB 上计算，不能在此引擎上运行 / "
                        f"rule {rule.id} computes in Python over DuckDB and cannot run on this engine")
    else:
        raw = rule.compute(con, values)
    as_of = ctx.as_of if rule.scope == "payments" else ctx.audit_as_of if rule.scope == "audit" else None
    if raw.empty:
        return empty_flags()
    base = {**ctx.values(), **params}
    amounts = cents(raw["amount"])
    messages, messages_en = [], []
    for row, amount in zip(raw.to_dict("records"), amounts):
        values = {**base, **row, "amount": amount}     # one row, two sentences: the same numbers
        messages.append(render(rule.message, values))
        messages_en.append(render(rule.message_en, values, "en"))
    out = pd.DataFrame({
        "rule": rule.id,
        "severity": raw["severity"] if "severity" in raw else rule.severity,
        "entity_type": rule.entity_type,
        "entity_key": raw["entity_key"],
        "year": ctx.year,
        "amount": pd.Series(amounts, index=raw.index, dtype="float64"),
        "message": messages,
        "dept_code": raw["dept_code"] if "dept_code" in raw else None,
        "title": rule.title_cn,
        "evidence": raw["evidence"] if "evidence" in raw else "{}",
        "as_of": as_of.isoformat() if as_of else None,
        "message_en": messages_en,
    })
    for column in ("entity_key", "dept_code", "evidence"):
        out[column] = pd.Series([None if _null(v) else str(v) for v in out[column]],
                                index=out.index, dtype="object")
    return out[list(FLAG_COLUMNS)]


def select_rules(rules: Iterable[Rule | str] | None, registry: Sequence[Rule]) -> list[Rule]:
    if rules is None:
        return list(registry)
    by_id = {r.id: r for r in registry}
    chosen = []
    for r in rules:
        if isinstance(r, Rule):
            chosen.append(r)
            continue
        key = str(r).strip().upper()
        if key not in by_id:
            raise RuleError(f"没有这条规则：{r} / no such rule: {r} "
                            f"(known: {', '.join(by_id)})")
        chosen.append(by_id[key])
    return chosen


def params_in_force(rule: Rule, thresholds: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    values = rule.defaults()
    given = (thresholds or {}).get(rule.id, {})
    unknown = set(given) - set(values)
    if unknown:
        raise RuleError(f"规则 {rule.id} 没有参数 {', '.join(sorted(unknown))} / "
                        f"rule {rule.id} has no parameter {', '.join(sorted(unknown))}")
    values.update(given)
    return values


def compute_flags(con: duckdb.DuckDBPyConnection | None, year: int, as_of: str | dt.date | None = None,
                  thresholds: Mapping[str, Mapping[str, Any]] | None = None,
                  rules: Iterable[Rule | str] | None = None, *,
                  timings: dict[str, float] | None = None, runner: Runner | None = None,
                  workers: int = 1) -> pd.DataFrame:
    """Every flag of the year as one frame.

    Columns: rule, severity, entity_type, entity_key, year, amount, message, dept_code, title,
    evidence, as_of, message_en (the message in English). ``thresholds`` maps rule id -> {parameter: value} over the defaults (see
    ``queries.rules.config``); a rule whose ``enabled`` is false is skipped. ``rules``
    restricts to some rules (ids or Rule objects). ``timings``, when given, receives the
    seconds each rule took. Sorted by severity, then rule order, then amount (largest first).
    ``runner`` runs the statements on another engine (``con`` is then None; see queries/spark.py);
    with a runner, ``workers`` > 1 submits that many rules at once (Spark spends most of a small
    rule's time scheduling, which overlaps; one DuckDB connection is never shared by threads).
    """
    chosen = select_rules(rules, RULES)
    ctx = resolve_context(con, year, as_of, runner=runner)
    todo = [(rule, params) for rule in chosen
            if (params := params_in_force(rule, thresholds)).get("enabled", True)]

    def one(item: tuple[Rule, dict[str, Any]]) -> pd.DataFrame:
        rule, params = item
        started = time.perf_counter()
        frame = run_rule(con, rule, ctx, params, runner=runner)
        if timings is not None:
            timings[rule.id] = time.perf_counter() - started
        return frame

    if runner is not None and workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, todo))
    else:
        results = [one(item) for item in todo]
    frames = [f for f in results if not f.empty]
    if not frames:
        return empty_flags()
    flags = pd.concat(frames, ignore_index=True)
    order = {r.id: i for i, r in enumerate(chosen)}
    flags["_sev"] = flags["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    flags["_rule"] = flags["rule"].map(order)
    flags = flags.sort_values(["_sev", "_rule", "amount", "entity_key"],
                              ascending=[True, True, False, True], kind="stable")
    return flags.drop(columns=["_sev", "_rule"]).reset_index(drop=True)
