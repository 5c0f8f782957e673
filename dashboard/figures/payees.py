"""The payee profile's charts: received by year, month by month. Frames from queries/payee.py."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures.common import BLUE, PALE_BLUE, base_layout, empty_figure, text_only
from budgetwatch.dashboard.i18n import months, t

HEIGHT = 340


@text_only          # the payee's name reaches Plotly as text
def years_figure(frame: pd.DataFrame, *, name: str, lang: str = "zh") -> go.Figure:
    """Bars: what the payee received each year held (year, payments, amount)."""
    title = t("payee.fig.years", lang, name=name)
    if frame.empty:
        return empty_figure(title, lang, height=HEIGHT)
    unit = fmt.money_unit(list(frame["amount"]))
    fig = go.Figure(go.Bar(
        x=[str(y) for y in frame["year"]], y=frame["amount"] / unit.divisor, marker_color=BLUE,
        customdata=[[fmt.money(a, lang, unit), f"{int(n):,}"] for a, n in zip(frame["amount"], frame["payments"])],
        text=[fmt.money(a, lang, unit) for a in frame["amount"]], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{customdata[0]} · %{customdata[1]} " + t("payee.payments_word", lang) + "<extra></extra>"))
    base_layout(fig, title, height=HEIGHT)
    fig.update_layout(yaxis_title=unit.label(lang), xaxis_type="category", showlegend=False)
    return fig


@text_only
def monthly_figure(frame: pd.DataFrame, *, name: str, lang: str = "zh") -> go.Figure:
    """Bars month by month over the period (year, month, payments, amount), one colour a year."""
    title = t("payee.fig.monthly", lang, name=name)
    if frame.empty:
        return empty_figure(title, lang, height=HEIGHT)
    unit = fmt.money_unit(list(frame["amount"]))
    names = months(lang)
    fig = go.Figure()
    years = sorted(frame["year"].unique())
    for i, year in enumerate(years):
        part = frame[frame["year"] == year]
        fig.add_trace(go.Bar(
            x=[names[m - 1] for m in part["month"]], y=part["amount"] / unit.divisor, name=str(year),
            marker_color=BLUE if i == len(years) - 1 else PALE_BLUE,
            customdata=[[fmt.money(a, lang, unit), f"{int(n):,}"] for a, n in zip(part["amount"], part["payments"])],
            hovertemplate=f"{year} %{{x}}: %{{customdata[0]}} · %{{customdata[1]}} "
                          + t("payee.payments_word", lang) + "<extra></extra>"))
    base_layout(fig, title, height=HEIGHT)
    fig.update_layout(yaxis_title=unit.label(lang), barmode="group",
                      xaxis={"categoryorder": "array", "categoryarray": names})
    return fig
