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
from budgetwatch.dashboard.i18n import t
from budgetwatch.queries.rules.base import en_word

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


def _counts(part: dict, lang: str = "zh") -> str:
    s = dict(zip(part["status"]["status"], part["status"]["projects"]))
    return t("brief.proj.counts", lang, a=s['未开工'], b=s['在建'], c=s['已完工'], d=s['停工'])


def section(b, table, sev) -> str:
    """The section's HTML in the briefing's language (``table`` and ``sev`` are briefing.py's own helpers)."""
    p, lang = b.projects, getattr(b, "lang", "zh")
    if not p:
        return ""
    live, inv = p["views"]["livelihood"], p["views"]["investment"]
    parts = [f"<h2>{t('brief.s7', lang)}</h2>"]
    parts.append("<p>" + t("brief.proj.text", lang, year=b.year, n_live=len(live['projects']), live=_counts(live, lang),
                           n_inv=len(inv['projects']), inv=_counts(inv, lang), date=fmt.date(b.as_of, lang)) + "</p>")
    names = pd.concat([live["projects"], inv["projects"]]).drop_duplicates("project_code")
    name_of = dict(zip(names["project_code"], names["project_name"]))
    unit_of = dict(zip(names["project_code"], names["unit_name"]))
    flags = p["flags"]
    for rule, _label in _LISTS:
        label = t(f"brief.proj.{rule}", lang)
        part = flags[flags["rule"] == rule].sort_values("amount", ascending=False, kind="stable")
        if part.empty:
            parts.append(f"<p>{t('brief.proj.none', lang, label=label)}</p>")
            continue
        more = t("brief.proj.more", lang, n=LIST_MAX) if len(part) > LIST_MAX else ""
        parts.append(f"<p>{t('brief.proj.list', lang, label=label, n=len(part), more=more)}</p>")
        rows = [[sev(r.severity, lang), _e(name_of.get(r.entity_key, r.entity_key)), _e(unit_of.get(r.entity_key)),
                 html.escape(fmt.money(r.amount, lang)), _e(fmt.flag_message(r._asdict(), lang))]
                for r in part.head(LIST_MAX).itertuples()]
        parts.append(table([(t(k, lang), cls) for k, cls in (
            ("brief.col.sev", "nw"), ("brief.col.project", ""), ("brief.col.lead", ""), ("brief.col.amount", "num"),
            ("brief.col.why", ""))], rows))
    votes = live["votes"]
    bad = votes[votes["grade"] != "满意"] if len(votes) else votes
    if len(votes) == 0:
        parts.append(f"<p>{t('brief.proj.no_votes', lang, year=b.year)}</p>")
    elif bad.empty:
        parts.append(f"<p>{t('brief.proj.all_ok', lang, year=b.year, n=len(votes))}</p>")
    else:
        parts.append(f"<p>{t('brief.proj.bad', lang, year=b.year, n=len(votes), k=len(bad))}</p>")
        rows = [[_e(r.grade if lang == "zh" else en_word(r.grade)), _e(r.project_name), str(int(r.members)),
                 str(int(r.present)), str(int(r.satisfied)), str(int(r.basically_satisfied)), str(int(r.unsatisfied))]
                for r in bad.itertuples()]
        parts.append(table([(t(k, lang), cls) for k, cls in (
            ("brief.col.grade", "nw"), ("brief.col.project", ""), ("brief.col.members", "num"),
            ("brief.col.present", "num"), ("brief.col.satisfied", "num"), ("brief.col.basically", "num"),
            ("brief.col.unsatisfied", "num"))], rows))
    return "\n".join(parts)
