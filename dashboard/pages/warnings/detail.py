"""One flag: its message, evidence (chart and table), links onwards, review history, downloads.
"""
from __future__ import annotations


import dash
import pandas as pd
from dash import dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.components import failure, notice
from budgetwatch.dashboard.figures import warnings as figs
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.dashboard.inquiry_links import flag_inquiry_links
from budgetwatch.dashboard.links import link_voucher_cells
from budgetwatch.dashboard.tables import Export
from budgetwatch.dashboard.urls import date_param, int_param, lang_of
from budgetwatch.queries import flags as qf
from budgetwatch.queries.store import Store

from budgetwatch.dashboard.pages.warnings.words import MAX_LINKS, _text, entity_label, parse_flag, rule_title, severity_label, status_label, unit_name
from budgetwatch.dashboard.pages.warnings.layout import history_columns


def find_flag(fs: qf.FlagSet, rule: str, key: str) -> dict | None:
    return qf.find(fs, rule, key)


_EVIDENCE_COLUMNS = {
    "vouchers": ("voucher_no", "pay_date", "dept_name", "payee", "amount", "func_code", "econ_code", "fund_type", "purpose"),
    "budget_line": ("voucher_no", "pay_date", "payee", "amount", "func_code", "econ_code", "purpose"),
    "enterprise": ("year", "enterprise_name", "total_assets", "total_liabilities", "owner_equity", "revenue", "profit",
                   "debt_ratio"),
    "findings": ("finding_id", "audit_year", "audit_project", "dept_name", "category", "description", "amount_involved",
                 "deadline", "status", "amount_rectified", "rectified_date"),
    "assets": ("asset_category", "quantity", "book_value", "idle_value", "idle_share"),
    "sangong": ("econ_code", "previous", "current"),
    "monthly": ("month", "spent", "n"),
    "first_digit": ("digit", "n", "observed", "expected"),
    "suggestions": ("suggestion_no", "title", "dept_name", "role", "assigned_date", "deadline_date", "replied_date",
                    "reply_class", "promised_date", "satisfaction", "rating_source", "rated_date",
                    "second_reply_date", "closed_date"),
}
_MONEY = {"amount", "total_assets", "total_liabilities", "owner_equity", "revenue", "profit", "amount_involved",
          "amount_rectified", "book_value", "idle_value", "previous", "current", "spent"}
_SHARE = {"debt_ratio", "idle_share", "observed", "expected"}


_CLOSED = {"fund_type": "fund", "status": "status"}


def evidence_frame(ev: qf.Evidence, lang: str) -> pd.DataFrame:
    """The evidence as a person reads it: money in 万元, shares in %, headers in the language."""
    cols = [c for c in _EVIDENCE_COLUMNS.get(ev.kind, ()) if c in ev.frame.columns]
    out = pd.DataFrame(index=ev.frame.index)
    for c in cols:
        s = ev.frame[c]
        if c in _MONEY:
            out[fmt.axis_title(t(f"ev.{c}", lang), t("unit.wan", lang), lang)] = [fmt.cell(v) for v in s]
        elif c in _SHARE:
            out[fmt.axis_title(t(f"ev.{c}", lang), "%", lang)] = (pd.to_numeric(s) * 100).round(1)
        elif c in _CLOSED:      # closed lists in the reader's language
            out[t(f"ev.{c}", lang)] = [None if fmt.missing(v) else data_label(_CLOSED[c], str(v), lang) for v in s]
        else:
            out[t(f"ev.{c}", lang)] = [None if fmt.missing(v) else str(v)[:10] if c.endswith("date") or c == "deadline"
                                       else v for v in s]
    return out


def grid_columns(frame: pd.DataFrame) -> list[dict]:
    number = {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}
    defs = []
    for c in frame.columns:
        d = {"field": c, "headerName": c}
        if pd.api.types.is_float_dtype(frame[c]):
            d.update(type="rightAligned", valueFormatter=number, filter="agNumberColumnFilter")
        defs.append(d)
    return defs


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if fmt.missing(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


def update_detail(store: Store, flag: str | None, year, as_of, search) -> dict:
    """The selected flag: message, entity, evidence (chart and/or table), links, history."""
    lang = lang_of(search)
    hidden = {"display": "none"}
    out = {"style": hidden, "title": "", "body": [], "graph_style": hidden, "figure": dash.no_update,
           "graph_config": dash.no_update, "table_style": hidden, "table_rows": [], "table_columns": [],
           "links": [], "history_rows": [], "history_columns": history_columns(lang), "form_style": {},
           "result": None, "status": None, "scroll": dash.no_update}
    picked = parse_flag(flag)
    if picked is None or year is None:
        return out
    rule, key = picked
    out.update(style={}, title=f"{rule_title(rule, lang)} · {key}", scroll=flag)
    try:
        fs = qf.flag_set(store, int(year), date_param(as_of))
        row = find_flag(fs, rule, key)
        history = qf.flag_history(store, rule, key, int(year), fs=fs)
        out["history_rows"] = history_rows(history, lang)
        if row is None:
            out["body"] = notice(t("warn.detail.gone", lang, year=year))
            out["form_style"] = hidden if history.empty else {}
            return out
        with store.reader() as con:
            ev = qf.evidence(con, row)
    except Exception as exc:    # a failed query or rule, anything else: a sentence, never a traceback
        out["body"] = failure(exc, lang, "flag detail")
        return out

    names = {}
    with store.reader() as con:
        names = qf.unit_ancestors(con)[1]
    out["body"] = detail_body(row, names, lang)
    if row.get("state") == "resolved":
        out["body"] = [notice(t("warn.detail.gone", lang, year=year)), *out["body"]]
    frame = evidence_frame(ev, lang)
    if ev.kind in ("monthly", "budget_line", "first_digit"):
        out["graph_style"] = {}
        out["figure"] = evidence_figure(ev, row, names, lang)
        out["graph_config"] = image_config(image_filename("warnings", f"{rule.lower()}_{_safe(key)}", int(year)))
    if ev.kind not in ("none", "monthly", "first_digit") and not frame.empty:
        out.update(table_style={}, table_rows=_records(frame), table_columns=grid_columns(frame))
        link_voucher_cells(   # each voucher opens its detail
            out["table_rows"], out["table_columns"], t("ev.voucher_no", lang), lang)
    if row.get("entity_type") == "project":     # the project page shows its reports, money and vouchers
        out["links"] = project_link(row["entity_key"], int(year), as_of, lang)
    elif ev.kind == "none":
        out["links"] = html.P(t("warn.detail.no_evidence", lang), className="bw-detail")
    elif ev.vouchers and ev.kind == "vouchers":
        out["links"] = voucher_links(ev.vouchers, int(year), lang)
    elif ev.kind == "suggestions":
        keep = "&lang=en" if lang == "en" else ""
        out["links"] = [html.Span(t("warn.detail.links", lang)), *[
            dcc.Link(no, href=f"/suggestions?year={year}&as_of={(as_of or '')[:10]}&suggestion={no}{keep}",
                     className="bw-voucher-link") for no in ev.extra.get("suggestions", [])[:20]]]
    links = out["links"] if isinstance(out["links"], list) else [out["links"]]
    out["links"] = [*links, *flag_inquiry_links(store, rule, key, int(year), lang, date_param(as_of))]   # 询问督办
    return out


def _safe(key: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in key)[:40]


def detail_body(row: dict, names: dict[str, str], lang: str) -> list:
    sev = row.get("severity")
    facts = [
        (t("warn.col.severity", lang), html.Span(severity_label(sev, lang), className=f"bw-tag bw-sev-{sev}")),
        (t("warn.col.entity", lang), f"{entity_label(row.get('entity_type'), lang)} {row['entity_key']}"),
        (t("warn.col.unit", lang), f"{unit_name(row.get('dept_code'), names)}"
                                   + ((f"（{row['dept_code']}）" if lang == "zh" else f" ({row['dept_code']})")
                                      if isinstance(row.get("dept_code"), str) else "")),
        (t("warn.col.amount", lang), fmt.money(row.get("amount"), lang)),
        (t("warn.col.status", lang), status_label(row, lang)),
        (t("overview.as_of", lang), fmt.date(row.get("as_of"), lang) if isinstance(row.get("as_of"), str) else "—"),
    ]
    return [
        html.P(fmt.flag_message(row, lang), className="bw-flag-message"),
        html.Dl(className="bw-facts", children=[x for k, v in facts for x in (html.Dt(k), html.Dd(v))]),
    ]


def evidence_figure(ev: qf.Evidence, row: dict, names: dict[str, str], lang: str):
    name = unit_name(ev.extra.get("dept_code") or row.get("dept_code"), names)
    if ev.kind == "monthly":
        if ev.extra.get("rollup"):
            name = t("warn.fig.rollup", lang, name=name)
        return figs.monthly_figure(ev.frame, name=name, year=ev.extra["year"], lang=lang,
                                   highlight_december=row["rule"] == "YEAR_END_RUSH")
    if ev.kind == "budget_line":
        return figs.budget_line_figure(ev.extra["budget"], ev.extra["spent"], lang=lang)
    return figs.first_digit_figure(ev.frame, name=name, lang=lang)


def project_link(code: str, year: int, as_of, lang: str) -> list:
    from urllib.parse import urlencode
    query = {"year": year, "as_of": str(as_of)[:10] if as_of else None, "project": code,
             "lang": "en" if lang == "en" else None}
    href = "/projects?" + urlencode({k: v for k, v in query.items() if v})
    return [html.Span(t("warn.detail.links", lang)), dcc.Link(t("proj.open", lang, code=code), href=href,
                                                              className="bw-voucher-link")]


def voucher_links(vouchers: list[str], year: int, lang: str) -> list:
    keep = "&lang=en" if lang == "en" else ""
    links = [dcc.Link(v, href=f"/execution?year={year}&voucher={v}{keep}", className="bw-voucher-link")
             for v in vouchers[:MAX_LINKS]]
    more = [html.Span(t("warn.detail.more", lang, n=len(vouchers) - MAX_LINKS))] if len(vouchers) > MAX_LINKS else []
    return [html.Span(t("warn.detail.links", lang)), *links, *more]


def history_rows(history: pd.DataFrame, lang: str) -> list[dict]:
    rows = []
    for r in history.sort_values("review_id", ascending=False).to_dict("records") if not history.empty else []:
        rows.append({"reviewed_at": str(r["reviewed_at"])[:19].replace("T", " "),
                     "status": t(f"warn.status.{r['status']}", lang), "reviewer": r["reviewer"],
                     "note": r.get("note") or ""})
    return rows


def fetch_evidence(store: Store, query: dict, lang: str) -> Export:
    picked = parse_flag(query.get("flag"))
    year = int_param(query.get("year"))
    if picked is None or year is None:
        return Export(pd.DataFrame(), t("warn.export.evidence", lang, flag="—"))
    fs = qf.flag_set(store, year, date_param(query.get("as_of")))
    row = find_flag(fs, *picked)
    frame = pd.DataFrame()
    if row is not None:
        with store.reader() as con:
            frame = evidence_frame(qf.evidence(con, row), lang)
    return Export(frame, t("warn.export.evidence", lang, flag=query.get("flag")),
                  [(t("warn.col.message", lang), fmt.flag_message(row or {}, lang) or "—")], query.get("as_of"))


def fetch_history(store: Store, query: dict, lang: str) -> Export:
    picked = parse_flag(query.get("flag"))
    year = int_param(query.get("year"))
    if picked is None or year is None:
        return Export(pd.DataFrame(), t("warn.history", lang))
    rows = history_rows(qf.flag_history(store, picked[0], picked[1], year, date_param(query.get("as_of"))), lang)
    frame = pd.DataFrame(rows, columns=["reviewed_at", "status", "reviewer", "note"]).rename(
        columns={c["field"]: c["headerName"] for c in history_columns(lang)})
    return Export(frame, f"{t('warn.history', lang)} {query.get('flag')}")
