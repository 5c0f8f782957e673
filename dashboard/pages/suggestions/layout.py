"""The 代表建议 page's components for a URL query and language: no data (callbacks fill them)."""
from __future__ import annotations

from dash import dcc, html

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import as_of_field, figure_card, view_store, year_field
from budgetwatch.dashboard.figures.common import image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import HIDDEN, page_table
from budgetwatch.dashboard.urls import date_param, int_param

VIEW = "suggestions"
S = ids.Suggestions


def _picker(id_: str, value, placeholder: str, label: str) -> html.Label:
    return html.Label(className="bw-field bw-field-wide", children=[
        html.Span(label),
        dcc.Dropdown(id=id_, value=value or None, options=[{"label": value, "value": value}] if value else [],
                     placeholder=placeholder, clearable=True, searchable=True, className="bw-picker",
                     style={"minWidth": "min(420px, 80vw)"}),
    ])


def _grid(name: str, lang: str, height: int, row_id: bool = False):
    kw = {"getRowId": "params.data.suggestion_no"} if row_id else {}
    return page_table(name, lang, style={"height": f"{height}px", "width": "100%"}, **kw)


def layout(query: dict[str, str], lang: str) -> html.Div:
    year = int_param(query.get("year"))
    as_of = date_param(query.get("as_of"))
    deputy = (query.get("deputy") or "").strip()
    suggestion = (query.get("suggestion") or "").strip()

    def section(title_key: str, note_key: str, *children) -> html.Section:
        return html.Section(className="bw-section", children=[
            html.H2(t(title_key, lang)), html.P(t(note_key, lang), className="bw-hint"), *children])

    return html.Div(className="bw-page", children=[
        view_store(VIEW),
        html.Div(className="bw-toolbar", children=[
            html.H1(t("sugg.title", lang), className="bw-page-title"),
            year_field(S.YEAR, year, lang),
            as_of_field(S.AS_OF, as_of, lang),
            html.Div(id=S.AS_OF_NOTE, className="bw-schedule"),
        ]),
        html.Div(id=S.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6}, children=[
            html.Div(id=S.BODY, style=HIDDEN, children=[
                html.Section(id=S.HEADLINE, className="bw-cards"),
                html.Div(className="bw-two", children=[
                    figure_card(S.FIELD, lang, image_filename("suggestions", "field", year)),
                    html.Div(children=[
                        figure_card(S.CLASS, lang, image_filename("suggestions", "class", year)),
                        figure_card(S.SATISFACTION, lang, image_filename("suggestions", "satisfaction", year)),
                    ]),
                ]),
            ]),
        ]),
        # Deputy and suggestion live outside the loading overlay: picking one redraws only its part.
        html.Div(id=S.MORE, style=HIDDEN, children=[
            section("sugg.deputy", "sugg.deputy_note",
                    _picker(S.DEPUTY, deputy, t("sugg.deputy_placeholder", lang), t("sugg.deputy_pick", lang)),
                    html.P(id=S.DEPUTY_SUMMARY, className="bw-hint"),
                    _grid(S.T_DEPUTY, lang, 320, row_id=True)),
            section("sugg.one", "sugg.one_note",
                    _picker(S.SUGGESTION, suggestion, t("sugg.one_placeholder", lang), t("sugg.one_pick", lang)),
                    html.H3(id=S.ONE_HEAD, className="bw-subhead"),
                    figure_card(S.TIMELINE, lang, image_filename("suggestions", "timeline", year)),
                    html.Div(id=S.ONE_FLAGS, className="bw-flag-list"),
                    _grid(S.T_HANDLING, lang, 260)),
            section("sugg.units", "sugg.units_note", _grid(S.T_UNITS, lang, 420)),
            section("sugg.priority", "sugg.priority_note", _grid(S.T_PRIORITY, lang, 300, row_id=True)),
            section("sugg.all", "sugg.all_note", _grid(S.T_ALL, lang, 480, row_id=True)),
        ]),
    ])
