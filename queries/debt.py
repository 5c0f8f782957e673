"""The 政府债务 page's questions: limits, balances, 债务率, new bonds and repayments by region.

Money comes back in yuan (DOUBLE, for charts and grids; the rules compare exact decimals).
A region's code tells its level: ``430000`` a province, ``430100`` a city, anything else a
county or district. When a file holds a city and its districts, the city's row already
contains theirs, so totals add only the *top* regions of a year: those whose city or
province row is not held for that year. 债务率 = balance of both types ÷ 综合财力.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd

from budgetwatch.queries.rules import compute_flags
from budgetwatch.queries.store import query

DEBT_RULES = ("DEBT_OVER_LIMIT", "DEBT_RATIO", "DEBT_ISSUE_OVER_QUOTA")
TYPES = ("一般债务", "专项债务")

# Whether a row's region has no ancestor region held for the same year (fixed SQL text).
_TOP = """NOT EXISTS (SELECT 1 FROM debt p WHERE p.year = d.year AND p.region_code <> d.region_code
                      AND p.region_code IN (substr(d.region_code, 1, 4) || '00', substr(d.region_code, 1, 2) || '0000'))"""
_AMOUNTS = ("limit_amount", "balance", "new_quota", "new_issued", "refinancing_issued", "principal_repaid",
            "interest_paid")


def debt_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with debt rows, newest first."""
    return [int(y) for y in query(con, "SELECT DISTINCT year FROM debt ORDER BY year DESC")["year"]]


def debt_rows(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """One row per region and debt type of the year.

    Columns: region_code, region_name, debt_type, top (no ancestor region held), limit_amount,
    balance, headroom (limit − balance; negative when over), usage (balance ÷ limit, NaN when
    the limit is 0), new_quota, new_issued, refinancing_issued, principal_repaid, interest_paid
    (NaN when not given), fiscal_capacity. Ordered by balance, largest first.
    """
    amounts = ", ".join(f"CAST({a} AS DOUBLE) AS {a}" for a in _AMOUNTS)
    return query(con, f"""
        SELECT region_code, region_name, debt_type, {_TOP} AS top, {amounts},
               CAST(limit_amount - balance AS DOUBLE) AS headroom,
               CASE WHEN limit_amount > 0 THEN CAST(balance AS DOUBLE) / CAST(limit_amount AS DOUBLE) END AS usage,
               CAST(fiscal_capacity AS DOUBLE) AS fiscal_capacity
        FROM debt d WHERE year = $year
        ORDER BY balance DESC, region_code, debt_type""", {"year": year})


def debt_regions(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """One row per region of the year, both debt types together.

    Columns: region_code, region_name, top, general_limit, general_balance, special_limit,
    special_balance, limit_amount, balance, headroom, usage, new_quota, new_issued,
    refinancing_issued, principal_repaid, interest_paid (sums of what is given; NaN when no
    row gives it), fiscal_capacity (NaN when not given), ratio (债务率: balance ÷
    fiscal_capacity, NaN unless capacity > 0). Ordered by 债务率, highest first, then balance.
    """
    sums = ", ".join(f"CAST(sum({a}) AS DOUBLE) AS {a}" for a in _AMOUNTS)
    return query(con, f"""
        WITH r AS (
            SELECT region_code, any_value(region_name) AS region_name, bool_and({_TOP}) AS top,
                   CAST(sum(limit_amount) FILTER (debt_type = '一般债务') AS DOUBLE) AS general_limit,
                   CAST(sum(balance) FILTER (debt_type = '一般债务') AS DOUBLE) AS general_balance,
                   CAST(sum(limit_amount) FILTER (debt_type = '专项债务') AS DOUBLE) AS special_limit,
                   CAST(sum(balance) FILTER (debt_type = '专项债务') AS DOUBLE) AS special_balance,
                   {sums}, CAST(max(fiscal_capacity) AS DOUBLE) AS fiscal_capacity
            FROM debt d WHERE year = $year GROUP BY region_code)
        SELECT *, limit_amount - balance AS headroom,
               CASE WHEN limit_amount > 0 THEN balance / limit_amount END AS usage,
               CASE WHEN fiscal_capacity > 0 THEN balance / fiscal_capacity END AS ratio
        FROM r
        ORDER BY ratio DESC NULLS LAST, balance DESC, region_code""", {"year": year})


def debt_trend(con: duckdb.DuckDBPyConnection, region: str | None = None) -> pd.DataFrame:
    """Per year and debt type, over every year held: the top regions added up, or one region.

    Columns: year, debt_type, limit_amount, balance, new_quota, new_issued, refinancing_issued,
    principal_repaid, interest_paid (yuan), fiscal_capacity (the regions' 综合财力 added up,
    once per region: the same on both rows), regions (how many). Oldest first.
    """
    sums = ", ".join(f"CAST(sum({a}) AS DOUBLE) AS {a}" for a in _AMOUNTS)
    return query(con, f"""
        WITH rows AS (
            SELECT d.*, {_TOP} AS top FROM debt d),
        chosen AS (
            SELECT * FROM rows WHERE CASE WHEN $region IS NULL THEN top ELSE region_code = $region END),
        capacity AS (
            SELECT year, CAST(sum(fc) AS DOUBLE) AS fiscal_capacity, count(*) AS regions
            FROM (SELECT year, region_code, max(fiscal_capacity) AS fc FROM chosen GROUP BY ALL) GROUP BY year)
        SELECT c.year, c.debt_type, {sums.replace('sum(', 'sum(c.')}, any_value(k.fiscal_capacity) AS fiscal_capacity,
               any_value(k.regions) AS regions
        FROM chosen c JOIN capacity k USING (year)
        GROUP BY c.year, c.debt_type ORDER BY c.year, c.debt_type""", {"region": region})


def region_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every region held, code → its latest name, in code order."""
    frame = query(con, """SELECT region_code, arg_max(region_name, year) AS name FROM debt
                          GROUP BY region_code ORDER BY region_code""")
    return dict(zip(frame["region_code"], frame["name"]))


def debt_flags(con: duckdb.DuckDBPyConnection, year: int,
               thresholds: Mapping[str, Mapping[str, Any]] | None = None) -> pd.DataFrame:
    """The three debt rules' flags of the year with the thresholds in force."""
    return compute_flags(con, year, thresholds=thresholds, rules=list(DEBT_RULES))


def flag_marks(flags: pd.DataFrame) -> pd.DataFrame:
    """Per region: the severity each debt rule gives it (columns named by rule), for tables.

    A region_debt flag (``430102|专项债务``) marks its region."""
    if flags.empty:
        return pd.DataFrame({"region_code": pd.Series(dtype="object"),
                             **{r: pd.Series(dtype="object") for r in DEBT_RULES}})
    frame = flags[["rule", "severity", "entity_key"]].copy()
    frame["region_code"] = frame["entity_key"].str.split("|").str[0]
    order = {"high": 0, "medium": 1, "low": 2}
    frame["rank"] = frame["severity"].map(order)
    frame = frame.sort_values("rank").drop_duplicates(["region_code", "rule"])
    marks = frame.pivot(index="region_code", columns="rule", values="severity").reset_index()
    for r in DEBT_RULES:
        if r not in marks:
            marks[r] = None
    return marks[["region_code", *DEBT_RULES]]
