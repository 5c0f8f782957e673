"""代表建议 Deputies' suggestions (代表建议办理): from assignment to the deputy's verdict.

``/suggestions?year=2025&as_of=2025-09-30&deputy=王建国&suggestion=2025-0012&lang=zh``. The
year's suggestions by field, reply class and satisfaction, how many are within the deadline,
replied, overdue and closed; a scorecard per handling unit coloured by the five suggestion
rules' flags; the 重点督办 suggestions; a deputy's own view (every suggestion they led or
co-signed and where it stands) and one suggestion's handling units drawn as a timeline of
their clocks. A room of its own: ``layout`` (components), ``callbacks`` (registered with the
store), ``data`` (the page's model and tables); SQL in ``queries/suggestions.py``, figures in
``dashboard/figures/suggestions.py``.
"""
from __future__ import annotations

from budgetwatch.dashboard.pages.suggestions.callbacks import register_callbacks
from budgetwatch.dashboard.pages.suggestions.layout import VIEW, layout

PATH = "/suggestions"
NAV_KEY = "nav.suggestions"

__all__ = ["NAV_KEY", "PATH", "VIEW", "layout", "register_callbacks"]
