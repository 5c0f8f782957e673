"""The 政府债务 page's callbacks, registered by ``register_callbacks(app, store)``.

``update_debt`` is the one callback's body, callable in tests without a browser: the year and
region chosen (and the URL query, for the language) in, every output of the page out.
"""
from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import card, failure, how_to_load, notice, section_unchanged, threshold_tone
from budgetwatch.dashboard.i18n import t
import budgetwatch.dashboard.pages.debt.model as model
from budgetwatch.dashboard.pages.debt.layout import FILE_PART, VIEW
from budgetwatch.dashboard.page_wiring import page_outputs, put_figures, register_page
from budgetwatch.dashboard.page_tables import HIDDEN, Col, export_frame, grid_columns, grid_rows
from budgetwatch.dashboard.tables import Export
from budgetwatch.dashboard.urls import int_param, lang_of, with_params
from budgetwatch.queries.store import Store

D = ids.Debt
GRAPHS = (D.LIMITS, D.RATIO, D.ISSUANCE, D.TREND, D.REPAYMENTS)
TABLES = (D.T_REGIONS, D.T_ROWS)
UNIT = model.UNIT

_HIGH = "params.data.{rule} == 'high'"
_MEDIUM = "params.data.{rule} == 'medium'"
REGION_COLS = (
    Col("region_name", "col.region_name", width=150, pinned=True),
    Col("region_code", "col.region_code", width=100),
    Col("ratio", "col.debt_ratio_region", "pct", classes={"bw-cell-high": _HIGH.format(rule="DEBT_RATIO"),
                                                         "bw-cell-medium": _MEDIUM.format(rule="DEBT_RATIO")}),
    Col("balance", "col.debt_balance", "money"),
    Col("limit_amount", "col.debt_limit", "money"),
    Col("headroom", "col.headroom", "money", classes={"bw-cell-high": "params.value < 0"}),
    Col("usage", "col.usage", "pct", classes={"bw-cell-high": _HIGH.format(rule="DEBT_OVER_LIMIT")}),
    Col("fiscal_capacity", "col.fiscal_capacity", "money"),
    Col("general_balance", "col.general_balance", "money"),
    Col("general_limit", "col.general_limit", "money"),
    Col("special_balance", "col.special_balance", "money"),
    Col("special_limit", "col.special_limit", "money"),
    Col("new_quota", "col.new_quota", "money"),
    Col("new_issued", "col.new_issued", "money",
        classes={"bw-cell-medium": "params.data.DEBT_ISSUE_OVER_QUOTA != null"}),
    Col("principal_repaid", "col.principal_repaid", "money"),
    Col("interest_paid", "col.interest_paid", "money"),
    Col("warnings", "col.debt_warnings", width=180),
)
ROW_COLS = (
    Col("region_name", "col.region_name", width=150, pinned=True),
    Col("region_code", "col.region_code", width=100),
    Col("debt_type_text", "col.debt_type", width=110),
    Col("balance", "col.debt_balance", "money", classes={"bw-cell-high": "params.data.over == 'high'"}),
    Col("limit_amount", "col.debt_limit", "money"),
    Col("headroom", "col.headroom", "money", classes={"bw-cell-high": "params.value < 0"}),
    Col("usage", "col.usage", "pct"),
    Col("new_quota", "col.new_quota", "money"),
    Col("new_issued", "col.new_issued", "money", classes={"bw-cell-medium": "params.data.quota == 'medium'"}),
    Col("refinancing_issued", "col.refinancing_issued", "money"),
    Col("principal_repaid", "col.principal_repaid", "money"),
    Col("interest_paid", "col.interest_paid", "money"),
)


def grid_payload(frame: pd.DataFrame, cols, lang: str, extra=()) -> dict:
    """The grid in 亿元 (the page's unit), whatever the size of the figures."""
    return {"columnDefs": grid_columns(cols, UNIT, lang), "rowData": grid_rows(frame, cols, UNIT, extra)}


def headline(data: model.DebtData, lang: str) -> list:
    s = model.totals(data)
    money = lambda v: fmt.money(v, lang, UNIT)  # noqa: E731
    warn, high = f"{data.max_ratio * 100:g}%", f"{data.high_ratio * 100:g}%"
    ratio = s["ratio"]
    tone = threshold_tone(ratio, data.max_ratio, data.high_ratio)    # the value's own band; the note counts regions
    return [
        card(t("debt.card.balance", lang), money(s["balance"]),
             t("debt.card.balance_note", lang, limit=money(s["limit"]), usage=fmt.percent(s["usage"]), n=s["regions"])),
        card(t("debt.card.headroom", lang), money(s["headroom"]), t("debt.card.headroom_note", lang, n=s["over_limit"]),
             "is-high" if s["over_limit"] else ""),
        card(t("debt.card.ratio", lang), fmt.percent(ratio),
             t("debt.card.ratio_note", lang, warn=warn, high=high, medium=s["above_warn"], high_n=s["above_high"]), tone),
        card(t("debt.card.issue", lang), money(s["new_issued"]),
             t("debt.card.issue_note", lang, quota=money(s["new_quota"]), principal=money(s["principal"]),
               interest=money(s["interest"]))),
    ]


def update_debt(store: Store, year, region: str | None, search: str | None) -> dict:
    lang = lang_of(search)
    out = _blank()
    try:
        data = model.load(store, int_param(str(year)) if year is not None else None, region or None)
    except Exception as exc:  # the page's last guard: a sentence for the reader, details in the log
        out["message"] = failure(exc, lang, "debt")
        return out
    if data is None:
        out["message"] = notice(t("debt.empty", lang), more=how_to_load(lang))
        return out
    y = data.year
    out.update(
        year_options=[{"label": str(v), "value": v} for v in data.years], year=y,
        region_options=[{"label": f"{n}（{c}）" if lang == "zh" else f"{n} ({c})", "value": c}
                        for c, n in data.region_names.items()],
        region=data.region, thresholds=model.thresholds_text(data, lang), body_style={},
        headline=headline(data, lang), view=with_params(search, year=y, region=data.region, lang=lang),
    )
    put_figures(out, model.figures(data, lang), "debt", FILE_PART, y)
    out[f"table:{D.T_REGIONS}"] = grid_payload(model.regions_table(data, lang), REGION_COLS, lang,
                                               ("DEBT_OVER_LIMIT", "DEBT_RATIO", "DEBT_ISSUE_OVER_QUOTA"))
    out[f"table:{D.T_ROWS}"] = grid_payload(model.rows_table(data, lang), ROW_COLS, lang, ("over", "quota"))
    return out


def _blank() -> dict:
    out = {"year_options": dash.no_update, "year": dash.no_update, "region_options": dash.no_update,
           "region": dash.no_update, "thresholds": "", "message": None, "body_style": HIDDEN, "headline": [],
           "view": dash.no_update}
    out.update(section_unchanged(GRAPHS, TABLES))
    return out


def fetch(table: str):
    """The download of a table for a URL query: the whole table in 亿元, with its context."""
    def _fetch(store: Store, query: dict, lang: str) -> Export:
        data = model.load(store, int_param(query.get("year")), query.get("region"))
        if data is None:
            return Export(pd.DataFrame(), t("debt.title", lang))
        filters = [(t("overview.year", lang), str(data.year))]
        if table == D.T_REGIONS:
            frame, cols, title = model.regions_table(data, lang), REGION_COLS, t("debt.regions_table", lang)
        else:
            frame, cols, title = model.rows_table(data, lang), ROW_COLS, t("debt.rows_table", lang)
        return Export(export_frame(frame, cols, UNIT, lang), f"{data.year} {title}", filters, str(data.year))
    return _fetch


def register_callbacks(app: dash.Dash, store: Store) -> None:
    outputs = page_outputs(D, GRAPHS, TABLES, view=VIEW, region_options=Output(D.REGION, "options"),
                           region=Output(D.REGION, "value"), thresholds=Output(D.THRESHOLDS, "children"))
    register_page(app, store, outputs=outputs, update=update_debt,
                  inputs={"year": Input(D.YEAR, "value"), "region": Input(D.REGION, "value")},
                  exports={name: fetch(name) for name in TABLES})
