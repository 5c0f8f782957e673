"""Warning (预警) evidence charts: spending by month, a budget line against what was spent,
first digits against Benford's law. Frames come from queries/flags.py."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures.common import (BLUE, GREY, ORANGE, PALE_BLUE, RED, YELLOW, base_layout, empty_figure,
                                                  text_only)
from budgetwatch.dashboard.i18n import months, t

SEVERITY_COLOURS = {"high": RED, "medium": ORANGE, "low": YELLOW}


@text_only
def monthly_figure(frame: pd.DataFrame, *, name: str, year: int, lang: str = "zh",
                   highlight_december: bool = False) -> go.Figure:
    """Bars of net spending per month (``frame``: month 1..12, spent, n); December in red
    for a year-end rush, the January–November mean as a dashed line."""
    title = t("warn.fig.monthly", lang, name=name, year=year)
    if frame.empty or not frame["spent"].abs().sum():
        return empty_figure(title, lang)
    unit = fmt.money_unit(list(frame["spent"]))
    labels = months(lang)
    x = [labels[int(m) - 1] for m in frame["month"]]
    colours = [RED if highlight_december and int(m) == 12 else BLUE for m in frame["month"]]
    fig = go.Figure(go.Bar(
        x=x, y=frame["spent"] / unit.divisor, marker_color=colours,
        text=[f"{v / unit.divisor:,.0f}" for v in frame["spent"]], textposition="outside", cliponaxis=False,
        customdata=[[fmt.money(v, lang, unit), int(n)] for v, n in zip(frame["spent"], frame["n"])],
        hovertemplate="%{x}<br>%{customdata[0]}<br>" + t("warn.fig.count", lang) + " %{customdata[1]}<extra></extra>",
        showlegend=False))
    if highlight_december:
        mean = frame.loc[frame["month"] < 12, "spent"].sum() / 11
        # The mean as a dashed line named in the legend (a label on the line would sit on the bars).
        fig.add_scatter(x=x, y=[mean / unit.divisor] * len(x), mode="lines", line={"dash": "dash", "color": GREY},
                        name=t("warn.fig.mean", lang, amount=fmt.money(mean, lang, unit)), hoverinfo="skip")
    base_layout(fig, title, height=360)
    fig.update_yaxes(title=fmt.axis_title(t("warn.fig.spent", lang), unit.label(lang), lang), rangemode="tozero")
    fig.update_xaxes(type="category")
    return fig


@text_only
def budget_line_figure(budget: float, spent: float, *, lang: str = "zh") -> go.Figure:
    """Two horizontal bars: the adjusted budget of the line and what was charged to it."""
    title = t("warn.fig.budget_line", lang)
    unit = fmt.money_unit([budget, spent])
    names = [t("warn.fig.budget", lang), t("warn.fig.spent", lang)]
    values = [budget, spent]
    fig = go.Figure(go.Bar(
        y=names, x=[v / unit.divisor for v in values], orientation="h",
        marker_color=[PALE_BLUE, RED if spent > budget else BLUE],
        text=[fmt.money(v, lang, unit) for v in values], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>", showlegend=False))
    base_layout(fig, title, height=220)
    fig.update_layout(margin={"l": 16, "r": 120, "t": 56, "b": 40})
    fig.update_xaxes(title=fmt.axis_title(t("warn.fig.amount", lang), unit.label(lang), lang), rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return fig


@text_only
def first_digit_figure(frame: pd.DataFrame, *, name: str, lang: str = "zh") -> go.Figure:
    """Observed share of each first digit as bars, Benford's expected share as a line."""
    title = t("warn.fig.benford", lang, name=name)
    if frame.empty or not frame["n"].sum():
        return empty_figure(title, lang)
    fig = go.Figure()
    fig.add_bar(x=frame["digit"], y=frame["observed"] * 100, name=t("warn.fig.observed", lang),
                marker_color=BLUE, hovertemplate="%{x}: %{y:.1f}%<extra></extra>")
    fig.add_scatter(x=frame["digit"], y=frame["expected"] * 100, name=t("warn.fig.expected", lang),
                    mode="lines+markers", line={"color": RED, "width": 2},
                    hovertemplate="%{x}: %{y:.1f}%<extra></extra>")
    base_layout(fig, title, height=340)
    fig.update_xaxes(title=t("warn.fig.digit", lang), dtick=1)
    fig.update_yaxes(title=fmt.axis_title(t("warn.fig.share", lang), "%", lang), rangemode="tozero")
    return fig


_COUNTS_TEXT = {
    "zh": {"title": "{year}年预警数量（按规则和等级）", "axis": "预警数（条）", "high": "红色", "medium": "橙色",
           "low": "黄色"},
    "en": {"title": "Warnings by rule and severity, {year}", "axis": "Warnings", "high": "Red", "medium": "Orange",
           "low": "Yellow"},
}


@text_only
def counts_figure(frame: pd.DataFrame, *, year: int, lang: str = "zh") -> go.Figure:
    """Warnings per rule as horizontal bars stacked by severity (red, orange, yellow); the
    rule with the most on top. ``frame``: rule, title (the rule's name), severity, n."""
    words = _COUNTS_TEXT.get(lang, _COUNTS_TEXT["zh"])
    title = words["title"].format(year=year)
    if frame.empty or not frame["n"].sum():
        return empty_figure(title, lang)
    totals = frame.groupby("title", sort=False)["n"].sum().sort_values(ascending=True, kind="stable")
    order = list(totals.index)
    fig = go.Figure()
    for sev in ("high", "medium", "low"):
        part = frame[frame["severity"] == sev].groupby("title")["n"].sum().reindex(order).fillna(0)
        if not part.sum():
            continue
        fig.add_bar(y=order, x=part.values, orientation="h", name=words[sev], marker_color=SEVERITY_COLOURS[sev],
                    text=[f"{int(v)}" if v else "" for v in part.values], textposition="inside",
                    insidetextanchor="middle", hovertemplate="%{y} · " + words[sev] + ": %{x}<extra></extra>")
    fig.add_scatter(y=order, x=totals.values, mode="text", text=[f"{int(v)}" for v in totals.values],
                    textposition="middle right", showlegend=False, hoverinfo="skip", cliponaxis=False)
    base_layout(fig, title, height=max(260, 90 + 34 * len(order)))
    fig.update_layout(barmode="stack", legend_traceorder="normal", margin={"l": 16, "r": 48, "t": 64, "b": 48})
    fig.update_xaxes(title=words["axis"], rangemode="tozero")
    fig.update_yaxes(automargin=True)
    return fig
