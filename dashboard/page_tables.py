"""The grids several pages share: column declarations, cell formats, grid payloads, export
frames, and the state-asset column sets the department and assets pages both show.

Here rather than in one page so that pages never import each other (tests/test_architecture.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
import json

import pandas as pd

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.tables import table_card
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.store import Store


# Hidden sections keep their width (visibility, not display: none): a grid or a responsive chart
# created in a zero-width box would stay collapsed when the section is shown.
HIDDEN = {"visibility": "hidden", "height": "0", "overflow": "hidden", "padding": "0", "margin": "0", "border": "none"}


def page_table(name: str, lang: str, **grid_kw):
    """``tables.table_card`` with every column drawn (wide tables stay whole in screenshots)."""
    options = {"suppressColumnVirtualisation": True, **grid_kw.pop("dashGridOptions", {})}
    return table_card(name, lang, dashGridOptions=options, **grid_kw)


# -- table columns ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    """One column: the frame's field, the i18n key of its header, how its values read.

    ``kind``: text, money (yuan in the frame; shown in the table's unit, named in the header),
    pct (a share; shown as %), int, year (a number shown without separators), date, long
    (text that wraps onto several lines). ``classes``: AG Grid cellClassRules (JS conditions).
    """
    field: str
    key: str
    kind: str = "text"
    width: int | None = None
    classes: dict = field(default_factory=dict)
    pinned: bool = False


_FORMAT = {
    "money": "params.value == null ? '—' : d3.format(',.2f')(params.value)",
    "pct": "params.value == null ? '—' : d3.format('.1%')(params.value)",
    "int": "params.value == null ? '—' : d3.format(',')(params.value)",
    "year": "params.value == null ? '—' : String(params.value)",
}


def _header(col: Col, unit: fmt.MoneyUnit, lang: str) -> str:
    name = t(col.key, lang)
    if col.kind == "money":
        return fmt.axis_title(name, unit.label(lang), lang)
    if col.kind == "pct":
        return fmt.axis_title(name, "%", lang)
    return name


def table_unit(frame: pd.DataFrame, cols: Sequence[Col]) -> fmt.MoneyUnit:
    """Tables read in 万元 with two decimals whatever their size: 亿元 would round the small
    rows of a column to nothing, and thousands separators keep large ones readable."""
    return fmt.WAN


def grid_columns(cols: Sequence[Col], unit: fmt.MoneyUnit, lang: str) -> list[dict]:
    defs = []
    for c in cols:
        d = {"field": c.field, "headerName": _header(c, unit, lang), "headerTooltip": _header(c, unit, lang),
             "wrapHeaderText": True, "autoHeaderHeight": True}
        if c.kind == "long":
            d.update(wrapText=True, autoHeight=True, flex=3, cellStyle={"lineHeight": "1.5", "paddingTop": "6px",
                                                                         "paddingBottom": "6px"})
        if c.kind in _FORMAT:
            d["type"] = "rightAligned"
            d["filter"] = "agNumberColumnFilter"
            d["valueFormatter"] = {"function": _FORMAT[c.kind]}
        if c.width:
            d["minWidth"] = c.width
        if c.classes:
            d["cellClassRules"] = c.classes
        if c.pinned:
            d["pinned"] = "left"
        defs.append(d)
    return defs


def _cell(value, kind: str, unit: fmt.MoneyUnit):
    if fmt.missing(value):
        return None
    if kind == "money":
        return fmt.cell(value, unit)
    if kind == "pct":
        return round(float(value), 4)
    if kind in ("int", "year"):
        return int(value)
    if kind == "date":
        return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)[:10]
    if isinstance(value, (bool,)):
        return value
    return value if isinstance(value, (int, float)) else str(value)


def grid_rows(frame: pd.DataFrame, cols: Sequence[Col], unit: fmt.MoneyUnit,
              extra: Sequence[str] = ()) -> list[dict]:
    """The rows as the grid reads them: money in ``unit``, shares as shares, dates as text.
    ``extra`` fields (e.g. a severity for cellClassRules) are passed as they are."""
    rows = []
    for rec in frame.to_dict("records"):
        row = {c.field: _cell(rec.get(c.field), c.kind, unit) for c in cols}
        for name in extra:
            value = rec.get(name)
            row[name] = None if fmt.missing(value) else value
        rows.append(row)
    return rows


def export_frame(frame: pd.DataFrame, cols: Sequence[Col], unit: fmt.MoneyUnit, lang: str) -> pd.DataFrame:
    """The table as the downloads carry it: headers with units, shares as percentages."""
    out = {}
    for c in cols:
        values = [_cell(v, c.kind, unit) for v in frame[c.field]] if c.field in frame else []
        if c.kind == "pct":
            values = [None if v is None else round(v * 100, 2) for v in values]
        out[_header(c, unit, lang)] = values
    return pd.DataFrame(out)


def grid_payload(frame: pd.DataFrame, cols: Sequence[Col], lang: str, extra: Sequence[str] = ()) -> dict:
    unit = table_unit(frame, cols)
    return {"columnDefs": grid_columns(cols, unit, lang), "rowData": grid_rows(frame, cols, unit, extra)}


SEVERITY_CLASSES = {"bw-cell-high": "params.data.severity == 'high'",
                    "bw-cell-medium": "params.data.severity == 'medium'",
                    "bw-cell-low": "params.data.severity == 'low'"}


def severity_text(frame: pd.DataFrame, lang: str) -> pd.Series:
    """红色预警 / 橙色预警 / 黄色预警 (High / Medium / Low)."""
    return frame["severity"].map(lambda s: t(f"severity.{s}", lang) if s in ("high", "medium", "low") else s)


def load_rule_thresholds(store: Store):
    """The thresholds in force for this data folder (defaults, then DATA_DIR/rules.toml)."""
    return load_thresholds(store.data_dir)


def graph_style(fig) -> dict:
    """The chart's box as tall as its figure: a responsive chart drawn while its section was
    hidden would otherwise collapse to nothing."""
    return {"height": f"{int(fig.layout.height or 420)}px"}


ADMIN_COLS = (
    Col("unit", "col.unit", width=160), Col("asset_category", "col.asset_category"),
    Col("quantity", "col.quantity", "int"), Col("book", "col.book", "money"), Col("idle", "col.idle", "money"),
    Col("idle_share", "col.idle_share", "pct", classes={"bw-cell-medium": "params.data.idle_flag == true"}),
)


ENTERPRISE_COLS = (
    Col("enterprise_name", "col.enterprise", width=220), Col("enterprise_code", "col.credit_code", width=170),
    Col("assets", "col.assets", "money"), Col("liabilities", "col.liabilities", "money"),
    Col("debt_ratio", "col.debt_ratio", "pct", classes={"bw-cell-high": "params.data.LEVERAGE == 'high'",
                                                        "bw-cell-medium": "params.data.LEVERAGE == 'medium'"}),
    Col("profit", "col.profit", "money", classes={"bw-cell-high": "params.data.CONSECUTIVE_LOSS != null",
                                                  "bw-cell-medium": "params.value < 0"}),
    Col("keep_ratio", "col.keep_ratio", "pct", classes={"bw-cell-medium": "params.data.EQUITY_DECLINE != null"}),
)


def unit_label(codes: pd.Series, names: pd.Series) -> pd.Series:
    """"市第一中学 001001": the name, then the code."""
    return names.fillna(codes).astype(str) + " " + codes.astype(str)


def admin_frame(admin: pd.DataFrame, max_idle: float) -> pd.DataFrame:
    frame = admin.copy()
    frame["unit"] = unit_label(frame["dept_code"], frame["dept_name"])
    frame["idle_flag"] = frame["idle_share"] > max_idle
    return frame


def enterprise_frame(ents: pd.DataFrame, marks: pd.DataFrame) -> pd.DataFrame:
    frame = ents.merge(marks, how="left", left_on="enterprise_code", right_index=True)
    for rule in ("LEVERAGE", "CONSECUTIVE_LOSS", "EQUITY_DECLINE"):
        if rule not in frame:
            frame[rule] = None
    return frame


# -- 上年同期, 增减, 增幅: the year-on-year columns of execution tables --------------------------
_YOY_MONEY = "params.value == null ? {none} : d3.format(',.2f')(params.value)"
_YOY_PCT = "params.value == null ? {none} : d3.format('+.1%')(params.value)"


def yoy_columns(lang: str, unit: fmt.MoneyUnit, held: bool) -> list[dict]:
    """The three columns after a table's own (fields prior, change, growth); their empty cells
    read 无上年数据 when the year before holds nothing, else — (growth of something that spent
    nothing the year before). Shared by the execution and department pages."""
    none = json.dumps(t("yoy.none", lang) if not held else "—", ensure_ascii=False)
    u = unit.label(lang)
    base = {"type": "rightAligned", "filter": "agNumberColumnFilter", "minWidth": 130}
    return [
        {"field": "prior", "headerName": fmt.axis_title(t("yoy.col.prior", lang), u, lang), **base,
         "valueFormatter": {"function": _YOY_MONEY.format(none=none)}},
        {"field": "change", "headerName": fmt.axis_title(t("yoy.col.change", lang), u, lang), **base,
         "valueFormatter": {"function": _YOY_MONEY.format(none=none)}, "cellClassRules": {"bw-neg": "params.value < 0"}},
        {"field": "growth", "headerName": t("yoy.col.growth", lang), **base, "minWidth": 100,
         "valueFormatter": {"function": _YOY_PCT.format(none=none)}, "cellClassRules": {"bw-neg": "params.value < 0"}},
    ]


def yoy_row_values(r, unit: fmt.MoneyUnit) -> dict:
    """A row's three values (None where there is nothing to show); ``r`` has attributes
    prior, change (yuan) and growth (a share)."""
    def money(v):
        return None if fmt.missing(v) else round(float(v) / unit.divisor, 2)
    return {"prior": money(r.prior), "change": money(r.change),
            "growth": None if fmt.missing(r.growth) else round(float(r.growth), 4)}


def yoy_export_columns(rows: list[dict], unit: fmt.MoneyUnit, held: bool, lang: str) -> dict[str, list]:
    """The three columns as a download carries them (headers with units; 无上年数据 written out)."""
    none = t("yoy.none", lang)
    u = unit.label(lang)

    def cells(key, scale=1.0, digits=2):
        return [none if not held else (None if r[key] is None else round(r[key] * scale, digits)) for r in rows]
    return {fmt.axis_title(t("yoy.col.prior", lang), u, lang): cells("prior"),
            fmt.axis_title(t("yoy.col.change", lang), u, lang): cells("change"),
            fmt.axis_title(t("yoy.col.growth", lang), "%", lang): cells("growth", 100, 1)}


def with_yoy(payload: dict, frame: pd.DataFrame, lang: str, held: bool) -> dict:
    """A ``grid_payload`` of ``frame`` (carrying prior, change, growth) with the three columns."""
    unit = table_unit(frame, ())
    payload["columnDefs"] = payload["columnDefs"] + yoy_columns(lang, unit, held)
    for row, r in zip(payload["rowData"], frame.itertuples(index=False)):
        row.update(yoy_row_values(r, unit))
    return payload


def yoy_export(export: pd.DataFrame, frame: pd.DataFrame, lang: str, held: bool) -> pd.DataFrame:
    """An ``export_frame`` of ``frame`` (carrying prior, change, growth) with the three columns."""
    unit = table_unit(frame, ())
    rows = [yoy_row_values(r, unit) for r in frame.itertuples(index=False)]
    return export.assign(**yoy_export_columns(rows, unit, held, lang))
