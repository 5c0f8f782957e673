"""Government debt (政府债务) charts, every amount in 亿元: balance against limit per region and
type with the headroom left, 债务率 per region against the tiers in force, new bonds against
the new limit, the trend over the years, repayments and interest.

Pure: frames from queries/debt.py in, a Figure out. Region names come from the feed: every
builder is ``@text_only`` (figures/common.py), so they reach Plotly as text, escaped once.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures.common import (BLUE, GREY, GRID, ORANGE, PALE_BLUE, RED, base_layout,
                                                  empty_figure, text_only)
from budgetwatch.dashboard.i18n import t

UNIT = fmt.YI           # debt reads in 亿元 wherever it is shown
TYPES = ("一般债务", "专项债务")
TYPE_COLOURS = {"一般债务": BLUE, "专项债务": "#7b5ea7"}
PALE = {"一般债务": PALE_BLUE, "专项债务": "#c9bbdf"}


def text(value: object) -> str:
    """A value as a label (builders are given names already escaped by ``@text_only``)."""
    return "" if value is None else str(value)


def yi(yuan: float | None, lang: str) -> str:
    return fmt.money(yuan, lang, UNIT)


def type_label(debt_type: str, lang: str) -> str:
    return t(f"debt.type.{debt_type}", lang) if debt_type in TYPES else text(debt_type)


def ratio_colour(ratio: float | None, max_ratio: float, high_ratio: float) -> str:
    """Red above the high tier, orange above the warning line, blue otherwise (shares)."""
    if ratio is None or pd.isna(ratio):
        return GREY
    return RED if ratio > high_ratio else ORANGE if ratio > max_ratio else BLUE


def _labels(frame: pd.DataFrame) -> list[str]:
    """Region names, with the code where two regions share a name."""
    names = frame["region_name"].astype(str)
    dup = names.duplicated(keep=False)
    return [text(f"{n}（{c}）" if d else n) for n, c, d in zip(names, frame["region_code"], dup)]


def _height(n: int, per: int = 30, base: int = 170, least: int = 340) -> int:
    return max(least, per * n + base)


@text_only
def limit_balance_figure(rows: pd.DataFrame, *, year: int, lang: str = "zh") -> go.Figure:
    """Per region, one panel per debt type: the limit as a pale bar, the balance over it (red
    when above the limit), the headroom written at the end. Regions ranked by their balance.

    ``rows``: ``queries.debt.debt_rows`` (region_code, region_name, debt_type, limit_amount,
    balance, headroom, usage)."""
    title = t("fig.debt.limit.title", lang, year=year)
    if rows.empty:
        return empty_figure(title, lang)
    regions = (rows.groupby(["region_code", "region_name"], as_index=False)["balance"].sum()
               .sort_values(["balance", "region_code"], ascending=[False, True], kind="stable"))
    regions["label"] = _labels(regions)
    label_of = dict(zip(regions["region_code"], regions["label"]))
    order = list(regions["label"])
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06,
                        subplot_titles=[type_label(ty, lang) for ty in TYPES])
    top = max(float(rows["limit_amount"].max()), float(rows["balance"].max()), 1.0) / UNIT.divisor * 1.3
    for col, debt_type in enumerate(TYPES, start=1):
        part = rows[rows["debt_type"] == debt_type]
        labels = [label_of[c] for c in part["region_code"]]
        fig.add_trace(go.Bar(
            orientation="h", name=t("fig.debt.limit.limit", lang), y=labels, x=part["limit_amount"] / UNIT.divisor,
            marker={"color": PALE[debt_type]}, width=0.8, showlegend=col == 1, legendgroup="limit",
            hovertemplate="%{y}<br>" + t("fig.debt.limit.limit", lang) + " %{x:,.2f} " + UNIT.label(lang)
            + "<extra></extra>"), row=1, col=col)
        over = part["balance"] > part["limit_amount"]
        fig.add_trace(go.Bar(
            orientation="h", name=t("fig.debt.limit.balance", lang), y=labels, x=part["balance"] / UNIT.divisor,
            marker={"color": [RED if o else TYPE_COLOURS[debt_type] for o in over]}, width=0.45,
            showlegend=col == 1, legendgroup="balance",
            text=[t("fig.debt.limit.headroom", lang, amount=yi(h, lang)) for h in part["headroom"]],
            textposition="outside", cliponaxis=False, textfont={"size": 11},
            customdata=[[yi(b, lang), yi(li, lang), fmt.percent(u)] for b, li, u in
                        zip(part["balance"], part["limit_amount"], part["usage"])],
            hovertemplate="%{y}<br>" + t("fig.debt.limit.hover", lang, balance="%{customdata[0]}",
                                         limit="%{customdata[1]}", usage="%{customdata[2]}")
            + "<br>%{text}<extra></extra>"), row=1, col=col)
        fig.update_xaxes(range=[0, top], gridcolor=GRID, tickformat=",.0f", row=1, col=col,
                         title=fmt.axis_title(t("fig.debt.amount", lang), UNIT.label(lang), lang))
    base_layout(fig, title, height=_height(len(order), per=34))
    fig.update_layout(barmode="overlay", bargap=0.25, margin={"l": 16, "r": 90, "t": 110, "b": 56})
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", automargin=True,
                     ticksuffix="  ", row=1, col=1)
    return fig


@text_only
def ratio_figure(regions: pd.DataFrame, *, max_ratio: float, high_ratio: float, year: int,
                 lang: str = "zh") -> go.Figure:
    """债务率 by region, highest at the top, with the warning line and the high tier in force
    (``max_ratio``/``high_ratio`` as shares: 1.0, 1.2). Regions without 综合财力 are left out.

    ``regions``: ``queries.debt.debt_regions``."""
    title = t("fig.debt.ratio.title", lang, year=year)
    rated = regions[regions["ratio"].notna()].copy() if not regions.empty else regions
    if rated.empty:
        return empty_figure(title, lang)
    rated = rated.sort_values(["ratio", "region_code"], ascending=[False, True], kind="stable")
    rated["label"] = _labels(rated)
    fig = go.Figure(go.Bar(
        orientation="h", x=rated["ratio"], y=rated["label"],
        marker={"color": [ratio_colour(r, max_ratio, high_ratio) for r in rated["ratio"]]},
        text=[fmt.percent(r) for r in rated["ratio"]], textposition="outside", cliponaxis=False,
        customdata=[[yi(b, lang), yi(c, lang)] for b, c in zip(rated["balance"], rated["fiscal_capacity"])],
        hovertemplate="%{y}<br>" + t("fig.debt.ratio.hover", lang, ratio="%{text}", balance="%{customdata[0]}",
                                     capacity="%{customdata[1]}") + "<extra></extra>",
        showlegend=False))
    base_layout(fig, title, height=_height(len(rated), per=28, base=150))
    fig.update_layout(bargap=0.3, margin={"l": 16, "r": 56, "t": 96, "b": 56})
    top = max(float(rated["ratio"].max()), high_ratio) * 1.15
    fig.update_xaxes(title=fmt.axis_title(t("fig.debt.ratio.x", lang), "%", lang), tickformat=".0%",
                     range=[0, top], gridcolor=GRID)
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(rated["label"]),
                     autorange="reversed", automargin=True, ticksuffix="  ")
    for value, colour, key, anchor in ((max_ratio, ORANGE, "fig.debt.ratio.warn", "right"),
                                       (high_ratio, RED, "fig.debt.ratio.high", "left")):
        fig.add_vline(x=value, line={"color": colour, "width": 2, "dash": "dash"},
                      annotation={"text": t(key, lang, pct=fmt.percent(value, 0)), "font": {"color": colour, "size": 12},
                                  "yanchor": "bottom", "xanchor": anchor}, annotation_position="top")
    return fig


@text_only
def issuance_figure(rows: pd.DataFrame, *, year: int, lang: str = "zh") -> go.Figure:
    """New bonds issued against the new limit granted, per region and type (rows that give a
    new limit or new bonds); red where the bonds exceed the limit."""
    title = t("fig.debt.issue.title", lang, year=year)
    part = rows[rows["new_quota"].notna() | rows["new_issued"].notna()].copy() if not rows.empty else rows
    if part.empty:
        return empty_figure(title, lang)
    part = part.sort_values(["region_code", "debt_type"], kind="stable")
    names = _labels(part.drop_duplicates("region_code"))
    name_of = dict(zip(part.drop_duplicates("region_code")["region_code"], names))
    part["label"] = [f"{name_of[c]} · {type_label(ty, lang)}" for c, ty in zip(part["region_code"], part["debt_type"])]
    over = part["new_issued"].fillna(0) > part["new_quota"].fillna(float("inf"))
    fig = go.Figure()
    fig.add_trace(go.Bar(orientation="h", name=t("fig.debt.issue.quota", lang), y=part["label"],
                         x=part["new_quota"] / UNIT.divisor, marker={"color": PALE_BLUE}, width=0.8,
                         hovertemplate="%{y}<br>" + t("fig.debt.issue.quota", lang) + " %{x:,.2f} "
                         + UNIT.label(lang) + "<extra></extra>"))
    fig.add_trace(go.Bar(orientation="h", name=t("fig.debt.issue.issued", lang), y=part["label"],
                         x=part["new_issued"] / UNIT.divisor, width=0.45,
                         marker={"color": [RED if o else BLUE for o in over]},
                         text=[fmt.percent(i / q) if pd.notna(i) and pd.notna(q) and q > 0 else ""
                               for i, q in zip(part["new_issued"], part["new_quota"])],
                         textposition="outside", cliponaxis=False,
                         hovertemplate="%{y}<br>" + t("fig.debt.issue.issued", lang) + " %{x:,.2f} "
                         + UNIT.label(lang) + " (%{text})<extra></extra>"))
    base_layout(fig, title, height=_height(len(part), per=26, base=160))
    fig.update_layout(barmode="overlay", margin={"l": 16, "r": 56, "t": 96, "b": 56})
    fig.update_xaxes(title=fmt.axis_title(t("fig.debt.amount", lang), UNIT.label(lang), lang), gridcolor=GRID,
                     rangemode="tozero", tickformat=",.0f")
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(part["label"]), autorange="reversed",
                     automargin=True, ticksuffix="  ")
    return fig


@text_only
def trend_figure(trend: pd.DataFrame, *, title: str, lang: str = "zh") -> go.Figure:
    """Balance by type over the years (stacked bars), the total limit (line) and 债务率 on a
    second axis where 综合财力 is given.

    ``trend``: ``queries.debt.debt_trend``."""
    if trend.empty:
        return empty_figure(title, lang)
    years = sorted(trend["year"].unique())
    xs = [str(y) for y in years]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for debt_type in TYPES:
        part = trend[trend["debt_type"] == debt_type].set_index("year").reindex(years)
        fig.add_trace(go.Bar(name=t("fig.debt.trend.balance", lang, type=type_label(debt_type, lang)), x=xs,
                             y=part["balance"] / UNIT.divisor, marker={"color": TYPE_COLOURS[debt_type]},
                             hovertemplate="%{x}<br>%{fullData.name} %{y:,.2f} " + UNIT.label(lang)
                             + "<extra></extra>"), secondary_y=False)
    total = trend.groupby("year").agg(limit_amount=("limit_amount", "sum"), balance=("balance", "sum"),
                                      fiscal_capacity=("fiscal_capacity", "first")).reindex(years)
    fig.add_trace(go.Scatter(name=t("fig.debt.trend.limit", lang), x=xs, y=total["limit_amount"] / UNIT.divisor,
                             mode="lines+markers", line={"color": GREY, "width": 2, "dash": "dash"},
                             hovertemplate="%{x}<br>%{fullData.name} %{y:,.2f} " + UNIT.label(lang)
                             + "<extra></extra>"), secondary_y=False)
    ratio = [b / c if pd.notna(c) and c > 0 else None for b, c in zip(total["balance"], total["fiscal_capacity"])]
    if any(r is not None for r in ratio):
        fig.add_trace(go.Scatter(name=t("fig.debt.trend.ratio", lang), x=xs, y=ratio, mode="lines+markers+text",
                                 line={"color": ORANGE, "width": 2}, text=[fmt.percent(r) for r in ratio],
                                 textposition="top center", hovertemplate="%{x}<br>%{fullData.name} %{text}"
                                 "<extra></extra>"), secondary_y=True)
        fig.update_yaxes(title=fmt.axis_title(t("fig.debt.ratio.x", lang), "%", lang), tickformat=".0%",
                         rangemode="tozero", showgrid=False, secondary_y=True)
    base_layout(fig, title, height=400)
    fig.update_layout(barmode="stack", bargap=0.45, margin={"l": 16, "r": 24, "t": 96, "b": 48})
    fig.update_xaxes(title=t("fig.debt.year", lang), type="category")
    fig.update_yaxes(title=fmt.axis_title(t("fig.debt.amount", lang), UNIT.label(lang), lang), rangemode="tozero",
                     gridcolor=GRID, tickformat=",.0f", secondary_y=False)
    return fig


@text_only
def repayment_figure(trend: pd.DataFrame, *, title: str, lang: str = "zh") -> go.Figure:
    """Principal repaid and interest paid per year (stacked: 还本付息), with the refinancing
    bonds issued to roll principal over beside them."""
    if trend.empty:
        return empty_figure(title, lang)
    total = trend.groupby("year")[["principal_repaid", "interest_paid", "refinancing_issued"]].sum(min_count=1)
    if total.isna().all().all():
        return empty_figure(title, lang)
    xs = [str(y) for y in total.index]
    fig = go.Figure()
    for column, colour, key in (("principal_repaid", BLUE, "fig.debt.repay.principal"),
                                ("interest_paid", ORANGE, "fig.debt.repay.interest")):
        fig.add_trace(go.Bar(name=t(key, lang), x=xs, y=total[column] / UNIT.divisor, marker={"color": colour},
                             offsetgroup="paid", hovertemplate="%{x}<br>%{fullData.name} %{y:,.2f} "
                             + UNIT.label(lang) + "<extra></extra>"))
    fig.add_trace(go.Bar(name=t("fig.debt.repay.refinancing", lang), x=xs, y=total["refinancing_issued"] / UNIT.divisor,
                         marker={"color": PALE_BLUE}, offsetgroup="refinancing",
                         hovertemplate="%{x}<br>%{fullData.name} %{y:,.2f} " + UNIT.label(lang) + "<extra></extra>"))
    base_layout(fig, title, height=380)
    fig.update_layout(barmode="relative", bargap=0.35, margin={"l": 16, "r": 24, "t": 96, "b": 48})
    fig.update_xaxes(title=t("fig.debt.year", lang), type="category")
    fig.update_yaxes(title=fmt.axis_title(t("fig.debt.amount", lang), UNIT.label(lang), lang), rangemode="tozero",
                     gridcolor=GRID, tickformat=",.1f")
    return fig
