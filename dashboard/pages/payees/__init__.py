"""收款人画像 Payee profile: everything one payee received, across years and departments.

Reached from the header search, the voucher detail and the similar-names list, never from the
navigation (``NAV_KEY`` None). The view is the URL::

    /payees?name=湘江市保安服务有限公司                     # every year held
    /payees?name=湘江市保安服务有限公司&year=2025&as_of=2025-06-30&lang=en

Shows: the totals; received by year and month by month; by department and unit with the
payee's share of each unit's and department's spending (concentration); by economic class; the
largest vouchers (each opens its detail); every active flag involving the payee's vouchers;
the same company written other ways. Each table downloads as CSV/XLSX for the same view.
"""
from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import figure_card, view_store
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.pages.payees import profile
from budgetwatch.dashboard.tables import register_export, table_card
from budgetwatch.dashboard.urls import build_search, lang_of
from budgetwatch.queries.store import Store

PATH = profile.PATH
NAV_KEY = None              # not in the header's navigation: opened by links
VIEW = "payees"
P = ids.Payees
ALL = "all"
TABLES = (P.T_UNITS, P.T_ECON, P.T_VOUCHERS, P.T_FLAGS)


def layout(query: dict[str, str], lang: str) -> html.Div:
    state = profile.state_of(query)
    name = state.get("name", "")
    year = state.get("year") or ALL
    grid = {"dashGridOptions": {"paginationPageSize": 10, "domLayout": "autoHeight", "paginationPageSizeSelector": False},
            "style": {"width": "100%"}}
    return html.Div(className="bw-page bw-payee", children=[
        view_store(VIEW),
        dcc.Store(id=P.STATE, data=state),
        html.Div(className="bw-toolbar", children=[
            html.H1([html.Span(t("payee.title", lang), className="bw-page-kicker"), " ",
                     html.Span(name, id=P.HEADING)], className="bw-page-title"),
            html.Label(className="bw-field", children=[
                html.Span(t("overview.year", lang)),
                dcc.Dropdown(id=P.YEAR, value=year, clearable=False, searchable=False, className="bw-year",
                             options=[{"label": t("payee.all_years", lang), "value": ALL}]
                             + ([{"label": year, "value": year}] if year != ALL else [])),
            ]),
        ]),
        html.Div(id=P.MESSAGE),
        # drawn visible from the start: a chart first drawn inside a hidden block keeps a wrong size
        html.Div(id=P.BODY, children=[
            html.Section(id=P.HEADLINE, className="bw-cards"),
            html.Div(id=P.SIMILAR),
            html.Div(className="bw-two", children=[
                figure_card(P.YEARS, lang, image_filename("payee", "years", None)),
                figure_card(P.MONTHLY, lang, image_filename("payee", "monthly", None)),
            ]),
            html.H2(t("payee.units_title", lang), className="bw-section-title"),
            html.P(t("payee.units_hint", lang), className="bw-hint"),
            table_card(P.T_UNITS, lang, **grid),
            html.H2(t("payee.econ_title", lang), className="bw-section-title"),
            table_card(P.T_ECON, lang, **grid),
            html.H2(t("payee.vouchers_title", lang), className="bw-section-title"),
            html.P(t("payee.vouchers_hint", lang), className="bw-hint"),
            table_card(P.T_VOUCHERS, lang, **grid),
            html.H2(t("payee.flags_title", lang), className="bw-section-title"),
            table_card(P.T_FLAGS, lang, **grid),
        ]),
    ])


def update(store: Store, year, state: dict | None, search: str | None) -> dict:
    """The callback's body: the chosen year into the state, then the profile drawn."""
    lang = lang_of(search)
    state = dict(state or {})
    if year and year != ALL:
        state["year"] = str(year)
    else:
        state.pop("year", None)
        state.pop("as_of", None)
    drawn = profile.draw(store, state, lang)
    out = {"view": build_search({**{k: state.get(k) for k in profile.STATE_KEYS}, "lang": lang}),
           "state": state, "message": drawn.get("error"), "body": {"display": "none"},
           "year_options": dash.no_update, "headline": [], "similar": []}
    for name in (P.YEARS, P.MONTHLY):
        out[f"fig:{name}"] = dash.no_update
        out[f"config:{name}"] = dash.no_update
    for name in TABLES:
        out[f"cols:{name}"] = dash.no_update
        out[f"rows:{name}"] = []
    data = drawn.get("data")
    if data is not None:
        out["year_options"] = [{"label": t("payee.all_years", lang), "value": ALL}] + [
            {"label": str(y), "value": str(y)} for y in sorted(data["years"]["year"], reverse=True)]
    if "error" in drawn:
        return out
    out.update(body={}, headline=drawn["headline"], similar=drawn["similar"])
    suffix = data["period"].year
    out[f"fig:{P.YEARS}"], out[f"config:{P.YEARS}"] = drawn["fig_years"], image_config(image_filename("payee", "years", None))
    out[f"fig:{P.MONTHLY}"], out[f"config:{P.MONTHLY}"] = drawn["fig_monthly"], image_config(
        image_filename("payee", "monthly", suffix))
    for name, key in ((P.T_UNITS, "units"), (P.T_ECON, "econ"), (P.T_VOUCHERS, "largest"), (P.T_FLAGS, "flags")):
        out[f"cols:{name}"], out[f"rows:{name}"] = drawn[key]
    return out


def register_callbacks(app: dash.Dash, store: Store) -> None:
    output = {"view": Output(ids.view(VIEW), "data"), "state": Output(P.STATE, "data"),
              "message": Output(P.MESSAGE, "children"), "body": Output(P.BODY, "style"),
              "year_options": Output(P.YEAR, "options"), "headline": Output(P.HEADLINE, "children"),
              "similar": Output(P.SIMILAR, "children")}
    for name in (P.YEARS, P.MONTHLY):
        output[f"fig:{name}"] = Output(ids.graph(name), "figure")
        output[f"config:{name}"] = Output(ids.graph(name), "config")
    for name in TABLES:
        output[f"cols:{name}"] = Output(ids.table(name), "columnDefs")
        output[f"rows:{name}"] = Output(ids.table(name), "rowData")

    @app.callback(output=output, inputs={"year": Input(P.YEAR, "value")},
                  state={"state": State(P.STATE, "data"), "search": State(ids.Frame.URL, "search")})
    def _update(year, state, search):
        return update(store, year, state, search)

    register_export(app, store, P.T_UNITS, profile.fetch_units)
    register_export(app, store, P.T_ECON, profile.fetch_econ)
    register_export(app, store, P.T_VOUCHERS, profile.fetch_vouchers)
    register_export(app, store, P.T_FLAGS, profile.fetch_flags)
