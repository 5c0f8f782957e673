"""The State assets (国有资产) page's questions: enterprises and administrative assets.

Enterprise state assets (企业国有资产): total assets, liabilities, owner equity, profit per
enterprise and year; debt ratio = liabilities ÷ assets; 国有资本保值增值率 = equity this year ÷
equity last year. Administrative assets (行政事业性国有资产): book and idle value per unit and
category. Which rows a warning rule flags is decided by the rules themselves (LEVERAGE,
CONSECUTIVE_LOSS, EQUITY_DECLINE, IDLE_ASSETS): ``asset_flags`` runs them.

``units``, where a function takes it, keeps the rows of those unit codes only (the Department
page passes a department's units; enterprises are kept by their supervising unit).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd

from budgetwatch.queries.rules import compute_flags
from budgetwatch.queries.store import query

ASSET_RULES = ("LEVERAGE", "CONSECUTIVE_LOSS", "EQUITY_DECLINE", "IDLE_ASSETS")


def asset_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with enterprise or administrative asset rows, newest first."""
    frame = query(con, """
        SELECT year FROM assets_enterprise UNION SELECT year FROM assets_admin ORDER BY 1 DESC""")
    return [int(y) for y in frame["year"]]


def enterprises(con: duckdb.DuckDBPyConnection, year: int, units: Sequence[str] | None = None) -> pd.DataFrame:
    """Every enterprise of the year with the year before beside it.

    Columns: enterprise_code, enterprise_name, supervisor_code, supervisor_name, assets,
    liabilities, equity, revenue, profit, prev_equity, prev_profit (yuan; NaN without a row
    the year before), debt_ratio (NaN when assets ≤ 0), keep_ratio (保值增值率: equity ÷ last
    year's, NaN unless last year's was positive), equity_change (equity − last year's).
    Ordered by debt ratio, highest first.
    """
    return query(con, """
        SELECT e.enterprise_code, e.enterprise_name,
               nullif(trim(e.supervisor_code), '') AS supervisor_code,
               coalesce(d.dept_name, nullif(trim(e.supervisor_code), '')) AS supervisor_name,
               CAST(e.total_assets AS DOUBLE) AS assets, CAST(e.total_liabilities AS DOUBLE) AS liabilities,
               CAST(e.owner_equity AS DOUBLE) AS equity, CAST(e.revenue AS DOUBLE) AS revenue,
               CAST(e.profit AS DOUBLE) AS profit,
               CAST(p.owner_equity AS DOUBLE) AS prev_equity, CAST(p.profit AS DOUBLE) AS prev_profit,
               CASE WHEN e.total_assets > 0
                    THEN CAST(e.total_liabilities AS DOUBLE) / CAST(e.total_assets AS DOUBLE) END AS debt_ratio,
               CASE WHEN p.owner_equity > 0
                    THEN CAST(e.owner_equity AS DOUBLE) / CAST(p.owner_equity AS DOUBLE) END AS keep_ratio,
               CAST(e.owner_equity - p.owner_equity AS DOUBLE) AS equity_change
        FROM assets_enterprise e
        LEFT JOIN assets_enterprise p ON p.enterprise_code = e.enterprise_code AND p.year = e.year - 1
        LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1) d
               ON d.dept_code = nullif(trim(e.supervisor_code), '')
        WHERE e.year = $year AND ($all OR list_contains($units, nullif(trim(e.supervisor_code), '')))
        ORDER BY debt_ratio DESC NULLS LAST, e.enterprise_code""",
        {"year": year, "all": units is None, "units": [str(u) for u in (units or [])]})


def equity_history(con: duckdb.DuckDBPyConnection, enterprise_code: str) -> pd.DataFrame:
    """One enterprise over every year loaded: year, enterprise_name, assets, liabilities,
    equity, profit (yuan), debt_ratio, keep_ratio (equity ÷ the year before's, when that year
    is loaded and its equity positive). Oldest first."""
    return query(con, """
        SELECT year, enterprise_name,
               CAST(total_assets AS DOUBLE) AS assets, CAST(total_liabilities AS DOUBLE) AS liabilities,
               CAST(owner_equity AS DOUBLE) AS equity, CAST(profit AS DOUBLE) AS profit,
               CASE WHEN total_assets > 0
                    THEN CAST(total_liabilities AS DOUBLE) / CAST(total_assets AS DOUBLE) END AS debt_ratio,
               CASE WHEN lag(year) OVER w = year - 1 AND lag(owner_equity) OVER w > 0
                    THEN CAST(owner_equity AS DOUBLE) / CAST(lag(owner_equity) OVER w AS DOUBLE) END AS keep_ratio
        FROM assets_enterprise
        WHERE enterprise_code = $code
        WINDOW w AS (ORDER BY year)
        ORDER BY year""", {"code": enterprise_code})


def admin_assets(con: duckdb.DuckDBPyConnection, year: int, units: Sequence[str] | None = None,
                 category: str | None = None) -> pd.DataFrame:
    """Administrative asset lines of the year: dept_code, dept_name, asset_category, quantity,
    book, idle (yuan), idle_share (idle ÷ book; NaN when book ≤ 0). Ordered by unit, category."""
    return query(con, """
        SELECT a.dept_code, coalesce(d.dept_name, a.dept_code) AS dept_name, a.asset_category,
               CAST(sum(a.quantity) AS DOUBLE) AS quantity,
               CAST(sum(a.book_value) AS DOUBLE) AS book, CAST(sum(a.idle_value) AS DOUBLE) AS idle,
               CASE WHEN sum(a.book_value) > 0
                    THEN CAST(sum(a.idle_value) AS DOUBLE) / CAST(sum(a.book_value) AS DOUBLE) END AS idle_share
        FROM assets_admin a
        LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1) d
               USING (dept_code)
        WHERE a.year = $year AND ($all OR list_contains($units, a.dept_code))
          AND ($category IS NULL OR a.asset_category = $category)
        GROUP BY ALL
        ORDER BY a.dept_code, a.asset_category""",
        {"year": year, "all": units is None, "units": [str(u) for u in (units or [])],
         "category": category})


def admin_by(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """``admin_assets`` summed by ``dept`` (dept_code, dept_name) or ``category``
    (asset_category): book, idle, idle_share; largest book value first."""
    cols = {"dept": ["dept_code", "dept_name"], "category": ["asset_category"]}[key]
    if frame.empty:
        return pd.DataFrame(columns=[*cols, "book", "idle", "idle_share"])
    out = frame.groupby(cols, as_index=False, sort=False)[["book", "idle"]].sum()
    out["idle_share"] = out["idle"] / out["book"].where(out["book"] > 0)
    return out.sort_values(["book", cols[0]], ascending=[False, True], kind="stable").reset_index(drop=True)


def asset_categories(con: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    frame = query(con, "SELECT DISTINCT asset_category FROM assets_admin WHERE year = $year ORDER BY 1",
                  {"year": year})
    return list(frame["asset_category"])


def asset_flags(con: duckdb.DuckDBPyConnection, year: int,
                thresholds: Mapping[str, Mapping[str, Any]] | None = None) -> pd.DataFrame:
    """What the asset rules find for the year (they need no payments): compute_flags' frame."""
    return compute_flags(con, year, None, thresholds, rules=ASSET_RULES)


def enterprise_marks(flags: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise: the severity each asset rule gave it (columns LEVERAGE,
    CONSECUTIVE_LOSS, EQUITY_DECLINE; None where the rule did not fire), indexed by code."""
    rules = ["LEVERAGE", "CONSECUTIVE_LOSS", "EQUITY_DECLINE"]
    part = flags[flags["rule"].isin(rules)]
    if part.empty:
        return pd.DataFrame(columns=rules, index=pd.Index([], name="enterprise_code"))
    wide = part.pivot_table(index="entity_key", columns="rule", values="severity", aggfunc="first")
    return wide.reindex(columns=rules).rename_axis("enterprise_code").rename_axis(None, axis=1)
