"""项目监督 for the project page and the briefing: the year's projects as they stand at an as-of
date, one project's reports, money and votes.

"Finished", "started" and "the latest report" are the rules' own definitions (the
``PROJECT_STATE`` block of queries/rules/projects.py), so the page shows exactly what the rules
judge. Two views of one list: ``livelihood`` — the livelihood projects the congress voted for
the year (livelihood_year = year) — and ``investment`` — the government investment projects
under way in the year (planned to start by its end, not finished before it began).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from budgetwatch.queries import page_cache
from budgetwatch.queries.overview import Period, resolve_period
from budgetwatch.queries.rules.projects import PROJECT_STATE
from budgetwatch.queries.store import query, scalar

VIEWS = ("livelihood", "investment")
STATUSES = ("未开工", "在建", "已完工", "停工")
PROJECT_RULES = ("PROJECT_LAG", "PROJECT_NOT_STARTED", "PROJECT_OVERDUE", "PROJECT_OVER_ESTIMATE",
                 "PROJECT_STALE", "PROJECT_OVERPAID", "LIVELIHOOD_UNSATISFIED")

_VIEW_FILTER = {
    "livelihood": "livelihood_year = $year",
    "investment": ("is_investment AND planned_start <= $year_end "
                   "AND NOT coalesce(actual_finish < $year_start, false)"),
}

# Expected share of the year's plan at a date: the PROJECT_LAG formula (0 before the window opens).
_EXPECTED = """CASE WHEN {d} < ws THEN 0.0 WHEN we < ws THEN 1.0
                    ELSE least(1.0, (date_diff('day', ws, {d}) + 1) / (date_diff('day', ws, we) + 1)) END"""


def _params(year: int, as_of: dt.date, sql: str) -> dict:
    """The period's values the statement names (DuckDB refuses unused ones)."""
    values = {"year": int(year), "year_start": dt.date(year, 1, 1), "year_end": dt.date(year, 12, 31),
              "audit_as_of": as_of}
    named = set(re.findall(r"\$([A-Za-z_]\w*)", sql))
    return {k: v for k, v in values.items() if k in named}


def has_projects(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(scalar(con, "SELECT count(*) FROM projects", name="has_projects"))


def project_list(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date, view: str) -> pd.DataFrame:
    """The view's projects: identity, lead unit, the year's plan and completion (from the latest
    report on or before the as-of date, when it is of the year), expected share, gap to schedule
    in points (completion − expected; negative is behind), status at the as-of date."""
    where = _VIEW_FILTER[view if view in VIEWS else "livelihood"]
    sql = f"""
WITH {PROJECT_STATE},
v AS (SELECT *, greatest(planned_start, $year_start) AS ws, least(planned_finish, $year_end) AS we
      FROM ps WHERE {where}),
s AS (
    SELECT *,
           CASE WHEN finished THEN '已完工' WHEN last_status = '停工' THEN '停工'
                WHEN started THEN '在建' ELSE '未开工' END AS status,
           year(last_date) = $year AS this_year,
           {_EXPECTED.format(d='$audit_as_of')} AS expected
    FROM v)
SELECT project_code, project_name, dept_code, unit_name, category, target, livelihood_year, is_investment,
       CAST(total_investment AS DOUBLE) AS total_investment,
       CAST(approved_estimate AS DOUBLE) AS approved_estimate,
       planned_start, planned_finish, actual_start, actual_finish, funding_source, last_date,
       CASE WHEN this_year THEN CAST(year_plan AS DOUBLE) END AS year_plan,
       CASE WHEN this_year THEN CAST(year_completed AS DOUBLE) END AS year_completed,
       CAST(total_completed AS DOUBLE) AS total_completed,
       CAST(physical_progress AS DOUBLE) AS physical_progress,
       status, finished, expected,
       CASE WHEN this_year AND year_plan > 0 THEN CAST(year_completed AS DOUBLE) / CAST(year_plan AS DOUBLE) END AS rate
FROM s
ORDER BY project_code"""
    frame = query(con, sql, _params(year, as_of, sql), max_rows=None)
    frame["gap"] = (frame["rate"] - frame["expected"]) * 100
    frame.loc[frame["finished"].astype(bool), "gap"] = None     # a finished project is on no schedule
    return frame


def unit_ranking(projects: pd.DataFrame) -> pd.DataFrame:
    """Lead units by gap to schedule: their projects' completion against the plan-weighted
    expected share (points; negative is behind), worst first."""
    cols = ["dept_code", "unit_name", "projects", "year_plan", "year_completed", "rate", "expected", "gap"]
    live = projects[(projects["year_plan"].fillna(0) > 0) & ~projects["finished"].astype(bool)].copy()
    if live.empty:
        return pd.DataFrame(columns=cols)
    live["due"] = live["expected"] * live["year_plan"]
    g = live.groupby(["dept_code", "unit_name"], as_index=False).agg(
        projects=("project_code", "count"), year_plan=("year_plan", "sum"),
        year_completed=("year_completed", "sum"), due=("due", "sum"))
    g["rate"] = g["year_completed"] / g["year_plan"]
    g["expected"] = g["due"] / g["year_plan"]
    g["gap"] = (g["rate"] - g["expected"]) * 100
    return g.sort_values(["gap", "dept_code"]).reset_index(drop=True)[cols]


def status_counts(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects per status (every status, zeros included, in the feed's order)."""
    counts = projects["status"].value_counts() if len(projects) else pd.Series(dtype="int64")
    return pd.DataFrame({"status": list(STATUSES), "projects": [int(counts.get(s, 0)) for s in STATUSES]})


def project_info(con: duckdb.DuckDBPyConnection, code: str) -> dict | None:
    frame = query(con, """
        SELECT p.* EXCLUDE (load_id, extra) REPLACE (CAST(p.total_investment AS DOUBLE) AS total_investment,
                                                     CAST(p.approved_estimate AS DOUBLE) AS approved_estimate),
               coalesce(d.dept_name, p.dept_code) AS unit_name
        FROM projects p LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments
                                   GROUP BY dept_code) d USING (dept_code)
        WHERE p.project_code = $code""", {"code": code})
    return None if frame.empty else frame.iloc[0].to_dict()


def project_reports(con: duckdb.DuckDBPyConnection, code: str, year: int, as_of: dt.date) -> pd.DataFrame:
    """The project's reports of the year up to the as-of date, each with its completion rate and
    the expected share at its date (the PROJECT_LAG schedule)."""
    sql = f"""
        WITH p AS (SELECT greatest(planned_start, $year_start) AS ws, least(planned_finish, $year_end) AS we
                   FROM projects WHERE project_code = $code)
        SELECT r.report_date, CAST(r.year_plan AS DOUBLE) AS year_plan,
               CAST(r.year_completed AS DOUBLE) AS year_completed, CAST(r.total_completed AS DOUBLE) AS total_completed,
               CAST(r.physical_progress AS DOUBLE) AS physical_progress, r.status, r.note,
               CASE WHEN r.year_plan > 0 THEN CAST(r.year_completed AS DOUBLE) / CAST(r.year_plan AS DOUBLE) END AS rate,
               {_EXPECTED.format(d='r.report_date')} AS expected
        FROM project_progress r, p
        WHERE r.project_code = $code AND r.report_date BETWEEN $year_start AND $audit_as_of
        ORDER BY r.report_date"""
    return query(con, sql, {"code": code, **_params(year, as_of, sql)}, max_rows=None)


def project_budget_lines(con: duckdb.DuckDBPyConnection, code: str, year: int) -> pd.DataFrame:
    """The year's budget lines that carry the project's code."""
    return query(con, """
        SELECT b.dept_code, coalesce(d.dept_name, b.dept_code) AS unit_name, b.func_code, b.econ_code, b.fund_type,
               CAST(b.original_amount AS DOUBLE) AS original, CAST(b.adjusted_amount AS DOUBLE) AS adjusted
        FROM budget b LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments
                                 GROUP BY dept_code) d USING (dept_code)
        WHERE b.project_code = $code AND b.year = $year
        ORDER BY b.dept_code, b.func_code, b.econ_code""", {"code": code, "year": int(year)}, max_rows=None)


def project_paid_monthly(con: duckdb.DuckDBPyConnection, code: str, year: int, as_of: dt.date) -> pd.DataFrame:
    """Payments charged to the project per month of the year up to the as-of date, and cumulative."""
    sql = """
        SELECT month(pay_date) AS month, max(pay_date) AS last_day, count(*) AS payments,
               CAST(sum(amount) AS DOUBLE) AS paid,
               CAST(sum(sum(amount)) OVER (ORDER BY month(pay_date)) AS DOUBLE) AS cumulative
        FROM payments
        WHERE project_code = $code AND pay_date BETWEEN $year_start AND $audit_as_of
        GROUP BY 1 ORDER BY 1"""
    return query(con, sql, {"code": code, **_params(year, as_of, sql)}, max_rows=None)


def project_votes(con: duckdb.DuckDBPyConnection, code: str, majority_pct: float = 50.0) -> pd.DataFrame:
    """Every year's satisfaction vote on the project with the grade LIVELIHOOD_UNSATISFIED gives."""
    return query(con, """
        SELECT year, members, present, satisfied, basically_satisfied, unsatisfied, abstained,
               satisfied / members AS satisfied_share,
               (satisfied + basically_satisfied) / members AS basic_share,
               CASE WHEN satisfied * 100 > members * $pct THEN '满意'
                    WHEN (satisfied + basically_satisfied) * 100 > members * $pct THEN '基本满意'
                    ELSE '不满意' END AS grade
        FROM project_evaluation WHERE project_code = $code ORDER BY year DESC""",
                 {"code": code, "pct": majority_pct}, max_rows=None)


def year_votes(con: duckdb.DuckDBPyConnection, year: int, majority_pct: float = 50.0) -> pd.DataFrame:
    """The year's votes on every project, graded as LIVELIHOOD_UNSATISFIED grades them."""
    return query(con, """
        SELECT v.project_code, p.project_name, p.dept_code, v.members, v.present, v.satisfied,
               v.basically_satisfied, v.unsatisfied, v.abstained,
               CASE WHEN v.satisfied * 100 > v.members * $pct THEN '满意'
                    WHEN (v.satisfied + v.basically_satisfied) * 100 > v.members * $pct THEN '基本满意'
                    ELSE '不满意' END AS grade
        FROM project_evaluation v JOIN projects p USING (project_code)
        WHERE v.year = $year ORDER BY v.project_code""", {"year": int(year), "pct": majority_pct}, max_rows=None)


def project_flags(flags: pd.DataFrame, codes=None) -> pd.DataFrame:
    """The project rules' flags (of a flag frame), optionally of some projects only."""
    if flags is None or flags.empty:
        return pd.DataFrame(columns=["rule", "severity", "entity_key", "amount", "message", "title"])
    part = flags[flags["rule"].isin(PROJECT_RULES)]
    if codes is not None:
        part = part[part["entity_key"].isin(list(codes))]
    return part.reset_index(drop=True)


# -- what the page asks, once per generation and scope (queries/page_cache.py) -----------------
@dataclass(frozen=True)
class ListData:
    """One list view (livelihood or investment) of a year at an as-of date."""
    period: Period
    projects: pd.DataFrame            # project_list
    votes: pd.DataFrame               # year_votes, graded


@dataclass(frozen=True)
class ProjectData:
    """One project: its identity and unit, reports, budget lines, money paid by month, votes."""
    info: dict
    reports: pd.DataFrame
    budget: pd.DataFrame
    paid: pd.DataFrame
    votes: pd.DataFrame


def list_data(store, year: int | None, as_of: dt.date | None, view: str, majority_pct: float = 50.0,
              *, today: dt.date | None = None) -> ListData | None:
    """The list view's data (None: no project loaded, or no year with data), computed once for
    every member asking the same view of the same generation."""
    today = today or dt.date.today()

    def compute(con) -> ListData | None:
        if not has_projects(con):
            return None
        period = resolve_period(con, year, as_of, today=today)
        if period is None:
            return None
        return ListData(period, project_list(con, period.year, period.as_of, view),
                        year_votes(con, period.year, majority_pct))

    return page_cache.cached(store, "projects.list", (year, as_of, view, float(majority_pct), today), compute)


def project_data(store, code: str, year: int, as_of: dt.date, majority_pct: float = 50.0) -> ProjectData | None:
    """One project's own rows only (never the list): None when the code is unknown."""
    def compute(con) -> ProjectData | None:
        info = project_info(con, code)
        if info is None:
            return None
        return ProjectData(info, project_reports(con, code, year, as_of), project_budget_lines(con, code, year),
                           project_paid_monthly(con, code, year, as_of), project_votes(con, code, majority_pct))

    return page_cache.cached(store, "projects.one", (str(code), int(year), as_of, float(majority_pct)), compute)
