"""The comparison page's state: the URL query it knows, and one step (a control, a name clicked)."""
from __future__ import annotations

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.links import COMPARE_PATH
from budgetwatch.dashboard.urls import build_search
from budgetwatch.queries import compare as qc

PATH = COMPARE_PATH
NAV_KEY = "nav.compare"
VIEW = "compare"
C = ids.Compare
STATE_KEYS = ("year", "as_of", "by", "path", "measure")
MEASURES = ("rate", "spent")


def state_of(query: dict) -> dict:
    """The page's state from a URL query: only the keys the page knows, as text."""
    return {k: str(query.get(k)) for k in STATE_KEYS if query.get(k) not in (None, "")}


def node_of(state: dict) -> qc.Node:
    return qc.parse_node(state.get("by"), state.get("path"))


def measure_of(state: dict) -> str:
    return state.get("measure") if state.get("measure") in MEASURES else "rate"


def link(state: dict, lang: str, **changes) -> str:
    """The page's URL for ``state`` with some keys changed (None removes one)."""
    params = {**state, **changes}
    params = {k: params.get(k) for k in STATE_KEYS}
    params["lang"] = lang if lang != "zh" else None
    return PATH + build_search(params)


def navigate(state: dict, trigger, *, year=None, as_of=None, by=None, measure=None, cell=None) -> dict:
    """The state after one input changed. A name clicked in the items table steps into that
    item (from a leaf's siblings: to the sibling); anything else naming no item changes nothing."""
    state = dict(state or {})
    if trigger == C.YEAR and year is not None:
        state["year"] = str(year)
        state.pop("as_of", None)          # the new year's own latest day
    elif trigger == C.AS_OF and as_of:
        state["as_of"] = str(as_of)[:10]
    elif trigger == C.BY and by in qc.BYS and by != node_of(state).by:
        state["by"] = by
        state.pop("path", None)
    elif trigger == C.MEASURE and measure in MEASURES:
        state["measure"] = measure
    elif trigger == ids.table(C.T_ITEMS) and isinstance(cell, dict) and cell.get("colId") in ("code", "name"):
        code = str(cell.get("rowId") or "")
        node = node_of(state)
        child = node.child(code)
        if code and child.path and child.path[-1] == code and child.depth == node.level_parent.depth + 1:
            state.update(by=child.by, path=child.key)
    return state
