"""The comparison page's components for a URL query (pure: no data); ``update_compare`` fills them."""
from __future__ import annotations

from dash import dcc, html

from budgetwatch.dashboard.components import as_of_field, choice_field, figure_card, view_store, year_field
from budgetwatch.dashboard.figures.common import image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import HIDDEN, page_table
from budgetwatch.dashboard.urls import date_param, int_param
from budgetwatch.queries import compare as qc

from budgetwatch.dashboard.pages.compare.state import C, MEASURES, VIEW, measure_of, node_of, state_of

FILE_PART = {C.HEAT: "heat", C.YEARS: "years"}


def layout(query: dict[str, str], lang: str) -> html.Div:
    state = state_of(query)
    year = int_param(query.get("year"))
    as_of = date_param(query.get("as_of"))
    node = node_of(state)
    return html.Div(className="bw-page bw-compare", children=[
        view_store(VIEW),
        dcc.Store(id=C.STATE, data=state),
        html.Div(className="bw-toolbar", children=[
            html.H1(t("cmp.title", lang), className="bw-page-title"),
            year_field(C.YEAR, year, lang),
            as_of_field(C.AS_OF, as_of, lang),
            choice_field(C.BY, "cmp.by", node.by, qc.BYS, lang),
            choice_field(C.MEASURE, "cmp.measure", measure_of(state), MEASURES, lang),
            html.Div(id=C.SCHEDULE, className="bw-schedule"),
        ]),
        html.Div(id=C.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6}, children=[
            html.Div(id=C.BODY, style=HIDDEN, children=[
                html.Div(className="bw-exec-nav", children=[
                    html.Nav(id=C.CRUMBS, className="bw-crumbs", **{"aria-label": t("exec.crumbs", lang)}),
                    html.Div(id=C.ACTIONS, className="bw-exec-actions"),
                ]),
                html.Section(id=C.HEADLINE, className="bw-cards"),
                figure_card(C.HEAT, lang, image_filename("compare", "heat", year), wide=True),
                figure_card(C.YEARS, lang, image_filename("compare", "years", year)),
                html.Section(className="bw-section", children=[
                    html.H2(id=C.ITEMS_TITLE, className="bw-section-title"),
                    html.P(t("cmp.hint", lang), className="bw-hint"),
                    page_table(C.T_ITEMS, lang, getRowId="params.data.code",
                               dashGridOptions={"paginationPageSize": 25, "domLayout": "autoHeight",
                                                "paginationPageSizeSelector": False},
                               style={"width": "100%"}),
                ]),
            ]),
        ]),
    ])
