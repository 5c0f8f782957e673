"""项目监督 charts: projects by status, ranking by gap to schedule (projects or lead units), one
project's completion against the expected share, and its money paid against the work reported.
Frames come from queries/projects.py; builders are pure (frame → Figure)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures.common import (BLUE, GREY, GRID, MUTED, ORANGE, PALE_BLUE, RED, YELLOW,
                                                  base_layout, empty_figure, text_only)
from budgetwatch.dashboard.i18n import data_label, t

GREEN = "#2e7d32"
STATUS_COLOURS = {"未开工": GREY, "在建": BLUE, "已完工": GREEN, "停工": RED}
SEVERITY_COLOURS = {"high": RED, "medium": ORANGE, "low": YELLOW}
# The PROJECT_LAG bands (points behind the expected share): colour of a gap.
BANDS = (("ahead", BLUE), ("behind", PALE_BLUE), ("medium", ORANGE), ("high", RED))
TOP = 20


def gap_band(gap: float, medium: float = 10.0, high: float = 30.0) -> str:
    """The band of a gap in points (negative is behind): as PROJECT_LAG colours it."""
    if gap >= 0:
        return "ahead"
    if -gap <= medium:
        return "behind"
    if -gap <= high:
        return "medium"
    return "high"


def _text(value) -> str:
    """A name as the label shows it (``@text_only`` has already made it plain text)."""
    return fmt.text(value)


def _legend_below(fig: go.Figure) -> go.Figure:
    """The legend under the plot: the project's name makes the title long, and on a phone a legend
    beside it would cover it."""
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.14, "xanchor": "left", "x": 0},
                      margin={"l": 16, "r": 24, "t": 64, "b": 90})
    return fig


def status_label(status: str, lang: str) -> str:
    return data_label("pstatus", status, lang)


@text_only
def status_figure(counts: pd.DataFrame, *, year: int, view: str, lang: str = "zh") -> go.Figure:
    """Projects per status (未开工 / 在建 / 已完工 / 停工). ``counts``: status, projects."""
    title = t("fig.proj.status.title", lang, year=year, view=t(f"proj.view.{view}", lang))
    if counts.empty or int(counts["projects"].sum()) == 0:
        return empty_figure(title, lang)
    fig = go.Figure(go.Bar(
        x=[status_label(s, lang) for s in counts["status"]], y=counts["projects"],
        marker={"color": [STATUS_COLOURS.get(s, GREY) for s in counts["status"]]},
        text=[str(int(n)) for n in counts["projects"]], textposition="outside", cliponaxis=False,
        hovertemplate="<b>%{x}</b><br>%{y}<extra></extra>", showlegend=False))
    base_layout(fig, title, height=340)
    fig.update_layout(bargap=0.45)
    fig.update_xaxes(title=None)
    fig.update_yaxes(title=t("fig.proj.count", lang), rangemode="tozero", gridcolor=GRID, tickformat=",d")
    return fig


@text_only
def ranking_figure(frame: pd.DataFrame, *, year: int, as_of: dt.date, kind: str, lang: str = "zh",
                   thresholds: tuple[float, float] = (10.0, 30.0)) -> go.Figure:
    """Horizontal bars of the gap to schedule (points; negative is behind), the worst at the top,
    at most ``TOP``. ``kind``: ``projects`` (project_code, project_name, rate, expected, gap) or
    ``units`` (dept_code, unit_name, rate, expected, gap)."""
    title = t(f"fig.proj.rank.{kind}", lang, year=year, date=fmt.date(as_of, lang))
    data = frame[frame["gap"].notna()].copy() if len(frame) else frame
    if data is None or data.empty:
        return empty_figure(title, lang)
    data = data.sort_values(["gap"], kind="stable").head(TOP)
    name_col = "project_name" if kind == "projects" else "unit_name"
    code_col = "project_code" if kind == "projects" else "dept_code"
    labels = [_text(n) for n in data[name_col]]
    dup = pd.Series(labels).duplicated(keep=False).tolist()
    data["label"] = [f"{lab}（{_text(c)}）" if d else lab for lab, c, d in zip(labels, data[code_col], dup)]
    data["band"] = [gap_band(g, *thresholds) for g in data["gap"]]
    fig = go.Figure()
    for band, colour in BANDS:
        part = data[data["band"] == band]
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            orientation="h", name=t(f"fig.proj.band.{band}", lang), x=part["gap"], y=part["label"],
            marker={"color": colour}, text=[fmt.points(g / 100, lang) for g in part["gap"]],
            textposition="outside", cliponaxis=False,
            customdata=[[c, fmt.percent(r), fmt.percent(e)] for c, r, e in
                        zip(part[code_col], part["rate"], part["expected"])],
            hovertemplate="<b>%{y}</b><br>" + t("fig.proj.rank.hover", lang, rate="%{customdata[1]}",
                                                  expected="%{customdata[2]}") + "<extra></extra>"))
    order = list(data["label"])
    height = max(320, 30 * len(order) + 150)
    base_layout(fig, title, height=height)
    low = min(-5.0, float(data["gap"].min()) * 1.25)
    high = max(5.0, float(data["gap"].max()) * 1.25)
    fig.update_layout(barmode="overlay", bargap=0.3, margin={"l": 16, "r": 40, "t": 100, "b": 48},
                      legend={"yref": "container", "y": 1 - 46 / height, "yanchor": "top", "x": 0,
                              "xanchor": "left"})
    fig.update_xaxes(title=t("fig.proj.rank.x", lang), range=[low, high], gridcolor=GRID, zeroline=True,
                     zerolinecolor=MUTED, ticksuffix="")
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=order, autorange="reversed",
                     automargin=True, ticksuffix="  ")
    return fig


@text_only
def progress_figure(reports: pd.DataFrame, *, name: str, year: int, lang: str = "zh") -> go.Figure:
    """One project's reports: the share of the year's plan completed at each report date, against
    the share expected at that date (the PROJECT_LAG schedule), and the physical progress."""
    title = t("fig.proj.progress.title", lang, name=_text(name), year=year)
    data = reports[reports["rate"].notna() | reports["physical_progress"].notna()] if len(reports) else reports
    if data is None or data.empty:
        return empty_figure(title, lang)
    dates = [pd.Timestamp(d).date().isoformat() for d in data["report_date"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=dates, y=data["expected"], name=t("fig.proj.expected", lang), mode="lines",
                             line={"color": RED, "dash": "dash", "width": 2},
                             hovertemplate="%{x}<br>%{y:.1%}<extra></extra>"))
    fig.add_trace(go.Scatter(x=dates, y=data["rate"], name=t("fig.proj.rate", lang), mode="lines+markers",
                             line={"color": BLUE, "width": 3}, marker={"size": 8},
                             hovertemplate="%{x}<br>%{y:.1%}<extra></extra>"))
    if data["physical_progress"].notna().any():
        fig.add_trace(go.Scatter(x=dates, y=data["physical_progress"] / 100, name=t("fig.proj.physical", lang),
                                 mode="lines+markers", line={"color": GREY, "width": 2, "dash": "dot"},
                                 hovertemplate="%{x}<br>%{y:.1%}<extra></extra>"))
    _legend_below(base_layout(fig, title, height=400))
    fig.update_xaxes(title=None, gridcolor=GRID)
    top = max(1.0, float(pd.concat([data["rate"], data["expected"]]).max(skipna=True) or 0) * 1.1)
    fig.update_yaxes(title=fmt.axis_title(t("fig.proj.share", lang), "%", lang), tickformat=".0%",
                     range=[0, top], gridcolor=GRID)
    return fig


@text_only
def money_figure(paid: pd.DataFrame, reports: pd.DataFrame, budget: float | None, *, name: str, year: int,
                 lang: str = "zh") -> go.Figure:
    """Money paid versus work done: payments charged to the project, cumulative by month, against
    the investment completed this year as reported, with the project's budget lines as a line."""
    title = t("fig.proj.money.title", lang, name=_text(name), year=year)
    done = reports[reports["year_completed"].notna()] if len(reports) else reports
    if (paid is None or paid.empty) and (done is None or done.empty) and not budget:
        return empty_figure(title, lang)
    values = list(paid["cumulative"]) if len(paid) else []
    values += list(done["year_completed"]) if len(done) else []
    values += [budget] if budget else []
    unit = fmt.money_unit(values)
    fig = go.Figure()
    if len(paid):
        ends = [pd.Timestamp(d).date().isoformat() for d in paid["last_day"]]
        fig.add_trace(go.Scatter(
            x=ends, y=paid["cumulative"] / unit.divisor, name=t("fig.proj.paid", lang), mode="lines+markers",
            line={"color": ORANGE, "width": 3, "shape": "hv"}, marker={"size": 7},
            hovertemplate="%{x}<br>%{y:,.2f} " + unit.label(lang) + "<extra></extra>"))
    if len(done):
        fig.add_trace(go.Scatter(
            x=[pd.Timestamp(d).date().isoformat() for d in done["report_date"]],
            y=done["year_completed"] / unit.divisor, name=t("fig.proj.done", lang), mode="lines+markers",
            line={"color": BLUE, "width": 3}, marker={"size": 8},
            hovertemplate="%{x}<br>%{y:,.2f} " + unit.label(lang) + "<extra></extra>"))
    if budget:
        fig.add_hline(y=budget / unit.divisor, line={"color": GREEN, "dash": "dash", "width": 2},
                      annotation={"text": t("fig.proj.budget", lang, amount=fmt.money(budget, lang, unit)),
                                  "font": {"color": GREEN, "size": 12}}, annotation_position="top left")
    _legend_below(base_layout(fig, title, height=400))
    fig.update_xaxes(title=None, gridcolor=GRID)
    fig.update_yaxes(title=fmt.axis_title(t("fig.proj.amount", lang), unit.label(lang), lang),
                     rangemode="tozero", gridcolor=GRID, tickformat=",.2~f")
    return fig
