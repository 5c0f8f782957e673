"""审计整改 Audit rectification: findings of audit years up to the chosen year, as they stand.

``/audit?year=2025&as_of=2025-12-31&lang=zh``. Charts of findings by status, by category and
the rectification rate by unit; the overdue list (days overdue at the as-of date: the date
given, else the year's latest payment, else today — the audit rules' as-of date), repeated
problems (屡审屡犯) and claimed-but-hollow rectification, each exactly what the rules
AUDIT_OVERDUE, AUDIT_REPEAT and AUDIT_HOLLOW find with the thresholds in force.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import dash
import pandas as pd
from dash import Input, dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import (as_of_field, card, failure, figure_card, how_to_load, notice, section_unchanged, view_store, year_field)
from budgetwatch.dashboard.figures import audit as figs
from budgetwatch.dashboard.figures.common import image_filename
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.dashboard.page_wiring import page_outputs, put_figures, register_page
from budgetwatch.dashboard.page_tables import (HIDDEN, SEVERITY_CLASSES, Col, export_frame, grid_payload, load_rule_thresholds, page_table, severity_text, table_unit, unit_label)
from budgetwatch.dashboard.tables import Export
from budgetwatch.dashboard.urls import date_param, int_param, lang_of, with_params
from budgetwatch.queries import audit as qu
from budgetwatch.queries.status import holds_rows, year_has_budget_or_payments
from budgetwatch.queries.store import Store

PATH = "/audit"
NAV_KEY = "nav.audit"
VIEW = "audit"
U = ids.Audit
GRAPHS = (U.STATUS, U.CATEGORY, U.UNITS)
TABLES = (U.T_OVERDUE, U.T_REPEAT, U.T_HOLLOW, U.T_UNITS)
_FILE_PART = {U.STATUS: "status", U.CATEGORY: "category", U.UNITS: "units"}

log = logging.getLogger("budgetwatch.dashboard")

OVERDUE_COLS = (
    Col("severity_text", "col.severity", width=110, classes=SEVERITY_CLASSES),
    Col("days_overdue", "col.days_overdue", "int", classes=SEVERITY_CLASSES),
    Col("finding_id", "col.finding", width=120), Col("audit_year", "col.audit_year", "year"),
    Col("unit", "col.unit", width=170), Col("category", "col.category"),
    Col("description", "col.description", "long", width=220), Col("deadline", "col.deadline", "date"),
    Col("status_text", "col.status"), Col("involved", "col.involved", "money"),
    Col("rectified", "col.rectified", "money"),
)
REPEAT_COLS = (
    Col("unit", "col.unit", width=170), Col("category", "col.category"), Col("years", "col.years", width=150),
    Col("n_years", "col.n_years", "int", classes={"bw-cell-high": "params.value >= 3", "bw-cell-medium": "params.value >= 2"}),
    Col("n", "col.n_findings", "int"), Col("n_open", "col.n_open", "int"),
    Col("involved", "col.involved", "money"), Col("message", "col.message", "long", width=380),
)
HOLLOW_COLS = (
    Col("finding_id", "col.finding", width=120), Col("audit_year", "col.audit_year", "year"),
    Col("unit", "col.unit", width=170), Col("category", "col.category"),
    Col("description", "col.description", "long", width=220), Col("involved", "col.involved", "money"),
    Col("rectified", "col.rectified", "money"),
    Col("share", "col.rectified_share", "pct", classes={"bw-cell-medium": "true"}),
    Col("gap", "col.gap_amount", "money"), Col("rectified_date", "col.rectified_date", "date"),
)
UNIT_COLS = (
    Col("unit", "col.unit", width=170), Col("n", "col.n_findings", "int"), Col("n_done", "col.n_done", "int"),
    Col("count_share", "col.count_share", "pct"), Col("involved", "col.involved", "money"),
    Col("rectified", "col.rectified", "money"),
    Col("amount_rate", "col.amount_rate", "pct", classes={"bw-cell-high": "params.value < 0.5",
                                                          "bw-cell-medium": "params.value < 0.9"}),
)


# -- layout -----------------------------------------------------------------------------------
def layout(query: dict[str, str], lang: str) -> html.Div:
    year = int_param(query.get("year"))
    as_of = date_param(query.get("as_of"))

    def section(title_key: str, note_key: str, table: str, height: int = 360) -> html.Section:
        return html.Section(className="bw-section", children=[
            html.H2(t(title_key, lang)), html.P(t(note_key, lang), className="bw-hint"),
            page_table(table, lang, style={"height": f"{height}px", "width": "100%"}),
        ])

    return html.Div(className="bw-page", children=[
        view_store(VIEW),
        html.Div(className="bw-toolbar", children=[
            html.H1(t("audit.title", lang), className="bw-page-title"),
            year_field(U.YEAR, year, lang),
            as_of_field(U.AS_OF, as_of, lang),
            html.Div(id=U.AS_OF_NOTE, className="bw-schedule"),
        ]),
        html.Div(id=U.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6}, children=[
            html.Div(id=U.BODY, style=HIDDEN, children=[
                html.Section(id=U.HEADLINE, className="bw-cards"),
                html.Div(className="bw-two", children=[
                    figure_card(U.STATUS, lang, image_filename("audit", "status", year)),
                    figure_card(U.CATEGORY, lang, image_filename("audit", "category", year)),
                ]),
                section("audit.overdue", "audit.overdue_note", U.T_OVERDUE),
                section("audit.repeat", "audit.repeat_note", U.T_REPEAT, 300),
                section("audit.hollow", "audit.hollow_note", U.T_HOLLOW, 300),
                figure_card(U.UNITS, lang, image_filename("audit", "units", year)),
                section("audit.units", "audit.units_note", U.T_UNITS, 420),
            ]),
        ]),
    ])


# -- data -------------------------------------------------------------------------------------
@dataclass
class AuditData:
    years: list[int]
    year: int
    as_of: dt.date
    as_of_given: bool
    findings: pd.DataFrame
    flags: pd.DataFrame
    by_status: pd.DataFrame
    by_category: pd.DataFrame
    by_unit: pd.DataFrame
    thresholds: dict = field(default_factory=dict)


def load(store: Store, year: int | None, as_of: dt.date | None, *, today: dt.date | None = None) -> AuditData | None:
    """None when no audit finding is loaded at all."""
    th = load_rule_thresholds(store).values
    with store.reader() as con:
        if not holds_rows(con, "audit_findings"):
            return None
        years = qu.audit_years(con)
        if year not in years:
            budget_years = [y for y in years if year_has_budget_or_payments(con, y)]
            year = budget_years[0] if budget_years else years[0]
        given = as_of is not None and as_of.year == year
        day = qu.audit_as_of(con, year, as_of if given else None, today=today)
        found = qu.findings(con, year, day)
        # Not given: the rules find the same default date (the year's last payment, else today).
        flags = qu.audit_flags(con, year, day if given else None, th)
        return AuditData(years, year, day, given, found, flags, qu.counts_by(con, year, "status", day),
                         qu.counts_by(con, year, "category", day), qu.rectification_by_unit(con, year, day), th)


def with_units(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    frame = frame.copy()
    if frame.empty:
        for c in ("unit", "status_text", "severity_text"):
            frame[c] = pd.Series(dtype=object)
        return frame
    frame["unit"] = unit_label(frame["dept_code"], frame["dept_name"])
    if "status" in frame:
        frame["status_text"] = [data_label("status", s, lang) for s in frame["status"]]
    if "severity" in frame:
        frame["severity_text"] = severity_text(frame, lang)
    return frame


def tables(data: AuditData, lang: str) -> dict[str, tuple[pd.DataFrame, tuple, tuple]]:
    """Each table's frame, columns and the extra fields its colours read."""
    flags = fmt.flags_in(data.flags, lang)      # the messages in the reader's language
    return {
        U.T_OVERDUE: (with_units(qu.overdue(flags, data.findings), lang), OVERDUE_COLS, ("severity",)),
        U.T_REPEAT: (with_units(qu.repeated(flags, data.findings), lang), REPEAT_COLS, ()),
        U.T_HOLLOW: (with_units(qu.hollow(flags, data.findings), lang), HOLLOW_COLS, ()),
        U.T_UNITS: (with_units(data.by_unit, lang), UNIT_COLS, ()),
    }


def headline(data: AuditData, parts: dict, lang: str) -> list:
    f = data.findings
    unit = fmt.money_unit([f["involved"].sum()])
    done = f[f["status"] == "已整改"]
    rate = f["rectified"].sum() / f["involved"].sum() if f["involved"].sum() > 0 else None
    overdue = parts[U.T_OVERDUE][0]
    n_high = int((overdue["severity"] == "high").sum()) if len(overdue) else 0
    return [
        card(t("audit.card.findings", lang), t("audit.card.findings_value", lang, n=len(f)),
             t("audit.card.findings_note", lang, amount=fmt.money(f["involved"].sum(), lang, unit),
               done=len(done), open=len(f) - len(done))),
        card(t("audit.card.rate", lang), fmt.percent(rate),
             t("audit.card.rate_note", lang, amount=fmt.money(f["rectified"].sum(), lang, unit)),
             "is-high" if rate is not None and rate < 0.5 else "is-medium" if rate is not None and rate < 0.9 else ""),
        card(t("audit.card.overdue", lang), t("audit.card.findings_value", lang, n=len(overdue)),
             t("audit.card.overdue_note", lang, high=n_high, date=fmt.date(data.as_of, lang)),
             "is-high" if n_high else "is-medium" if len(overdue) else ""),
        card(t("audit.card.repeat", lang), t("audit.card.pairs_value", lang, n=len(parts[U.T_REPEAT][0])),
             t("audit.card.hollow_note", lang, n=len(parts[U.T_HOLLOW][0])),
             "is-medium" if len(parts[U.T_REPEAT][0]) or len(parts[U.T_HOLLOW][0]) else ""),
    ]


def update_audit(store: Store, year, as_of: str | None, search: str | None, *, today: dt.date | None = None) -> dict:
    lang = lang_of(search)
    out = _blank()
    try:
        data = load(store, int_param(str(year)) if year is not None else None, date_param(as_of), today=today)
        if data is not None:
            parts = tables(data, lang)
    except Exception as exc:  # the page's last guard: a sentence for the reader, details in the log
        out["message"] = failure(exc, lang, "audit")
        return out
    if data is None:
        out["message"] = notice(t("audit.empty", lang), more=how_to_load(lang))
        return out

    y, day = data.year, data.as_of
    out.update(
        year_options=[{"label": str(v), "value": v} for v in data.years], year=y, as_of=day.isoformat(),
        as_of_min=dt.date(y, 1, 1).isoformat(), as_of_max=dt.date(y, 12, 31).isoformat(),
        as_of_note=t("audit.as_of_note", lang, date=fmt.date(day, lang), year=y),
        body_style={}, headline=headline(data, parts, lang),
        view=with_params(search, year=y, as_of=day.isoformat(), lang=lang),
    )
    figures = {
        U.STATUS: figs.status_figure(data.by_status, year=y, lang=lang),
        U.CATEGORY: figs.category_figure(data.by_category, year=y, lang=lang),
        U.UNITS: figs.unit_rate_figure(data.by_unit, year=y, lang=lang),
    }
    put_figures(out, figures, "audit", _FILE_PART, y)
    for name, (frame, cols, extra) in parts.items():
        out[f"table:{name}"] = grid_payload(frame, cols, lang, extra)
    return out


def _blank() -> dict:
    out = {"year_options": dash.no_update, "year": dash.no_update, "as_of": dash.no_update,
           "as_of_min": None, "as_of_max": None, "as_of_note": "", "message": None,
           "body_style": HIDDEN, "headline": [], "view": dash.no_update}
    out.update(section_unchanged(GRAPHS, TABLES))
    return out


_TITLES = {U.T_OVERDUE: "audit.overdue", U.T_REPEAT: "audit.repeat", U.T_HOLLOW: "audit.hollow", U.T_UNITS: "audit.units"}


def fetch(table: str):
    def _fetch(store: Store, query: dict, lang: str) -> Export:
        data = load(store, int_param(query.get("year")), date_param(query.get("as_of")))
        if data is None:
            return Export(pd.DataFrame(), t(_TITLES[table], lang))
        frame, cols, _extra = tables(data, lang)[table]
        unit = table_unit(frame, cols)
        return Export(export_frame(frame, cols, unit, lang), f"{data.year} {t(_TITLES[table], lang)}",
                      [(t("overview.year", lang), str(data.year)), (t("overview.as_of", lang), data.as_of.isoformat())],
                      data.as_of.isoformat())

    return _fetch


def register_callbacks(app: dash.Dash, store: Store) -> None:
    register_page(app, store, outputs=page_outputs(U, GRAPHS, TABLES, view=VIEW, as_of=True, as_of_note=True),
                  inputs={"year": Input(U.YEAR, "value"), "as_of": Input(U.AS_OF, "date")}, update=update_audit,
                  exports={name: fetch(name) for name in TABLES})
