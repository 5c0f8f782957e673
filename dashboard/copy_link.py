"""复制链接: a header button that copies the address of the view on screen (every view is a
permalink: filters, drill path and the grids' filters and sort live in the URL).

Entirely in the browser: a clientside callback writes ``window.location.href`` to the
clipboard (the Clipboard API where the page is a secure context, a hidden text area otherwise,
as on a plain-http intranet address), keeps the copied address on the button
(``data-copied``) and says 已复制 until the header is drawn again.
"""
from __future__ import annotations

from dash import Input, Output, State, html

from budgetwatch.dashboard.i18n import t

BUTTON = "frame-copy-link"

_COPY_JS = """
function (n, done) {
    if (!n) { return window.dash_clientside.no_update; }
    var href = window.location.href;
    function fallback() {
        var area = document.createElement('textarea');
        area.value = href; area.setAttribute('readonly', '');
        area.style.position = 'fixed'; area.style.opacity = '0';
        document.body.appendChild(area); area.select();
        try { document.execCommand('copy'); } catch (e) {}
        document.body.removeChild(area);
    }
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(href).catch(fallback); }
    else { fallback(); }
    var button = document.getElementById('%s');
    if (button) { button.setAttribute('data-copied', href); }
    return done;
}
"""


def button(lang: str) -> html.Button:
    return html.Button(t("copy.button", lang), id=BUTTON, n_clicks=0, className="bw-copy-link",
                       title=t("copy.title", lang), value=t("copy.done", lang))


def register(app) -> None:
    app.clientside_callback(_COPY_JS % BUTTON, Output(BUTTON, "children"), Input(BUTTON, "n_clicks"),
                            State(BUTTON, "value"), prevent_initial_call=True)
