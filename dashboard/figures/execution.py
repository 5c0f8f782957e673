"""Budget execution (预算执行) drill-down charts: the level as a treemap, the node's monthly
curve against last year. Frames come from queries/execution.py; pure frame → Figure."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures.common import GREY, MUTED, base_layout, empty_figure, text_only
from budgetwatch.dashboard.figures.overview import BANDS, lag_band, monthly_cumulative_figure
from budgetwatch.dashboard.i18n import t

TREEMAP_HEIGHT = 460


def band_colour(rate: float | None, schedule: float) -> str:
    """The overview's colour bands (on schedule, behind, 15–30 points, more); grey without budget."""
    if rate is None or rate != rate:
        return GREY
    return dict(BANDS)[lag_band(rate, schedule)]


@text_only
def level_treemap(frame: pd.DataFrame, schedule: float, *, title: str, lang: str = "zh",
                  selected: str | None = None, root_label: str | None = None, level_key: str = "") -> go.Figure:
    """The level's children as tiles sized by adjusted budget, coloured by the gap to schedule.

    ``frame``: code, name, adjusted, spent, rate (queries.execution.level). Each tile carries
    its code in ``customdata[0]`` so a click names the child; tile ids are prefixed with
    ``level_key`` (the level's path) because Plotly keeps a clicked id zoomed in the next
    figure if that holds the same id (a department's own unit has the department's code). Children without an
    adjusted budget cannot have an area: they are named in a note under the chart.
    ``selected`` (a leaf's own code) is outlined.
    """
    sized = frame[frame["adjusted"] > 0]
    if sized.empty:
        return empty_figure(title, lang, height=TREEMAP_HEIGHT)
    unit = fmt.money_unit(list(sized["adjusted"]) + list(sized["spent"]))
    colours = [band_colour(r, schedule) for r in sized["rate"]]
    labels = [f"{n}<br><span style='font-size:11px'>{c}</span>" for c, n in zip(sized["code"], sized["name"])]
    custom = [[c, fmt.percent(r), fmt.points(r - schedule, lang), fmt.money(a, lang, unit), fmt.money(s, lang, unit)]
              for c, r, a, s in zip(sized["code"], sized["rate"], sized["adjusted"], sized["spent"])]
    # The root's hover speaks for the whole level (not "null"): its children summed.
    adjusted, spent = float(frame["adjusted"].sum()), float(frame["spent"].sum())
    rate = spent / adjusted if adjusted > 0 else None
    root = [None, fmt.percent(rate), fmt.points(rate - schedule, lang) if rate is not None else "—",
            fmt.money(adjusted, lang, unit), fmt.money(spent, lang, unit)]
    widths = [3 if c == selected else 1 for c in sized["code"]]
    # One explicit root (the level's parent) above the tiles: with several roots Plotly adds a
    # hidden one and a click on a tile zooms into it instead of just reporting the click.
    fig = go.Figure(go.Treemap(
        ids=[f"{level_key}>"] + [f"{level_key}>{c}" for c in sized["code"]], labels=[root_label or ""] + labels,
        parents=[""] + [f"{level_key}>"] * len(sized),
        values=[0.0] + list(sized["adjusted"] / unit.divisor), branchvalues="remainder",
        customdata=[root] + custom,
        marker={"colors": ["#ffffff"] + colours,
                "line": {"color": ["#ffffff"] + ["#1f2933" if w == 3 else "#ffffff" for w in widths],
                         "width": [0] + widths}},
        texttemplate="<b>%{label}</b><br>" + t("exec.tile", lang, rate="%{customdata[1]}", gap="%{customdata[2]}"),
        hovertemplate="<b>%{label}</b><br>"
        + t("exec.hover", lang, rate="%{customdata[1]}", gap="%{customdata[2]}", adjusted="%{customdata[3]}",
            spent="%{customdata[4]}") + "<extra></extra>",
        textfont={"size": 14}, textposition="middle center", tiling={"pad": 2}, sort=True,
        pathbar={"visible": False}, maxdepth=2,
    ))
    base_layout(fig, title, height=TREEMAP_HEIGHT)
    legend = "　".join(f"<span style='color:{colour}'>■</span> {t(f'fig.band.{band}', lang)}"
                      for band, colour in BANDS)
    note = t("exec.treemap.note", lang, unit=unit.label(lang)) + "　" + legend
    missing = frame[frame["adjusted"] <= 0]
    if len(missing):
        names = "、".join(missing["name"].head(4)) + ("…" if len(missing) > 4 else "")
        note += "<br>" + t("exec.treemap.no_budget", lang, n=len(missing), names=names)
    fig.update_layout(margin={"l": 8, "r": 8, "t": 52, "b": 40 if not len(missing) else 60})
    fig.add_annotation(text=note, x=0, y=0, xref="paper", yref="paper", xanchor="left", yanchor="top",
                       yshift=-6, showarrow=False, align="left", font={"size": 12, "color": MUTED})
    return fig


@text_only
def monthly_figure(frame: pd.DataFrame, *, year: int, node_label: str, lang: str = "zh") -> go.Figure:
    """The node's cumulative spending by month against the year before (the overview's curve)."""
    fig = monthly_cumulative_figure(frame, year=year, lang=lang)
    fig.update_layout(title_text=t("exec.monthly.title", lang, node=node_label, year=year, prev=year - 1))
    return fig
