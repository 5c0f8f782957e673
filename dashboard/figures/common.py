"""What every chart shares: fonts that carry Chinese, colours, the title, the download config,
and names from the data kept as text."""
from __future__ import annotations

import contextvars
import functools

import pandas as pd
import plotly.graph_objects as go

from budgetwatch.dashboard.i18n import t

FONT_FAMILY = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
               '"WenQuanYi Micro Hei", sans-serif')
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
BLUE = "#2f6db5"
PALE_BLUE = "#9db4d3"
ORANGE = "#f08c00"      # 橙色预警
RED = "#d62828"         # 红色预警
YELLOW = "#f2c037"      # 黄色预警
GREY = "#9aa5b1"


# -- data is text -------------------------------------------------------------------------------
# Plotly reads a subset of HTML in every label, tick, hover text, legend entry, annotation and
# title: ``<a href>`` becomes a live link (in the page and in exported SVG/PDF), ``<span
# style>``, ``<b>``, ``<br>`` and entities are obeyed. Department, enterprise, payee and
# category names come from feeds, so a name such as ``<a href="http://host/x">市交通运输局</a>``
# must be drawn as those characters. ``plain`` escapes a string for Plotly (it decodes
# ``&amp; &lt; &gt;`` back to the characters); ``text_only`` applies it to every string and
# every text column a figure builder is given — the builders' own markup (``<br>`` in hover
# templates, ``<b>`` around a label) comes from i18n and code, never from those arguments.
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_INSIDE_BUILDER = contextvars.ContextVar("budgetwatch_figure_builder", default=False)


def plain(text: object) -> str:
    """``text`` as Plotly shows it: the characters, never markup."""
    return str(text).translate(_ESCAPE)


def _needs_escaping(value: object) -> bool:
    return isinstance(value, str) and ("&" in value or "<" in value or ">" in value)


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell ``plain`` (a copy when anything changed; numbers untouched)."""
    out = frame
    for i in range(frame.shape[1]):
        col = frame.iloc[:, i]
        if (pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_datetime64_any_dtype(col.dtype)
                or pd.api.types.is_bool_dtype(col.dtype)):
            continue
        if not col.map(_needs_escaping).astype(bool).any():
            continue
        if out is frame:
            out = frame.copy()
        out.isetitem(i, col.map(lambda v: plain(v) if isinstance(v, str) else v, na_action="ignore"))
    return out


def _plain_arg(value: object) -> object:
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, pd.DataFrame):
        return plain_frame(value)
    return value


def text_only(builder):
    """Decorator of every figure builder: the strings and frames it is given reach Plotly as
    text (``plain``). A builder called by another builder is given them as they are (already
    escaped once)."""
    @functools.wraps(builder)
    def wrapped(*args, **kwargs):
        if _INSIDE_BUILDER.get():
            return builder(*args, **kwargs)
        token = _INSIDE_BUILDER.set(True)
        try:
            return builder(*[_plain_arg(a) for a in args], **{k: _plain_arg(v) for k, v in kwargs.items()})
        finally:
            _INSIDE_BUILDER.reset(token)
    wrapped.text_only = True
    return wrapped


def base_layout(fig: go.Figure, title: str, *, height: int = 420) -> go.Figure:
    """Title top-left, white background, CJK-capable fonts; returns the same figure."""
    fig.update_layout(
        template="plotly_white",
        # The title's top 14 px below the figure's top, whatever the height.
        title={"text": title, "x": 0.01, "xanchor": "left", "yref": "container", "y": 1 - 14 / height,
               "yanchor": "top", "font": {"size": 17, "color": INK}},
        font={"family": FONT_FAMILY, "size": 13, "color": INK},
        height=height,
        margin={"l": 16, "r": 24, "t": 64, "b": 48},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
    )
    return fig


@text_only
def empty_figure(title: str, lang: str, *, height: int = 320) -> go.Figure:
    """A titled figure that says there is nothing to draw (instead of empty axes)."""
    fig = go.Figure()
    base_layout(fig, title, height=height)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(text=t("fig.empty", lang), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 16, "color": MUTED})
    return fig


# Plotly.js 3 shows a "Share chart" button that uploads the figure (its data) to Plotly Cloud
# unless told otherwise (``showSendToCloud`` defaults to true, ``plotlyServerURL`` to the
# cloud). Budget data never leaves the machine: every switch that sends a figure anywhere is
# off, the buttons that would do it are removed, and the server URL is empty (a click on any
# button that survived a future Plotly.js finds nowhere to send to).
LOCAL_ONLY = {
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "plotlyServerURL": "",
    "showLink": False,
    "sendData": False,
    "linkText": "",
}
# Modebar buttons that send the figure away (names across Plotly.js 1–3).
SENDING_BUTTONS = ("sendChartToCloud", "sendDataToCloud", "editInChartStudio")


def image_config(filename: str) -> dict:
    """dcc.Graph config of every chart: its files are named ``filename``, and nothing in the
    toolbar sends the figure off the machine.

    The 下载 PNG and 下载 SVG buttons under each chart (``chart_downloads``) read the filename
    from ``toImageButtonOptions``; the modebar's own camera is removed, since its PNG had no
    footer (as-of date, unit, export time) and an English tooltip.
    """
    return {
        "displaylogo": False,
        "responsive": True,
        **LOCAL_ONLY,
        "modeBarButtonsToRemove": ["toImage", "lasso2d", "select2d", "autoScale2d", *SENDING_BUTTONS],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def image_filename(page: str, what: str, year: int | None) -> str:
    """``budgetwatch_overview_departments_2025``: page, chart, year — safe in any file system."""
    parts = ["budgetwatch", page, what] + ([str(year)] if year is not None else [])
    return "_".join(parts)
