"""部门 Department profile: the page a member opens before questioning a department head.

``/departments?dept=001&year=2025&as_of=2025-06-30&lang=zh``. Without ``dept`` the page lists
the top-level departments with their execution, to pick one. With it: the department and its
units (rolled up through the parent chain) — execution against the time schedule, each unit,
the month-by-month curve against last year, 三公经费 this year to date against the same period
last year, its warning flags, its budget lines, its audit findings and its assets.

Also home to the small column helpers (``Col``, ``grid_columns``, ``grid_rows``,
``export_frame``) the assets and audit pages share: a table is declared once and gives the
grid's columns, its rows and the CSV/XLSX download, money in one unit named in the header.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.page_tables import (ADMIN_COLS, ENTERPRISE_COLS, HIDDEN, SEVERITY_CLASSES, Col,
                                               admin_frame, enterprise_frame, export_frame, graph_style,
                                               grid_payload, load_rule_thresholds, page_table, severity_text,
                                               table_unit, unit_label)
from budgetwatch.dashboard.components import (as_of_field, card, failure, figure_card,
                                 how_to_load, notice, section_outputs, section_unchanged, view_store, year_field)
from budgetwatch.dashboard.figures import assets as afigs
from budgetwatch.dashboard.figures import department as figs
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.figures.overview import lag_band
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.dashboard.tables import Export, register_export, table_card, text_link
from budgetwatch.dashboard.urls import date_param, int_param, lang_of, parse_search, with_params
from budgetwatch.queries import assets as qa
from budgetwatch.queries import audit as qu
from budgetwatch.queries import department as qd
from budgetwatch.queries import overview as q
from budgetwatch.queries.reference import label
from budgetwatch.queries.status import holds_rows
from budgetwatch.queries.rules.base import empty_flags
from budgetwatch.queries.summary import FlagsUpdating
from budgetwatch.queries.store import Store

PATH = "/departments"
NAV_KEY = "nav.departments"
VIEW = "department"
D = ids.Department
GRAPHS = (D.UNITS, D.MONTHLY, D.SANGONG, D.IDLE)
_FILE_PART = {D.UNITS: "units", D.MONTHLY: "monthly", D.SANGONG: "sangong", D.IDLE: "idle"}

log = logging.getLogger("budgetwatch.dashboard")


# -- flags, cached per data generation ----------------------------------------------------------


def cached_flags(store: Store, con, year: int, as_of: dt.date, thresholds: dict):
    """compute_flags for the year and as-of date from ``queries.flags``' cache (per data
    generation, shared with the warnings page, and the flag set made at load for the default
    view): flipping between departments runs the rules at most once."""
    from budgetwatch.queries import flags as qf
    th = load_rule_thresholds(store)
    if json.dumps(th.values, sort_keys=True, default=str) != json.dumps(thresholds, sort_keys=True, default=str):
        from budgetwatch.queries.rules import compute_flags    # thresholds other than those in force: as asked
        return compute_flags(con, year, as_of, thresholds)
    return qf.computed_flags(store, year, as_of, thresholds=th)[0]


# -- tables of this page -----------------------------------------------------------------------
PICKER_COLS = (
    Col("link", "dept.col.dept", width=220, pinned=True), Col("dept_code", "col.code", width=90),
    Col("adjusted", "col.adjusted", "money"), Col("spent", "col.spent", "money"),
    Col("rate", "col.rate", "pct", classes={"bw-cell-high": "params.data.band == 'high'",
                                             "bw-cell-medium": "params.data.band == 'medium'"}),
    Col("gap", "col.gap", "pct"),
)
LINE_COLS = (
    Col("unit", "col.unit", width=160), Col("func", "col.func", width=200), Col("econ", "col.econ", width=180),
    Col("fund", "col.fund", width=120), Col("original", "col.original", "money"),
    Col("adjusted", "col.adjusted", "money"),
    Col("spent", "col.spent", "money", classes={"bw-cell-high": "params.data.over == true"}),
    Col("rate", "col.rate", "pct", classes={"bw-cell-high": "params.data.over == true"}),
)
FLAG_COLS = (
    Col("severity_text", "col.severity", width=110, classes=SEVERITY_CLASSES),
    Col("title", "col.rule", width=150), Col("unit", "col.unit", width=150),
    Col("amount", "col.amount", "money"), Col("message", "col.message", "long", width=420),
)
AUDIT_COLS = (
    Col("finding_id", "col.finding", width=120), Col("audit_year", "col.audit_year", "year"),
    Col("unit", "col.unit", width=150), Col("category", "col.category"), Col("description", "col.description", "long", width=220),
    Col("involved", "col.involved", "money"), Col("rectified", "col.rectified", "money"),
    Col("deadline", "col.deadline", "date"),
    Col("status_text", "col.status", classes={"bw-cell-high": "params.data.status == '未整改'",
                                              "bw-cell-medium": "params.data.status == '部分整改'"}),
    Col("days_overdue", "col.days_overdue", "int", classes={"bw-cell-high": "params.value > 90",
                                                            "bw-cell-medium": "params.value > 0"}),
)


def picker_frame(depts: pd.DataFrame, period: q.Period, lang: str) -> pd.DataFrame:
    frame = depts.copy()
    frame["link"] = frame["dept_name"].fillna(frame["dept_code"])        # text: shown as it is
    frame["link_href"] = [f"{PATH}{with_params('', dept=c, year=period.year, as_of=period.as_of.isoformat(), lang=lang)}"
                          for c in frame["dept_code"]]
    frame["gap"] = frame["rate"] - period.schedule
    frame["band"] = [lag_band(r, period.schedule) if pd.notna(r) else None for r in frame["rate"]]
    return frame


def picker_payload(data, period: q.Period, lang: str) -> dict:
    """The picker grid: each department's name as text linking to its page."""
    payload = grid_payload(picker_frame(data.depts, period, lang), PICKER_COLS, lang, ("band", "link_href"))
    payload["columnDefs"][0].update(text_link("link_href"))
    return payload


def lines_frame(lines: pd.DataFrame, lang: str) -> pd.DataFrame:
    frame = lines.copy()
    frame["unit"] = unit_label(frame["dept_code"], frame["dept_name"])
    frame["func"] = [label(c, "func") for c in frame["func_code"]]
    frame["econ"] = [label(c, "econ") for c in frame["econ_code"]]
    frame["fund"] = [data_label("fund", f, lang) for f in frame["fund_type"]]
    frame.loc[~frame["line"].astype(bool), "fund"] = frame["fund"] + t("dept.no_line", lang)
    frame["over"] = frame["spent"] > frame["adjusted"]
    return frame


def flags_frame(flags: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    frame = flags.copy()
    frame["severity_text"] = severity_text(frame, lang)
    frame["unit"] = [f"{names.get(c, c)} {c}" if c else "—" for c in frame["dept_code"]]
    if lang == "en":
        from budgetwatch.queries.rules import RULES_BY_ID
        frame["title"] = [RULES_BY_ID[r].title_en if r in RULES_BY_ID else r for r in frame["rule"]]
    return frame


def audit_frame(found: pd.DataFrame, lang: str) -> pd.DataFrame:
    frame = found.copy()
    frame["unit"] = unit_label(frame["dept_code"], frame["dept_name"])
    frame["status_text"] = [data_label("status", s, lang) for s in frame["status"]]
    return frame


# -- layout -----------------------------------------------------------------------------------
def layout(query: dict[str, str], lang: str) -> html.Div:
    year = int_param(query.get("year"))
    as_of = date_param(query.get("as_of"))
    dept = query.get("dept") or None
    return html.Div(className="bw-page", children=[
        view_store(VIEW),
        html.Div(className="bw-toolbar", children=[
            html.H1(t("dept.title", lang), className="bw-page-title"),
            html.Label(className="bw-field", children=[
                html.Span(t("dept.pick", lang)),
                dcc.Dropdown(id=D.DEPT, value=dept, clearable=True, searchable=True,
                             options=[{"label": dept, "value": dept}] if dept else [],
                             placeholder=t("dept.pick_placeholder", lang), className="bw-dept-pick"),
            ]),
            year_field(D.YEAR, year, lang),
            as_of_field(D.AS_OF, as_of, lang),
            html.Div(id=D.SCHEDULE, className="bw-schedule"),
        ]),
        html.Div(id=D.MESSAGE),
        dcc.Loading(type="dot", delay_show=400, overlay_style={"visibility": "visible", "opacity": 0.6}, children=[
            html.Section(id=D.PICKER, style=HIDDEN, className="bw-section", children=[
                html.H2(t("dept.picker.title", lang)),
                html.P(t("dept.picker.hint", lang), className="bw-hint"),
                page_table(D.T_PICKER, lang, columnDefs=[], rowData=[],
                           dashGridOptions={"paginationPageSize": 50}, style={"height": "560px", "width": "100%"}),
            ]),
            html.Div(id=D.BODY, style=HIDDEN, children=[
                html.H2(id=D.HEADING, className="bw-subject"),
                html.Section(id=D.HEADLINE, className="bw-cards"),
                html.Section(className="bw-section", children=[
                    html.H2(t("dept.flags.title", lang)),
                    html.Div(id=D.FLAGS, className="bw-hint"),
                    page_table(D.T_FLAGS, lang, style={"height": "340px", "width": "100%"}),
                ]),
                figure_card(D.UNITS, lang, image_filename("department", "units", year)),
                html.Div(className="bw-two", children=[
                    figure_card(D.MONTHLY, lang, image_filename("department", "monthly", year)),
                    figure_card(D.SANGONG, lang, image_filename("department", "sangong", year)),
                ]),
                html.Section(className="bw-section", children=[
                    html.H2(t("dept.lines.title", lang)),
                    page_table(D.T_LINES, lang),
                ]),
                html.Section(className="bw-section", children=[
                    html.H2(t("dept.audit.title", lang)),
                    page_table(D.T_AUDIT, lang, style={"height": "360px", "width": "100%"}),
                ]),
                html.Section(className="bw-section", children=[
                    html.H2(t("dept.assets.title", lang)),
                    figure_card(D.IDLE, lang, image_filename("department", "idle", year)),
                    page_table(D.T_ASSETS, lang, style={"height": "360px", "width": "100%"}),
                    html.H3(t("dept.enterprises.title", lang)),
                    page_table(D.T_ENTERPRISES, lang, style={"height": "300px", "width": "100%"}),
                ]),
            ]),
        ]),
    ])


# -- the data of a view -------------------------------------------------------------------------
@dataclass
class DeptData:
    period: q.Period
    depts: pd.DataFrame                     # top-level departments with execution (the picker)
    dept: str | None = None
    units: pd.DataFrame | None = None       # department_units
    execution: pd.DataFrame | None = None
    lines: pd.DataFrame | None = None
    monthly: pd.DataFrame | None = None
    sangong: pd.DataFrame | None = None
    flags: pd.DataFrame | None = None
    flags_updating: bool = False            # recomputed in the background after a load: said, not shown stale
    findings: pd.DataFrame | None = None
    admin: pd.DataFrame | None = None
    enterprises: pd.DataFrame | None = None
    asset_year: int | None = None
    thresholds: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        if self.units is not None and len(self.units):
            return str(self.units["dept_name"].iloc[0])
        return self.dept or ""


def load(store: Store, year: int | None, as_of: dt.date | None, dept: str | None) -> DeptData | None:
    """Everything the page shows; None when there is no budget or payment data at all."""
    th = load_rule_thresholds(store).values
    with store.reader() as con:
        period = q.resolve_period(con, year, as_of)
        if period is None:
            return None
        data = DeptData(period, q.department_execution(con, period.year, period.as_of), thresholds=th)
        if not dept:
            return data
        data.dept = dept
        data.units = qd.department_units(con, dept)
        if data.units.empty:
            return data
        codes = list(data.units["dept_code"])
        y, day = period.year, period.as_of
        data.execution = qd.unit_execution(con, dept, y, day)
        data.lines = qd.budget_lines(con, dept, y, day)
        data.monthly = qd.monthly_cumulative(con, dept, y, day)
        data.sangong = qd.sangong(con, dept, y, day, th.get("SANGONG_GROWTH", {}).get("econ_codes", qd.SANGONG_CODES))
        try:
            flags = cached_flags(store, con, y, day, th)
        except FlagsUpdating:
            flags, data.flags_updating = empty_flags(), True
        data.flags = qd.department_flags(flags, codes)
        data.findings = qu.findings(con, y, qu.audit_as_of(con, y, day), codes)
        years = qa.asset_years(con)
        data.asset_year = y if y in years else next((v for v in years if v <= y), years[0] if years else None)
        if data.asset_year is not None:
            data.admin = qa.admin_assets(con, data.asset_year, codes)
            ents = qa.enterprises(con, data.asset_year, codes)
            marks = qa.enterprise_marks(qa.asset_flags(con, data.asset_year, th))
            data.enterprises = enterprise_frame(ents, marks)
    return data


def _th(data: DeptData, rule: str, name: str, default: float) -> float:
    return float(data.thresholds.get(rule, {}).get(name, default))


def headline(data: DeptData, lang: str) -> list:
    tot = qd.totals(data.execution)
    period = data.period
    unit = fmt.money_unit([tot["adjusted"], tot["original"], tot["spent"]])
    rate, schedule = tot["rate"], period.schedule
    sev = data.flags["severity"].value_counts() if data.flags is not None else pd.Series(dtype=int)
    n_flags = int(sev.sum()) if len(sev) else 0
    sg = data.sangong
    sg_cur, sg_prev = float(sg["cur"].sum()), float(sg["prev"].sum())
    sg_growth = (sg_cur - sg_prev) / sg_prev if sg_prev > 0 else None
    return [
        card(t("headline.adjusted", lang), fmt.money(tot["adjusted"], lang, unit),
             t("headline.original", lang, amount=fmt.money(tot["original"], lang, unit))),
        card(t("headline.rate", lang), fmt.percent(rate),
             t("dept.rate_note", lang, spent=fmt.money(tot["spent"], lang, unit),
               diff=fmt.points(rate - schedule, lang)) if rate is not None else t("dept.no_budget", lang),
             f"is-{lag_band(rate, schedule)}" if rate is not None else ""),
        card(t("dept.sangong", lang), fmt.money(sg_cur, lang),
             t("dept.sangong_note", lang, prev=fmt.money(sg_prev, lang),
               growth=fmt.percent(sg_growth) if sg_growth is not None else "—"),
             "is-medium" if sg_growth is not None and sg_growth > _th(data, "SANGONG_GROWTH", "min_growth_pct", 20) / 100
             else ""),
        card(t("dept.flag_count", lang), t("dept.flag_value", lang, n=n_flags),
             t("dept.flag_note", lang, high=int(sev.get("high", 0)), medium=int(sev.get("medium", 0)),
               low=int(sev.get("low", 0))),
             "is-high" if sev.get("high", 0) else "is-medium" if n_flags else ""),
    ]


def dept_options(data: DeptData, lang: str) -> list[dict]:
    options = [{"label": f"{n}（{c}）", "value": c} for c, n in zip(data.depts["dept_code"], data.depts["dept_name"])]
    options.sort(key=lambda o: o["value"])
    if data.dept and data.dept not in {o["value"] for o in options}:
        options.insert(0, {"label": f"{data.name}（{data.dept}）", "value": data.dept})
    return options


# -- the callback, as a plain function --------------------------------------------------------
TABLES = (D.T_PICKER, D.T_LINES, D.T_FLAGS, D.T_AUDIT, D.T_ASSETS, D.T_ENTERPRISES)


def update_department(store: Store, year, as_of: str | None, dept: str | None, search: str | None) -> dict:
    """Everything the page shows for a department, year and as-of date (None: defaults / picker).

    Whatever goes wrong while drawing, the reader gets a sentence, never a traceback."""
    try:
        return _update_department(store, year, as_of, dept, search)
    except Exception:
        log.exception("department page failed")
        out = _blank(lang_of(search))
        out["message"] = notice(t("error.unexpected", lang_of(search)), tone="is-error")
        return out


def _update_department(store: Store, year, as_of: str | None, dept: str | None, search: str | None) -> dict:
    lang = lang_of(search)
    out = _blank(lang)
    dept = (str(dept).strip() or None) if dept else None
    try:
        data = load(store, int_param(str(year)) if year is not None else None, date_param(as_of), dept)
        if data is None:
            with store.reader() as con:
                anything = holds_rows(con, "departments", "assets_enterprise", "assets_admin", "audit_findings")
            out["message"] = notice(t("empty.no_budget" if anything else "empty.none", lang), more=how_to_load(lang))
            return out
    except Exception as exc:  # the page's last guard: a sentence for the reader, details in the log
        out["message"] = failure(exc, lang, "department")
        return out

    period = data.period
    y, day = period.year, period.as_of
    out.update(
        year_options=[{"label": str(v), "value": v} for v in period.years], year=y, as_of=day.isoformat(),
        as_of_min=dt.date(y, 1, 1).isoformat(), as_of_max=dt.date(y, 12, 31).isoformat(),
        schedule=t("overview.schedule", lang, pct=fmt.percent(period.schedule), date=fmt.date(day, lang),
                   day=q.day_of_year(day)[0], days=q.day_of_year(day)[1]),
        dept_options=dept_options(data, lang), dept=data.dept,
        view=with_params(search, dept=data.dept, year=y, as_of=day.isoformat(), lang=lang),
    )
    if data.dept is None:
        out["picker_style"] = {}
        out[f"table:{D.T_PICKER}"] = picker_payload(data, period, lang)
        return out
    if data.units is None or data.units.empty:
        out["message"] = notice(t("dept.unknown", lang, dept=data.dept))
        out["picker_style"] = {}
        out[f"table:{D.T_PICKER}"] = picker_payload(data, period, lang)
        return out

    names = dict(zip(data.units["dept_code"], data.units["dept_name"]))
    name = data.name
    out["body_style"] = {}
    n_units = len(data.units) - 1
    out["heading"] = [html.Span(name), html.Span(f" {data.dept}", className="bw-code"),
                      html.Span(t("dept.units_note", lang, n=n_units), className="bw-subject-note")]
    out["headline"] = headline(data, lang)
    max_idle = _th(data, "IDLE_ASSETS", "max_idle_pct", 20) / 100
    figures = {
        D.UNITS: figs.unit_execution_figure(data.execution, period.schedule, dept_name=name, year=y, as_of=day, lang=lang),
        D.MONTHLY: figs.monthly_figure(data.monthly, dept_name=name, year=y, lang=lang),
        D.SANGONG: figs.sangong_figure(data.sangong, dept_name=name, year=y, as_of=day,
                                       max_growth=_th(data, "SANGONG_GROWTH", "min_growth_pct", 20) / 100, lang=lang),
        D.IDLE: afigs.idle_share_figure(
            qa.admin_by(data.admin if data.admin is not None else pd.DataFrame(), "category"), by="category",
            max_idle=max_idle, lang=lang,
            title=t("fig.dept.idle.title", lang, dept=name, year=data.asset_year or y)),
    }
    for gname, fig in figures.items():
        out[f"fig:{gname}"] = fig
        out[f"style:{gname}"] = graph_style(fig)
        out[f"config:{gname}"] = image_config(image_filename("department", f"{data.dept}_{_FILE_PART[gname]}", y))
    out["flags_note"] = (t("flags.updating", lang) if data.flags_updating
                         else t("dept.flags.none", lang, date=fmt.date(day, lang)) if data.flags.empty
                         else t("dept.flags.note", lang, n=len(data.flags), date=fmt.date(day, lang)))
    out[f"table:{D.T_FLAGS}"] = grid_payload(flags_frame(data.flags, names, lang), FLAG_COLS, lang, ("severity",))
    out[f"table:{D.T_LINES}"] = grid_payload(lines_frame(data.lines, lang), LINE_COLS, lang, ("over",))
    out[f"table:{D.T_AUDIT}"] = grid_payload(audit_frame(data.findings, lang), AUDIT_COLS, lang, ("status",))
    admin = data.admin if data.admin is not None else pd.DataFrame(
        columns=list(dict.fromkeys([c.field for c in ADMIN_COLS] + ["dept_code", "dept_name", "idle_share"])))
    out[f"table:{D.T_ASSETS}"] = grid_payload(admin_frame(admin, max_idle), ADMIN_COLS, lang, ("idle_flag",))
    ents = data.enterprises if data.enterprises is not None else pd.DataFrame(columns=[c.field for c in ENTERPRISE_COLS])
    out[f"table:{D.T_ENTERPRISES}"] = grid_payload(ents, ENTERPRISE_COLS, lang,
                                                  ("LEVERAGE", "CONSECUTIVE_LOSS", "EQUITY_DECLINE"))
    return out


def _blank(lang: str) -> dict:
    out = {
        "year_options": dash.no_update, "year": dash.no_update, "as_of": dash.no_update,
        "as_of_min": None, "as_of_max": None, "schedule": "", "message": None,
        "dept_options": dash.no_update, "dept": dash.no_update,
        "picker_style": HIDDEN, "body_style": HIDDEN,
        "heading": [], "headline": [], "flags_note": "", "view": dash.no_update,
    }
    out.update(section_unchanged(GRAPHS, TABLES))
    return out


# -- downloads --------------------------------------------------------------------------------
_EXPORTS = {  # table -> (title key, columns, frame builder)
    D.T_PICKER: "dept.picker.title", D.T_LINES: "dept.lines.title", D.T_FLAGS: "dept.flags.title",
    D.T_AUDIT: "dept.audit.title", D.T_ASSETS: "dept.assets.title", D.T_ENTERPRISES: "dept.enterprises.title",
}


def fetch(table: str):
    """The export of one of the page's tables for a URL query (the whole table, as the permalink says)."""

    def _fetch(store: Store, query: dict, lang: str) -> Export:
        dept = query.get("dept") or None
        data = load(store, int_param(query.get("year")), date_param(query.get("as_of")), dept)
        if data is None:
            return Export(pd.DataFrame(), t(_EXPORTS[table], lang))
        period = data.period
        filters = [(t("overview.year", lang), str(period.year)), (t("overview.as_of", lang), period.as_of.isoformat())]
        title = t(_EXPORTS[table], lang)
        if table == D.T_PICKER or data.units is None or data.units.empty:
            frame = picker_frame(data.depts, period, lang)
            frame["link"] = frame["dept_name"]
            cols = PICKER_COLS
            title = t(_EXPORTS[D.T_PICKER], lang)
        else:
            filters.insert(0, (t("dept.pick", lang), f"{data.name}（{data.dept}）"))
            title = f"{data.name} {title}"
            names = dict(zip(data.units["dept_code"], data.units["dept_name"]))
            max_idle = _th(data, "IDLE_ASSETS", "max_idle_pct", 20) / 100
            frame, cols = {
                D.T_LINES: (lambda: lines_frame(data.lines, lang), LINE_COLS),
                D.T_FLAGS: (lambda: flags_frame(data.flags, names, lang), FLAG_COLS),
                D.T_AUDIT: (lambda: audit_frame(data.findings, lang), AUDIT_COLS),
                D.T_ASSETS: (lambda: admin_frame(data.admin, max_idle) if data.admin is not None else pd.DataFrame(), ADMIN_COLS),
                D.T_ENTERPRISES: (lambda: data.enterprises if data.enterprises is not None else pd.DataFrame(),
                                  ENTERPRISE_COLS),
            }[table]
            frame = frame()
        unit = table_unit(frame, cols)
        return Export(export_frame(frame, cols, unit, lang), title, filters, period.as_of.isoformat())

    return _fetch


def register_callbacks(app: dash.Dash, store: Store) -> None:
    output = {
        "year_options": Output(D.YEAR, "options"), "year": Output(D.YEAR, "value"),
        "as_of": Output(D.AS_OF, "date"), "as_of_min": Output(D.AS_OF, "min_date_allowed"),
        "as_of_max": Output(D.AS_OF, "max_date_allowed"), "schedule": Output(D.SCHEDULE, "children"),
        "message": Output(D.MESSAGE, "children"),
        "dept_options": Output(D.DEPT, "options"), "dept": Output(D.DEPT, "value"),
        "picker_style": Output(D.PICKER, "style"), "body_style": Output(D.BODY, "style"),
        "heading": Output(D.HEADING, "children"), "headline": Output(D.HEADLINE, "children"),
        "flags_note": Output(D.FLAGS, "children"),
        "view": Output(ids.view(VIEW), "data"),
    }
    output.update(section_outputs(GRAPHS, TABLES))

    @app.callback(
        output=output,
        inputs={"year": Input(D.YEAR, "value"), "as_of": Input(D.AS_OF, "date"), "dept": Input(D.DEPT, "value")},
        state={"search": State(ids.Frame.URL, "search")},
    )
    def _update(year, as_of, dept, search):
        return update_department(store, year, as_of, dept, search)

    for name in TABLES:
        register_export(app, store, name, fetch(name))
