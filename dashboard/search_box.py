"""The header's search box: grouped suggestions as one types, each a link to where it is shown.

The frame puts ``box(lang)`` in the header of every page; ``register(app, store)`` answers
the typed text from the search index (queries/search.py) through the request's own, possibly
department-limited, reader. Each suggestion is a plain link, so opening one is ordinary
navigation (and a permalink): a payee to its profile, a voucher to its detail, a department,
unit or functional class to the execution drill-down at that node, an economic class or a
purpose to the vouchers they describe (the grid filter travels in the URL), an enterprise to
the assets page, an audit finding to its year's rectification page.
"""
from __future__ import annotations

import json
import logging

from dash import Input, Output, State, dcc, html

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import ids, links
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.urls import build_search, lang_of
from budgetwatch.queries import search as qs

log = logging.getLogger("budgetwatch.dashboard")
MIN_CHARS = 1
S = ids.Search


def box(lang: str) -> html.Div:
    return html.Div(className="bw-search", role="search", **{"aria-label": t("search.label", lang)}, children=[
        # persistence: the header is drawn again whenever the URL changes (a page writing its
        # view); what was typed survives that instead of vanishing under the reader's fingers
        dcc.Input(id=S.INPUT, type="search", debounce=0.25, autoComplete="off", value="",
                  persistence=True, persistence_type="memory",
                  placeholder=t("search.placeholder", lang), className="bw-search-input"),
        html.Div(id=S.RESULTS, className="bw-search-results", role="listbox"),
    ])


def _func_path(code: str) -> str:
    return ".".join(code[:n] for n in (3, 5, 7) if len(code) >= n)


def grid_link(filter_model: dict, lang: str, **params) -> str:
    """The execution page's vouchers with a grid filter (``grid=`` in the URL, as downloads use)."""
    return "/execution" + build_search({**params, "vouchers": "1", "grid": json.dumps(filter_model, ensure_ascii=False),
                                        "lang": lang if lang != "zh" else None})


def href(kind: str, key: str, top_code: str | None, lang: str, year: int | None = None) -> str | None:
    """Where a suggestion leads (None: nowhere to show it yet)."""
    keep = {"lang": lang if lang != "zh" else None}
    if kind == "payee":
        return links.payee_href(key, lang)
    if kind == "voucher":
        return links.voucher_href(key, lang)
    if kind == "dept":
        return "/execution" + build_search({"by": "dept", "path": key, **keep})
    if kind == "unit":
        path = key if not top_code or top_code == key else f"{top_code}.{key}"
        return "/execution" + build_search({"by": "dept", "path": path, **keep})
    if kind == "func":
        return "/execution" + build_search({"by": "func", "path": _func_path(key), **keep})
    if kind == "econ":
        return grid_link({"econ": {"filterType": "text", "type": "startsWith", "filter": key}}, lang)
    if kind == "purpose":
        return grid_link({"purpose": {"filterType": "text", "type": "equals", "filter": key}}, lang)
    if kind == "enterprise":
        return "/assets" + build_search({"enterprise": key, **keep})
    if kind == "finding":
        return "/audit" + build_search({"year": year, **keep})
    if kind == "project":      # the project's own page (the year: the page's default, as its list)
        return links.PROJECTS_PATH + build_search({"project": key, **keep})
    if kind == "suggestion":   # the suggestion's handling, in the year it was filed (its number is per year)
        return links.SUGGESTIONS_PATH + build_search({"year": year, "suggestion": key, **keep})
    if kind == "region":       # the region picked on the debt page, in the latest year it reports
        return links.DEBT_PATH + build_search({"year": year, "region": key, **keep})
    return None


def _meta(row, lang: str) -> str:
    parts = []
    if row.kind in ("func", "econ", "dept", "unit", "enterprise", "finding", "region", "suggestion", "project") \
            and row.code and row.kind != "finding":
        parts.append(str(row.code))
    if row.kind == "finding":
        parts.append(str(row.key))
    if row.kind == "voucher":
        parts.append(fmt.money(row.amount, lang))
    elif row.payments and row.kind not in ("enterprise", "finding"):
        parts.append(t("search.paid", lang, amount=fmt.money(row.amount, lang), n=f"{int(row.payments):,}"))
    if row.year_from and row.year_to:
        yf, yt = int(row.year_from), int(row.year_to)
        parts.append(str(yf) if yf == yt else f"{yf}–{yt}")
    return " · ".join(parts)


def results(store, text: str | None, search: str | None) -> list:
    """The suggestions panel for the typed text: a heading per kind, its links under it."""
    lang = lang_of(search)
    text = qs.clean_query(text)
    if len(text) < MIN_CHARS:
        return []
    try:
        frame = qs.suggestions(store, text)
    except Exception:       # the box says so; the log has the reason
        log.exception("search failed")
        return [html.P(t("search.failed", lang), className="bw-search-empty")]
    if frame.empty:
        return [html.P(t("search.none", lang, q=text), className="bw-search-empty")]
    out = []
    for kind, part in frame.groupby("kind", sort=False):
        total = int(part["total"].iloc[0])
        more = t("search.more", lang, n=f"{total:,}") if total > len(part) else ""
        out.append(html.Div(className="bw-search-group", children=[
            html.Div([t(f"search.kind.{kind}", lang), html.Span(more, className="bw-search-more")],
                     className="bw-search-kind"),
            *[_item(row, lang) for row in part.itertuples()],
        ]))
    return out


def _item(row, lang: str):
    year = int(row.year_to) if row.year_to == row.year_to and row.year_to is not None else None
    target = href(row.kind, row.key, row.top_code, lang, year)
    body = [html.Span(str(row.name if row.name is not None else row.key), className="bw-search-name"),
            html.Span(_meta(row, lang), className="bw-search-meta")]
    if target is None:
        return html.Div(body, className="bw-search-item is-plain")
    return dcc.Link(body, href=target, className="bw-search-item")


def register(app, store) -> None:
    @app.callback(Output(S.RESULTS, "children"), Input(S.INPUT, "value"), State(ids.Frame.URL, "search"),
                  prevent_initial_call=True)
    def _suggest(text, search):
        return results(store, text, search)
