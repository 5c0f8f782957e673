"""The server-side voucher grid (支付凭证), shared by every page that shows vouchers.

AG Grid's infinite row model asks for one block at a time; DuckDB filters, sorts and pages
(``queries.execution.vouchers_page``); the browser never holds more than a few blocks. The
columns' colIds are the whitelist in ``queries.execution.VOUCHER_COLUMNS``; a voucher links to its
detail page, and one with an active voucher-keyed flag gets a coloured 预警 marker linking to the
flag on the warnings page. The execution page (a node of the drill-down) and the project page (a
project's payments) each mount it under their own table id.
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd
from dash import html

from budgetwatch.dashboard import links
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.tables import LOCALE_ZH, table_card, text_link
from budgetwatch.queries import reference
from budgetwatch.queries.execution import VOUCHER_COLUMNS

VOUCHER_PAGE = 50

# toLocaleString, not d3.format: d3 writes a Unicode minus (−) that Excel does not read as a number.
_NUM = ("params.value == null ? '—' : Number(params.value).toLocaleString('en-US', "
        "{minimumFractionDigits: 2, maximumFractionDigits: 2})")

def voucher_grid(lang: str, token: str, filter_model: dict | None = None, sort_model: list | None = None,
                 table: str = "exec-vouchers", prefix: str = "exec-grid") -> list:
    """The vouchers grid (AG Grid's infinite row model) in a wrapper keyed by ``token``.

    A new token — a new node, year, as-of date or voucher — makes React mount a new grid,
    which asks for its first block with the new ``GRID_QUERY`` already in place and starts
    from page one with the filters and sort the URL names. (Purging the cache of a grid that
    stayed mounted while hidden left rows without data.)
    """
    columns = voucher_columns(lang)
    for i, s in enumerate(sort_model or []):
        for c in columns:
            if c.get("colId") == s["colId"]:
                c.update(sort=s["sort"], sortIndex=i)
    return [html.Div(id=f"{prefix}-{token}", children=table_card(
        table, lang, rowModelType="infinite", rowData=None, filterModel=filter_model or {},
        columnDefs=columns,
        dashGridOptions={"paginationPageSize": VOUCHER_PAGE, "cacheBlockSize": VOUCHER_PAGE,
                         "maxBlocksInCache": 20, "infiniteInitialRowCount": 1,
                         "paginationPageSizeSelector": False},
        columnSize="responsiveSizeToFit", style={"height": "560px", "width": "100%"}))]


def grid_token(grid_query: dict) -> str:
    return hashlib.sha1(json.dumps(grid_query, sort_keys=True).encode()).hexdigest()[:12]


_TEXT_FILTER = {"filter": "agTextColumnFilter",
                "filterParams": {"filterOptions": ["contains", "notContains", "equals", "notEqual",
                                                   "startsWith", "endsWith"],
                                 "buttons": ["apply", "reset"], "maxNumConditions": 2}}


def voucher_columns(lang: str) -> list[dict]:
    """The vouchers grid's columns; their colIds are the whitelist in queries.execution."""
    def col(col_id: str, **kw) -> dict:
        return {"field": col_id, "colId": col_id, "headerName": t(f"exec.vcol.{col_id}", lang),
                **_TEXT_FILTER, **kw}
    return [
        flag_column(lang),
        col("voucher_no", minWidth=150, pinned="left", cellRenderer="BwLink",
            cellRendererParams={"hrefField": "voucher_href"}),
        col("pay_date", filter="agDateColumnFilter", minWidth=115,
            filterParams={"filterOptions": ["equals", "lessThan", "greaterThan", "inRange"],
                          "buttons": ["apply", "reset"], "maxNumConditions": 2}),
        col("unit", minWidth=150),
        col("func", minWidth=150),
        col("econ", minWidth=130),
        col("fund_type", minWidth=110),
        col("payee", minWidth=170),
        col("amount", filter="agNumberColumnFilter", minWidth=130, type="rightAligned",
            valueFormatter={"function": _NUM}, cellClassRules={"bw-neg": "params.value < 0"},
            filterParams={"filterOptions": ["equals", "greaterThan", "greaterThanOrEqual", "lessThan",
                                            "lessThanOrEqual", "inRange"],
                          "buttons": ["apply", "reset"], "maxNumConditions": 2}),
        col("purpose", minWidth=140),
    ]


def flag_column(lang: str) -> dict:
    """预警: a coloured marker linking to the voucher's flag on the warnings page (voucher-keyed
    rules: no budget, duplicate, split, outlier), blank for vouchers without an active flag."""
    return {"field": "flag_link", "colId": "flag", "headerName": t("exec.vcol.flag", lang), "pinned": "left",
            "minWidth": 96, "maxWidth": 120, "sortable": False, "filter": False, **text_link("flag_href"),
            "cellClassRules": {"bw-vflag bw-vflag-high": "params.data && params.data.flag_sev == 'high'",
                               "bw-vflag bw-vflag-medium": "params.data && params.data.flag_sev == 'medium'",
                               "bw-vflag bw-vflag-low": "params.data && params.data.flag_sev == 'low'"},
            "tooltipField": "flag_title"}


def _rule_title(rule: str, lang: str) -> str:
    from budgetwatch.queries.rules import RULES_BY_ID
    r = RULES_BY_ID.get(rule)
    return (r.title_cn if lang == "zh" else r.title_en) if r else rule


def flag_href(flag: dict, year: int, as_of: str, lang: str) -> str:
    from urllib.parse import quote
    return (f"/warnings?year={year}&as_of={as_of}&flag={quote(flag['flag'], safe='')}"
            + ("&lang=en" if lang == "en" else ""))


def voucher_rows(frame: pd.DataFrame, flags: dict[str, dict] | None = None, *, year: int | None = None,
                 as_of: str | None = None, lang: str = "zh") -> list[dict]:
    """Rows for the grid: dates as ISO text, codes shown with their names; a voucher with an
    active voucher-keyed flag (``queries.flags.voucher_flags``) gets its 预警 marker link."""
    rows = []
    for r in frame.itertuples():
        flag = (flags or {}).get(r.voucher_no)
        marker = {"flag_link": None, "flag_href": None, "flag_sev": None, "flag_title": None, "flag": None}
        if flag:
            marker = {"flag_link": t("exec.vflag", lang), "flag_href": flag_href(flag, year, as_of, lang),
                      "flag_sev": flag["severity"], "flag": flag["flag"],
                      "flag_title": f"{t('warn.sev.' + flag['severity'], lang)} · "
                                    f"{_rule_title(flag['rule'], lang)}"}
        rows.append({**marker, "voucher_no": r.voucher_no,
                     "voucher_href": links.voucher_href(r.voucher_no, lang),
                     "pay_date": pd.Timestamp(r.pay_date).date().isoformat(),
                     "unit": r.unit, "dept_code": r.dept_code,
                     "func": reference.label(r.func_code, "func"), "econ": reference.label(r.econ_code, "econ"),
                     "fund_type": r.fund_type, "payee": r.payee, "amount": float(r.amount),
                     "purpose": None if pd.isna(r.purpose) else r.purpose})
    return rows


def voucher_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``voucher_rows`` for a whole download, column-wise (a million rows in seconds)."""
    out = frame.copy()
    out["pay_date"] = pd.to_datetime(out["pay_date"]).dt.strftime("%Y-%m-%d")
    for col, kind in (("func_code", "func"), ("econ_code", "econ")):
        names = {c: reference.label(c, kind) for c in out[col].unique()}
        out[kind] = out[col].map(names)
    return out


# How AG Grid names its filter conditions in English (the Chinese words are the grid's own,
# tables.LOCALE_ZH).
_OPS_EN = {"equals": "equals", "notEqual": "does not equal", "contains": "contains",
           "notContains": "does not contain", "startsWith": "begins with", "endsWith": "ends with",
           "lessThan": "less than", "lessThanOrEqual": "at most", "greaterThan": "greater than",
           "greaterThanOrEqual": "at least", "inRange": "between", "blank": "blank", "notBlank": "not blank"}
_OPS_ZH_MORE = {"lessThanOrEqual": "小于等于", "greaterThanOrEqual": "大于等于"}
_DATE_OPS = {"zh": {"lessThan": "早于", "greaterThan": "晚于"}, "en": {"lessThan": "before", "greaterThan": "after"}}


def describe_filters(model: dict, lang: str) -> str:
    """The voucher grid's filters as its reader set them, for a download's context block:
    ``收款人 包含 设备；金额（元） 介于 100 至 500`` — each column by the title the grid shows,
    each condition in the grid's own words. Columns the grid does not have are left out."""
    zh = lang == "zh"

    def op(kind: str, typ: str) -> str:
        if kind == "date" and typ in _DATE_OPS["zh"]:
            return _DATE_OPS["zh" if zh else "en"][typ]
        return (LOCALE_ZH.get(typ) or _OPS_ZH_MORE.get(typ) or typ) if zh else _OPS_EN.get(typ, typ)

    def value(v) -> str:
        text = str(v)
        return text[:10] if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-" else text

    def one(kind: str, c: dict) -> str:
        typ = str(c.get("type") or "")
        if kind == "date":
            a, b = c.get("dateFrom"), c.get("dateTo")
        else:
            a, b = c.get("filter"), c.get("filterTo")
        words = [op(kind, typ)]
        if a is not None and typ not in ("blank", "notBlank"):
            words.append(value(a))
            if typ == "inRange" and b is not None:
                words += [LOCALE_ZH["to"] if zh else "and", value(b)]
        return " ".join(words)

    parts = []
    for col, m in model.items():
        if col not in VOUCHER_COLUMNS or not isinstance(m, dict):
            continue
        kind = VOUCHER_COLUMNS[col][0]
        conds = [c for c in (m.get("conditions") if isinstance(m.get("conditions"), list) else [m])
                 if isinstance(c, dict)]
        joiner = str(m.get("operator", "AND")).upper()
        joiner = (LOCALE_ZH["orCondition"] if joiner == "OR" else LOCALE_ZH["andCondition"]) if zh else \
            (" or " if joiner == "OR" else " and ").strip()
        text = f" {joiner} ".join(one(kind, c) for c in conds)
        parts.append(f"{t(f'exec.vcol.{col}', lang)} {text}")
    return ("；" if zh else "; ").join(parts)
