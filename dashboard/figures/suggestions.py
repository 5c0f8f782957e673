"""代表建议办理 charts: the year's suggestions by field and stage, by reply class, by satisfaction,
and one suggestion's handling units on a timeline. Pure: frames in (queries/suggestions.py),
figures out. Names from the feed reach Plotly as text: every builder is ``@text_only``
(figures/common.py), which escapes the frames and strings it is given."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard.figures.common import (BLUE, GREY, GRID, INK, MUTED, ORANGE, PALE_BLUE, RED, YELLOW,
                                                  base_layout, empty_figure, text_only)
from budgetwatch.dashboard.i18n import t

GREEN = "#2e7d32"
PURPLE = "#7b4fa0"
STAGE_COLOURS = {"overdue": RED, "within": PALE_BLUE, "replied": BLUE, "closed": GREEN}
CLASS_COLOURS = {"A": GREEN, "B": ORANGE, "C": YELLOW, "D": GREY, None: "#cbd2d9"}
SATISFACTION_COLOURS = {"满意": GREEN, "基本满意": PALE_BLUE, "不满意": RED, None: "#cbd2d9"}
SEVERITY_COLOURS = {"high": RED, "medium": ORANGE, "low": YELLOW}
STAGES = ("overdue", "within", "replied", "closed")


def esc(value: object) -> str:
    """Feed text as a label's string (already escaped by the builder's ``@text_only``)."""
    return "" if value is None else str(value)


def stage_label(stage: str, lang: str) -> str:
    return t(f"sugg.stage.{stage}", lang)


def class_label(value, lang: str) -> str:
    return t(f"sugg.class.{value}", lang) if value in ("A", "B", "C", "D") else t("sugg.class.none", lang)


def class_short(value, lang: str) -> str:
    """``B类`` / ``B`` on an axis (the words in the hover and the tables)."""
    if value in ("A", "B", "C", "D"):
        return f"{value}类" if lang == "zh" else f"Class {value}"
    return t("sugg.class.none", lang)


def satisfaction_label(value, lang: str) -> str:
    return t(f"sugg.sat.{value}", lang) if value in ("满意", "基本满意", "不满意") else t("sugg.sat.none", lang)


@text_only
def field_figure(frame: pd.DataFrame, *, year: int, lang: str = "zh") -> go.Figure:
    """Suggestions per field, stacked by stage; the field with most suggestions at the top.

    ``frame``: field, stage, n (``queries.suggestions.field_stage``)."""
    title = t("fig.sugg.field.title", lang, year=year)
    if frame.empty:
        return empty_figure(title, lang)
    totals = frame.groupby("field")["n"].sum().sort_values(kind="stable")
    fields = list(totals.index)
    fig = go.Figure()
    for stage in STAGES:
        part = frame[frame["stage"] == stage].set_index("field")["n"]
        if part.empty:
            continue
        fig.add_bar(y=[esc(f) for f in fields], x=[int(part.get(f, 0)) for f in fields], orientation="h",
                    name=stage_label(stage, lang), marker={"color": STAGE_COLOURS[stage]},
                    hovertemplate="<b>%{y}</b><br>" + stage_label(stage, lang) + " %{x}<extra></extra>")
    height = max(340, 150 + 34 * len(fields))
    base_layout(fig, title, height=height)
    # the legend under the bars: above them it would run into the title on a phone
    fig.update_layout(barmode="stack", bargap=0.35, margin={"l": 16, "r": 24, "t": 56, "b": 120},
                      legend={"orientation": "h", "yanchor": "top", "y": -0.3, "xanchor": "left", "x": 0})
    fig.update_xaxes(title=t("fig.sugg.count", lang), gridcolor=GRID, rangemode="tozero", tickformat=",d")
    fig.update_yaxes(title=None, automargin=True)
    return fig


def _bars(counts: pd.DataFrame, labels, colours: dict, title: str, axis: str, lang: str, hover=None) -> go.Figure:
    if counts.empty:
        return empty_figure(title, lang)
    total = int(counts["n"].sum())
    hover = hover or labels
    fig = go.Figure(go.Bar(
        x=[labels(k) for k in counts["key"]], y=list(counts["n"]),
        marker={"color": [colours.get(k, GREY) for k in counts["key"]]},
        customdata=[[hover(k)] for k in counts["key"]],
        text=[f"{int(n)} · {n / total:.0%}" for n in counts["n"]], textposition="outside", cliponaxis=False,
        hovertemplate="<b>%{customdata[0]}</b><br>%{y}<extra></extra>", showlegend=False))
    base_layout(fig, title, height=360)
    fig.update_layout(bargap=0.45)
    fig.update_xaxes(title=None)
    fig.update_yaxes(title=axis, rangemode="tozero", gridcolor=GRID, tickformat=",d")
    return fig


@text_only
def reply_class_figure(counts: pd.DataFrame, *, year: int, lang: str = "zh") -> go.Figure:
    """Suggestions by the class of their main reply: A, B, C, D, then not yet replied.

    ``counts``: key (A/B/C/D or None), n (``queries.suggestions.counts``)."""
    return _bars(counts, lambda k: class_short(k, lang), CLASS_COLOURS, t("fig.sugg.class.title", lang, year=year),
                 t("fig.sugg.count", lang), lang, hover=lambda k: class_label(k, lang))


@text_only
def satisfaction_figure(counts: pd.DataFrame, *, year: int, lang: str = "zh") -> go.Figure:
    """Suggestions by the deputy's rating (the least satisfied of the main units'), then not rated."""
    return _bars(counts, lambda k: satisfaction_label(k, lang), SATISFACTION_COLOURS,
                 t("fig.sugg.sat.title", lang, year=year), t("fig.sugg.count", lang), lang)


def year_figures(suggestions: pd.DataFrame, *, year: int, lang: str = "zh") -> dict[str, go.Figure]:
    """The year's three charts by name (``field``, ``class``, ``satisfaction``), from the frame
    of ``queries.suggestions.per_suggestion``: what the page draws and the exports render."""
    from budgetwatch.queries import suggestions as qs

    return {
        "field": field_figure(qs.field_stage(suggestions), year=year, lang=lang),
        "class": reply_class_figure(qs.counts(suggestions, "reply_class", qs.REPLY_CLASSES), year=year, lang=lang),
        "satisfaction": satisfaction_figure(qs.counts(suggestions, "satisfaction", qs.SATISFACTION), year=year,
                                            lang=lang),
    }


# -- one suggestion: its handling units' clocks -------------------------------------------------
_EVENTS = (  # (column, i18n key, marker symbol, colour)
    ("assigned_date", "sugg.clock.assigned", "circle-open", MUTED),
    ("deadline", "sugg.clock.deadline", "line-ns", INK),
    ("replied_date", "sugg.clock.replied", "circle", BLUE),
    ("promised_date", "sugg.clock.promised", "diamond-open", ORANGE),
    ("rated_date", "sugg.clock.rated", "star", GREEN),
    ("second_reply_date", "sugg.clock.second_reply", "circle", PURPLE),
    ("closed_date", "sugg.clock.closed", "square", GREEN),
)


def _day(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date().isoformat()


def unit_label(row, lang: str) -> str:
    role = t(f"sugg.role.{row['role']}", lang) if row["role"] in ("主办", "协办", "分办") else str(row["role"])
    return f"{esc(row['dept_name'])}（{role}）" if lang == "zh" else f"{esc(row['dept_name'])} ({role})"


@text_only
def timeline_figure(rows: pd.DataFrame, flags: pd.DataFrame, *, as_of: dt.date, lang: str = "zh",
                    title: str | None = None) -> go.Figure:
    """One suggestion's handling units, one line each from assignment to its close (or the as-of
    date), with a mark for each clock: assigned, deadline, replied, promised, rated, second reply,
    closed. A unit with flags is drawn in its worst flag's colour; the as-of date is a dashed line.

    ``rows``: handling rows of one suggestion (``queries.suggestions.rows_of``); ``flags``: its flags
    (rule, severity, entity_key, dept_code)."""
    title = title or t("fig.sugg.timeline.title", lang)
    if rows.empty:
        return empty_figure(title, lang)
    order = {"high": 0, "medium": 1, "low": 2}
    worst: dict[str, str] = {}
    for dept, sev in zip(flags.get("dept_code", []), flags.get("severity", [])):
        if dept not in worst or order.get(sev, 3) < order.get(worst[dept], 3):
            worst[dept] = sev
    labels = [unit_label(r, lang) for _, r in rows.iterrows()]
    fig = go.Figure()
    for label, (_, r) in zip(labels, rows.iterrows()):
        start = _day(r["assigned_date"])
        end = _day(r["closed_date"]) if _day(r["closed_date"]) and _day(r["closed_date"]) <= as_of.isoformat() \
            else as_of.isoformat()
        colour = SEVERITY_COLOURS.get(worst.get(r["dept_code"]), PALE_BLUE)
        fig.add_scatter(x=[start, end], y=[label, label], mode="lines", line={"color": colour, "width": 6},
                        hoverinfo="skip", showlegend=False)
    for column, key, symbol, colour in _EVENTS:
        xs, ys, texts = [], [], []
        for label, (_, r) in zip(labels, rows.iterrows()):
            day = _day(r.get(column))
            if day is None:
                continue
            xs.append(day)
            ys.append(label)
            note = ""
            if column == "replied_date" and r.get("reply_class") in ("A", "B", "C", "D"):
                note = " · " + class_label(r["reply_class"], lang)
            if column == "rated_date" or (column == "replied_date" and _day(r.get("rated_date")) is None
                                          and isinstance(r.get("satisfaction"), str)):
                if isinstance(r.get("satisfaction"), str):
                    note += " · " + satisfaction_label(r["satisfaction"], lang)
            if column == "deadline" and _day(r.get("extended_to")):
                note = " · " + t("sugg.clock.extended", lang)
            texts.append(f"{t(key, lang)} {day}{note}")
        if not xs:
            continue
        fig.add_scatter(x=xs, y=ys, mode="markers", name=t(key, lang), text=texts,
                        marker={"symbol": symbol, "size": 14 if symbol != "line-ns" else 22, "color": colour,
                                "line": {"width": 2, "color": colour}},
                        hovertemplate="%{y}<br>%{text}<extra></extra>")
    fig.add_vline(x=as_of.isoformat(), line={"color": MUTED, "dash": "dash", "width": 1})
    fig.add_annotation(x=as_of.isoformat(), y=1, yref="paper", yanchor="bottom", showarrow=False,
                       text=t("sugg.clock.as_of", lang, date=as_of.isoformat()), font={"size": 12, "color": MUTED})
    height = max(300, 170 + 66 * len(labels))
    base_layout(fig, title, height=height)
    fig.update_layout(margin={"l": 16, "r": 24, "t": 96, "b": 48},
                      legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0})
    fig.update_xaxes(type="date", gridcolor=GRID, tickformat="%Y-%m-%d", nticks=6)
    # Each unit's name sits above its line (not as a tick label), so the clocks keep the width
    # on a phone; a flagged unit's name takes its worst flag's colour.
    fig.update_yaxes(title=None, autorange="reversed", showticklabels=False, range=None)
    for label, (_, r) in zip(labels, rows.iterrows()):
        colour = SEVERITY_COLOURS.get(worst.get(r["dept_code"]), INK)
        fig.add_annotation(xref="paper", x=0, xanchor="left", yref="y", y=label, yshift=19, showarrow=False,
                           text=f"<b>{label}</b>", font={"size": 13, "color": colour}, align="left")
    return fig


def title_of(no: str, title: str, lang: str) -> str:
    """The timeline's title, as text (``timeline_figure`` escapes it with the rest)."""
    return t("fig.sugg.timeline.of", lang, no=esc(no), title=esc(title))
