"""The 代表建议 page's callbacks, registered by ``register_callbacks(app, store)``.

Each callback is a plain function of the store and its inputs (``update_page``,
``update_deputy``, ``update_suggestion``, ``picked_row``, ``view_query``) so tests call them
directly; the Dash wrappers only map ids. One callback alone writes the view (the URL query:
year, as_of, deputy, suggestion, lang), whichever part changed.
"""
from __future__ import annotations

import datetime as dt

import dash
import pandas as pd
from dash import Input, Output, State, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import card, failure, how_to_load, notice, section_unchanged
from budgetwatch.dashboard.figures import suggestions as figs
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_wiring import page_outputs, put_figures, register_page
from budgetwatch.dashboard.page_tables import HIDDEN, export_frame, graph_style, grid_payload, table_unit
import budgetwatch.dashboard.pages.suggestions.data as model
from budgetwatch.dashboard.pages.suggestions.layout import VIEW
from budgetwatch.dashboard.tables import Export
from budgetwatch.dashboard.urls import date_param, int_param, lang_of, with_params
from budgetwatch.queries import suggestions as qs
from budgetwatch.queries.rules import RULES_BY_ID
from budgetwatch.queries.store import Store

S = ids.Suggestions
GRAPHS = (S.FIELD, S.CLASS, S.SATISFACTION)
TABLES = (S.T_UNITS, S.T_PRIORITY, S.T_ALL)
_FILE_PART = {S.FIELD: "field", S.CLASS: "class", S.SATISFACTION: "satisfaction"}


def _year(year) -> int | None:
    return int_param(str(year)) if year is not None else None


# -- the year: cards, charts, scorecard, 重点督办, all suggestions, the pickers' options -------------
def headline(data: model.SuggestionData, lang: str) -> list:
    n = model.stage_counts(data)
    s, rows = data.suggestions, data.rows
    total = len(s)
    due = rows[rows["on_time"].notna() | (rows["stage"] == "overdue")]
    on_time = float(due["on_time"].fillna(False).astype(bool).mean()) if len(due) else None
    co_late = int(((rows["role"] == "协办") & (rows["stage"] == "overdue")).sum())
    broken = len(set(model.flags_of(data).query("rule == 'SUGGESTION_PROMISE_DUE'")["suggestion_no"]))
    n_high = int((data.flags.query("rule == 'SUGGESTION_OVERDUE'")["severity"] == "high").sum())
    return [
        card(t("sugg.card.total", lang), t("sugg.card.n", lang, n=total),
             t("sugg.card.total_note", lang, units=rows["dept_code"].nunique(), rows=len(rows),
               priority=int((s["priority"] == "是").sum()) if total else 0)),
        card(t("sugg.card.within", lang), t("sugg.card.n", lang, n=n["within"]), t("sugg.card.within_note", lang)),
        card(t("sugg.card.replied", lang), t("sugg.card.n", lang, n=n["replied"]),
             t("sugg.card.replied_note", lang, rate=fmt.percent(on_time))),
        card(t("sugg.card.overdue", lang), t("sugg.card.n", lang, n=n["overdue"]),
             t("sugg.card.overdue_note", lang, date=fmt.date(data.as_of, lang), co=co_late),
             "is-high" if n_high else "is-medium" if n["overdue"] or co_late else ""),
        card(t("sugg.card.closed", lang), t("sugg.card.n", lang, n=n["closed"]),
             t("sugg.card.closed_note", lang, broken=broken), "is-medium" if broken else ""),
    ]


def figures(data: model.SuggestionData, lang: str) -> dict:
    drawn = figs.year_figures(data.suggestions, year=data.year, lang=lang)
    return {S.FIELD: drawn["field"], S.CLASS: drawn["class"], S.SATISFACTION: drawn["satisfaction"]}


def tables(data: model.SuggestionData, lang: str) -> dict[str, tuple[pd.DataFrame, tuple]]:
    return {
        S.T_UNITS: (model.unit_table(data, lang), model.UNIT_COLS),
        S.T_PRIORITY: (model.priority_table(data, lang), model.SUGGESTION_COLS),
        S.T_ALL: (model.all_table(data, lang), model.SUGGESTION_COLS),
    }


def _options(values: list[tuple[str, str]]) -> list[dict]:
    return [{"label": label, "value": value} for value, label in values]


def update_page(store: Store, year, as_of: str | None, search: str | None, *, today: dt.date | None = None) -> dict:
    lang = lang_of(search)
    out = _blank()
    try:
        data = model.load(store, _year(year), date_param(as_of), today=today)
        if data is not None:
            parts = tables(data, lang)
            drawn = figures(data, lang)
            people = qs.deputies(data.rows)
    except Exception as exc:  # the page's last guard: a sentence for the reader, details in the log
        out["message"] = failure(exc, lang, "suggestions")
        return out
    if data is None:
        out["message"] = notice(t("sugg.empty", lang), more=how_to_load(lang))
        return out
    y, day = data.year, data.as_of
    out.update(
        year_options=[{"label": str(v), "value": v} for v in data.years], year=y, as_of=day.isoformat(),
        as_of_min=dt.date(y, 1, 1).isoformat(), as_of_max=dt.date(y + 1, 12, 31).isoformat(),
        as_of_note=t("sugg.as_of_note", lang, date=fmt.date(day, lang), year=y),
        body_style={}, more_style={}, headline=headline(data, lang),
        deputy_options=_options([(n, f"{n}（{t('sugg.signed.领衔', lang)}{a}·{t('sugg.signed.附议', lang)}{b}）")
                                 for n, a, b in people[["name", "led", "seconded"]].itertuples(index=False)]),
        suggestion_options=_options([(no, f"{no} {title}") for no, title
                                     in data.suggestions[["suggestion_no", "title"]].itertuples(index=False)]),
    )
    put_figures(out, drawn, "suggestions", _FILE_PART, y)
    for name, (frame, cols) in parts.items():
        out[f"table:{name}"] = grid_payload(frame, cols, lang, model.EXTRA)
    return out


def _blank() -> dict:
    out = {"year_options": dash.no_update, "year": dash.no_update, "as_of": dash.no_update,
           "as_of_min": None, "as_of_max": None, "as_of_note": "", "message": None,
           "body_style": HIDDEN, "more_style": HIDDEN, "headline": [],
           "deputy_options": dash.no_update, "suggestion_options": dash.no_update}
    out.update(section_unchanged(GRAPHS, TABLES))
    return out


# -- a deputy's own view ------------------------------------------------------------------------
def update_deputy(store: Store, deputy: str | None, year, as_of: str | None, search: str | None,
                  *, today: dt.date | None = None) -> dict:
    lang = lang_of(search)
    empty = grid_payload(pd.DataFrame(), model.DEPUTY_COLS, lang, model.EXTRA)
    if not deputy:
        return {"summary": "", "table": empty}
    try:
        data = model.load(store, _year(year), date_param(as_of), today=today)
    except Exception as exc:
        return {"summary": failure(exc, lang, "suggestions"), "table": empty}
    if data is None:
        return {"summary": "", "table": empty}
    frame = model.deputy_table(data, deputy, lang)
    if frame.empty:
        return {"summary": t("sugg.deputy_none", lang), "table": empty}
    summary = t("sugg.deputy_summary", lang, name=deputy, led=int((frame["signed"] == "领衔").sum()),
                seconded=int((frame["signed"] == "附议").sum()), overdue=int((frame["stage"] == "overdue").sum()),
                unsatisfied=int((frame["satisfaction"] == "不满意").sum()))
    return {"summary": summary, "table": grid_payload(frame, model.DEPUTY_COLS, lang, model.EXTRA)}


# -- one suggestion: its units' clocks as a timeline, its flags -----------------------------------
def update_suggestion(store: Store, suggestion: str | None, year, as_of: str | None, search: str | None,
                      *, today: dt.date | None = None) -> dict:
    lang = lang_of(search)
    hidden = {"display": "none"}
    out = {"head": "", "flags": [], "figure": dash.no_update, "config": dash.no_update, "style": hidden,
           "table": grid_payload(pd.DataFrame(), model.HANDLING_COLS, lang, model.EXTRA)}
    if not suggestion:
        return out
    try:
        data = model.load(store, _year(year), date_param(as_of), today=today)
        if data is None:
            return out
        rows = qs.one(store, data, suggestion)
    except Exception as exc:
        out["flags"] = failure(exc, lang, "suggestions")
        return out
    if rows.empty:
        out["head"] = t("sugg.one_none", lang, no=suggestion)
        return out
    flags = model.flags_of(data, suggestion)
    first = rows.iloc[0]
    out["head"] = t("sugg.one_head", lang, no=suggestion, title=first["title"], deputy=first["lead_deputy"],
                    field=first["field"] if isinstance(first["field"], str) else "—")
    fig = figs.timeline_figure(rows, flags, as_of=data.as_of, lang=lang,
                               title=figs.title_of(suggestion, first["title"], lang))
    out.update(figure=fig, style=graph_style(fig),
               config=image_config(image_filename("suggestions", f"timeline_{_safe(suggestion)}", data.year)),
               flags=flag_list(flags, lang),
               table=grid_payload(model.handling_table(rows, flags, lang), model.HANDLING_COLS, lang, model.EXTRA))
    return out


def flag_list(flags: pd.DataFrame, lang: str) -> list:
    if flags.empty:
        return [html.P(t("sugg.one_no_flags", lang), className="bw-hint")]
    items = []
    for rule, sev, message in fmt.flags_in(flags, lang)[["rule", "severity", "message"]].itertuples(index=False):
        r = RULES_BY_ID.get(rule)
        items.append(html.Li(className=f"bw-flag bw-sev-{sev}", children=[
            html.Span(t(f"severity.{sev}", lang), className=f"bw-tag bw-sev-{sev}"), " ",
            html.B((r.title_cn if lang == "zh" else r.title_en) if r else rule), "：", message]))
    return [html.H4(t("sugg.one_flags", lang)), html.Ul(items)]


def _safe(key: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in key)[:40]


# -- a click on a row of a suggestions table picks that suggestion ----------------------------------
def picked_row(*cells) -> str:
    """The suggestion number of the row clicked last (the grids' row id is the number)."""
    clicked = [c for c in cells if isinstance(c, dict) and c.get("rowId")]
    if not clicked:
        return dash.no_update
    return str(max(clicked, key=lambda c: c.get("timestamp") or 0)["rowId"])


def view_query(year, as_of, deputy, suggestion, search) -> str:
    return with_params(search, year=year, as_of=(as_of or "")[:10] or None, deputy=deputy or None,
                       suggestion=suggestion or None, lang=lang_of(search))


# -- downloads ------------------------------------------------------------------------------------
_TITLES = {S.T_UNITS: "sugg.units", S.T_PRIORITY: "sugg.priority", S.T_ALL: "sugg.all",
           S.T_DEPUTY: "sugg.deputy", S.T_HANDLING: "sugg.one"}


def fetch(table: str):
    def _fetch(store: Store, query: dict, lang: str) -> Export:
        data = model.load(store, int_param(query.get("year")), date_param(query.get("as_of")))
        if data is None:
            return Export(pd.DataFrame(), t(_TITLES[table], lang))
        filters = [(t("overview.year", lang), str(data.year)), (t("overview.as_of", lang), data.as_of.isoformat())]
        if table == S.T_DEPUTY:
            deputy = (query.get("deputy") or "").strip()
            frame, cols = model.deputy_table(data, deputy, lang), model.DEPUTY_COLS
            filters.append((t("sugg.deputy_pick", lang), deputy or "—"))
        elif table == S.T_HANDLING:
            no = (query.get("suggestion") or "").strip()
            rows = qs.one(store, data, no)
            frame, cols = model.handling_table(rows, model.flags_of(data, no), lang), model.HANDLING_COLS
            filters.append((t("sugg.one_pick", lang), no or "—"))
        else:
            frame, cols = tables(data, lang)[table]
        return Export(export_frame(frame, cols, table_unit(frame, cols), lang),
                      f"{data.year} {t(_TITLES[table], lang)}", filters, data.as_of.isoformat())

    return _fetch


def register_callbacks(app: dash.Dash, store: Store) -> None:
    outputs = page_outputs(S, GRAPHS, TABLES, as_of=True, as_of_note=True, more_style=Output(S.MORE, "style"),
                           deputy_options=Output(S.DEPUTY, "options"),
                           suggestion_options=Output(S.SUGGESTION, "options"))
    register_page(app, store, outputs=outputs, update=update_page,
                  inputs={"year": Input(S.YEAR, "value"), "as_of": Input(S.AS_OF, "date")},
                  exports={name: fetch(name) for name in (*TABLES, S.T_DEPUTY, S.T_HANDLING)})

    @app.callback(
        output={"summary": Output(S.DEPUTY_SUMMARY, "children"),
                "table": {"columnDefs": Output(ids.table(S.T_DEPUTY), "columnDefs"),
                          "rowData": Output(ids.table(S.T_DEPUTY), "rowData")}},
        inputs={"deputy": Input(S.DEPUTY, "value"), "year": Input(S.YEAR, "value"), "as_of": Input(S.AS_OF, "date")},
        state={"search": State(ids.Frame.URL, "search")})
    def _deputy(deputy, year, as_of, search):
        return update_deputy(store, deputy, year, as_of, search)

    @app.callback(
        output={"head": Output(S.ONE_HEAD, "children"), "flags": Output(S.ONE_FLAGS, "children"),
                "figure": Output(ids.graph(S.TIMELINE), "figure"), "config": Output(ids.graph(S.TIMELINE), "config"),
                "style": Output(ids.graph(S.TIMELINE), "style"),
                "table": {"columnDefs": Output(ids.table(S.T_HANDLING), "columnDefs"),
                          "rowData": Output(ids.table(S.T_HANDLING), "rowData")}},
        inputs={"suggestion": Input(S.SUGGESTION, "value"), "year": Input(S.YEAR, "value"),
                "as_of": Input(S.AS_OF, "date")},
        state={"search": State(ids.Frame.URL, "search")})
    def _suggestion(suggestion, year, as_of, search):
        return update_suggestion(store, suggestion, year, as_of, search)

    @app.callback(Output(S.SUGGESTION, "value"),
                  [Input(ids.table(n), "cellClicked") for n in (S.T_DEPUTY, S.T_PRIORITY, S.T_ALL)],
                  prevent_initial_call=True)
    def _picked(*cells):
        return picked_row(*cells)

    @app.callback(Output(ids.view(VIEW), "data"),
                  Input(S.YEAR, "value"), Input(S.AS_OF, "date"), Input(S.DEPUTY, "value"),
                  Input(S.SUGGESTION, "value"), State(ids.Frame.URL, "search"), prevent_initial_call=True)
    def _view(year, as_of, deputy, suggestion, search):
        return view_query(year, as_of, deputy, suggestion, search)

