"""The page's four callbacks registered with the store, and its downloads.
"""
from __future__ import annotations


import dash
from dash import Input, Output, State, ctx

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.tables import register_export
from budgetwatch.queries.store import Store

from budgetwatch.dashboard.inquiry_links import selection_link
from budgetwatch.dashboard.urls import lang_of
from budgetwatch.dashboard.pages.warnings.words import VIEW, W
from budgetwatch.dashboard.pages.warnings.listing import fetch_list, fetch_thresholds, select_flag, update_warnings
from budgetwatch.dashboard.pages.warnings.detail import fetch_evidence, fetch_history, update_detail
from budgetwatch.dashboard.pages.warnings.review import save_review


_SCROLL_JS = """
function (flag) {
    if (flag) {
        requestAnimationFrame(function () {
            var el = document.getElementById('%s');
            if (el) { el.scrollIntoView({behavior: 'smooth', block: 'start'}); }
        });
    }
    return window.dash_clientside.no_update;
}
""" % W.DETAIL


def register_callbacks(app: dash.Dash, store: Store) -> None:
    @app.callback(
        output={"year_options": Output(W.YEAR, "options"), "year": Output(W.YEAR, "value"),
                "as_of": Output(W.AS_OF, "date"), "dept_options": Output(W.DEPT, "options"),
                "message": Output(W.MESSAGE, "children"), "body_style": Output(W.BODY, "style"),
                "counts": Output(W.COUNTS, "children"), "by_rule": Output(W.BY_RULE, "children"),
                "threshold_summary": Output(W.THRESHOLD_SUMMARY, "children"),
                "thresholds": Output(ids.table(W.THRESHOLD_TABLE), "rowData"),
                "threshold_columns": Output(ids.table(W.THRESHOLD_TABLE), "columnDefs"),
                "list_note": Output(W.LIST_NOTE, "children"),
                "rows": Output(ids.table(W.LIST), "rowData"),
                "columns": Output(ids.table(W.LIST), "columnDefs"),
                "view": Output(ids.view(VIEW), "data")},
        inputs={"year": Input(W.YEAR, "value"), "as_of": Input(W.AS_OF, "date"), "rule": Input(W.RULE, "value"),
                "severity": Input(W.SEVERITY, "value"), "dept": Input(W.DEPT, "value"),
                "status": Input(W.STATUS, "value"), "flag": Input(W.FLAG, "data"), "saved": Input(W.SAVED, "data")},
        state={"search": State(ids.Frame.URL, "search")},
    )
    def _update(year, as_of, rule, severity, dept, status, flag, saved, search):
        return update_warnings(store, year, as_of, rule, severity, dept, status, flag, search)

    @app.callback(
        Output(W.FLAG, "data"),
        Input(ids.table(W.LIST), "cellClicked"), Input(W.CLOSE, "n_clicks"),
        State(W.FLAG, "data"),
        prevent_initial_call=True,
    )
    def _select(cell, _close, current):
        return select_flag(ctx.triggered_id, cell, current)

    @app.callback(
        output={"style": Output(W.DETAIL, "style"), "title": Output(W.DETAIL_TITLE, "children"),
                "body": Output(W.DETAIL_BODY, "children"),
                "graph_style": Output(W.EVIDENCE_GRAPH_WRAP, "style"),
                "figure": Output(ids.graph(W.EVIDENCE_GRAPH), "figure"),
                "graph_config": Output(ids.graph(W.EVIDENCE_GRAPH), "config"),
                "table_style": Output(W.EVIDENCE_TABLE_WRAP, "style"),
                "table_rows": Output(ids.table(W.EVIDENCE_TABLE), "rowData"),
                "table_columns": Output(ids.table(W.EVIDENCE_TABLE), "columnDefs"),
                "links": Output(W.EVIDENCE_LINKS, "children"),
                "history_rows": Output(ids.table(W.HISTORY), "rowData"),
                "history_columns": Output(ids.table(W.HISTORY), "columnDefs"),
                "form_style": Output(W.FORM, "style"),
                "result": Output(W.REVIEW_RESULT, "children", allow_duplicate=True),
                "status": Output(W.REVIEW_STATUS, "value"),
                "scroll": Output(W.SCROLL, "data")},
        inputs={"flag": Input(W.FLAG, "data"), "year": Input(W.YEAR, "value"), "as_of": Input(W.AS_OF, "date"),
                "saved": Input(W.SAVED, "data")},
        state={"search": State(ids.Frame.URL, "search")},
        prevent_initial_call="initial_duplicate",
    )
    def _detail(flag, year, as_of, saved, search):
        out = update_detail(store, flag, year, as_of, search)
        if ctx.triggered_id == W.SAVED:     # keep the "saved" sentence and the chosen status
            out.update(result=dash.no_update, status=dash.no_update, scroll=dash.no_update)
        return out

    @app.callback(
        output={"saved": Output(W.SAVED, "data"), "result": Output(W.REVIEW_RESULT, "children"),
                "note": Output(W.REVIEW_NOTE, "value")},
        inputs={"n": Input(W.REVIEW_SAVE, "n_clicks")},
        state={"flag": State(W.FLAG, "data"), "year": State(W.YEAR, "value"), "as_of": State(W.AS_OF, "date"),
               "status": State(W.REVIEW_STATUS, "value"), "note": State(W.REVIEW_NOTE, "value"),
               "name": State(W.REVIEW_NAME, "value"), "saved": State(W.SAVED, "data"),
               "search": State(ids.Frame.URL, "search")},
        prevent_initial_call=True,
    )
    def _save(n, flag, year, as_of, status, note, name, saved, search):
        return save_review(store, flag, year, as_of, status, note, name, saved, search)

    @app.callback(Output(W.SELECTION, "children"), Input(ids.table(W.LIST), "selectedRows"),
                  State(W.YEAR, "value"), State(W.AS_OF, "date"), State(ids.Frame.URL, "search"))
    def _selection(rows, year, as_of, search):
        return selection_link(rows, year, as_of, lang_of(search))

    app.clientside_callback(_SCROLL_JS, Output(W.SCROLL, "modified_timestamp"), Input(W.SCROLL, "data"),
                            prevent_initial_call=True)

    register_export(app, store, W.LIST, fetch_list)
    register_export(app, store, W.THRESHOLD_TABLE, fetch_thresholds)
    register_export(app, store, W.EVIDENCE_TABLE, fetch_evidence)
    register_export(app, store, W.HISTORY, fetch_history)
