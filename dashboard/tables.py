"""Tables every page shows: an AG Grid with CSV and XLSX downloads that carry their context.

A page puts ``table_card(name, lang)`` in its layout, fills the grid (``ids.table(name)``:
``rowData``/``columnDefs``) from its own callback, and registers the export once with
``register_export(app, store, name, fetch)``. ``fetch(store, query, lang)`` is the page's own
function from the URL query to an ``Export`` — the full table, not the page the grid shows —
so a download always matches the permalink, whatever the grid has loaded.

The two downloads are plain links to one Flask route, ``/download/<name>.csv|xlsx?<the page's
URL query>`` (``dashboard/downloads.py``); a clientside callback keeps their addresses in step
with the page's URL (and, with ``grid=True``, the grid's own filters as ``&grid=<json>``). No
callback carries a file. A table that can be large also registers ``stream(store, query,
lang)`` — a context manager yielding a ``dashboard.table_export.Source`` (Arrow batches from
DuckDB) — and its rows stream from DuckDB to the browser; the others are serialised from the
``Export`` frame. Every download is written to the audit log.

Every file says what it holds: title, the filters that produced it, the data's as-of date and
the time of export — as ``#`` comment lines above the header in CSV (UTF-8 with BOM, so Excel
reads the Chinese; pandas reads it with ``comment='#'``), and as a header block above the
table in XLSX (written by ``xlsx_writer``, the one XLSX writer).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, dcc, html, no_update

from budgetwatch.dashboard import auth, formula_guard, ids, xlsx_writer
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.urls import lang_of, parse_search
from budgetwatch.queries import accounts

XLSX_MAX_ROWS = 1_048_000  # Excel's sheet limit, less the header block

# AG Grid's own words, in Chinese (the grid shows English otherwise).
LOCALE_ZH = {
    "page": "页", "more": "更多", "to": "至", "of": "共", "next": "下一页", "last": "末页", "first": "首页",
    "previous": "上一页", "loadingOoo": "加载中…", "noRowsToShow": "没有数据", "filterOoo": "筛选…",
    "equals": "等于", "notEqual": "不等于", "contains": "包含", "notContains": "不包含", "startsWith": "开头是",
    "endsWith": "结尾是", "lessThan": "小于", "greaterThan": "大于", "lessThanOrEqual": "小于等于",
    "greaterThanOrEqual": "大于等于", "inRange": "介于", "andCondition": "且", "orCondition": "或",
    "blank": "为空", "notBlank": "不为空", "applyFilter": "应用", "resetFilter": "重置", "clearFilter": "清除",
    "pageSizeSelectorLabel": "每页行数：", "ariaPageSizeSelectorLabel": "每页行数",
    "pageLastRowUnknown": "?", "before": "早于", "after": "晚于",
}


@dataclass
class Export:
    frame: pd.DataFrame                      # columns already as a person reads them (名称, 金额（万元）…)
    title: str                               # e.g. "2025年各部门预算执行"
    filters: list[tuple[str, str]] = field(default_factory=list)  # (label, value) as shown on the page
    as_of: str | None = None                 # the data's as-of date, as text
    exported_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    formats: dict[str, str] = field(default_factory=dict)   # XLSX number format by column, where not the default

    def context(self, lang: str) -> list[tuple[str, str]]:
        return context_rows(self.title, self.filters, self.as_of, self.exported_at, len(self.frame), lang)


def context_rows(title: str, filters: list[tuple[str, str]], as_of: str | None,
                 exported_at: dt.datetime, rows: int | None, lang: str) -> list[tuple[str, str]]:
    """The (label, value) block every export starts with (shared with streamed CLI exports)."""
    out = [(t("export.title", lang), title)]
    out += [(t("export.filter", lang, name=k), v) for k, v in filters]
    out.append((t("export.as_of", lang), as_of or "—"))
    out.append((t("export.exported_at", lang), exported_at.isoformat(sep=" ")))
    if rows is not None:
        out.append((t("export.rows", lang), f"{rows:,}"))
    return out


def csv_comment_lines(context: list[tuple[str, str]]) -> str:
    """``# key: value`` lines (read back with pandas ``comment='#'`` or ``skiprows``); a value
    from the URL or the data never starts a formula after a comma (``formula_guard``)."""
    return "".join(formula_guard.csv_context_line(f"# {key}: {' '.join(str(value).splitlines())}") + "\n"
                   for key, value in context)


def to_csv_bytes(export: Export, lang: str = "zh") -> bytes:
    """UTF-8 with BOM; ``# key: value`` lines, then the header and rows."""
    buf = io.StringIO()
    buf.write(csv_comment_lines(export.context(lang)))
    formula_guard.csv_frame(export.frame).to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx_bytes(export: Export, lang: str = "zh") -> bytes:
    """The context block (title, filters, as-of, export time) above the table, written by the one
    XLSX writer (``xlsx_writer``: amounts and dates typed and formatted, codes text, widths)."""
    frame = export.frame.head(XLSX_MAX_ROWS)
    columns = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]
    out = io.BytesIO()
    xlsx_writer.write(out, title=export.title, context=export.context(lang), names=[str(c) for c in frame.columns],
                      chunks=[columns] if len(frame) else [], formats=export.formats)
    return out.getvalue()


def file_name(name: str, export: Export, ext: str) -> str:
    return f"budgetwatch_{name}_{export.exported_at:%Y%m%d-%H%M}.{ext}"


def grid(name: str, lang: str, **kw) -> dag.AgGrid:
    """An AG Grid with the house defaults: sortable, filterable, resizable, paged, localised."""
    options = {"pagination": True, "paginationPageSize": 20, "animateRows": False,
               "enableCellTextSelection": True, "ensureDomOrder": True,
               # a text cell cut short shows its whole value on hover (the browser's own tooltip)
               "enableBrowserTooltips": True,
               # every column in the page, also those scrolled out of view: a grid has a few dozen
               # columns at most, and find-in-page, screen readers and printing see them all
               "suppressColumnVirtualisation": True, **kw.pop("dashGridOptions", {})}
    if lang == "zh":
        options["localeText"] = LOCALE_ZH
    return dag.AgGrid(
        id=ids.table(name),
        columnDefs=kw.pop("columnDefs", []),
        rowData=kw.pop("rowData", []),
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90,
                       "wrapHeaderText": True, "autoHeaderHeight": True,
                       "tooltipValueGetter": {"function": "params.valueFormatted != null ? String(params.valueFormatted) : (params.value == null ? '' : String(params.value))"},
                       **kw.pop("defaultColDef", {})},
        dashGridOptions=options,
        columnSize=kw.pop("columnSize", "responsiveSizeToFit"),
        className=kw.pop("className", "ag-theme-alpine bw-grid"),
        style=kw.pop("style", {"height": "480px", "width": "100%"}),
        # on a phone, the name and the key figure stay side by side (assets/phone_grids.js)
        # and no number, date or code is cut, at any width (same file)
        eventListeners={"gridSizeChanged": ["bwPhoneColumns(params)"],
                        "newColumnsLoaded": ["bwPhoneColumns(params)"],
                        "firstDataRendered": ["bwPhoneColumns(params)"],
                        "rowDataUpdated": ["bwPhoneColumns(params)"],
                        "modelUpdated": ["bwPhoneColumns(params)"], **kw.pop("eventListeners", {})},
        **kw,
    )


def text_link(href_field: str) -> dict:
    """Column settings for a cell that links to a page of this site: the cell's value shown as
    text (never Markdown or HTML: names come from feeds), the address from the row's
    ``href_field`` (``assets/grid_links.js``: only same-site paths become links)."""
    return {"cellRenderer": "BwLink", "cellRendererParams": {"hrefField": href_field}}


DOWNLOAD_ROUTE = "/download"
_LINK_STYLE = {"textDecoration": "none", "display": "inline-block"}


def download_href(name: str, kind: str, search: str | None = None, prefix: str = "/") -> str:
    """The download route's address for table ``name`` and a page's URL query."""
    query = (search or "").lstrip("?")
    return f"{prefix.rstrip('/')}{DOWNLOAD_ROUTE}/{name}.{kind}" + (f"?{query}" if query else "")


def table_card(name: str, lang: str, **grid_kw) -> html.Div:
    """The grid with its two download links (addresses set by ``register_export``)."""
    def link(kind: str, id_: str) -> html.A:
        return html.A(t(f"export.{kind}", lang), id=id_, n_clicks=0, className="bw-svg bw-download",
                      download=f"budgetwatch_{name}.{kind}", title=t("export.hint", lang), style=_LINK_STYLE)
    return html.Div(className="bw-table", children=[
        grid(name, lang, **grid_kw),
        html.Div(className="bw-table-actions", children=[
            link("csv", ids.table_csv(name)),
            link("xlsx", ids.table_xlsx(name)),
            dcc.Download(id=ids.table_download(name)),   # for tables not tied to the URL (an upload's problems)
        ]),
    ])


Fetch = Callable[[object, dict, str], Export]
REGISTRY_KEY = "budgetwatch.exports"


@dataclass(frozen=True)
class Registered:
    """A table the download route serves."""
    name: str
    fetch: Fetch | None
    stream: Callable | None = None   # (store, query, lang) -> context manager yielding a Source
    role: str | None = None          # the role a download needs beyond a session ("admin")


_HREF_JS = """function(_drawn, search, model) {
    var q = (search || '').replace(/^\\?/, '');
    if (model && typeof model === 'object' && Object.keys(model).length) {
        q += (q ? '&' : '') + 'grid=' + encodeURIComponent(JSON.stringify(model));
    }
    q = q ? '?' + q : '';
    return [%(base)s + 'csv' + q, %(base)s + 'xlsx' + q];
}"""


def register_export(app, store, name: str, fetch: Fetch | None, *, stream: Callable | None = None,
                    grid: bool = False, role: str | None = None) -> None:
    """Serve table ``name`` at the download route and point its two links there.

    ``fetch`` gives the whole table as an ``Export``; ``stream`` (optional, for tables that can
    be large) a Source of Arrow batches, preferred when given. ``grid=True`` adds the grid's
    filterModel to the query (``&grid=<json>``); ``role`` limits the download to that role."""
    import json

    app.server.config.setdefault(REGISTRY_KEY, {})[name] = Registered(name, fetch, stream, role)
    prefix = app.config.requests_pathname_prefix or "/"
    base = json.dumps(download_href(name, "", None, prefix))
    # The link's own id as an input: the callback also runs when the page draws the link, so a
    # permalink opened fresh has working links before the URL ever changes.
    inputs = [Input(ids.table_csv(name), "id"), Input(ids.Frame.URL, "search")]
    if grid:
        inputs.append(Input(ids.table(name), "filterModel"))
    app.clientside_callback(
        _HREF_JS % {"base": base},          # without grid=True, model is undefined
        Output(ids.table_csv(name), "href"), Output(ids.table_xlsx(name), "href"),
        *inputs,
    )


def export_download(store, name: str, fetch: Fetch, triggered, search: str | None):
    """The callback's body, callable in tests: a ``dcc.Download`` payload or no_update."""
    if triggered is None:
        return no_update
    kind = "xlsx" if triggered == ids.table_xlsx(name) else "csv"
    lang = lang_of(search)
    export = fetch(store, parse_search(search), lang)
    accounts.log_event(store, auth.current_user() or "anonymous", "export", name,
                       {"format": kind, "rows": len(export.frame), "filters": dict(export.filters)}, must=False)
    if kind == "xlsx":
        return dcc.send_bytes(to_xlsx_bytes(export, lang), file_name(name, export, "xlsx"))
    return dcc.send_bytes(to_csv_bytes(export, lang), file_name(name, export, "csv"))
