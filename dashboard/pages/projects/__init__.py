"""项目监督 Projects: the livelihood projects the deputies voted (民生实事) and the government
investment projects (政府投资项目), two views of one page, from the vote to the voucher.

A room of its own: ``layout`` (components from the URL query, no data), ``data`` (the page's
data model, read through queries/projects.py, and the tables' frames), ``callbacks`` (registered
by a function given the store), ``views`` (its charts for ``budgetwatch export --view
projects.…`` and the briefing); figure builders are in dashboard/figures/projects.py.

The view is the URL query, so every view is a permalink::

    /projects?view=livelihood&year=2025&as_of=2025-06-30          # the year's voted projects
    /projects?view=investment&year=2025                           # government investment projects
    /projects?view=livelihood&year=2025&project=XM2025-001&lang=en  # one project
"""
from budgetwatch.dashboard.pages.projects.callbacks import register_callbacks
from budgetwatch.dashboard.pages.projects.layout import NAV_KEY, PATH, VIEW, layout

__all__ = ["NAV_KEY", "PATH", "VIEW", "layout", "register_callbacks"]
