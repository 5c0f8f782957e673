"""The dashboard's briefing button: ``/briefing.pdf?year=2025&as_of=2025-06-30[&dept=001]``.

A Flask route on ``app.server`` answers with the PDF (``&format=html`` for the HTML) made by
``dashboard.briefing.build`` — the same builder as ``budgetwatch briefing``; no SQL here.
``briefing_link(lang)`` is the small link on the overview toolbar; a callback keeps its
address in step with the page's view (year and as-of date).
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
ROUTE = "/briefing.pdf"
_TEXT = {"zh": ("监督简报（PDF）", "生成本年度、截至所选日期的监督简报（PDF），用于会议和报告；约需数秒"),
         "en": ("Briefing (PDF)", "The supervision briefing for this year and as-of date, as a PDF; takes a few seconds")}


def briefing_href(search: str | None) -> str:
    """The route's address for a page view (``?year=…&as_of=…``): only the keys it reads."""
    params = parse_search(search)
    return ROUTE + build_search({k: params.get(k) for k in ("year", "as_of", "dept")})


def briefing_link(lang: str, search: str | None = None) -> html.A:
    label, title = _TEXT.get(lang, _TEXT["zh"])
    # the house's small outlined button (bw-svg), kept in the toolbar's flow, at its right end
    return html.A(label, id=LINK_ID, href=briefing_href(search), title=title, target="_blank",
                  rel="noopener", className="bw-svg bw-briefing",
                  style={"position": "static", "marginLeft": "auto", "marginBottom": "8px",
                         "textDecoration": "none", "fontSize": "14px", "padding": "4px 12px"})


def register(app: dash.Dash, store) -> None:
    """The route on the Flask server, and the callback that keeps the link's address current."""
    import flask

    from budgetwatch.dashboard.briefing import DEFAULT_TOP, BriefingError, build, file_name

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
        try:
            brief, data = build(store, fmt, int_param(args.get("year")), date_param(args.get("as_of")),
                                dept, max(1, min(top, 100)))
        except BriefingError as exc:
            return flask.Response(str(exc), status=400, mimetype="text/plain; charset=utf-8")
        except Exception:   # the last guard: a sentence for the person, the traceback for the log
            log.exception("briefing failed")
            return flask.Response("生成简报失败 / the briefing could not be made", status=500,
                                  mimetype="text/plain; charset=utf-8")
        name = file_name(brief, fmt)
        accounts.log_event(store.data_dir, auth.current_user() or "anonymous", "export", "briefing",
                           {"format": fmt, "year": brief.year, "as_of": brief.as_of.isoformat(),
                            "dept": brief.dept_code, "warnings": brief.warnings_total},
                           ip=flask.request.remote_addr or "")
        disposition = "inline" if fmt == "pdf" else "attachment"
        return flask.Response(data, mimetype="application/pdf" if fmt == "pdf" else "text/html; charset=utf-8",
                              headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
                                       "Cache-Control": "no-store"})

    @app.callback(Output(LINK_ID, "href"), Input(ids.view("overview"), "data"), prevent_initial_call=False)
    def _href(view):
        return briefing_href(view) if isinstance(view, str) else dash.no_update

