"""Spending by month with its running total, this year against the year before: the one query.

The overview, a department and any drill-down node draw the same curve; they differ only in
which payments count, so they pass that as fixed SQL text from ``queries/`` (values go in
``params``, never into the text).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd

from budgetwatch.queries.store import query

_SQL = """
WITH {recursive}
months AS (
    SELECT y.year, CAST(m.month AS INTEGER) AS month
    FROM (VALUES ($year - 1), ($year)) y(year), range(1, 13) m(month)),
monthly AS (
    SELECT CAST(year(x.pay_date) AS INTEGER) AS year, CAST(month(x.pay_date) AS INTEGER) AS month,
           count(*) AS payments, sum(x.amount) AS spent
    FROM payments x {join}
    WHERE x.pay_date BETWEEN make_date($year - 1, 1, 1) AND $as_of{where}
    GROUP BY 1, 2)
SELECT year, month,
       CAST(coalesce(payments, 0) AS INTEGER) AS payments,
       CAST(coalesce(spent, 0) AS DOUBLE) AS spent,
       CAST(sum(coalesce(spent, 0)) OVER (PARTITION BY year ORDER BY month) AS DOUBLE) AS cumulative
FROM months LEFT JOIN monthly USING (year, month)
WHERE year < $year OR month <= month(CAST($as_of AS DATE))
ORDER BY year, month"""


def monthly_cumulative(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date, *, where: str = "",
                       join: str = "", recursive: str = "", params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Columns: year, month (1–12), payments (count), spent and cumulative (yuan).

    The whole year before, and this year up to the as-of month (counting payments up to and
    including ``as_of``), so a curve stops where the data stops. ``where`` (``AND …`` on
    payments ``x``), ``join`` and ``recursive`` (CTEs, ending in a comma, for a ``WITH
    RECURSIVE``) narrow the payments; they are fixed text, never built from input."""
    recursive = f"RECURSIVE {recursive}," if recursive else ""
    sql = _SQL.format(recursive=recursive, join=join, where=where)
    return query(con, sql, {"year": year, "as_of": as_of, **(params or {})})
