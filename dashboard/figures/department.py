"""Department (部门) charts: its units against the time schedule, its monthly curve against last
year, and 三公经费 this year to date against the same period last year. Frames come from
queries/department.py; the first two reuse the overview's builders, retitled."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures import overview as ov
from budgetwatch.dashboard.figures.common import BLUE, GREY, GRID, ORANGE, base_layout, empty_figure, text_only
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.queries.department import prev_as_of


@text_only
def unit_execution_figure(units: pd.DataFrame, schedule: float, *, dept_name: str, year: int,
                          as_of: dt.date, lang: str = "zh") -> go.Figure:
    """The department and each unit under it: execution rate, a line at the schedule.

    ``units``: dept_code, dept_name, adjusted, spent, rate (``queries.department.unit_execution``).
    """
    title = t("fig.dept.units.title", lang, dept=dept_name, year=year, date=fmt.date(as_of, lang))
    if units.empty or units["rate"].notna().sum() == 0:
        return empty_figure(title, lang)
    fig = ov.department_execution_figure(units, schedule, year=year, as_of=as_of, lang=lang)
    fig.update_layout(title_text=title)
    return fig


@text_only
def monthly_figure(frame: pd.DataFrame, *, dept_name: str, year: int, lang: str = "zh") -> go.Figure:
    """Cumulative spending of the department by month against the year before."""
    fig = ov.monthly_cumulative_figure(frame, year=year, lang=lang)
    fig.update_layout(title_text=t("fig.dept.monthly.title", lang, dept=dept_name, year=year, prev=year - 1))
    return fig


def sangong_label(code: str, lang: str) -> str:
    """因公出国（境）费用 for 30212 …; an unknown code as it is."""
    return data_label("sangong", code, lang)


@text_only
def sangong_figure(frame: pd.DataFrame, *, dept_name: str, year: int, as_of: dt.date,
                   max_growth: float | None = None, lang: str = "zh") -> go.Figure:
    """三公经费 by item: the same period of last year (grey) beside this year to date.

    ``frame``: econ_code, cur, prev, growth (``queries.department.sangong``). A this-year bar
    growing by more than ``max_growth`` (the SANGONG_GROWTH threshold, a share) is orange.

    The bars lie down, one item a row, each value written past its own bar's end: two
    standing bars of one item are narrower than their labels, which then ran into each other
    (and into the next item's) at any width and overlapped the rotated item names on a phone.
    The amounts are in the axis title's unit; a label carries the number and the change.
    """
    prev_to = prev_as_of(as_of)
    title = t("fig.dept.sangong.title", lang, dept=dept_name, year=year, prev=year - 1, date=fmt.date(as_of, lang))
    if frame.empty or (frame["cur"].abs().sum() == 0 and frame["prev"].abs().sum() == 0):
        return empty_figure(title, lang)
    unit = fmt.money_unit(list(frame["cur"]) + list(frame["prev"]))
    labels = [f"{sangong_label(c, lang)}<br>{c}" for c in frame["econ_code"]]

    def amount(v) -> str:
        return f"{v / unit.divisor:,.2f}" if v else ""

    growth = [("" if pd.isna(g) else f"（{g * 100:+.1f}%）" if lang == "zh" else f" ({g * 100:+.1f}%)")
              for g in frame["growth"]]
    colours = [ORANGE if max_growth is not None and pd.notna(g) and g > max_growth else BLUE
               for g in frame["growth"]]
    hover = "%{y}<br>%{x:,.2f} " + unit.label(lang) + "<extra>%{fullData.name}</extra>"
    fig = go.Figure()
    fig.add_trace(go.Bar(
        name=t("fig.dept.sangong.prev", lang, year=year - 1, date=fmt.date(prev_to, lang)),
        y=labels, x=frame["prev"] / unit.divisor, orientation="h", marker={"color": GREY},
        text=[amount(v) for v in frame["prev"]], textposition="auto", cliponaxis=False,
        textfont={"size": 11}, constraintext="none", hovertemplate=hover))
    fig.add_trace(go.Bar(
        name=t("fig.dept.sangong.cur", lang, year=year, date=fmt.date(as_of, lang)),
        y=labels, x=frame["cur"] / unit.divisor, orientation="h", marker={"color": colours},
        text=[amount(v) + g if v or g else "" for v, g in zip(frame["cur"], growth)],
        textposition="auto", cliponaxis=False, textfont={"size": 11}, constraintext="none",
        hovertemplate=hover))
    base_layout(fig, title, height=160 + 64 * len(frame))
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.08, margin={"l": 16, "r": 24, "t": 96, "b": 48})
    fig.update_xaxes(title=fmt.axis_title(t("fig.dept.sangong.y", lang), unit.label(lang), lang),
                     rangemode="tozero", gridcolor=GRID, tickformat=",.2~f")
    # the first item on top; last year's bar above this year's within an item
    fig.update_yaxes(title=None, autorange="reversed", automargin=True)
    return fig
