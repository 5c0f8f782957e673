"""The page's callbacks as plain functions, and ``register_callbacks(app, store)``.

A failing query yields a sentence for the reader (``failure``), never a traceback.
"""
from __future__ import annotations


import datetime as dt
import logging

import dash
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import failure, how_to_load, notice
from budgetwatch.dashboard.figures import execution as figs
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.tables import Export, register_export
from budgetwatch.dashboard.vouchers import VOUCHER_PAGE, grid_token, voucher_frame, voucher_grid, voucher_rows
from budgetwatch.dashboard.urls import build_search, date_param, int_param, lang_of
from budgetwatch.queries import execution as q
from budgetwatch.queries import flags as qf
from budgetwatch.queries import page_cache
from budgetwatch.queries.store import QueryTimeout, Store

from budgetwatch.dashboard.pages.execution.state import (E, GRAPHS, GRID_SUMMARY, STATE_KEYS, VIEW, _FILE_PART,
                                                      grid_models, navigate, node_of, state_of, with_grid_models)
from budgetwatch.dashboard.pages.execution.layout import level_columns
from budgetwatch.dashboard.pages.execution.pieces import (VOUCHER_EXPORT_COLUMNS, _filters, _period, _schedule_text,
                                                       actions, crumbs, headline, level_export_frame,
                                                       level_rows, link, node_label, step_labels, vouchers_heading,
                                                       vouchers_title)
from budgetwatch.dashboard.pages.execution.download import open_execution_vouchers
import budgetwatch.dashboard.pages.execution.yoy as yoy

log = logging.getLogger("budgetwatch.dashboard")


# -- the callbacks, as plain functions ----------------------------------------------------------
def update_execution(store: Store, state: dict, search: str | None) -> dict:
    """Everything the page shows for a state (year, as-of, by, path, vouchers, voucher).

    Returns the value of every output by name; a failing query yields a sentence in
    ``message``, never a traceback.
    """
    lang = lang_of(search)
    state = state_of(state or {})
    node = node_of(state)
    out = _blank(lang)
    try:
        voucher = state.get("voucher")
        # every member asking this view of this generation shares one computation (page_cache)
        data = q.drill_data(store, node, int_param(state.get("year")), date_param(state.get("as_of")), voucher)
        period = data.period
        if period is None:
            out["message"] = notice(t("empty.none", lang), more=how_to_load(lang))
            return out
        y, day, schedule = period.year, period.as_of, period.schedule
        frame, monthly = data.frame, data.monthly
        labels = step_labels(node, data.names)
        show_vouchers = node.is_leaf or bool(state.get("vouchers")) or bool(voucher)
        n_vouchers = data.n_vouchers if show_vouchers and voucher else None
    except Exception as exc:  # the page's last guard: a sentence for the reader, details in the log
        out["message"] = failure(exc, lang, "execution")
        return out

    # The resolved state: defaults filled, the path as far as it is valid.
    state.update(year=str(y), as_of=day.isoformat(), by=node.by)
    if node.path:
        state["path"] = node.key
    else:
        state.pop("path", None)
    here = node_label(node, labels, lang)
    level_node = node.level_parent
    level_word = t(f"exec.level.{node.by}.{level_node.depth}", lang)
    level_label = node_label(level_node, labels, lang)
    totals = q.node_totals(frame, node)
    unit = fmt.money_unit(list(frame["adjusted"]) + list(frame["spent"]) + list(frame["original"]))
    table, prior = frame, None
    if yoy.wanted(state):
        try:
            table, prior = yoy.with_prior(store, node, y, day, frame)
        except Exception as exc:  # the year before failed: the level still shows, with a sentence
            out["message"] = failure(exc, lang, "execution")

    out.update(
        state=state,
        view=build_search({**{k: state.get(k) for k in STATE_KEYS}, "lang": lang}),   # canonical order
        year_options=[{"label": str(v), "value": v} for v in period.years],
        year=y, as_of=day.isoformat(), by=node.by,
        as_of_min=dt.date(y, 1, 1).isoformat(), as_of_max=dt.date(y, 12, 31).isoformat(),
        schedule=_schedule_text(period, lang),
        crumbs=crumbs(state, node, labels, lang),
        actions=actions(state, node, lang),
        level_title=t("exec.level.title", lang, node=level_label, level=level_word),
        level_columns=yoy.compact(level_columns(lang, unit), lang, unit, prior.held) if prior else level_columns(lang, unit),
        level_rows=level_rows(table, schedule, unit),
    )
    if prior is not None:
        out["level_title"] = [out["level_title"], html.Span(yoy.note(prior, y, lang), className="bw-subject-note",
                                                            style={"display": "block", "marginTop": "4px"})]
    if frame.empty or (totals["adjusted"] == 0 and totals["spent"] == 0 and totals["original"] == 0):
        out["message"] = notice(t("exec.empty", lang, year=y, node=here, date=fmt.date(day, lang)))
    out["body_style"] = {}
    out["headline"] = headline(totals, schedule, lang,
                               yoy.card_note(prior, node, totals["spent"], lang) if prior else None)
    title = t("exec.treemap.title", lang, year=y, node=level_label, level=level_word, date=fmt.date(day, lang))
    figures = page_cache.memo(store, "execution.figures", (node.by, node.key, y, day, lang), lambda: {
        E.TREEMAP: figs.level_treemap(frame, schedule, title=title, lang=lang,
                                      selected=node.path[-1] if node.is_leaf else None, root_label=level_label,
                                      level_key=f"{node.by}:{level_node.key}"),
        E.MONTHLY: figs.monthly_figure(monthly, year=y, node_label=here, lang=lang),
    })
    for name, fig in figures.items():
        out[f"fig:{name}"] = fig
        out[f"config:{name}"] = image_config(image_filename("execution", _FILE_PART[name], y))
    if show_vouchers:
        n = n_vouchers if n_vouchers is not None else totals["payments"]
        out["vouchers_style"] = {}
        if voucher:
            out["vouchers_note"] = notice([t("exec.vouchers.only", lang, no=voucher), " ",
                                           dcc.Link(t("exec.vouchers.all", lang),
                                                    href=link(state, lang, voucher=None, vouchers="1"))])
        grid_query = {"by": node.by, "path": node.key, "year": y, "as_of": day.isoformat(), "voucher": voucher}
        out["grid"] = voucher_grid(lang, grid_token(grid_query), *grid_models(state))
        out["grid_query"] = {**grid_query, "node": here, "n": int(n)}      # the title's words, for grid_block
        out["vouchers_title"] = vouchers_title(out["grid_query"], lang)
    return out


def _blank(lang: str) -> dict:
    out = {
        "state": dash.no_update, "view": dash.no_update,
        "year_options": dash.no_update, "year": dash.no_update, "as_of": dash.no_update, "by": dash.no_update,
        "as_of_min": None, "as_of_max": None, "schedule": "", "message": None,
        "body_style": {"display": "none"}, "crumbs": [], "actions": [], "headline": [],
        "level_title": "", "level_columns": dash.no_update, "level_rows": [],
        "vouchers_style": {"display": "none"}, "vouchers_title": "", "vouchers_note": None,
        "grid_query": None, "grid": [], "click": None,
    }
    for name in GRAPHS:
        out[f"fig:{name}"] = dash.no_update
        out[f"config:{name}"] = dash.no_update
    return out


def on_change(store: Store, trigger, state: dict | None, search: str | None, **inputs) -> dict:
    """The page callback's body: apply the input that changed, then draw the view."""
    return update_execution(store, navigate(state or {}, trigger, **inputs), search)


def grid_block(store: Store, request: dict | None, grid_query: dict | None, state: dict | None,
               search: str | None = None) -> dict:
    """One block for the grid, and — when the grid asks for its first block (a new filter or
    sort) — the title with the count and total of what it holds, and the view with the grid's
    models in the URL. ``summary`` says why the grid is empty when it could not be read."""
    lang = lang_of(search)
    rows, problem = _grid_rows(store, request, grid_query, search)
    out = {"rows": rows, "summary": dash.no_update, "title": dash.no_update, "view": dash.no_update,
           "state": dash.no_update}
    if problem:                 # an empty grid must not pass for "no vouchers": say why
        out["summary"] = problem
        return out
    if not request or not grid_query or int(request.get("startRow") or 0) != 0:
        return out
    node = q.parse_node(grid_query.get("by"), grid_query.get("path"))
    year, as_of = int_param(str(grid_query.get("year"))), date_param(grid_query.get("as_of"))
    if year is not None and as_of is not None:
        try:
            n, amount = q.vouchers_summary(store, node, year, as_of, filter_model=request.get("filterModel"),
                                           voucher=grid_query.get("voucher"))
            out["title"] = vouchers_title(grid_query, lang, (n, amount), filtered=bool(request.get("filterModel")))
        except Exception:
            log.exception("vouchers total failed")
        out["summary"] = ""
    if state is not None:
        new = with_grid_models(state_of(state), request.get("filterModel"), request.get("sortModel"))
        if new != state_of(state):
            out["state"] = new
            out["view"] = build_search({**{k: new.get(k) for k in STATE_KEYS}, "lang": lang})
    return out


def grid_rows(store: Store, request: dict | None, grid_query: dict | None, search: str | None = None) -> dict:
    """The vouchers grid's getRowsRequest answered: one block of rows and the matching count."""
    return _grid_rows(store, request, grid_query, search)[0]


def _grid_rows(store: Store, request: dict | None, grid_query: dict | None,
               search: str | None = None) -> tuple[dict, str | None]:
    """(the block, what to say instead when it could not be read: "查询超时" for a time-out)."""
    if not request or not grid_query:
        return {"rowData": [], "rowCount": 0}, None
    node = q.parse_node(grid_query.get("by"), grid_query.get("path"))
    year = int_param(str(grid_query.get("year")))
    as_of = date_param(grid_query.get("as_of"))
    if year is None or as_of is None:
        return {"rowData": [], "rowCount": 0}, None
    try:
        flags = qf.voucher_flags(store, year, as_of)     # cached per generation, view
        frame, total = q.vouchers_block(
            store, node, year, as_of, start=int(request.get("startRow") or 0),
            end=int(request.get("endRow") or VOUCHER_PAGE), sort_model=request.get("sortModel"),
            filter_model=request.get("filterModel"), voucher=grid_query.get("voucher"))
    except QueryTimeout as exc:     # no rows, and the sentence says why
        log.warning("vouchers page timed out: %s", exc)
        return {"rowData": [], "rowCount": 0}, t("grid.timeout", lang_of(search))
    except Exception:   # no rows; the sentence says so, the log has the reason
        log.exception("vouchers page failed")
        return {"rowData": [], "rowCount": 0}, t("grid.failed", lang_of(search))
    return {"rowData": voucher_rows(frame, flags, year=year, as_of=as_of.isoformat(),
                                    lang=lang_of(search)), "rowCount": total}, None


def fetch_level(store: Store, query: dict, lang: str) -> Export:
    """The level table's download: the level for the URL's view, as on screen."""
    state = state_of(query)
    node = node_of(state)
    with store.reader() as con:
        period = _period(con, state)
        if period is None:
            return Export(pd.DataFrame(), t("exec.title", lang))
        frame = q.level(con, node, period.year, period.as_of)
        labels = step_labels(node, q.node_names(con, node))
    held = None
    if yoy.wanted(state):
        frame, prior = yoy.with_prior(store, node, period.year, period.as_of, frame)
        held = prior.held
    level_node = node.level_parent
    level_word = t(f"exec.level.{node.by}.{level_node.depth}", lang)
    title = t("exec.export.level", lang, year=period.year, node=node_label(level_node, labels, lang),
              level=level_word)
    return Export(level_export_frame(frame, period.schedule, lang, held), title,
                  filters=_filters(period, node, labels, lang), as_of=period.as_of.isoformat())


def fetch_vouchers(store: Store, query: dict, lang: str, *, filter_model: dict | None = None,
                   sort_model: list | None = None) -> Export:
    """The vouchers download: every voucher of the node matching the grid's filters (≤ 1,000,000)."""
    state = state_of(query)
    node = node_of(state)
    with store.reader() as con:
        period = _period(con, state)
        if period is None:
            return Export(pd.DataFrame(), t("exec.title", lang))
        frame = q.vouchers_all(con, node, period.year, period.as_of, filter_model=filter_model,
                               sort_model=sort_model, voucher=state.get("voucher"))
        labels = step_labels(node, q.node_names(con, node))
    cols = list(VOUCHER_EXPORT_COLUMNS)
    rows = voucher_frame(frame)[cols].rename(columns={c: t(f"exec.vcol.{c}", lang) for c in cols})
    title, filters = vouchers_heading(period, node, labels, state, filter_model, lang)
    return Export(rows, title, filters=filters, as_of=period.as_of.isoformat())



def register_callbacks(app: dash.Dash, store: Store) -> None:
    output = {
        "state": Output(E.STATE, "data"),
        "view": Output(ids.view(VIEW), "data"),
        "year_options": Output(E.YEAR, "options"),
        "year": Output(E.YEAR, "value"),
        "as_of": Output(E.AS_OF, "date"),
        "as_of_min": Output(E.AS_OF, "min_date_allowed"),
        "as_of_max": Output(E.AS_OF, "max_date_allowed"),
        "by": Output(E.BY, "value"),
        "schedule": Output(E.SCHEDULE, "children"),
        "message": Output(E.MESSAGE, "children"),
        "body_style": Output(E.BODY, "style"),
        "crumbs": Output(E.CRUMBS, "children"),
        "actions": Output(E.ACTIONS, "children"),
        "headline": Output(E.HEADLINE, "children"),
        "level_title": Output(E.LEVEL_TITLE, "children"),
        "level_columns": Output(ids.table(E.T_LEVEL), "columnDefs"),
        "level_rows": Output(ids.table(E.T_LEVEL), "rowData"),
        "vouchers_style": Output(E.VOUCHERS_BOX, "style"),
        "vouchers_title": Output(E.VOUCHERS_TITLE, "children"),
        "vouchers_note": Output(E.VOUCHERS_NOTE, "children"),
        "grid_query": Output(E.GRID_QUERY, "data"),
        "grid": Output(E.GRID_HOLDER, "children"),
        "click": Output(ids.graph(E.TREEMAP), "clickData"),
    }
    for name in GRAPHS:
        output[f"fig:{name}"] = Output(ids.graph(name), "figure")
        output[f"config:{name}"] = Output(ids.graph(name), "config")

    @app.callback(
        output=output,
        inputs={"year": Input(E.YEAR, "value"), "as_of": Input(E.AS_OF, "date"), "by": Input(E.BY, "value"),
                "click": Input(ids.graph(E.TREEMAP), "clickData"),
                "cell": Input(ids.table(E.T_LEVEL), "cellClicked")},
        state={"state": State(E.STATE, "data"), "search": State(ids.Frame.URL, "search")},
    )
    def _update(year, as_of, by, click, cell, state, search):
        return on_change(store, ctx.triggered_id, state, search, year=year, as_of=as_of, by=by,
                         click=click, cell=cell)

    @app.callback(
        output={"rows": Output(ids.table(E.T_VOUCHERS), "getRowsResponse"),
                "summary": Output(GRID_SUMMARY, "children"),
                "title": Output(E.VOUCHERS_TITLE, "children", allow_duplicate=True),
                "view": Output(ids.view(VIEW), "data", allow_duplicate=True),
                "state": Output(E.STATE, "data", allow_duplicate=True)},
        inputs={"request": Input(ids.table(E.T_VOUCHERS), "getRowsRequest")},
        state={"grid_query": State(E.GRID_QUERY, "data"), "state": State(E.STATE, "data"),
               "search": State(ids.Frame.URL, "search")},
        prevent_initial_call=True,
    )
    def _rows(request, grid_query, state, search):
        return grid_block(store, request, grid_query, state, search)

    register_export(app, store, E.T_LEVEL, fetch_level)


    # every voucher of the view, streamed from DuckDB (dashboard/downloads.py), with the grid's filters
    register_export(app, store, E.T_VOUCHERS, fetch_vouchers, stream=open_execution_vouchers, grid=True)
