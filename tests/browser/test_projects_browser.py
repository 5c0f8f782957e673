"""The project page in a real browser: overview → 项目监督 → a lagging livelihood project →
its vouchers → one voucher's flag on the warnings page."""
from __future__ import annotations

import re

import pytest

from budgetwatch.dashboard import ids
from tests.dashboard import sample_projects

pytestmark = pytest.mark.browser
P, W = ids.Projects, ids.Warnings
LIST = f"#{ids.table(P.T_LIST)}"
GRID = f"#{ids.table(P.T_VOUCHERS)}"


def test_from_the_overview_to_a_lagging_projects_voucher_flag(live_server, page, data_dir, screenshot_path):
    base = live_server(sample_projects.build(data_dir))
    page.goto(base + "/?year=2025&as_of=2025-06-30")
    page.wait_for_selector(".js-plotly-plot .barlayer .point")
    page.get_by_role("link", name="项目监督").click()                           # 1: the page
    page.wait_for_url(re.compile(r"/projects\?view=livelihood&year=2025"))
    lagging = page.locator(f"{LIST} .ag-row[row-id='XM-LAG']")
    lagging.locator("[col-id='flag_text']", has_text="红色预警").wait_for()
    assert "bw-cell-high" in lagging.locator("[col-id='flag_text']").get_attribute("class")

    lagging.locator("[col-id='project_name']").click()                         # 2: the project
    page.wait_for_url(re.compile(r"project=XM-LAG"))
    page.locator(".bw-crumb.is-current", has_text="市第一中学扩建工程").wait_for()
    page.locator(f"#{P.VOUCHERS_TITLE}", has_text="共2笔").wait_for()
    page.locator(GRID).scroll_into_view_if_needed()
    flag = page.locator(f"{GRID} .ag-row", has_text="V-P2").locator("[col-id='flag'] a")
    flag.wait_for()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_path("projects_item.png")), full_page=True)

    flag.click()                                                               # 3: the voucher's flag
    page.wait_for_url(re.compile(r"/warnings\?.*flag=DUPLICATE_PAYMENT%7CV-P2"))
    page.locator(f"#{W.DETAIL_TITLE}", has_text="疑似重复支付").wait_for()
