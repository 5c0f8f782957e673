"""Small building blocks every page uses: a chart with its downloads, a card, a notice."""
from __future__ import annotations

import logging
import string

from dash import dcc, html

from budgetwatch.dashboard import chart_downloads, ids
from budgetwatch.dashboard.figures.common import image_config
from budgetwatch.dashboard.i18n import norm_lang, STRINGS, t

_log = logging.getLogger("budgetwatch.dashboard")


def figure_card(name: str, lang: str, filename: str, *, wide: bool = False, stack: bool = False) -> html.Div:
    """A chart (id ``ids.graph(name)``) with 下载 PNG and 下载 SVG buttons below it.

    The buttons sit in a row of their own under the chart (``bw-figure-actions``), never over
    it: laid over the card's corner they covered the last axis label. ``chart_downloads``
    serves them (the files carry the CLI export's footer); callbacks that redraw the chart
    should also set its ``config`` (``image_config``) so the files carry the year. ``wide``: a chart that cannot be
    read narrower than 920 px scrolls sideways in its card on a phone instead of squeezing its
    parts on top of each other. ``stack``: a row of gauges, drawn on a phone as a column
    instead (assets/phone_gauges.js).
    """
    kind = " bw-stack-figure" if stack else " bw-wide-figure" if wide else ""
    return html.Div(className="bw-figure" + kind, children=[
        dcc.Graph(id=ids.graph(name), config=image_config(filename)),
        chart_downloads.buttons(name, lang),
    ])


def view_store(page: str) -> dcc.Store:
    """Put in a page's layout; the page's callback sets its ``data`` to the URL query of the
    view it shows (``?year=2025&as_of=2025-06-30&lang=zh``) and the frame writes it to the URL."""
    return dcc.Store(id=ids.view(page))


def card(label: str, value: str, note: str = "", tone: str = "") -> html.Div:
    """A headline number: label, value, one line of context; ``tone`` is a CSS modifier."""
    return html.Div(className=f"bw-card {tone}".strip(), children=[
        html.Div(label, className="bw-card-label"),
        html.Div(value, className="bw-card-value"),
        html.Div(note, className="bw-card-note"),
    ])


def breadcrumbs(labels: list[str], hrefs: list[str]) -> list:
    """``全部支出 › 205 教育支出 › 20502 普通教育``: every step but the last a link up (``hrefs``,
    one per such step), the last the current page. Labels are shown as text."""
    out: list = []
    for i, label in enumerate(labels):
        if i:
            out.append(html.Span("›", className="bw-crumb-sep"))
        if i == len(labels) - 1:
            out.append(html.Span(label, className="bw-crumb is-current", **{"aria-current": "page"}))
        else:
            out.append(dcc.Link(label, className="bw-crumb", href=hrefs[i]))
    return out


def threshold_tone(value: float | None, warn: float, high: float) -> str:
    """A card's tone from its own value and the rule's two lines (both "above": a value on the
    line is not coloured), so a card is red only where the page says red starts."""
    if value is None or value != value:
        return ""
    return "is-high" if value > high else "is-medium" if value > warn else ""


def with_code(key: str, lang: str, **codes: str) -> list:
    """The string ``key`` with each ``{placeholder}`` shown as code (commands to type)."""
    parts: list = []
    for literal, field, _spec, _conv in string.Formatter().parse(STRINGS[key][norm_lang(lang)]):
        if literal:
            parts.append(literal)
        if field:
            parts.append(html.Code(codes[field]))
    return parts


def notice(sentence: str | list, *, more: list | None = None, detail: str | None = None,
           tone: str = "") -> html.Div:
    """A message in a sentence or two (empty state, failure); never a traceback."""
    children = [html.P(sentence)]
    if more:
        children.append(html.P(more))
    if detail:
        children.append(html.P(detail, className="bw-detail"))
    return html.Div(className=f"bw-notice {tone}".strip(), role="status", children=children)


def how_to_load(lang: str) -> list:
    """How to get data in: the ingest command and the demo."""
    return with_code("empty.how", lang, ingest="budgetwatch ingest FEED FILE…",
                     example="budgetwatch ingest payments 2025年支付明细.csv", demo="budgetwatch demo")


def year_field(id_: str, year, lang: str) -> html.Label:
    """The toolbar's 年度 dropdown (its options are filled by the page's callback)."""
    return html.Label(className="bw-field", children=[
        html.Span(t("overview.year", lang)),
        dcc.Dropdown(id=id_, value=year, clearable=False, searchable=False,
                     options=[{"label": str(year), "value": year}] if year else [], className="bw-year"),
    ])


def as_of_field(id_: str, as_of, lang: str) -> html.Label:
    """The toolbar's 截至日期 picker every dated page has (the value lives in the URL).

    Without a date in the URL the picker gets no ``date`` at all, not ``None``: given null, it
    answers its first render with ``date: undefined``, which Dash counts as a change and the
    page's main callback runs a second time for the same bare URL."""
    date = {"date": as_of.isoformat()} if as_of else {}
    return html.Label(className="bw-field", children=[
        html.Span(t("overview.as_of", lang)),
        dcc.DatePickerSingle(id=id_, **date, display_format="YYYY-MM-DD", first_day_of_week=1,
                             placeholder=t("overview.as_of", lang)),
    ])


def choice_field(id_: str, key: str, value, choices, lang: str, *, titled: bool = True) -> html.Div:
    """A toolbar's one-of-a-few choice (which tree, which measure, which view): radio buttons
    ``t(f"{key}.{choice}")`` after the title ``t(key)`` (none with ``titled=False``)."""
    return html.Div(className="bw-field", children=[
        *([html.Span(t(key, lang))] if titled else []),
        dcc.RadioItems(id=id_, value=value, className="bw-exec-by", inline=True,
                       options=[{"label": t(f"{key}.{c}", lang), "value": c} for c in choices]),
    ])


def section_outputs(graphs, tables) -> dict:
    """Callback outputs for a page's charts (figure, config, style) and grids (columns, rows),
    keyed ``fig:NAME``/``config:NAME``/``style:NAME``/``table:NAME`` as the page's body fills them."""
    from dash import Output

    out: dict = {}
    for name in graphs:
        out[f"fig:{name}"] = Output(ids.graph(name), "figure")
        out[f"config:{name}"] = Output(ids.graph(name), "config")
        out[f"style:{name}"] = Output(ids.graph(name), "style")
    for name in tables:
        out[f"table:{name}"] = {"columnDefs": Output(ids.table(name), "columnDefs"),
                                "rowData": Output(ids.table(name), "rowData")}
    return out


def section_unchanged(graphs, tables) -> dict:
    """The same keys as ``section_outputs``, all left as they are."""
    import dash

    out: dict = {}
    for name in graphs:
        out[f"fig:{name}"] = out[f"config:{name}"] = out[f"style:{name}"] = dash.no_update
    for name in tables:
        out[f"table:{name}"] = {"columnDefs": dash.no_update, "rowData": dash.no_update}
    return out


def failure(exc: BaseException, lang: str, where: str) -> html.Div:
    """What a page shows when drawing failed: one sentence, never a traceback (call it in the
    ``except`` block: an unexpected error's traceback goes to the log). A query that failed or
    a rule that could not run (thresholds it cannot use) says why, in the words it was raised with."""
    from budgetwatch.queries.rules.base import RuleError
    from budgetwatch.queries.store import QueryError
    from budgetwatch.queries.summary import FlagsUpdating

    if isinstance(exc, FlagsUpdating):    # not a failure: the flags follow a load in the background
        return notice(t("flags.updating", lang))
    if isinstance(exc, (QueryError, RuleError)):
        _log.warning("%s query failed: %s", where, exc)
        return notice(t("error.query", lang), detail=str(exc), tone="is-error")
    _log.exception("%s page failed", where)
    return notice(t("error.unexpected", lang), tone="is-error")
