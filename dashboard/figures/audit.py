"""Audit rectification (审计整改) charts: findings by status, by category (stacked by status) and
the rectification rate by unit. Frames come from queries/audit.py."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures.common import BLUE, GREY, GRID, ORANGE, RED, base_layout, empty_figure, text_only
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.queries.audit import STATUSES

GREEN = "#2e7d32"
STATUS_COLOURS = {"已整改": GREEN, "部分整改": ORANGE, "未整改": RED}


def status_label(status: str, lang: str) -> str:
    return data_label("status", status, lang)


def _statuses(frame: pd.DataFrame) -> list[str]:
    seen = list(dict.fromkeys(frame["status"]))
    return [s for s in STATUSES if s in seen] + [s for s in seen if s not in STATUSES]


@text_only
def status_figure(counts: pd.DataFrame, *, year: int, lang: str = "zh") -> go.Figure:
    """Findings by status: bars of the amount involved, the count written on each.

    ``counts``: key, status, n, involved, rectified (``queries.audit.counts_by(..., 'status')``).
    """
    title = t("fig.audit.status.title", lang, year=year)
    if counts.empty:
        return empty_figure(title, lang)
    by = counts.groupby("status", as_index=False)[["n", "involved", "rectified"]].sum()
    by = by.set_index("status").loc[_statuses(by)].reset_index()
    unit = fmt.money_unit(list(by["involved"]))
    fig = go.Figure(go.Bar(
        x=[status_label(s, lang) for s in by["status"]], y=by["involved"] / unit.divisor,
        marker={"color": [STATUS_COLOURS.get(s, GREY) for s in by["status"]]},
        text=[t("fig.audit.status.text", lang, n=n, amount=fmt.money(a, lang, unit))
              for n, a in zip(by["n"], by["involved"])],
        textposition="outside", cliponaxis=False,
        customdata=[[fmt.money(r, lang, unit)] for r in by["rectified"]],
        hovertemplate="<b>%{x}</b><br>%{text}<br>" + t("fig.audit.rectified", lang, amount="%{customdata[0]}")
        + "<extra></extra>", showlegend=False))
    base_layout(fig, title, height=380)
    fig.update_layout(bargap=0.45)
    fig.update_xaxes(title=None)
    fig.update_yaxes(title=fmt.axis_title(t("fig.audit.involved", lang), unit.label(lang), lang),
                     rangemode="tozero", gridcolor=GRID, tickformat=",.2~f")
    return fig


@text_only
def category_figure(counts: pd.DataFrame, *, year: int, lang: str = "zh") -> go.Figure:
    """Findings by category, stacked by status (number of findings), most findings at the top.

    ``counts``: key (the category), status, n, involved (``counts_by(..., 'category')``).
    """
    title = t("fig.audit.category.title", lang, year=year)
    if counts.empty:
        return empty_figure(title, lang)
    order = list(counts.groupby("key")["n"].sum().sort_values(ascending=False, kind="stable").index)
    unit = fmt.money_unit(list(counts.groupby("key")["involved"].sum()))
    fig = go.Figure()
    for status in _statuses(counts):
        part = counts[counts["status"] == status].set_index("key").reindex(order)
        fig.add_trace(go.Bar(
            orientation="h", name=status_label(status, lang), y=order, x=part["n"].fillna(0),
            marker={"color": STATUS_COLOURS.get(status, GREY)},
            customdata=[[fmt.money(a, lang, unit)] for a in part["involved"].fillna(0)],
            hovertemplate="<b>%{y}</b> · " + status_label(status, lang) + "<br>"
            + t("fig.audit.category.hover", lang, n="%{x}", amount="%{customdata[0]}") + "<extra></extra>"))
    height = max(320, 34 * len(order) + 150)
    base_layout(fig, title, height=height)
    fig.update_layout(barmode="stack", bargap=0.35, margin={"l": 16, "r": 24, "t": 96, "b": 56},
                      legend={"yref": "container", "y": 1 - 46 / height, "yanchor": "top", "x": 0, "xanchor": "left"})
    fig.update_xaxes(title=fmt.axis_title(t("fig.audit.count", lang), t("unit.findings", lang), lang),
                     gridcolor=GRID, dtick=1 if counts.groupby("key")["n"].sum().max() <= 10 else None)
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=order, autorange="reversed",
                     automargin=True, ticksuffix="  ")
    return fig


@text_only
def unit_rate_figure(by_unit: pd.DataFrame, *, year: int, limit: int = 20, lang: str = "zh") -> go.Figure:
    """Rectification rate by unit: amount rectified ÷ involved (bars) and the share of findings
    marked 已整改 (diamonds), the lowest amount rates first (at most ``limit`` units).

    ``by_unit``: ``queries.audit.rectification_by_unit``.
    """
    title = t("fig.audit.units.title", lang, year=year, n=limit)
    rated = by_unit[by_unit["amount_rate"].notna()] if not by_unit.empty else by_unit
    if rated.empty:
        return empty_figure(title, lang)
    rated = rated.sort_values(["amount_rate", "involved"], ascending=[True, False], kind="stable").head(limit).copy()
    dup = rated["dept_name"].duplicated(keep=False)
    rated["label"] = rated["dept_name"].where(~dup, rated["dept_name"] + "（" + rated["dept_code"] + "）")
    unit = fmt.money_unit(list(rated["involved"]))
    fig = go.Figure()
    fig.add_trace(go.Bar(
        orientation="h", name=t("fig.audit.units.amount", lang), x=rated["amount_rate"], y=rated["label"],
        marker={"color": [RED if r < 0.5 else ORANGE if r < 0.9 else BLUE for r in rated["amount_rate"]]},
        text=[fmt.percent(r) for r in rated["amount_rate"]], textposition="outside", cliponaxis=False,
        customdata=[[fmt.money(r, lang, unit), fmt.money(i, lang, unit), d, n]
                    for r, i, d, n in zip(rated["rectified"], rated["involved"], rated["n_done"], rated["n"])],
        hovertemplate="<b>%{y}</b><br>" + t("fig.audit.units.hover", lang, rate="%{text}", rectified="%{customdata[0]}",
                                            involved="%{customdata[1]}", done="%{customdata[2]}", n="%{customdata[3]}")
        + "<extra></extra>"))
    fig.add_trace(go.Scatter(
        name=t("fig.audit.units.count", lang), x=rated["count_share"], y=rated["label"], mode="markers",
        marker={"symbol": "diamond", "size": 10, "color": "#1d3557", "line": {"color": "white", "width": 1}},
        hovertemplate="<b>%{y}</b><br>" + t("fig.audit.units.count", lang) + " %{x:.1%}<extra></extra>"))
    height = max(340, 28 * len(rated) + 160)
    base_layout(fig, title, height=height)
    fig.update_layout(bargap=0.3, margin={"l": 16, "r": 48, "t": 112, "b": 56},
                      legend={"yref": "container", "y": 1 - 46 / height, "yanchor": "top", "x": 0, "xanchor": "left"})
    fig.update_xaxes(title=fmt.axis_title(t("fig.audit.units.x", lang), "%", lang), tickformat=".0%",
                     range=[0, 1.15], gridcolor=GRID)
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(rated["label"]),
                     autorange="reversed", automargin=True, ticksuffix="  ")
    return fig
