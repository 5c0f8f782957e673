"""The dashboard's pages, in navigation order.

A page is a module with ``PATH`` (its URL path), ``NAV_KEY`` (its i18n key in the header),
``layout(query, lang)`` (pure: the components for the URL query and language, no data) and
``register_callbacks(app, store)`` (its callbacks, given the data store). Add a page by
writing such a module and putting it in ``PAGES``; entries of ``PLANNED`` appear in the
header as "coming soon" until then.
"""
from __future__ import annotations

from types import ModuleType

from budgetwatch.dashboard.pages import compare, execution
from budgetwatch.dashboard.pages import admin, assets, audit, data, debt, department, inquiries, overview, warnings
from budgetwatch.dashboard.pages import projects, suggestions
from budgetwatch.dashboard.pages import payees, voucher

PAGES: tuple[ModuleType, ...] = (overview, execution, compare, department, assets, debt, audit, projects, suggestions, warnings,
                                 inquiries, data, admin, payees, voucher)      # the last two reached by links only

# (nav key, path) of pages still to come, in header order after the built ones.
PLANNED: tuple[tuple[str, str], ...] = (
)
