"""监督简报 section 代表建议办理: where the year's suggestions stand, and what the five suggestion
rules found — overdue replies, broken B-class promises, unsatisfied deputies without a second
reply, units below the satisfaction line (and ratings the units filled in themselves).

Everything listed is a flag the briefing already counts (its active flags of the year at the
as-of date, dismissed ones left out), so the section never disagrees with ``budgetwatch
flags``; the stage counts come from ``queries.suggestions`` with the same deadlines. All data
goes into the HTML through ``html.escape``.
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

import pandas as pd

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.i18n import t
from budgetwatch.queries import suggestions as qs
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.store import Store

HEADING = "代表建议办理"
LIST_MAX = 15
_PARTS = (  # rule, what the list is, what an empty list says
    ("SUGGESTION_OVERDUE", "逾期未答复", "没有逾期未答复的建议。"),
    ("SUGGESTION_PROMISE_DUE", "B类答复承诺到期未办结", "没有到期未兑现的B类答复承诺。"),
    ("SUGGESTION_UNSATISFIED", "代表不满意且未再次答复", "没有代表不满意而未再次答复的建议。"),
    ("SUGGESTION_UNIT_SATISFACTION", "满意率低于预警线的承办单位", "没有满意率低于预警线的承办单位。"),
)


@dataclass
class SuggestionSection:
    year: int
    as_of: dt.date
    total: int                                   # suggestions of the year (in scope)
    stages: dict[str, int]
    flags: pd.DataFrame                          # the suggestion rules' flags the briefing counts
    proxy_rated: int = 0
    min_satisfied_pct: float = 98.0
    lists: dict[str, pd.DataFrame] = field(default_factory=dict)


def collect(store: Store, year: int, as_of: dt.date, flags: pd.DataFrame,
            units: list[str] | None = None) -> SuggestionSection | None:
    """The section for the year at the as-of date; None when no suggestion is held at all.
    ``flags``: the briefing's active, not dismissed flags (any rule); ``units``: the department's
    unit codes when the briefing is for one department."""
    th = load_thresholds(store.data_dir)
    months = {"main_months": int(th.value("SUGGESTION_OVERDUE", "main_months")),
              "co_months": int(th.value("SUGGESTION_OVERDUE", "co_months"))}
    with store.reader() as con:
        if qs.count(con) == 0:
            return None
        rows = qs.handling(con, year, as_of, **months)
    if units is not None:
        keep = rows.groupby("suggestion_no")["dept_code"].transform(lambda s: s.isin(units).any())
        rows = rows[keep]
    per = qs.per_suggestion(rows)
    mine = flags[flags["rule"].str.startswith("SUGGESTION_")] if len(flags) else flags
    order = {"high": 0, "medium": 1, "low": 2}
    lists = {}
    for rule, _title, _none in _PARTS:
        part = mine[mine["rule"] == rule].copy()
        part["_sev"] = part["severity"].map(order)
        lists[rule] = part.sort_values(["_sev", "entity_key"], kind="stable").drop(columns="_sev")
    return SuggestionSection(
        year=year, as_of=as_of, total=len(per),
        stages={s: int((per["stage"] == s).sum()) if len(per) else 0 for s in qs.STAGES},
        flags=mine, proxy_rated=int((mine["rule"] == "SUGGESTION_PROXY_RATED").sum()),
        min_satisfied_pct=float(th.value("SUGGESTION_UNIT_SATISFACTION", "min_satisfied_pct")), lists=lists)


def _sev(severity: str, lang: str = "zh") -> str:
    label = t(f"brief.sev.{severity}", lang) if severity in ("high", "medium", "low") else severity
    return f'<span class="sev {html.escape(severity)}">{html.escape(label)}</span>'


def _key(entity_key: str) -> tuple[str, str]:
    no, _, dept = str(entity_key).partition("|")
    return (no, dept) if dept else ("", no)


def to_html(s: SuggestionSection | None, heading: str, lang: str = "zh") -> str:
    """The section's HTML in ``lang`` (``heading`` numbered by the briefing, e.g. 六、代表建议办理)."""
    if s is None:
        return f"<h2>{html.escape(heading)}</h2><p>{t('brief.sugg.none_loaded', lang)}</p>"
    st = s.stages
    colon, stop = ("：", "。") if lang == "zh" else (": ", ".")
    parts = [f"<h2>{html.escape(heading)}</h2>",
             "<p>" + t("brief.sugg.text", lang, year=s.year, total=s.total, date=fmt.date(s.as_of, lang), **st)
             + (t("brief.sugg.proxy", lang, n=s.proxy_rated) if s.proxy_rated else "") + "</p>"]
    for rule, _title, _none in _PARTS:
        part = s.lists.get(rule, pd.DataFrame())
        title = t(f"brief.sugg.{rule}", lang)
        label = title if rule != "SUGGESTION_UNIT_SATISFACTION" else (
            f"{title}（{s.min_satisfied_pct:g}%）" if lang == "zh" else f"{title} ({s.min_satisfied_pct:g}%)")
        if part is None or part.empty:
            parts.append(f"<p><b>{html.escape(label)}</b>{colon}{html.escape(t(f'brief.sugg.{rule}.none', lang))}</p>")
            continue
        more = t("brief.sugg.first", lang, n=LIST_MAX) if len(part) > LIST_MAX else ""
        parts.append(f"<p><b>{html.escape(label)}</b>{colon}{t('brief.sugg.count', lang, n=len(part))}{more}{stop}</p>")
        head = [(t("brief.col.sev", lang), "nw"), (t("brief.col.suggestion", lang), "nw"), (t("brief.col.why", lang), "")]
        rows = "".join(
            "<tr>" + f'<td class="nw">{_sev(r.severity, lang)}</td>'
            + f'<td class="nw">{html.escape(_key(r.entity_key)[0] or "—")}</td>'
            + f"<td>{html.escape(fmt.flag_message(r._asdict(), lang))}</td></tr>"
            for r in part.head(LIST_MAX).itertuples())
        th = "".join(f'<th class="{c}">{html.escape(k)}</th>' for k, c in head)
        parts.append(f"<table><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>")
    return "\n".join(parts)
