"""The header's notice of what is new since the account's last visit (``queries/notices.py``):
red warnings that appeared, inquiries that became due unanswered, inquiries answered — counts
in one line, and a list of links to open them. Nothing is shown on a first visit or when
nothing is new."""
from __future__ import annotations

import logging

from dash import Input, Output, State, dcc, html

from budgetwatch.dashboard import auth, ids
from budgetwatch.dashboard.urls import build_search, lang_of
from budgetwatch.queries import notices
from budgetwatch.queries.store import Store

log = logging.getLogger("budgetwatch.dashboard")
MAX_LISTED = 8
_W = {"lead": ("自上次访问（{since}）以来：", "Since your last visit ({since}): "),
      "red": ("新增红色预警 {n} 条", "{n} new red warnings"),
      "due": ("到期未答复询问 {n} 件", "{n} inquiries fell due unanswered"),
      "answered": ("收到答复 {n} 件", "{n} inquiries answered"),
      "more": ("查看", "Show")}


def _w(key: str, lang: str, **kw) -> str:
    return _W[key][0 if lang == "zh" else 1].format(**kw)


def notice_children(store: Store, user, session_since, lang: str) -> list:
    if user is None or session_since is None:
        return []
    new = notices.whats_new(store, user, session_since, wait=False)    # never holds the page up
    if new is None:
        return []
    red, due, answered = new["red"], new["due"], new["answered"]
    if new["since"] is None or (red.empty and due.empty and answered.empty):
        return []
    keep = lang if lang != "zh" else None
    parts, links = [], []
    if not red.empty:
        parts.append(_w("red", lang, n=len(red)))
        links += [dcc.Link(f"{r['rule']} {r['entity_key']}", className="bw-voucher-link",
                           href="/warnings" + build_search({"year": int(r["year"]), "flag": f"{r['rule']}|{r['entity_key']}",
                                                            "lang": keep}))
                  for r in red.head(MAX_LISTED).to_dict("records")]
    for key, frame in (("due", due), ("answered", answered)):
        if not frame.empty:
            parts.append(_w(key, lang, n=len(frame)))
            links += [dcc.Link(r["ref"], className="bw-voucher-link",
                               href="/inquiries" + build_search({"inquiry": int(r["inquiry_id"]), "lang": keep}))
                      for r in frame.head(MAX_LISTED).to_dict("records")]
    return [html.Details(className="bw-whats-new", children=[
        html.Summary(_w("lead", lang, since=str(new["since"])[:16]) + "；".join(parts) if lang == "zh"
                     else _w("lead", lang, since=str(new["since"])[:16]) + "; ".join(parts)),
        html.Div(className="bw-links", children=links),
    ])]


def register(app, store: Store) -> None:
    @app.callback(Output(ids.Frame.NOTICE, "children"), Input(ids.Frame.URL, "pathname"),
                  State(ids.Frame.URL, "search"))
    def _notice(_path, search):
        from flask import has_request_context, session
        try:
            since = session.get("since") if has_request_context() else None
            return notice_children(store, auth.user(), since, lang_of(search))
        except Exception:       # a notice must never break the page
            log.exception("what's-new notice failed")
            return []
