"""Year on year in a real browser: the execution table's 同比 columns, then execution → 历年对比 →
the heat table of one department, and a name in its items table stepping one level down."""
from __future__ import annotations

import re

import pytest

from budgetwatch.dashboard import ids
from tests.dashboard import sample_compare

pytestmark = pytest.mark.browser
C, E = ids.Compare, ids.Execution


def wait_for_crumb(page, text: str) -> None:
    page.wait_for_function(
        "t => { const c = document.querySelector('.bw-crumb.is-current'); return c && c.textContent === t; }",
        arg=text)


def heat_rows(page) -> list[str]:
    """The heat table's year labels, once it is drawn."""
    page.wait_for_selector(f"#{C.BODY} .heatmaplayer")
    texts = page.locator(f"#{C.BODY} .js-plotly-plot .ytick text").evaluate_all("els => els.map(e => e.textContent)")
    return sorted(x for x in texts if re.fullmatch(r"\d{4}", x or ""))


def test_execution_to_compare_years_shows_the_heat_table(live_server, page, data_dir, screenshot_path):
    sample_compare.build(data_dir)
    base = live_server(data_dir)
    page.goto(base + "/execution?year=2025&as_of=2025-06-30&by=dept&path=001")
    wait_for_crumb(page, "市教育局")

    # 同比: three more columns — 市教育局 itself paid 100,000 by 30 June 2025 against 1,000,000 by 30 June 2024
    page.get_by_role("link", name="同比", exact=True).click()
    page.wait_for_url(re.compile(r"yoy=1"))
    grid = f"#{ids.table(E.T_LEVEL)}"
    page.wait_for_selector(grid + " .ag-header-cell[col-id=prior]")
    prior = page.locator(grid + " .ag-row[row-id='001'] .ag-cell[col-id=prior]")
    prior.wait_for()
    assert prior.inner_text() == "100.00"
    assert page.locator(grid + " .ag-row[row-id='001'] .ag-cell[col-id=growth]").inner_text() == "−90.0%"    # d3's minus sign
    page.screenshot(path=str(screenshot_path("execution_yoy.png")), full_page=True)

    # 历年对比 for the node the member stands on
    page.locator("#exec-compare-years").click()
    page.wait_for_url(re.compile(r"/compare\?.*by=dept.*path=001"))
    wait_for_crumb(page, "市教育局")
    assert heat_rows(page) == ["2024", "2025"]
    page.wait_for_selector(f"#{C.BODY} .heatmaplayer text:text-is('50%')")   # June 2025: 2,000,000 of 4,000,000
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_path("compare_department.png")), full_page=True)

    # a unit's name steps one level down; Back comes back
    items = f"#{ids.table(C.T_ITEMS)}"
    page.locator(items + " .ag-row[row-id='001001001'] .ag-cell[col-id=name]").click()
    wait_for_crumb(page, "市第一中学附属小学")
    page.wait_for_url(re.compile(r"path=001\.001001001(&|$)"))
    page.go_back()
    wait_for_crumb(page, "市教育局")


def test_a_year_without_the_year_before_reads_no_data_in_english(live_server, page, data_dir):
    sample_compare.build(data_dir)
    base = live_server(data_dir)
    page.goto(base + "/compare?year=2024&as_of=2024-06-30&by=dept&lang=en")
    assert heat_rows(page) == ["2024", "2025"]
    cell = page.locator(f"#{ids.table(C.T_ITEMS)} .ag-row[row-id='001'] .ag-cell[col-id=change]")
    cell.wait_for()
    assert cell.inner_text() == "no data for the year before"
