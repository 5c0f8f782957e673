"""总览 Overview: the year at a glance — the four budgets, every department against the time
schedule, spending month by month against last year, and how fresh each feed is.

The view is the URL query: ``?year=2025&as_of=2025-06-30&lang=zh``. ``layout`` draws the
controls from it; ``update_overview`` resolves the defaults, queries the store, and hands the
resolved view to the frame (its ``view`` store), which puts it in the address bar: the address
is always a permalink.
"""
from __future__ import annotations

import datetime as dt
import logging

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import (as_of_field, card, failure, figure_card,
                                 how_to_load, notice, view_store, year_field)
from budgetwatch.dashboard.briefing_route import briefing_link
from budgetwatch.dashboard.links import department_href
from budgetwatch.dashboard.figures import overview as figs
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.dashboard.urls import build_search, date_param, int_param, lang_of, with_params
from budgetwatch.queries import overview as q
from budgetwatch.queries import page_cache
from budgetwatch.queries.store import Store

PATH = "/"
NAV_KEY = "nav.overview"
VIEW = "overview"
GRAPHS = (ids.Overview.FUNDS, ids.Overview.DEPARTMENTS, ids.Overview.MONTHLY)
_FILE_PART = {ids.Overview.FUNDS: "funds", ids.Overview.DEPARTMENTS: "departments",
              ids.Overview.MONTHLY: "monthly"}

log = logging.getLogger("budgetwatch.dashboard")


# -- layout -----------------------------------------------------------------------------------
def layout(query: dict[str, str], lang: str) -> html.Div:
    """Controls set from the URL query; everything else is filled by ``update_overview``."""
    year = int_param(query.get("year"))
    as_of = date_param(query.get("as_of"))
    return html.Div(className="bw-page", children=[
        view_store(VIEW),
        dcc.Location(id=ids.Execution.OVERVIEW_GO, refresh="callback-nav"),   # a department bar → its drill-down
        html.Div(className="bw-toolbar", children=[
            html.H1(t("overview.title", lang), className="bw-page-title"),
            year_field(ids.Overview.YEAR, year, lang),
            as_of_field(ids.Overview.AS_OF, as_of, lang),
            html.Div(id=ids.Overview.SCHEDULE, className="bw-schedule"),
            briefing_link(lang, build_search({"year": year, "as_of": as_of})),
        ]),
        html.Div(id=ids.Overview.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6},
                    children=html.Div(id=ids.Overview.BODY, children=[
                        html.Section(id=ids.Overview.HEADLINE, className="bw-cards"),
                        *[figure_card(name, lang, image_filename("overview", _FILE_PART[name], year),
                                      stack=name == ids.Overview.FUNDS)     # the four gauges
                          for name in GRAPHS],
                    ])),
        html.Section(id=ids.Overview.FRESHNESS, className="bw-freshness"),
    ])


# -- pieces of the view (pure) ----------------------------------------------------------------
def headline(depts: pd.DataFrame, funds: pd.DataFrame, period: q.Period, lang: str) -> list:
    """Four cards: adjusted budget, spent, execution rate against schedule, lagging departments."""
    adjusted, original, spent = funds["adjusted"].sum(), funds["original"].sum(), funds["spent"].sum()
    unit = fmt.money_unit([adjusted, original, spent])
    rate = spent / adjusted if adjusted > 0 else None
    schedule = period.schedule
    measured = depts[depts["rate"].notna()]
    lagging = int((schedule - measured["rate"] > figs.LAG_MEDIUM).sum())
    tone = f"is-{figs.lag_band(rate, schedule)}" if rate is not None else ""
    return [
        card(t("headline.adjusted", lang), fmt.money(adjusted, lang, unit),
             t("headline.original", lang, amount=fmt.money(original, lang, unit))),
        card(t("headline.spent", lang), fmt.money(spent, lang, unit),
             t("headline.spent_note", lang, date=fmt.date(period.as_of, lang))),
        card(t("headline.rate", lang), fmt.percent(rate),
             t("headline.rate_note", lang, diff=fmt.points(rate - schedule, lang)) if rate is not None else "",
             tone),
        card(t("headline.lagging", lang), t("headline.lagging_value", lang, n=lagging, total=len(measured)),
             t("headline.lagging_note", lang), "is-high" if lagging else ""),
    ]


def schedule_text(period: q.Period, lang: str) -> str:
    day, days = q.day_of_year(period.as_of)
    return t("overview.schedule", lang, pct=fmt.percent(period.schedule), date=fmt.date(period.as_of, lang),
             day=day, days=days)


def freshness(frame: pd.DataFrame, lang: str) -> list:
    """数据截至 …: one row per feed with rows, the date its data speaks for, last load, state."""
    head = html.Tr([html.Th(t(k, lang), className="num" if k == "fresh.rows" else None) for k in
                    ("fresh.feed", "fresh.rows", "fresh.as_of", "fresh.loaded", "fresh.file", "fresh.state")])
    body = []
    for r in frame.itertuples():
        if r.rows == 0:
            state, tone = t("fresh.empty", lang), "is-empty"
        elif r.stale:
            state, tone = t("fresh.stale", lang, days=q.STALE_AFTER_DAYS), "is-stale"
        else:
            state, tone = t("fresh.ok", lang), "is-ok"
        body.append(html.Tr(className=tone, children=[
            html.Td(data_label("feed", r.feed, lang)), html.Td(fmt.count(r.rows), className="num"),
            html.Td(fmt.as_of(r.as_of, lang)), html.Td(fmt.datetime_(r.last_loaded, lang)),
            html.Td(fmt.text(r.last_file)),
            html.Td(html.Span(state, className=f"bw-tag {tone}")),
        ]))
    return [html.H2(t("fresh.title", lang)),
            html.Table(className="bw-table", children=[html.Thead(head), html.Tbody(body)])]


# -- query → frames → figures, shared with exports (dashboard/views.py, the briefing) ----------
# -- the callback, as a plain function --------------------------------------------------------
def update_overview(store: Store, year: int | str | None, as_of: str | None, search: str | None,
                    *, now: dt.datetime | None = None) -> dict:
    """Everything the page shows for a year and as-of date (None: the defaults).

    Returns the value of every output by name; a failing query yields a sentence in
    ``message``, never a traceback.
    """
    lang = lang_of(search)
    out = _blank(lang)
    try:
        data = q.overview_data(store, int_param(str(year)) if year is not None else None, date_param(as_of))
        fresh = q.freshness_frame(data.status, now=now)
        out["freshness"] = freshness(fresh, lang)
        period = data.period
        if period is None:
            key = "empty.none" if fresh["rows"].sum() == 0 else "empty.no_budget"
            out["message"] = notice(t(key, lang), more=how_to_load(lang))
            return out
        depts, funds, monthly = data.depts, data.funds, data.monthly
    except Exception as exc:  # the page's last guard: a sentence for the reader, details in the log
        out["message"] = failure(exc, lang, "overview")
        return out

    y, day, schedule = period.year, period.as_of, period.schedule
    out.update(
        year_options=[{"label": str(v), "value": v} for v in period.years],
        year=y,
        as_of=day.isoformat(),
        as_of_min=dt.date(y, 1, 1).isoformat(),
        as_of_max=dt.date(y, 12, 31).isoformat(),
        schedule=schedule_text(period, lang),
        body_style={},
        headline=headline(depts, funds, period, lang),
        view=with_params(search, year=y, as_of=day.isoformat(), lang=lang),
    )
    # the same figures for everyone asking this view of this generation: built once (page_cache)
    figures = page_cache.memo(store, "overview.figures", (y, day, lang),
                              lambda: figs.overview_figures(period, depts, funds, monthly, lang))
    for name, fig in figures.items():
        out[f"fig:{name}"] = fig
        out[f"config:{name}"] = image_config(image_filename("overview", _FILE_PART[name], y))
    return out


def _blank(lang: str) -> dict:
    """The outputs when there is nothing to draw: body hidden, controls and URL left alone."""
    out = {
        "year_options": dash.no_update, "year": dash.no_update, "as_of": dash.no_update,
        "as_of_min": None, "as_of_max": None, "schedule": "", "message": None,
        "body_style": {"display": "none"}, "headline": [], "freshness": [], "view": dash.no_update,
    }
    for name in GRAPHS:
        out[f"fig:{name}"] = dash.no_update
        out[f"config:{name}"] = dash.no_update
    return out


def register_callbacks(app: dash.Dash, store: Store) -> None:
    output = {
        "year_options": Output(ids.Overview.YEAR, "options"),
        "year": Output(ids.Overview.YEAR, "value"),
        "as_of": Output(ids.Overview.AS_OF, "date"),
        "as_of_min": Output(ids.Overview.AS_OF, "min_date_allowed"),
        "as_of_max": Output(ids.Overview.AS_OF, "max_date_allowed"),
        "schedule": Output(ids.Overview.SCHEDULE, "children"),
        "message": Output(ids.Overview.MESSAGE, "children"),
        "body_style": Output(ids.Overview.BODY, "style"),
        "headline": Output(ids.Overview.HEADLINE, "children"),
        "freshness": Output(ids.Overview.FRESHNESS, "children"),
        "view": Output(ids.view(VIEW), "data"),
    }
    for name in GRAPHS:
        output[f"fig:{name}"] = Output(ids.graph(name), "figure")
        output[f"config:{name}"] = Output(ids.graph(name), "config")

    @app.callback(
        output=output,
        inputs={"year": Input(ids.Overview.YEAR, "value"), "as_of": Input(ids.Overview.AS_OF, "date")},
        state={"search": State(ids.Frame.URL, "search")},
    )
    def _update(year, as_of, search):
        return update_overview(store, year, as_of, search)

    @app.callback(Output(ids.Execution.OVERVIEW_GO, "href"),
                  Input(ids.graph(ids.Overview.DEPARTMENTS), "clickData"),
                  State(ids.Frame.URL, "search"), prevent_initial_call=True)
    def _open_department(click, search):
        return department_href(store, click, search) or dash.no_update
