"""The page's callback as a plain function (``update_department``), and ``register_callbacks``.

Whatever goes wrong while drawing, the reader gets a sentence (``failure``), never a traceback.
"""
from __future__ import annotations

import datetime as dt
import logging

import dash
import pandas as pd
from dash import Input, Output, State, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import failure, how_to_load, notice, section_outputs, section_unchanged
from budgetwatch.dashboard.figures import assets as afigs
from budgetwatch.dashboard.figures import department as figs
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import (ADMIN_COLS, ENTERPRISE_COLS, HIDDEN, admin_frame, graph_style,
                                               grid_payload, with_yoy)
from budgetwatch.dashboard.tables import register_export
from budgetwatch.dashboard.urls import date_param, int_param, lang_of, with_params
from budgetwatch.queries import assets as qa
from budgetwatch.queries import overview as q
from budgetwatch.queries.status import holds_rows
from budgetwatch.queries.store import Store

from budgetwatch.dashboard.pages.department.download import fetch
from budgetwatch.dashboard.pages.department.model import load, threshold
from budgetwatch.dashboard.pages.department.pieces import dept_options, headline
from budgetwatch.dashboard.pages.department.tables import (AUDIT_COLS, FLAG_COLS, LINE_COLS, UNIT_COLS, audit_frame,
                                                         flags_frame, lines_frame, picker_payload, units_frame)
from budgetwatch.dashboard.pages.department.words import D, FILE_PART, GRAPHS, TABLES, VIEW

log = logging.getLogger("budgetwatch.dashboard")


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
    max_idle = threshold(data, "IDLE_ASSETS", "max_idle_pct", 20) / 100
    figures = {
        D.UNITS: figs.unit_execution_figure(data.execution, period.schedule, dept_name=name, year=y, as_of=day, lang=lang),
        D.MONTHLY: figs.monthly_figure(data.monthly, dept_name=name, year=y, lang=lang),
        D.SANGONG: figs.sangong_figure(data.sangong, dept_name=name, year=y, as_of=day,
                                       max_growth=threshold(data, "SANGONG_GROWTH", "min_growth_pct", 20) / 100,
                                       lang=lang),
        D.IDLE: afigs.idle_share_figure(
            qa.admin_by(data.admin if data.admin is not None else pd.DataFrame(), "category"), by="category",
            max_idle=max_idle, lang=lang,
            title=t("fig.dept.idle.title", lang, dept=name, year=data.asset_year or y)),
    }
    for gname, fig in figures.items():
        out[f"fig:{gname}"] = fig
        out[f"style:{gname}"] = graph_style(fig)
        out[f"config:{gname}"] = image_config(image_filename("department", f"{data.dept}_{FILE_PART[gname]}", y))
    out["flags_note"] = (t("flags.updating", lang) if data.flags_updating
                         else t("dept.flags.none", lang, date=fmt.date(day, lang)) if data.flags.empty
                         else t("dept.flags.note", lang, n=len(data.flags), date=fmt.date(day, lang)))
    out[f"table:{D.T_FLAGS}"] = grid_payload(flags_frame(data.flags, names, lang), FLAG_COLS, lang, ("severity",))
    units = units_frame(data.units_yoy)
    out[f"table:{D.T_UNITS}"] = with_yoy(grid_payload(units, UNIT_COLS, lang), units, lang, data.prior_held)
    lines = lines_frame(data.lines, lang)
    out[f"table:{D.T_LINES}"] = with_yoy(grid_payload(lines, LINE_COLS, lang, ("over",)), lines, lang, data.prior_held)
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
