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
COMPARE_PATH = "/compare"
PROJECTS_PATH = "/projects"
SUGGESTIONS_PATH = "/suggestions"
DEBT_PATH = "/debt"


def execution_href(lang: str, **params: object) -> str:
    """The execution page at ``params`` (year, as_of, by, path, …; None left out)."""
    return EXECUTION_PATH + build_search({**params, "lang": lang if lang != "zh" else None})


def compare_href(lang: str, **params: object) -> str:
    """The comparison across years (``/compare``) at ``params`` (by, path, year, as_of; None left out)."""
    return COMPARE_PATH + build_search({**params, "lang": lang if lang != "zh" else None})


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


# -- the pages opened by links only: a payee's profile, a voucher's detail -------------------
PAYEE_PATH = "/payees"
VOUCHER_PATH = "/voucher"


def _lang(lang: str) -> dict:
    return {"lang": lang if lang != "zh" else None}


def payee_href(name: str, lang: str = "zh", **params) -> str:
    return PAYEE_PATH + build_search({"name": name, **params, **_lang(lang)})


def voucher_href(no: str, lang: str = "zh") -> str:
    return VOUCHER_PATH + build_search({"no": no, **_lang(lang)})


def link_voucher_cells(rows: list[dict], columns: list[dict], header: str, lang: str) -> None:
    """Make a grid's voucher-number column (field ``header``) open each voucher's detail (a
    flag's evidence table): the number stays the cell's text (dashboard/assets/links.js)."""
    for col in columns:
        if col.get("field") == header:
            col.update(cellRenderer="BwLink", cellRendererParams={"hrefField": "_voucher_href"})
            for row in rows:
                if row.get(header):
                    row["_voucher_href"] = voucher_href(str(row[header]), lang)
