"""The comparison page's charts (pure: frames in, figures out): a heat table of execution by
month and year, and one node's budget and spending year by year."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures.common import BLUE, GRID, MUTED, PALE_BLUE, base_layout, empty_figure, text_only
from budgetwatch.dashboard.i18n import months, t

# White (nothing spent) to the page's blue; numbers switch to white on the dark end.
HEAT_SCALE = [[0.0, "#f5f7fa"], [0.5, "#9db4d3"], [1.0, "#1d4f91"]]


def two_lines(node: str, what: str) -> str:
    """The chart's title: the node on the first line, what is drawn on a smaller second one
    (a phone's width holds neither in one line). ``node`` arrives escaped (``text_only``)."""
    return f"{node}<br><span style='font-size:13px;color:{MUTED}'>{what}</span>"


def _heat_text(value: float | None, measure: str, unit: fmt.MoneyUnit) -> str:
    if fmt.missing(value):
        return ""
    if measure == "rate":
        return fmt.percent(value, 0)
    return f"{value / unit.divisor:,.{1 if unit is fmt.YI else 0}f}"     # 1.2 亿元, 3,456 万元


@text_only
def heat_figure(heat: pd.DataFrame, *, measure: str, node: str, lang: str = "zh") -> go.Figure:
    """Rows: years (oldest on top, as a table reads); columns: months; colour and number: the cumulative
    execution rate (``measure="rate"``) or cumulative spending at each month's end.

    ``heat``: year, month, cumulative (yuan), adjusted (yuan), rate; months not reached are NaN.
    """
    title = two_lines(node, t("cmp.heat.title", lang, measure=t(f"cmp.measure.{measure}", lang)))
    if heat.empty or heat["cumulative"].isna().all():
        return empty_figure(title, lang)
    years = sorted(heat["year"].unique())
    labels = months(lang)
    unit = fmt.money_unit(heat["cumulative"].dropna())
    value_col = "rate" if measure == "rate" else "cumulative"
    z, text, hover = [], [], []
    for y in years:
        part = heat[heat["year"] == y].set_index("month")
        row_z, row_text, row_hover = [], [], []
        for m in range(1, 13):
            v = part[value_col].get(m)
            v = None if fmt.missing(v) else float(v)
            row_z.append(None if v is None else (v if measure == "rate" else v / unit.divisor))
            row_text.append(_heat_text(v, measure, unit))
            cum, rate = part["cumulative"].get(m), part["rate"].get(m)
            row_hover.append("" if fmt.missing(cum) else t(
                "cmp.heat.hover_rate", lang, y=y, m=m, v=fmt.percent(rate), s=fmt.money(cum, lang, unit)))
        z.append(row_z)
        text.append(row_text)
        hover.append(row_hover)
    finite = [v for row in z for v in row if v is not None]
    top = max(finite) if finite else 1.0
    if measure == "rate":
        top = max(1.0, top)
    height = max(260, 140 + 44 * len(years))
    fig = go.Figure(go.Heatmap(
        z=z, x=labels, y=[str(y) for y in years], text=text, texttemplate="%{text}", customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", colorscale=HEAT_SCALE, zmin=0, zmax=top, xgap=2, ygap=2,
        textfont={"size": 12}, hoverongaps=False,
        colorbar={"title": {"text": "%" if measure == "rate" else unit.label(lang), "side": "top"},
                  "tickformat": ".0%" if measure == "rate" else ",.0f", "thickness": 12, "len": 0.9},
    ))
    base_layout(fig, title, height=height)
    fig.update_layout(margin={"l": 56, "r": 16, "t": 84, "b": 40})
    fig.update_xaxes(side="bottom", showgrid=False, fixedrange=True)
    fig.update_yaxes(type="category", autorange="reversed", showgrid=False, fixedrange=True)
    return fig


@text_only
def years_figure(series: pd.DataFrame, *, node: str, period: str, lang: str = "zh") -> go.Figure:
    """One node year by year: the adjusted budget (pale) and what was spent in the same period
    (blue), the execution rate written on each spending bar.

    ``series``: year, adjusted, spent (yuan), rate; ``period``: the month and day every year is cut at.
    """
    title = two_lines(node, t("cmp.years.title", lang, md=period))
    if series.empty or (series["adjusted"].fillna(0).eq(0) & series["spent"].fillna(0).eq(0)).all():
        return empty_figure(title, lang)
    unit = fmt.money_unit(list(series["adjusted"]) + list(series["spent"]))
    x = [str(y) for y in series["year"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=x, y=series["adjusted"] / unit.divisor, name=t("cmp.years.budget", lang), marker_color=PALE_BLUE,
        customdata=[fmt.money(v, lang, unit) for v in series["adjusted"]],
        hovertemplate="%{x} " + t("cmp.years.budget", lang) + " %{customdata}<extra></extra>"))
    fig.add_trace(go.Bar(
        x=x, y=series["spent"] / unit.divisor, name=t("cmp.years.spent", lang), marker_color=BLUE,
        text=[fmt.percent(r) for r in series["rate"]], textposition="outside", cliponaxis=False,
        customdata=[[fmt.money(v, lang, unit), fmt.percent(r)] for v, r in zip(series["spent"], series["rate"])],
        hovertemplate="%{x} " + t("cmp.years.spent", lang) + " %{customdata[0]} (%{customdata[1]})<extra></extra>"))
    base_layout(fig, title, height=400)
    fig.update_layout(barmode="group", bargap=0.3, margin={"t": 96})
    fig.update_xaxes(title=t("cmp.years.x", lang), type="category")
    fig.update_yaxes(title=fmt.axis_title(t("cmp.years.y", lang), unit.label(lang), lang), rangemode="tozero",
                     gridcolor=GRID, tickformat=",.2~f")
    return fig
