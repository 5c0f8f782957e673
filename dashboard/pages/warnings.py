"""预警 Warnings: every flag of a year (active and resolved), filtered by rule, severity,
unit and review status; the thresholds in force; one flag's evidence and its review.

The view is the URL query::

    /warnings?year=2025&as_of=2025-12-31&rule=DUPLICATE_PAYMENT&severity=high&dept=002
             &status=open&flag=DUPLICATE_PAYMENT|20250000032626&lang=zh

``status`` is ``open`` (not reviewed), ``confirmed``, ``dismissed``, ``referred`` or
``resolved`` (reviewed earlier, no longer fires). ``dept`` keeps the flags of that unit and of
every unit under it. ``flag`` is ``RULE|ENTITY_KEY`` (entity keys may hold ``|`` themselves).

Flags come from ``queries.flags.flag_set`` — ``compute_flags`` with the thresholds in force,
cached per data generation, joined with the reviews in state.sqlite3. Four callbacks, each a
plain function here: ``update_warnings`` (filters → list, counts, thresholds, URL),
``select_flag`` (a click in the list → ``flag``), ``update_detail`` (the flag's evidence and
review history) and ``save_review`` (the form → ``queries.reviews.add_review``).
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html

from budgetwatch.dashboard import auth, ids
from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.components import as_of_field, card, figure_card, how_to_load, notice, view_store, year_field
from budgetwatch.dashboard.figures import warnings as figs
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.dashboard.inquiry_links import flag_inquiry_links
from budgetwatch.dashboard.links import link_voucher_cells
from budgetwatch.dashboard.tables import Export, register_export, table_card
from budgetwatch.dashboard.urls import date_param, int_param, lang_of, parse_search, with_params
from budgetwatch.queries import flags as qf
from budgetwatch.queries import reviews as rv
from budgetwatch.queries.overview import available_years
from budgetwatch.queries.state import StateError
from budgetwatch.queries.rules import RULES, RULES_BY_ID
from budgetwatch.queries.rules.base import RuleError, SEVERITIES
from budgetwatch.queries.rules.engine import resolve_context
from budgetwatch.queries.store import QueryError, Store
from budgetwatch.queries.summary import FlagsUpdating

PATH = "/warnings"
NAV_KEY = "nav.warnings"
VIEW = "warnings"
W = ids.Warnings
STATUS_FILTERS = ("open", "confirmed", "dismissed", "referred", "resolved")
REVIEW_STATUSES = tuple(rv.STATUSES)
MAX_LINKS = 20

log = logging.getLogger("budgetwatch.dashboard")


# -- words ---------------------------------------------------------------------------------
def severity_label(sev: str | None, lang: str) -> str:
    return t(f"warn.sev.{sev}", lang) if sev in SEVERITIES else "—"


def rule_title(rule: str, lang: str) -> str:
    r = RULES_BY_ID.get(rule)
    return (r.title_cn if lang == "zh" else r.title_en) if r else rule


def status_label(row: dict, lang: str) -> str:
    status = row.get("review_status")
    text = t(f"warn.status.{status}", lang) if isinstance(status, str) and status in rv.STATUSES \
        else t("warn.status.open", lang)
    return text + (t("warn.resolved_suffix", lang) if row.get("state") == "resolved" else "")


def entity_label(entity_type: str | None, lang: str) -> str:
    """A known entity type in the reader's language; an unknown one as text; nothing as —."""
    return data_label("warn.entity", entity_type, lang) if isinstance(entity_type, str) and entity_type else "—"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_flag(value: str | None) -> tuple[str, str] | None:
    """``RULE|ENTITY_KEY`` → (rule, key); None when absent or not of that shape."""
    if not value or "|" not in value:
        return None
    rule, key = value.split("|", 1)
    rule = rule.strip().upper()
    return (rule, key) if rule in RULES_BY_ID and key else None


# -- layout --------------------------------------------------------------------------------
def _dropdown(id_: str, label: str, value, options, *, width: str = "180px", searchable: bool = False,
              placeholder: str = "") -> html.Label:
    return html.Label(className="bw-field", children=[
        html.Span(label),
        dcc.Dropdown(id=id_, value=value, options=options, clearable=True, searchable=searchable,
                     placeholder=placeholder, style={"width": width}),
    ])


def layout(query: dict[str, str], lang: str) -> html.Div:
    year = int_param(query.get("year"))
    as_of = date_param(query.get("as_of"))
    rule = query.get("rule") if query.get("rule") in RULES_BY_ID else None
    severity = query.get("severity") if query.get("severity") in SEVERITIES else None
    status = query.get("status") if query.get("status") in STATUS_FILTERS else None
    dept = query.get("dept") or None
    flag = query.get("flag") if parse_flag(query.get("flag")) else None
    every = t("warn.all", lang)
    user = auth.current_user()
    # Members read reviews; only staff record them, so a member's form is shown read-only
    # (the save callback refuses them anyway) with a sentence saying who reviews.
    readonly = not auth.can_review(user)
    return html.Div(className="bw-page bw-warnings", children=[
        view_store(VIEW),
        dcc.Store(id=W.FLAG, data=flag),
        dcc.Store(id=W.SAVED, data=0),
        dcc.Store(id=W.SCROLL),
        html.Div(className="bw-toolbar", children=[
            html.H1(t("warn.title", lang), className="bw-page-title"),
            year_field(W.YEAR, year, lang),
            as_of_field(W.AS_OF, as_of, lang),
            _dropdown(W.RULE, t("warn.rule", lang), rule, rule_options(lang), width="220px",
                      searchable=True, placeholder=every),
            _dropdown(W.SEVERITY, t("warn.severity", lang), severity,
                      [{"label": severity_label(s, lang), "value": s} for s in SEVERITIES],
                      width="140px", placeholder=every),
            _dropdown(W.DEPT, t("warn.dept", lang), dept,
                      [{"label": dept, "value": dept}] if dept else [], width="240px", searchable=True,
                      placeholder=every),
            _dropdown(W.STATUS, t("warn.status", lang), status,
                      [{"label": t(f"warn.status.{s}", lang), "value": s} for s in STATUS_FILTERS],
                      width="140px", placeholder=every),
        ]),
        html.Div(id=W.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6},
                    children=html.Div(id=W.BODY, children=[
                        html.Section(id=W.COUNTS, className="bw-cards"),
                        html.Div(id=W.BY_RULE, className="bw-rule-counts"),
                        html.Details(className="bw-thresholds", children=[
                            html.Summary(id=W.THRESHOLD_SUMMARY, children=t("warn.thresholds", lang)),
                            html.P(t("warn.thresholds_note", lang), className="bw-detail"),
                            table_card(W.THRESHOLD_TABLE, lang, style={"height": "420px", "width": "100%"}),
                        ]),
                        html.P(id=W.LIST_NOTE, className="bw-list-note"),
                        table_card(W.LIST, lang, getRowId="params.data.flag_id", style={"width": "100%"},
                                   rowClassRules={"bw-row-selected": "params.data.selected"},
                                   dashGridOptions={"tooltipShowDelay": 300, "domLayout": "autoHeight"}),
                    ])),
        html.Section(id=W.DETAIL, className="bw-flag-detail", style={"display": "none"}, children=[
            html.Div(className="bw-flag-head", children=[
                html.H2(id=W.DETAIL_TITLE),
                html.Button(t("warn.close", lang), id=W.CLOSE, n_clicks=0, className="bw-wd-button is-quiet"),
            ]),
            html.Div(id=W.DETAIL_BODY),
            html.Div(id=W.EVIDENCE_GRAPH_WRAP, style={"display": "none"},
                     children=figure_card(W.EVIDENCE_GRAPH, lang, image_filename("warnings", "evidence", year))),
            html.Div(id=W.EVIDENCE_TABLE_WRAP, style={"display": "none"}, children=[
                table_card(W.EVIDENCE_TABLE, lang, style={"width": "100%"},
                           dashGridOptions={"domLayout": "autoHeight"}),
            ]),
            html.Div(id=W.EVIDENCE_LINKS, className="bw-links"),
            html.Div(id=W.FORM, className="bw-review-form", children=[
                html.H3(t("warn.review.title", lang)),
                html.P(t("warn.review.readonly", lang), className="bw-detail bw-readonly") if readonly else None,
                dcc.RadioItems(id=W.REVIEW_STATUS, className="bw-radio", inline=True, value=None,
                               options=[{"label": f"{t(f'warn.status.{s}', lang)}", "value": s,
                                         "disabled": readonly} for s in REVIEW_STATUSES]),
                html.Label(className="bw-field", children=[
                    html.Span(t("warn.review.note", lang)),
                    dcc.Textarea(id=W.REVIEW_NOTE, className="bw-textarea", disabled=readonly,
                                 placeholder=t("warn.review.note_hint", lang)),
                ]),
                html.Div(className="bw-form-row", children=[
                    html.Label(className="bw-field", children=[
                        html.Span(t("warn.review.by", lang)),
                        dcc.Input(id=W.REVIEW_NAME, type="text", value=user or "", disabled=bool(user),
                                  placeholder=t("warn.review.by_hint", lang), className="bw-input"),
                    ]),
                    html.Button(t("warn.review.save", lang), id=W.REVIEW_SAVE, n_clicks=0,
                                className="bw-wd-button", disabled=readonly),
                ]),
                html.Div(id=W.REVIEW_RESULT, role="status"),
            ]),
            html.H3(t("warn.history", lang)),
            table_card(W.HISTORY, lang, style={"width": "100%"}, dashGridOptions={"domLayout": "autoHeight"}),
        ]),
    ])


def rule_options(lang: str) -> list[dict]:
    return [{"label": f"{rule_title(r.id, lang)}（{r.id}）" if lang == "zh" else f"{rule_title(r.id, lang)} ({r.id})",
             "value": r.id} for r in RULES]


# -- the view, resolved --------------------------------------------------------------------
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


def unit_name(code: str | None, names: dict[str, str]) -> str:
    if not isinstance(code, str) or not code:
        return "—"
    return names.get(code, code)


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
            "amount": None if fmt.missing(r.get("amount")) else round(float(r["amount"]) / 1e4, 2),
            "message": _text(r.get("message")),
            "status": status_label(r, lang), "state": r.get("state"),
            "reviewer": r.get("reviewer") if isinstance(r.get("reviewer"), str) else "",
        })
    return rows


def list_columns(lang: str) -> list[dict]:
    money = {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}
    return [
        {"field": "severity_label", "headerName": t("warn.col.severity", lang), "width": 110, "maxWidth": 130,
         "cellClassRules": {f"bw-sev bw-sev-{s}": f"params.data.severity == '{s}'" for s in SEVERITIES}},
        {"field": "title", "headerName": t("warn.col.rule", lang), "width": 150},
        {"field": "unit", "headerName": t("warn.col.unit", lang), "width": 180},
        {"field": "entity", "headerName": t("warn.col.entity", lang), "width": 200},
        {"field": "amount", "headerName": fmt.axis_title(t("warn.col.amount", lang), t("unit.wan", lang), lang),
         "type": "rightAligned", "valueFormatter": money, "width": 150, "minWidth": 140,
         "filter": "agNumberColumnFilter"},
        {"field": "message", "headerName": t("warn.col.message", lang), "flex": 3, "minWidth": 320,
         "tooltipField": "message"},
        {"field": "status", "headerName": t("warn.col.status", lang), "width": 120,
         "cellClassRules": {"bw-status-resolved": "params.data.state == 'resolved'",
                            "bw-status-reviewed": "params.data.state != 'resolved' && params.data.reviewer"}},
    ]


def counts(frame: pd.DataFrame, lang: str) -> tuple[list, list]:
    """Cards by severity (active flags) and chips by rule × severity."""
    active = frame[frame["state"] == "active"]
    by_sev = active["severity"].value_counts()
    reviewed = int(active["review_status"].notna().sum())
    resolved = int((frame["state"] == "resolved").sum())
    cards = [card(severity_label(s, lang), t("warn.count", lang, n=int(by_sev.get(s, 0))),
                  t(f"warn.sev_note.{s}", lang), f"is-sev-{s}") for s in SEVERITIES]
    cards.append(card(t("warn.reviewed", lang), t("warn.count", lang, n=reviewed),
                      t("warn.reviewed_note", lang, total=len(active), resolved=resolved)))
    chips = []
    for rule in RULES:
        sub = active[active["rule"] == rule.id]
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


def threshold_columns(lang: str) -> list[dict]:
    return [
        {"field": "title", "headerName": t("warn.col.rule", lang), "width": 160},
        {"field": "rule", "headerName": "ID", "width": 160},
        {"field": "param", "headerName": t("warn.col.param", lang), "width": 150},
        {"field": "value", "headerName": t("warn.col.value", lang), "width": 120,
         "cellClassRules": {"bw-changed": "params.data.changed"}},
        {"field": "default", "headerName": t("warn.col.default", lang), "width": 120},
        {"field": "source", "headerName": t("warn.col.source", lang), "width": 140},
        {"field": "help", "headerName": t("warn.col.help", lang), "flex": 2, "minWidth": 260, "tooltipField": "help"},
    ]


# -- callback bodies -----------------------------------------------------------------------
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
           "rows": [], "columns": list_columns(lang), "view": dash.no_update}
    try:
        view, fs = _load(store, year, as_of)
        if view is None:
            out["message"] = notice(t("warn.empty.none", lang), more=how_to_load(lang))
            return out
    except FlagsUpdating:       # recomputed after a load: said, not the previous load's flags
        out["message"] = notice(t("flags.updating", lang))
        return out
    except (QueryError, RuleError) as exc:
        log.warning("warnings query failed: %s", exc)
        out["message"] = notice(t("error.query", lang), detail=str(exc), tone="is-error")
        return out
    except Exception:
        log.exception("warnings failed")
        out["message"] = notice(t("error.unexpected", lang), tone="is-error")
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


def find_flag(fs: qf.FlagSet, rule: str, key: str) -> dict | None:
    return qf.find(fs, rule, key)


_EVIDENCE_COLUMNS = {
    "vouchers": ("voucher_no", "pay_date", "dept_name", "payee", "amount", "func_code", "econ_code", "fund_type", "purpose"),
    "budget_line": ("voucher_no", "pay_date", "payee", "amount", "func_code", "econ_code", "purpose"),
    "enterprise": ("year", "enterprise_name", "total_assets", "total_liabilities", "owner_equity", "revenue", "profit",
                   "debt_ratio"),
    "findings": ("finding_id", "audit_year", "audit_project", "dept_name", "category", "description", "amount_involved",
                 "deadline", "status", "amount_rectified", "rectified_date"),
    "assets": ("asset_category", "quantity", "book_value", "idle_value", "idle_share"),
    "sangong": ("econ_code", "previous", "current"),
    "monthly": ("month", "spent", "n"),
    "first_digit": ("digit", "n", "observed", "expected"),
    "suggestions": ("suggestion_no", "title", "dept_name", "role", "assigned_date", "deadline_date", "replied_date",
                    "reply_class", "promised_date", "satisfaction", "rating_source", "rated_date",
                    "second_reply_date", "closed_date"),
}
_MONEY = {"amount", "total_assets", "total_liabilities", "owner_equity", "revenue", "profit", "amount_involved",
          "amount_rectified", "book_value", "idle_value", "previous", "current", "spent"}
_SHARE = {"debt_ratio", "idle_share", "observed", "expected"}


def evidence_frame(ev: qf.Evidence, lang: str) -> pd.DataFrame:
    """The evidence as a person reads it: money in 万元, shares in %, headers in the language."""
    cols = [c for c in _EVIDENCE_COLUMNS.get(ev.kind, ()) if c in ev.frame.columns]
    out = pd.DataFrame(index=ev.frame.index)
    for c in cols:
        s = ev.frame[c]
        if c in _MONEY:
            out[fmt.axis_title(t(f"ev.{c}", lang), t("unit.wan", lang), lang)] = (pd.to_numeric(s) / 1e4).round(2)
        elif c in _SHARE:
            out[fmt.axis_title(t(f"ev.{c}", lang), "%", lang)] = (pd.to_numeric(s) * 100).round(1)
        else:
            out[t(f"ev.{c}", lang)] = [None if fmt.missing(v) else str(v)[:10] if c.endswith("date") or c == "deadline"
                                       else v for v in s]
    return out


def grid_columns(frame: pd.DataFrame) -> list[dict]:
    number = {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}
    defs = []
    for c in frame.columns:
        d = {"field": c, "headerName": c}
        if pd.api.types.is_float_dtype(frame[c]):
            d.update(type="rightAligned", valueFormatter=number, filter="agNumberColumnFilter")
        defs.append(d)
    return defs


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if fmt.missing(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


def update_detail(store: Store, flag: str | None, year, as_of, search) -> dict:
    """The selected flag: message, entity, evidence (chart and/or table), links, history."""
    lang = lang_of(search)
    hidden = {"display": "none"}
    out = {"style": hidden, "title": "", "body": [], "graph_style": hidden, "figure": dash.no_update,
           "graph_config": dash.no_update, "table_style": hidden, "table_rows": [], "table_columns": [],
           "links": [], "history_rows": [], "history_columns": history_columns(lang), "form_style": {},
           "result": None, "status": None, "scroll": dash.no_update}
    picked = parse_flag(flag)
    if picked is None or year is None:
        return out
    rule, key = picked
    out.update(style={}, title=f"{rule_title(rule, lang)} · {key}", scroll=flag)
    try:
        fs = qf.flag_set(store, int(year), date_param(as_of))
        row = find_flag(fs, rule, key)
        history = qf.flag_history(store, rule, key, int(year), fs=fs)
        out["history_rows"] = history_rows(history, lang)
        if row is None:
            out["body"] = notice(t("warn.detail.gone", lang, year=year))
            out["form_style"] = hidden if history.empty else {}
            return out
        with store.reader() as con:
            ev = qf.evidence(con, row)
    except (QueryError, RuleError) as exc:
        log.warning("flag detail failed: %s", exc)
        out["body"] = notice(t("error.query", lang), detail=str(exc), tone="is-error")
        return out
    except Exception:
        log.exception("flag detail failed")
        out["body"] = notice(t("error.unexpected", lang), tone="is-error")
        return out

    names = {}
    with store.reader() as con:
        names = qf.unit_ancestors(con)[1]
    out["body"] = detail_body(row, names, lang)
    if row.get("state") == "resolved":
        out["body"] = [notice(t("warn.detail.gone", lang, year=year)), *out["body"]]
    frame = evidence_frame(ev, lang)
    if ev.kind in ("monthly", "budget_line", "first_digit"):
        out["graph_style"] = {}
        out["figure"] = evidence_figure(ev, row, names, lang)
        out["graph_config"] = image_config(image_filename("warnings", f"{rule.lower()}_{_safe(key)}", int(year)))
    if ev.kind not in ("none", "monthly", "first_digit") and not frame.empty:
        out.update(table_style={}, table_rows=_records(frame), table_columns=grid_columns(frame))
        link_voucher_cells(   # each voucher opens its detail
            out["table_rows"], out["table_columns"], t("ev.voucher_no", lang), lang)
    if row.get("entity_type") == "project":     # the project page shows its reports, money and vouchers
        out["links"] = project_link(row["entity_key"], int(year), as_of, lang)
    elif ev.kind == "none":
        out["links"] = html.P(t("warn.detail.no_evidence", lang), className="bw-detail")
    elif ev.vouchers and ev.kind == "vouchers":
        out["links"] = voucher_links(ev.vouchers, int(year), lang)
    elif ev.kind == "suggestions":
        keep = "&lang=en" if lang == "en" else ""
        out["links"] = [html.Span(t("warn.detail.links", lang)), *[
            dcc.Link(no, href=f"/suggestions?year={year}&as_of={(as_of or '')[:10]}&suggestion={no}{keep}",
                     className="bw-voucher-link") for no in ev.extra.get("suggestions", [])[:20]]]
    links = out["links"] if isinstance(out["links"], list) else [out["links"]]
    out["links"] = [*links, *flag_inquiry_links(store, rule, key, int(year), lang, date_param(as_of))]   # 询问督办
    return out


def _safe(key: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in key)[:40]


def detail_body(row: dict, names: dict[str, str], lang: str) -> list:
    sev = row.get("severity")
    facts = [
        (t("warn.col.severity", lang), html.Span(severity_label(sev, lang), className=f"bw-tag bw-sev-{sev}")),
        (t("warn.col.entity", lang), f"{entity_label(row.get('entity_type'), lang)} {row['entity_key']}"),
        (t("warn.col.unit", lang), f"{unit_name(row.get('dept_code'), names)}"
                                   + (f"（{row['dept_code']}）" if isinstance(row.get("dept_code"), str) else "")),
        (t("warn.col.amount", lang), fmt.money(row.get("amount"), lang)),
        (t("warn.col.status", lang), status_label(row, lang)),
        (t("overview.as_of", lang), fmt.date(row.get("as_of"), lang) if isinstance(row.get("as_of"), str) else "—"),
    ]
    return [
        html.P(_text(row.get("message")), className="bw-flag-message"),
        html.Dl(className="bw-facts", children=[x for k, v in facts for x in (html.Dt(k), html.Dd(v))]),
    ]


def evidence_figure(ev: qf.Evidence, row: dict, names: dict[str, str], lang: str):
    name = unit_name(ev.extra.get("dept_code") or row.get("dept_code"), names)
    if ev.kind == "monthly":
        if ev.extra.get("rollup"):
            name = t("warn.fig.rollup", lang, name=name)
        return figs.monthly_figure(ev.frame, name=name, year=ev.extra["year"], lang=lang,
                                   highlight_december=row["rule"] == "YEAR_END_RUSH")
    if ev.kind == "budget_line":
        return figs.budget_line_figure(ev.extra["budget"], ev.extra["spent"], lang=lang)
    return figs.first_digit_figure(ev.frame, name=name, lang=lang)


def project_link(code: str, year: int, as_of, lang: str) -> list:
    from urllib.parse import urlencode
    query = {"year": year, "as_of": str(as_of)[:10] if as_of else None, "project": code,
             "lang": "en" if lang == "en" else None}
    href = "/projects?" + urlencode({k: v for k, v in query.items() if v})
    return [html.Span(t("warn.detail.links", lang)), dcc.Link(t("proj.open", lang, code=code), href=href,
                                                              className="bw-voucher-link")]


def voucher_links(vouchers: list[str], year: int, lang: str) -> list:
    keep = "&lang=en" if lang == "en" else ""
    links = [dcc.Link(v, href=f"/execution?year={year}&voucher={v}{keep}", className="bw-voucher-link")
             for v in vouchers[:MAX_LINKS]]
    more = [html.Span(t("warn.detail.more", lang, n=len(vouchers) - MAX_LINKS))] if len(vouchers) > MAX_LINKS else []
    return [html.Span(t("warn.detail.links", lang)), *links, *more]


def history_rows(history: pd.DataFrame, lang: str) -> list[dict]:
    rows = []
    for r in history.sort_values("review_id", ascending=False).to_dict("records") if not history.empty else []:
        rows.append({"reviewed_at": str(r["reviewed_at"])[:19].replace("T", " "),
                     "status": t(f"warn.status.{r['status']}", lang), "reviewer": r["reviewer"],
                     "note": r.get("note") or ""})
    return rows


def history_columns(lang: str) -> list[dict]:
    return [{"field": "reviewed_at", "headerName": t("warn.col.reviewed_at", lang), "width": 170},
            {"field": "status", "headerName": t("warn.col.status", lang), "width": 110},
            {"field": "reviewer", "headerName": t("warn.col.reviewer", lang), "width": 120},
            {"field": "note", "headerName": t("warn.col.note", lang), "flex": 2, "tooltipField": "note"}]


def save_review(store: Store, flag: str | None, year, as_of, status, note, name, saved: int | None,
                search: str | None) -> dict:
    """Record the form as a review; the list and history refresh through ``saved``."""
    lang = lang_of(search)
    out = {"saved": dash.no_update, "result": None, "note": dash.no_update}
    picked = parse_flag(flag)
    user = auth.current_user()
    reviewer = user or (name or "").strip()

    def say(key, tone="is-error", **kw):
        out["result"] = notice(t(key, lang, **kw), tone=tone)
        return out

    if picked is None or year is None:
        return say("warn.review.no_flag")
    if not auth.can_review(user):
        return say("warn.review.not_allowed")
    if status not in rv.STATUSES:
        return say("warn.review.need_status")
    if not reviewer:
        return say("warn.review.need_name")
    rule, key = picked
    try:
        saved_row = qf.review_flag(store, rule, key, int(year), date_param(as_of), status, (note or "").strip(),
                                   reviewer)
    except (rv.ReviewError, RuleError, QueryError, StateError) as exc:
        out["result"] = notice(t("warn.review.failed", lang), detail=str(exc), tone="is-error")
        return out
    except Exception:
        log.exception("saving a review failed")
        out["result"] = notice(t("error.unexpected", lang), tone="is-error")
        return out
    out.update(saved=(saved or 0) + 1, note="")
    out["result"] = notice(t("warn.review.saved", lang, status=t(f"warn.status.{saved_row['status']}", lang),
                             who=saved_row["reviewer"], at=str(saved_row["reviewed_at"])[:16].replace("T", " ")),
                           tone="is-ok")
    return out


# -- exports (from the URL query, so a download matches the permalink) ---------------------
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


def fetch_evidence(store: Store, query: dict, lang: str) -> Export:
    picked = parse_flag(query.get("flag"))
    year = int_param(query.get("year"))
    if picked is None or year is None:
        return Export(pd.DataFrame(), t("warn.export.evidence", lang, flag="—"))
    fs = qf.flag_set(store, year, date_param(query.get("as_of")))
    row = find_flag(fs, *picked)
    frame = pd.DataFrame()
    if row is not None:
        with store.reader() as con:
            frame = evidence_frame(qf.evidence(con, row), lang)
    return Export(frame, t("warn.export.evidence", lang, flag=query.get("flag")),
                  [(t("warn.col.message", lang), (row or {}).get("message") or "—")], query.get("as_of"))


def fetch_history(store: Store, query: dict, lang: str) -> Export:
    picked = parse_flag(query.get("flag"))
    year = int_param(query.get("year"))
    if picked is None or year is None:
        return Export(pd.DataFrame(), t("warn.history", lang))
    rows = history_rows(qf.flag_history(store, picked[0], picked[1], year, date_param(query.get("as_of"))), lang)
    frame = pd.DataFrame(rows, columns=["reviewed_at", "status", "reviewer", "note"]).rename(
        columns={c["field"]: c["headerName"] for c in history_columns(lang)})
    return Export(frame, f"{t('warn.history', lang)} {query.get('flag')}")


# -- wiring --------------------------------------------------------------------------------
_SCROLL_JS = """
function (flag) {
    if (flag) {
        requestAnimationFrame(function () {
            var el = document.getElementById('%s');
            if (el) { el.scrollIntoView({behavior: 'smooth', block: 'start'}); }
        });
    }
    return window.dash_clientside.no_update;
}
""" % W.DETAIL


def register_callbacks(app: dash.Dash, store: Store) -> None:
    @app.callback(
        output={"year_options": Output(W.YEAR, "options"), "year": Output(W.YEAR, "value"),
                "as_of": Output(W.AS_OF, "date"), "dept_options": Output(W.DEPT, "options"),
                "message": Output(W.MESSAGE, "children"), "body_style": Output(W.BODY, "style"),
                "counts": Output(W.COUNTS, "children"), "by_rule": Output(W.BY_RULE, "children"),
                "threshold_summary": Output(W.THRESHOLD_SUMMARY, "children"),
                "thresholds": Output(ids.table(W.THRESHOLD_TABLE), "rowData"),
                "threshold_columns": Output(ids.table(W.THRESHOLD_TABLE), "columnDefs"),
                "list_note": Output(W.LIST_NOTE, "children"),
                "rows": Output(ids.table(W.LIST), "rowData"),
                "columns": Output(ids.table(W.LIST), "columnDefs"),
                "view": Output(ids.view(VIEW), "data")},
        inputs={"year": Input(W.YEAR, "value"), "as_of": Input(W.AS_OF, "date"), "rule": Input(W.RULE, "value"),
                "severity": Input(W.SEVERITY, "value"), "dept": Input(W.DEPT, "value"),
                "status": Input(W.STATUS, "value"), "flag": Input(W.FLAG, "data"), "saved": Input(W.SAVED, "data")},
        state={"search": State(ids.Frame.URL, "search")},
    )
    def _update(year, as_of, rule, severity, dept, status, flag, saved, search):
        return update_warnings(store, year, as_of, rule, severity, dept, status, flag, search)

    @app.callback(
        Output(W.FLAG, "data"),
        Input(ids.table(W.LIST), "cellClicked"), Input(W.CLOSE, "n_clicks"),
        State(W.FLAG, "data"),
        prevent_initial_call=True,
    )
    def _select(cell, _close, current):
        return select_flag(ctx.triggered_id, cell, current)

    @app.callback(
        output={"style": Output(W.DETAIL, "style"), "title": Output(W.DETAIL_TITLE, "children"),
                "body": Output(W.DETAIL_BODY, "children"),
                "graph_style": Output(W.EVIDENCE_GRAPH_WRAP, "style"),
                "figure": Output(ids.graph(W.EVIDENCE_GRAPH), "figure"),
                "graph_config": Output(ids.graph(W.EVIDENCE_GRAPH), "config"),
                "table_style": Output(W.EVIDENCE_TABLE_WRAP, "style"),
                "table_rows": Output(ids.table(W.EVIDENCE_TABLE), "rowData"),
                "table_columns": Output(ids.table(W.EVIDENCE_TABLE), "columnDefs"),
                "links": Output(W.EVIDENCE_LINKS, "children"),
                "history_rows": Output(ids.table(W.HISTORY), "rowData"),
                "history_columns": Output(ids.table(W.HISTORY), "columnDefs"),
                "form_style": Output(W.FORM, "style"),
                "result": Output(W.REVIEW_RESULT, "children", allow_duplicate=True),
                "status": Output(W.REVIEW_STATUS, "value"),
                "scroll": Output(W.SCROLL, "data")},
        inputs={"flag": Input(W.FLAG, "data"), "year": Input(W.YEAR, "value"), "as_of": Input(W.AS_OF, "date"),
                "saved": Input(W.SAVED, "data")},
        state={"search": State(ids.Frame.URL, "search")},
        prevent_initial_call="initial_duplicate",
    )
    def _detail(flag, year, as_of, saved, search):
        out = update_detail(store, flag, year, as_of, search)
        if ctx.triggered_id == W.SAVED:     # keep the "saved" sentence and the chosen status
            out.update(result=dash.no_update, status=dash.no_update, scroll=dash.no_update)
        return out

    @app.callback(
        output={"saved": Output(W.SAVED, "data"), "result": Output(W.REVIEW_RESULT, "children"),
                "note": Output(W.REVIEW_NOTE, "value")},
        inputs={"n": Input(W.REVIEW_SAVE, "n_clicks")},
        state={"flag": State(W.FLAG, "data"), "year": State(W.YEAR, "value"), "as_of": State(W.AS_OF, "date"),
               "status": State(W.REVIEW_STATUS, "value"), "note": State(W.REVIEW_NOTE, "value"),
               "name": State(W.REVIEW_NAME, "value"), "saved": State(W.SAVED, "data"),
               "search": State(ids.Frame.URL, "search")},
        prevent_initial_call=True,
    )
    def _save(n, flag, year, as_of, status, note, name, saved, search):
        return save_review(store, flag, year, as_of, status, note, name, saved, search)

    app.clientside_callback(_SCROLL_JS, Output(W.SCROLL, "modified_timestamp"), Input(W.SCROLL, "data"),
                            prevent_initial_call=True)

    register_export(app, store, W.LIST, fetch_list)
    register_export(app, store, W.THRESHOLD_TABLE, fetch_thresholds)
    register_export(app, store, W.EVIDENCE_TABLE, fetch_evidence)
    register_export(app, store, W.HISTORY, fetch_history)
