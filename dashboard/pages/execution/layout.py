"""The page's components for a URL query (pure: no data); ``update_execution`` fills them.
"""
from __future__ import annotations



from dash import dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.components import as_of_field, choice_field, figure_card, view_store, year_field
from budgetwatch.dashboard.figures.common import image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.tables import table_card
from budgetwatch.dashboard.vouchers import _NUM, voucher_grid
from budgetwatch.dashboard.urls import date_param, int_param
from budgetwatch.queries import execution as q

from budgetwatch.dashboard.pages.execution.state import E, GRID_SUMMARY, VIEW, node_of, state_of


_PCT = "params.value == null ? '—' : d3.format('.1%')(params.value)"
_PTS = "params.value == null ? '—' : (params.value > 0 ? '+' : '') + Number(params.value).toFixed(1)"


# -- layout -------------------------------------------------------------------------------------
def layout(query: dict[str, str], lang: str) -> html.Div:
    """Controls from the URL query; everything else is filled by ``update_execution``."""
    state = state_of(query)
    year = int_param(query.get("year"))
    as_of = date_param(query.get("as_of"))
    node = node_of(state)
    return html.Div(className="bw-page bw-exec", children=[
        view_store(VIEW),
        dcc.Store(id=E.STATE, data=state),
        dcc.Store(id=E.GRID_QUERY),
        html.Div(className="bw-toolbar", children=[
            html.H1(t("exec.title", lang), className="bw-page-title"),
            year_field(E.YEAR, year, lang),
            as_of_field(E.AS_OF, as_of, lang),
            choice_field(E.BY, "exec.by", node.by, q.BYS, lang),
            html.Div(id=E.SCHEDULE, className="bw-schedule"),
        ]),
        html.Div(id=E.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6},
                    children=html.Div(id=E.BODY, children=[
                        html.Div(className="bw-exec-nav", children=[
                            html.Nav(id=E.CRUMBS, className="bw-crumbs",
                                     **{"aria-label": t("exec.crumbs", lang)}),
                            html.Div(id=E.ACTIONS, className="bw-exec-actions"),
                        ]),
                        html.Section(id=E.HEADLINE, className="bw-cards"),
                        html.P(t("exec.hint", lang), className="bw-hint"),
                        figure_card(E.TREEMAP, lang, image_filename("execution", "level", year)),
                        html.Section(className="bw-exec-level", children=[
                            html.H2(id=E.LEVEL_TITLE, className="bw-section-title"),
                            table_card(E.T_LEVEL, lang, getRowId="params.data.code",
                                       defaultColDef={"wrapHeaderText": True, "autoHeaderHeight": True},
                                       dashGridOptions={"paginationPageSize": 25, "domLayout": "autoHeight",
                                                        "paginationPageSizeSelector": False},
                                       style={"width": "100%"}),
                        ]),
                        figure_card(E.MONTHLY, lang, image_filename("execution", "monthly", year)),
                    ])),
        html.Section(id=E.VOUCHERS_BOX, className="bw-exec-vouchers", style={"display": "none"}, children=[
            html.H2(id=E.VOUCHERS_TITLE, className="bw-section-title"),
            html.Div(id=E.VOUCHERS_NOTE),
            html.P(t("exec.vouchers.hint", lang), className="bw-hint"),
            html.Div(id=GRID_SUMMARY, className="bw-grid-summary", role="status"),
            html.Div(id=E.GRID_HOLDER, children=voucher_grid(lang, "initial")),
        ]),
    ])


def level_columns(lang: str, unit: fmt.MoneyUnit) -> list[dict]:
    money = {"type": "rightAligned", "valueFormatter": {"function": _NUM}, "filter": "agNumberColumnFilter",
             "minWidth": 150}
    u = unit.label(lang)
    return [
        {"field": "code", "headerName": t("exec.col.code", lang), "minWidth": 90, "maxWidth": 120,
         "cellClassRules": {"bw-link": "params.data.drillable"}},
        {"field": "name", "headerName": t("exec.col.name", lang), "minWidth": 180,
         "cellClassRules": {"bw-link": "params.data.drillable"}},
        {"field": "original", "headerName": fmt.axis_title(t("exec.col.original", lang), u, lang), **money},
        {"field": "adjusted", "headerName": fmt.axis_title(t("exec.col.adjusted", lang), u, lang), **money},
        {"field": "spent", "headerName": fmt.axis_title(t("exec.col.spent", lang), u, lang), **money},
        {"field": "rate", "headerName": t("exec.col.rate", lang), "type": "rightAligned",
         "valueFormatter": {"function": _PCT}, "filter": "agNumberColumnFilter", "minWidth": 100},
        {"field": "gap", "headerName": t("exec.col.gap", lang), "type": "rightAligned",
         "valueFormatter": {"function": _PTS}, "filter": "agNumberColumnFilter", "minWidth": 150,
         "cellClassRules": {"bw-neg": "params.value < 0"}},
        {"field": "payments", "headerName": t("exec.col.payments", lang), "type": "rightAligned",
         "valueFormatter": {"function": "params.value == null ? '' : d3.format(',')(params.value)"},
         "filter": "agNumberColumnFilter", "minWidth": 100},
    ]


