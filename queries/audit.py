"""The Audit rectification (审计整改) page's questions.

Findings are those of audit years up to the chosen year, read through the audit rules' own
``FINDINGS`` (one spelling of the status: 已整改 / 部分整改 / 未整改; a rectification dated after
the as-of date not yet counted), and seen at the rules' audit as-of date: the date given, else the year's latest payment date, else today
(``audit_as_of``). What counts as overdue, repeated (屡审屡犯) or hollow is what the rules
AUDIT_OVERDUE, AUDIT_REPEAT and AUDIT_HOLLOW say (``audit_flags``), with the thresholds in
force; this module adds the numbers the page shows beside them.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd

from budgetwatch.queries.rules import compute_flags
from budgetwatch.queries.rules.audit import FINDINGS
from budgetwatch.queries.rules.engine import resolve_context
from budgetwatch.queries.store import query

STATUSES = ("已整改", "部分整改", "未整改")
AUDIT_RULES = ("AUDIT_OVERDUE", "AUDIT_REPEAT", "AUDIT_HOLLOW")


def audit_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years a view can be asked for: audit years, and years with budget or payments; newest first."""
    frame = query(con, """
        SELECT audit_year AS year FROM audit_findings
        UNION SELECT year FROM budget
        UNION SELECT CAST(year(pay_date) AS INTEGER) FROM payments
        ORDER BY 1 DESC""")
    return [int(y) for y in frame["year"]]


def audit_as_of(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date | None = None,
                today: dt.date | None = None) -> dt.date:
    """The audit rules' as-of date: ``as_of`` if given, else the year's latest payment date,
    else today (the rules' ``resolve_context``)."""
    return resolve_context(con, year, as_of, today=today).audit_as_of


def findings(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date,
             units: Sequence[str] | None = None) -> pd.DataFrame:
    """Findings of audit years up to ``year``, as they stand at ``as_of``.

    Columns: finding_id, audit_year, audit_project, dept_code, dept_name, category,
    description, involved, rectified (yuan), deadline, status (已整改/部分整改/未整改, or the
    feed's text when it is none of them), rectified_date, open (not 已整改), days_overdue
    (as-of date − deadline for an open finding past its deadline, else NULL).
    ``units`` keeps those dept_codes only. Newest audit year first.
    """
    return query(con, f"""
        WITH {FINDINGS}
        SELECT finding_id, audit_year, audit_project, dept_code, name AS dept_name, category, description,
               CAST(amount_involved AS DOUBLE) AS involved, CAST(amount_rectified AS DOUBLE) AS rectified,
               deadline, coalesce(status_cn, status) AS status, rectified_date,
               coalesce(status_cn, '') <> '已整改' AS open,
               CASE WHEN status_cn IN ('部分整改', '未整改') AND deadline < $audit_as_of
                    THEN CAST(date_diff('day', deadline, $audit_as_of) AS INTEGER) END AS days_overdue
        FROM f
        WHERE $all OR list_contains($units, dept_code)
        ORDER BY audit_year DESC, finding_id""",
        {"year": year, "audit_as_of": as_of, "all": units is None, "units": [str(u) for u in (units or [])]})


_DIMENSIONS = {"status": "coalesce(status_cn, status)", "category": "category", "audit_year": "audit_year"}


def counts_by(con: duckdb.DuckDBPyConnection, year: int, dimension: str, as_of: dt.date) -> pd.DataFrame:
    """Findings of audit years up to ``year`` as they stood at ``as_of``, by status, category or
    audit year (whitelist).

    Columns: key, status, n, involved, rectified (yuan). One row per key and status, so a
    chart can stack by status.
    """
    if dimension not in _DIMENSIONS:
        raise ValueError(f"dimension must be one of {sorted(_DIMENSIONS)}")
    expr = _DIMENSIONS[dimension]
    return query(con, f"""
        WITH {FINDINGS}
        SELECT CAST({expr} AS VARCHAR) AS key, coalesce(status_cn, status) AS status,
               CAST(count(*) AS INTEGER) AS n,
               CAST(sum(amount_involved) AS DOUBLE) AS involved,
               CAST(sum(amount_rectified) AS DOUBLE) AS rectified
        FROM f GROUP BY 1, 2 ORDER BY 1, 2""", {"year": year, "audit_as_of": as_of})


def rectification_by_unit(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date) -> pd.DataFrame:
    """Per responsible unit, findings of audit years up to ``year`` as they stood at ``as_of``.

    Columns: dept_code, dept_name, n, n_done (已整改), involved, rectified (yuan),
    amount_rate (rectified ÷ involved; NaN without an amount involved), count_share
    (n_done ÷ n). Lowest amount rate first.
    """
    return query(con, f"""
        WITH {FINDINGS}
        SELECT dept_code, any_value(name) AS dept_name, CAST(count(*) AS INTEGER) AS n,
               CAST(count(*) FILTER (WHERE status_cn = '已整改') AS INTEGER) AS n_done,
               CAST(sum(amount_involved) AS DOUBLE) AS involved,
               CAST(sum(amount_rectified) AS DOUBLE) AS rectified,
               CASE WHEN sum(amount_involved) > 0
                    THEN CAST(sum(amount_rectified) AS DOUBLE) / CAST(sum(amount_involved) AS DOUBLE) END
                    AS amount_rate,
               count(*) FILTER (WHERE status_cn = '已整改') / count(*) AS count_share
        FROM f GROUP BY dept_code
        ORDER BY amount_rate ASC NULLS LAST, dept_code""", {"year": year, "audit_as_of": as_of})


def audit_flags(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date | None,
                thresholds: Mapping[str, Mapping[str, Any]] | None = None) -> pd.DataFrame:
    """What the three audit rules find for the year at the as-of date (compute_flags' frame)."""
    return compute_flags(con, year, as_of, thresholds, rules=AUDIT_RULES)


def overdue(flags: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """AUDIT_OVERDUE's findings with their rows from ``findings``, most overdue first:
    the finding columns plus severity and message."""
    part = flags.loc[flags["rule"] == "AUDIT_OVERDUE", ["entity_key", "severity", "message"]]
    out = found.merge(part, left_on="finding_id", right_on="entity_key").drop(columns="entity_key")
    return out.sort_values(["days_overdue", "finding_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def hollow(flags: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """AUDIT_HOLLOW's findings (已整改 but rectified below the threshold share) with their rows,
    plus share (rectified ÷ involved), severity and message; the largest gap first."""
    part = flags.loc[flags["rule"] == "AUDIT_HOLLOW", ["entity_key", "severity", "message"]]
    out = found.merge(part, left_on="finding_id", right_on="entity_key").drop(columns="entity_key")
    out["share"] = out["rectified"] / out["involved"].where(out["involved"] > 0)
    out["gap"] = out["involved"] - out["rectified"]
    return out.sort_values(["gap", "finding_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def repeated(flags: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """AUDIT_REPEAT's unit-and-category pairs (屡审屡犯), one row each: dept_code, dept_name,
    category, years (the audit years, e.g. "2023、2025"), n_years, n, involved, n_open,
    severity, message. Most audit years first."""
    part = flags.loc[flags["rule"] == "AUDIT_REPEAT", ["entity_key", "dept_code", "severity", "message"]]
    cols = ["dept_code", "dept_name", "category", "years", "n_years", "n", "involved", "n_open",
            "severity", "message"]
    if part.empty or found.empty:
        return pd.DataFrame(columns=cols)
    found = found.assign(entity_key=found["dept_code"] + "|" + found["category"])
    found = found[found["entity_key"].isin(set(part["entity_key"]))]
    grouped = found.groupby("entity_key").agg(
        dept_code=("dept_code", "first"), dept_name=("dept_name", "first"), category=("category", "first"),
        years=("audit_year", lambda s: "、".join(str(y) for y in sorted(set(s)))),
        n_years=("audit_year", "nunique"), n=("finding_id", "count"), involved=("involved", "sum"),
        n_open=("open", "sum")).reset_index()
    out = grouped.merge(part.drop(columns="dept_code"), on="entity_key")
    out["n_open"] = out["n_open"].astype(int)
    return (out.sort_values(["n_years", "involved"], ascending=[False, False], kind="stable")
            .reset_index(drop=True)[cols])
