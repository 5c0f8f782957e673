"""The room's layout: pure — the components for a URL query and a language, no data.

    /inquiries?state=sent&dept=002&overdue=1&inquiry=3&lang=en     (a permalink of any view)
    /inquiries?open=RULE|KEY|YEAR&as_of=2025-06-30                   (the open form for a flag, as seen then)

``open`` may also be a JSON list of ``RULE|KEY|YEAR`` texts (several flags at once).
"""
from __future__ import annotations

import json

from dash import dcc, html

from budgetwatch.dashboard import auth, ids
from budgetwatch.dashboard.components import figure_card, view_store
from budgetwatch.dashboard.pages.inquiries.words import w
from budgetwatch.dashboard.tables import table_card
from budgetwatch.dashboard.urls import date_param, int_param
from budgetwatch.queries.inquiries import JUDGEMENTS, MAX_FILE_BYTES, STATES

VIEW = "inquiries"
I = ids.Inquiries


def opening(value: str | None) -> list[str]:
    """The ``open`` parameter as a list of ``RULE|KEY|YEAR`` texts (at most 50)."""
    if not value:
        return []
    if value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            return []
        return [str(x) for x in items if isinstance(x, str) and x.count("|") >= 2][:50]
    return [value] if value.count("|") >= 2 else []


def _field(label: str, child) -> html.Label:
    return html.Label(className="bw-field", children=[html.Span(label), child])


def _form(id_: str, title: str, children: list) -> html.Div:
    return html.Div(id=id_, className="bw-review-form bw-inq-form", style={"display": "none"},
                    children=[html.H3(title), *children])


def _date(id_: str, label: str) -> html.Label:
    return _field(label, dcc.DatePickerSingle(id=id_, display_format="YYYY-MM-DD", first_day_of_week=1))


def layout(query: dict[str, str], lang: str) -> html.Div:
    state = query.get("state") if query.get("state") in STATES else None
    dept = query.get("dept") or None
    overdue = ["1"] if query.get("overdue") == "1" else []
    selected = int_param(query.get("inquiry"))
    flags = opening(query.get("open"))
    as_of = date_param(query.get("as_of"))
    user = auth.user()
    staff = user is not None and user.can("staff")
    every = w("all", lang)
    return html.Div(className="bw-page bw-inquiries", children=[
        view_store(VIEW),
        dcc.Store(id=I.SELECTED, data=selected),
        dcc.Store(id=I.OPENING, data=flags),
        dcc.Store(id=I.OPEN_AS_OF, data=as_of.isoformat() if as_of and flags else None),
        dcc.Store(id=I.CHANGED, data=0),
        html.Div(className="bw-toolbar", children=[
            html.H1(w("title", lang), className="bw-page-title"),
            _field(w("state", lang), dcc.Dropdown(
                id=I.STATE, value=state, clearable=True, searchable=False, placeholder=every, style={"width": "140px"},
                options=[{"label": w(f"state.{s}", lang), "value": s} for s in STATES])),
            _field(w("dept", lang), dcc.Dropdown(
                id=I.DEPT, value=dept, clearable=True, searchable=True, placeholder=every, style={"width": "240px"},
                options=[{"label": dept, "value": dept}] if dept else [])),
            dcc.Checklist(id=I.OVERDUE, value=overdue, className="bw-radio",
                          options=[{"label": w("overdue_only", lang), "value": "1"}]),
        ]),
        html.Div(id=I.RESULT, role="status"),
        html.Section(id=I.OPEN_FORM, className="bw-flag-detail bw-inq-open", style={"display": "none"}, children=[
            html.H2(w("open.title", lang)),
            html.Div(id=I.OPEN_FLAGS),
            html.Div(className="bw-form-row", children=[
                _field(w("open.unit", lang), dcc.Dropdown(id=I.OPEN_UNIT, clearable=False, searchable=True,
                                                          style={"width": "280px"})),
                _date(I.OPEN_DUE, w("open.due", lang)),
            ]),
            _field(w("open.questions", lang), dcc.Textarea(id=I.OPEN_QUESTIONS, className="bw-textarea",
                                                           placeholder=w("open.questions_hint", lang))),
            html.Button(w("open.submit", lang), id=I.OPEN_SUBMIT, n_clicks=0, className="bw-wd-button",
                        disabled=not staff),
        ]),
        html.Div(id=I.MESSAGE),
        html.Div(id=I.BODY, children=[
            html.Section(id=I.CARDS, className="bw-cards"),
            html.P(id=I.LIST_NOTE, className="bw-list-note"),
            table_card(I.LIST, lang, getRowId="params.data.inquiry_id", style={"width": "100%"},
                       rowClassRules={"bw-row-selected": "params.data.selected"},
                       dashGridOptions={"domLayout": "autoHeight"}),
        ]),
        html.Section(id=I.DETAIL, className="bw-flag-detail", style={"display": "none"}, children=[
            html.Div(className="bw-flag-head", children=[
                html.H2(id=I.DETAIL_TITLE),
                html.Button("×" if lang == "zh" else "Close", id=I.CLOSE_DETAIL, n_clicks=0,
                            className="bw-wd-button is-quiet"),
            ]),
            html.Div(id=I.DETAIL_BODY),
            _form(I.SEND_FORM, w("send.title", lang), [
                html.Div(className="bw-form-row", children=[
                    _date(I.SEND_ON, w("send.on", lang)),
                    html.Button(w("send.submit", lang), id=I.SEND, n_clicks=0, className="bw-wd-button"),
                ]),
            ]),
            _form(I.ANSWER_FORM, w("answer.title", lang), [
                _field(w("answer.text", lang), dcc.Textarea(id=I.ANSWER_TEXT, className="bw-textarea")),
                dcc.Upload(id=I.ANSWER_FILE, className="bw-upload", multiple=False, max_size=MAX_FILE_BYTES,
                           accept=".pdf,.doc,.docx,.xls,.xlsx", children=html.Div(w("answer.file", lang))),
                html.Div(id=I.ANSWER_FILE_NAME, className="bw-detail"),
                html.Div(className="bw-form-row", children=[
                    _date(I.ANSWER_ON, w("answer.on", lang)),
                    html.Button(w("answer.submit", lang), id=I.ANSWER, n_clicks=0, className="bw-wd-button"),
                ]),
            ]),
            _form(I.CLOSE_FORM, w("close.title", lang), [
                dcc.RadioItems(id=I.JUDGEMENT, className="bw-radio", inline=True, value=None,
                               options=[{"label": w(f"judgement.{j}", lang), "value": j} for j in JUDGEMENTS]),
                _field(w("close.note", lang), dcc.Textarea(id=I.CLOSE_NOTE, className="bw-textarea")),
                _field(w("close.follow_up", lang), dcc.Textarea(id=I.FOLLOW_UP, className="bw-textarea")),
                html.Button(w("close.submit", lang), id=I.CLOSE, n_clicks=0, className="bw-wd-button"),
            ]),
        ]),
        html.Section(className="bw-two", children=[
            figure_card(I.BY_UNIT_GRAPH, lang, "budgetwatch_inquiries_by_unit"),
            html.Div(children=[html.H2(w("units", lang)),
                               table_card(I.BY_UNIT, lang, style={"width": "100%"},
                                          dashGridOptions={"domLayout": "autoHeight"})]),
        ]),
    ])
