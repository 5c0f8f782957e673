"""Each header-search result for a project, a suggestion and a region opens its page with that
item shown: the result's href, taken from the panel the box draws on the demo city, is fed to
the target page's update function as the browser would (its query as the page's inputs)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from budgetwatch.dashboard import auth, search_box
from budgetwatch.dashboard.pages.debt.callbacks import update_debt
from budgetwatch.dashboard.pages.projects.callbacks import update_projects
from budgetwatch.dashboard.pages.projects.layout import state_of
from budgetwatch.dashboard.pages.suggestions.callbacks import update_page as update_suggestion_page
from budgetwatch.dashboard.pages.suggestions.callbacks import update_suggestion
from budgetwatch.queries import search as qs
from budgetwatch.queries.accounts import User
from budgetwatch.queries.store import Store


@pytest.fixture(autouse=True)
def staff():
    with auth.acting_as(User("测试员", "staff")):
        yield


def _items(component) -> list[tuple[str, str]]:
    """(href, shown name) of every linked result in the panel."""
    found = []

    def walk(c):
        if isinstance(c, (list, tuple)):
            for x in c:
                walk(x)
            return
        if getattr(c, "href", None):
            found.append((c.href, c.children[0].children))
            return
        walk(getattr(c, "children", None) or [])
    walk(component)
    return found


def _open(store: Store, kind: str, text: str, path: str, search: str = "") -> tuple[str, dict, str]:
    """The first result of ``kind`` for ``text``: its key, its href's query and the href's search."""
    frame = qs.suggestions(store, text)
    row = frame[frame["kind"] == kind].iloc[0]
    hrefs = [h for h, name in _items(search_box.results(store, text, search))
             if name == row["name"] and h.startswith(path + "?")]
    assert hrefs, f"no link for the {kind} {row['key']}"
    split = urlsplit(hrefs[0])
    assert split.path == path
    return str(row["key"]), dict(parse_qsl(split.query)), "?" + split.query


def test_a_project_result_opens_that_project(demo_store: Store):
    with demo_store.reader() as con:
        code, name = con.execute("SELECT project_code, project_name FROM projects ORDER BY project_code LIMIT 1").fetchone()
    key, query, search = _open(demo_store, "project", name, "/projects")
    assert key == code and query["project"] == code
    out = update_projects(demo_store, state_of(query), search)
    assert out["message"] is None and out["state"]["project"] == code
    assert out["item_style"] == {} and name in str(out["crumbs"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_suggestion_result_opens_its_handling_in_the_year_it_was_filed(demo_store: Store, lang):
    # a suggestion of the earlier year: the link carries its year, so that the page's picker
    # (that year's suggestions) holds it and the handling is drawn beside it
    with demo_store.reader() as con:
        no, title = con.execute("SELECT suggestion_no, any_value(title) FROM suggestions WHERE year = "
                                "(SELECT min(year) FROM suggestions) GROUP BY 1 ORDER BY 1 LIMIT 1").fetchone()
    key, query, search = _open(demo_store, "suggestion", no, "/suggestions", "" if lang == "zh" else "?lang=en")
    assert key == no and query["suggestion"] == no
    assert query.get("lang") == (None if lang == "zh" else "en")
    out = update_suggestion(demo_store, query["suggestion"], query.get("year"), query.get("as_of"), search)
    assert no in out["head"] and title in out["head"] and out["style"] != {"display": "none"}
    page = update_suggestion_page(demo_store, query.get("year"), query.get("as_of"), search)
    assert no in {o["value"] for o in page["suggestion_options"]}


def test_a_region_result_opens_the_debt_page_at_that_region(demo_store: Store):
    with demo_store.reader() as con:
        code, name = con.execute("SELECT region_code, any_value(region_name) FROM debt GROUP BY 1 "
                                 "ORDER BY length(region_code) DESC, 1 LIMIT 1").fetchone()
    key, query, search = _open(demo_store, "region", name, "/debt")
    assert key == code and query["region"] == code
    out = update_debt(demo_store, query.get("year"), query.get("region"), search)
    assert out["message"] is None and out["region"] == code and out["body_style"] == {}
    assert code in {o["value"] for o in out["region_options"]}
