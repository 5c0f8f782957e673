"""部门 Department profile: the page a member opens before questioning a department head.

``/departments?dept=001&year=2025&as_of=2025-06-30&lang=zh``. Without ``dept`` the page lists
the top-level departments with their execution, to pick one. With it: the department and its
units (rolled up through the parent chain) — execution against the time schedule, each unit,
the month-by-month curve against last year, 三公经费 this year to date against the same period
last year, its warning flags, its budget lines, its audit findings and its assets.

The room: ``words`` (path, ids, graphs, tables), ``layout`` (components, no data), ``model``
(``load``: what a view asks of the store), ``tables`` (the tables' columns and rows),
``pieces`` (headline cards, picker options), ``callbacks`` (``update_department`` and its
registration), ``download`` (the tables' CSV/XLSX).
"""
from __future__ import annotations

from budgetwatch.dashboard.page_tables import HIDDEN
from budgetwatch.dashboard.pages.department.callbacks import register_callbacks, update_department
from budgetwatch.dashboard.pages.department.download import fetch
from budgetwatch.dashboard.pages.department.layout import layout
from budgetwatch.dashboard.pages.department.model import DeptData, cached_flags, load, threshold
from budgetwatch.dashboard.pages.department.pieces import dept_options, headline
from budgetwatch.dashboard.pages.department.tables import (AUDIT_COLS, FLAG_COLS, LINE_COLS, PICKER_COLS, audit_frame,
                                                         flags_frame, lines_frame, picker_frame, picker_payload)
from budgetwatch.dashboard.pages.department.words import D, GRAPHS, NAV_KEY, PATH, TABLES, VIEW

__all__ = ["AUDIT_COLS", "D", "DeptData", "FLAG_COLS", "GRAPHS", "HIDDEN", "LINE_COLS", "NAV_KEY", "PATH",
           "PICKER_COLS", "TABLES", "VIEW", "audit_frame", "cached_flags", "dept_options", "fetch", "flags_frame",
           "headline", "layout", "lines_frame", "load", "picker_frame", "picker_payload", "register_callbacks",
           "threshold", "update_department"]
