"""历年对比 Compare years: one node — the whole budget, a department, a unit, a functional or
an economic class — across every year held.

Shows a heat table of execution by month and year (cumulative execution rate, or cumulative
spending), the node's budget and spending year by year (each year counted from 1 January to
the view's month and day), and the node's items side by side (spending per year, the change of
the view's year on the year before: 无上年数据 when that year holds no payment). A name in the
table steps one level down; the execution page links here for the node a member stands on.

The view is the URL::

    /compare?by=dept&path=001&year=2025&as_of=2025-06-30&measure=rate&lang=en
    /compare?by=econ&path=302                # 经济分类 类 → 款
    /compare?by=func&path=205.20502

The room: ``state`` (URL state, one step), ``layout`` (components, no data), ``model`` (pure
parts made from the query's answer), ``callbacks`` (the callback as a function, registration).
Charts in ``dashboard/figures/compare.py``; questions in ``queries/compare.py``.
"""
from __future__ import annotations

from budgetwatch.dashboard.pages.compare.callbacks import fetch_items, register_callbacks, update_compare
from budgetwatch.dashboard.pages.compare.layout import layout
from budgetwatch.dashboard.pages.compare.state import NAV_KEY, PATH, STATE_KEYS, VIEW, navigate, node_of, state_of

__all__ = ["NAV_KEY", "PATH", "STATE_KEYS", "VIEW", "fetch_items", "layout", "navigate", "node_of",
           "register_callbacks", "state_of", "update_compare"]
