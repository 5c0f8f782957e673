"""The Department (部门) page's questions: one department and every unit under it.

"The page a member opens before questioning a department head": its budget lines, execution
against the time schedule, spending month by month against last year, 三公经费 against the
same period last year, its warning flags, its audit findings and its assets.

A department is any budget unit code, normally a top-level one; its *units* are the code itself
and every unit under it through the parent chain (at most 32 levels deep, which also stops a
malformed cycle). A code missing from the departments feed stands for itself. Every query
filters payments by date and by the units first, then aggregates in DuckDB; amounts leave as
DOUBLE yuan. Audit findings and assets come from ``queries.audit`` and ``queries.assets``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd

from budgetwatch.queries.rules import compute_flags
from budgetwatch.queries.rules.base import BUDGET_MATCH, Context
from budgetwatch.queries.monthly import monthly_cumulative as cumulative
from budgetwatch.queries.store import query
from budgetwatch.queries.units import UNITS_OF_DEPT
from budgetwatch.queries.units import below as units_below

# The three public expenses (三公经费), as the SANGONG_GROWTH rule reads them by default.
SANGONG_CODES = ("30212", "30217", "30231", "31013")

# The department's units: the code itself (depth 0) and every unit under it.
_UNITS_CTE = units_below()


def prev_as_of(as_of: dt.date) -> dt.date:
    """The same day a year earlier (29 February → 28 February), as the rules compare."""
    return Context(as_of.year, as_of, as_of, True).values()["prev_as_of"]


def department_units(con: duckdb.DuckDBPyConnection, dept: str) -> pd.DataFrame:
    """The department and its units: dept_code, dept_name, parent_code, depth (0 = itself).

    Empty when the code is neither in the departments feed nor in budget or payments.
    """
    frame = query(con, f"""
        WITH RECURSIVE {_UNITS_CTE},
        u AS (SELECT dept_code, min(depth) AS depth FROM units GROUP BY 1)
        SELECT u.dept_code, coalesce(d.dept_name, u.dept_code) AS dept_name,
               nullif(trim(d.parent_code), '') AS parent_code, CAST(u.depth AS INTEGER) AS depth,
               d.dept_code IS NOT NULL OR EXISTS (SELECT 1 FROM budget b WHERE b.dept_code = u.dept_code) AS known
        FROM u LEFT JOIN departments d USING (dept_code)
        ORDER BY u.depth, u.dept_code""", {"dept": dept})
    unknown = [c for c, k in zip(frame["dept_code"], frame["known"]) if not k]
    if unknown:   # only codes found nowhere else are looked for among the payments (a full scan)
        paid = set(query(con, "SELECT DISTINCT dept_code FROM payments WHERE list_contains(?, dept_code)",
                         [unknown])["dept_code"])
        frame = frame[frame["known"] | frame["dept_code"].isin(paid)]
    return frame.drop(columns=["known"]).reset_index(drop=True)


def unit_execution(con: duckdb.DuckDBPyConnection, dept: str, year: int, as_of: dt.date) -> pd.DataFrame:
    """Per unit of the department (itself included): budget and payments up to ``as_of``.

    Columns: dept_code, dept_name, depth, original, adjusted, spent (yuan), rate (spent ÷
    adjusted; NaN without adjusted budget). Units with neither budget nor payments in the year
    are left out. Ordered by depth, then code.
    """
    return query(con, f"""
        WITH RECURSIVE {_UNITS_CTE},
        u AS (SELECT dept_code, min(depth) AS depth FROM units GROUP BY 1),
        b AS (
            SELECT dept_code, sum(original_amount) AS original, sum(adjusted_amount) AS adjusted
            FROM budget WHERE year = $year AND dept_code IN (SELECT dept_code FROM u)
            GROUP BY 1),
        s AS (
            SELECT dept_code, sum(amount) AS spent
            FROM payments
            WHERE pay_date BETWEEN make_date($year, 1, 1) AND $as_of
              AND dept_code IN (SELECT dept_code FROM u)
            GROUP BY 1)
        SELECT dept_code, coalesce(d.dept_name, dept_code) AS dept_name, CAST(u.depth AS INTEGER) AS depth,
               CAST(coalesce(b.original, 0) AS DOUBLE) AS original,
               CAST(coalesce(b.adjusted, 0) AS DOUBLE) AS adjusted,
               CAST(coalesce(s.spent, 0) AS DOUBLE) AS spent,
               CASE WHEN b.adjusted > 0
                    THEN CAST(coalesce(s.spent, 0) AS DOUBLE) / CAST(b.adjusted AS DOUBLE) END AS rate
        FROM b FULL JOIN s USING (dept_code)
        JOIN u USING (dept_code)
        LEFT JOIN departments d USING (dept_code)
        ORDER BY u.depth, dept_code""", {"dept": dept, "year": year, "as_of": as_of})


def unit_prior(con: duckdb.DuckDBPyConnection, dept: str, year: int, as_of: dt.date) -> pd.DataFrame:
    """Per unit of the department: what it spent in the same period of the year before (1 January
    to the same day a year earlier, ``prev_as_of``), as the execution page's 上年同期 counts it.
    Columns: dept_code, dept_name, depth, prior (yuan); units that paid nothing are left out."""
    return query(con, f"""
        WITH RECURSIVE {_UNITS_CTE},
        u AS (SELECT dept_code, min(depth) AS depth FROM units GROUP BY 1),
        s AS (
            SELECT dept_code, sum(amount) AS prior
            FROM payments
            WHERE pay_date BETWEEN make_date($year - 1, 1, 1) AND $day
              AND dept_code IN (SELECT dept_code FROM u)
            GROUP BY 1)
        SELECT dept_code, coalesce(d.dept_name, dept_code) AS dept_name, CAST(u.depth AS INTEGER) AS depth,
               CAST(s.prior AS DOUBLE) AS prior
        FROM s JOIN u USING (dept_code)
        LEFT JOIN departments d USING (dept_code)
        ORDER BY u.depth, dept_code""", {"dept": dept, "year": int(year), "day": prev_as_of(as_of)})


def with_prior(execution: pd.DataFrame, prior: pd.DataFrame, held: bool) -> pd.DataFrame:
    """``unit_execution`` with prior, change (spent − prior) and growth (change ÷ prior; NaN
    without a prior amount), as ``queries.compare.with_prior`` adds them to the execution table.
    Units that spent only in the year before are added with zeros this year; without data for
    the year before the three are NaN everywhere (the page says 无上年数据, never 0.00)."""
    out = execution.copy()
    if not held:
        out["prior"] = out["change"] = out["growth"] = float("nan")
        return out
    extra = prior[~prior["dept_code"].isin(set(out["dept_code"]))]
    if len(extra):
        added = extra[["dept_code", "dept_name", "depth"]].assign(original=0.0, adjusted=0.0, spent=0.0,
                                                                 rate=float("nan"))
        out = (pd.concat([out, added[out.columns]], ignore_index=True)
               .sort_values(["depth", "dept_code"], kind="stable").reset_index(drop=True))
    out = out.merge(prior[["dept_code", "prior"]], on="dept_code", how="left")
    out["prior"] = out["prior"].fillna(0.0)
    out["change"] = out["spent"] - out["prior"]
    out["growth"] = out["change"] / out["prior"].where(out["prior"] > 0)
    return out


def totals(units: pd.DataFrame) -> dict[str, float | None]:
    """The department's own totals from ``unit_execution``: original, adjusted, spent, rate."""
    original, adjusted, spent = (float(units[c].sum()) if len(units) else 0.0
                                 for c in ("original", "adjusted", "spent"))
    return {"original": original, "adjusted": adjusted, "spent": spent,
            "rate": spent / adjusted if adjusted > 0 else None}


def budget_lines(con: duckdb.DuckDBPyConnection, dept: str, year: int, as_of: dt.date,
                 paid: tuple[dt.date, dt.date] | None = None) -> pd.DataFrame:
    """The department's budget lines with what was paid against each up to ``as_of``
    (``paid``: another span of payments charged to the year's lines, as ``lines_prior`` asks).

    Payments are charged to lines exactly as the OVER_BUDGET rule charges them (the rules'
    ``BUDGET_MATCH``: the most specific line of the same unit and fund type whose codes are
    the payment's or a higher level of them), here over the department's units only. Payments
    that match no line appear as rows with no budget (line = false).

    Columns: dept_code, dept_name, func_code, econ_code, fund_type, original, adjusted, spent,
    rate, line (bool). Ordered by unit, function, economic code.
    """
    return query(con, f"""
        WITH RECURSIVE {_UNITS_CTE},
        u AS (SELECT DISTINCT dept_code FROM units),
        payments AS (
            SELECT * FROM main.payments
            WHERE pay_date BETWEEN $year_start AND $as_of AND dept_code IN (SELECT dept_code FROM u)),
        budget AS (
            SELECT * FROM main.budget WHERE year = $year AND dept_code IN (SELECT dept_code FROM u)),
        {BUDGET_MATCH},
        charged AS (
            SELECT m.dept_code, m.line_func AS func_code, m.line_econ AS econ_code, m.fund_type,
                   sum(c.spent) AS spent
            FROM matched m JOIN combos c USING (dept_code, func_code, econ_code, fund_type)
            GROUP BY ALL),
        orphan AS (
            SELECT c.dept_code, c.func_code, c.econ_code, c.fund_type, c.spent
            FROM combos c ANTI JOIN matched m USING (dept_code, func_code, econ_code, fund_type)),
        orig AS (
            SELECT dept_code, func_code, econ_code, fund_type, sum(original_amount) AS original
            FROM budget GROUP BY ALL),
        rows AS (
            SELECT l.dept_code, l.func_code, l.econ_code, l.fund_type, o.original, l.budget AS adjusted,
                   coalesce(ch.spent, 0) AS spent, true AS line
            FROM lines l
            LEFT JOIN orig o USING (dept_code, func_code, econ_code, fund_type)
            LEFT JOIN charged ch USING (dept_code, func_code, econ_code, fund_type)
            UNION ALL
            SELECT dept_code, func_code, econ_code, fund_type, 0, 0, spent, false FROM orphan)
        SELECT r.dept_code, coalesce(d.dept_name, r.dept_code) AS dept_name, r.func_code, r.econ_code,
               r.fund_type, CAST(r.original AS DOUBLE) AS original, CAST(r.adjusted AS DOUBLE) AS adjusted,
               CAST(r.spent AS DOUBLE) AS spent,
               CASE WHEN r.adjusted > 0 THEN CAST(r.spent AS DOUBLE) / CAST(r.adjusted AS DOUBLE) END AS rate,
               r.line
        FROM rows r LEFT JOIN departments d USING (dept_code)
        ORDER BY r.dept_code, r.func_code, r.econ_code, r.fund_type""",
        {"dept": dept, "year": year, "year_start": paid[0] if paid else dt.date(year, 1, 1),
         "as_of": paid[1] if paid else as_of})


LINE_KEY = ["dept_code", "func_code", "econ_code", "fund_type", "line"]


def lines_with_prior(lines: pd.DataFrame, con: duckdb.DuckDBPyConnection | None, dept: str, year: int,
                     as_of: dt.date, held: bool) -> pd.DataFrame:
    """``budget_lines`` with prior, change and growth: the payments of the same period of the
    year before (1 January to ``prev_as_of``) charged to this year's lines exactly as this
    year's are. The table stays this year's rows: what last year paid to codes that match no
    row of this year is not added (the units table counts it). Without data for the year
    before the three are NaN (无上年数据)."""
    out = lines.copy()
    if not held:
        out["prior"] = out["change"] = out["growth"] = float("nan")
        return out
    prior = budget_lines(con, dept, year, as_of, paid=(dt.date(year - 1, 1, 1), prev_as_of(as_of)))
    prior = prior.rename(columns={"spent": "prior"})
    out = out.merge(prior[LINE_KEY + ["prior"]], on=LINE_KEY, how="left")
    out["prior"] = out["prior"].fillna(0.0)
    out["change"] = out["spent"] - out["prior"]
    out["growth"] = out["change"] / out["prior"].where(out["prior"] > 0)
    return out


def monthly_cumulative(con: duckdb.DuckDBPyConnection, dept: str, year: int, as_of: dt.date) -> pd.DataFrame:
    """The department's (with its units) spending by month: ``queries.monthly.monthly_cumulative``."""
    return cumulative(con, year, as_of, where=f" AND x.dept_code IN {UNITS_OF_DEPT}", params={"dept": dept})


def sangong(con: duckdb.DuckDBPyConnection, dept: str, year: int, as_of: dt.date,
            codes: Sequence[str] = SANGONG_CODES) -> pd.DataFrame:
    """三公经费 by item: this year to ``as_of`` against the same period of last year.

    As the SANGONG_GROWTH rule reads them: payments whose economic code's first five digits
    are one of ``codes``; last year runs from 1 January to the same day a year earlier.
    Columns: econ_code (every code asked for, in order, zeros where nothing was paid), cur,
    prev (yuan), change (cur − prev), growth (change ÷ prev; NaN when prev is not positive).
    """
    codes = [str(c) for c in codes]
    frame = query(con, f"""
        WITH RECURSIVE {_UNITS_CTE},
        x AS (   -- summed per economic code and year first: no string work per payment
            SELECT econ_code, pay_date >= $year_start AS cur_year, sum(amount) AS amount
            FROM payments
            WHERE pay_date BETWEEN $prev_year_start AND $as_of
              AND (pay_date >= $year_start OR pay_date <= $prev_as_of)
              AND dept_code IN (SELECT dept_code FROM units)
            GROUP BY ALL)
        SELECT left(econ_code, 5) AS econ_code,
               CAST(coalesce(sum(amount) FILTER (WHERE cur_year), 0) AS DOUBLE) AS cur,
               CAST(coalesce(sum(amount) FILTER (WHERE NOT cur_year), 0) AS DOUBLE) AS prev
        FROM x WHERE list_contains($codes, left(econ_code, 5))
        GROUP BY 1""", {"dept": dept, "codes": codes, "year_start": dt.date(year, 1, 1),
                        "prev_year_start": dt.date(year - 1, 1, 1), "as_of": as_of,
                        "prev_as_of": prev_as_of(as_of)})
    frame = (frame.set_index("econ_code").reindex(codes, fill_value=0.0)
             .rename_axis("econ_code").reset_index())
    frame["change"] = frame["cur"] - frame["prev"]
    frame["growth"] = frame["change"] / frame["prev"].where(frame["prev"] > 0)
    return frame


def department_flags(flags: pd.DataFrame, unit_codes: Sequence[str]) -> pd.DataFrame:
    """The flags (``compute_flags``) that point at the department or one of its units.

    Enterprise flags carry their supervising unit as dept_code, so a department sees the
    enterprises it supervises. Order kept (severity first).
    """
    return flags[flags["dept_code"].isin(set(unit_codes))].reset_index(drop=True)


def flags_for(con: duckdb.DuckDBPyConnection, unit_codes: Sequence[str], year: int, as_of: dt.date,
              thresholds: Mapping[str, Mapping[str, Any]] | None = None) -> pd.DataFrame:
    """Every rule run for the year and as-of date, kept to the department's units."""
    return department_flags(compute_flags(con, year, as_of, thresholds), unit_codes)
