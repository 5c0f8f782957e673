"""支付凭证详情 Voucher detail: one payment in full, reached by links (grids, flags, search).

``/voucher?no=20250000012017`` shows every field of the payment (payee and account, purpose,
unit, classes, fund), the load and file it came from and the file's extra columns; its budget
line with execution to the voucher's date and for the year; the other payments to the same
payee within 30 days; and the active flags that name the voucher.
"""
from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import view_store
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.pages.voucher import detail
from budgetwatch.dashboard.tables import register_export, table_card
from budgetwatch.dashboard.urls import build_search, lang_of
from budgetwatch.queries.store import Store

PATH = detail.PATH
NAV_KEY = None              # opened by links only
VIEW = "voucher"
V = ids.Voucher
NEARBY_TITLE = "voucher-nearby-title"


def layout(query: dict[str, str], lang: str) -> html.Div:
    no = query.get("no") or ""
    return html.Div(className="bw-page bw-voucher", children=[
        view_store(VIEW),
        dcc.Store(id=V.BODY + "-no", data=no),
        html.Div(className="bw-toolbar", children=[html.H1(id=V.HEADING, className="bw-page-title",
                                                           children=t("voucher.title", lang, no=no))]),
        html.Div(id=V.MESSAGE),
        html.Div(id=V.BODY, style={"display": "none"}, children=[
            html.Div(className="bw-two", children=[
                html.Section(className="bw-panel", children=[html.H2(t("voucher.fields", lang), className="bw-section-title"),
                                                             html.Div(id=V.FIELDS)]),
                html.Section(className="bw-panel", children=[
                    html.H2(t("voucher.line", lang), className="bw-section-title"),
                    html.Div(id=V.LINE, className="bw-cards bw-cards-2"),
                    html.H2(t("voucher.flags", lang), className="bw-section-title"),
                    html.Div(id=V.FLAGS)]),
            ]),
            html.H2(id=NEARBY_TITLE, className="bw-section-title"),
            table_card(V.T_NEARBY, lang, dashGridOptions={"paginationPageSize": 10, "domLayout": "autoHeight",
                                                          "paginationPageSizeSelector": False},
                       style={"width": "100%"}),
        ]),
    ])


def update(store: Store, no: str | None, search: str | None) -> dict:
    lang = lang_of(search)
    drawn = detail.draw(store, no, lang)
    out = {"view": build_search({"no": no, "lang": lang}), "message": drawn.get("error"),
           "body": {"display": "none"}, "heading": dash.no_update, "fields": [], "line": [], "flags": [],
           "nearby_title": "", "cols": dash.no_update, "rows": []}
    if "error" in drawn:
        return out
    out.update(body={}, heading=drawn["heading"], fields=drawn["fields"], line=drawn["line"], flags=drawn["flags"],
               nearby_title=drawn["nearby_title"])
    out["cols"], out["rows"] = drawn["nearby"]
    return out


def register_callbacks(app: dash.Dash, store: Store) -> None:
    @app.callback(
        output={"view": Output(ids.view(VIEW), "data"), "message": Output(V.MESSAGE, "children"),
                "body": Output(V.BODY, "style"), "heading": Output(V.HEADING, "children"),
                "fields": Output(V.FIELDS, "children"), "line": Output(V.LINE, "children"),
                "flags": Output(V.FLAGS, "children"), "nearby_title": Output(NEARBY_TITLE, "children"),
                "cols": Output(ids.table(V.T_NEARBY), "columnDefs"), "rows": Output(ids.table(V.T_NEARBY), "rowData")},
        inputs={"no": Input(V.BODY + "-no", "data")},
        state={"search": State(ids.Frame.URL, "search")},
    )
    def _update(no, search):
        return update(store, no, search)

    register_export(app, store, V.T_NEARBY, detail.fetch_nearby)
