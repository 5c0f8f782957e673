"""One payment voucher in full: every field, where it came from, its budget line, its neighbours.

A voucher number normally names one payment; a feed may hold more than one row under a number
(a payment split over lines), so ``rows`` returns them all.
"""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd

from budgetwatch.queries.store import query

MAX_NO = 60
NEAR_DAYS = 30
NEAR_MAX = 50


def rows(con: duckdb.DuckDBPyConnection, no: str) -> pd.DataFrame:
    """The payments under a voucher number, with their unit, department and load."""
    return query(con, """
        WITH RECURSIVE tops(dept_code, top_code) AS (
            SELECT dept_code, dept_code FROM departments WHERE parent_code IS NULL OR parent_code = ''
            UNION
            SELECT d.dept_code, t.top_code FROM departments d JOIN tops t ON d.parent_code = t.dept_code)
        SELECT p.voucher_no, p.pay_date, p.dept_code, coalesce(n.dept_name, p.dept_code) AS unit,
               coalesce(t.top_code, p.dept_code) AS top_code, coalesce(tn.dept_name, t.top_code, p.dept_code) AS top_name,
               p.func_code, p.econ_code, p.fund_type, p.payee, CAST(p.amount AS DOUBLE) AS amount,
               p.payee_account, p.purpose, p.load_id, CAST(p.extra AS VARCHAR) AS extra,
               l.file_name, l.file_format, l.sheet, l.unit AS file_unit, l.loaded_by, l.loaded_at
        FROM payments p
        LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1) n USING (dept_code)
        LEFT JOIN (SELECT DISTINCT dept_code, top_code FROM tops) t USING (dept_code)
        LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1) tn
               ON tn.dept_code = coalesce(t.top_code, p.dept_code)
        LEFT JOIN loads l ON l.load_id = p.load_id
        WHERE p.voucher_no = $no
        ORDER BY p.pay_date, p.dept_code, p.amount DESC""", {"no": str(no)[:MAX_NO]})


def extra_fields(text) -> list[tuple[str, str]]:
    """The columns the file had beyond the feed's own (kept as JSON), as (name, value) text."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text == "":
        return []
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return [("extra", str(text))]
    if not isinstance(value, dict):
        return [("extra", str(value))]
    return [(str(k), "" if v is None else str(v)) for k, v in value.items()]


def budget_line(con: duckdb.DuckDBPyConnection, row) -> dict:
    """The voucher's budget line (its year, unit, codes and fund) and how far it is spent:
    adjusted and original budget, spent in the year up to the voucher's date and up to the
    year's latest payment, the rates."""
    year = pd.Timestamp(row["pay_date"]).year
    params = {"year": int(year), "dept": row["dept_code"], "func": row["func_code"], "econ": row["econ_code"],
              "fund": row["fund_type"], "day": pd.Timestamp(row["pay_date"]).date()}
    frame = query(con, """
        WITH b AS (SELECT CAST(coalesce(sum(original_amount), 0) AS DOUBLE) AS original,
                          CAST(coalesce(sum(adjusted_amount), 0) AS DOUBLE) AS adjusted, count(*) AS lines
                   FROM budget WHERE year = $year AND dept_code = $dept AND func_code = $func
                     AND econ_code = $econ AND fund_type = $fund),
             s AS (SELECT CAST(coalesce(sum(amount) FILTER (WHERE pay_date <= $day), 0) AS DOUBLE) AS to_date,
                          CAST(coalesce(sum(amount), 0) AS DOUBLE) AS year_spent, max(pay_date) AS last_pay,
                          count(*) AS payments
                   FROM payments WHERE pay_date BETWEEN make_date($year, 1, 1) AND make_date($year, 12, 31)
                     AND dept_code = $dept AND func_code = $func AND econ_code = $econ AND fund_type = $fund)
        SELECT * FROM b, s""", params)
    out = frame.iloc[0].to_dict()
    out["year"] = int(year)
    adjusted = out["adjusted"]
    out["rate_to_date"] = out["to_date"] / adjusted if adjusted > 0 else None
    out["rate"] = out["year_spent"] / adjusted if adjusted > 0 else None
    return out


def nearby(con: duckdb.DuckDBPyConnection, no: str, payee: str, day, days: int = NEAR_DAYS) -> pd.DataFrame:
    """Other payments to the same payee within ``days`` of the voucher's date, nearest first."""
    day = pd.Timestamp(day).date()
    return query(con, """
        SELECT p.voucher_no, p.pay_date, p.dept_code, coalesce(n.dept_name, p.dept_code) AS unit,
               p.econ_code, CAST(p.amount AS DOUBLE) AS amount, p.purpose,
               CAST(p.pay_date - CAST($day AS DATE) AS INTEGER) AS days
        FROM payments p
        LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1) n USING (dept_code)
        WHERE p.payee = $payee AND p.voucher_no <> $no
          AND p.pay_date BETWEEN CAST($day AS DATE) - $days AND CAST($day AS DATE) + $days
        ORDER BY abs(p.pay_date - CAST($day AS DATE)), p.pay_date, p.voucher_no
        LIMIT $limit""", {"payee": str(payee), "no": str(no), "day": day, "days": int(days), "limit": NEAR_MAX})


def flags_of(flags: pd.DataFrame, no: str) -> pd.DataFrame:
    """The flags whose key or evidence names the voucher."""
    from budgetwatch.queries.flags import parse_evidence

    if flags is None or flags.empty:
        return pd.DataFrame()
    keep = [str(k) == str(no) or str(no) in {str(v) for v in (parse_evidence(ev).get("vouchers") or [])}
            for k, ev in zip(flags["entity_key"], flags["evidence"])]
    return flags[keep].reset_index(drop=True)


def as_date(value) -> dt.date:
    return pd.Timestamp(value).date()
