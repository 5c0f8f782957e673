"""The department, state assets and audit pages in a real browser, Chinese then English."""
from __future__ import annotations

import pytest

from tests.browser.conftest import header_link

from budgetwatch.dashboard import ids
from tests.dashboard import sample_pages

pytestmark = pytest.mark.browser


def wait_drawn(page, n_charts: int, grid: str) -> None:
    """Until ``n_charts`` charts have drawn something and the grid ``grid`` has rows."""
    page.wait_for_function(
        "n => [...document.querySelectorAll('.js-plotly-plot')].filter("
        "g => g.querySelector('.main-svg') && (g.querySelector('.point, .annotation-text'))).length >= n",
        arg=n_charts)
    page.wait_for_selector(f"#{ids.table(grid)} .ag-row")
    page.wait_for_load_state("networkidle")


def wait_all_grids(page) -> None:
    """Every grid with rows to show has drawn them (grids below the fold draw when scrolled to)."""
    for grid in page.locator(".bw-grid").all():
        if grid.is_visible():
            grid.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.bw-grid')].filter(g => g.offsetParent !== null)"
        ".every(g => g.querySelector('.ag-row') || g.querySelector('.ag-overlay-no-rows-center, .ag-overlay-no-rows-wrapper'))")
    page.evaluate("window.scrollTo(0, 0)")


def shoot(page, path) -> None:
    """A full-page screenshot taken with the viewport as tall as the page: Chromium does not
    paint grid rows far outside the viewport into a full-page capture."""
    wait_all_grids(page)
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
    wait_all_grids(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def wait_for_title(page, start: str) -> None:
    page.wait_for_function(
        "start => [...document.querySelectorAll('.gtitle')].some(t => t.textContent.startsWith(start))", arg=start)


def test_department_page(live_server, page, data_dir, screenshot_path):
    base = live_server(sample_pages.build(data_dir))
    page.goto(base + "/departments?year=2025&as_of=2025-06-30")
    page.wait_for_selector(f"#{ids.table(ids.Department.T_PICKER)} .ag-row")     # the picker
    assert "选择一个部门" in page.locator(f"#{ids.Department.PICKER}").inner_text()
    page.get_by_role("link", name="市教育局", exact=True).click()
    wait_drawn(page, 4, ids.Department.T_FLAGS)
    assert "dept=001" in page.url and "as_of=2025-06-30" in page.url
    assert page.locator("h1").inner_text() == "部门画像"
    assert "市教育局" in page.locator(f"#{ids.Department.HEADING}").inner_text()
    assert "52.5%" in page.locator(f"#{ids.Department.HEADLINE}").inner_text()
    assert "红色预警" in page.locator(f"#{ids.table(ids.Department.T_FLAGS)}").inner_text()
    titles = page.locator(".gtitle").all_text_contents()
    assert any(t.startswith("市教育局三公经费") for t in titles)
    shoot(page, screenshot_path("department.png"))

    header_link(page, "English").click()
    wait_for_title(page, "市教育局 and its units")
    wait_drawn(page, 4, ids.Department.T_FLAGS)
    assert "lang=en" in page.url and "dept=001" in page.url
    assert page.locator("h1").inner_text() == "Department profile"
    assert "High (red)" in page.locator(f"#{ids.table(ids.Department.T_FLAGS)}").inner_text()
    shoot(page, screenshot_path("department_en.png"))


def test_assets_page(live_server, page, data_dir, screenshot_path):
    base = live_server(sample_pages.build(data_dir))
    page.goto(base + "/assets?year=2025")
    wait_drawn(page, 3, ids.Assets.T_ENTERPRISES)
    assert page.locator("h1").inner_text() == "国有资产"
    assert "enterprise=E01" in page.url
    grid = page.locator(f"#{ids.table(ids.Assets.T_ENTERPRISES)}")
    assert "市城投集团有限公司" in grid.inner_text() and "90.0%" in grid.inner_text()
    assert grid.locator(".bw-cell-high").count() >= 1                      # 90% is red
    titles = page.locator(".gtitle").all_text_contents()
    assert "2025年各国有企业资产负债率" in titles
    shoot(page, screenshot_path("assets.png"))

    header_link(page, "English").click()
    wait_for_title(page, "Debt ratio by state enterprise, 2025")
    wait_drawn(page, 3, ids.Assets.T_ENTERPRISES)
    assert page.locator("h1").inner_text() == "State assets" and "lang=en" in page.url
    shoot(page, screenshot_path("assets_en.png"))


def test_audit_page(live_server, page, data_dir, screenshot_path):
    base = live_server(sample_pages.build(data_dir))
    page.goto(base + "/audit?year=2025&as_of=2025-06-30")
    wait_drawn(page, 3, ids.Audit.T_OVERDUE)
    assert page.locator("h1").inner_text() == "审计整改"
    overdue = page.locator(f"#{ids.table(ids.Audit.T_OVERDUE)}").inner_text()
    assert "SJ2023-01" in overdue and "365" in overdue
    assert "2023、2025" in page.locator(f"#{ids.table(ids.Audit.T_REPEAT)}").inner_text()
    shoot(page, screenshot_path("audit.png"))

    header_link(page, "English").click()
    wait_for_title(page, "Audit findings by status")
    wait_drawn(page, 3, ids.Audit.T_OVERDUE)
    assert page.locator("h1").inner_text() == "Audit rectification"
    assert "as_of=2025-06-30" in page.url and "lang=en" in page.url
    shoot(page, screenshot_path("audit_en.png"))


# The page's document ends where its content ends: nothing hidden (the department's body under
# the picker, the picker under a department) makes the page scroll on into blank space (issue 16).
BLANK_BELOW = """() => {
    const content = document.getElementById('react-entry-point').getBoundingClientRect().bottom + window.scrollY;
    return Math.round(document.documentElement.scrollHeight - Math.max(content, window.innerHeight));
}"""


@pytest.mark.parametrize("width", [1440, 390])
def test_no_blank_page_under_the_department_picker_or_a_department(live_server, page, data_dir, width):
    base = live_server(sample_pages.build(data_dir))
    page.set_viewport_size({"width": width, "height": 860})
    page.goto(base + "/departments?year=2025&as_of=2025-06-30")
    page.locator(f"#{ids.table(ids.Department.T_PICKER)} .ag-row").first.wait_for()
    page.wait_for_load_state("networkidle")
    picker_bottom = page.evaluate(
        f"() => document.getElementById('{ids.Department.PICKER}').getBoundingClientRect().bottom + window.scrollY")
    assert page.evaluate(BLANK_BELOW) <= 2
    assert page.evaluate("document.documentElement.scrollHeight") < picker_bottom + 400   # the footer, no more
    page.goto(base + "/departments?dept=001&year=2025&as_of=2025-06-30")
    page.locator(f"#{ids.table(ids.Department.T_FLAGS)} .ag-row").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(BLANK_BELOW) <= 2
