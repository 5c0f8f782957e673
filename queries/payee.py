"""A payee's profile: what one payee received, from whom, for what, when — and how much of each
department's spending that is.

Every question is about one exact payee name (the spelling in the payments feed); the other
spellings of the same company are offered by ``queries.search.same_payee_names``. A *period*
is either every year held (``year`` None) or one year from 1 January to the as-of date, as on
the execution page, so the profile's totals are the execution page's for the same filters.

Speed: ``prepare`` copies the payee's payments into a temporary table once per connection (one
scan of payments, ~all the profile's cost), and every question reads that; each unit's own
spending (for the shares) comes from ``payments_daily`` when it answers for the generation.
Without ``prepare`` the functions read payments directly (same answers).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from budgetwatch.queries import reference
from budgetwatch.queries.store import query, rows, scalar, stamped

MAX_NAME = 200
TOP_VOUCHERS = 20
_SOURCES = ("payments", "_payee_rows")      # the only tables the questions read the payee's rows from


def prepare(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """Copy the payee's payments (all years) into ``_payee_rows`` on this connection."""
    rows(con, """CREATE OR REPLACE TEMP TABLE _payee_rows AS
                 SELECT voucher_no, pay_date, dept_code, func_code, econ_code, fund_type, payee, amount, purpose
                 FROM payments WHERE payee = $name""", {"name": str(name)[:MAX_NAME]}, name="payee_rows")
    return "_payee_rows"


def _src(con: duckdb.DuckDBPyConnection) -> str:
    """``_payee_rows`` once ``prepare`` made it on this connection, else payments."""
    made = scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_payee_rows' AND temporary",
                  name="payee_rows_made")
    return "_payee_rows" if made else "payments"


@dataclass(frozen=True)
class Period:
    year: int | None = None            # None: every year held
    as_of: dt.date | None = None       # with a year: payments up to this date

    def where(self, alias: str = "p") -> tuple[str, dict]:
        if self.year is None:
            return "", {}
        end = self.as_of or dt.date(self.year, 12, 31)
        return (f" AND {alias}.pay_date BETWEEN make_date($year, 1, 1) AND $as_of",
                {"year": int(self.year), "as_of": end})


def _p(name: str, period: Period) -> tuple[str, dict]:
    where, params = period.where()
    return where, {"name": str(name)[:MAX_NAME], **params}


_TOPS = """RECURSIVE tops(dept_code, top_code) AS (
        SELECT dept_code, dept_code FROM departments WHERE parent_code IS NULL OR parent_code = ''
        UNION
        SELECT d.dept_code, t.top_code FROM departments d JOIN tops t ON d.parent_code = t.dept_code)"""
_NAMES = "LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1) n"


def totals(con: duckdb.DuckDBPyConnection, name: str, period: Period = Period()) -> dict:
    """payments, amount, first and last date, units paying, in the period."""
    where, params = _p(name, period)
    src = _src(con)
    row = query(con, f"""SELECT count(*) AS payments, CAST(coalesce(sum(amount), 0) AS DOUBLE) AS amount,
                                min(pay_date) AS first, max(pay_date) AS last, count(DISTINCT dept_code) AS units
                         FROM {src} p WHERE payee = $name{where}""", params).iloc[0]
    return {"payments": int(row["payments"]), "amount": float(row["amount"]),
            "first": row["first"], "last": row["last"], "units": int(row["units"])}


def by_year(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """Every year held: year, payments, amount (whatever the period: the chart over the years)."""
    return query(con, """SELECT CAST(year(pay_date) AS INTEGER) AS year, count(*) AS payments,
                                CAST(sum(amount) AS DOUBLE) AS amount
                         FROM {src} WHERE payee = $name GROUP BY 1 ORDER BY 1""".format(src=_src(con)), {"name": str(name)[:MAX_NAME]})


def monthly(con: duckdb.DuckDBPyConnection, name: str, period: Period = Period()) -> pd.DataFrame:
    """year, month, payments, amount — month by month in the period."""
    where, params = _p(name, period)
    src = _src(con)
    return query(con, f"""SELECT CAST(year(pay_date) AS INTEGER) AS year, CAST(month(pay_date) AS INTEGER) AS month,
                                 count(*) AS payments, CAST(sum(amount) AS DOUBLE) AS amount
                          FROM {src} p WHERE payee = $name{where} GROUP BY 1, 2 ORDER BY 1, 2""", params)


def by_unit(con: duckdb.DuckDBPyConnection, name: str, period: Period = Period()) -> pd.DataFrame:
    """Per paying unit: top_code, top_name, dept_code, unit, payments, amount, the unit's own
    spending in the period (unit_spent), the payee's share of it, and the payee's share of its
    whole department's spending (dept_share) — concentration."""
    where, params = _p(name, period)
    src = _src(con)
    return query(con, f"""
        WITH {_TOPS},
        mine AS (SELECT dept_code, count(*) AS payments, sum(amount) AS amount
                 FROM {src} p WHERE payee = $name{where} GROUP BY 1),
        spent AS (SELECT dept_code, sum(amount) AS spent FROM {"payments_daily" if stamped(con, "payments_daily") else "payments"} p
                  WHERE (dept_code IN (SELECT dept_code FROM mine)
                         OR dept_code IN (SELECT t2.dept_code FROM tops t1 JOIN tops t2 USING (top_code)
                                          WHERE t1.dept_code IN (SELECT dept_code FROM mine))){where}
                  GROUP BY 1),
        top_spent AS (SELECT coalesce(t.top_code, s.dept_code) AS top_code, sum(s.spent) AS spent
                      FROM spent s LEFT JOIN tops t USING (dept_code) GROUP BY 1),
        top_mine AS (SELECT coalesce(t.top_code, m.dept_code) AS top_code, sum(m.amount) AS amount
                     FROM mine m LEFT JOIN tops t USING (dept_code) GROUP BY 1)
        SELECT coalesce(t.top_code, m.dept_code) AS top_code, coalesce(tn.dept_name, t.top_code, m.dept_code) AS top_name,
               m.dept_code, coalesce(n.dept_name, m.dept_code) AS unit,
               CAST(m.payments AS BIGINT) AS payments, CAST(m.amount AS DOUBLE) AS amount,
               CAST(s.spent AS DOUBLE) AS unit_spent,
               CAST(m.amount / nullif(s.spent, 0) AS DOUBLE) AS unit_share,
               CAST(tm.amount / nullif(ts.spent, 0) AS DOUBLE) AS dept_share
        FROM mine m LEFT JOIN tops t USING (dept_code)
        {_NAMES} ON n.dept_code = m.dept_code
        LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1) tn
               ON tn.dept_code = coalesce(t.top_code, m.dept_code)
        LEFT JOIN spent s ON s.dept_code = m.dept_code
        LEFT JOIN top_spent ts ON ts.top_code = coalesce(t.top_code, m.dept_code)
        LEFT JOIN top_mine tm ON tm.top_code = coalesce(t.top_code, m.dept_code)
        ORDER BY amount DESC, m.dept_code""", params)


def by_econ(con: duckdb.DuckDBPyConnection, name: str, period: Period = Period()) -> pd.DataFrame:
    """Per economic 款 (5 digits): code, name, payments, amount."""
    where, params = _p(name, period)
    src = _src(con)
    frame = query(con, f"""SELECT left(econ_code, 5) AS code, count(*) AS payments, CAST(sum(amount) AS DOUBLE) AS amount
                           FROM {src} p WHERE payee = $name{where} GROUP BY 1 ORDER BY amount DESC, code""", params)
    frame.insert(1, "name", [reference.econ_name(c) for c in frame["code"]])
    return frame


def _voucher_rows(src: str) -> str:
    """A payment as the payee page lists it (its largest, and the download), its unit named;
    ``src`` is one of ``_SOURCES`` (``_src``)."""
    return f"""SELECT p.voucher_no, p.pay_date, p.dept_code, coalesce(n.dept_name, p.dept_code) AS unit, p.func_code,
               p.econ_code, p.fund_type, CAST(p.amount AS DOUBLE) AS amount, p.purpose
        FROM {src} p {_NAMES} ON n.dept_code = p.dept_code"""


def largest(con: duckdb.DuckDBPyConnection, name: str, period: Period = Period(), limit: int = TOP_VOUCHERS) -> pd.DataFrame:
    """The period's largest payments to the payee."""
    where, params = _p(name, period)
    src = _src(con)
    return query(con, f"""
        {_voucher_rows(src)}
        WHERE p.payee = $name{where}
        ORDER BY p.amount DESC, p.pay_date DESC, p.voucher_no LIMIT $limit""", {**params, "limit": int(limit)})


def vouchers(con: duckdb.DuckDBPyConnection, name: str, period: Period = Period(), max_rows: int = 1_000_000) -> pd.DataFrame:
    """Every payment to the payee in the period (the download), newest first."""
    where, params = _p(name, period)
    src = _src(con)
    return query(con, f"""
        {_voucher_rows(src)}
        WHERE p.payee = $name{where} ORDER BY p.pay_date DESC, p.voucher_no""", params, max_rows=max_rows)


def voucher_numbers(con: duckdb.DuckDBPyConnection, name: str) -> set[str]:
    """Every voucher number of the payee (cheap once ``prepare`` made the payee's table)."""
    frame = query(con, f"SELECT voucher_no FROM {_src(con)} WHERE payee = $name", {"name": str(name)[:MAX_NAME]},
                  max_rows=None)
    return {str(v) for v in frame["voucher_no"]}


def flags_involving(flags: pd.DataFrame, name: str, vouchers: set[str]) -> pd.DataFrame:
    """The flags whose voucher, evidence vouchers, key or message name the payee."""
    from budgetwatch.queries.flags import parse_evidence

    if flags is None or flags.empty:
        return flags if flags is not None else pd.DataFrame()
    keep = []
    for key, message, ev in zip(flags["entity_key"], flags["message"], flags["evidence"]):
        evidence = parse_evidence(ev)
        listed = {str(v) for v in (evidence.get("vouchers") or [])}
        keep.append(str(key) in vouchers or bool(listed & vouchers) or evidence.get("payee") == name
                    or (isinstance(message, str) and name in message) or str(key) == name)
    return flags[keep].reset_index(drop=True)
