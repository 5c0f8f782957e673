"""The page's state: the URL query it knows, the grid's models, and one step of drill.

Every view of the page is its URL (``STATE_KEYS``); ``navigate`` is the one place a click or a
control becomes the next state.
"""
from __future__ import annotations


import json


from budgetwatch.dashboard import ids
from budgetwatch.dashboard.links import EXECUTION_PATH
from budgetwatch.dashboard.urls import build_search
from budgetwatch.queries import execution as q

PATH = EXECUTION_PATH
NAV_KEY = "nav.execution"
VIEW = "execution"
E = ids.Execution
GRAPHS = (E.TREEMAP, E.MONTHLY)
_FILE_PART = {E.TREEMAP: "level", E.MONTHLY: "monthly"}
STATE_KEYS = ("year", "as_of", "by", "path", "vouchers", "voucher", "grid", "sort", "yoy")
GRID_SUMMARY = "exec-vouchers-summary"      # why the vouchers grid is empty when it could not be read
MAX_MODEL_TEXT = 8000


def state_of(query: dict) -> dict:
    """The page's state from a URL query: only the keys the page knows, as text."""
    return {k: query.get(k) for k in STATE_KEYS if query.get(k) not in (None, "")}


def grid_models(state: dict) -> tuple[dict | None, list | None]:
    """The grid's filterModel and sortModel from the URL (``grid``/``sort``, JSON), each kept
    only for the grid's own columns; (None, None) when absent or unreadable."""
    def parse(key):
        raw = state.get(key)
        if not raw or len(str(raw)) > MAX_MODEL_TEXT:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None
    filters, sort = parse("grid"), parse("sort")
    filters = {k: v for k, v in filters.items() if k in q.VOUCHER_COLUMNS and isinstance(v, dict)} \
        if isinstance(filters, dict) else None
    sort = [x for x in sort if isinstance(x, dict) and x.get("colId") in q.VOUCHER_COLUMNS
            and x.get("sort") in ("asc", "desc")][:3] if isinstance(sort, list) else None
    return filters or None, sort or None


def with_grid_models(state: dict, filter_model, sort_model) -> dict:
    """The state with the grid's current models written in (the default order left out)."""
    state = dict(state)
    filters, sort = grid_models({"grid": json.dumps(filter_model) if filter_model else None,
                                 "sort": json.dumps(sort_model) if sort_model else None})
    state.pop("grid", None)
    state.pop("sort", None)
    if filters:
        state["grid"] = json.dumps(filters, ensure_ascii=False, separators=(",", ":"))
    if sort and sort != q.DEFAULT_SORT:
        state["sort"] = json.dumps(sort, ensure_ascii=False, separators=(",", ":"))
    return state


def node_of(state: dict) -> q.Node:
    return q.parse_node(state.get("by"), state.get("path"))


def link(state: dict, lang: str, **changes) -> str:
    """The page's URL for ``state`` with some keys changed (None removes one)."""
    params = {**state, **changes}
    params = {k: params.get(k) for k in STATE_KEYS}
    params["lang"] = lang if lang != "zh" else None
    return PATH + build_search(params)


def navigate(state: dict, trigger, *, year=None, as_of=None, by=None, click=None, cell=None) -> dict:
    """The state after one input changed: a control, a tile clicked, a table name clicked.

    A click drills one level (from a leaf: to the sibling). Anything that does not name a
    child of the level leaves the state as it was.
    """
    state = dict(state or {})
    if trigger == E.YEAR and year is not None:
        state["year"] = str(year)
    elif trigger == E.AS_OF and as_of:
        state["as_of"] = str(as_of)[:10]
    elif trigger == E.BY and by in q.BYS and by != node_of(state).by:
        state.update(by=by)
        for k in ("path", "vouchers", "voucher"):
            state.pop(k, None)
    elif trigger in (ids.graph(E.TREEMAP), ids.table(E.T_LEVEL)):
        code = _clicked_code(trigger, click, cell)
        if code:
            node = node_of(state)
            child = node.child(code)
            if child.path and child.path[-1] == code and child.depth == node.level_parent.depth + 1:
                state.update(by=child.by, path=child.key)
                state.pop("voucher", None)
    return state


def _clicked_code(trigger, click, cell) -> str | None:
    if trigger == ids.graph(E.TREEMAP):
        try:
            point = click["points"][0]
        except (TypeError, KeyError, IndexError):
            return None
        custom = point.get("customdata")
        return custom[0] if isinstance(custom, list) and custom else None
    if isinstance(cell, dict) and cell.get("colId") in ("code", "name"):
        return cell.get("rowId")
    return None

