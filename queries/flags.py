"""Warning flags with their reviews for a year, and the evidence behind one flag.

``flags_with_reviews`` is what ``budgetwatch flags`` prints and what the warnings page lists:
the rules run with ``compute_flags`` over the live generation (thresholds in force from
``queries.rules.config``), joined with the latest review of each flag from state.sqlite3
(reviewed flags that no longer fire come back as ``resolved``).

Computing the flags is the slow part (every rule scans the year's payments). The result of
``compute_flags`` depends only on the data generation, the year, the as-of date and the
thresholds, so it is kept in the shared page cache (``page_cache.py``) under exactly that key
and the reader's scope: a new load publishes a new generation and so misses the cache; reviews are never cached (they are read
from SQLite each time).

``evidence(con, flag)`` turns a flag's ``evidence`` JSON (the filter that reproduces it) into
frames a page can show: the vouchers, a monthly series, a budget line against its payments,
an enterprise's years, audit findings, an asset line, a first-digit distribution.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from budgetwatch.queries import page_cache
from budgetwatch.queries import reviews as rv
from budgetwatch.queries import summary
from budgetwatch.queries.rules import RULES, compute_flags, state_rules
from budgetwatch.queries.rules.base import BUDGET_MATCH
from budgetwatch.queries.units import TOPS, UNITS_OF_DEPT
from budgetwatch.queries.rules.engine import select_rules
from budgetwatch.queries.rules.config import Thresholds, load_thresholds
from budgetwatch.queries.store import current_scope, Store, query

EVIDENCE_MAX_ROWS = 2_000


@dataclass
class FlagSet:
    """Flags of a year with reviews, and how they were made."""
    frame: pd.DataFrame
    thresholds: Thresholds
    seconds: float = 0.0          # time spent computing (0 when served from the cache)
    cached: bool = False


def _params(year: int, as_of: str | None, thresholds: Thresholds, rule_ids: Sequence[str]) -> tuple:
    """What a flag set depends on besides the generation and the scope (``page_cache`` adds those)."""
    return (int(year), as_of or "", json.dumps(thresholds.values, sort_keys=True, default=str), tuple(rule_ids))


def computed_flags(store: Store, year: int, as_of: str | dt.date | None = None, *,
                   thresholds: Thresholds, rule_ids: Sequence[str] | None = None) -> tuple[pd.DataFrame, float, bool]:
    """``compute_flags`` over the live generation, kept in the shared page cache
    (``page_cache``: per generation, scope, year, as-of, thresholds and rules; members asking
    for the same flags at once wait for one computation instead of each running every rule).

    Returns (flags, seconds, from_cache)."""
    chosen = [r.id for r in select_rules(rule_ids, RULES)]
    as_of_text = as_of.isoformat() if isinstance(as_of, dt.date) else as_of
    spent: list[float] = []

    def compute(con) -> pd.DataFrame:
        started = time.perf_counter()
        flags = summary.cached_flags(con, year, as_of_text, thresholds.values, chosen)   # made at load
        if flags is None:
            flags = compute_flags(con, year, as_of=as_of_text, thresholds=thresholds.values, rules=chosen)
        spent.append(time.perf_counter() - started)
        return flags

    flags = page_cache.cached(store, "flags", _params(year, as_of_text, thresholds, chosen), compute)
    return flags, (spent[0] if spent else 0.0), not spent


VOUCHER_RULES = ("NO_BUDGET", "DUPLICATE_PAYMENT", "SPLIT_PAYMENT", "AMOUNT_OUTLIER")
_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


def voucher_flags(store: Store, year: int, as_of: str | dt.date | None) -> dict[str, dict]:
    """(Read only: the dict is shared.) Voucher number → its most severe active voucher-keyed flag (``rule``, ``key``,
    ``severity``, ``flag`` = ``RULE|KEY``) for a year and as-of date.

    Taken from the flag set of that view (the in-process cache or the one made at load) when
    there is one, else from the four voucher rules run once; kept per generation, so a grid
    asks it for every block without recomputing anything."""
    thresholds = load_thresholds(store.data_dir)
    as_of_text = as_of.isoformat() if isinstance(as_of, dt.date) else as_of
    try:
        return page_cache.cached(store, "voucher_flags", _params(year, as_of_text, thresholds, ()),
                                 lambda con: _voucher_flags(store, con, year, as_of_text, thresholds),
                                 copy=False)     # read only, by every grid block: shared, not copied
    except summary.FlagsUpdating:   # not kept: no markers while the flags are recomputed
        return {}


def _voucher_flags(store: Store, con, year: int, as_of_text: str | None, thresholds: Thresholds) -> dict[str, dict]:
    every = [r.id for r in select_rules(None, RULES)]
    full = summary.cached_flags(con, year, as_of_text, thresholds.values, every)
    if full is None:
        full = computed_flags(store, year, as_of_text, thresholds=thresholds, rule_ids=list(VOUCHER_RULES))[0]
    out: dict[str, dict] = {}
    part = full[full["rule"].isin(VOUCHER_RULES)]
    for rule, entity, sev, ev in zip(part["rule"], part["entity_key"], part["severity"], part["evidence"]):
        vouchers = parse_evidence(ev).get("vouchers") or [entity]
        for v in vouchers:
            v = str(v)
            was = out.get(v)
            if was is None or _SEVERITY_RANK.get(sev, 9) < _SEVERITY_RANK.get(was["severity"], 9):
                out[v] = {"rule": rule, "key": str(entity), "severity": sev, "flag": f"{rule}|{entity}"}
    return out


def clear_cache() -> None:
    page_cache.clear()


def flag_set(store: Store, year: int, as_of: str | dt.date | None = None, config: str | None = None,
             rule_ids: Sequence[str] | None = None) -> FlagSet:
    """Flags of ``year`` (active and resolved) with their latest review."""
    thresholds = load_thresholds(store.data_dir, config)
    chosen = select_rules(rule_ids, RULES)
    flags, seconds, cached = computed_flags(store, year, as_of, thresholds=thresholds,
                                            rule_ids=[r.id for r in chosen])
    flags = state_rules.with_state_flags(flags, store, year, thresholds, [r.id for r in chosen])  # INQUIRY_OVERDUE
    ran = [r.id for r in chosen if thresholds.enabled(r.id)]
    frame = rv.attach_reviews(flags, rv.latest_reviews(store.data_dir, year), year=year, rules=ran,
                              units=visible_units(store))
    return FlagSet(frame, thresholds, seconds, cached)


def active_high(store: Store, year: int, *, wait: bool = True) -> pd.DataFrame | None:
    """The red (high) flags firing now in ``year`` at its default as-of date, every rule with
    the thresholds in force — what the header's notice compares between visits.

    Asked on every page a member opens, so it never copies the year's whole flag set: the
    generation's red flags are kept (small) in the page cache, and only the state rules'
    (inquiries overdue, from state.sqlite3) are added per request. Reviews do not change
    whether a flag fires, so they are not read.

    ``wait=False``: None at once when the generation's red flags are not kept yet (for an
    account limited to departments every rule runs over its units: seconds at 10M payments),
    having started computing them in the background."""
    thresholds = load_thresholds(store.data_dir)
    chosen = [r.id for r in select_rules(None, RULES)]

    def compute(con) -> pd.DataFrame:
        flags = computed_flags(store, year, None, thresholds=thresholds, rule_ids=chosen)[0]
        return flags[flags["severity"] == "high"].reset_index(drop=True)

    params = _params(year, None, thresholds, chosen)
    if wait:
        red = page_cache.cached(store, "flags.high", params, compute)
    else:
        red = page_cache.ready_or_start(store, "flags.high", params, compute)
        if red is None:
            return None
    red = state_rules.with_state_flags(red, store, year, thresholds, chosen)
    red = red[red["severity"] == "high"].reset_index(drop=True)
    return red.assign(state="active")


def visible_units(store: Store) -> frozenset[str] | None:
    """The units an account limited to departments may see (its departments and every unit
    under them); None for an account that sees everything.

    Read through a scoped reader, so it is exactly what the scope filter of queries/store.py
    lets through — used for what lives outside the data database (reviews)."""
    scope = current_scope()
    if not scope:
        return None
    with store.reader() as con:
        codes = query(con, "SELECT DISTINCT dept_code FROM departments", max_rows=None)["dept_code"]
    return frozenset(str(c) for c in codes if isinstance(c, str)) | frozenset(scope)


def find(fs: FlagSet, rule: str, key: str) -> dict | None:
    """The flag ``rule``/``key`` of a flag set (active or resolved) as a dict, or None."""
    frame = fs.frame
    hit = frame[(frame["rule"] == rule) & (frame["entity_key"] == key)]
    return hit.iloc[0].to_dict() if not hit.empty else None


def review_flag(store: Store, rule: str, entity_key: str, year: int, as_of: str | dt.date | None,
                status: str, note: str, reviewer: str) -> dict[str, Any]:
    """Record a review of a flag the reviewer can see, and return it as stored.

    The flag must be in the reviewer's flag set for ``year``/``as_of`` (active, or resolved:
    reviewed before and no longer firing): a made-up key or a flag of a department outside
    the account's scope is refused — with the same sentence, so a refusal does not tell
    whether another department has such a flag. (The CLI refuses phantoms the same way,
    unless an operator forces it.)"""
    fs = flag_set(store, int(year), as_of)
    row = find(fs, rule, entity_key)
    if row is None:
        raise rv.ReviewError(
            f"{int(year)}年没有可复核的预警 {rule}|{entity_key}（或不在您可查看的部门） / there is no flag "
            f"{rule}|{entity_key} in {int(year)} among the departments you may see")
    if row.get("state") == "resolved":
        row = None  # keep what the flag said when it last fired
    return rv.add_review(store.data_dir, rule, entity_key, int(year), status, note, reviewer, flag=row)


def flag_history(store: Store, rule: str, entity_key: str, year: int, as_of: str | dt.date | None = None,
                 fs: FlagSet | None = None) -> pd.DataFrame:
    """The reviews of one flag, for an account allowed to see it.

    An account limited to departments gets the history only of a flag in its own flag set
    (``fs``, else computed for ``year``/``as_of``: scoped, resolved rows limited to its
    units): a forged flag id of another department answers with no rows, as if it had never
    been reviewed."""
    history = review_history(store, rule, entity_key, year)
    if current_scope() and not history.empty:
        fs = fs if fs is not None else flag_set(store, int(year), as_of)
        if find(fs, rule, entity_key) is None:
            return history.iloc[0:0]
    return history


def flags_with_reviews(store: Store, year: int, as_of: str | None = None, config: str | None = None,
                       rule_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """What ``budgetwatch flags`` prints, as a frame."""
    return flag_set(store, year, as_of, config, rule_ids).frame


# -- what the page needs around the flags --------------------------------------------------
def flag_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years any rule can look at (budget, payments, assets, audit), newest first."""
    main = summary.years(con)
    years = "SELECT year FROM year_summary" if main is not None else \
        "SELECT year FROM budget UNION SELECT CAST(year(pay_date) AS INTEGER) FROM payments"
    frame = query(con, f"""
        {years}
        UNION SELECT year FROM assets_enterprise
        UNION SELECT year FROM assets_admin
        UNION SELECT audit_year FROM audit_findings
        UNION SELECT year FROM suggestions
        ORDER BY 1 DESC""")
    return [int(y) for y in frame["year"] if y is not None and not pd.isna(y)]


def unit_ancestors(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Per unit, itself and every unit above it; and every unit's name."""
    frame = query(con, f"WITH RECURSIVE {TOPS} SELECT dept_code, top_code FROM walk", max_rows=None)
    ancestors: dict[str, set[str]] = {}
    for code, top in zip(frame["dept_code"], frame["top_code"]):
        ancestors.setdefault(code, {code}).add(top)
    names = query(con, "SELECT dept_code, any_value(dept_name) AS name FROM departments GROUP BY 1",
                  max_rows=None)
    return ancestors, dict(zip(names["dept_code"], names["name"]))


def review_history(store: Store, rule: str, entity_key: str, year: int) -> pd.DataFrame:
    from budgetwatch.queries import state
    if not state.path_for(store.data_dir).exists():
        return pd.DataFrame(columns=["review_id", "status", "note", "reviewer", "reviewed_at"])
    return rv.review_history(store.data_dir, rule=rule, entity_key=entity_key, year=int(year))


# -- evidence ------------------------------------------------------------------------------
@dataclass
class Evidence:
    """What backs one flag. ``kind`` says how to show it:

    ``vouchers`` (payments table), ``monthly`` (spending by month), ``budget_line`` (budget
    against spent, and the payments charged to the line), ``enterprise`` (its years),
    ``findings``, ``assets`` (the unit's asset lines), ``first_digit`` (observed against
    Benford), ``sangong`` (三公 spending by code, this year against last), ``none``."""
    kind: str
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    vouchers: list[str] = field(default_factory=list)   # payments to link to
    extra: dict[str, Any] = field(default_factory=dict)


def parse_evidence(text: Any) -> dict[str, Any]:
    return rv.evidence_of({"evidence": text})


def _date(value: Any, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else default
    except ValueError:
        return default


_PAYMENT_COLUMNS = """voucher_no, pay_date, p.dept_code, coalesce(d.dept_name, p.dept_code) AS dept_name,
       payee, CAST(amount AS DOUBLE) AS amount, func_code, econ_code, fund_type, purpose"""
_NAMES = "LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1) d USING (dept_code)"


def payments_by_vouchers(con: duckdb.DuckDBPyConnection, vouchers: Sequence[str]) -> pd.DataFrame:
    """The payments with these voucher numbers, by date then voucher."""
    if not vouchers:
        return pd.DataFrame()
    return query(con, f"""
        SELECT {_PAYMENT_COLUMNS} FROM payments p {_NAMES}
        WHERE list_contains(?, voucher_no) ORDER BY pay_date, voucher_no""",
                 [list(map(str, vouchers))], max_rows=EVIDENCE_MAX_ROWS)


def monthly_spending(con: duckdb.DuckDBPyConnection, dept_code: str, year: int, as_of: dt.date,
                     rollup: bool = False) -> pd.DataFrame:
    """Net spending per month 1..12 of a unit (or a department with its units), to the as-of date."""
    units = UNITS_OF_DEPT if rollup else "(SELECT $dept)"
    frame = query(con, f"""
        WITH m AS (SELECT range AS month FROM range(1, 13)),
        s AS (SELECT month(pay_date) AS month, sum(amount) AS spent, count(*) AS n FROM payments
              WHERE dept_code IN {units} AND pay_date BETWEEN $start AND $as_of GROUP BY 1)
        SELECT m.month, CAST(coalesce(s.spent, 0) AS DOUBLE) AS spent, coalesce(s.n, 0) AS n
        FROM m LEFT JOIN s USING (month) ORDER BY m.month""",
                  {"dept": dept_code, "start": dt.date(year, 1, 1), "as_of": as_of})
    return frame


def budget_line(con: duckdb.DuckDBPyConnection, line: Mapping[str, str], year: int,
                as_of: dt.date) -> tuple[float, pd.DataFrame]:
    """A line's adjusted budget and the payments charged to it (as OVER_BUDGET charges them)."""
    params = {"year": year, "year_start": dt.date(year, 1, 1), "as_of": as_of,
              "dept": line.get("dept_code"), "func": line.get("func_code"),
              "econ": line.get("econ_code"), "fund": line.get("fund_type")}
    budget = query(con, """SELECT CAST(coalesce(sum(adjusted_amount), 0) AS DOUBLE) AS b FROM budget
                           WHERE year = $year AND dept_code = $dept AND func_code = $func
                             AND econ_code = $econ AND fund_type = $fund""",
                   {k: params[k] for k in ("year", "dept", "func", "econ", "fund")})["b"].iloc[0]
    pays = query(con, f"""
        WITH {BUDGET_MATCH}
        SELECT {_PAYMENT_COLUMNS}
        FROM payments p JOIN matched m USING (dept_code, func_code, econ_code, fund_type) {_NAMES}
        WHERE m.dept_code = $dept AND m.fund_type = $fund AND m.line_func = $func AND m.line_econ = $econ
          AND p.pay_date BETWEEN $year_start AND $as_of
        ORDER BY pay_date, voucher_no""", params, max_rows=EVIDENCE_MAX_ROWS)
    return float(budget), pays


def enterprise_years(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame:
    return query(con, """
        SELECT year, enterprise_name, CAST(total_assets AS DOUBLE) AS total_assets,
               CAST(total_liabilities AS DOUBLE) AS total_liabilities,
               CAST(owner_equity AS DOUBLE) AS owner_equity, CAST(revenue AS DOUBLE) AS revenue,
               CAST(profit AS DOUBLE) AS profit,
               CAST(total_liabilities AS DOUBLE) / nullif(CAST(total_assets AS DOUBLE), 0) AS debt_ratio
        FROM assets_enterprise WHERE enterprise_code = ? ORDER BY year""", [code])


def findings(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> pd.DataFrame:
    return query(con, f"""
        SELECT finding_id, audit_year, audit_project, f.dept_code,
               coalesce(d.dept_name, f.dept_code) AS dept_name, category, description,
               CAST(amount_involved AS DOUBLE) AS amount_involved, deadline, status,
               CAST(amount_rectified AS DOUBLE) AS amount_rectified, rectified_date
        FROM audit_findings f {_NAMES.replace('USING (dept_code)', 'ON d.dept_code = f.dept_code')}
        WHERE list_contains(?, finding_id) ORDER BY audit_year, finding_id""", [list(map(str, ids))])


def asset_lines(con: duckdb.DuckDBPyConnection, dept_code: str, year: int) -> pd.DataFrame:
    return query(con, """
        SELECT asset_category, CAST(quantity AS DOUBLE) AS quantity, CAST(book_value AS DOUBLE) AS book_value,
               CAST(idle_value AS DOUBLE) AS idle_value,
               CAST(idle_value AS DOUBLE) / nullif(CAST(book_value AS DOUBLE), 0) AS idle_share
        FROM assets_admin WHERE dept_code = ? AND year = ? ORDER BY book_value DESC""", [dept_code, year])


def first_digits(con: duckdb.DuckDBPyConnection, dept_code: str, year: int, as_of: dt.date) -> pd.DataFrame:
    """Observed share of each first digit 1..9 of a unit's positive payments, and Benford's."""
    frame = query(con, """
        WITH d AS (SELECT CAST(left(regexp_replace(CAST(amount AS VARCHAR), '^[0.]*', ''), 1) AS INTEGER) AS digit
                   FROM payments WHERE dept_code = ? AND amount > 0 AND pay_date BETWEEN ? AND ?),
        g AS (SELECT range AS digit FROM range(1, 10))
        SELECT g.digit, count(d.digit) AS n FROM g LEFT JOIN d USING (digit) GROUP BY g.digit ORDER BY g.digit""",
                  [dept_code, dt.date(year, 1, 1), as_of])
    total = frame["n"].sum()
    frame["observed"] = frame["n"] / total if total else 0.0
    frame["expected"] = [math.log10(1 + 1 / d) for d in frame["digit"]]
    return frame


def sangong(con: duckdb.DuckDBPyConnection, ev: Mapping[str, Any], year: int, as_of: dt.date) -> pd.DataFrame:
    """三公 spending by economic code: this year to the as-of date against the same period before."""
    prev_from = _date(ev.get("compare_from"), dt.date(year - 1, 1, 1))
    prev_to = _date(ev.get("compare_to"), as_of.replace(year=year - 1, day=min(as_of.day, 28)))
    return query(con, """
        SELECT left(econ_code, 5) AS econ_code,
               CAST(coalesce(sum(amount) FILTER (WHERE pay_date >= $start), 0) AS DOUBLE) AS current,
               CAST(coalesce(sum(amount) FILTER (WHERE pay_date <= $prev_to), 0) AS DOUBLE) AS previous
        FROM payments
        WHERE dept_code = $dept AND list_contains($codes, left(econ_code, 5))
          AND ((pay_date BETWEEN $start AND $as_of) OR (pay_date BETWEEN $prev_from AND $prev_to))
        GROUP BY 1 ORDER BY 1""",
                 {"dept": ev.get("dept_code"), "codes": [str(c) for c in ev.get("econ_codes", [])],
                  "start": dt.date(year, 1, 1), "as_of": as_of, "prev_from": prev_from, "prev_to": prev_to})


def evidence(con: duckdb.DuckDBPyConnection, flag: Mapping[str, Any]) -> Evidence:
    """The evidence of one flag row (from ``flags_with_reviews``), by the shape of its JSON."""
    ev = parse_evidence(flag.get("evidence"))
    year = int(ev.get("year") or flag.get("year"))
    as_of = _date(ev.get("as_of") or flag.get("as_of"), dt.date(year, 12, 31))
    if ev.get("vouchers"):
        vouchers = [str(v) for v in ev["vouchers"]]
        return Evidence("vouchers", payments_by_vouchers(con, vouchers), vouchers, {"econ_code": ev.get("econ_code")})
    if ev.get("series") == "monthly" and ev.get("dept_code"):
        frame = monthly_spending(con, ev["dept_code"], year, as_of, rollup=bool(ev.get("rollup")))
        return Evidence("monthly", frame, extra={"dept_code": ev["dept_code"], "year": year,
                                                 "as_of": as_of, "rollup": bool(ev.get("rollup"))})
    if ev.get("series") == "first_digit" and ev.get("dept_code"):
        return Evidence("first_digit", first_digits(con, ev["dept_code"], year, as_of),
                        extra={"dept_code": ev["dept_code"], "year": year})
    if isinstance(ev.get("line"), Mapping):
        budget, pays = budget_line(con, ev["line"], year, as_of)
        return Evidence("budget_line", pays, list(pays["voucher_no"]) if not pays.empty else [],
                        {"budget": budget, "spent": float(pays["amount"].sum()) if not pays.empty else 0.0,
                         "line": dict(ev["line"]), "as_of": as_of, "year": year})
    if ev.get("enterprise_code"):
        return Evidence("enterprise", enterprise_years(con, ev["enterprise_code"]),
                        extra={"years": ev.get("years") or [ev.get("year")]})
    if ev.get("suggestion_no") or ev.get("suggestion_nos"):
        from budgetwatch.queries import suggestions as qs
        nos = [str(n) for n in (ev.get("suggestion_nos") or [ev["suggestion_no"]])]
        unit = ev.get("dept_code") if ev.get("suggestion_nos") else None   # a unit's flag: its own rows
        frame = qs.rows_of(con, nos, as_of, dept_code=unit).rename(columns={"deadline": "deadline_date"})
        return Evidence("suggestions", frame, extra={"suggestions": nos, "year": year})
    if ev.get("finding_id") or ev.get("finding_ids"):
        ids = ev.get("finding_ids") or [ev["finding_id"]]
        return Evidence("findings", findings(con, ids))
    if ev.get("asset_category") and ev.get("dept_code"):
        return Evidence("assets", asset_lines(con, ev["dept_code"], year),
                        extra={"asset_category": ev["asset_category"]})
    if ev.get("econ_codes") and ev.get("dept_code"):
        return Evidence("sangong", sangong(con, ev, year, as_of),
                        extra={"compare_from": ev.get("compare_from"), "compare_to": ev.get("compare_to")})
    return Evidence("none")
