"""The project page's data model: what one view (a list or one project) shows, read once
through queries/projects.py, and the tables' frames and columns. Shared by the callbacks, the
downloads, the chart views and the briefing."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from urllib.parse import quote

import pandas as pd

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import SEVERITY_CLASSES, Col, load_rule_thresholds
from budgetwatch.queries import flags as qf
from budgetwatch.queries import page_cache
from budgetwatch.queries import projects as qp
from budgetwatch.queries.store import Store

_SEV_RANK = {"high": 0, "medium": 1, "low": 2}
GRADE_CLASSES = {"bw-cell-high": "params.data.grade == '不满意'", "bw-cell-low": "params.data.grade == '基本满意'"}

LIST_COLS = (
    Col("flag_text", "proj.col.flags", width=150, classes=SEVERITY_CLASSES, pinned=True),
    Col("project_name", "proj.col.name", width=200, classes={"bw-link": "true"}, pinned=True),
    Col("unit_name", "proj.col.unit", width=150),
    Col("target", "proj.col.target", "long", width=180),
    Col("year_plan", "proj.col.year_plan", "money"),
    Col("year_completed", "proj.col.year_completed", "money"),
    Col("rate", "proj.col.rate", "pct"),
    Col("expected", "proj.col.expected", "pct"),
    Col("gap", "proj.col.gap", "pts", classes={"bw-cell-high": "params.value < -30",
                                               "bw-cell-medium": "params.value < -10 && params.value >= -30"}),
    Col("status_text", "proj.col.status", width=90),
    Col("physical_progress", "proj.col.physical", "num"),
    Col("total_investment", "proj.col.total", "money"),
    Col("project_code", "proj.col.code", width=130),
)
VOTE_COLS = (
    Col("grade_text", "proj.col.grade", width=100, classes=GRADE_CLASSES),
    Col("project_name", "proj.col.name", width=200), Col("members", "proj.col.members", "int"),
    Col("present", "proj.col.present", "int"), Col("satisfied", "proj.col.satisfied", "int"),
    Col("basically_satisfied", "proj.col.basically", "int"), Col("unsatisfied", "proj.col.unsatisfied", "int"),
    Col("abstained", "proj.col.abstained", "int"),
)
FLAG_COLS = (
    Col("severity_text", "col.severity", width=110, classes=SEVERITY_CLASSES),
    Col("title", "proj.col.rule", width=170), Col("amount", "col.amount", "money"),
    Col("message", "col.message", "long", width=420),
)
REPORT_COLS = (
    Col("report_date", "proj.col.report_date", "date"), Col("status_text", "proj.col.status"),
    Col("year_plan", "proj.col.year_plan", "money"), Col("year_completed", "proj.col.year_completed", "money"),
    Col("rate", "proj.col.rate", "pct"), Col("expected", "proj.col.expected", "pct"),
    Col("total_completed", "proj.col.total_completed", "money"), Col("physical_progress", "proj.col.physical", "num"),
    Col("note", "proj.col.note", "long", width=200),
)
BUDGET_COLS = (
    Col("unit_name", "proj.col.unit", width=150), Col("func_code", "proj.col.func"),
    Col("econ_code", "proj.col.econ"), Col("fund_type", "proj.col.fund"),
    Col("original", "proj.col.original", "money"), Col("adjusted", "proj.col.adjusted", "money"),
)
PVOTE_COLS = (Col("year", "proj.col.year", "year"),) + VOTE_COLS[:1] + VOTE_COLS[2:]


@dataclass
class ProjectsData:
    years: list[int]
    year: int
    as_of: dt.date
    view: str
    projects: pd.DataFrame                 # the view's projects with flags (queries.projects.project_list)
    flags: pd.DataFrame                    # the project rules' flags of the year
    votes: pd.DataFrame                    # the year's votes of the view's projects, graded
    majority_pct: float = 50.0
    project: dict | None = None            # one project: its row of projects + unit_name
    reports: pd.DataFrame = field(default_factory=pd.DataFrame)
    budget: pd.DataFrame = field(default_factory=pd.DataFrame)
    paid: pd.DataFrame = field(default_factory=pd.DataFrame)
    pvotes: pd.DataFrame = field(default_factory=pd.DataFrame)
    thresholds: dict = field(default_factory=dict)

    @property
    def lag_bands(self) -> tuple[float, float]:
        lag = self.thresholds.get("PROJECT_LAG", {})
        return float(lag.get("max_gap_points", 10.0)), float(lag.get("high_gap_points", 30.0))


def load(store: Store, year: int | None, as_of: dt.date | None, view: str | None,
         project: str | None = None) -> ProjectsData | None:
    """None when no project is loaded at all (or the data has no year).

    The queries go through the page cache (queries/projects.py ``list_data``/``project_data``):
    the list once per generation, scope and view, each project's own rows once per project."""
    view = view if view in qp.VIEWS else qp.VIEWS[0]
    thresholds = load_rule_thresholds(store)
    th = thresholds.values
    pct = float(th.get("LIVELIHOOD_UNSATISFIED", {}).get("majority_pct", 50.0))
    listing = qp.list_data(store, year, as_of, view, pct)
    if listing is None:
        return None
    period = listing.period
    y, day = period.year, period.as_of
    frame, votes = listing.projects, listing.votes

    def flagged() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        # the year's flag set (page cache; made at load for the default view)
        flags = qp.project_flags(qf.computed_flags(store, y, day, thresholds=thresholds)[0])
        return (flags, with_flags(frame, flags),
                votes[votes["project_code"].isin(frame["project_code"])].reset_index(drop=True))
    flags, projects, view_votes = page_cache.memo(
        store, "projects.flagged", (y, day, view, json.dumps(th, sort_keys=True, default=str)), flagged, copy=True)
    data = ProjectsData(list(period.years), y, day, view, projects, flags, view_votes, pct, thresholds=th)
    one = qp.project_data(store, project, y, day, pct) if project else None
    if one is not None:
        data.project = one.info
        data.reports, data.budget, data.paid, data.pvotes = one.reports, one.budget, one.paid, one.votes
    return data


def with_flags(projects: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """Each project's most severe flag (``severity``) and the titles of all of them."""
    out = projects.copy()
    sev: dict = {}
    titles: dict[str, list] = {}
    for key, s, title in zip(flags["entity_key"], flags["severity"], flags["title"]):   # flags' own order
        titles.setdefault(key, []).append(title)
        if key not in sev or _SEV_RANK.get(s, 9) < _SEV_RANK.get(sev[key], 9):
            sev[key] = s
    out["severity"] = pd.Series([sev.get(c) for c in out["project_code"]], index=out.index, dtype=object)
    out["flag_titles"] = ["、".join(titles.get(c, [])) for c in out["project_code"]]
    out["n_flags"] = [len(titles.get(c, [])) for c in out["project_code"]]
    return out


def href(data: ProjectsData, lang: str, **changes) -> str:
    from budgetwatch.dashboard.links import PROJECTS_PATH as PATH
    from budgetwatch.dashboard.urls import build_search
    params = {"view": data.view, "year": data.year, "as_of": data.as_of.isoformat(), "project": None,
              "lang": lang if lang != "zh" else None}
    params.update(changes)
    return PATH + build_search(params)


def list_frame(data: ProjectsData, lang: str) -> pd.DataFrame:
    f = data.projects.copy()
    f["status_text"] = [t(f"pstatus.{s}", lang) for s in f["status"]]
    f["flag_text"] = [(t(f"severity.{s}", lang) + (f" ×{n}" if n > 1 else "")) if not fmt.missing(s) else "—"
                      for s, n in zip(f["severity"], f["n_flags"])]
    return f


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """The gap and physical progress to one decimal, as the tables show them."""
    frame = frame.copy()
    for col, digits in (("gap", 1), ("physical_progress", 1)):
        if col in frame:
            frame[col] = frame[col].map(lambda v: None if fmt.missing(v) else round(float(v), digits))
    return frame


def votes_frame(votes: pd.DataFrame, lang: str) -> pd.DataFrame:
    f = votes.copy()
    f["grade_text"] = [t(f"grade.{g}", lang) for g in f["grade"]] if len(f) else pd.Series(dtype=object)
    return f


def flags_frame(data: ProjectsData, lang: str) -> pd.DataFrame:
    code = data.project["project_code"] if data.project else None
    f = data.flags[data.flags["entity_key"] == code].copy() if code else data.flags.iloc[0:0].copy()
    f = fmt.flags_in(f, lang)
    from budgetwatch.queries.rules import RULES_BY_ID
    f["severity_text"] = [t(f"severity.{s}", lang) for s in f["severity"]]
    f["title"] = [(RULES_BY_ID[r].title_cn if lang == "zh" else RULES_BY_ID[r].title_en) for r in f["rule"]]
    f["href"] = [f"/warnings?year={data.year}&as_of={data.as_of.isoformat()}&flag={quote(r + '|' + k, safe='')}"
                 + ("&lang=en" if lang == "en" else "") for r, k in zip(f["rule"], f["entity_key"])]
    return f.reset_index(drop=True)


def reports_frame(data: ProjectsData, lang: str) -> pd.DataFrame:
    f = data.reports.copy()
    f["status_text"] = [t(f"pstatus.{s}", lang) for s in f["status"]] if len(f) else pd.Series(dtype=object)
    return f


def headline_numbers(data: ProjectsData) -> dict:
    p = data.projects
    live = p[p["year_plan"].fillna(0) > 0]
    plan = float(live["year_plan"].sum()) if len(live) else 0.0
    done = float(live["year_completed"].sum()) if len(live) else 0.0
    due = float((live["expected"] * live["year_plan"]).sum()) if len(live) else 0.0
    return {"n": len(p), "plan": plan, "done": done, "rate": done / plan if plan else None,
            "expected": due / plan if plan else None,
            "total": float(p["total_investment"].sum()) if len(p) else 0.0,
            "flagged": int((p["n_flags"] > 0).sum()) if len(p) else 0,
            "high": int((p["severity"] == "high").sum()) if len(p) else 0,
            "unsatisfied": int((data.votes["grade"] == "不满意").sum()) if len(data.votes) else 0,
            "basic": int((data.votes["grade"] == "基本满意").sum()) if len(data.votes) else 0,
            "status": qp.status_counts(p)}


def money_text(value, lang: str) -> str:
    return fmt.money(value, lang, fmt.money_unit([value or 0]))
