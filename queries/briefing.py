"""The few rows the supervision briefing (监督简报) needs beyond the overview and the flags.

Which findings are overdue and which enterprises are too indebted is decided by the rules
(AUDIT_OVERDUE, LEVERAGE, CONSECUTIVE_LOSS); these queries only fetch the rows behind them
for the briefing's tables. Values are always bound parameters.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from budgetwatch.queries.units import UNITS_OF_DEPT
from budgetwatch.queries.store import query

_NAMES = "(SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1)"


def department_units(con: duckdb.DuckDBPyConnection, dept: str) -> list[str]:
    """A department's code and the codes of every unit below it."""
    frame = query(con, f"SELECT dept_code FROM {UNITS_OF_DEPT} AS u", {"dept": dept},
                  max_rows=None)
    return sorted(frame["dept_code"].astype(str))


def findings_by_id(con: duckdb.DuckDBPyConnection, ids: Sequence[str], as_of: dt.date) -> pd.DataFrame:
    """The audit findings with these ids: finding_id, audit_year, dept_code, dept_name, category,
    description, involved, rectified (yuan), deadline, status, days_overdue — all as they stood
    at ``as_of`` (a rectification dated after it not yet counted)."""
    return query(con, f"""
        SELECT f.finding_id, f.audit_year, f.dept_code, coalesce(d.dept_name, f.dept_code) AS dept_name,
               f.category, f.description, CAST(f.amount_involved AS DOUBLE) AS involved,
               CAST(CASE WHEN f.rectified_date > $as_of THEN 0 ELSE f.amount_rectified END AS DOUBLE) AS rectified,
               f.deadline, CASE WHEN f.rectified_date > $as_of THEN '未整改' ELSE f.status END AS status,
               CAST(date_diff('day', f.deadline, $as_of) AS INTEGER) AS days_overdue
        FROM audit_findings f LEFT JOIN {_NAMES} d USING (dept_code)
        WHERE list_contains($ids, f.finding_id)
        ORDER BY days_overdue DESC, f.finding_id""",
                 {"ids": [str(i) for i in ids], "as_of": as_of})


def enterprises(con: duckdb.DuckDBPyConnection, year: int, units: Sequence[str] | None = None) -> pd.DataFrame:
    """Enterprises of the year: enterprise_code, enterprise_name, supervisor_code, supervisor_name,
    assets, liabilities, profit (yuan), debt_ratio (NaN when assets ≤ 0). Highest ratio first.
    ``units`` keeps those supervised by these unit codes."""
    return query(con, f"""
        SELECT e.enterprise_code, e.enterprise_name, nullif(trim(e.supervisor_code), '') AS supervisor_code,
               coalesce(d.dept_name, nullif(trim(e.supervisor_code), '')) AS supervisor_name,
               CAST(e.total_assets AS DOUBLE) AS assets, CAST(e.total_liabilities AS DOUBLE) AS liabilities,
               CAST(e.profit AS DOUBLE) AS profit,
               CASE WHEN e.total_assets > 0
                    THEN CAST(e.total_liabilities AS DOUBLE) / CAST(e.total_assets AS DOUBLE) END AS debt_ratio
        FROM assets_enterprise e LEFT JOIN {_NAMES} d ON d.dept_code = nullif(trim(e.supervisor_code), '')
        WHERE e.year = $year AND ($all OR list_contains($units, nullif(trim(e.supervisor_code), '')))
        ORDER BY debt_ratio DESC NULLS LAST, e.enterprise_code""",
                 {"year": year, "all": units is None, "units": [str(u) for u in (units or [])]})
