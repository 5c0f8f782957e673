"""The 监督简报's section on inquiries (询问督办): how many were sent and answered, which are
overdue, how many the committee closed unsatisfied — for the briefing's year (the flags' year
of each inquiry) and, for a department's briefing, the inquiries addressed to its units.
All text goes in through ``html.escape``."""
from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.i18n import t
from budgetwatch.queries import inquiries as qi

HEADING = "七、询问督办"
LIST_MAX = 15


def collect(store, year: int, units: list[str] | None = None, today: dt.date | None = None) -> dict:
    """Counts and the overdue inquiries (most overdue first), as the briefing shows them."""
    frame = qi.list_inquiries(store, None, year=year, today=today)
    if units is not None:
        frame = frame[frame["dept_code"].isin(set(units))]
    frame = frame[frame["state"] != "draft"]
    overdue = frame.loc[frame["overdue"].astype(bool)].sort_values(["days_overdue", "ref"], ascending=[False, True])
    return {"counts": qi.counts(frame), "overdue": overdue.head(LIST_MAX), "frame": frame}


def section(data: dict | None, year: int, lang: str = "zh") -> str:
    if data is None:
        return ""
    n = data["counts"]
    parts = [f"<h2>{t('brief.s6', lang)}</h2>"]
    if not n["total"]:
        parts.append(f"<p>{t('brief.inq.none', lang, year=year)}</p>")
        return "\n".join(parts)
    days = pd.to_numeric(data["frame"]["days_to_answer"], errors="coerce").dropna()
    avg = t("brief.inq.avg", lang, days=f"{days.mean():.1f}") if len(days) else ""
    parts.append("<p>" + t("brief.inq.text", lang, year=year, sent=n['sent'], answered=n['answered'], avg=avg,
                           overdue=n['overdue'], bad=n['closed_unsatisfied']) + "</p>")
    overdue: pd.DataFrame = data["overdue"]
    if not overdue.empty:
        head = "".join(f"<th{cls}>{html.escape(t(key, lang))}</th>" for key, cls in (
            ("brief.col.ref", ""), ("brief.col.addressed", ""), ("brief.col.sent", ""), ("brief.col.due", ""),
            ("brief.col.days", ' class="num"'), ("brief.col.flags", ' class="num"')))
        rows = "".join(
            f"<tr><td class=\"nw\">{html.escape(fmt.text(r['ref']))}</td><td>{html.escape(fmt.text(r['dept_name']))}</td>"
            f"<td class=\"nw\">{html.escape(fmt.text(r['sent_on']))}</td><td class=\"nw\">{html.escape(fmt.text(r['due_date']))}</td>"
            f"<td class=\"num\">{int(r['days_overdue'])}</td><td class=\"num\">{int(r['flags'] or 0)}</td></tr>"
            for r in overdue.to_dict("records"))
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return "\n".join(parts)
