"""Rules that read ``state.sqlite3`` instead of the data generation (``scope="state"``).

``compute_flags`` leaves them out (its result is cached per generation, and state changes
between loads); ``queries.flags.flag_set`` adds them through ``with_state_flags`` on every
call, so the warnings page, ``budgetwatch flags`` and the briefing show them like any rule.
An account limited to departments sees only the rows of its units.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from budgetwatch.queries import state
from budgetwatch.queries.rules.base import FLAG_COLUMNS, SEVERITIES, Rule, cents, empty_flags, render
from budgetwatch.queries.rules.engine import params_in_force, select_rules
from budgetwatch.queries.store import Store, current_scope, query


def state_flags(store: Store, year: int, thresholds, rules: Sequence[Rule | str] | None = None, *,
                today: dt.date | None = None) -> pd.DataFrame:
    """The flags of the state rules among ``rules`` (all when None), at ``today``.

    Every page's header asks for them; they change only when the state file does (an inquiry
    sent, answered), the day turns or the thresholds change, so they are kept in the page
    cache under exactly that (``state.stamp``) — within the generation and the reader's scope."""
    from budgetwatch.queries import page_cache
    from budgetwatch.queries.rules.registry import RULES

    today = today or dt.date.today()
    chosen = [r for r in select_rules(rules, RULES) if r.scope == "state"]
    if not chosen:
        return empty_flags()
    values_in_force = thresholds.values if hasattr(thresholds, "values") else (thresholds or {})
    in_force = [(r, params_in_force(r, values_in_force)) for r in chosen]
    if store.current_path() is None:
        return _state_flags(store, None, year, in_force, today)
    key = (int(year), today.isoformat(), repr([(r.id, sorted(p.items())) for r, p in in_force]),
           state.stamp(store.data_dir))
    return page_cache.cached(store, "flags.state", key, lambda con: _state_flags(store, con, year, in_force, today))


def _state_flags(store: Store, con, year: int, in_force: list, today: dt.date) -> pd.DataFrame:
    frames = []
    for rule, params in in_force:
        if not params.get("enabled", True):
            continue
        values = {"year": int(year), "today": today, **params}
        raw = rule.compute(store.data_dir, values)
        if raw.empty:
            continue
        frames.append(pd.DataFrame({
            "rule": rule.id,
            "severity": raw["severity"] if "severity" in raw else rule.severity,
            "entity_type": rule.entity_type,
            "entity_key": raw["entity_key"].astype(str),
            "year": int(year),
            "amount": pd.Series(amounts := cents(raw["amount"]), index=raw.index, dtype="float64"),
            "message": [render(rule.message, {**values, **r, "amount": a})
                        for r, a in zip(raw.to_dict("records"), amounts)],
            "message_en": [render(rule.message_en, {**values, **r, "amount": a}, "en")
                           for r, a in zip(raw.to_dict("records"), amounts)],
            "dept_code": raw["dept_code"].astype(object),
            "title": rule.title_cn,
            "evidence": raw["evidence"].astype(object),
            "as_of": today.isoformat(),
        })[list(FLAG_COLUMNS)])
    if not frames:
        return empty_flags()
    out = pd.concat(frames, ignore_index=True)
    if current_scope() and con is not None:     # the scoped reader's departments: the account's units
        units = set(query(con, "SELECT dept_code FROM departments", max_rows=None)["dept_code"].astype(str))
        out = out[out["dept_code"].isin(units | set(current_scope()))]
    return out.reset_index(drop=True)


def with_state_flags(flags: pd.DataFrame, store: Store, year: int, thresholds,
                     rule_ids: Sequence[str] | None = None, *, today: dt.date | None = None) -> pd.DataFrame:
    """``flags`` (from the generation) with the state rules' flags added, in compute_flags' order."""
    from budgetwatch.queries.rules.registry import RULES

    extra = state_flags(store, year, thresholds, rule_ids, today=today)
    if extra.empty:
        return flags
    both = pd.concat([flags, extra], ignore_index=True) if not flags.empty else extra
    order = {r.id: i for i, r in enumerate(RULES)}
    sev = both["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    both = both.assign(_sev=sev, _rule=both["rule"].map(order)).sort_values(
        ["_sev", "_rule", "amount", "entity_key"], ascending=[True, True, False, True], kind="stable")
    return both.drop(columns=["_sev", "_rule"]).reset_index(drop=True)
