"""Links from one page into another, built in one place so that pages never import each other.

A page's own URLs stay with the page; what another page needs to link in (the overview's
department bars into the execution drill-down) lives here.
"""
from __future__ import annotations

import html

from budgetwatch.dashboard.urls import build_search, lang_of, parse_search
from budgetwatch.queries import execution as qe
from budgetwatch.queries.store import Store

EXECUTION_PATH = "/execution"


def execution_href(lang: str, **params: object) -> str:
    """The execution page at ``params`` (year, as_of, by, path, …; None left out)."""
    return EXECUTION_PATH + build_search({**params, "lang": lang if lang != "zh" else None})


def department_href(store: Store, click: dict | None, search: str | None) -> str | None:
    """Where a click on the overview's department bar leads: that department's drill-down,
    same year, as-of date and language. None when the click names no department."""
    try:
        point = click["points"][0]
        label = point["y"]
    except (TypeError, KeyError, IndexError):
        return None
    custom = point.get("customdata")
    if isinstance(custom, list) and len(custom) > 3 and custom[3]:
        label = html.unescape(str(custom[3]))     # the bar's department code (figures.overview)
    with store.reader() as con:
        code = qe.department_code(con, label)
    if code is None:
        return None
    query = parse_search(search)
    return execution_href(lang_of(search), year=query.get("year"), as_of=query.get("as_of"), by="dept", path=code)
