"""The site frame: header (product name, page links, language toggle), router, URL writer.

Routing is done here rather than by Dash Pages so that nothing is kept in a module-level
registry: each app made by ``create_app`` routes over its own tuple of page modules.

The URL query is the view. A page puts the query of what it shows into its ``ids.view``
store; the frame alone writes that to the address bar (one writer, whatever the number of
pages) and remembers it as *written*. The first query a page writes after being drawn only
fills in its defaults (``/execution`` → ``/execution?year=2025&as_of=…&by=func``): it
*replaces* the address (``history.replaceState``), so Back leaves the page instead of landing
on the bare address, which would write the defaults again. Every later query is a step the
reader took (a year, a drill step) and gets its own history entry. The router draws the page again when the path or the
language changes, or when the query differs from the one written — the reader went back or
forward in history — but not when the page has just written it, so the page keeps its
components while the reader changes the year.
"""
from __future__ import annotations

from types import ModuleType

import dash
from dash import ALL, Input, Output, State, dcc, html

from budgetwatch.dashboard import auth, copy_link, ids, search_box, security
from budgetwatch.dashboard.i18n import t
from budgetwatch.queries.accounts import ROLE_NAMES
from budgetwatch.dashboard.urls import build_search, lang_of, parse_search, with_params

def layout() -> html.Div:
    """The frame's skeleton; the router fills header and page from the URL."""
    return html.Div(className="bw-app", children=[
        dcc.Location(id=ids.Frame.URL, refresh="callback-nav"),
        dcc.Store(id=ids.Frame.RENDERED),
        dcc.Store(id=ids.Frame.WRITTEN),
        dcc.Store(id=ids.Frame.FRESH),
        dcc.Store(id=ids.Frame.REPLACE),
        html.Header(id=ids.Frame.HEADER, className="bw-header"),
        html.Div(id=ids.Frame.NOTICE),
        html.Main(id=ids.Frame.PAGE, className="bw-main"),
    ])


def header(pages: tuple[ModuleType, ...], planned: tuple[tuple[str, str], ...],
           path: str, search: str | None, lang: str) -> list:
    """Product name, links to the pages (those to come greyed out), the language toggle.

    Links carry the language; the toggle carries the whole query, so the view is kept.
    """
    keep_lang = build_search({"lang": lang}) if lang != "zh" else ""
    links = []
    for page in visible(pages):
        if not getattr(page, "NAV_KEY", None):     # a page reached by links only (a payee, a voucher)
            continue
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
        menu_button(lang),
        # On a wide screen the menu's box is transparent (display: contents) and the page links
        # take a row of their own; on a phone it is the panel the 菜单 button opens.
        html.Div(id=ids.Frame.MENU, className="bw-menu", children=[
            html.Nav(links, className="bw-nav", **{"aria-label": t("nav.label", lang)}),
            search_box.box(lang),
            copy_link.button(lang),
            dcc.Link(t("lang.switch", lang), id=ids.Frame.LANG, className="bw-lang",
                     href=(path or "/") + with_params(search, lang=other), title=t("lang.switch_title", lang)),
            *signed_in(lang),
        ]),
    ]


def menu_button(lang: str) -> html.Button:
    """菜单: shown on narrow screens only (style.css); opens and closes the header's menu. The
    header is drawn again on every navigation, so the menu closes when a link is followed."""
    return html.Button([html.Span("☰", className="bw-menu-icon", **{"aria-hidden": "true"}), t("nav.menu", lang)],
                       id=ids.Frame.MENU_BUTTON, n_clicks=0, className="bw-menu-button", type="button",
                       **{"aria-expanded": "false", "aria-controls": ids.Frame.MENU})


# Toggles the menu panel; aria-expanded follows for screen readers.
_MENU_JS = """
function (n) {
    var open = (n || 0) % 2 === 1;
    var button = document.getElementById('MENU_BUTTON');
    if (button) { button.setAttribute('aria-expanded', open ? 'true' : 'false'); }
    return open ? 'bw-menu is-open' : 'bw-menu';
}
""".replace("MENU_BUTTON", ids.Frame.MENU_BUTTON)


def visible(pages: tuple[ModuleType, ...]) -> tuple[ModuleType, ...]:
    """The pages the signed-in account may open (a page may name a ``ROLE``; default: everyone)."""
    user = auth.user()
    return tuple(p for p in pages if user is None or user.can(getattr(p, "ROLE", "member")))


def signed_in(lang: str) -> list:
    """Who is signed in, and a logout button (a POST form carrying the session's CSRF token)."""
    user = auth.user()
    if user is None:
        return []
    role = ROLE_NAMES[user.role][0 if lang == "zh" else 1]
    return [html.Form(method="POST", action="/logout", className="bw-user", children=[
        html.Span(user.username, className="bw-user-name", title=t("user.signed_in", lang, name=user.username,
                                                                   role=role)),
        dcc.Input(type="hidden", name="csrf", value=security.csrf_token()),
        html.Button(t("user.logout", lang), type="submit", className="bw-logout", id=ids.Frame.LOGOUT),
    ])]


def not_found(path: str, lang: str) -> html.Div:
    home = build_search({"lang": lang}) if lang != "zh" else ""
    return html.Div(className="bw-notice", children=[
        html.P(t("page.not_found", lang, path=path)),
        dcc.Link(t("page.back_home", lang), href="/" + home),
    ])


def route(pages: tuple[ModuleType, ...], planned: tuple[tuple[str, str], ...],
          path: str | None, search: str | None, rendered: list | None, written: str | None = None) -> dict:
    """What the frame shows for a URL.

    The page is drawn again only for another path or language, or for a query the page did not
    write itself (history navigation); the header always, since its links carry the query.
    """
    path = path or "/"
    lang = lang_of(search)
    key = [path, lang]
    if rendered == key and (search or "") == (written or ""):
        page = dash.no_update
    else:
        module = next((p for p in pages if p.PATH == path), None)
        if module is not None and module not in visible(pages):
            page = html.Div(className="bw-notice is-error", children=[html.P(t("page.not_allowed", lang))])
        else:
            page = module.layout(parse_search(search), lang) if module else not_found(path, lang)
    return {"page": page, "header": header(pages, planned, path, search, lang), "rendered": key,
            "fresh": dash.no_update if page is dash.no_update else (search or "")}


def views_of(views: list[str | None], owners: list[str | None], path: str | None,
             view_paths: dict) -> list[str | None]:
    """Only the views of the page at ``path``: after Back or Forward the page left behind may
    still answer once (its callbacks were in flight), and its query written onto the new path
    would push a history entry that cuts off every Forward step."""
    if not owners:
        return views
    here = path or "/"
    return [v for v, page in zip(views, owners) if view_paths.get(page, here) == here]


def write_url(views: list[str | None], search: str | None, fresh: str | None = None) -> dict:
    """The query the page asks for goes into the URL (unless already there) and is remembered.

    ``fresh`` is the query the page was drawn from while it has not written one yet: then the
    page is filling in its defaults, and the address is replaced (``replace``) rather than
    pushed (``search``), so that no history entry leads back to the bare address."""
    wanted = next((v for v in views if v is not None), None)
    if wanted is None:
        return {"search": dash.no_update, "written": dash.no_update}
    unchanged = wanted == (search or "")
    if fresh is not None and fresh == (search or ""):
        return {"search": dash.no_update, "replace": dash.no_update if unchanged else wanted,
                "written": wanted, "fresh": None}
    return {"search": dash.no_update if unchanged else wanted, "written": wanted}


# Puts a query in the address bar without a history entry, then tells dcc.Location (which
# listens to this event as to its own pushes) to read the address again.
_REPLACE_JS = """
function (query) {
    if (typeof query !== 'string') { return window.dash_clientside.no_update; }
    window.history.replaceState(window.history.state, '', window.location.pathname + query + window.location.hash);
    window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
    return null;
}
"""


def register_callbacks(app: dash.Dash, pages: tuple[ModuleType, ...],
                       planned: tuple[tuple[str, str], ...]) -> None:
    @app.callback(
        output={"page": Output(ids.Frame.PAGE, "children"),
                "header": Output(ids.Frame.HEADER, "children"),
                "rendered": Output(ids.Frame.RENDERED, "data"),
                "fresh": Output(ids.Frame.FRESH, "data")},
        inputs={"path": Input(ids.Frame.URL, "pathname"), "search": Input(ids.Frame.URL, "search")},
        state={"rendered": State(ids.Frame.RENDERED, "data"), "written": State(ids.Frame.WRITTEN, "data")},
    )
    def _route(path, search, rendered, written):
        return route(pages, planned, path, search, rendered, written)

    view_paths = {getattr(p, "VIEW", None): p.PATH for p in pages}

    @app.callback(
        output={"search": Output(ids.Frame.URL, "search"), "replace": Output(ids.Frame.REPLACE, "data"),
                "written": Output(ids.Frame.WRITTEN, "data"), "fresh": Output(ids.Frame.FRESH, "data")},
        inputs={"views": Input(ids.view(ALL), "data")},
        state={"search": State(ids.Frame.URL, "search"), "fresh": State(ids.Frame.FRESH, "data"),
               "path": State(ids.Frame.URL, "pathname")},
    )
    def _write_url(views, search, fresh, path):
        grouping = (dash.ctx.args_grouping or {}).get("views") or []
        owners = [(g.get("id") or {}).get("page") for g in grouping] if len(grouping) == len(views) else []
        return {"replace": dash.no_update, "fresh": dash.no_update,
                **write_url(views_of(views, owners, path, view_paths), search, fresh)}

    app.clientside_callback(_MENU_JS, Output(ids.Frame.MENU, "className"), Input(ids.Frame.MENU_BUTTON, "n_clicks"),
                            prevent_initial_call=True)
    app.clientside_callback(_REPLACE_JS, Output(ids.Frame.REPLACE, "data", allow_duplicate=True),
                            Input(ids.Frame.REPLACE, "data"), prevent_initial_call=True)
