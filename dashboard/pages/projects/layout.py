"""The project page's components for a URL query and language (pure: no data)."""
from __future__ import annotations

from dash import dcc, html

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import as_of_field, choice_field, figure_card, view_store, year_field
from budgetwatch.dashboard.figures.common import image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import page_table
from budgetwatch.dashboard.links import PROJECTS_PATH
from budgetwatch.dashboard.pages.projects.list_grid import list_grid, token
from budgetwatch.dashboard.urls import date_param, int_param
from budgetwatch.dashboard.vouchers import voucher_grid
from budgetwatch.queries.projects import VIEWS

PATH = PROJECTS_PATH
NAV_KEY = "nav.projects"
VIEW = "projects"
P = ids.Projects
STATE_KEYS = ("view", "year", "as_of", "project")
# The list or the project, whichever is not shown: out of the layout altogether (a box hidden by
# size still lent its charts' height to the page). Charts get their height from graph_style.
AWAY = {"display": "none"}


def state_of(query: dict) -> dict:
    """The page's state from a URL query: only the keys the page knows, as text."""
    state = {k: query.get(k) for k in STATE_KEYS if query.get(k) not in (None, "")}
    if state.get("view") not in VIEWS:
        state["view"] = VIEWS[0]
    return state


def section(title_key: str, lang: str, *children, note_key: str | None = None, id_: str | None = None) -> html.Section:
    head = [html.H2(t(title_key, lang), id=id_) if id_ else html.H2(t(title_key, lang))]
    if note_key:
        head.append(html.P(t(note_key, lang), className="bw-hint"))
    return html.Section(className="bw-section", children=head + list(children))


def layout(query: dict[str, str], lang: str) -> html.Div:
    state = state_of(query)
    year = int_param(query.get("year"))
    as_of = date_param(query.get("as_of"))
    listing = not state.get("project")
    return html.Div(className="bw-page bw-projects", children=[
        view_store(VIEW),
        dcc.Store(id=P.STATE, data=state),
        dcc.Store(id=P.GRID_QUERY),
        dcc.Location(id=P.LIST_GO, refresh="callback-nav"),     # a project clicked in the list → the project
        html.Div(className="bw-toolbar", children=[
            html.H1(t("proj.title", lang), className="bw-page-title"),
            choice_field(P.VIEW, "proj.view", state["view"], VIEWS, lang, titled=False),
            year_field(P.YEAR, year, lang),
            as_of_field(P.AS_OF, as_of, lang),
            html.Div(id=P.SCHEDULE, className="bw-schedule"),
        ]),
        html.Div(id=P.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6}, children=[
            html.Div(id=P.LIST_BOX, style={} if listing else AWAY, children=[
                html.Section(id=P.HEADLINE, className="bw-cards"),
                section("proj.list", lang, html.Div(id=P.LIST_HOLDER, children=list_grid(lang, token(state))),
                        note_key="proj.list_note"),
                html.Div(className="bw-two", children=[
                    figure_card(P.STATUS, lang, image_filename("projects", "status", year)),
                    figure_card(P.RANK, lang, image_filename("projects", "ranking", year)),
                ]),
                figure_card(P.UNITS, lang, image_filename("projects", "units", year)),
                section("proj.votes", lang, page_table(P.T_VOTES, lang, style={"height": "300px", "width": "100%"}),
                        note_key="proj.votes_note"),
            ]),
            html.Div(id=P.ITEM_BOX, style=AWAY if listing else {}, children=[
                html.Nav(id=P.CRUMBS, className="bw-crumbs"),
                html.Section(id=P.INFO, className="bw-cards"),
                section("proj.flags", lang, page_table(P.T_FLAGS, lang, style={"height": "220px", "width": "100%"})),
                html.Div(className="bw-two", children=[
                    figure_card(P.PROGRESS, lang, image_filename("projects", "progress", year)),
                    figure_card(P.MONEY, lang, image_filename("projects", "money", year)),
                ]),
                section("proj.reports", lang, page_table(P.T_REPORTS, lang, style={"height": "300px", "width": "100%"})),
                section("proj.budget", lang, page_table(P.T_BUDGET, lang, style={"height": "220px", "width": "100%"}),
                        note_key="proj.budget_note"),
                html.Section(className="bw-section bw-exec-vouchers", children=[
                    html.H2(id=P.VOUCHERS_TITLE, className="bw-section-title"),
                    html.P(t("exec.vouchers.hint", lang), className="bw-hint"),
                    html.Div(id=P.GRID_HOLDER,
                             children=voucher_grid(lang, "initial", table=P.T_VOUCHERS, prefix="proj-grid")),
                ]),
                section("proj.pvotes", lang, page_table(P.T_PVOTES, lang, style={"height": "200px", "width": "100%"})),
            ]),
        ]),
    ])
