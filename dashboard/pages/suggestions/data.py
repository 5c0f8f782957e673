"""The page's tables, each declared once (grid columns, rows, downloads), from the year's model
(``queries.suggestions.load``: handling rows at the as-of date with the rules' flags). Never
mutates the frames it was given; no SQL here."""
from __future__ import annotations

import pandas as pd

from budgetwatch.dashboard.figures.suggestions import class_label, satisfaction_label, stage_label
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import Col, unit_label
from budgetwatch.queries import suggestions as qs

STAGE_CLASSES = {"bw-cell-high": "params.data.stage == 'overdue'",
                 "bw-cell-medium": "params.data.broken == true"}
SUGGESTION_COLS = (
    Col("suggestion_no", "col.sugg_no", width=110, pinned=True),
    Col("title", "col.sugg_title", "long", width=260),
    Col("field", "col.sugg_field", width=100),
    Col("lead_deputy", "col.lead_deputy", width=100),
    Col("stage_text", "col.stage", width=120, classes=STAGE_CLASSES),
    Col("main_units", "col.main_units", width=150),
    Col("class_text", "col.reply_class", width=150),
    Col("satisfaction_text", "col.satisfaction", width=110,
        classes={"bw-cell-high": "params.data.satisfaction == '不满意'"}),
    Col("deadline", "col.reply_deadline", "date", width=108),
    Col("days_past", "col.days_past", "int", classes={"bw-cell-high": "params.value > 90",
                                                      "bw-cell-medium": "params.value > 0"}),
)
DEPUTY_COLS = (SUGGESTION_COLS[0], Col("signed_text", "col.signed", width=90), *SUGGESTION_COLS[1:])
HANDLING_COLS = (
    Col("unit", "col.unit", width=170, pinned=True), Col("role_text", "col.role", width=90),
    Col("assigned_date", "col.assigned", "date", width=108), Col("deadline", "col.reply_deadline", "date", width=108),
    Col("extended_to", "col.extended_to", "date", width=108),
    Col("replied_date", "col.replied", "date", width=108, classes={"bw-cell-high": "params.data.stage == 'overdue'"}),
    Col("class_text", "col.reply_class", width=140),
    Col("promised_date", "col.promised", "date", width=108, classes={"bw-cell-medium": "params.data.broken == true"}),
    Col("satisfaction_text", "col.satisfaction", width=110,
        classes={"bw-cell-high": "params.data.satisfaction == '不满意'"}),
    Col("source_text", "col.rating_source", width=120,
        classes={"bw-cell-low": "params.data.rating_source == '承办单位代填'"}),
    Col("rated_date", "col.rated", "date", width=108), Col("second_reply_date", "col.second_reply", "date", width=108),
    Col("closed_date", "col.closed", "date", width=108), Col("stage_text", "col.stage", width=120, classes=STAGE_CLASSES),
    Col("flag_titles", "col.flags", "long", width=200),
)
UNIT_COLS = (
    Col("unit", "col.unit", width=180, pinned=True),
    Col("n_main", "col.n_main", "int"), Col("n_co", "col.n_co", "int"),
    Col("on_time_rate", "col.on_time_rate", "pct", classes={"bw-cell-high": "params.data.overdue > 0"}),
    Col("a_share", "col.a_share", "pct"),
    Col("rated", "col.rated_n", "int"),
    Col("satisfaction_rate", "col.satisfaction_rate", "pct",
        classes={"bw-cell-high": "params.data.low_satisfaction == true",
                 "bw-cell-low": "params.data.proxy_rated > 0"}),
    Col("open_promises", "col.open_promises", "int", classes={"bw-cell-medium": "params.data.broken > 0"}),
    Col("overdue", "col.overdue_n", "int", classes={"bw-cell-high": "params.value > 0"}),
    Col("flag_count", "col.flags", "int"),
)
EXTRA = ("stage", "broken", "satisfaction", "rating_source", "overdue", "low_satisfaction", "proxy_rated")


SuggestionData = qs.SuggestionData
load = qs.load          # the year at the as-of date with the thresholds in force (queries/suggestions.py)
flags_of = qs.flags_of


def _broken_numbers(data: SuggestionData) -> set[str]:
    f = flags_of(data)
    return set(f.loc[f["rule"] == "SUGGESTION_PROMISE_DUE", "suggestion_no"])


def suggestion_table(frame: pd.DataFrame, data: SuggestionData, lang: str) -> pd.DataFrame:
    out = frame.copy()
    broken = _broken_numbers(data)
    out["stage_text"] = [stage_label(s, lang) for s in out["stage"]]
    out["class_text"] = [class_label(c, lang) for c in out["reply_class"]]
    out["satisfaction_text"] = [satisfaction_label(s, lang) if isinstance(s, str) else "—" for s in out["satisfaction"]]
    out["broken"] = [n in broken for n in out["suggestion_no"]]
    out["field"] = out["field"].fillna("—")
    if "signed" in out:
        out["signed_text"] = [t(f"sugg.signed.{s}", lang) for s in out["signed"]]
    return out


def handling_table(rows: pd.DataFrame, flags: pd.DataFrame, lang: str) -> pd.DataFrame:
    from budgetwatch.queries.rules import RULES_BY_ID

    out = rows.copy()
    out["unit"] = unit_label(out["dept_code"], out["dept_name"]) if len(out) else pd.Series(dtype=object)
    out["role_text"] = [t(f"sugg.role.{r}", lang) for r in out["role"]]
    out["class_text"] = [class_label(c, lang) if isinstance(c, str) else "—" for c in out["reply_class"]]
    out["satisfaction_text"] = [satisfaction_label(s, lang) if isinstance(s, str) else "—" for s in out["satisfaction"]]
    out["stage_text"] = [stage_label(s, lang) for s in out["stage"]]
    out["source_text"] = [t(f"sugg.source.{s}", lang) if s in ("代表本人", "承办单位代填") else s
                          for s in out["rating_source"]]
    titles: dict[str, list[str]] = {}
    for key, rule in zip(flags["entity_key"], flags["rule"]):
        r = RULES_BY_ID.get(rule)
        titles.setdefault(key.split("|", 1)[1], []).append((r.title_cn if lang == "zh" else r.title_en) if r else rule)
    out["flag_titles"] = ["、".join(titles.get(d, [])) or "—" for d in out["dept_code"]]
    out["broken"] = [("SUGGESTION_PROMISE_DUE" in set(flags.loc[flags["dept_code"] == d, "rule"])) for d in out["dept_code"]]
    return out


def unit_table(data: SuggestionData, lang: str) -> pd.DataFrame:
    out = qs.scorecard(data.rows)
    if out.empty:
        return out.assign(unit=pd.Series(dtype=object))
    f = data.flags
    by_rule = {rule: f.loc[f["rule"] == rule, "dept_code"].value_counts() for rule in set(f["rule"])}

    def n(rule: str, dept: str) -> int:
        return int(by_rule.get(rule, pd.Series(dtype=int)).get(dept, 0))

    out["unit"] = unit_label(out["dept_code"], out["dept_name"])
    out["low_satisfaction"] = [n("SUGGESTION_UNIT_SATISFACTION", d) > 0 for d in out["dept_code"]]
    out["broken"] = [n("SUGGESTION_PROMISE_DUE", d) for d in out["dept_code"]]
    out["proxy_rated"] = [n("SUGGESTION_PROXY_RATED", d) for d in out["dept_code"]]
    counts = f["dept_code"].value_counts()
    out["flag_count"] = [int(counts.get(d, 0)) for d in out["dept_code"]]
    # the units with most warnings first, then the busiest (any column sorts on a click)
    return out.sort_values(["flag_count", "n_main", "dept_code"], ascending=[False, False, True],
                           kind="stable").reset_index(drop=True)


def deputy_table(data: SuggestionData, deputy: str | None, lang: str) -> pd.DataFrame:
    return suggestion_table(qs.of_deputy(data.suggestions, (deputy or "").strip()), data, lang)


def priority_table(data: SuggestionData, lang: str) -> pd.DataFrame:
    s = data.suggestions
    return suggestion_table(s[s["priority"] == "是"] if len(s) else s, data, lang)


def all_table(data: SuggestionData, lang: str) -> pd.DataFrame:
    return suggestion_table(data.suggestions, data, lang)


def stage_counts(data: SuggestionData) -> dict[str, int]:
    s = data.suggestions
    return {stage: int((s["stage"] == stage).sum()) if len(s) else 0 for stage in qs.STAGES}
