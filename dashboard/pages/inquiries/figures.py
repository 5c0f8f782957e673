"""The room's chart, a pure frame → Figure: open and overdue inquiries per unit."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard.figures.common import BLUE, RED, base_layout, empty_figure, text_only
from budgetwatch.dashboard.pages.inquiries.words import w

MAX_UNITS = 15


@text_only
def by_unit_figure(units: pd.DataFrame, lang: str) -> go.Figure:
    """Horizontal bars per unit (most open first): open inquiries, and the overdue among them.
    Unit names are data: ``@text_only`` escapes them for Plotly's HTML-ish labels."""
    title = w("fig.title", lang)
    if units.empty or int(units["open"].sum()) == 0:
        return empty_figure(title, lang, height=260)
    top = units[units["open"] > 0].sort_values(["open", "overdue"], ascending=False).head(MAX_UNITS).iloc[::-1]
    names = [str(n or c) for n, c in zip(top["dept_name"], top["dept_code"])]
    fig = go.Figure([
        go.Bar(y=names, x=top["open"], orientation="h", name=w("fig.open", lang), marker_color=BLUE,
               hovertemplate="%{y}: %{x}<extra>" + w("fig.open", lang) + "</extra>"),
        go.Bar(y=names, x=top["overdue"], orientation="h", name=w("fig.overdue", lang), marker_color=RED,
               hovertemplate="%{y}: %{x}<extra>" + w("fig.overdue", lang) + "</extra>"),
    ])
    base_layout(fig, title, height=max(260, 90 + 34 * len(top)))
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(title=w("fig.x", lang), dtick=1, rangemode="tozero")
    fig.update_yaxes(automargin=True)
    return fig
