"""The page's components for a URL query (pure: no data); ``update_department`` fills them."""
from __future__ import annotations

from dash import dcc, html

from budgetwatch.dashboard.components import as_of_field, figure_card, view_store, year_field
from budgetwatch.dashboard.figures.common import image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import HIDDEN, page_table
from budgetwatch.dashboard.urls import date_param, int_param

from budgetwatch.dashboard.pages.department.words import D, VIEW


def layout(query: dict[str, str], lang: str) -> html.Div:
    year = int_param(query.get("year"))
    as_of = date_param(query.get("as_of"))
    dept = query.get("dept") or None
    return html.Div(className="bw-page", children=[
        view_store(VIEW),
        html.Div(className="bw-toolbar", children=[
            html.H1(t("dept.title", lang), className="bw-page-title"),
            html.Label(className="bw-field", children=[
                html.Span(t("dept.pick", lang)),
                dcc.Dropdown(id=D.DEPT, value=dept, clearable=True, searchable=True,
                             options=[{"label": dept, "value": dept}] if dept else [],
                             placeholder=t("dept.pick_placeholder", lang), className="bw-dept-pick"),
            ]),
            year_field(D.YEAR, year, lang),
            as_of_field(D.AS_OF, as_of, lang),
            html.Div(id=D.SCHEDULE, className="bw-schedule"),
        ]),
        html.Div(id=D.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6}, children=[
            html.Section(id=D.PICKER, style=HIDDEN, className="bw-section", children=[
                html.H2(t("dept.picker.title", lang)),
                html.P(t("dept.picker.hint", lang), className="bw-hint"),
                page_table(D.T_PICKER, lang, columnDefs=[], rowData=[],
                           dashGridOptions={"paginationPageSize": 50}, style={"height": "560px", "width": "100%"}),
            ]),
            html.Div(id=D.BODY, style=HIDDEN, children=[
                html.H2(id=D.HEADING, className="bw-subject"),
                html.Section(id=D.HEADLINE, className="bw-cards"),
                html.Section(className="bw-section", children=[
                    html.H2(t("dept.flags.title", lang)),
                    html.Div(id=D.FLAGS, className="bw-hint"),
                    page_table(D.T_FLAGS, lang, style={"height": "340px", "width": "100%"}),
                ]),
                figure_card(D.UNITS, lang, image_filename("department", "units", year)),
                html.Section(className="bw-section", children=[
                    html.H2(t("dept.units.title", lang)),
                    page_table(D.T_UNITS, lang, style={"height": "320px", "width": "100%"}),
                ]),
                html.Div(className="bw-two", children=[
                    figure_card(D.MONTHLY, lang, image_filename("department", "monthly", year)),
                    figure_card(D.SANGONG, lang, image_filename("department", "sangong", year)),
                ]),
                html.Section(className="bw-section", children=[
                    html.H2(t("dept.lines.title", lang)),
                    page_table(D.T_LINES, lang),
                ]),
                html.Section(className="bw-section", children=[
                    html.H2(t("dept.audit.title", lang)),
                    page_table(D.T_AUDIT, lang, style={"height": "360px", "width": "100%"}),
                ]),
                html.Section(className="bw-section", children=[
                    html.H2(t("dept.assets.title", lang)),
                    figure_card(D.IDLE, lang, image_filename("department", "idle", year)),
                    page_table(D.T_ASSETS, lang, style={"height": "360px", "width": "100%"}),
                    html.H3(t("dept.enterprises.title", lang)),
                    page_table(D.T_ENTERPRISES, lang, style={"height": "300px", "width": "100%"}),
                ]),
            ]),
        ]),
    ])
