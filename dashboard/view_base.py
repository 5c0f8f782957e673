"""What a chart view gives back, apart from the registry of views (``dashboard/views.py``), so a
page's own view builders can use it without importing the registry that imports them."""
from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from budgetwatch.errors import BudgetwatchError


class ViewError(BudgetwatchError, ValueError):
    """Unknown view, or nothing to draw; the message is fit to show a person."""


@dataclass
class ViewFigure:
    figure: go.Figure
    title: str            # the chart's title, as on the page
    as_of: str | None     # the data's as-of date (ISO), or None
    unit: str | None      # e.g. "万元", "%"; None when the chart has no money/percent axis



def figure_title(fig: go.Figure) -> str:
    text = fig.layout.title.text if fig.layout.title else None
    return text or ""
