"""The project page's callbacks, as plain functions, and ``register_callbacks(app, store)``.

One callback draws the view for a state (view, year, as-of date, project); a click on a
project's name in the list opens it (the state goes to the ``view`` store, the frame writes
the URL). The vouchers grid is the execution page's server-side grid (dashboard/vouchers.py)
limited to payments charged to the project."""
from __future__ import annotations

import datetime as dt
import json
import logging

import dash
import pandas as pd
from dash import Input, Output, State, ctx

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import (breadcrumbs, card, failure, how_to_load, notice, section_outputs,
                                              section_unchanged)
from budgetwatch.dashboard.figures import projects as figs
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import export_frame, graph_style, grid_payload, table_unit
import budgetwatch.dashboard.pages.projects.data as pd_
import budgetwatch.dashboard.pages.projects.list_grid as list_grid
from budgetwatch.dashboard.pages.projects.layout import AWAY, PATH, STATE_KEYS, VIEW, P, state_of
from budgetwatch.dashboard.tables import Export, register_export
from budgetwatch.dashboard.urls import build_search, date_param, int_param, lang_of
from budgetwatch.dashboard.vouchers import VOUCHER_PAGE, grid_token, voucher_frame, voucher_grid, voucher_rows
from budgetwatch.queries import execution as qe
from budgetwatch.queries import flags as qf
from budgetwatch.queries import page_cache
from budgetwatch.queries.store import Store

log = logging.getLogger("budgetwatch.dashboard")
LIST_GRAPHS = (P.STATUS, P.RANK, P.UNITS)
ITEM_GRAPHS = (P.PROGRESS, P.MONEY)
LIST_TABLES = (P.T_VOTES,)          # the project list itself is paged on the server (list_grid.py)
ITEM_TABLES = (P.T_FLAGS, P.T_REPORTS, P.T_BUDGET, P.T_PVOTES)
_FILE_PART = {P.STATUS: "status", P.RANK: "ranking", P.UNITS: "units", P.PROGRESS: "progress", P.MONEY: "money"}


def navigate(state: dict | None, trigger, *, view=None, year=None, as_of=None, cell=None) -> dict:
    """The state after one input changed: the view, year or as-of date, or a project clicked."""
    state = state_of(state or {})
    if trigger == P.VIEW and view:
        state["view"] = view
        state.pop("project", None)
    elif trigger == P.YEAR and year is not None:
        state["year"] = str(year)
    elif trigger == P.AS_OF and as_of:
        state["as_of"] = str(as_of)[:10]
    elif trigger == ids.table(P.T_LIST) and isinstance(cell, dict) and cell.get("colId") in ("project_name",
                                                                                               "project_code"):
        if cell.get("rowId"):
            state["project"] = str(cell["rowId"])
    return state


def headline(data: pd_.ProjectsData, lang: str) -> list:
    n = pd_.headline_numbers(data)
    unit = fmt.money_unit([n["plan"], n["done"], n["total"]])
    status = dict(zip(n["status"]["status"], n["status"]["projects"]))
    behind = n["rate"] is not None and n["expected"] is not None and n["rate"] < n["expected"]
    return [
        card(t(f"proj.card.n.{data.view}", lang), t("proj.card.n_value", lang, n=n["n"]),
             t("proj.card.status_note", lang, **{f"s{i}": status.get(s, 0) for i, s in
                                                  enumerate(("未开工", "在建", "已完工", "停工"))})),
        card(t("proj.card.invest", lang), fmt.money(n["done"], lang, unit),
             t("proj.card.invest_note", lang, plan=fmt.money(n["plan"], lang, unit), total=fmt.money(n["total"], lang, unit))),
        card(t("proj.card.rate", lang), fmt.percent(n["rate"]),
             t("proj.card.rate_note", lang, expected=fmt.percent(n["expected"])), "is-medium" if behind else ""),
        card(t("proj.card.flags", lang), t("proj.card.n_value", lang, n=n["flagged"]),
             t("proj.card.flags_note", lang, high=n["high"], unsatisfied=n["unsatisfied"], basic=n["basic"]),
             "is-high" if n["high"] else "is-medium" if n["flagged"] else ""),
    ]


def info_cards(data: pd_.ProjectsData, lang: str) -> list:
    p = data.project
    row = data.projects[data.projects["project_code"] == p["project_code"]]
    status = row["status"].iloc[0] if len(row) else None
    kind = [t("proj.view.livelihood", lang) + f" {int(p['livelihood_year'])}"] if not fmt.missing(p.get("livelihood_year")) else []
    if p.get("is_investment"):
        kind.append(t("proj.view.investment", lang))
    unit = fmt.money_unit([p["total_investment"] or 0])
    est = p.get("approved_estimate")
    return [
        card(t("proj.col.unit", lang), fmt.text(p["unit_name"]), " · ".join(kind)),
        card(t("proj.col.target", lang), fmt.text(p.get("target")), fmt.text(p.get("category"))),
        card(t("proj.col.total", lang), fmt.money(p["total_investment"], lang, unit),
             t("proj.card.estimate", lang, amount=fmt.money(est, lang, unit)) if not fmt.missing(est) else ""),
        card(t("proj.col.status", lang), t(f"pstatus.{status}", lang) if status else "—",
             t("proj.card.dates", lang, start=fmt.date(p["planned_start"], lang),
               finish=fmt.date(p["planned_finish"], lang))),
    ]


def crumbs(data: pd_.ProjectsData, lang: str) -> list:
    return breadcrumbs([t(f"proj.view.{data.view}", lang), fmt.text(data.project["project_name"])],
                       [pd_.href(data, lang)])


def update_projects(store: Store, state: dict | None, search: str | None) -> dict:
    """Everything the page shows for a state; a failing query yields a sentence, never a traceback."""
    lang = lang_of(search)
    state = state_of(state or {})
    out = _blank()
    try:
        data = pd_.load(store, int_param(state.get("year")), date_param(state.get("as_of")), state["view"],
                        state.get("project"))
    except Exception as exc:  # the page's last guard: a sentence for the reader, details in the log
        out["message"] = failure(exc, lang, "projects")
        return out
    if data is None:
        out["message"] = notice(t("proj.empty", lang), more=how_to_load(lang))
        return out
    y, day = data.year, data.as_of
    state.update(year=str(y), as_of=day.isoformat())
    if state.get("project") and data.project is None:
        out["message"] = notice(t("proj.unknown", lang, code=state["project"]))
        state.pop("project")
    out.update(
        state=state, view=build_search({**{k: state.get(k) for k in STATE_KEYS}, "lang": lang}),
        year_options=[{"label": str(v), "value": v} for v in data.years], year=y, as_of=day.isoformat(),
        view_choice=data.view, as_of_min=dt.date(y, 1, 1).isoformat(), as_of_max=dt.date(y, 12, 31).isoformat(),
        schedule=t("proj.as_of_note", lang, date=fmt.date(day, lang)),
    )
    # Figures and the list's grid payload are the same for everyone asking this view of this
    # generation (with these thresholds): built once, kept in the page cache.
    view_key = (data.view, y, day, lang, json.dumps(data.thresholds, sort_keys=True, default=str))
    payloads: dict = {}
    if data.project is None:
        out.update(list_style={}, item_style=AWAY, headline=headline(data, lang))

        def list_figures() -> dict:
            n = pd_.headline_numbers(data)
            return {
                P.STATUS: figs.status_figure(n["status"], year=y, view=data.view, lang=lang),
                P.RANK: figs.ranking_figure(data.projects, year=y, as_of=day, kind="projects", lang=lang,
                                            thresholds=data.lag_bands),
                P.UNITS: figs.ranking_figure(_units(data), year=y, as_of=day, kind="units", lang=lang,
                                             thresholds=data.lag_bands),
            }
        figures = page_cache.memo(store, "projects.list.figures", view_key, list_figures)
        payloads = page_cache.memo(store, "projects.list.tables", view_key, lambda: {
            P.T_VOTES: grid_payload(pd_.votes_frame(data.votes, lang), pd_.VOTE_COLS, lang, ("grade",))})
        tables = {}
        out["list_grid"] = list_grid.list_grid(lang, list_grid.token(state))
    else:
        name = data.project["project_name"]
        budget = float(data.budget["adjusted"].sum()) if len(data.budget) else None
        out.update(list_style=AWAY, item_style={}, crumbs=crumbs(data, lang), info=info_cards(data, lang))
        figures = page_cache.memo(store, "projects.one.figures", (data.project["project_code"], *view_key), lambda: {
            P.PROGRESS: figs.progress_figure(data.reports, name=name, year=y, lang=lang),
            P.MONEY: figs.money_figure(data.paid, data.reports, budget, name=name, year=y, lang=lang),
        })
        flags = pd_.flags_frame(data, lang)
        tables = {P.T_FLAGS: (flags, pd_.FLAG_COLS, ("severity", "href")),
                  P.T_REPORTS: (_rounded(pd_.reports_frame(data, lang)), pd_.REPORT_COLS, ()),
                  P.T_BUDGET: (data.budget, pd_.BUDGET_COLS, ()),
                  P.T_PVOTES: (pd_.votes_frame(data.pvotes, lang), pd_.PVOTE_COLS, ("grade",))}
        code = data.project["project_code"]
        out["grid_query"] = {"project": code, "year": y, "as_of": day.isoformat()}
        out["grid"] = voucher_grid(lang, grid_token(out["grid_query"]), table=P.T_VOUCHERS, prefix="proj-grid")
        n_paid = int(data.paid["payments"].sum()) if len(data.paid) else 0
        out["vouchers_title"] = t("proj.vouchers", lang, name=fmt.text(name), year=y, date=fmt.date(day, lang),
                                  n=f"{n_paid:,}")
    for name_, fig in figures.items():
        out[f"fig:{name_}"] = fig
        out[f"style:{name_}"] = graph_style(fig)
        out[f"config:{name_}"] = image_config(image_filename("projects", _FILE_PART[name_], y))
    for name_, (frame, cols, extra) in tables.items():
        out[f"table:{name_}"] = grid_payload(frame, cols, lang, extra)
    for name_, payload in payloads.items():
        out[f"table:{name_}"] = payload
    return out


def _units(data: pd_.ProjectsData) -> pd.DataFrame:
    from budgetwatch.queries.projects import unit_ranking
    return unit_ranking(data.projects)


_rounded = pd_.rounded


def _blank() -> dict:
    out = {"state": dash.no_update, "view": dash.no_update, "year_options": dash.no_update,
           "year": dash.no_update, "as_of": dash.no_update, "view_choice": dash.no_update,
           "as_of_min": None, "as_of_max": None, "schedule": "", "message": None,
           "list_style": AWAY, "item_style": AWAY, "headline": [], "crumbs": [], "info": [],
           "grid_query": None, "grid": dash.no_update, "vouchers_title": "", "list_grid": dash.no_update}
    out.update(section_unchanged(LIST_GRAPHS + ITEM_GRAPHS, LIST_TABLES + ITEM_TABLES))
    return out


def on_change(store: Store, trigger, state: dict | None, search: str | None, **inputs) -> dict:
    """The page callback's body: apply the input that changed, then draw the view."""
    return update_projects(store, navigate(state, trigger, **inputs), search)


def open_href(state: dict | None, cell: dict | None, search: str | None) -> str | None:
    """Where a click in the list leads: the project's own view (same year, date, language);
    None when the click was not on a project's name or code."""
    before = state_of(state or {})
    after = navigate(before, ids.table(P.T_LIST), cell=cell)
    if after.get("project") == before.get("project") or not after.get("project"):
        return None
    lang = lang_of(search)
    return PATH + build_search({**{k: after.get(k) for k in STATE_KEYS}, "lang": lang if lang != "zh" else None})


def grid_rows(store: Store, request: dict | None, grid_query: dict | None, search: str | None = None) -> dict:
    """The vouchers grid's getRowsRequest: one block of the project's payments and the count."""
    if not request or not grid_query or not grid_query.get("project"):
        return {"rowData": [], "rowCount": 0}
    year = int_param(str(grid_query.get("year")))
    as_of = date_param(grid_query.get("as_of"))
    if year is None or as_of is None:
        return {"rowData": [], "rowCount": 0}
    try:
        flags = qf.voucher_flags(store, year, as_of)
        frame, total = qe.vouchers_block(
            store, qe.parse_node("dept", None), year, as_of, start=int(request.get("startRow") or 0),
            end=int(request.get("endRow") or VOUCHER_PAGE), sort_model=request.get("sortModel"),
            filter_model=request.get("filterModel"), project=str(grid_query["project"]))
    except Exception:   # the grid shows no rows; the log has the reason
        log.exception("project vouchers page failed")
        return {"rowData": [], "rowCount": 0}
    return {"rowData": voucher_rows(frame, flags, year=year, as_of=as_of.isoformat(), lang=lang_of(search)),
            "rowCount": total}


# -- downloads -----------------------------------------------------------------------------------
_TITLES = {P.T_LIST: "proj.list", P.T_VOTES: "proj.votes", P.T_FLAGS: "proj.flags", P.T_REPORTS: "proj.reports",
           P.T_BUDGET: "proj.budget", P.T_PVOTES: "proj.pvotes"}


def _load_for(store: Store, query: dict) -> pd_.ProjectsData | None:
    state = state_of(query)
    return pd_.load(store, int_param(state.get("year")), date_param(state.get("as_of")), state["view"],
                    state.get("project"))


def _context(data: pd_.ProjectsData, lang: str) -> list[tuple[str, str]]:
    out = [(t("overview.year", lang), str(data.year)), (t("overview.as_of", lang), data.as_of.isoformat()),
           (t("proj.f.view", lang), t(f"proj.view.{data.view}", lang))]
    if data.project:
        out.append((t("proj.f.project", lang), f"{data.project['project_code']} {data.project['project_name']}"))
    return out


def fetch(table: str):
    def _fetch(store: Store, query: dict, lang: str) -> Export:
        data = _load_for(store, query)
        if data is None:
            return Export(pd.DataFrame(), t(_TITLES[table], lang))
        frames = {
            P.T_LIST: lambda: (_rounded(pd_.list_frame(data, lang)), pd_.LIST_COLS),
            P.T_VOTES: lambda: (pd_.votes_frame(data.votes, lang), pd_.VOTE_COLS),
            P.T_FLAGS: lambda: (pd_.flags_frame(data, lang), pd_.FLAG_COLS),
            P.T_REPORTS: lambda: (_rounded(pd_.reports_frame(data, lang)), pd_.REPORT_COLS),
            P.T_BUDGET: lambda: (data.budget, pd_.BUDGET_COLS),
            P.T_PVOTES: lambda: (pd_.votes_frame(data.pvotes, lang), pd_.PVOTE_COLS),
        }
        frame, cols = frames[table]()
        return Export(export_frame(frame, cols, table_unit(frame, cols), lang),
                      f"{data.year} {t(_TITLES[table], lang)}", _context(data, lang), data.as_of.isoformat())
    return _fetch


def fetch_vouchers(store: Store, query: dict, lang: str, *, filter_model: dict | None = None,
                   sort_model: list | None = None) -> Export:
    """Every payment charged to the project in the year up to the as-of date (grid filters applied)."""
    data = _load_for(store, query)
    if data is None or data.project is None:
        return Export(pd.DataFrame(), t("proj.title", lang))
    with store.reader() as con:
        frame = qe.vouchers_all(con, qe.parse_node("dept", None), data.year, data.as_of, filter_model=filter_model,
                                sort_model=sort_model, project=data.project["project_code"])
    cols = ["voucher_no", "pay_date", "dept_code", "unit", "func", "econ", "fund_type", "payee", "amount", "purpose"]
    rows = voucher_frame(frame)[cols].rename(columns={c: t(f"exec.vcol.{c}", lang) for c in cols})
    return Export(rows, t("proj.vouchers.export", lang, year=data.year, name=data.project["project_name"]),
                  _context(data, lang), data.as_of.isoformat())


def register_callbacks(app: dash.Dash, store: Store) -> None:
    output = {
        "state": Output(P.STATE, "data"), "view": Output(ids.view(VIEW), "data"),
        "year_options": Output(P.YEAR, "options"), "year": Output(P.YEAR, "value"),
        "as_of": Output(P.AS_OF, "date"), "view_choice": Output(P.VIEW, "value"),
        "as_of_min": Output(P.AS_OF, "min_date_allowed"), "as_of_max": Output(P.AS_OF, "max_date_allowed"),
        "schedule": Output(P.SCHEDULE, "children"), "message": Output(P.MESSAGE, "children"),
        "list_style": Output(P.LIST_BOX, "style"), "item_style": Output(P.ITEM_BOX, "style"),
        "headline": Output(P.HEADLINE, "children"), "crumbs": Output(P.CRUMBS, "children"),
        "info": Output(P.INFO, "children"), "grid_query": Output(P.GRID_QUERY, "data"),
        "grid": Output(P.GRID_HOLDER, "children"), "vouchers_title": Output(P.VOUCHERS_TITLE, "children"),
        "list_grid": Output(P.LIST_HOLDER, "children"),
    }
    output.update(section_outputs(LIST_GRAPHS + ITEM_GRAPHS, LIST_TABLES + ITEM_TABLES))

    # The list's grid is remounted for each view (its holder is an output here), so a click in it
    # is not an input of this callback — a new grid would call it again, and again.
    @app.callback(
        output=output,
        inputs={"view": Input(P.VIEW, "value"), "year": Input(P.YEAR, "value"), "as_of": Input(P.AS_OF, "date")},
        state={"state": State(P.STATE, "data"), "search": State(ids.Frame.URL, "search")},
    )
    def _update(view, year, as_of, state, search):
        return on_change(store, ctx.triggered_id, state, search, view=view, year=year, as_of=as_of)

    @app.callback(Output(P.LIST_GO, "href"), Input(ids.table(P.T_LIST), "cellClicked"),
                  State(P.STATE, "data"), State(ids.Frame.URL, "search"), prevent_initial_call=True)
    def _open(cell, state, search):
        return open_href(state, cell, search) or dash.no_update

    @app.callback(
        Output(ids.table(P.T_VOUCHERS), "getRowsResponse"),
        Input(ids.table(P.T_VOUCHERS), "getRowsRequest"),
        State(P.GRID_QUERY, "data"),
        State(ids.Frame.URL, "search"),
    )
    def _rows(request, grid_query, search):
        return grid_rows(store, request, grid_query, search)

    @app.callback(
        Output(ids.table(P.T_LIST), "getRowsResponse"),
        Input(ids.table(P.T_LIST), "getRowsRequest"),
        State(P.STATE, "data"),
        State(ids.Frame.URL, "search"),
        prevent_initial_call=True,
    )
    def _list_rows(request, state, search):
        return list_grid.list_rows(store, request, state, search)

    for name in (P.T_LIST,) + LIST_TABLES + ITEM_TABLES:
        register_export(app, store, name, fetch(name))
    register_export(app, store, P.T_VOUCHERS, fetch_vouchers, grid=True)
