"""Names from feeds are shown as text: never Markdown in grids, never HTML in charts (issue 17, item 7).

A department named ``点此核对](http://host/phish) [预算单位`` became a link in the department
picker (its cells were Markdown), ``![x](http://host/beacon.png)`` an image every viewer's
browser fetched, and ``<a href=…>`` a live link in the overview and execution charts (Plotly
reads a subset of HTML in every label, hover text and title).
"""
from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil

import pandas as pd
import plotly.graph_objects as go
import pytest

import budgetwatch.dashboard.figures as figures_pkg
from budgetwatch.dashboard import ids, links
from budgetwatch.dashboard.vouchers import flag_column
from budgetwatch.dashboard.figures import assets as afigs
from budgetwatch.dashboard.figures import audit as ufigs
from budgetwatch.dashboard.figures import department as dfigs
from budgetwatch.dashboard.figures import execution as efigs
from budgetwatch.dashboard.figures import overview as ofigs
from budgetwatch.dashboard.figures import warnings as wfigs
from budgetwatch.dashboard.figures.common import plain
from budgetwatch.dashboard.pages import PAGES
from budgetwatch.dashboard.pages import department, execution, overview
from budgetwatch.queries.store import Store
from tests.security import hostile

LINK = hostile.HTML_LINK
ESCAPED = plain(LINK)
DAY = dt.date(2025, 6, 30)


def strings(obj):
    """Every string in a figure (or any JSON-like value), wherever it sits."""
    if isinstance(obj, go.Figure):
        obj = obj.to_plotly_json()
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from strings(v)
    elif hasattr(obj, "tolist"):
        yield from strings(obj.tolist())


def assert_text_only(fig: go.Figure) -> None:
    """The hostile name is in the figure — escaped — and no raw tag of it is."""
    found = list(strings(fig))
    assert not [s for s in found if "<a " in s or "href=" in s and "&lt;" not in s], found
    assert any(ESCAPED in s for s in found), "the hostile name is not drawn at all"


def test_plain_escapes_what_plotly_reads_as_markup():
    assert plain('<a href="http://x">市局</a> & <b>') == '&lt;a href="http://x"&gt;市局&lt;/a&gt; &amp; &lt;b&gt;'
    assert plain("市教育局") == "市教育局" and plain(hostile.MARKDOWN_LINK) == hostile.MARKDOWN_LINK


def _figure_modules():
    """dashboard/figures/*.py and every page's own figures module (pages/<room>/figures.py)."""
    import budgetwatch.dashboard.pages as pages_pkg

    for info in pkgutil.iter_modules(figures_pkg.__path__):
        yield importlib.import_module(f"{figures_pkg.__name__}.{info.name}")
    for info in pkgutil.iter_modules(pages_pkg.__path__):
        if info.ispkg:
            try:
                yield importlib.import_module(f"{pages_pkg.__name__}.{info.name}.figures")
            except ModuleNotFoundError:
                continue


def test_every_figure_builder_goes_through_the_shared_helper():
    builders = []
    for module in _figure_modules():
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and (name.endswith("figure") or name.endswith("treemap")):
                builders.append(f"{module.__name__}.{name}")
                assert getattr(fn, "text_only", False), f"{module.__name__}.{name} is not @text_only"
    assert len(builders) >= 22


# -- each builder, given a hostile name --------------------------------------------------------
def _units(name_col="dept_name"):
    return pd.DataFrame({"dept_code": ["003", "001"], name_col: [LINK, "市教育局"],
                         "adjusted": [1e6, 2e6], "spent": [1e5, 5e5], "rate": [0.1, 0.25]})


def _monthly():
    return pd.DataFrame({"year": [2025, 2025], "month": [1, 2], "payments": [1, 1], "spent": [1e5, 2e5],
                         "cumulative": [1e5, 3e5]})


BUILDERS = {
    "overview.department_execution": lambda: ofigs.department_execution_figure(_units(), 0.5, year=2025, as_of=DAY),
    "overview.department_execution_no_budget": lambda: ofigs.department_execution_figure(
        _units().assign(rate=[float("nan"), 0.3]), 0.5, year=2025, as_of=DAY),
    "overview.fund_totals": lambda: ofigs.fund_totals_figure(
        pd.DataFrame({"fund_type": [LINK], "adjusted": [1e6], "spent": [1e5], "rate": [0.1]}), 0.5, year=2025, as_of=DAY),
    "execution.treemap": lambda: efigs.level_treemap(
        _units().rename(columns={"dept_code": "code", "dept_name": "name"}), 0.5, title=f"{LINK} 2025"),
    "execution.treemap_no_budget_note": lambda: efigs.level_treemap(
        _units().rename(columns={"dept_code": "code", "dept_name": "name"}).assign(adjusted=[0.0, 1e6]), 0.5,
        title="t"),
    "execution.monthly": lambda: efigs.monthly_figure(_monthly(), year=2025, node_label=LINK),
    "department.units": lambda: dfigs.unit_execution_figure(_units(), 0.5, dept_name=LINK, year=2025, as_of=DAY),
    "department.monthly": lambda: dfigs.monthly_figure(_monthly(), dept_name=LINK, year=2025),
    "department.sangong": lambda: dfigs.sangong_figure(
        pd.DataFrame({"econ_code": [LINK], "cur": [1.0], "prev": [2.0], "growth": [0.1]}),
        dept_name=LINK, year=2025, as_of=DAY),
    "assets.debt": lambda: afigs.debt_ratio_figure(
        pd.DataFrame({"enterprise_code": ["E01"], "enterprise_name": [LINK], "assets": [1e6],
                      "liabilities": [5e5], "debt_ratio": [0.5]}), max_ratio=0.7, high_ratio=0.85, year=2025),
    "assets.equity": lambda: afigs.equity_figure(
        pd.DataFrame({"year": [2025], "equity": [1e6], "profit": [1e5], "keep_ratio": [1.0]}), name=LINK,
        min_keep=0.9),
    "assets.idle": lambda: afigs.idle_share_figure(
        pd.DataFrame({"dept_code": ["003"], "dept_name": [LINK], "book": [1e6], "idle": [1e5],
                      "idle_share": [0.1]}), by="dept", max_idle=0.2, title="闲置"),
    "audit.status": lambda: ufigs.status_figure(
        pd.DataFrame({"key": [LINK], "status": [LINK], "n": [1], "involved": [1e5], "rectified": [0.0]}), year=2025),
    "audit.category": lambda: ufigs.category_figure(
        pd.DataFrame({"key": [LINK], "status": ["未整改"], "n": [1], "involved": [1e5]}), year=2025),
    "audit.units": lambda: ufigs.unit_rate_figure(
        pd.DataFrame({"dept_code": ["003"], "dept_name": [LINK], "amount_rate": [0.5], "count_share": [0.5],
                      "rectified": [1.0], "involved": [2.0], "n_done": [1], "n": [2]}), year=2025),
    "warnings.monthly": lambda: wfigs.monthly_figure(
        pd.DataFrame({"month": [1, 12], "spent": [1.0, 2.0], "n": [1, 1]}), name=LINK, year=2025),
    "warnings.benford": lambda: wfigs.first_digit_figure(
        pd.DataFrame({"digit": [1], "observed": [0.3], "expected": [0.301], "n": [10]}), name=LINK),
    "warnings.counts": lambda: wfigs.counts_figure(
        pd.DataFrame({"rule": ["X"], "title": [LINK], "severity": ["high"], "n": [1]}), year=2025),
    "empty": lambda: ofigs.monthly_cumulative_figure(_monthly().iloc[0:0], year=2025) and
    efigs.monthly_figure(_monthly().iloc[0:0], year=2025, node_label=LINK),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_builder_draws_a_hostile_name_as_text(name):
    assert_text_only(BUILDERS[name]())


def test_a_builder_calling_another_escapes_once():
    fig = dfigs.unit_execution_figure(_units().assign(dept_name=["A&B", "市教育局"]), 0.5, dept_name="A&B",
                                      year=2025, as_of=DAY)
    assert "A&amp;B" in list(fig.layout.yaxis.categoryarray) and "A&amp;B" in fig.layout.title.text
    assert not any("&amp;amp;" in s for s in strings(fig))


def test_the_callers_frame_is_left_as_it_is():
    units = _units()
    ofigs.department_execution_figure(units, 0.5, year=2025, as_of=DAY)
    assert units["dept_name"][0] == LINK


# -- the pages, over a city with hostile names -------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return Store(hostile.build(tmp_path_factory.mktemp("hostile") / "data"))


def _figures(out: dict) -> list[go.Figure]:
    return [v for v in out.values() if isinstance(v, go.Figure)]


def _no_markdown(obj) -> None:
    text = json.dumps(obj, ensure_ascii=False,
                      default=lambda c: c.tolist() if hasattr(c, "tolist") else c.to_plotly_json())
    assert '"markdown"' not in text and "dangerously_allow_code" not in text


def test_the_overview_draws_hostile_names_as_text_and_a_click_still_opens_the_department(store):
    out = overview.update_overview(store, 2025, "2025-06-30", "")
    fig = out[f"fig:{ids.Overview.DEPARTMENTS}"]
    assert_text_only(fig)
    bar = next(tr for tr in fig.data if ESCAPED in list(tr.y))
    point = {"y": ESCAPED, "customdata": list(bar.customdata[list(bar.y).index(ESCAPED)])}
    href = links.department_href(store, {"points": [point]}, "?year=2025&as_of=2025-06-30")
    assert href and href.endswith("by=dept&path=003")


def test_the_department_picker_shows_names_as_text_with_same_site_links(store):
    out = department.update_department(store, 2025, "2025-06-30", None, "")
    grid = out[f"table:{ids.Department.T_PICKER}"]
    _no_markdown(grid)
    first = grid["columnDefs"][0]
    assert first["cellRenderer"] == "BwLink" and first["cellRendererParams"] == {"hrefField": "link_href"}
    rows = {r["dept_code"]: r for r in grid["rowData"]}
    assert rows["002"]["link"] == hostile.MARKDOWN_LINK                  # the name, as it is: text
    assert rows["002"]["link_href"] == "/departments?dept=002&year=2025&as_of=2025-06-30&lang=zh"
    assert all(r["link_href"].startswith("/departments?") for r in rows.values())
    assert "evil.example" not in json.dumps([r["link_href"] for r in rows.values()])


def test_a_department_page_with_hostile_names_has_no_markdown_and_text_only_charts(store):
    out = department.update_department(store, 2025, "2025-06-30", "003", "")
    _no_markdown(out)
    for fig in _figures(out):
        assert not [s for s in strings(fig) if "<a " in s]
    assert any(ESCAPED in s for fig in _figures(out) for s in strings(fig))


def test_the_execution_page_draws_hostile_names_as_text(store):
    out = execution.update_execution(store, {"year": "2025", "as_of": "2025-06-30", "by": "dept"}, "")
    _no_markdown(out)
    treemap = out[f"fig:{ids.Execution.TREEMAP}"]
    assert_text_only(treemap)


def test_the_voucher_flag_column_is_a_text_link():
    col = flag_column("zh")
    assert col["cellRenderer"] == "BwLink" and col["cellRendererParams"] == {"hrefField": "flag_href"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_layout_renders_markdown(lang):
    for page in PAGES:
        _no_markdown(page.layout({}, lang))
