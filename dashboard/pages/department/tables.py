"""The page's tables, declared once (``Col``): each gives the grid's columns, its rows and the
CSV/XLSX download. The frame builders are pure (frame in, frame out)."""
from __future__ import annotations

import pandas as pd

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.dashboard.page_tables import SEVERITY_CLASSES, Col, grid_payload, severity_text, unit_label
from budgetwatch.dashboard.figures.overview import lag_band
from budgetwatch.dashboard.tables import text_link
from budgetwatch.dashboard.urls import with_params
from budgetwatch.queries import overview as q
from budgetwatch.queries.reference import label

from budgetwatch.dashboard.pages.department.words import PATH

PICKER_COLS = (
    Col("link", "dept.col.dept", width=220, pinned=True), Col("dept_code", "col.code", width=90),
    Col("adjusted", "col.adjusted", "money"), Col("spent", "col.spent", "money"),
    Col("rate", "col.rate", "pct", classes={"bw-cell-high": "params.data.band == 'high'",
                                             "bw-cell-medium": "params.data.band == 'medium'"}),
    Col("gap", "col.gap", "pct"),
)
UNIT_COLS = (   # followed by 上年同期, 增减, 增幅 (page_tables.with_yoy)
    Col("unit", "col.unit", width=200, pinned=True), Col("original", "col.original", "money"),
    Col("adjusted", "col.adjusted", "money"), Col("spent", "col.spent", "money"), Col("rate", "col.rate", "pct"),
)
LINE_COLS = (   # followed by 上年同期, 增减, 增幅 (page_tables.with_yoy)
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


def units_frame(units_yoy: pd.DataFrame) -> pd.DataFrame:
    """Each unit's execution (``queries.department.with_prior``), named as the other tables name units."""
    frame = units_yoy.copy()
    frame["unit"] = unit_label(frame["dept_code"], frame["dept_name"])
    return frame


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
    frame = fmt.flags_in(flags, lang).copy()
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
