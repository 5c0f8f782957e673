"""The overview in a real browser: served by `budgetwatch serve`, drawn by Chromium."""
from __future__ import annotations

import pytest

from tests.dashboard import sample

pytestmark = pytest.mark.browser


def test_overview_renders_in_chinese_then_english(live_server, page, data_dir, screenshot_path):
    base = live_server(sample.build(data_dir))
    page.goto(base + "/?year=2025&as_of=2025-06-30")
    page.wait_for_selector(".js-plotly-plot .barlayer .point")          # the department bars
    page.wait_for_load_state("networkidle")

    assert page.title() == "预算联网监督 budgetwatch"
    assert page.locator(".bw-brand-name").inner_text() == "预算联网监督"
    titles = page.locator(".gtitle").all_text_contents()
    assert "2025年各部门预算执行进度（截至 2025年6月30日）" in titles
    ticks = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    assert any("市教育局" in tick for tick in ticks)
    assert "?year=2025&as_of=2025-06-30&lang=zh" in page.url              # the view is the permalink
    assert "数据截至" in page.locator(".bw-freshness").inner_text()
    page.screenshot(path=str(screenshot_path("overview.png")), full_page=True)

    page.get_by_role("link", name="English").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gtitle')].some(t => t.textContent.startsWith('Budget execution'))")
    page.wait_for_load_state("networkidle")
    assert "lang=en" in page.url and "as_of=2025-06-30" in page.url      # the view is kept
    assert page.locator(".bw-nav-link.is-active").inner_text() == "Overview"
    assert "Adjusted budget" in page.locator(".bw-cards").inner_text()
    assert any("市教育局" in tick for tick in page.locator(".js-plotly-plot .ytick text").all_text_contents())
    page.screenshot(path=str(screenshot_path("overview_en.png")), full_page=True)
