"""The department page's 每个单位的执行 grid draws 上年同期 in the browser: a true amount for a
year whose year before holds payments, 无上年数据 (never 0.00) for one whose does not."""
from __future__ import annotations

from playwright.sync_api import expect

from budgetwatch.dashboard import ids
from tests.dashboard import sample_pages

UNITS = f"#{ids.table(ids.Department.T_UNITS)}"


def test_the_units_grid_shows_last_year_or_says_there_is_none(live_server, page, data_dir):
    base = live_server(sample_pages.build(data_dir))
    page.goto(base + "/departments?dept=001&year=2025&as_of=2025-06-30")
    school = page.locator(f"{UNITS} .ag-pinned-left-cols-container .ag-row", has_text="001001").first
    school.wait_for()      # the unit is pinned: its other cells are in the row of the same index
    row = school.get_attribute("row-index")
    expect(page.locator(f'{UNITS} .ag-center-cols-container .ag-row[row-index="{row}"] [col-id="prior"]')
           ).to_have_text("5.00")
    expect(page.locator(f"{UNITS} .ag-header-cell", has_text="上年同期").first).to_be_visible()
    page.goto(base + "/departments?dept=001&year=2024")
    first = page.locator(f"{UNITS} .ag-center-cols-container .ag-row").first
    first.wait_for()
    expect(first.locator('[col-id="prior"]')).to_have_text("无上年数据")
    expect(first.locator('[col-id="growth"]')).to_have_text("无上年数据")
