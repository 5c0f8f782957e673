"""The briefing's section 民生实事与重大项目: the year's voted livelihood projects and the
government investment projects by status, those lagging, overdue or not started (the project
rules' active flags, less those dismissed on review), and the satisfaction votes not 满意.

Kept beside dashboard/briefing.py, which calls ``collect`` and ``section``; the data come from
the project page's own model (dashboard/pages/projects/data.py), so the briefing says what the
page shows."""
from __future__ import annotations

import html

import pandas as pd

from budgetwatch.dashboard import format as fmt

TITLE = "八、民生实事与重大项目"
LIST_MAX = 15
_LISTS = (("PROJECT_LAG", "投资进度落后"), ("PROJECT_OVERDUE", "逾期未完工"), ("PROJECT_NOT_STARTED", "未按期开工"))


def collect(store, year: int, as_of, active: pd.DataFrame, units: set[str] | None) -> dict | None:
    """None when no project is loaded (the section is then left out)."""
    import budgetwatch.dashboard.pages.projects.data as pd_
    from budgetwatch.queries.projects import status_counts

    views = {}
    for view in ("livelihood", "investment"):
        data = pd_.load(store, year, as_of, view)
        if data is None:
            return None
        frame = data.projects
        votes = data.votes
        if units is not None:
            frame = frame[frame["dept_code"].isin(units)]
            votes = votes[votes["dept_code"].isin(units)]
        views[view] = {"projects": frame, "status": status_counts(frame), "votes": votes}
    flags = active[active["rule"].isin([r for r, _ in _LISTS] + ["LIVELIHOOD_UNSATISFIED"])]
    flags = flags[~flags["review_status"].eq("dismissed")] if "review_status" in flags else flags
    return {"views": views, "flags": flags}


def _e(value) -> str:
    return html.escape(fmt.text(value))


def _counts(part: dict) -> str:
    s = dict(zip(part["status"]["status"], part["status"]["projects"]))
    return f"未开工{s['未开工']}个、在建{s['在建']}个、已完工{s['已完工']}个、停工{s['停工']}个"


def section(b, table, sev) -> str:
    """The section's HTML (``table`` and ``sev`` are briefing.py's own helpers)."""
    p = b.projects
    if not p:
        return ""
    live, inv = p["views"]["livelihood"], p["views"]["investment"]
    parts = [f"<h2>{TITLE}</h2>"]
    parts.append(f"<p>{b.year}年票决民生实事项目{len(live['projects'])}个：{_counts(live)}；"
                 f"政府投资项目{len(inv['projects'])}个：{_counts(inv)}（状态截至{fmt.date(b.as_of)}）。</p>")
    names = pd.concat([live["projects"], inv["projects"]]).drop_duplicates("project_code")
    name_of = dict(zip(names["project_code"], names["project_name"]))
    unit_of = dict(zip(names["project_code"], names["unit_name"]))
    flags = p["flags"]
    for rule, label in _LISTS:
        part = flags[flags["rule"] == rule].sort_values("amount", ascending=False, kind="stable")
        if part.empty:
            parts.append(f"<p>没有{label}的项目。</p>")
            continue
        more = f"（列出金额最大的{LIST_MAX}个）" if len(part) > LIST_MAX else ""
        parts.append(f"<p>{label}的项目{len(part)}个{more}：</p>")
        rows = [[sev(r.severity), _e(name_of.get(r.entity_key, r.entity_key)), _e(unit_of.get(r.entity_key)),
                 html.escape(fmt.money(r.amount)), _e(r.message)] for r in part.head(LIST_MAX).itertuples()]
        parts.append(table([("等级", "nw"), ("项目", ""), ("牵头单位", ""), ("涉及金额", "num"), ("说明", "")], rows))
    votes = live["votes"]
    bad = votes[votes["grade"] != "满意"] if len(votes) else votes
    if len(votes) == 0:
        parts.append(f"<p>{b.year}年尚无满意度测评结果。</p>")
    elif bad.empty:
        parts.append(f"<p>{b.year}年测评的{len(votes)}个民生实事项目均为满意。</p>")
    else:
        parts.append(f"<p>{b.year}年测评的{len(votes)}个民生实事项目中，{len(bad)}个未达满意：</p>")
        rows = [[_e(r.grade), _e(r.project_name), str(int(r.members)), str(int(r.present)), str(int(r.satisfied)),
                 str(int(r.basically_satisfied)), str(int(r.unsatisfied))] for r in bad.itertuples()]
        parts.append(table([("测评结果", "nw"), ("项目", ""), ("应到", "num"), ("实到", "num"), ("满意", "num"),
                            ("基本满意", "num"), ("不满意", "num")], rows))
    return "\n".join(parts)
