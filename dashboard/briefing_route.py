"""The dashboard's briefing button: ``/briefing.pdf?year=2025&as_of=2025-06-30[&dept=001]``.

A Flask route on ``app.server`` answers with the PDF (``&format=html`` for the HTML) made by
``dashboard.briefing.build`` — the same builder as ``budgetwatch briefing``; no SQL here.
``briefing_link(lang)`` is the small link on the overview toolbar; a callback keeps its
address in step with the page's view (year and as-of date).

Renders are limited and kept (``dashboard/briefing_desk.py``): a few at once, one per account,
never queued on a server thread; a briefing asked for again is served from the desk — in
memory and in ``DATA_DIR/briefings``, so also after a restart — until the data, a review, an
inquiry, the thresholds or the day change.
"""
from __future__ import annotations

import logging
from urllib.parse import quote

import dash
from dash import Input, Output, html

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.urls import build_search, date_param, int_param, parse_search

log = logging.getLogger("budgetwatch.dashboard")

LINK_ID = "overview-briefing-link"
STATUS_ID = "overview-briefing-status"
ROUTE = "/briefing.pdf"
# label, title, the busy label ({s}: seconds so far), what a failure says before the server's sentence
_TEXT = {"zh": ("监督简报（PDF）", "生成本年度、截至所选日期的监督简报（PDF），用于会议和报告；首次生成约需 20 秒",
                "正在生成简报… {s} 秒", "简报未能生成："),
         "en": ("Briefing (PDF)", "The supervision briefing for this year and as-of date, as a PDF; the first time "
                "takes about 20 seconds", "Preparing the briefing… {s} s", "The briefing could not be made: ")}


def briefing_href(search: str | None) -> str:
    """The route's address for a page view (``?year=…&as_of=…``): only the keys it reads."""
    params = parse_search(search)
    keep = {k: params.get(k) for k in ("year", "as_of", "dept")}
    if params.get("lang") == "en":      # the English view's briefing is in English
        keep["lang"] = "en"
    return ROUTE + build_search(keep)


def briefing_link(lang: str, search: str | None = None) -> html.Span:
    """The toolbar's 监督简报 link and the line that says why it failed, if it does.

    A briefing takes ~20 s to make the first time. A plain click is taken over by
    ``assets/briefing_link.js``: the link shows a spinner and the seconds so far (``aria-busy``)
    until the file arrives and is saved, and a refusal (busy, no data) is said under it. Without
    script, or opened in a new tab, it is an ordinary link to the PDF."""
    label, title, busy, failed = _TEXT.get(lang, _TEXT["zh"])
    # the house's small outlined button (bw-svg), kept in the toolbar's flow, at its right end
    return html.Span(className="bw-briefing-box", style={"marginLeft": "auto", "marginBottom": "8px"}, children=[
        html.A(label, id=LINK_ID, href=briefing_href(search), title=title, target="_blank",
               rel="noopener", className="bw-svg bw-briefing", **{"data-busy": busy, "data-failed": failed},
               style={"textDecoration": "none", "fontSize": "14px", "padding": "4px 12px"}),
        html.Span(id=STATUS_ID, className="bw-briefing-status", role="status"),
    ])


def register(app: dash.Dash, store) -> None:
    """The route on the Flask server, and the callback that keeps the link's address current."""
    import flask

    from budgetwatch.dashboard import briefing
    from budgetwatch.dashboard.briefing import DEFAULT_TOP, BriefingError, file_name
    from budgetwatch.dashboard.briefing_desk import DESK_KEY, FOLDER, BriefingDesk, Busy, Made

    app.server.config[DESK_KEY] = BriefingDesk(folder=store.data_dir / FOLDER)   # kept across restarts

    def _text(status: int, message: str, headers: dict | None = None):
        return flask.Response(message, status=status, mimetype="text/plain; charset=utf-8", headers=headers)

    @app.server.route(ROUTE)
    def briefing_pdf():
        from budgetwatch.dashboard import auth
        from budgetwatch.queries import accounts

        args = flask.request.args
        fmt = "html" if args.get("format") == "html" else "pdf"
        top = int_param(args.get("top")) or DEFAULT_TOP
        dept = args.get("dept") or None
        limited = auth.allowed_depts()
        if limited and dept not in limited:    # an account limited to some departments sees only theirs
            if dept is not None or len(limited) != 1:
                return flask.Response("无权查看该范围的简报 / not allowed to see this briefing", status=403,
                                      mimetype="text/plain; charset=utf-8")
            dept = limited[0]
        year, as_of, top = int_param(args.get("year")), date_param(args.get("as_of")), max(1, min(top, 100))
        desk: BriefingDesk = flask.current_app.config[DESK_KEY]
        account = auth.current_user() or "anonymous"
        try:
            generation, key = _desk_key(store, fmt, year, as_of, dept, top, args.get("lang"))
            made = desk.kept(key)
            if made is None:
                with desk.render_slot(account, key):
                    brief, data = briefing.build(store, fmt, year, as_of, dept, top, lang="en" if args.get("lang") == "en" else "zh")
                made = Made(data, file_name(brief, fmt), "application/pdf" if fmt == "pdf" else
                            "text/html; charset=utf-8",
                            {"format": fmt, "year": brief.year, "as_of": brief.as_of.isoformat(),
                             "dept": brief.dept_code, "warnings": brief.warnings_total})
                desk.keep(key, made, generation)
                cached = False
            else:
                cached = True
        except Busy as busy:
            log.info("briefing refused for %s: %s", account, busy.status)
            return _text(busy.status, busy.message, {"Retry-After": str(busy.retry_after)})
        except BriefingError as exc:
            return _text(400, str(exc))
        except Exception:   # the last guard: a sentence for the person, the traceback for the log
            log.exception("briefing failed")
            return _text(500, "生成简报失败 / the briefing could not be made")
        accounts.log_event(store.data_dir, account, "export", "briefing", {**made.detail, "cached": cached},
                           ip=flask.request.remote_addr or "", must=False)
        disposition = "inline" if fmt == "pdf" else "attachment"
        return flask.Response(made.data, mimetype=made.mimetype,
                              headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(made.name)}",
                                       "Cache-Control": "no-store"})

    @app.callback(Output(LINK_ID, "href"), Input(ids.view("overview"), "data"), prevent_initial_call=False)
    def _href(view):
        return briefing_href(view) if isinstance(view, str) else dash.no_update



def _desk_key(store, fmt: str, year, as_of, dept, top: int, lang: str | None) -> tuple:
    """(generation, key): what a kept briefing must match — the data generation, the newest
    review and inquiry step, the thresholds in force, the reader's department scope, every
    parameter and today's date (overdue inquiries are counted to today; without a year or an
    as-of date the defaults come from the data and today)."""
    import datetime as dt
    import json

    from budgetwatch.queries.inquiries import last_event_id
    from budgetwatch.queries.reviews import last_review_id
    from budgetwatch.queries.rules.config import load_thresholds
    from budgetwatch.queries.store import current_scope

    generation = store.generation()
    thresholds = json.dumps(load_thresholds(store.data_dir).values, sort_keys=True, default=str)
    key = (generation, last_review_id(store.data_dir), last_event_id(store.data_dir), thresholds,
           current_scope(), fmt, year, as_of.isoformat() if as_of else None, dt.date.today().isoformat(),
           dept, top, lang or "zh")
    return generation, key
