"""The CSV/XLSX downloads of the page's tables: the whole table, as the permalink says."""
from __future__ import annotations

import pandas as pd

from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import (ADMIN_COLS, ENTERPRISE_COLS, admin_frame, export_frame, table_unit,
                                               yoy_export)
from budgetwatch.dashboard.tables import Export
from budgetwatch.dashboard.urls import date_param, int_param
from budgetwatch.queries.store import Store

from budgetwatch.dashboard.pages.department.model import load, threshold
from budgetwatch.dashboard.pages.department.tables import (AUDIT_COLS, FLAG_COLS, LINE_COLS, PICKER_COLS, UNIT_COLS,
                                                         audit_frame, flags_frame, lines_frame, picker_frame, units_frame)
from budgetwatch.dashboard.pages.department.words import D, EXPORT_TITLES


def fetch(table: str):
    """The export of one of the page's tables for a URL query (the whole table, as the permalink says)."""

    def _fetch(store: Store, query: dict, lang: str) -> Export:
        dept = query.get("dept") or None
        data = load(store, int_param(query.get("year")), date_param(query.get("as_of")), dept)
        if data is None:
            return Export(pd.DataFrame(), t(EXPORT_TITLES[table], lang))
        period = data.period
        filters = [(t("overview.year", lang), str(period.year)), (t("overview.as_of", lang), period.as_of.isoformat())]
        title = t(EXPORT_TITLES[table], lang)
        if table == D.T_PICKER or data.units is None or data.units.empty:
            frame = picker_frame(data.depts, period, lang)
            frame["link"] = frame["dept_name"]
            cols = PICKER_COLS
            title = t(EXPORT_TITLES[D.T_PICKER], lang)
        else:
            filters.insert(0, (t("dept.pick", lang), f"{data.name}（{data.dept}）"))
            title = f"{data.name} {title}"
            names = dict(zip(data.units["dept_code"], data.units["dept_name"]))
            max_idle = threshold(data, "IDLE_ASSETS", "max_idle_pct", 20) / 100
            frame, cols = {
                D.T_UNITS: (lambda: units_frame(data.units_yoy), UNIT_COLS),
                D.T_LINES: (lambda: lines_frame(data.lines, lang), LINE_COLS),
                D.T_FLAGS: (lambda: flags_frame(data.flags, names, lang), FLAG_COLS),
                D.T_AUDIT: (lambda: audit_frame(data.findings, lang), AUDIT_COLS),
                D.T_ASSETS: (lambda: admin_frame(data.admin, max_idle) if data.admin is not None else pd.DataFrame(), ADMIN_COLS),
                D.T_ENTERPRISES: (lambda: data.enterprises if data.enterprises is not None else pd.DataFrame(),
                                  ENTERPRISE_COLS),
            }[table]
            frame = frame()
        unit = table_unit(frame, cols)
        out = export_frame(frame, cols, unit, lang)
        if table in (D.T_UNITS, D.T_LINES) and cols in (UNIT_COLS, LINE_COLS):
            out = yoy_export(out, frame, lang, data.prior_held)
        return Export(out, title, filters, period.as_of.isoformat())

    return _fetch
