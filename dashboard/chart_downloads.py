"""A chart's two downloads, 下载 PNG and 下载 SVG, each with the footer ``budgetwatch export
--view`` puts under a chart: the data's as-of date, the unit and the time of export.

A click sends the chart's figure as the page's callback drew it (the ``dcc.Graph``'s
``figure``: a title broken for a phone or gauges stacked for a phone are the browser's, not
in it) and the page's URL to one server callback. That callback gives the figure the footer
with ``snapshot.for_print`` — the CLI's own function, nothing re-implemented — and hands it
back; a clientside callback has Plotly.js in the reader's browser write it at print width
(``snapshot.PRINT_WIDTH``), PNG at ``snapshot.PNG_SCALE``. The server renders nothing and
nothing is sent anywhere else.

The footer's as-of date is the URL's ``as_of`` (read as a date), else its ``year`` (the
pages that show a year, as their export views do); its unit is what the chart's axes are
titled in (``snapshot.axis_units``). Nothing from the URL reaches the footer as text.

A script that fits a chart to a narrow screen changes the chart's own figure (Plotly.relayout
writes into it); it records what it changed, as it was, under ``layout.meta.bw_print``
(``assets/fit_titles.js``: a title broken in two for a phone), and ``as_drawn`` puts that back,
so the file is the chart at print width, not the phone's.
"""
from __future__ import annotations

import copy
import datetime as dt

import dash
from dash import MATCH, Input, Output, State, ctx, dcc, html

from budgetwatch.dashboard import ids, snapshot
from budgetwatch.dashboard.i18n import norm_lang, t
from budgetwatch.dashboard.urls import date_param, int_param, parse_search

FORMATS = ("png", "svg")


def buttons(name: str, lang: str) -> html.Div:
    """下载 PNG and 下载 SVG in a row of their own under the chart (never over it), and the
    store the prepared file passes through."""
    def button(fmt: str, id_: dict) -> html.Button:
        return html.Button(t(f"{fmt}.download", lang), id=id_, className="bw-svg", type="button",
                           title=t(f"{fmt}.title", lang), n_clicks=0)
    return html.Div(className="bw-figure-actions", children=[
        button("png", ids.png_button(name)),
        button("svg", ids.svg_button(name)),
        dcc.Store(id=ids.chart_file(name)),
    ])


def footer_as_of(query: dict) -> str | None:
    """The as-of date the footer names: the URL's date, else its year; never the URL's text."""
    day = date_param(query.get("as_of"))
    if day is not None:
        return day.isoformat()
    year = int_param(query.get("year"))
    return str(year) if year is not None else None


def as_drawn(figure: dict) -> dict:
    """The figure with what a screen script changed put back (``layout.meta.bw_print``: dotted
    layout paths and their values before the change)."""
    layout = figure.get("layout") if isinstance(figure, dict) else None
    meta = layout.get("meta") if isinstance(layout, dict) else None
    before = meta.get("bw_print") if isinstance(meta, dict) else None
    if not isinstance(before, dict):
        return figure
    layout = copy.deepcopy(layout)
    rest = {k: v for k, v in meta.items() if k != "bw_print"}
    if rest:
        layout["meta"] = rest
    else:
        layout.pop("meta")
    for path, value in before.items():
        *parents, leaf = str(path).split(".")
        node = layout
        for part in parents:
            node = node.setdefault(part, {}) if isinstance(node.get(part), dict) or part not in node else None
            if node is None:
                break
        if node is not None and value is not None:
            node[leaf] = value
    return {**figure, "layout": layout}


def chart_file(figure: dict, config: dict | None, search: str | None, fmt: str,
               exported_at: dt.datetime | None = None) -> dict:
    """What the browser needs to write the chart as ``fmt``: the figure with its export footer
    (``snapshot.for_print``), the file name the page gave the chart, the size and scale."""
    import plotly.graph_objects as go

    query = parse_search(search)
    lang = norm_lang(query.get("lang"))
    fig = go.Figure(as_drawn(figure or {}), skip_invalid=True)
    printed = snapshot.for_print(fig, title=None, as_of=footer_as_of(query),
                                 unit=snapshot.axis_units(fig, lang), lang=lang, exported_at=exported_at)
    options = (config or {}).get("toImageButtonOptions") or {}
    return {"format": fmt, "filename": options.get("filename") or "budgetwatch",
            "figure": printed.to_plotly_json(), "width": snapshot.PRINT_WIDTH,
            "height": printed.layout.height, "scale": snapshot.PNG_SCALE if fmt == "png" else 1}


# Writes the prepared figure as a file in the browser (Plotly.js takes a figure as well as a chart).
_SAVE_JS = """
function (file) {
    if (!file || !file.figure || !window.Plotly) { return; }
    window.Plotly.downloadImage({data: file.figure.data || [], layout: file.figure.layout || {}}, {
        format: file.format, filename: file.filename, width: file.width, height: file.height,
        scale: file.scale
    });
}
"""


def register(app: dash.Dash) -> None:
    """One server callback for every chart's two buttons, and the browser's save."""
    @app.callback(Output(ids.chart_file(MATCH), "data"),
                  Input(ids.png_button(MATCH), "n_clicks"), Input(ids.svg_button(MATCH), "n_clicks"),
                  State(ids.graph(MATCH), "figure"), State(ids.graph(MATCH), "config"),
                  State(ids.Frame.URL, "search"), prevent_initial_call=True)
    def _prepare(png, svg, figure, config, search):
        if not figure or not (png or svg):
            return dash.no_update
        fmt = "png" if (ctx.triggered_id or {}).get("type") == ids.PNG_BUTTON else "svg"
        return {**chart_file(figure, config, search, fmt), "click": (png or 0) + (svg or 0)}

    app.clientside_callback(_SAVE_JS, Input(ids.chart_file(MATCH), "data"), prevent_initial_call=True)
