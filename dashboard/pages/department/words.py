"""The page's constants: its path, ids, graphs and tables, and the titles of its downloads."""
from __future__ import annotations

from budgetwatch.dashboard import ids

PATH = "/departments"
NAV_KEY = "nav.departments"
VIEW = "department"
D = ids.Department
GRAPHS = (D.UNITS, D.MONTHLY, D.SANGONG, D.IDLE)
FILE_PART = {D.UNITS: "units", D.MONTHLY: "monthly", D.SANGONG: "sangong", D.IDLE: "idle"}
TABLES = (D.T_PICKER, D.T_UNITS, D.T_LINES, D.T_FLAGS, D.T_AUDIT, D.T_ASSETS, D.T_ENTERPRISES)
EXPORT_TITLES = {  # table -> i18n key of its title (the section heading and the download's title)
    D.T_PICKER: "dept.picker.title", D.T_UNITS: "dept.units.title",
    D.T_LINES: "dept.lines.title", D.T_FLAGS: "dept.flags.title",
    D.T_AUDIT: "dept.audit.title", D.T_ASSETS: "dept.assets.title", D.T_ENTERPRISES: "dept.enterprises.title",
}
