"""Charts by name, for exports: ``overview.departments`` → the figure the page draws.

A *view* turns the same URL query the page reads (``year=2025&as_of=2025-06-30&dept=001``)
into one chart, through the page's own query → frames → figures step, so an exported image
is the chart on screen, never a re-drawing of it. ``budgetwatch export --view`` and the
briefing (监督简报) look views up here.

A page adds its charts with one line each::

    register("audit.status", _audit_view("status"), keys=("year", "as_of"))

where the function is ``(store, query, lang) -> ViewFigure``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.urls import date_param, int_param

DEFAULT_KEYS = ("year", "as_of")


class ViewError(ValueError):
    """Unknown view, or nothing to draw; the message is fit to show a person."""


@dataclass
class ViewFigure:
    figure: go.Figure
    title: str            # the chart's title, as on the page
    as_of: str | None     # the data's as-of date (ISO), or None
    unit: str | None      # e.g. "万元", "%"; None when the chart has no money/percent axis


@dataclass(frozen=True)
class View:
    name: str
    build: Callable[[object, dict, str], ViewFigure]
    keys: tuple[str, ...]     # URL keys the view reads; others are reported as unused
    help: str = ""


VIEWS: dict[str, View] = {}


def register(name: str, build: Callable[[object, dict, str], ViewFigure], *,
             keys: Iterable[str] = DEFAULT_KEYS, help: str = "") -> None:
    VIEWS[name] = View(name, build, tuple(keys), help)


def get(name: str) -> View:
    try:
        return VIEWS[name]
    except KeyError:
        raise ViewError(f"没有视图 {name}；可用：{', '.join(sorted(VIEWS))} / no view {name!r}; "
                        f"known: {', '.join(sorted(VIEWS))}") from None


def render(store, name: str, query: dict, lang: str = "zh") -> ViewFigure:
    """The view's figure for a URL query (a dict of text values)."""
    return get(name).build(store, query, lang)


def unused_keys(name: str, query: dict) -> list[str]:
    """Filters given that the view does not read (``lang`` is always read)."""
    return [k for k in query if k not in get(name).keys and k != "lang"]


def figure_title(fig: go.Figure) -> str:
    text = fig.layout.title.text if fig.layout.title else None
    return text or ""


# -- overview (总览) ---------------------------------------------------------------------
def _overview(graph: str) -> Callable[[object, dict, str], ViewFigure]:
    def build(store, query: dict, lang: str) -> ViewFigure:
        from dashboard.pages import overview as page
        from queries import overview as q

        with store.reader() as con:
            period = q.resolve_period(con, int_param(query.get("year")), date_param(query.get("as_of")))
            if period is None:
                raise ViewError("还没有预算或支付数据 / no budget or payment data loaded yet")
            depts, funds, monthly = page.frames(con, period)
        fig = page.build_figures(period, depts, funds, monthly, lang)[graph]
        # the monthly curve is in 万元/亿元; the other two show execution rates
        unit = fmt.money_unit(monthly["cumulative"]).label(lang) if graph.endswith("monthly") else "%"
        return ViewFigure(fig, figure_title(fig), period.as_of.isoformat(), unit)
    return build


def _register_builtin() -> None:
    from dashboard import ids

    register("overview.departments", _overview(ids.Overview.DEPARTMENTS),
             help="各部门预算执行进度与序时进度 / departments against the time schedule")
    register("overview.funds", _overview(ids.Overview.FUNDS),
             help="四本预算执行情况 / the four budgets")
    register("overview.monthly", _overview(ids.Overview.MONTHLY),
             help="逐月累计支出与上年对比 / cumulative spending by month")


_register_builtin()
