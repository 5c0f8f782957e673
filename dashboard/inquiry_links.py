"""What a flag's detail on the warnings page says about inquiries: the ones it is attached to
(links into the 询问督办 room) and, for staff, a link opening the room's form for this flag.
One call from ``pages/warnings.py`` — the room itself lives in ``pages/inquiries/``."""
from __future__ import annotations

import json
import logging

from dash import dcc, html

from budgetwatch.dashboard import auth
from budgetwatch.dashboard.urls import build_search
from budgetwatch.queries import inquiries as qi

log = logging.getLogger("budgetwatch.dashboard")
PATH = "/inquiries"
MAX_SELECTED = 50        # what the room's open form takes at once (pages/inquiries/page_layout.opening)
_WORDS = {"open": ("就此预警发起询问", "Open an inquiry about this flag"),
          "open_selected": ("就所选 {n} 条预警发起一项询问", "Open one inquiry about the {n} selected flags"),
          "too_many": ("一次最多 {max} 条，已取前 {max} 条", "at most {max} at once; the first {max} are taken"),
          "select_hint": ("勾选多条预警，可就它们发起一项询问", "Tick several flags to open one inquiry about them"),
          "attached": ("所附询问事项：", "Inquiries attached: "),
          "state": {"draft": ("草稿", "draft"), "sent": ("已发出", "sent"), "answered": ("已答复", "answered"),
                    "closed": ("已办结", "closed")}}


def _w(key: str, lang: str) -> str:
    return _WORDS[key][0 if lang == "zh" else 1]


def selection_link(rows: list[dict] | None, year, as_of, lang: str) -> list:
    """For staff, the link opening one inquiry about the flags ticked in the warnings list
    (``RULE|KEY`` row ids, the list's year); a hint when none is ticked; [] for others."""
    user = auth.user()
    if user is None or not user.can("staff") or year is None:
        return []
    ids_ = [r["flag_id"] for r in rows or [] if isinstance(r, dict) and isinstance(r.get("flag_id"), str)
            and "|" in r["flag_id"]]
    if not ids_:
        return [html.Span(_w("select_hint", lang), className="bw-hint")]
    taken = [f"{i}|{int(year)}" for i in ids_[:MAX_SELECTED]]
    keep = lang if lang != "zh" else None
    href = PATH + build_search({"open": taken[0] if len(taken) == 1 else json.dumps(taken, ensure_ascii=False),
                                "as_of": str(as_of)[:10] if as_of else None, "lang": keep})
    out: list = [dcc.Link(_w("open_selected", lang).format(n=len(taken)), href=href, id="warnings-open-selected",
                          className="bw-wd-button bw-inq-open-link")]
    if len(ids_) > MAX_SELECTED:
        out.append(html.Span(_w("too_many", lang).format(max=MAX_SELECTED), className="bw-hint"))
    return out


def flag_inquiry_links(store, rule: str, key: str, year: int, lang: str, as_of=None) -> list:
    """Links for one flag's detail; [] when there is nothing to say (or on any failure)."""
    keep = lang if lang != "zh" else None
    try:
        user = auth.user()
        attached = qi.for_flag(store, user, rule, key, int(year))
        if rule == "INQUIRY_OVERDUE":          # the flag *is* an inquiry: link to it
            attached = qi.list_inquiries(store, user)
            attached = attached[attached["ref"] == key]
    except Exception:
        log.exception("inquiries of a flag could not be read")
        return []
    out: list = []
    if not attached.empty:
        out.append(html.Span(_w("attached", lang)))
        for r in attached.to_dict("records"):
            state = _WORDS["state"].get(r["state"], (r["state"], r["state"]))[0 if lang == "zh" else 1]
            out.append(dcc.Link(f"{r['ref']}（{state}）", className="bw-voucher-link bw-inq-attached",
                                href=PATH + build_search({"inquiry": int(r["inquiry_id"]), "lang": keep})))
    if rule != "INQUIRY_OVERDUE" and user is not None and user.can("staff"):
        out.append(dcc.Link(_w("open", lang), className="bw-wd-button bw-inq-open-link", id="warnings-open-inquiry",
                            href=PATH + build_search({"open": f"{rule}|{key}|{int(year)}",
                                                      "as_of": as_of.isoformat() if as_of else None, "lang": keep})))
    return [html.Div(className="bw-links bw-inq-links", children=out)] if out else []
