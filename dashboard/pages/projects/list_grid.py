"""The project list, paged on the server: AG Grid's infinite row model asks for one block of
rows at a time, and only that block is turned into grid rows.

Five thousand projects sent as one grid payload cost ≈ 1.3 s of Python per request (every cell
formatted) and a large response (issue 11); a block of 100 costs a few milliseconds. The view's
projects come from the page cache (``data.load``), so sorting and filtering a block is pandas
over a few thousand rows already in memory. Filters are typed in the grid's own units: money in
万元 (the tables' unit), shares as shown.
"""
from __future__ import annotations

import hashlib
import json
import logging

import pandas as pd
from dash import html

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.page_tables import grid_columns, grid_rows, page_table, table_unit
import budgetwatch.dashboard.pages.projects.data as pd_
from budgetwatch.dashboard.urls import date_param, int_param, lang_of

log = logging.getLogger("budgetwatch.dashboard")
P = ids.Projects
BLOCK = 100                     # rows per request (AG Grid's cacheBlockSize)
MAX_BLOCK = 500                 # never more per request, whatever the grid asks
EXTRA = ("severity", "project_code")
_SORT_KEYS = {"flag_text": "_severity_rank", "status_text": "_status_rank"}
_STATUS_ORDER = {"未开工": 0, "在建": 1, "已完工": 2, "停工": 3}
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def token(state: dict) -> str:
    """A new grid (remounted, asking from row 0) for each view, year and as-of date."""
    key = {k: state.get(k) for k in ("view", "year", "as_of")}
    return hashlib.sha1(json.dumps(key, sort_keys=True).encode()).hexdigest()[:12]


def columns(lang: str) -> list[dict]:
    """The list's columns for the infinite model: a row not loaded yet has no data, so every
    cell class rule is guarded; rows keep one height (the model cannot measure wrapped text)."""
    defs = grid_columns(pd_.LIST_COLS, table_unit(pd.DataFrame(), pd_.LIST_COLS), lang)
    for d in defs:
        if "cellClassRules" in d:
            d["cellClassRules"] = {k: f"params.data != null && ({rule})" for k, rule in d["cellClassRules"].items()}
        for key in ("autoHeight", "wrapText"):
            d.pop(key, None)
    return defs


def list_grid(lang: str, grid_token: str) -> html.Div:
    return html.Div(id=f"proj-list-{grid_token}", children=page_table(
        P.T_LIST, lang, getRowId="params.data.project_code", rowModelType="infinite", rowData=None,
        columnDefs=columns(lang),
        dashGridOptions={"cacheBlockSize": BLOCK, "maxBlocksInCache": 20, "infiniteInitialRowCount": 1,
                         "paginationPageSize": 20, "paginationPageSizeSelector": False},
        style={"height": "460px", "width": "100%"}))


def list_rows(store, request: dict | None, state: dict | None, search: str | None = None) -> dict:
    """The getRowsRequest answered: rows ``startRow``…``endRow`` of the filtered, sorted list
    of the view in ``state``, and how many the filters leave."""
    empty = {"rowData": [], "rowCount": 0}
    if not request:
        return empty
    lang = lang_of(search)
    state = state or {}
    try:
        data = pd_.load(store, int_param(state.get("year")), date_param(state.get("as_of")), state.get("view"))
    except Exception:   # the grid shows no rows; the log has the reason
        log.exception("project list block failed")
        return empty
    if data is None:
        return empty
    frame = pd_.list_frame(data, lang)
    unit = table_unit(frame, pd_.LIST_COLS)
    frame = filtered(frame, request.get("filterModel"), unit.divisor)
    frame = ordered(frame, request.get("sortModel"))
    start = max(0, int(request.get("startRow") or 0))
    end = min(max(start, int(request.get("endRow") or start + BLOCK)), start + MAX_BLOCK)
    part = pd_.rounded(frame.iloc[start:end])
    return {"rowData": grid_rows(part, pd_.LIST_COLS, unit, EXTRA), "rowCount": int(len(frame))}


def ordered(frame: pd.DataFrame, sort_model: list | None) -> pd.DataFrame:
    """The grid's sort (several columns allowed); unknown columns are ignored. Without one:
    the list's own order (by project code)."""
    known = {c.field for c in pd_.LIST_COLS}
    keys, ascending = [], []
    for s in sort_model or []:
        col = s.get("colId") if isinstance(s, dict) else None
        if col not in known:
            continue
        keys.append(_SORT_KEYS.get(col, col))
        ascending.append(s.get("sort") != "desc")
    if not keys:
        return frame
    frame = frame.assign(_severity_rank=frame["severity"].map(_SEVERITY_ORDER),
                         _status_rank=frame["status"].map(_STATUS_ORDER))
    return frame.sort_values(keys + ["project_code"], ascending=ascending + [True], kind="stable",
                             na_position="last").drop(columns=["_severity_rank", "_status_rank"])


_NUMBER_KINDS = {"money", "pct", "num", "int", "year", "pts"}


def filtered(frame: pd.DataFrame, model: dict | None, divisor: float) -> pd.DataFrame:
    """The grid's column filters: text (contains, equals, starts/ends with, and their negations)
    and numbers (=, ≠, <, ≤, >, ≥, in range), one or two conditions joined by AND/OR."""
    kinds = {c.field: c.kind for c in pd_.LIST_COLS}
    mask = pd.Series(True, index=frame.index)
    for col, m in (model or {}).items():
        if col not in kinds or col not in frame or not isinstance(m, dict):
            continue
        conditions = m.get("conditions") or [m]
        parts = [_condition(frame[col], c, kinds[col], divisor) for c in conditions if isinstance(c, dict)]
        if not parts:
            continue
        joined = parts[0]
        for p in parts[1:]:
            joined = (joined | p) if m.get("operator") == "OR" else (joined & p)
        mask &= joined.fillna(False).astype(bool)
    return frame[mask]


def _condition(values: pd.Series, c: dict, kind: str, divisor: float) -> pd.Series:
    op = c.get("type") or "contains"
    if c.get("filterType") == "number" or kind in _NUMBER_KINDS:
        scale = divisor if kind == "money" else 1.0
        v = pd.to_numeric(values, errors="coerce") / scale
        try:
            a = float(c.get("filter")) if c.get("filter") is not None else None
            b = float(c.get("filterTo")) if c.get("filterTo") is not None else None
        except (TypeError, ValueError):
            return pd.Series(True, index=values.index)
        if op == "blank":
            return v.isna()
        if op == "notBlank":
            return v.notna()
        if a is None:
            return pd.Series(True, index=values.index)
        return {"equals": lambda: (v - a).abs() < 0.005, "notEqual": lambda: (v - a).abs() >= 0.005,
                "lessThan": lambda: v < a, "lessThanOrEqual": lambda: v <= a,
                "greaterThan": lambda: v > a, "greaterThanOrEqual": lambda: v >= a,
                "inRange": lambda: (v >= a) & (v <= (b if b is not None else a))}.get(
                    op, lambda: pd.Series(True, index=values.index))()
    text = values.astype("string").fillna("")
    needle = str(c.get("filter") or "")
    low, n = text.str.lower(), needle.lower()
    return {"contains": lambda: low.str.contains(n, regex=False), "notContains": lambda: ~low.str.contains(n, regex=False),
            "equals": lambda: low == n, "notEqual": lambda: low != n, "startsWith": lambda: low.str.startswith(n),
            "endsWith": lambda: low.str.endswith(n), "blank": lambda: text == "", "notBlank": lambda: text != ""}.get(
                op, lambda: pd.Series(True, index=values.index))()
