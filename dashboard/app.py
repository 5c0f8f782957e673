"""The Dash app, made on demand: ``create_app(data_dir)``.

Wiring only. Nothing is read at import time and nothing is kept between requests: the
``Store`` handed to each page's ``register_callbacks`` opens a fresh read-only connection
per callback, so any number of apps (tests) and threads (waitress) can run side by side.
"""
from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import dash
from dash import html

from budgetwatch.dashboard import (briefing_route, chart_downloads, copy_link, downloads, frame, ids, response_cache,
                                   search_box, security)
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.pages import PAGES, PLANNED
from budgetwatch.queries.store import Store

ASSETS = Path(str(files("budgetwatch.dashboard") / "assets"))
# Callback outputs that change things: the door refuses requests for them below the role.
PROTECTED_OUTPUTS = (
    (ids.Warnings.SAVED, "staff"),           # saving a review (the only callback writing it)
    (ids.Inquiries.CHANGED, "staff"),        # an inquiry step: open, send, answer, close
    (ids.Data.REPORT, "staff"),              # uploading a feed file
    (ids.Admin.LOG, "admin"),                # the audit log
    (ids.Admin.USERS, "admin"),
)
# Callbacks whose answer depends only on the request, the data, the reader's scope and role,
# the date and the state file: a crowd shares the finished answer (response_cache.py). Never an
# output that shows who is signed in (the router's header) or changes anything.
SHARED_OUTPUTS = (
    f"{ids.Overview.SCHEDULE}.children",                 # the overview's main callback
    f"{ids.Execution.CRUMBS}.children",                  # the execution page's drill steps
    f"{ids.table(ids.Execution.T_VOUCHERS)}.getRowsResponse",   # and its voucher grid's blocks
)


def create_app(data_dir: str | os.PathLike | None = None) -> dash.Dash:
    """A new app over the data folder (``--data-dir``, else $BUDGETWATCH_DATA_DIR, else ./data)."""
    store = Store(data_dir)
    app = dash.Dash(
        __name__,
        assets_folder=str(ASSETS),
        title=f"{t('app.name', 'zh')} budgetwatch",
        update_title=None,
        serve_locally=True,
    )
    app.layout = frame.layout
    # Pages are drawn by the router, so show Dash every page's components up front: callbacks
    # stay checked against real ids instead of suppressing the check.
    app.validation_layout = html.Div([frame.layout(), search_box.box("zh"), copy_link.button("zh"),
                                     frame.menu_button("zh"), html.Div(id=ids.Frame.MENU),
                                     *[p.layout({}, "zh") for p in PAGES]])
    frame.register_callbacks(app, PAGES, PLANNED)
    for page in PAGES:
        page.register_callbacks(app, store)
    search_box.register(app, store)         # the header's search box
    copy_link.register(app)                 # and its 复制链接 button
    briefing_route.register(app, store)     # /briefing.pdf and the overview's briefing link
    downloads.register(app, store)          # /download/<table>.csv|xlsx: every table's downloads
    chart_downloads.register(app)           # every chart's 下载 PNG / 下载 SVG, with the export footer
    # The door: every request needs a session; changes need a role (see security.py).
    security.install(app.server, store.data_dir)
    for output_id, role in PROTECTED_OUTPUTS:
        security.protect(app.server, output_id, role)
    response_cache.install(app.server, store)
    for output_id in SHARED_OUTPUTS:
        response_cache.share(app.server, output_id)
    return app
