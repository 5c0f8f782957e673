"""What the voucher detail shows for a voucher number, as plain functions (callback, downloads, tests)."""
from __future__ import annotations

import pandas as pd
from dash import dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import links
from budgetwatch.dashboard.components import card, failure, notice
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.tables import Export
from budgetwatch.dashboard.urls import build_search
from budgetwatch.queries import reference
from budgetwatch.queries import voucher as qv

PATH = links.VOUCHER_PATH
_NUM = ("params.value == null ? '—' : Number(params.value).toLocaleString('en-US', "
        "{minimumFractionDigits: 2, maximumFractionDigits: 2})")


def _lang(lang: str) -> dict:
    return {"lang": lang if lang != "zh" else None}


def href(no: str, lang: str) -> str:
    return links.voucher_href(no, lang)


def payee_href(name: str, lang: str) -> str:
    return links.payee_href(name, lang)


def load(store, no: str | None) -> dict | None:
    if not no:
        return None
    from budgetwatch.queries.flags import computed_flags
    from budgetwatch.queries.rules.config import load_thresholds

    with store.reader() as con:
        found = qv.rows(con, no)
        if found.empty:
            return {"no": no, "rows": found}
        first = found.iloc[0]
        data = {"no": no, "rows": found, "line": qv.budget_line(con, first),
                "nearby": qv.nearby(con, no, first["payee"], first["pay_date"])}
    year = pd.Timestamp(first["pay_date"]).year
    flags, _, _ = computed_flags(store, int(year), None, thresholds=load_thresholds(store.data_dir))
    data["flags"] = qv.flags_of(flags, no)
    data["year"] = int(year)
    return data


def _field(label: str, value) -> list:
    shown = "—" if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else value
    return [html.Dt(label), html.Dd(shown)]


def fields(row, lang: str) -> html.Dl:
    """Every field of one payment row, then where it came from, then the file's extra columns."""
    keep = _lang(lang)
    items = []
    items += _field(t("exec.vcol.voucher_no", lang), row["voucher_no"])
    items += _field(t("exec.vcol.pay_date", lang), pd.Timestamp(row["pay_date"]).date().isoformat())
    items += _field(t("exec.vcol.payee", lang), dcc.Link(row["payee"], href=payee_href(row["payee"], lang)))
    items += _field(t("voucher.account", lang), row["payee_account"])
    items += _field(t("exec.vcol.amount", lang), (f"{row['amount']:,.2f} 元" if lang == "zh" else f"CNY {row['amount']:,.2f}"))
    items += _field(t("exec.vcol.purpose", lang), row["purpose"])
    items += _field(t("voucher.dept", lang), dcc.Link(f"{row['top_name']}（{row['top_code']}）", href="/execution" + build_search(
        {"by": "dept", "path": row["top_code"], **keep})))
    unit_path = ".".join(dict.fromkeys([row["top_code"], row["dept_code"]]))
    items += _field(t("exec.vcol.unit", lang), dcc.Link(f"{row['unit']}（{row['dept_code']}）", href="/execution" + build_search(
        {"by": "dept", "path": unit_path, "vouchers": "1", **keep})))
    func_path = ".".join(row["func_code"][:n] for n in (3, 5, 7) if len(row["func_code"]) >= n)
    items += _field(t("exec.vcol.func", lang), dcc.Link(reference.label(row["func_code"], "func"), href="/execution" + build_search(
        {"by": "func", "path": func_path, **keep})))
    items += _field(t("exec.vcol.econ", lang), reference.label(row["econ_code"], "econ"))
    items += _field(t("exec.vcol.fund_type", lang), row["fund_type"])
    loaded = row["loaded_at"]
    source = t("voucher.source_text", lang, file=row["file_name"] or "—", load=int(row["load_id"]),
               who=row["loaded_by"] or "—", at=pd.Timestamp(loaded).strftime("%Y-%m-%d %H:%M") if loaded is not None
               and not pd.isna(loaded) else "—")
    items += _field(t("voucher.source", lang), source)
    items += _field(t("voucher.file_unit", lang), row["file_unit"])
    for name, value in qv.extra_fields(row["extra"]):
        items += _field(t("voucher.extra", lang, name=name), value)
    return html.Dl(items, className="bw-fields")


def line_cards(line: dict, lang: str) -> list:
    unit = fmt.money_unit([line["adjusted"], line["year_spent"], line["original"]])
    if line["lines"] == 0:
        note = t("voucher.no_line", lang)
        return [card(t("voucher.line", lang), "—", note, "is-behind"),
                card(t("voucher.line_spent", lang, year=line["year"]), fmt.money(line["year_spent"], lang, unit),
                     f"{int(line['payments']):,} " + t("payee.payments_word", lang))]
    return [
        card(t("exec.col.adjusted", lang), fmt.money(line["adjusted"], lang, unit),
             t("voucher.original", lang, amount=fmt.money(line["original"], lang, unit))),
        card(t("voucher.to_date", lang), fmt.money(line["to_date"], lang, unit), fmt.percent(line["rate_to_date"])),
        card(t("voucher.line_spent", lang, year=line["year"]), fmt.money(line["year_spent"], lang, unit),
             f"{int(line['payments']):,} " + t("payee.payments_word", lang)),
        card(t("exec.col.rate", lang), fmt.percent(line["rate"]), ""),
    ]


def nearby_table(frame: pd.DataFrame, lang: str) -> tuple[list, list]:
    cols = [{"field": "voucher_no", "headerName": t("exec.vcol.voucher_no", lang), "minWidth": 150,
             "cellRenderer": "BwLink", "cellRendererParams": {"hrefField": "href"}},
            {"field": "pay_date", "headerName": t("exec.vcol.pay_date", lang), "minWidth": 110},
            {"field": "days", "headerName": t("voucher.days", lang), "type": "rightAligned", "maxWidth": 110},
            {"field": "unit", "headerName": t("exec.vcol.unit", lang), "minWidth": 150},
            {"field": "econ", "headerName": t("exec.vcol.econ", lang), "minWidth": 130},
            {"field": "amount", "headerName": t("exec.vcol.amount", lang),
             "type": "rightAligned", "valueFormatter": {"function": _NUM}, "minWidth": 120},
            {"field": "purpose", "headerName": t("exec.vcol.purpose", lang), "minWidth": 130}]
    rows = [{"voucher_no": r.voucher_no, "href": href(r.voucher_no, lang),
             "pay_date": pd.Timestamp(r.pay_date).date().isoformat(), "days": int(r.days), "unit": r.unit,
             "econ": reference.label(r.econ_code, "econ"), "amount": float(r.amount),
             "purpose": None if pd.isna(r.purpose) else r.purpose} for r in frame.itertuples()]
    return cols, rows


def flag_list(frame: pd.DataFrame, year: int, lang: str) -> list:
    from budgetwatch.queries.rules import RULES_BY_ID

    if frame is None or frame.empty:
        return [html.P(t("voucher.no_flags", lang), className="bw-hint")]
    items = []
    for r in fmt.flags_in(frame, lang).itertuples():
        rule = RULES_BY_ID.get(r.rule)
        title = (rule.title_cn if lang == "zh" else rule.title_en) if rule else r.rule
        target = "/warnings" + build_search({"year": year, "flag": f"{r.rule}|{r.entity_key}", **_lang(lang)})
        items.append(html.Li(className=f"bw-vflag-item is-{r.severity}", children=[
            html.Span(t(f"warn.sev.{r.severity}", lang), className=f"bw-sev bw-sev-{r.severity}"), " ",
            dcc.Link(title, href=target), html.Div(r.message, className="bw-hint")]))
    return [html.Ul(items, className="bw-vflags")]


def fetch_nearby(store, query: dict, lang: str) -> Export:
    data = load(store, query.get("no"))
    if not data or data["rows"].empty:
        return Export(pd.DataFrame(), t("voucher.title", lang, no=query.get("no") or ""))
    cols, rows = nearby_table(data["nearby"], lang)
    out = pd.DataFrame(rows, columns=[c["field"] for c in cols]).rename(columns={c["field"]: c["headerName"] for c in cols})
    return Export(out, t("voucher.nearby_export", lang, no=data["no"]), [(t("exec.vcol.voucher_no", lang), data["no"])])


def draw(store, no: str | None, lang: str) -> dict:
    try:
        data = load(store, no)
    except Exception as exc:
        return {"error": failure(exc, lang, "voucher")}
    if data is None:
        return {"error": notice(t("voucher.no_number", lang))}
    if data["rows"].empty:
        return {"error": notice(t("voucher.unknown", lang, no=no))}
    row = data["rows"].iloc[0]
    extra_rows = [fields(r, lang) for _, r in data["rows"].iloc[1:].iterrows()]
    return {
        "heading": t("voucher.title", lang, no=data["no"]),
        "fields": [fields(row, lang), *([notice(t("voucher.more_rows", lang, n=len(data["rows"])))] if extra_rows else []),
                   *extra_rows],
        "line": line_cards(data["line"], lang),
        "flags": flag_list(data["flags"], data["year"], lang),
        "nearby": nearby_table(data["nearby"], lang),
        "nearby_title": t("voucher.nearby", lang, payee=row["payee"], days=qv.NEAR_DAYS),
    }

