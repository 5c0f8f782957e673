"""Overview (总览) charts: department execution against the time schedule, the four budgets,
cumulative spending by month against the year before. Frames come from queries/overview.py."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids
from budgetwatch.dashboard.figures.common import (BLUE, GREY, GRID, MUTED, ORANGE, PALE_BLUE, RED, base_layout,
                                      empty_figure, text_only)
from budgetwatch.dashboard.i18n import data_label, months, t

# Lag behind the time schedule, in shares (0.15 = 15 points): RULES.md EXEC_LAG draws the
# medium line at 15 points and the high line at 30.
LAG_MEDIUM = 0.15
LAG_HIGH = 0.30
BANDS = (  # key, colour; first match of lag (schedule − rate) wins
    ("ahead", BLUE),
    ("behind", PALE_BLUE),
    ("medium", ORANGE),
    ("high", RED),
)


def lag_band(rate: float, schedule: float) -> str:
    """Which colour band a department's execution rate falls into."""
    lag = schedule - rate
    if lag <= 0:
        return "ahead"
    if lag <= LAG_MEDIUM:
        return "behind"
    if lag <= LAG_HIGH:
        return "medium"
    return "high"


def _labels(frame: pd.DataFrame) -> pd.Series:
    """Department names, with the code added where two departments share a name."""
    dup = frame["dept_name"].duplicated(keep=False)
    return frame["dept_name"].where(~dup, frame["dept_name"] + "（" + frame["dept_code"] + "）")


@text_only
def department_execution_figure(frame: pd.DataFrame, schedule: float, *, year: int, as_of: dt.date,
                                lang: str = "zh") -> go.Figure:
    """Ranked horizontal bars of execution rate, lowest at the top, a line at the schedule.

    ``frame``: dept_code, dept_name, adjusted, spent, rate (NaN where there is no budget;
    those are named in a note under the chart, not drawn).
    """
    title = t("fig.departments.title", lang, year=year, date=fmt.date(as_of, lang))
    measured = frame[frame["rate"].notna()].copy()
    if measured.empty:
        return empty_figure(title, lang)
    measured["label"] = _labels(measured)
    measured = measured.sort_values(["rate", "label"], kind="stable")
    measured["band"] = [lag_band(r, schedule) for r in measured["rate"]]
    unit = fmt.money_unit(list(measured["adjusted"]) + list(measured["spent"]))

    fig = go.Figure()
    for band, colour in BANDS:
        part = measured[measured["band"] == band]
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            orientation="h", name=t(f"fig.band.{band}", lang),
            x=part["rate"], y=part["label"], marker={"color": colour},
            text=[fmt.percent(r) for r in part["rate"]], textposition="outside", cliponaxis=False,
            # the code last: a click names the department by it, not by its (escaped) label
            customdata=[[fmt.percent(r), fmt.money(s, lang, unit), fmt.money(a, lang, unit), c]
                        for r, s, a, c in zip(part["rate"], part["spent"], part["adjusted"], part["dept_code"])],
            hovertemplate="<b>%{y}</b><br>"
            + t("fig.departments.hover", lang, rate="%{customdata[0]}", spent="%{customdata[1]}",
                adjusted="%{customdata[2]}") + "<extra></extra>",
        ))
    order = list(measured["label"])
    top = max(1.0, float(measured["rate"].max()), schedule) * 1.12
    missing = frame[frame["rate"].isna()]
    bottom = 76 if len(missing) else 56
    height = max(340, 30 * len(order) + 114 + bottom)
    base_layout(fig, title, height=height)
    # Title, then the legend, then the schedule label above the plot: rows fixed in pixels.
    fig.update_layout(barmode="overlay", bargap=0.3, margin={"l": 16, "r": 40, "t": 112, "b": bottom},
                      legend={"yref": "container", "y": 1 - 46 / height, "yanchor": "top",
                              "x": 0, "xanchor": "left"})
    fig.update_xaxes(title=fmt.axis_title(t("fig.departments.x", lang), "%", lang), tickformat=".0%",
                     range=[0, top], gridcolor=GRID, zeroline=True)
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=order, autorange="reversed",
                     automargin=True, ticksuffix="  ")
    fig.add_vline(x=schedule, line={"color": RED, "width": 2, "dash": "dash"},
                  annotation={"text": t("fig.departments.schedule", lang, pct=fmt.percent(schedule)),
                              "font": {"color": RED, "size": 12}, "yanchor": "bottom"},
                  annotation_position="top")
    if len(missing):
        names = "、".join(missing["dept_name"].head(5)) + ("…" if len(missing) > 5 else "")
        fig.add_annotation(text=t("fig.departments.no_budget", lang, n=len(missing), names=names),
                           x=0, y=0, xref="paper", yref="paper", yshift=-44, xanchor="left",
                           yanchor="top", showarrow=False, font={"size": 12, "color": MUTED})
    return fig


@text_only
def fund_totals_figure(frame: pd.DataFrame, schedule: float, *, year: int, as_of: dt.date,
                       lang: str = "zh") -> go.Figure:
    """The four budgets as gauges: execution rate, the schedule as the threshold mark.

    ``frame``: fund_type, adjusted, spent, rate — one row per budget, in order.
    """
    title = t("fig.funds.title", lang, year=year, date=fmt.date(as_of, lang))
    if frame.empty:
        return empty_figure(title, lang, height=300)
    n = len(frame)
    fig = make_subplots(rows=1, cols=n, specs=[[{"type": "indicator"}] * n], horizontal_spacing=0.06)
    # one unit for the row, by its largest sum: gauges side by side are read against each other
    unit = fmt.money_unit(list(frame["adjusted"]) + list(frame["spent"]))
    for i, row in enumerate(frame.itertuples(), 1):
        name = data_label("fund", row.fund_type, lang)
        has_budget = row.adjusted > 0
        sub = (t("fig.funds.sub", lang, spent=f"{row.spent / unit.divisor:,.2f}",
                 adjusted=f"{row.adjusted / unit.divisor:,.2f}", unit=unit.label(lang))
               if has_budget else t("fig.funds.none", lang))
        rate = row.rate * 100 if has_budget else 0
        band_colour = dict(BANDS)[lag_band(row.rate, schedule)] if has_budget else GREY
        fig.add_trace(go.Indicator(
            mode="gauge+number" if has_budget else "gauge",
            value=rate,
            number={"suffix": "%", "valueformat": ".1f", "font": {"size": 30}},
            title={"text": f"<b>{name}</b><br><span style='font-size:12px;color:{MUTED}'>{sub}</span>",
                   "font": {"size": 15}},
            gauge={
                "axis": {"range": [0, max(100, rate)], "ticksuffix": "%", "tickfont": {"size": 10}},
                "bar": {"color": band_colour, "thickness": 0.6},
                "bgcolor": "#f1f3f5", "borderwidth": 0,
                "threshold": {"line": {"color": RED, "width": 3}, "thickness": 0.85,
                              "value": schedule * 100},
            },
        ), row=1, col=i)
    base_layout(fig, title, height=300)
    fig.update_layout(margin={"l": 36, "r": 44, "t": 96, "b": 16})
    return fig


@text_only
def monthly_cumulative_figure(frame: pd.DataFrame, *, year: int, lang: str = "zh") -> go.Figure:
    """Cumulative spending by month: this year (solid) against the year before (dashed).

    ``frame``: year, month, payments, spent, cumulative. A year without any payment is left out.
    """
    title = t("fig.monthly.title", lang, year=year, prev=year - 1)
    years = [y for y, part in frame.groupby("year") if part["payments"].sum() > 0] if not frame.empty else []
    if not years:
        return empty_figure(title, lang)
    shown = frame[frame["year"].isin(years)]
    unit = fmt.money_unit(shown["cumulative"])
    labels = months(lang)
    fig = go.Figure()
    for y in sorted(years):
        part = shown[shown["year"] == y]
        current = y == year
        fig.add_trace(go.Scatter(
            x=part["month"], y=part["cumulative"] / unit.divisor,
            name=t("fig.monthly.year", lang, year=y), mode="lines+markers",
            line={"color": BLUE if current else GREY, "width": 3 if current else 2,
                  "dash": "solid" if current else "dash"},
            marker={"size": 7 if current else 5},
            customdata=[[labels[m - 1], fmt.money(c, lang, unit), fmt.money(s, lang, unit)]
                        for m, c, s in zip(part["month"], part["cumulative"], part["spent"])],
            hovertemplate=t("fig.monthly.hover", lang, year=y, month="%{x}",
                            cumulative="%{customdata[1]}", spent="%{customdata[2]}") + "<extra></extra>",
        ))
    base_layout(fig, title, height=400)
    fig.update_xaxes(title=t("fig.monthly.x", lang), tickmode="array", tickvals=list(range(1, 13)),
                     ticktext=labels, range=[0.6, 12.4], gridcolor=GRID)
    fig.update_yaxes(title=fmt.axis_title(t("fig.monthly.y", lang), unit.label(lang), lang),
                     rangemode="tozero", gridcolor=GRID, tickformat=",.2~f")
    return fig


def overview_figures(period, depts: pd.DataFrame, funds: pd.DataFrame, monthly: pd.DataFrame,
                     lang: str) -> dict:
    """The overview's charts by graph id — the very figures the page draws and exports.
    ``period``: ``queries.overview.Period``."""
    y, day, schedule = period.year, period.as_of, period.schedule
    return {
        ids.Overview.FUNDS: fund_totals_figure(funds, schedule, year=y, as_of=day, lang=lang),
        ids.Overview.DEPARTMENTS: department_execution_figure(depts, schedule, year=y, as_of=day, lang=lang),
        ids.Overview.MONTHLY: monthly_cumulative_figure(monthly, year=y, lang=lang),
    }
