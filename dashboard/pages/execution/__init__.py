"""预算执行 Budget execution: drill from the whole budget down to one payment voucher.

Two trees: by function (类 → 款 → 项) or by department (部门 → 预算单位 → 经济分类款). Every
level shows a treemap (area: adjusted budget; colour: gap to the time schedule), a table of
the level with downloads, and the node's monthly curve against last year. A leaf — or the
"查看凭证" action at any level — shows the node's payment vouchers in a server-side grid:
AG Grid's infinite row model asks for one block at a time and DuckDB filters, sorts and
pages (queries/execution.py); the browser never holds more than a few blocks.

The view is the URL query, so every view is a permalink and Back goes back one step::

    /execution?year=2025&as_of=2025-06-30&by=func&path=205.20502.2050202&lang=en
    /execution?by=dept&path=001.001001.30201          # department → unit → economic 款
    /execution?year=2025&voucher=20250000012017        # one voucher (links from warnings)
    /execution?by=func&path=205&vouchers=1             # the vouchers of a node above the leaf
    /execution?vouchers=1&grid={"payee":{…}}&sort=[…]  # the grid's filters and sort (AG Grid's models)

A click on a tile or a table row sets the page's state and its ``view`` store; the frame
writes the URL (one history entry per step). Breadcrumb and action links are plain links:
the frame redraws the page from the new URL.

The room: ``state`` (URL state and one drill step), ``layout`` (components, no data),
``pieces`` (pure parts of the view), ``callbacks`` (the callbacks as functions and their
registration), ``download`` (the streamed vouchers download).
"""
from __future__ import annotations

from budgetwatch.dashboard.pages.execution.callbacks import (fetch_level, fetch_vouchers, grid_block, grid_rows,
                                                          on_change, register_callbacks, update_execution)
from budgetwatch.dashboard.pages.execution.download import open_execution_vouchers
from budgetwatch.dashboard.pages.execution.layout import layout, level_columns
from budgetwatch.dashboard.pages.execution.pieces import (actions, crumbs, headline, level_export_frame, level_rows,
                                                       node_label, step_labels, vouchers_title)
from budgetwatch.dashboard.pages.execution.state import (E, GRID_SUMMARY, NAV_KEY, PATH, STATE_KEYS, VIEW,
                                                      grid_models, link, navigate, node_of, state_of,
                                                      with_grid_models)
from budgetwatch.queries import execution as q

__all__ = ["E", "GRID_SUMMARY", "NAV_KEY", "PATH", "STATE_KEYS", "VIEW", "actions", "crumbs", "fetch_level",
           "fetch_vouchers", "grid_block", "grid_models", "grid_rows", "headline", "layout",
           "level_columns", "level_export_frame", "level_rows", "link", "navigate", "node_label", "node_of",
           "on_change", "open_execution_vouchers", "q", "register_callbacks", "state_of", "step_labels",
           "update_execution", "vouchers_title", "with_grid_models"]
