"""State assets (国有资产) charts: debt ratio by enterprise against the LEVERAGE thresholds, one
enterprise's equity over the years (保值增值率), idle share of administrative assets against
the IDLE_ASSETS threshold. Frames come from queries/assets.py; thresholds are the ones in force."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures.common import (BLUE, GREY, GRID, ORANGE, PALE_BLUE, RED, base_layout, empty_figure,
                                                  text_only)
from budgetwatch.dashboard.i18n import t


def ratio_colour(ratio: float | None, max_ratio: float, high_ratio: float) -> str:
    """Red above the high line, orange above the warning line, blue otherwise (shares)."""
    if ratio is None or pd.isna(ratio):
        return GREY
    return RED if ratio > high_ratio else ORANGE if ratio > max_ratio else BLUE


def _short(names: pd.Series, codes: pd.Series) -> list[str]:
    """Enterprise names without the common 有限公司 tail; the code where two then collide."""
    short = names.str.replace(r"(有限责任公司|股份有限公司|有限公司)$", "", regex=True)
    dup = short.duplicated(keep=False)
    return [f"{s}（{c[-6:]}）" if d else s for s, c, d in zip(short, codes, dup)]


@text_only
def debt_ratio_figure(frame: pd.DataFrame, *, max_ratio: float, high_ratio: float, year: int,
                      lang: str = "zh") -> go.Figure:
    """Horizontal bars of debt ratio by enterprise, highest at the top, with the two threshold lines.

    ``frame``: enterprise_code, enterprise_name, assets, liabilities, debt_ratio
    (``queries.assets.enterprises``). ``max_ratio``/``high_ratio``: shares (0.70, 0.85).
    """
    title = t("fig.assets.debt.title", lang, year=year)
    rated = frame[frame["debt_ratio"].notna()].copy()
    if rated.empty:
        return empty_figure(title, lang)
    rated = rated.sort_values(["debt_ratio", "enterprise_code"], ascending=[False, True], kind="stable")
    rated["label"] = _short(rated["enterprise_name"], rated["enterprise_code"])
    unit = fmt.money_unit(list(rated["assets"]) + list(rated["liabilities"]))
    fig = go.Figure(go.Bar(
        orientation="h", x=rated["debt_ratio"], y=rated["label"],
        marker={"color": [ratio_colour(r, max_ratio, high_ratio) for r in rated["debt_ratio"]]},
        text=[fmt.percent(r) for r in rated["debt_ratio"]], textposition="outside", cliponaxis=False,
        customdata=[[n, fmt.money(a, lang, unit), fmt.money(li, lang, unit)]
                    for n, a, li in zip(rated["enterprise_name"], rated["assets"], rated["liabilities"])],
        hovertemplate="<b>%{customdata[0]}</b><br>"
        + t("fig.assets.debt.hover", lang, ratio="%{text}", assets="%{customdata[1]}",
            liabilities="%{customdata[2]}") + "<extra></extra>",
        showlegend=False,
    ))
    height = max(340, 28 * len(rated) + 150)
    base_layout(fig, title, height=height)
    fig.update_layout(bargap=0.3, margin={"l": 16, "r": 48, "t": 96, "b": 56})
    top = max(1.0, float(rated["debt_ratio"].max())) * 1.1
    fig.update_xaxes(title=fmt.axis_title(t("fig.assets.debt.x", lang), "%", lang), tickformat=".0%",
                     range=[0, top], gridcolor=GRID)
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(rated["label"]),
                     autorange="reversed", automargin=True, ticksuffix="  ")
    for value, colour, key in ((max_ratio, ORANGE, "fig.assets.debt.warn"), (high_ratio, RED, "fig.assets.debt.high")):
        fig.add_vline(x=value, line={"color": colour, "width": 2, "dash": "dash"},
                      annotation={"text": t(key, lang, pct=fmt.percent(value, 0)), "font": {"color": colour, "size": 12},
                                  "yanchor": "bottom"}, annotation_position="top")
    return fig


@text_only
def equity_figure(history: pd.DataFrame, *, name: str, min_keep: float, lang: str = "zh") -> go.Figure:
    """Owner equity by year (bars) with 保值增值率 above each bar; a year whose rate is below
    ``min_keep`` (1 − EQUITY_DECLINE's threshold, e.g. 0.90) is orange.

    ``history``: year, equity, profit, keep_ratio (``queries.assets.equity_history``).
    """
    title = t("fig.assets.equity.title", lang, name=name)
    if history.empty:
        return empty_figure(title, lang)
    unit = fmt.money_unit(list(history["equity"]))
    colours = [ORANGE if pd.notna(k) and k < min_keep else BLUE for k in history["keep_ratio"]]
    keep = [t("fig.assets.equity.keep", lang, pct=fmt.percent(k)) if pd.notna(k) else "" for k in history["keep_ratio"]]
    years = [str(y) for y in history["year"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        name=t("fig.assets.equity.equity", lang), x=years, y=history["equity"] / unit.divisor,
        marker={"color": colours}, text=keep, showlegend=False, textposition="outside", cliponaxis=False,
        customdata=[[fmt.money(e, lang, unit), fmt.money(p, lang, unit)] for e, p in zip(history["equity"], history["profit"])],
        hovertemplate=t("fig.assets.equity.hover", lang, year="%{x}", equity="%{customdata[0]}",
                        profit="%{customdata[1]}") + "<br>%{text}<extra></extra>"))
    base_layout(fig, title, height=380)
    fig.update_layout(bargap=0.45, margin={"l": 16, "r": 24, "t": 96, "b": 48})
    fig.update_xaxes(title=t("fig.assets.equity.x", lang), type="category")
    fig.update_yaxes(title=fmt.axis_title(t("fig.assets.equity.y", lang), unit.label(lang), lang),
                     rangemode="tozero", gridcolor=GRID, tickformat=",.2~f")
    return fig


@text_only
def idle_share_figure(frame: pd.DataFrame, *, by: str, max_idle: float, title: str,
                      limit: int = 20, lang: str = "zh") -> go.Figure:
    """Idle share of administrative assets by unit (``by='dept'``) or category (``'category'``),
    highest first (at most ``limit`` bars), a dashed line at the IDLE_ASSETS threshold
    ``max_idle`` (a share); bars above it orange.

    ``frame``: ``queries.assets.admin_by`` — dept_code/dept_name or asset_category, book, idle,
    idle_share.
    """
    rated = frame[frame["idle_share"].notna()].copy() if not frame.empty else frame
    if rated.empty:
        return empty_figure(title, lang)
    rated["label"] = rated["dept_name"] if by == "dept" else rated["asset_category"]
    if by == "dept":
        dup = rated["label"].duplicated(keep=False)
        rated["label"] = rated["label"].where(~dup, rated["label"] + "（" + rated["dept_code"] + "）")
    rated = rated.sort_values(["idle_share", "book"], ascending=[False, False], kind="stable").head(limit)
    unit = fmt.money_unit(list(rated["book"]))
    fig = go.Figure(go.Bar(
        orientation="h", x=rated["idle_share"], y=rated["label"],
        marker={"color": [ORANGE if s > max_idle else PALE_BLUE for s in rated["idle_share"]]},
        text=[fmt.percent(s) for s in rated["idle_share"]], textposition="outside", cliponaxis=False,
        customdata=[[fmt.money(i, lang, unit), fmt.money(b, lang, unit)] for i, b in zip(rated["idle"], rated["book"])],
        hovertemplate="<b>%{y}</b><br>" + t("fig.assets.idle.hover", lang, share="%{text}", idle="%{customdata[0]}",
                                            book="%{customdata[1]}") + "<extra></extra>",
        showlegend=False))
    height = max(300, 26 * len(rated) + 150)
    base_layout(fig, title, height=height)
    fig.update_layout(bargap=0.3, margin={"l": 16, "r": 48, "t": 96, "b": 56})
    top = max(float(rated["idle_share"].max()), max_idle) * 1.25
    fig.update_xaxes(title=fmt.axis_title(t("fig.assets.idle.x", lang), "%", lang), tickformat=".0%",
                     range=[0, top], gridcolor=GRID)
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(rated["label"]),
                     autorange="reversed", automargin=True, ticksuffix="  ")
    fig.add_vline(x=max_idle, line={"color": ORANGE, "width": 2, "dash": "dash"},
                  annotation={"text": t("fig.assets.idle.line", lang, pct=fmt.percent(max_idle, 0)),
                              "font": {"color": ORANGE, "size": 12}, "yanchor": "bottom"},
                  annotation_position="top")
    return fig
