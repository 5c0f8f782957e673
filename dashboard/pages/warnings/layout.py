"""The page's components for a URL query (pure: no data), and the grids' column definitions.
"""
from __future__ import annotations


from dash import dcc, html

from budgetwatch.dashboard import auth
from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.components import as_of_field, figure_card, view_store, year_field
from budgetwatch.dashboard.figures.common import image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.tables import table_card
from budgetwatch.dashboard.urls import date_param, int_param
from budgetwatch.queries.rules import RULES, RULES_BY_ID
from budgetwatch.queries.rules.base import SEVERITIES

from budgetwatch.dashboard.pages.warnings.words import (REVIEW_STATUSES, STATUS_FILTERS, VIEW, W, parse_flag,
                                                     rule_title, severity_label)


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
                        html.Div(id=W.SELECTION, className="bw-links bw-selection", role="status"),
                        table_card(W.LIST, lang, getRowId="params.data.flag_id", style={"width": "100%"},
                                   rowClassRules={"bw-row-selected": "params.data.selected"},
                                   dashGridOptions={"tooltipShowDelay": 300, "domLayout": "autoHeight",
                                                    "rowSelection": "multiple", "suppressRowClickSelection": True}),
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


def list_columns(lang: str, selectable: bool = False) -> list[dict]:
    """The list's columns; ``selectable`` (staff) puts a tick box before each flag, to open one
    inquiry about several."""
    money = {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}
    tick = {"checkboxSelection": True, "headerCheckboxSelection": True, "headerCheckboxSelectionFilteredOnly": True,
            "width": 140, "maxWidth": 160} if selectable else {}
    return [
        {"field": "severity_label", "headerName": t("warn.col.severity", lang), "width": 110, "maxWidth": 130,
         "cellClassRules": {f"bw-sev bw-sev-{s}": f"params.data.severity == '{s}'" for s in SEVERITIES}, **tick},
        # on a phone the rule and its amount stay side by side (assets/phone_grids.js)
        {"field": "title", "headerName": t("warn.col.rule", lang), "width": 150, "context": {"phone": "name"}},
        {"field": "unit", "headerName": t("warn.col.unit", lang), "width": 180},
        {"field": "entity", "headerName": t("warn.col.entity", lang), "width": 200},
        {"field": "amount", "headerName": fmt.axis_title(t("warn.col.amount", lang), t("unit.wan", lang), lang),
         "type": "rightAligned", "valueFormatter": money, "width": 150, "minWidth": 140,
         "filter": "agNumberColumnFilter", "context": {"phone": "key"}},
        {"field": "message", "headerName": t("warn.col.message", lang), "flex": 3, "minWidth": 320,
         "tooltipField": "message"},
        {"field": "status", "headerName": t("warn.col.status", lang), "width": 120,
         "cellClassRules": {"bw-status-resolved": "params.data.state == 'resolved'",
                            "bw-status-reviewed": "params.data.state != 'resolved' && params.data.reviewer"}},
    ]


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


def history_columns(lang: str) -> list[dict]:
    return [{"field": "reviewed_at", "headerName": t("warn.col.reviewed_at", lang), "width": 170},
            {"field": "status", "headerName": t("warn.col.status", lang), "width": 110},
            {"field": "reviewer", "headerName": t("warn.col.reviewer", lang), "width": 120},
            {"field": "note", "headerName": t("warn.col.note", lang), "flex": 2, "tooltipField": "note"}]
