"""政府债务 Government debt: limits, balances, 债务率, new bonds and repayments, region by region.

``/debt?year=2025&region=430102&lang=zh``. A room of its own: ``layout`` (components),
``model`` (the data from ``queries/debt.py`` and the thresholds in force), ``callbacks``
(registered with the store), figures in ``dashboard/figures/debt.py``. Every amount reads in
亿元. The 债务率 tiers drawn and written on the page are those of ``rules.toml`` (DEBT_RATIO);
``region`` picks whose trend is drawn (default: every top region added up).
"""
from __future__ import annotations

from budgetwatch.dashboard.pages.debt.callbacks import register_callbacks
from budgetwatch.dashboard.pages.debt.layout import VIEW, layout

PATH = "/debt"
NAV_KEY = "nav.debt"

__all__ = ["NAV_KEY", "PATH", "VIEW", "layout", "register_callbacks"]
