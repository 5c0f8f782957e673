"""The comparison page's callback as a plain function, its download, and ``register_callbacks``.

A failing query yields a sentence for the reader (``failure``), never a traceback.
"""
from __future__ import annotations

import datetime as dt
import json

import dash
import pandas as pd
from dash import Input, Output, State, ctx, dcc

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import breadcrumbs, card, failure, how_to_load, notice, section_unchanged
from budgetwatch.dashboard.figures import compare as figs
from budgetwatch.dashboard.i18n import months, t
from budgetwatch.dashboard.links import execution_href
from budgetwatch.dashboard.page_tables import HIDDEN, Col, grid_columns
from budgetwatch.dashboard.page_wiring import page_outputs, put_figures
from budgetwatch.dashboard.tables import Export, register_export
from budgetwatch.dashboard.urls import build_search, date_param, int_param, lang_of
from budgetwatch.queries import compare as qc
from budgetwatch.queries import page_cache
from budgetwatch.queries.store import Store

import budgetwatch.dashboard.pages.compare.model as model
from budgetwatch.dashboard.pages.compare.layout import FILE_PART
from budgetwatch.dashboard.pages.compare.state import (C, STATE_KEYS, VIEW, link, measure_of, navigate, node_of,
                                                       state_of)

GRAPHS = (C.HEAT, C.YEARS)
TABLES = (C.T_ITEMS,)
UNIT = fmt.WAN          # tables read in 万元 (page_tables.table_unit)
_MONEY = "params.value == null ? {none} : d3.format(',.2f')(params.value)"
_PCT = "params.value == null ? {none} : d3.format('+.1%')(params.value)"


# -- pieces (pure) -----------------------------------------------------------------------------
def level_word(node: qc.Node, lang: str) -> str:
    depth = node.level_parent.depth
    return t(f"cmp.level.econ.{depth}", lang) if node.by == "econ" else t(f"exec.level.{node.by}.{depth}", lang)


def step_labels(node: qc.Node, names: list[str]) -> list[str]:
    """``205 教育支出`` for classification codes, the unit's name for departments."""
    return [name if node.by == "dept" and i < 2 else f"{code} {name}"
            for i, (code, name) in enumerate(zip(node.path, names))]


def node_label(node: qc.Node, labels: list[str], lang: str) -> str:
    return labels[node.depth - 1] if node.depth else t(f"cmp.root.{node.by}", lang)


def month_day(day: dt.date, lang: str) -> str:
    return t("cmp.md", lang, m=day.month, d=day.day, mon=months("en")[day.month - 1])


def crumbs(state: dict, node: qc.Node, labels: list[str], lang: str) -> list:
    return breadcrumbs([t(f"cmp.root.{node.by}", lang)] + labels,
                       [link(state, lang, path=".".join(node.path[:i]) or None) for i in range(len(labels))])


def actions(state: dict, node: qc.Node, lang: str) -> list:
    out = []
    if node.depth:
        out.append(dcc.Link(t("cmp.up", lang), className="bw-button",
                            href=link(state, lang, path=".".join(node.path[:-1]) or None)))
    if node.by in ("func", "dept"):
        out.append(dcc.Link(t("cmp.open_exec", lang), className="bw-button",
                            href=execution_href(lang, year=state.get("year"), as_of=state.get("as_of"), by=node.by,
                                                path=node.key or None)))
    return out


def headline(data: qc.CompareData, series: pd.DataFrame, lang: str) -> list:
    by_year = series.set_index("year")
    y, prior = data.year, data.year - 1
    unit = fmt.money_unit(list(series["spent"].dropna()) + list(series["adjusted"]))
    spent = by_year["spent"].get(y)
    rate = by_year["rate"].get(y)
    has_prior = prior in by_year.index and model.has_year(data, prior)
    prior_spent = by_year["spent"].get(prior) if has_prior else None
    growth = (spent - prior_spent) / prior_spent if has_prior and prior_spent and not fmt.missing(spent) else None
    prior_rate = by_year["rate"].get(prior) if has_prior else None
    none = t("yoy.none", lang)
    years = list(data.years)
    return [
        card(t("cmp.card.spent", lang, year=y), fmt.money(spent, lang, unit), t("cmp.period", lang,
             md=month_day(data.as_of, lang), date=fmt.date(data.as_of, lang))),
        card(t("cmp.card.prior", lang, year=prior), fmt.money(prior_spent, lang, unit) if has_prior else none,
             (t("cmp.card.growth", lang) + " " + (f"{growth * 100:+.1f}%" if growth is not None else "—"))
             if has_prior else ""),
        card(t("cmp.card.rate", lang, year=y), fmt.percent(rate),
             t("cmp.card.rate_prior", lang, rate=fmt.percent(prior_rate)) if has_prior else none),
        card(t("cmp.card.years", lang), f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]),
             f"{len(years)} " + ("个年度" if lang == "zh" else "years")),
    ]


def item_columns(years: list[int], year: int, lang: str) -> list[dict]:
    none = json.dumps(t("yoy.none", lang), ensure_ascii=False)
    dash_ = json.dumps("—")
    u = UNIT.label(lang)
    defs = grid_columns((Col("code", "cmp.col.code", width=90), Col("name", "cmp.col.name", width=220)), UNIT, lang)
    defs[0]["maxWidth"] = 120
    defs[1]["flex"] = 2
    for d in defs:
        d["cellClassRules"] = {"bw-link": "params.data.drillable"}
        d["filter"] = "agTextColumnFilter"
    for y in years:
        header = fmt.axis_title(t("cmp.col.year", lang, year=y), u, lang)
        defs.append({"field": f"y{y}", "headerName": header, "headerTooltip": header, "type": "rightAligned",
                     "filter": "agNumberColumnFilter", "minWidth": 120, "wrapHeaderText": True,
                     "autoHeaderHeight": True,
                     "valueFormatter": {"function": _MONEY.format(none=none)}})
    change = fmt.axis_title(t("cmp.col.change", lang, year=year, prior=year - 1), u, lang)
    growth = t("cmp.col.growth", lang, year=year)
    fallback = f"(params.data.no_prior ? {none} : {dash_})"
    defs.append({"field": "change", "headerName": change, "headerTooltip": change, "type": "rightAligned",
                 "filter": "agNumberColumnFilter", "minWidth": 140, "wrapHeaderText": True, "autoHeaderHeight": True,
                 "valueFormatter": {"function": _MONEY.format(none=fallback)},
                 "cellClassRules": {"bw-neg": "params.value < 0"}})
    defs.append({"field": "growth", "headerName": growth, "headerTooltip": growth, "type": "rightAligned",
                 "filter": "agNumberColumnFilter", "minWidth": 110, "wrapHeaderText": True, "autoHeaderHeight": True,
                 "valueFormatter": {"function": _PCT.format(none=fallback)},
                 "cellClassRules": {"bw-neg": "params.value < 0"}})
    return defs


def _num(value, divisor: float = 1.0, digits: int = 2):
    return None if fmt.missing(value) else round(float(value) / divisor, digits)


def item_rows(wide: pd.DataFrame, years: list[int]) -> list[dict]:
    rows = []
    for rec in wide.to_dict("records"):
        row = {"code": str(rec["code"]), "name": str(rec["name"]), "drillable": bool(rec["drillable"]),
               "no_prior": bool(rec["no_prior"]), "change": _num(rec["change"], UNIT.divisor),
               "growth": _num(rec["growth"], digits=4)}
        for y in years:
            row[f"y{y}"] = _num(rec.get(f"y{y}"), UNIT.divisor)
        rows.append(row)
    return rows


def items_export_frame(wide: pd.DataFrame, years: list[int], year: int, lang: str) -> pd.DataFrame:
    """The items table as the downloads carry it: the unit in every money header; 无上年数据
    written where the year before holds nothing."""
    u = UNIT.label(lang)
    none = t("yoy.none", lang)
    out = {t("cmp.col.code", lang): list(wide["code"].astype(str)), t("cmp.col.name", lang): list(wide["name"])}
    for y in years:
        out[fmt.axis_title(t("cmp.col.year", lang, year=y), u, lang)] = [_num(v, UNIT.divisor) for v in wide[f"y{y}"]]
    no_prior = bool(wide["no_prior"].any()) if len(wide) else False
    out[fmt.axis_title(t("cmp.col.change", lang, year=year, prior=year - 1), u, lang)] = [
        none if no_prior else _num(v, UNIT.divisor) for v in wide["change"]]
    out[fmt.axis_title(t("cmp.col.growth", lang, year=year), "%", lang)] = [
        none if no_prior else _num(v * 100 if not fmt.missing(v) else None, digits=1) for v in wide["growth"]]
    return pd.DataFrame(out)


# -- the callback, as a plain function ---------------------------------------------------------
def update_compare(store: Store, state: dict, search: str | None) -> dict:
    """Everything the page shows for a state (year, as_of, by, path, measure)."""
    lang = lang_of(search)
    state = state_of(state or {})
    node = node_of(state)
    measure = measure_of(state)
    out = _blank()
    try:
        data = qc.compare_data(store, node, int_param(state.get("year")), date_param(state.get("as_of")))
    except Exception as exc:  # the page's last guard: a sentence for the reader, details in the log
        out["message"] = failure(exc, lang, "compare")
        return out
    if data is None:
        out["message"] = notice(t("empty.none", lang), more=how_to_load(lang))
        return out
    y, day = data.year, data.as_of
    state.update(year=str(y), as_of=day.isoformat(), by=node.by, measure=measure)
    if node.path:
        state["path"] = node.key
    else:
        state.pop("path", None)
    labels = step_labels(node, data.names)
    here = node_label(node, labels, lang)
    level_label = node_label(node.level_parent, labels[:node.level_parent.depth], lang)
    md = month_day(day, lang)
    years = list(data.years)
    series = model.series(data, node)
    wide = model.items_wide(data)
    out.update(
        state=state, view=build_search({**{k: state.get(k) for k in STATE_KEYS}, "lang": lang}),
        year_options=[{"label": str(v), "value": v} for v in sorted(years, reverse=True)],
        year=y, as_of=day.isoformat(), as_of_min=dt.date(y, 1, 1).isoformat(), as_of_max=dt.date(y, 12, 31).isoformat(),
        by=node.by, measure=measure, schedule=t("cmp.period", lang, md=md, date=fmt.date(day, lang)),
        crumbs=crumbs(state, node, labels, lang), actions=actions(state, node, lang), body_style={},
        headline=headline(data, series, lang),
        items_title=t("cmp.items.title", lang, node=level_label, level=level_word(node, lang)),
    )
    if series["adjusted"].fillna(0).eq(0).all() and series["spent"].fillna(0).eq(0).all():
        out["message"] = notice(t("cmp.empty", lang, node=here))
    figures = page_cache.memo(store, "compare.figures", (node.by, node.key, y, day, measure, lang), lambda: {
        C.HEAT: figs.heat_figure(model.heat(data), measure=measure, node=here, lang=lang),
        C.YEARS: figs.years_figure(series, node=here, period=md, lang=lang),
    })
    put_figures(out, figures, "compare", FILE_PART, y)
    out[f"table:{C.T_ITEMS}"] = {"columnDefs": item_columns(years, y, lang), "rowData": item_rows(wide, years)}
    return out


def _blank() -> dict:
    out = {"state": dash.no_update, "view": dash.no_update, "year_options": dash.no_update, "year": dash.no_update,
           "as_of": dash.no_update, "as_of_min": None, "as_of_max": None, "by": dash.no_update,
           "measure": dash.no_update, "schedule": "", "message": None, "body_style": HIDDEN, "crumbs": [],
           "actions": [], "headline": [], "items_title": "", "click": None}
    out.update(section_unchanged(GRAPHS, TABLES))
    return out


def on_change(store: Store, trigger, state: dict | None, search: str | None, **inputs) -> dict:
    """The callback's body: apply the input that changed, then draw the view."""
    return update_compare(store, navigate(state or {}, trigger, **inputs), search)


def fetch_items(store: Store, query: dict, lang: str) -> Export:
    """The items table's download for the URL's view, as on screen."""
    state = state_of(query)
    node = node_of(state)
    data = qc.compare_data(store, node, int_param(state.get("year")), date_param(state.get("as_of")))
    if data is None:
        return Export(pd.DataFrame(), t("cmp.title", lang))
    labels = step_labels(node, data.names)
    years = list(data.years)
    md = month_day(data.as_of, lang)
    level_label = node_label(node.level_parent, labels[:node.level_parent.depth], lang)
    title = t("cmp.export", lang, node=level_label, level=level_word(node, lang), md=md)
    filters = [(t("cmp.f.by", lang), t(f"cmp.by.{node.by}", lang)),
               (t("cmp.f.node", lang), " › ".join([t(f"cmp.root.{node.by}", lang)] + labels)),
               (t("cmp.f.period", lang), t("cmp.period", lang, md=md, date=fmt.date(data.as_of, lang)))]
    return Export(items_export_frame(model.items_wide(data), years, data.year, lang), title, filters=filters,
                  as_of=data.as_of.isoformat())


def register_callbacks(app: dash.Dash, store: Store) -> None:
    outputs = page_outputs(
        C, GRAPHS, TABLES, view=VIEW, as_of=True,
        state=Output(C.STATE, "data"), by=Output(C.BY, "value"), measure=Output(C.MEASURE, "value"),
        schedule=Output(C.SCHEDULE, "children"), crumbs=Output(C.CRUMBS, "children"),
        actions=Output(C.ACTIONS, "children"), items_title=Output(C.ITEMS_TITLE, "children"),
        click=Output(ids.table(C.T_ITEMS), "cellClicked"))

    @app.callback(
        output=outputs,
        inputs={"year": Input(C.YEAR, "value"), "as_of": Input(C.AS_OF, "date"), "by": Input(C.BY, "value"),
                "measure": Input(C.MEASURE, "value"), "cell": Input(ids.table(C.T_ITEMS), "cellClicked")},
        state={"state": State(C.STATE, "data"), "search": State(ids.Frame.URL, "search")},
    )
    def _update(year, as_of, by, measure, cell, state, search):
        return on_change(store, ctx.triggered_id, state, search, year=year, as_of=as_of, by=by, measure=measure,
                         cell=cell)

    register_export(app, store, C.T_ITEMS, fetch_items)
