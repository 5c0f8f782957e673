"""The flags list: the view resolved, the filters applied, counts and thresholds, and its downloads.
"""
from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import html

from budgetwatch.dashboard import auth
from budgetwatch.dashboard import ids
from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.components import card, failure, how_to_load, notice
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.tables import Export
from budgetwatch.dashboard.urls import date_param, int_param, lang_of, with_params
from budgetwatch.queries import flags as qf
from budgetwatch.queries.overview import available_years
from budgetwatch.queries.rules import RULES, RULES_BY_ID
from budgetwatch.queries.rules.base import SEVERITIES
from budgetwatch.queries.rules.engine import resolve_context
from budgetwatch.queries.store import Store

from budgetwatch.dashboard.pages.warnings.words import (STATUS_FILTERS, W, _text, entity_label, parse_flag, rule_title, severity_label,
                     status_label, unit_name)
from budgetwatch.dashboard.pages.warnings.layout import list_columns, threshold_columns


def resolve(store: Store, year: int | None, as_of: str | None) -> dict | None:
    """Year (the latest with budget or payments unless given) and as-of date (the year's
    latest payment unless given and inside the year); None when nothing is loaded."""
    with store.reader() as con:
        years = qf.flag_years(con)
        if not years:
            return None
        main = available_years(con)
        if year not in years:
            year = main[0] if main else years[0]
        day = date_param(as_of)
        ctx_ = resolve_context(con, year, day if day and day.year == year else None)
        ancestors, names = qf.unit_ancestors(con)
    return {"years": years, "year": year, "as_of": ctx_.as_of, "ancestors": ancestors, "names": names}


def filter_flags(frame: pd.DataFrame, *, rule: str | None = None, severity: str | None = None,
                 dept: str | None = None, status: str | None = None,
                 ancestors: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """The flags the filters keep (``dept``: the unit and every unit under it)."""
    keep = pd.Series(True, index=frame.index)
    if rule:
        keep &= frame["rule"] == rule
    if severity:
        keep &= frame["severity"] == severity
    if dept:
        anc = ancestors or {}
        keep &= pd.Series([isinstance(c, str) and (c == dept or dept in anc.get(c, ())) for c in frame["dept_code"]],
                          index=frame.index, dtype=bool)
    if status == "resolved":
        keep &= frame["state"] == "resolved"
    elif status == "open":
        keep &= frame["review_status"].isna() & (frame["state"] == "active")
    elif status:
        keep &= frame["review_status"] == status
    return frame[keep]


def list_rows(frame: pd.DataFrame, names: dict[str, str], lang: str, selected: str | None = None) -> list[dict]:
    rows = []
    for r in frame.to_dict("records"):
        flag_id = f"{r['rule']}|{r['entity_key']}"
        rows.append({
            "flag_id": flag_id, "selected": flag_id == selected,
            "severity": r.get("severity"), "severity_label": severity_label(r.get("severity"), lang),
            "rule": r["rule"], "title": rule_title(r["rule"], lang),
            "entity": f"{entity_label(r.get('entity_type'), lang)} {r['entity_key']}",
            "unit": unit_name(r.get("dept_code"), names),
            "amount": fmt.cell(r.get("amount")),
            "message": fmt.flag_message(r, lang),
            "status": status_label(r, lang), "state": r.get("state"),
            "reviewer": r.get("reviewer") if isinstance(r.get("reviewer"), str) else "",
        })
    return rows


def counts(frame: pd.DataFrame, lang: str) -> tuple[list, list]:
    """Cards by severity and chips by rule × severity: the active flags less those a reviewer
    dismissed (排除), as the briefing counts them; a card says how many it leaves out."""
    active = frame[frame["state"] == "active"]
    dismissed = active["review_status"].eq("dismissed")
    counted = active[~dismissed]
    by_sev = counted["severity"].value_counts()
    left_out = active.loc[dismissed, "severity"].value_counts()
    reviewed = int(active["review_status"].notna().sum())
    resolved = int((frame["state"] == "resolved").sum())
    cards = [card(severity_label(s, lang), t("warn.count", lang, n=int(by_sev.get(s, 0))),
                  t(f"warn.sev_note.{s}", lang) + (t("warn.dismissed_note", lang, n=int(left_out[s]))
                                                   if left_out.get(s, 0) else ""),
                  f"is-sev-{s}") for s in SEVERITIES]
    cards.append(card(t("warn.reviewed", lang), t("warn.count", lang, n=reviewed),
                      t("warn.reviewed_note", lang, total=len(active), resolved=resolved)))
    chips = []
    for rule in RULES:
        sub = counted[counted["rule"] == rule.id]
        if sub.empty:
            continue
        n = sub["severity"].value_counts()
        chips.append(html.Span(className="bw-rule-chip", title=rule.id, children=[
            html.Span(rule_title(rule.id, lang), className="bw-rule-chip-name"),
            *[html.Span(str(int(n[s])), className=f"bw-badge bw-sev-{s}", title=severity_label(s, lang))
              for s in SEVERITIES if n.get(s, 0)],
        ]))
    return cards, chips


def threshold_rows(thresholds, lang: str) -> list[dict]:
    rows = []
    for r in thresholds.rows():
        rows.append({
            "rule": r["rule"], "title": rule_title(r["rule"], lang), "param": r["param"],
            "value": _show(r["value"]), "default": _show(r["default"]),
            "source": t("warn.source.default", lang) if r["source"] == "default" else r["source"],
            "changed": r["source"] != "default",
            "help": r["help_cn"] if lang == "zh" else r["help_en"],
        })
    return rows


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "、".join(map(str, v))
    return f"{v:,}" if isinstance(v, int) else str(v)


def _staff() -> bool:
    """Whether the reader may open inquiries (the list then offers tick boxes)."""
    user = auth.user()
    return user is not None and user.can("staff")


def _load(store: Store, year, as_of, *, rule_ids=None) -> tuple[dict | None, qf.FlagSet | None]:
    view = resolve(store, int_param(str(year)) if year is not None else None, as_of)
    if view is None:
        return None, None
    fs = qf.flag_set(store, view["year"], view["as_of"], rule_ids=rule_ids)
    return view, fs


def update_warnings(store: Store, year, as_of, rule, severity, dept, status, flag, search) -> dict:
    """Everything above the flag's detail, and the URL; a sentence when something fails."""
    lang = lang_of(search)
    out = {"year_options": dash.no_update, "year": dash.no_update, "as_of": dash.no_update,
           "dept_options": dash.no_update, "message": None, "body_style": {"display": "none"},
           "counts": [], "by_rule": [], "threshold_summary": t("warn.thresholds", lang),
           "thresholds": [], "threshold_columns": threshold_columns(lang), "list_note": "",
           "rows": [], "columns": list_columns(lang, selectable=_staff()), "view": dash.no_update}
    try:
        view, fs = _load(store, year, as_of)
        if view is None:
            out["message"] = notice(t("warn.empty.none", lang), more=how_to_load(lang))
            return out
    except Exception as exc:    # flags recomputed after a load, a failed query or rule: a sentence
        out["message"] = failure(exc, lang, "warnings")
        return out

    frame, names, anc = fs.frame, view["names"], view["ancestors"]
    if flag and not parse_flag(flag):
        flag = None
    rule = rule if rule in RULES_BY_ID else None
    severity = severity if severity in SEVERITIES else None
    status = status if status in STATUS_FILTERS else None
    shown = filter_flags(frame, rule=rule, severity=severity, dept=dept or None, status=status, ancestors=anc)
    cards, chips = counts(frame, lang)
    # Units that have flags, and every unit above them, for the unit filter.
    codes = sorted({a for c in frame["dept_code"].dropna() for a in anc.get(c, {c})} | ({dept} if dept else set()))
    day = view["as_of"]
    changed = sum(1 for r in fs.thresholds.rows() if r["source"] != "default")
    out.update(
        year_options=[{"label": str(y), "value": y} for y in view["years"]],
        year=view["year"], as_of=day.isoformat() if day else None,
        dept_options=[{"label": f"{names.get(c, c)}（{c}）" if lang == "zh" else f"{names.get(c, c)} ({c})",
                       "value": c} for c in codes],
        body_style={},
        counts=cards, by_rule=chips,
        threshold_summary=t("warn.thresholds_summary", lang, rules=len(RULES), changed=changed),
        thresholds=threshold_rows(fs.thresholds, lang),
        list_note=t("warn.list_note", lang, shown=len(shown), total=len(frame),
                    date=fmt.date(day, lang) if day else "—"),
        rows=list_rows(shown, names, lang, flag),
        view=with_params(search, year=view["year"], as_of=day.isoformat() if day else None, rule=rule,
                         severity=severity, dept=dept or None, status=status, flag=flag, lang=lang),
    )
    if frame.empty:
        out["message"] = notice(t("warn.empty.year", lang, year=view["year"]))
    elif shown.empty:
        out["message"] = notice(t("warn.empty.filtered", lang))
    return out


def select_flag(triggered, cell: dict | None, current: str | None):
    """A click on a row opens its flag (again: closes it); the close button closes."""
    if triggered == W.CLOSE:
        return None
    if triggered == ids.table(W.LIST) and cell and cell.get("rowId"):
        return cell["rowId"] if parse_flag(cell["rowId"]) else dash.no_update
    return dash.no_update


def fetch_list(store: Store, query: dict, lang: str) -> Export:
    view, fs = _load(store, int_param(query.get("year")), query.get("as_of"))
    if view is None:
        return Export(pd.DataFrame(), t("warn.export.list", lang, year="—"))
    shown = filter_flags(fs.frame, rule=query.get("rule"), severity=query.get("severity"), dept=query.get("dept"),
                         status=query.get("status"), ancestors=view["ancestors"])
    rows = list_rows(shown, view["names"], lang)
    frame = pd.DataFrame({
        t("warn.col.severity", lang): [r["severity_label"] for r in rows],
        t("warn.col.rule", lang): [r["title"] for r in rows],
        "rule": [r["rule"] for r in rows],
        "entity_key": list(shown["entity_key"]),
        t("warn.col.unit", lang): [r["unit"] for r in rows],
        fmt.axis_title(t("warn.col.amount", lang), t("unit.wan", lang), lang): [r["amount"] for r in rows],
        t("warn.col.message", lang): [r["message"] for r in rows],
        t("warn.col.status", lang): [r["status"] for r in rows],
        t("warn.col.reviewer", lang): [r["reviewer"] for r in rows],
        t("warn.col.note", lang): [n if isinstance(n, str) else "" for n in shown.get("review_note", [])],
    })
    filters = [(t(k, lang), v) for k, v in (("warn.rule", query.get("rule")), ("warn.severity", query.get("severity")),
                                             ("warn.dept", query.get("dept")), ("warn.status", query.get("status"))) if v]
    day = view["as_of"]
    return Export(frame, t("warn.export.list", lang, year=view["year"]), filters, day.isoformat() if day else None)


def fetch_thresholds(store: Store, query: dict, lang: str) -> Export:
    from budgetwatch.queries.rules.config import load_thresholds
    rows = threshold_rows(load_thresholds(store.data_dir), lang)
    frame = pd.DataFrame(rows).drop(columns=["changed"]).rename(columns={
        c["field"]: c["headerName"] for c in threshold_columns(lang)})
    return Export(frame, t("warn.thresholds", lang))
