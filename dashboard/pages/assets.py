"""国有资产 State assets: enterprises (debt, profit, 保值增值率) and administrative assets (idle).

``/assets?year=2025&enterprise=91430100…&category=房屋&lang=zh``. The enterprises table is
coloured by what the asset rules find with the thresholds in force (LEVERAGE: debt ratio
above 70% orange, above 85% red; CONSECUTIVE_LOSS; EQUITY_DECLINE), the debt-ratio chart
draws the same thresholds; ``enterprise`` picks whose equity is drawn over the years
(default: the one with the highest debt ratio); ``category`` narrows the administrative
assets to one category.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import dash
import pandas as pd
from dash import Input, Output, dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import (card, failure, figure_card, how_to_load, notice, section_unchanged,
                                                threshold_tone, view_store, year_field)
from budgetwatch.dashboard.figures import assets as figs
from budgetwatch.dashboard.figures.common import image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_wiring import page_outputs, put_figures, register_page
from budgetwatch.dashboard.page_tables import (ADMIN_COLS, HIDDEN, admin_frame, Col, enterprise_frame, export_frame, grid_payload, load_rule_thresholds, page_table, table_unit)
from budgetwatch.dashboard.tables import Export
from budgetwatch.dashboard.urls import int_param, lang_of, with_params
from budgetwatch.queries import assets as qa
from budgetwatch.queries.store import Store

PATH = "/assets"
NAV_KEY = "nav.assets"
VIEW = "assets"
A = ids.Assets
GRAPHS = (A.DEBT, A.EQUITY, A.IDLE)
TABLES = (A.T_ENTERPRISES, A.T_ADMIN)
_FILE_PART = {A.DEBT: "debt_ratio", A.EQUITY: "equity", A.IDLE: "idle"}

log = logging.getLogger("budgetwatch.dashboard")

ENTERPRISE_COLS = (
    Col("enterprise_name", "col.enterprise", width=220, pinned=True),
    Col("enterprise_code", "col.credit_code", width=170),
    Col("supervisor", "col.supervisor", width=170),
    Col("assets", "col.assets", "money"), Col("liabilities", "col.liabilities", "money"),
    Col("equity", "col.equity", "money"),
    Col("debt_ratio", "col.debt_ratio", "pct", classes={"bw-cell-high": "params.data.LEVERAGE == 'high'",
                                                        "bw-cell-medium": "params.data.LEVERAGE == 'medium'"}),
    Col("revenue", "col.revenue", "money"),
    Col("profit", "col.profit", "money", classes={"bw-cell-high": "params.data.CONSECUTIVE_LOSS != null",
                                                  "bw-cell-medium": "params.value < 0"}),
    Col("prev_equity", "col.prev_equity", "money"),
    Col("keep_ratio", "col.keep_ratio", "pct", classes={"bw-cell-high": "params.data.EQUITY_DECLINE == 'high'",
                                                        "bw-cell-medium": "params.data.EQUITY_DECLINE != null"}),
    Col("warnings", "col.warnings", width=200),
)


# -- layout -----------------------------------------------------------------------------------
def layout(query: dict[str, str], lang: str) -> html.Div:
    year = int_param(query.get("year"))
    enterprise = query.get("enterprise") or None
    category = query.get("category") or None
    return html.Div(className="bw-page", children=[
        view_store(VIEW),
        html.Div(className="bw-toolbar", children=[
            html.H1(t("assets.title", lang), className="bw-page-title"),
            year_field(A.YEAR, year, lang),
            html.Div(id=A.THRESHOLDS, className="bw-schedule"),
        ]),
        html.Div(id=A.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6}, children=[
            html.Div(id=A.BODY, style=HIDDEN, children=[
                html.Section(id=A.HEADLINE, className="bw-cards"),
                html.Section(className="bw-section", children=[
                    html.H2(t("assets.enterprises", lang)),
                    page_table(A.T_ENTERPRISES, lang, style={"height": "420px", "width": "100%"}),
                ]),
                figure_card(A.DEBT, lang, image_filename("assets", "debt_ratio", year)),
                html.Section(className="bw-section", children=[
                    html.Div(className="bw-toolbar", children=[
                        html.Label(className="bw-field", children=[
                            html.Span(t("assets.pick_enterprise", lang)),
                            dcc.Dropdown(id=A.ENTERPRISE, value=enterprise, clearable=False, searchable=True,
                                         options=[{"label": enterprise, "value": enterprise}] if enterprise else [],
                                         className="bw-wide-pick"),
                        ]),
                    ]),
                    figure_card(A.EQUITY, lang, image_filename("assets", "equity", year)),
                ]),
                html.Section(className="bw-section", children=[
                    html.H2(t("assets.admin", lang)),
                    html.Div(className="bw-toolbar", children=[
                        html.Label(className="bw-field", children=[
                            html.Span(t("assets.pick_category", lang)),
                            dcc.Dropdown(id=A.CATEGORY, value=category, clearable=True, searchable=False,
                                         options=[{"label": category, "value": category}] if category else [],
                                         placeholder=t("assets.all_categories", lang), className="bw-wide-pick"),
                        ]),
                    ]),
                    figure_card(A.IDLE, lang, image_filename("assets", "idle", year)),
                    page_table(A.T_ADMIN, lang, style={"height": "420px", "width": "100%"}),
                ]),
            ]),
        ]),
    ])


# -- data -------------------------------------------------------------------------------------
@dataclass
class AssetData:
    years: list[int]
    year: int
    enterprises: pd.DataFrame
    flags: pd.DataFrame
    admin: pd.DataFrame
    categories: list[str]
    category: str | None
    enterprise: str | None
    history: pd.DataFrame
    thresholds: dict = field(default_factory=dict)

    def th(self, rule: str, name: str, default: float) -> float:
        return float(self.thresholds.get(rule, {}).get(name, default))


def load(store: Store, year: int | None, enterprise: str | None, category: str | None) -> AssetData | None:
    th = load_rule_thresholds(store).values
    with store.reader() as con:
        years = qa.asset_years(con)
        if not years:
            return None
        year = year if year in years else years[0]
        flags = qa.asset_flags(con, year, th)
        ents = enterprise_frame(qa.enterprises(con, year), qa.enterprise_marks(flags))
        categories = qa.asset_categories(con, year)
        category = category if category in categories else None
        admin = qa.admin_assets(con, year, category=category)
        codes = list(ents["enterprise_code"])
        if enterprise not in codes:
            enterprise = codes[0] if codes else None
        history = qa.equity_history(con, enterprise) if enterprise else pd.DataFrame()
    return AssetData(years, year, ents, flags, admin, categories, category, enterprise, history, th)


def enterprise_table(data: AssetData, lang: str) -> pd.DataFrame:
    from budgetwatch.queries.rules import RULES_BY_ID
    frame = data.enterprises.copy()
    frame["supervisor"] = [f"{n} {c}" if c else "—" for c, n in zip(frame["supervisor_code"], frame["supervisor_name"])]
    words = []
    for rec in frame.to_dict("records"):
        hits = [RULES_BY_ID[r].title_cn if lang == "zh" else RULES_BY_ID[r].title_en
                for r in ("LEVERAGE", "CONSECUTIVE_LOSS", "EQUITY_DECLINE") if not fmt.missing(rec.get(r))]
        words.append("、".join(hits) if lang == "zh" else "; ".join(hits))
    frame["warnings"] = words
    return frame


def leverage_lines(data: AssetData) -> tuple[float, float]:
    """LEVERAGE's orange and red lines in force (shares): the thresholds sentence, the chart,
    the grid's flags and the ratio card all read these."""
    return data.th("LEVERAGE", "max_ratio_pct", 70) / 100, data.th("LEVERAGE", "high_ratio_pct", 85) / 100


def headline(data: AssetData, lang: str) -> list:
    e = data.enterprises
    unit = fmt.money_unit([e["assets"].sum(), e["equity"].sum()])
    assets, liabilities = e["assets"].sum(), e["liabilities"].sum()
    ratio = liabilities / assets if assets > 0 else None
    prev = e["prev_equity"].where(e["prev_equity"].notna())
    both = e[prev.notna() & (prev > 0)]
    keep = both["equity"].sum() / both["prev_equity"].sum() if len(both) else None
    sev = data.flags[data.flags["rule"] == "LEVERAGE"]["severity"].value_counts()    # the note counts the flags
    losses = int((e["profit"] < 0).sum())
    admin_book, admin_idle = data.admin["book"].sum(), data.admin["idle"].sum()
    idle_share = admin_idle / admin_book if admin_book > 0 else None
    max_ratio, high_ratio = leverage_lines(data)
    return [
        card(t("assets.card.total", lang), fmt.money(assets, lang, unit),
             t("assets.card.total_note", lang, n=len(e), equity=fmt.money(e["equity"].sum(), lang, unit))),
        card(t("assets.card.ratio", lang), fmt.percent(ratio),
             t("assets.card.ratio_note", lang, high=int(sev.get("high", 0)), medium=int(sev.get("medium", 0))),
             threshold_tone(ratio, max_ratio, high_ratio)),
        card(t("assets.card.keep", lang), fmt.percent(keep),
             t("assets.card.keep_note", lang, losses=losses), "is-medium" if losses else ""),
        card(t("assets.card.idle", lang), fmt.percent(idle_share),
             t("assets.card.idle_note", lang, idle=fmt.money(admin_idle, lang), book=fmt.money(admin_book, lang))),
    ]


def update_assets(store: Store, year, enterprise: str | None, category: str | None, search: str | None) -> dict:
    lang = lang_of(search)
    out = _blank()
    try:
        data = load(store, int_param(str(year)) if year is not None else None, enterprise or None, category or None)
    except Exception as exc:  # the page's last guard: a sentence for the reader, details in the log
        out["message"] = failure(exc, lang, "assets")
        return out
    if data is None:
        out["message"] = notice(t("assets.empty", lang), more=how_to_load(lang))
        return out

    y = data.year
    max_ratio, high_ratio = leverage_lines(data)
    min_keep = 1 - data.th("EQUITY_DECLINE", "min_decline_pct", 10) / 100
    max_idle = data.th("IDLE_ASSETS", "max_idle_pct", 20) / 100
    names = dict(zip(data.enterprises["enterprise_code"], data.enterprises["enterprise_name"]))
    ent_name = names.get(data.enterprise, data.enterprise or "")
    if not data.history.empty:
        ent_name = str(data.history["enterprise_name"].iloc[-1])
    out.update(
        year_options=[{"label": str(v), "value": v} for v in data.years], year=y,
        enterprise_options=[{"label": n, "value": c} for c, n in names.items()], enterprise=data.enterprise,
        category_options=[{"label": c, "value": c} for c in data.categories], category=data.category,
        thresholds=t("assets.thresholds", lang, warn=f"{max_ratio * 100:g}%", high=f"{high_ratio * 100:g}%",
                     decline=f"{(1 - min_keep) * 100:g}%", idle=f"{max_idle * 100:g}%"),
        body_style={}, headline=headline(data, lang),
        view=with_params(search, year=y, enterprise=data.enterprise, category=data.category, lang=lang),
    )
    category_text = data.category or t("assets.all_categories", lang)
    figures = {
        A.DEBT: figs.debt_ratio_figure(data.enterprises, max_ratio=max_ratio, high_ratio=high_ratio, year=y, lang=lang),
        A.EQUITY: figs.equity_figure(data.history, name=ent_name, min_keep=min_keep, lang=lang),
        A.IDLE: figs.idle_share_figure(qa.admin_by(data.admin, "dept"), by="dept", max_idle=max_idle, lang=lang,
                                       title=t("fig.assets.idle.title", lang, year=y, category=category_text)),
    }
    put_figures(out, figures, "assets", _FILE_PART, y)
    out[f"table:{A.T_ENTERPRISES}"] = grid_payload(enterprise_table(data, lang), ENTERPRISE_COLS, lang,
                                                  ("LEVERAGE", "CONSECUTIVE_LOSS", "EQUITY_DECLINE"))
    out[f"table:{A.T_ADMIN}"] = grid_payload(admin_frame(data.admin, max_idle), ADMIN_COLS, lang, ("idle_flag",))
    return out


def _blank() -> dict:
    out = {"year_options": dash.no_update, "year": dash.no_update, "enterprise_options": dash.no_update,
           "enterprise": dash.no_update, "category_options": dash.no_update, "category": dash.no_update,
           "thresholds": "", "message": None, "body_style": HIDDEN, "headline": [],
           "view": dash.no_update}
    out.update(section_unchanged(GRAPHS, TABLES))
    return out


def fetch(table: str):
    def _fetch(store: Store, query: dict, lang: str) -> Export:
        data = load(store, int_param(query.get("year")), query.get("enterprise"), query.get("category"))
        if data is None:
            return Export(pd.DataFrame(), t("assets.title", lang))
        filters = [(t("overview.year", lang), str(data.year))]
        if table == A.T_ENTERPRISES:
            frame, cols, title = enterprise_table(data, lang), ENTERPRISE_COLS, t("assets.enterprises", lang)
        else:
            frame = admin_frame(data.admin, data.th("IDLE_ASSETS", "max_idle_pct", 20) / 100)
            cols, title = ADMIN_COLS, t("assets.admin", lang)
            filters.append((t("assets.pick_category", lang), data.category or t("assets.all_categories", lang)))
        unit = table_unit(frame, cols)
        return Export(export_frame(frame, cols, unit, lang), f"{data.year} {title}", filters, str(data.year))

    return _fetch


def register_callbacks(app: dash.Dash, store: Store) -> None:
    outputs = page_outputs(A, GRAPHS, TABLES, view=VIEW, thresholds=Output(A.THRESHOLDS, "children"),
                           enterprise_options=Output(A.ENTERPRISE, "options"), enterprise=Output(A.ENTERPRISE, "value"),
                           category_options=Output(A.CATEGORY, "options"), category=Output(A.CATEGORY, "value"))
    register_page(app, store, outputs=outputs, update=update_assets,
                  inputs={"year": Input(A.YEAR, "value"), "enterprise": Input(A.ENTERPRISE, "value"),
                          "category": Input(A.CATEGORY, "value")},
                  exports={name: fetch(name) for name in TABLES})
