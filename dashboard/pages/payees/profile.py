"""What the payee profile shows for a URL query, as plain functions (the callback and the
downloads call them; tests too).

The view: ``name`` (the payee as the payments feed spells it), optionally ``year`` and
``as_of`` (payments of that year from 1 January to the as-of date — the execution page's
period, with the same default as-of date); without a year, every year held.
"""
from __future__ import annotations

import logging

import pandas as pd
from dash import dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import links
from budgetwatch.dashboard.components import card, failure, notice
from budgetwatch.dashboard.figures import payees as figs
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.tables import Export
from budgetwatch.dashboard.urls import build_search, date_param, int_param
from budgetwatch.queries import page_cache
from budgetwatch.queries import payee as qp
from budgetwatch.queries import reference
from budgetwatch.queries import search as qs
from budgetwatch.queries.overview import resolve_period

log = logging.getLogger("budgetwatch.dashboard")
PATH = links.PAYEE_PATH
STATE_KEYS = ("name", "year", "as_of")
FLAG_YEARS = 2          # flags are looked at in the payee's latest years (or the chosen one)


def state_of(query: dict) -> dict:
    return {k: str(query[k]) for k in STATE_KEYS if query.get(k) not in (None, "")}


def link(name: str, lang: str, **params) -> str:
    return PATH + build_search({"name": name, **params, "lang": lang if lang != "zh" else None})


def voucher_href(no: str, lang: str) -> str:
    return links.voucher_href(no, lang)


def period_of(con, state: dict) -> qp.Period:
    """All years, or the chosen year up to its as-of date (the execution page's default)."""
    year = int_param(state.get("year"))
    if year is None:
        return qp.Period()
    resolved = resolve_period(con, year, date_param(state.get("as_of")))
    if resolved is None or resolved.year != year:
        return qp.Period()
    return qp.Period(year, resolved.as_of)


def load(store, state: dict) -> dict | None:
    """Every frame the profile shows; None without a name. One scan of payments (``prepare``),
    once per generation, reader scope and view for everyone asking (``page_cache``)."""
    name = state.get("name")
    if not name:
        return None
    return page_cache.cached(store, "payee.profile",
                             (str(name), state.get("year") or None, state.get("as_of") or None),
                             lambda con: _load(store, con, state, name))


def _load(store, con, state: dict, name: str) -> dict:
    from budgetwatch.queries.overview import available_years

    period = period_of(con, state)
    years = [period.year] if period.year else available_years(con)[:FLAG_YEARS]
    qp.prepare(con, name)
    data = {
        "name": name, "period": period,
        "totals": qp.totals(con, name, period),
        "years": qp.by_year(con, name),
        "monthly": qp.monthly(con, name, period),
        "units": qp.by_unit(con, name, period),
        "econ": qp.by_econ(con, name, period),
        "largest": qp.largest(con, name, period),
        "similar": qs.same_payee_names(con, name),
    }
    mine = qp.voucher_numbers(con, name)
    flag_frames = flag_sets(store, period, years) if mine else {}
    parts = [qp.flags_involving(frame, name, mine).assign(flag_year=year) for year, frame in flag_frames.items()]
    parts = [p for p in parts if len(p)]
    data["flags"] = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return data


def flag_sets(store, period: qp.Period, years: list[int]) -> dict[int, pd.DataFrame]:
    """The active flags of the looked-at years (made at load for the default view, else cached)."""
    from budgetwatch.queries.flags import computed_flags
    from budgetwatch.queries.rules.config import load_thresholds

    thresholds = load_thresholds(store.data_dir)
    as_of = period.as_of.isoformat() if period.year and period.as_of else None
    return {int(y): computed_flags(store, int(y), as_of, thresholds=thresholds)[0] for y in years}


# -- pieces -------------------------------------------------------------------------------------
def period_label(period: qp.Period, lang: str) -> str:
    if period.year is None:
        return t("payee.all_years", lang)
    return t("payee.period", lang, year=period.year, date=fmt.date(period.as_of, lang))


def headline(data: dict, lang: str) -> list:
    tot = data["totals"]
    first = "—" if tot["first"] is None else f"{tot['first']:%Y-%m-%d}"
    last = "" if tot["last"] is None else t("payee.last", lang, date=f"{tot['last']:%Y-%m-%d}")
    return [
        card(t("payee.total", lang), fmt.money(tot["amount"], lang), period_label(data["period"], lang)),
        card(t("payee.payments", lang), f"{tot['payments']:,}", t("payee.payments_word", lang)),
        card(t("payee.units", lang), f"{tot['units']:,}", t("payee.units_note", lang)),
        card(t("payee.span", lang), first, last),
    ]


def similar(data: dict, lang: str) -> list:
    frame = data["similar"]
    if frame.empty:
        return []
    items = []
    for r in frame.itertuples():
        items.append(html.Li([dcc.Link(r.name, href=link(r.name, lang)), " ",
                              html.Span(t("search.paid", lang, amount=fmt.money(r.amount, lang), n=f"{int(r.payments):,}"),
                                        className="bw-muted")]))
    return [notice([t("payee.similar", lang)]), html.Ul(items, className="bw-similar")]


_PCT = "params.value == null ? '—' : d3.format('.2%')(params.value)"
_NUM = ("params.value == null ? '—' : Number(params.value).toLocaleString('en-US', "
        "{minimumFractionDigits: 2, maximumFractionDigits: 2})")


def _money_col(field: str, header: str, unit: fmt.MoneyUnit, lang: str) -> dict:
    return {"field": field, "headerName": fmt.axis_title(header, unit.label(lang), lang), "type": "rightAligned",
            "valueFormatter": {"function": _NUM}, "filter": "agNumberColumnFilter", "minWidth": 130}


def unit_table(frame: pd.DataFrame, lang: str) -> tuple[list, list]:
    unit = fmt.money_unit(list(frame["amount"]) if len(frame) else [0])
    cols = [
        {"field": "top_name", "headerName": t("payee.col.dept", lang), "minWidth": 150},
        {"field": "unit", "headerName": t("payee.col.unit", lang), "minWidth": 170,
         "cellRenderer": "BwLink", "cellRendererParams": {"hrefField": "unit_href"}},
        _money_col("amount", t("payee.col.amount", lang), unit, lang),
        {"field": "payments", "headerName": t("payee.col.payments", lang), "type": "rightAligned", "minWidth": 90},
        {"field": "unit_share", "headerName": t("payee.col.unit_share", lang), "type": "rightAligned",
         "valueFormatter": {"function": _PCT}, "minWidth": 120},
        {"field": "dept_share", "headerName": t("payee.col.dept_share", lang), "type": "rightAligned",
         "valueFormatter": {"function": _PCT}, "minWidth": 120},
    ]
    rows = [{"top_name": r.top_name, "unit": r.unit, "dept_code": r.dept_code,
             "unit_href": "/execution" + build_search({"by": "dept", "path": ".".join(dict.fromkeys([r.top_code, r.dept_code])),
                                                       "vouchers": "1", "lang": lang if lang != "zh" else None}),
             "amount": round(r.amount / unit.divisor, 2), "payments": int(r.payments),
             "unit_share": None if pd.isna(r.unit_share) else float(r.unit_share),
             "dept_share": None if pd.isna(r.dept_share) else float(r.dept_share)} for r in frame.itertuples()]
    return cols, rows


def econ_table(frame: pd.DataFrame, lang: str) -> tuple[list, list]:
    unit = fmt.money_unit(list(frame["amount"]) if len(frame) else [0])
    total = float(frame["amount"].sum()) if len(frame) else 0.0
    cols = [{"field": "code", "headerName": t("exec.col.code", lang), "maxWidth": 110},
            {"field": "name", "headerName": t("exec.col.name", lang), "minWidth": 160},
            _money_col("amount", t("payee.col.amount", lang), unit, lang),
            {"field": "payments", "headerName": t("payee.col.payments", lang), "type": "rightAligned"},
            {"field": "share", "headerName": t("payee.col.share", lang), "type": "rightAligned",
             "valueFormatter": {"function": _PCT}}]
    rows = [{"code": r.code, "name": r.name, "amount": round(r.amount / unit.divisor, 2), "payments": int(r.payments),
             "share": r.amount / total if total else None} for r in frame.itertuples()]
    return cols, rows


def voucher_table(frame: pd.DataFrame, lang: str) -> tuple[list, list]:
    cols = [{"field": "voucher_no", "headerName": t("exec.vcol.voucher_no", lang), "minWidth": 150,
             "cellRenderer": "BwLink", "cellRendererParams": {"hrefField": "href"}},
            {"field": "pay_date", "headerName": t("exec.vcol.pay_date", lang), "minWidth": 110},
            {"field": "unit", "headerName": t("exec.vcol.unit", lang), "minWidth": 150},
            {"field": "econ", "headerName": t("exec.vcol.econ", lang), "minWidth": 130},
            {"field": "amount", "headerName": t("exec.vcol.amount", lang),
             "type": "rightAligned", "valueFormatter": {"function": _NUM}, "minWidth": 130},
            {"field": "purpose", "headerName": t("exec.vcol.purpose", lang), "minWidth": 140}]
    rows = [{"voucher_no": r.voucher_no, "href": voucher_href(r.voucher_no, lang),
             "pay_date": pd.Timestamp(r.pay_date).date().isoformat(), "unit": r.unit,
             "econ": reference.label(r.econ_code, "econ"), "amount": float(r.amount),
             "purpose": None if pd.isna(r.purpose) else r.purpose} for r in frame.itertuples()]
    return cols, rows


def flag_table(frame: pd.DataFrame, lang: str) -> tuple[list, list]:
    from budgetwatch.queries.rules import RULES_BY_ID

    cols = [{"field": "severity", "headerName": t("payee.col.severity", lang), "maxWidth": 110},
            {"field": "title", "headerName": t("payee.col.rule", lang), "minWidth": 160,
             "cellRenderer": "BwLink", "cellRendererParams": {"hrefField": "href"}},
            {"field": "year", "headerName": t("exec.f.year", lang), "maxWidth": 90},
            {"field": "message", "headerName": t("payee.col.message", lang), "minWidth": 300, "wrapText": True,
             "autoHeight": True}]
    rows = []
    for r in (fmt.flags_in(frame, lang).itertuples() if len(frame) else []):
        rule = RULES_BY_ID.get(r.rule)
        title = (rule.title_cn if lang == "zh" else rule.title_en) if rule else r.rule
        href = "/warnings" + build_search({"year": int(r.flag_year), "as_of": r.as_of if isinstance(r.as_of, str) else None,
                                           "flag": f"{r.rule}|{r.entity_key}", "lang": lang if lang != "zh" else None})
        rows.append({"severity": t(f"warn.sev.{r.severity}", lang), "title": title, "href": href,
                     "year": int(r.flag_year), "message": r.message})
    return cols, rows


# -- downloads ------------------------------------------------------------------------------------
def _export_filters(data: dict, lang: str) -> list[tuple[str, str]]:
    return [(t("payee.col.payee", lang), data["name"]), (t("exec.f.year", lang), period_label(data["period"], lang))]


def _as_of(data: dict) -> str | None:
    p = data["period"]
    return p.as_of.isoformat() if p.year and p.as_of else None


def fetch_units(store, query: dict, lang: str) -> Export:
    data = load(store, state_of(query))
    if data is None:
        return Export(pd.DataFrame(), t("payee.title", lang))
    f = data["units"]
    out = pd.DataFrame({t("payee.col.dept", lang): f["top_name"], t("exec.vcol.dept_code", lang): f["dept_code"],
                        t("payee.col.unit", lang): f["unit"], t("payee.col.amount", lang) + "（元）": f["amount"],
                        t("payee.col.payments", lang): f["payments"],
                        t("payee.col.unit_share", lang) + "（%）": (f["unit_share"] * 100).round(3),
                        t("payee.col.dept_share", lang) + "（%）": (f["dept_share"] * 100).round(3)})
    return Export(out, t("payee.export.units", lang, name=data["name"]), _export_filters(data, lang), _as_of(data))


def fetch_econ(store, query: dict, lang: str) -> Export:
    data = load(store, state_of(query))
    if data is None:
        return Export(pd.DataFrame(), t("payee.title", lang))
    f = data["econ"]
    out = pd.DataFrame({t("exec.col.code", lang): f["code"], t("exec.col.name", lang): f["name"],
                        t("payee.col.amount", lang) + "（元）": f["amount"], t("payee.col.payments", lang): f["payments"]})
    return Export(out, t("payee.export.econ", lang, name=data["name"]), _export_filters(data, lang), _as_of(data))


def fetch_vouchers(store, query: dict, lang: str) -> Export:
    state = state_of(query)
    name = state.get("name")
    if not name:
        return Export(pd.DataFrame(), t("payee.title", lang))
    with store.reader() as con:
        period = period_of(con, state)
        f = qp.vouchers(con, name, period)
    out = pd.DataFrame({t("exec.vcol.voucher_no", lang): f["voucher_no"],
                        t("exec.vcol.pay_date", lang): pd.to_datetime(f["pay_date"]).dt.strftime("%Y-%m-%d"),
                        t("exec.vcol.dept_code", lang): f["dept_code"], t("exec.vcol.unit", lang): f["unit"],
                        t("exec.vcol.func", lang): [reference.label(c, "func") for c in f["func_code"]],
                        t("exec.vcol.econ", lang): [reference.label(c, "econ") for c in f["econ_code"]],
                        t("exec.vcol.fund_type", lang): f["fund_type"],
                        t("exec.vcol.amount", lang): f["amount"], t("exec.vcol.purpose", lang): f["purpose"]})
    data = {"name": name, "period": period}
    return Export(out, t("payee.export.vouchers", lang, name=name), _export_filters(data, lang), _as_of(data))


def fetch_flags(store, query: dict, lang: str) -> Export:
    data = load(store, state_of(query))
    if data is None:
        return Export(pd.DataFrame(), t("payee.title", lang))
    cols, rows = flag_table(data["flags"], lang)
    out = pd.DataFrame(rows, columns=["severity", "title", "year", "message"]).rename(
        columns={c["field"]: c["headerName"] for c in cols})
    return Export(out, t("payee.export.flags", lang, name=data["name"]), _export_filters(data, lang), _as_of(data))


def view_of(data: dict, lang: str) -> dict:
    """The outputs for a loaded profile (everything but the failure path)."""
    fig_years = figs.years_figure(data["years"], name=data["name"], lang=lang)
    fig_monthly = figs.monthly_figure(data["monthly"], name=data["name"], lang=lang)
    units = unit_table(data["units"], lang)
    econ = econ_table(data["econ"], lang)
    largest = voucher_table(data["largest"], lang)
    flagged = flag_table(data["flags"], lang)
    return {"headline": headline(data, lang), "similar": similar(data, lang),
            "fig_years": fig_years, "fig_monthly": fig_monthly,
            "units": units, "econ": econ, "largest": largest, "flags": flagged}


def draw(store, state: dict, lang: str) -> dict:
    """Everything the page shows, or a sentence when it cannot."""
    try:
        data = load(store, state)
    except Exception as exc:
        return {"error": failure(exc, lang, "payees")}
    if data is None:
        return {"error": notice(t("payee.no_name", lang))}
    if data["totals"]["payments"] == 0 and data["period"].year is None:
        return {"error": notice(t("payee.unknown", lang, name=data["name"])), "data": data}
    return {"data": data, **view_of(data, lang)}
