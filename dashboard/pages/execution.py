"""预算执行 Budget execution: drill from the whole budget down to one payment voucher.

Two trees: by function (类 → 款 → 项) or by department (部门 → 预算单位 → 经济分类款). Every
level shows a treemap (area: adjusted budget; colour: gap to the time schedule), a table of
the level with downloads, and the node's monthly curve against last year. A leaf — or the
"查看凭证" action at any level — shows the node's payment vouchers in a server-side grid:
AG Grid's infinite row model asks for one block at a time and DuckDB filters, sorts and
pages (queries/execution.py); the browser never holds more than a few blocks.

The view is the URL query, so every view is a permalink and Back goes back one step::

    /execution?year=2025&as_of=2025-06-30&by=func&path=205.20502.2050202&lang=en
    /execution?by=dept&path=001.001001.30201          # department → unit → economic 款
    /execution?year=2025&voucher=20250000012017        # one voucher (links from warnings)
    /execution?by=func&path=205&vouchers=1             # the vouchers of a node above the leaf
    /execution?vouchers=1&grid={"payee":{…}}&sort=[…]  # the grid's filters and sort (AG Grid's models)

A click on a tile or a table row sets the page's state and its ``view`` store; the frame
writes the URL (one history entry per step). Breadcrumb and action links are plain links:
the frame redraws the page from the new URL.
"""
from __future__ import annotations

import datetime as dt
import json
import logging

import dash
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import (as_of_field, card, failure, figure_card,
                                 how_to_load, notice, view_store, year_field)
from budgetwatch.dashboard.figures import execution as figs
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.tables import Export, register_export, table_card
from budgetwatch.dashboard.links import EXECUTION_PATH
from budgetwatch.dashboard.vouchers import (_NUM, VOUCHER_PAGE, flag_column, flag_href,  # noqa: F401
                                            grid_token, voucher_columns, voucher_frame, voucher_grid,
                                            voucher_rows)
from budgetwatch.dashboard.urls import build_search, date_param, int_param, lang_of
from budgetwatch.queries import execution as q
from budgetwatch.queries import flags as qf
from budgetwatch.queries import page_cache
from budgetwatch.queries.overview import Period, day_of_year, resolve_period
from budgetwatch.queries.store import QueryTimeout, Store

PATH = EXECUTION_PATH
NAV_KEY = "nav.execution"
VIEW = "execution"
E = ids.Execution
GRAPHS = (E.TREEMAP, E.MONTHLY)
_FILE_PART = {E.TREEMAP: "level", E.MONTHLY: "monthly"}
STATE_KEYS = ("year", "as_of", "by", "path", "vouchers", "voucher", "grid", "sort")
GRID_SUMMARY = "exec-vouchers-summary"      # count and total of what the filtered grid holds
MAX_MODEL_TEXT = 8000

log = logging.getLogger("budgetwatch.dashboard")

_PCT = "params.value == null ? '—' : d3.format('.1%')(params.value)"
_PTS = "params.value == null ? '—' : (params.value > 0 ? '+' : '') + Number(params.value).toFixed(1)"


# -- the view's state ---------------------------------------------------------------------------
def state_of(query: dict) -> dict:
    """The page's state from a URL query: only the keys the page knows, as text."""
    return {k: query.get(k) for k in STATE_KEYS if query.get(k) not in (None, "")}


def grid_models(state: dict) -> tuple[dict | None, list | None]:
    """The grid's filterModel and sortModel from the URL (``grid``/``sort``, JSON), each kept
    only for the grid's own columns; (None, None) when absent or unreadable."""
    def parse(key):
        raw = state.get(key)
        if not raw or len(str(raw)) > MAX_MODEL_TEXT:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None
    filters, sort = parse("grid"), parse("sort")
    filters = {k: v for k, v in filters.items() if k in q.VOUCHER_COLUMNS and isinstance(v, dict)} \
        if isinstance(filters, dict) else None
    sort = [x for x in sort if isinstance(x, dict) and x.get("colId") in q.VOUCHER_COLUMNS
            and x.get("sort") in ("asc", "desc")][:3] if isinstance(sort, list) else None
    return filters or None, sort or None


def with_grid_models(state: dict, filter_model, sort_model) -> dict:
    """The state with the grid's current models written in (the default order left out)."""
    state = dict(state)
    filters, sort = grid_models({"grid": json.dumps(filter_model) if filter_model else None,
                                 "sort": json.dumps(sort_model) if sort_model else None})
    state.pop("grid", None)
    state.pop("sort", None)
    if filters:
        state["grid"] = json.dumps(filters, ensure_ascii=False, separators=(",", ":"))
    if sort and sort != q.DEFAULT_SORT:
        state["sort"] = json.dumps(sort, ensure_ascii=False, separators=(",", ":"))
    return state


def node_of(state: dict) -> q.Node:
    return q.parse_node(state.get("by"), state.get("path"))


def link(state: dict, lang: str, **changes) -> str:
    """The page's URL for ``state`` with some keys changed (None removes one)."""
    params = {**state, **changes}
    params = {k: params.get(k) for k in STATE_KEYS}
    params["lang"] = lang if lang != "zh" else None
    return PATH + build_search(params)


def navigate(state: dict, trigger, *, year=None, as_of=None, by=None, click=None, cell=None) -> dict:
    """The state after one input changed: a control, a tile clicked, a table name clicked.

    A click drills one level (from a leaf: to the sibling). Anything that does not name a
    child of the level leaves the state as it was.
    """
    state = dict(state or {})
    if trigger == E.YEAR and year is not None:
        state["year"] = str(year)
    elif trigger == E.AS_OF and as_of:
        state["as_of"] = str(as_of)[:10]
    elif trigger == E.BY and by in q.BYS and by != node_of(state).by:
        state.update(by=by)
        for k in ("path", "vouchers", "voucher"):
            state.pop(k, None)
    elif trigger in (ids.graph(E.TREEMAP), ids.table(E.T_LEVEL)):
        code = _clicked_code(trigger, click, cell)
        if code:
            node = node_of(state)
            child = node.child(code)
            if child.path and child.path[-1] == code and child.depth == node.level_parent.depth + 1:
                state.update(by=child.by, path=child.key)
                state.pop("voucher", None)
    return state


def _clicked_code(trigger, click, cell) -> str | None:
    if trigger == ids.graph(E.TREEMAP):
        try:
            point = click["points"][0]
        except (TypeError, KeyError, IndexError):
            return None
        custom = point.get("customdata")
        return custom[0] if isinstance(custom, list) and custom else None
    if isinstance(cell, dict) and cell.get("colId") in ("code", "name"):
        return cell.get("rowId")
    return None


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
            html.Div(className="bw-field", children=[
                html.Span(t("exec.by", lang)),
                dcc.RadioItems(id=E.BY, value=node.by, className="bw-exec-by", inline=True,
                               options=[{"label": t(f"exec.by.{b}", lang), "value": b} for b in q.BYS]),
            ]),
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


# -- pieces of the view (pure) ------------------------------------------------------------------
def step_labels(node: q.Node, names: list[str]) -> list[str]:
    """``205 教育支出`` for classification codes, the unit's name for departments."""
    out = []
    for i, (code, name) in enumerate(zip(node.path, names)):
        out.append(name if node.by == "dept" and i < 2 else f"{code} {name}")
    return out


def node_label(node: q.Node, labels: list[str], lang: str) -> str:
    return labels[node.depth - 1] if node.depth else t(f"exec.root.{node.by}", lang)


def crumbs(state: dict, node: q.Node, labels: list[str], lang: str) -> list:
    """全部支出 › 205 教育支出 › 20502 普通教育: links up, the current step in bold."""
    items = [t(f"exec.root.{node.by}", lang)] + labels
    out: list = []
    for i, label in enumerate(items):
        if i:
            out.append(html.Span("›", className="bw-crumb-sep"))
        if i == len(items) - 1:
            out.append(html.Span(label, className="bw-crumb is-current", **{"aria-current": "page"}))
        else:
            out.append(dcc.Link(label, className="bw-crumb",
                                href=link(state, lang, path=".".join(node.path[:i]) or None,
                                          vouchers=None, voucher=None)))
    return out


def actions(state: dict, node: q.Node, lang: str) -> list:
    out = []
    if node.depth:
        out.append(dcc.Link(t("exec.up", lang), className="bw-button",
                            href=link(state, lang, path=node.up().key or None, vouchers=None, voucher=None)))
    if not node.is_leaf:
        showing = bool(state.get("vouchers"))
        out.append(dcc.Link(t("exec.hide_vouchers" if showing else "exec.show_vouchers", lang),
                            className="bw-button" + (" is-on" if showing else ""),
                            href=link(state, lang, vouchers=None if showing else "1", voucher=None)))
    return out


def headline(totals: dict, schedule: float, lang: str) -> list:
    unit = fmt.money_unit([totals["adjusted"], totals["original"], totals["spent"]])
    rate = totals["rate"]
    tone = f"is-{figs.lag_band(rate, schedule)}" if rate is not None else ""
    return [
        card(t("exec.col.original", lang), fmt.money(totals["original"], lang, unit)),
        card(t("exec.col.adjusted", lang), fmt.money(totals["adjusted"], lang, unit)),
        card(t("exec.col.spent", lang), fmt.money(totals["spent"], lang, unit),
             f"{totals['payments']:,} " + ("笔" if lang == "zh" else "payments")),
        card(t("exec.col.rate", lang), fmt.percent(rate),
             t("headline.rate_note", lang, diff=fmt.points(rate - schedule, lang)) if rate is not None else "",
             tone),
    ]


def level_rows(frame: pd.DataFrame, schedule: float, unit: fmt.MoneyUnit) -> list[dict]:
    rows = []
    for r in frame.itertuples():
        rate = None if pd.isna(r.rate) else float(r.rate)
        rows.append({"code": r.code, "name": r.name, "original": round(r.original / unit.divisor, 2),
                     "adjusted": round(r.adjusted / unit.divisor, 2), "spent": round(r.spent / unit.divisor, 2),
                     "rate": rate, "gap": None if rate is None else round((rate - schedule) * 100, 1),
                     "payments": int(r.payments), "drillable": bool(r.drillable)})
    return rows


def level_export_frame(frame: pd.DataFrame, schedule: float, lang: str) -> pd.DataFrame:
    """The level as a person reads it: the unit in every money column's header."""
    unit = fmt.money_unit(list(frame["adjusted"]) + list(frame["spent"]) + list(frame["original"]))
    u = unit.label(lang)
    rows = level_rows(frame, schedule, unit)
    out = pd.DataFrame(rows, columns=["code", "name", "original", "adjusted", "spent", "rate", "gap", "payments"])
    out["rate"] = out["rate"].map(lambda v: None if v is None or pd.isna(v) else round(v * 100, 1))
    return out.rename(columns={
        "code": t("exec.col.code", lang), "name": t("exec.col.name", lang),
        "original": fmt.axis_title(t("exec.col.original", lang), u, lang),
        "adjusted": fmt.axis_title(t("exec.col.adjusted", lang), u, lang),
        "spent": fmt.axis_title(t("exec.col.spent", lang), u, lang),
        "rate": fmt.axis_title(t("exec.col.rate", lang), "%", lang),
        "gap": t("exec.col.gap", lang), "payments": t("exec.col.payments", lang)})


def _schedule_text(period: Period, lang: str) -> str:
    day, days = day_of_year(period.as_of)
    return t("overview.schedule", lang, pct=fmt.percent(period.schedule), date=fmt.date(period.as_of, lang),
             day=day, days=days)


def _period(con, state: dict) -> Period | None:
    return resolve_period(con, int_param(state.get("year")), date_param(state.get("as_of")))


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
        level_columns=level_columns(lang, unit),
        level_rows=level_rows(frame, schedule, unit),
    )
    if frame.empty or (totals["adjusted"] == 0 and totals["spent"] == 0 and totals["original"] == 0):
        out["message"] = notice(t("exec.empty", lang, year=y, node=here, date=fmt.date(day, lang)))
    out["body_style"] = {}
    out["headline"] = headline(totals, schedule, lang)
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
        out["vouchers_title"] = t("exec.vouchers.title", lang, node=here, year=y, date=fmt.date(day, lang),
                                  n=f"{n:,}")
        if voucher:
            out["vouchers_note"] = notice([t("exec.vouchers.only", lang, no=voucher), " ",
                                           dcc.Link(t("exec.vouchers.all", lang),
                                                    href=link(state, lang, voucher=None, vouchers="1"))])
        out["grid_query"] = {"by": node.by, "path": node.key, "year": y, "as_of": day.isoformat(),
                             "voucher": voucher}
        out["grid"] = voucher_grid(lang, grid_token(out["grid_query"]), *grid_models(state))
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


def grid_summary(n: int, amount: float, lang: str) -> str:
    return t("exec.vouchers.summary", lang, n=f"{n:,}", amount=fmt.money(amount, lang))


def grid_block(store: Store, request: dict | None, grid_query: dict | None, state: dict | None,
               search: str | None = None) -> dict:
    """One block for the grid, and — when the grid asks for its first block (a new filter or
    sort) — the count and total of what it holds, and the view with the grid's models in the URL."""
    lang = lang_of(search)
    rows, problem = _grid_rows(store, request, grid_query, search)
    out = {"rows": rows, "summary": dash.no_update, "view": dash.no_update, "state": dash.no_update}
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
            out["summary"] = grid_summary(n, amount, lang)
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
    level_node = node.level_parent
    level_word = t(f"exec.level.{node.by}.{level_node.depth}", lang)
    title = t("exec.export.level", lang, year=period.year, node=node_label(level_node, labels, lang),
              level=level_word)
    return Export(level_export_frame(frame, period.schedule, lang), title,
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
    cols = ["voucher_no", "pay_date", "dept_code", "unit", "func", "econ", "fund_type", "payee", "amount", "purpose"]
    rows = voucher_frame(frame)[cols].rename(columns={c: t(f"exec.vcol.{c}", lang) for c in cols})
    filters = _filters(period, node, labels, lang)
    if state.get("voucher"):
        filters.append((t("exec.f.voucher", lang), state["voucher"]))
    if filter_model:
        filters.append((t("exec.f.grid", lang), _describe_filters(filter_model)))
    title = t("exec.export.vouchers", lang, year=period.year, node=node_label(node, labels, lang))
    return Export(rows, title, filters=filters, as_of=period.as_of.isoformat())


def _filters(period: Period, node: q.Node, labels: list[str], lang: str) -> list[tuple[str, str]]:
    return [(t("exec.f.year", lang), str(period.year)),
            (t("overview.as_of", lang), period.as_of.isoformat()),
            (t("exec.by", lang), t(f"exec.by.{node.by}", lang)),
            (t("exec.f.node", lang), " › ".join([t(f"exec.root.{node.by}", lang)] + labels))]


def _describe_filters(model: dict) -> str:
    parts = []
    for col, m in model.items():
        if col not in q.VOUCHER_COLUMNS or not isinstance(m, dict):
            continue
        conds = m.get("conditions") if isinstance(m.get("conditions"), list) else [m]
        text = f" {m.get('operator', 'AND')} ".join(
            " ".join(str(c.get(k)) for k in ("type", "filter", "filterTo", "dateFrom", "dateTo") if c.get(k) is not None)
            for c in conds if isinstance(c, dict))
        parts.append(f"{col}: {text}")
    return "; ".join(parts)


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
    from budgetwatch.dashboard.table_export import open_execution_vouchers
    register_export(app, store, E.T_VOUCHERS, fetch_vouchers, stream=open_execution_vouchers, grid=True)
