"""The site frame: header (product name, page links, language toggle) and the page router.

Routing is done here rather than by Dash Pages so that nothing is kept in a module-level
registry: each app made by ``create_app`` routes over its own tuple of page modules. The page
is drawn again only when the path or the language changes; a page that rewrites its own URL
query (year, as-of date) keeps its components, and only the header's links follow the URL.
"""
from __future__ import annotations

from types import ModuleType

import dash
from dash import MATCH, Input, Output, State, dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.urls import build_search, lang_of, parse_search, with_params

# Downloads the chart next to the clicked button as SVG, named as its PNG download is.
_SVG_DOWNLOAD_JS = """
function (n, config, graphId) {
    if (!n || !window.Plotly) { return; }
    var key = '{"name":' + JSON.stringify(graphId.name) + ',"type":' + JSON.stringify(graphId.type) + '}';
    var holder = document.getElementById(key);
    var gd = holder && holder.querySelector('.js-plotly-plot');
    if (!gd) { return; }
    var opts = (config && config.toImageButtonOptions) || {};
    window.Plotly.downloadImage(gd, {
        format: 'svg', filename: opts.filename || 'budgetwatch',
        width: gd._fullLayout.width, height: gd._fullLayout.height
    });
}
"""


def layout() -> html.Div:
    """The frame's skeleton; the router fills header and page from the URL."""
    return html.Div(className="bw-app", children=[
        dcc.Location(id=ids.Frame.URL, refresh="callback-nav"),
        dcc.Store(id=ids.Frame.RENDERED),
        html.Header(id=ids.Frame.HEADER, className="bw-header"),
        html.Main(id=ids.Frame.PAGE, className="bw-main"),
    ])


def header(pages: tuple[ModuleType, ...], planned: tuple[tuple[str, str], ...],
           path: str, search: str | None, lang: str) -> list:
    """Product name, links to the pages (those to come greyed out), the language toggle.

    Links carry the language; the toggle carries the whole query, so the view is kept.
    """
    keep_lang = build_search({"lang": lang}) if lang != "zh" else ""
    links = []
    for page in pages:
        active = page.PATH == path
        links.append(dcc.Link(t(page.NAV_KEY, lang), href=page.PATH + keep_lang,
                              className="bw-nav-link" + (" is-active" if active else "")))
    for key, _path in planned:
        links.append(html.Span(t(key, lang), className="bw-nav-link is-disabled",
                               title=t("nav.soon", lang), **{"aria-disabled": "true"}))
    other = "en" if lang == "zh" else "zh"
    return [
        html.Div(className="bw-brand", children=[
            html.Span(t("app.name", lang), className="bw-brand-name"),
            html.Span("budgetwatch", className="bw-brand-product"),
        ]),
        html.Nav(links, className="bw-nav", **{"aria-label": t("nav.label", lang)}),
        dcc.Link(t("lang.switch", lang), id=ids.Frame.LANG, className="bw-lang",
                 href=(path or "/") + with_params(search, lang=other), title=t("lang.switch_title", lang)),
    ]


def not_found(path: str, lang: str) -> html.Div:
    home = build_search({"lang": lang}) if lang != "zh" else ""
    return html.Div(className="bw-notice", children=[
        html.P(t("page.not_found", lang, path=path)),
        dcc.Link(t("page.back_home", lang), href="/" + home),
    ])


def route(pages: tuple[ModuleType, ...], planned: tuple[tuple[str, str], ...],
          path: str | None, search: str | None, rendered: list | None) -> dict:
    """What the frame shows for a URL; the page only when path or language changed."""
    path = path or "/"
    lang = lang_of(search)
    key = [path, lang]
    if rendered == key:
        page = dash.no_update
    else:
        module = next((p for p in pages if p.PATH == path), None)
        page = module.layout(parse_search(search), lang) if module else not_found(path, lang)
    return {"page": page, "header": header(pages, planned, path, search, lang), "rendered": key}


def register_callbacks(app: dash.Dash, pages: tuple[ModuleType, ...],
                       planned: tuple[tuple[str, str], ...]) -> None:
    @app.callback(
        output={"page": Output(ids.Frame.PAGE, "children"),
                "header": Output(ids.Frame.HEADER, "children"),
                "rendered": Output(ids.Frame.RENDERED, "data")},
        inputs={"path": Input(ids.Frame.URL, "pathname"), "search": Input(ids.Frame.URL, "search")},
        state={"rendered": State(ids.Frame.RENDERED, "data")},
    )
    def _route(path, search, rendered):
        return route(pages, planned, path, search, rendered)

    app.clientside_callback(
        _SVG_DOWNLOAD_JS,
        Input(ids.svg_button(MATCH), "n_clicks"),
        State(ids.graph(MATCH), "config"),
        State(ids.graph(MATCH), "id"),
        prevent_initial_call=True,
    )
