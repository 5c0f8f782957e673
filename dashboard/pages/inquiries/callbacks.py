"""The room's callbacks, each a plain function of the store and its inputs, wired by
``register(app, store)``; and two routes: the letter (``/inquiries/letter/<id>.pdf|html``) and
an answer's file (``/inquiries/file/<id>``), behind the same door as every page.

Steps (open, send, answer, close) go through ``queries.inquiries``, which checks the role and
the account's departments again and writes the timeline and the audit log; the door refuses
the ``CHANGED`` output below staff (dashboard/app.py ``PROTECTED_OUTPUTS``).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
from urllib.parse import quote

import dash
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html

from budgetwatch.dashboard import auth, ids
from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.components import card, notice
from budgetwatch.dashboard.figures.common import image_config
from budgetwatch.dashboard.i18n import STRINGS, t
import budgetwatch.dashboard.pages.inquiries.figures as figures
import budgetwatch.dashboard.pages.inquiries.letter as letter
from budgetwatch.dashboard.pages.inquiries.page_layout import VIEW, opening
from budgetwatch.dashboard.pages.inquiries.words import w
from budgetwatch.dashboard.tables import Export, register_export
from budgetwatch.dashboard.urls import build_search, date_param, lang_of, with_params
from budgetwatch.queries import accounts
from budgetwatch.queries import flags as qf
from budgetwatch.queries import inquiries as qi
from budgetwatch.queries.rules import RULES_BY_ID
from budgetwatch.queries.rules.base import SEVERITY_CN
from budgetwatch.queries.store import Store

log = logging.getLogger("budgetwatch.dashboard")
I = ids.Inquiries
PATH = "/inquiries"
LETTER_ROUTE = "/inquiries/letter/<int:inquiry_id>.<fmt_>"
FILE_ROUTE = "/inquiries/file/<int:file_id>"
EVIDENCE_SHOWN = 20
HIDDEN = {"display": "none"}


def letter_href(inquiry_id: int, fmt_: str) -> str:
    return f"/inquiries/letter/{int(inquiry_id)}.{fmt_}"


def inquiry_href(inquiry_id: int, lang: str) -> str:
    return PATH + build_search({"inquiry": int(inquiry_id), "lang": lang if lang != "zh" else None})


def open_href(rule: str, key: str, year: int, lang: str) -> str:
    """The open form for one flag (the warnings page links here)."""
    return PATH + build_search({"open": f"{rule}|{key}|{int(year)}", "lang": lang if lang != "zh" else None})


# -- the list ------------------------------------------------------------------------------
def _state_label(state: str, lang: str) -> str:
    return w(f"state.{state}", lang) if state in qi.STATES else str(state)


def list_rows(frame: pd.DataFrame, lang: str, selected: int | None) -> list[dict]:
    rows = []
    for r in frame.to_dict("records"):
        rows.append({
            "inquiry_id": int(r["inquiry_id"]), "selected": int(r["inquiry_id"]) == selected,
            "ref": r["ref"], "unit": r["dept_name"] or r["dept_code"], "year": int(r["year"]),
            "state": _state_label(r["state"], lang), "state_key": r["state"],
            "due": r["due_date"], "sent": r["sent_on"] or "", "answered": r["answered_on"] or "",
            "overdue": int(r["days_overdue"]) or None, "flags": int(r["flags"] or 0),
            "judgement": w(f"judgement.{r['judgement']}", lang) if isinstance(r["judgement"], str) else "",
        })
    return rows


def list_columns(lang: str) -> list[dict]:
    return [
        {"field": "ref", "headerName": w("col.ref", lang), "width": 150},
        {"field": "unit", "headerName": w("col.unit", lang), "flex": 2, "minWidth": 160},
        {"field": "state", "headerName": w("col.state", lang), "width": 100,
         "cellClassRules": {"bw-inq-overdue": "params.data.overdue"}},
        {"field": "due", "headerName": w("col.due", lang), "width": 120},
        {"field": "overdue", "headerName": w("col.overdue", lang), "width": 110, "type": "rightAligned",
         "cellClassRules": {"bw-sev bw-sev-high": "params.data.overdue > 30",
                            "bw-sev bw-sev-medium": "params.data.overdue > 0 && params.data.overdue <= 30"}},
        {"field": "sent", "headerName": w("col.sent", lang), "width": 120},
        {"field": "answered", "headerName": w("col.answered", lang), "width": 120},
        {"field": "judgement", "headerName": w("col.judgement", lang), "width": 110},
        {"field": "flags", "headerName": w("col.flags", lang), "width": 90, "type": "rightAligned"},
        {"field": "year", "headerName": w("col.year", lang), "width": 90},
    ]


def unit_rows(units: pd.DataFrame) -> list[dict]:
    return [{"unit": r["dept_name"] or r["dept_code"], "total": int(r["total"]), "open": int(r["open"]),
             "overdue": int(r["overdue"]), "answered": int(r["answered"]),
             "avg_days": None if fmt.missing(r["avg_days_to_answer"]) else round(float(r["avg_days_to_answer"]), 1)}
            for r in units.to_dict("records")]


def unit_columns(lang: str) -> list[dict]:
    return [{"field": "unit", "headerName": w("col.unit", lang), "flex": 2, "minWidth": 150},
            {"field": "open", "headerName": w("col.open", lang), "width": 90, "type": "rightAligned"},
            {"field": "overdue", "headerName": w("col.overdue_n", lang), "width": 110, "type": "rightAligned"},
            {"field": "answered", "headerName": w("col.answered_n", lang), "width": 90, "type": "rightAligned"},
            {"field": "avg_days", "headerName": w("col.avg_days", lang), "width": 130, "type": "rightAligned"},
            {"field": "total", "headerName": w("col.total", lang), "width": 90, "type": "rightAligned"}]


def cards(frame: pd.DataFrame, lang: str) -> list:
    n = qi.counts(frame)
    states = frame["state"].value_counts() if not frame.empty else pd.Series(dtype=int)
    high = int((frame["days_overdue"] > 30).sum()) if not frame.empty else 0
    days = pd.to_numeric(frame["days_to_answer"], errors="coerce").dropna() if not frame.empty else pd.Series(dtype=float)
    avg = w("card.answer_value", lang, days=f"{days.mean():.1f}") if len(days) else "—"
    return [
        card(w("card.total", lang), w("count", lang, n=n["total"]), w("card.total_note", lang, draft=int(states.get("draft", 0)))),
        card(w("card.open", lang), w("count", lang, n=n["open"]),
             w("card.open_note", lang, sent=int(states.get("sent", 0)), answered=int(states.get("answered", 0)))),
        card(w("card.overdue", lang), w("count", lang, n=n["overdue"]), w("card.overdue_note", lang, high=high),
             "is-sev-high" if n["overdue"] else ""),
        card(w("card.answer", lang), avg, w("card.answer_note", lang, n=len(days), unsat=n["closed_unsatisfied"])),
    ]


def update_list(store: Store, state, dept, overdue, selected, flags, changed, search, as_of=None) -> dict:
    lang = lang_of(search)
    out = {"message": None, "cards": [], "note": "", "rows": [], "columns": list_columns(lang),
           "unit_rows": [], "unit_columns": unit_columns(lang), "figure": dash.no_update,
           "config": image_config("budgetwatch_inquiries_by_unit"), "dept_options": dash.no_update,
           "view": dash.no_update}
    state = state if state in qi.STATES else None
    only_overdue = "1" in (overdue or [])
    try:
        actor = auth.user()
        every = qi.list_inquiries(store, actor)
        shown = qi.list_inquiries(store, actor, state_=state, dept=dept or None, overdue=True if only_overdue else None)
    except Exception as exc:      # a sentence for the person, the traceback for the log
        log.exception("inquiries list failed")
        out["message"] = notice(t("error.unexpected", lang), detail=str(exc) if isinstance(exc, qi.InquiryError) else None,
                                tone="is-error")
        return out
    units = qi.by_unit(every)
    out.update(cards=cards(every, lang), rows=list_rows(shown, lang, selected),
               note=w("list_note", lang, total=len(every), shown=len(shown)),
               unit_rows=unit_rows(units), figure=figures.by_unit_figure(units, lang),
               dept_options=[{"label": f"{n}（{c}）" if lang == "zh" else f"{n} ({c})", "value": c}
                             for c, n in sorted(set(zip(every["dept_code"], every["dept_name"])))])
    if every.empty:
        out["message"] = notice(w("none", lang))
    elif shown.empty:
        out["message"] = notice(w("none_filtered", lang))
    flags = [f for f in (flags or []) if isinstance(f, str)]
    out["view"] = with_params(search, state=state, dept=dept or None, overdue="1" if only_overdue else None,
                              inquiry=selected or None,
                              open=(flags[0] if len(flags) == 1 else json.dumps(flags, ensure_ascii=False)) if flags else None,
                              as_of=(date_param(as_of).isoformat() if date_param(as_of) else None) if flags else None,
                              lang=lang)
    return out


def select(triggered, cell: dict | None):
    if triggered == I.CLOSE_DETAIL:
        return None
    if triggered == ids.table(I.LIST) and cell and str(cell.get("rowId") or "").isdigit():
        return int(cell["rowId"])
    return dash.no_update


# -- the open form ----------------------------------------------------------------------------
def _flag_line(row: dict, lang: str) -> html.Div:
    sev = row.get("severity")
    rule = RULES_BY_ID.get(row["rule"])
    title = (rule.title_cn if lang == "zh" else rule.title_en) if rule else row["rule"]
    return html.Div(className="bw-inq-flag", children=[
        html.Span(t(f"warn.sev.{sev}", lang) if sev in SEVERITY_CN else "—", className=f"bw-tag bw-sev-{sev}"),
        html.Strong(f" {title} "), html.Span(f"{row['entity_key']}（{row['year']}）", className="bw-detail"),
        html.P(row.get("message") or "", className="bw-flag-message"),
    ])


def find_flags(store: Store, flags: list[str], as_of=None) -> list[dict]:
    """The flags of the open form as they fire now (within the account's scope)."""
    found = []
    for text in flags:
        try:
            rule, key, year = qi.parse_flag_id(text)
        except qi.InquiryError:
            continue
        day = date_param(as_of)
        frame = qf.flag_set(store, year, day if day and day.year == year else None).frame
        hit = frame[(frame["rule"] == rule) & (frame["entity_key"].astype(str) == key) & (frame["state"] == "active")]
        if not hit.empty:
            found.append(hit.iloc[0].to_dict())
    return found


def update_open_form(store: Store, flags, search, as_of=None) -> dict:
    lang = lang_of(search)
    out = {"style": HIDDEN, "flags": [], "unit_options": [], "unit": None, "due": None}
    flags = [f for f in (flags or []) if isinstance(f, str)]
    if not flags:
        return out
    out["style"] = {}
    try:
        rows = find_flags(store, flags, as_of)
        names = qi.unit_names(store)
        units = qi.visible_units(store, auth.user())
    except Exception:
        log.exception("inquiry open form failed")
        out["flags"] = notice(t("error.unexpected", lang), tone="is-error")
        return out
    user = auth.user()
    children = [html.P(w("open.flags", lang), className="bw-detail"), *[_flag_line(r, lang) for r in rows]]
    if len(rows) < len(flags):
        children.append(notice(w("open.no_flag", lang), tone="is-error"))
    if user is None or not user.can("staff"):
        children.append(notice(w("open.not_allowed", lang)))
    out["flags"] = children
    codes = sorted(c for c in names if units is None or c in units)
    first = next((str(r["dept_code"]) for r in rows if isinstance(r.get("dept_code"), str)), None)
    if first and first not in codes:
        codes.insert(0, first)
    out["unit_options"] = [{"label": f"{names.get(c, c)}（{c}）", "value": c} for c in codes]
    out["unit"] = first
    out["due"] = (dt.date.today() + dt.timedelta(days=qi.default_due_days(store.data_dir))).isoformat()
    return out


# -- one inquiry --------------------------------------------------------------------------------
def _facts(row: dict, lang: str) -> html.Dl:
    late = qi.days_overdue(row, dt.date.today())
    due = row["due_date"] + (f"（{w('detail.overdue', lang, days=late)}）" if late else "")
    facts = [(w("detail.unit", lang), f"{row['dept_name']}（{row['dept_code']}）"),
             (w("detail.year", lang), str(row["year"])),
             (w("detail.due", lang), html.Span(due, className="bw-inq-late" if late else "")),
             (w("detail.sent", lang), row.get("sent_on") or "—"),
             (w("detail.answered", lang), row.get("answered_on") or "—"),
             (w("detail.closed", lang), f"{row['closed_on']} {w('judgement.' + row['judgement'], lang)}"
              if row.get("judgement") else "—")]
    return html.Dl(className="bw-facts", children=[x for k, v in facts for x in (html.Dt(k), html.Dd(v))])


def _evidence_table(ev: dict, lang: str) -> html.Table | None:
    cols = [c for c in ev.get("columns") or [] if c != "dept_code"]
    rows = ev.get("rows") or []
    if not cols or not rows:
        return None
    index = {c: i for i, c in enumerate(ev["columns"])}
    def label(c: str) -> str:
        name = t(f"ev.{c}", lang) if f"ev.{c}" in STRINGS else c
        return fmt.axis_title(name, t("unit.wan", lang), lang) if c in letter._MONEY else name
    head = html.Tr([html.Th(label(c)) for c in cols])
    body = [html.Tr([html.Td(_plain(c, r[index[c]]), className="num" if c in letter._MONEY else "") for c in cols])
            for r in rows[:EVIDENCE_SHOWN]]
    return html.Table(className="bw-inq-evidence", children=[html.Thead(head), html.Tbody(body)])


def _plain(column: str, value) -> str:
    """A frozen cell as text (Dash renders it as text: no markup ever)."""
    if fmt.missing(value):
        return "—"
    if column in letter._MONEY:
        return f"{fmt.cell(value):,.2f}"
    if column in letter._SHARE:
        return f"{float(value) * 100:.1f}%"
    return str(value)[:10] if column.endswith("date") or column == "deadline" else str(value)


def _live(store: Store, row: dict) -> set[tuple[str, str, int]]:
    live = set()
    for year in {int(f["year"]) for f in row["flags"]}:
        frame = qf.flag_set(store, year).frame
        active = frame[frame["state"] == "active"]
        live |= {(r, str(k), year) for r, k in zip(active["rule"], active["entity_key"])}
    return live


def _rule_title(f: dict, lang: str) -> str:
    rule = RULES_BY_ID.get(f["rule"])
    return (rule.title_cn if lang == "zh" else rule.title_en) if rule else (f.get("title") or f["rule"])


def detail_body(row: dict, live: set, lang: str) -> list:
    keep = "&lang=en" if lang == "en" else ""
    links = [html.Span(w("detail.letter", lang)),
             html.A(w("detail.letter_pdf", lang), href=letter_href(row["inquiry_id"], "pdf"), target="_blank",
                    rel="noopener", className="bw-voucher-link", id="inq-letter-pdf"),
             html.A(w("detail.letter_html", lang), href=letter_href(row["inquiry_id"], "html"), target="_blank",
                    rel="noopener", className="bw-voucher-link", id="inq-letter-html")]
    if row.get("parent"):
        links += [html.Span(w("detail.parent", lang)),
                  dcc.Link(row["parent"]["ref"], href=inquiry_href(row["parent"]["inquiry_id"], lang), className="bw-voucher-link")]
    if row.get("follow_ups"):
        links.append(html.Span(w("detail.follow_ups", lang)))
        links += [dcc.Link(f["ref"], href=inquiry_href(f["inquiry_id"], lang), className="bw-voucher-link bw-inq-follow")
                  for f in row["follow_ups"]]
    parts = [_facts(row, lang), html.Div(className="bw-links", children=links),
             html.H3(w("detail.questions", lang)), html.P(row["questions"], className="bw-inq-text"),
             html.H3(w("detail.flags", lang))]
    for f in row["flags"]:
        gone = (f["rule"], f["entity_key"], int(f["year"])) not in live
        parts.append(html.Div(className="bw-inq-flag", children=[
            html.Span(t(f"warn.sev.{f['severity']}", lang) if f.get("severity") in SEVERITY_CN else "—",
                      className=f"bw-tag bw-sev-{f.get('severity')}"),
            html.Strong(f" {_rule_title(f, lang)} "),
            dcc.Link(f"{f['entity_key']}（{f['year']}）", className="bw-detail",
                     href="/warnings" + build_search({"year": f["year"], "flag": f"{f['rule']}|{f['entity_key']}",
                                                      "lang": lang if lang != "zh" else None})),
            html.Span(f" · {w('detail.gone', lang)}", className="bw-tag is-stale") if gone else None,
            html.P(f.get("message") or "", className="bw-flag-message"),
        ]))
        table = _evidence_table(f.get("evidence") or {}, lang)
        if table is not None:
            parts.append(html.Div(className="bw-inq-evidence-wrap", children=table))
            total = int((f.get("evidence") or {}).get("total_rows") or 0)
            if total > EVIDENCE_SHOWN:
                parts.append(html.P(w("detail.more_rows", lang, n=total - EVIDENCE_SHOWN), className="bw-detail"))
    if row.get("answer_text"):
        parts += [html.H3(w("detail.answer", lang)), html.P(row["answer_text"], className="bw-inq-text")]
    if row.get("files"):
        parts.append(html.Div(className="bw-links", children=[html.Span(w("detail.files", lang))] + [
            html.A(f"{f['name']}（{f['size'] / 1024:.0f} KB，sha256 {f['sha256'][:12]}…）", href=f"/inquiries/file/{f['file_id']}",
                   className="bw-voucher-link", download=f["name"]) for f in row["files"]]))
    if row.get("close_note"):
        parts += [html.H3(w("detail.close_note", lang)), html.P(row["close_note"], className="bw-inq-text")]
    parts.append(html.H3(w("detail.timeline", lang)))
    parts.append(html.Ol(className="bw-inq-timeline", children=[
        html.Li(f"{e['at']} · {e['actor']} · {w('event.' + e['action'], lang) if 'event.' + e['action'] in _EVENTS else e['action']}")
        for e in row["events"]]))
    return [p for p in parts if p is not None]


_EVENTS = {"event.open", "event.send", "event.answer", "event.close"}


def update_detail(store: Store, selected, changed, search) -> dict:
    lang = lang_of(search)
    out = {"style": HIDDEN, "title": "", "body": [], "send": HIDDEN, "answer": HIDDEN, "close": HIDDEN}
    if not selected:
        return out
    out["style"] = {}
    try:
        row = qi.get(store, auth.user(), int(selected))
        live = _live(store, row)
    except qi.InquiryError:
        out["body"] = notice(w("detail.missing", lang), tone="is-error")
        return out
    except Exception:
        log.exception("inquiry detail failed")
        out["body"] = notice(t("error.unexpected", lang), tone="is-error")
        return out
    out["title"] = [f"{row['ref']} ", html.Span(_state_label(row["state"], lang), className="bw-tag is-ok")]
    out["body"] = detail_body(row, live, lang)
    user = auth.user()
    if user is not None and user.can("staff"):
        out.update(send={} if row["state"] == "draft" else HIDDEN, answer={} if row["state"] == "sent" else HIDDEN,
                   close={} if row["state"] == "answered" else HIDDEN)
    return out


# -- steps --------------------------------------------------------------------------------------
def _upload(contents: str | None, name: str | None) -> qi.Attachment | None:
    if not contents:
        return None
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error, ValueError):
        raise qi.InquiryError("附件无法读取 / the file could not be read") from None
    return qi.Attachment(name or "", data)


def act(store: Store, triggered, state: dict, changed: int | None, search) -> dict:
    """One step from the forms: open, send, answer or close. Returns the new ``changed``,
    ``selected``, ``opening`` and a sentence."""
    lang = lang_of(search)
    out = {"changed": dash.no_update, "selected": dash.no_update, "opening": dash.no_update, "result": None,
           "clear": dash.no_update, "open_as_of": dash.no_update}
    user = auth.user()
    if user is None or not user.can("staff"):
        out["result"] = notice(w("not_allowed", lang), tone="is-error")
        return out
    try:
        if triggered == I.OPEN_SUBMIT:
            flags = [qi.parse_flag_id(f) for f in state.get("opening") or []]
            row = qi.open_inquiry(store, user, flags, questions=state.get("questions") or "",
                                  dept_code=state.get("unit"), due_date=date_param(state.get("due")),
                                  as_of=date_param(state.get("open_as_of")))
            out.update(selected=row["inquiry_id"], opening=[], open_as_of=None, clear="")
            said = w("open.done", lang, ref=row["ref"])
        elif triggered == I.SEND:
            row = qi.send(store, user, state.get("selected"), sent_on=date_param(state.get("send_on")))
            said = w("done.send", lang, ref=row["ref"])
        elif triggered == I.ANSWER:
            row = qi.answer(store, user, state.get("selected"), text=state.get("answer") or "",
                            answered_on=date_param(state.get("answer_on")),
                            attachment=_upload(state.get("file"), state.get("file_name")))
            said = w("done.answer", lang, ref=row["ref"])
        elif triggered == I.CLOSE:
            row = qi.close(store, user, state.get("selected"), judgement=state.get("judgement") or "",
                           note=state.get("note") or "", follow_up=(state.get("follow_up") or "").strip() or None)
            said = w("done.close", lang, ref=row["ref"])
            if row.get("follow_up"):
                said += " " + w("done.follow_up", lang, ref=row["follow_up"]["ref"])
                out["selected"] = row["follow_up"]["inquiry_id"]
        else:
            return out
    except qi.InquiryError as exc:
        out["result"] = notice(w("failed", lang) + str(exc), tone="is-error")
        return out
    except Exception:
        log.exception("inquiry step failed")
        out["result"] = notice(t("error.unexpected", lang), tone="is-error")
        return out
    out.update(changed=(changed or 0) + 1, result=notice(said, tone="is-ok"))
    return out


def fetch_list(store: Store, query: dict, lang: str) -> Export:
    frame = qi.list_inquiries(store, auth.user(), state_=query.get("state") if query.get("state") in qi.STATES else None,
                              dept=query.get("dept") or None, overdue=True if query.get("overdue") == "1" else None)
    rows = list_rows(frame, lang, None)
    cols = list_columns(lang)
    out = pd.DataFrame([{c["headerName"]: r[c["field"]] for c in cols} for r in rows],
                       columns=[c["headerName"] for c in cols])
    return Export(out, w("title", lang), [(w(k, lang), v) for k, v in (("state", query.get("state")),
                                                                       ("dept", query.get("dept"))) if v])


def fetch_units(store: Store, query: dict, lang: str) -> Export:
    units = qi.by_unit(qi.list_inquiries(store, auth.user()))
    cols = unit_columns(lang)
    rows = unit_rows(units)
    return Export(pd.DataFrame([{c["headerName"]: r[c["field"]] for c in cols} for r in rows],
                               columns=[c["headerName"] for c in cols]), w("units", lang))


# -- wiring ---------------------------------------------------------------------------------------
def register(app: dash.Dash, store: Store) -> None:
    @app.callback(
        output={"message": Output(I.MESSAGE, "children"), "cards": Output(I.CARDS, "children"),
                "note": Output(I.LIST_NOTE, "children"), "rows": Output(ids.table(I.LIST), "rowData"),
                "columns": Output(ids.table(I.LIST), "columnDefs"),
                "unit_rows": Output(ids.table(I.BY_UNIT), "rowData"),
                "unit_columns": Output(ids.table(I.BY_UNIT), "columnDefs"),
                "figure": Output(ids.graph(I.BY_UNIT_GRAPH), "figure"),
                "config": Output(ids.graph(I.BY_UNIT_GRAPH), "config"),
                "dept_options": Output(I.DEPT, "options"), "view": Output(ids.view(VIEW), "data")},
        inputs={"state": Input(I.STATE, "value"), "dept": Input(I.DEPT, "value"), "overdue": Input(I.OVERDUE, "value"),
                "selected": Input(I.SELECTED, "data"), "flags": Input(I.OPENING, "data"),
                "changed": Input(I.CHANGED, "data")},
        state={"search": State(ids.Frame.URL, "search"), "as_of": State(I.OPEN_AS_OF, "data")},
    )
    def _list(state, dept, overdue, selected, flags, changed, search, as_of):
        return update_list(store, state, dept, overdue, selected, flags, changed, search, as_of)

    @app.callback(Output(I.SELECTED, "data", allow_duplicate=True),
                  Input(ids.table(I.LIST), "cellClicked"), Input(I.CLOSE_DETAIL, "n_clicks"),
                  prevent_initial_call=True)
    def _select(cell, _n):
        return select(ctx.triggered_id, cell)

    @app.callback(
        output={"style": Output(I.OPEN_FORM, "style"), "flags": Output(I.OPEN_FLAGS, "children"),
                "unit_options": Output(I.OPEN_UNIT, "options"), "unit": Output(I.OPEN_UNIT, "value"),
                "due": Output(I.OPEN_DUE, "date")},
        inputs={"flags": Input(I.OPENING, "data")},
        state={"search": State(ids.Frame.URL, "search"), "as_of": State(I.OPEN_AS_OF, "data")})
    def _open_form(flags, search, as_of):
        return update_open_form(store, flags, search, as_of)

    @app.callback(
        output={"style": Output(I.DETAIL, "style"), "title": Output(I.DETAIL_TITLE, "children"),
                "body": Output(I.DETAIL_BODY, "children"), "send": Output(I.SEND_FORM, "style"),
                "answer": Output(I.ANSWER_FORM, "style"), "close": Output(I.CLOSE_FORM, "style")},
        inputs={"selected": Input(I.SELECTED, "data"), "changed": Input(I.CHANGED, "data")},
        state={"search": State(ids.Frame.URL, "search")})
    def _detail(selected, changed, search):
        return update_detail(store, selected, changed, search)

    @app.callback(Output(I.ANSWER_FILE_NAME, "children"), Input(I.ANSWER_FILE, "filename"), prevent_initial_call=True)
    def _file_name(name):
        return name or ""

    @app.callback(
        output={"changed": Output(I.CHANGED, "data"), "selected": Output(I.SELECTED, "data"),
                "opening": Output(I.OPENING, "data"), "result": Output(I.RESULT, "children"),
                "open_as_of": Output(I.OPEN_AS_OF, "data"),
                "clear": Output(I.OPEN_QUESTIONS, "value")},
        inputs={"open_n": Input(I.OPEN_SUBMIT, "n_clicks"), "send_n": Input(I.SEND, "n_clicks"),
                "answer_n": Input(I.ANSWER, "n_clicks"), "close_n": Input(I.CLOSE, "n_clicks")},
        state={"opening": State(I.OPENING, "data"), "open_as_of": State(I.OPEN_AS_OF, "data"),
               "questions": State(I.OPEN_QUESTIONS, "value"),
               "unit": State(I.OPEN_UNIT, "value"), "due": State(I.OPEN_DUE, "date"),
               "selected": State(I.SELECTED, "data"), "send_on": State(I.SEND_ON, "date"),
               "answer": State(I.ANSWER_TEXT, "value"), "answer_on": State(I.ANSWER_ON, "date"),
               "file": State(I.ANSWER_FILE, "contents"), "file_name": State(I.ANSWER_FILE, "filename"),
               "judgement": State(I.JUDGEMENT, "value"), "note": State(I.CLOSE_NOTE, "value"),
               "follow_up": State(I.FOLLOW_UP, "value"), "changed": State(I.CHANGED, "data"),
               "search": State(ids.Frame.URL, "search")},
        prevent_initial_call=True)
    def _act(open_n, send_n, answer_n, close_n, **state):
        changed, search = state.pop("changed"), state.pop("search")
        return act(store, ctx.triggered_id, state, changed, search)

    register_export(app, store, I.LIST, fetch_list)
    register_export(app, store, I.BY_UNIT, fetch_units)
    _routes(app, store)
    from budgetwatch.dashboard.pages.inquiries.notice import register as register_notice
    register_notice(app, store)          # the header's "new since your last visit"


def _routes(app: dash.Dash, store: Store) -> None:
    import flask

    def _user_name() -> str:
        return auth.current_user() or "anonymous"

    def letter_view(inquiry_id: int, fmt_: str):
        if fmt_ not in ("pdf", "html"):
            flask.abort(404)
        try:
            row = qi.get(store, auth.user(), inquiry_id)
            data = letter.build(row, fmt_, live=_live(store, row))
        except qi.InquiryError as exc:
            return flask.Response(str(exc), status=404, mimetype="text/plain; charset=utf-8")
        except Exception:
            log.exception("inquiry letter failed")
            return flask.Response("生成询问函失败 / the letter could not be made", status=500,
                                  mimetype="text/plain; charset=utf-8")
        accounts.log_event(store.data_dir, _user_name(), "export", "inquiry.letter", {"ref": row["ref"], "format": fmt_},
                           ip=flask.request.remote_addr or "")
        name = letter.file_name(row, fmt_)
        return flask.Response(data, mimetype="application/pdf" if fmt_ == "pdf" else "text/html; charset=utf-8",
                              headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}",
                                       "Cache-Control": "no-store",
                                       "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:"})

    def file_view(file_id: int):
        try:
            meta, data = qi.read_file(store, auth.user(), file_id)
        except (qi.InquiryError, OSError) as exc:
            return flask.Response(str(exc), status=404, mimetype="text/plain; charset=utf-8")
        accounts.log_event(store.data_dir, _user_name(), "export", "inquiry.file",
                           {"file_id": file_id, "sha256": meta["sha256"]}, ip=flask.request.remote_addr or "")
        return flask.Response(data, mimetype=qi.KIND_MIME.get(meta["kind"], "application/octet-stream"),
                              headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(meta['name'])}",
                                       "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'",
                                       "X-Content-Type-Options": "nosniff"})

    app.server.add_url_rule(LETTER_ROUTE, "bw_inquiry_letter", letter_view)
    app.server.add_url_rule(FILE_ROUTE, "bw_inquiry_file", file_view)
