"""The overview in a real browser: served by `budgetwatch serve`, drawn by Chromium."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import header_link

from budgetwatch.dashboard import ids
from tests.dashboard import sample

pytestmark = pytest.mark.browser


def wait_for_title(page, start: str) -> None:
    """Until a chart whose title starts with ``start`` is drawn."""
    page.wait_for_function(
        "start => [...document.querySelectorAll('.gtitle')].some(t => t.textContent.startsWith(start))",
        arg=start)


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

    # Another year is a new permalink; going back in history brings the old view back.
    page.locator(f"#{ids.Overview.YEAR}").click()
    page.get_by_role("option", name="2024").click()
    wait_for_title(page, "2024年各部门预算执行进度")
    page.wait_for_url(re.compile(r"year=2024&as_of=2024-12-20"))
    page.go_back()
    wait_for_title(page, "2025年各部门预算执行进度（截至 2025年6月30日）")
    assert "year=2025&as_of=2025-06-30" in page.url

    header_link(page, "English").click()
    wait_for_title(page, "Budget execution by department, 2025")
    page.wait_for_load_state("networkidle")
    assert "lang=en" in page.url and "as_of=2025-06-30" in page.url      # the view is kept
    assert page.locator(".bw-nav-link.is-active").inner_text() == "Overview"
    assert "Adjusted budget" in page.locator(".bw-cards").inner_text()
    assert any("市教育局" in tick for tick in page.locator(".js-plotly-plot .ytick text").all_text_contents())
    page.screenshot(path=str(screenshot_path("overview_en.png")), full_page=True)


BOXES = ("[...document.querySelectorAll('.bw-stack-figure .indicatorlayer .trace')].map(g => { "
         "const r = g.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })")
COLUMN = f"() => {{ const b = {BOXES}; return b.length === 4 && b.every((x, i) => !i || x[1] >= b[i - 1][3]); }}"
ROW = f"() => {{ const b = {BOXES}; return b.length === 4 && b.every(x => Math.abs(x[1] - b[0][1]) < 2); }}"


def test_on_a_phone_the_four_gauges_stand_one_under_another(live_server, page, data_dir):
    base = live_server(sample.build(data_dir))
    page.set_viewport_size({"width": 390, "height": 860})
    page.goto(base + "/?year=2025&as_of=2025-06-30")
    page.locator(".bw-stack-figure .indicatorlayer .trace").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_function(COLUMN)                                        # each under the one before
    boxes = page.evaluate(f"() => {BOXES}")
    assert all(left >= 0 and right <= 390 for left, _top, right, _bottom in boxes)
    card = page.locator(".bw-stack-figure")
    assert card.evaluate("c => c.scrollWidth <= c.clientWidth")          # nothing to scroll sideways

    page.set_viewport_size({"width": 1440, "height": 900})                # wider again: the row is back
    page.wait_for_function(ROW)
    boxes = page.evaluate(f"() => {BOXES}")
    assert [round(b[0]) for b in boxes] == sorted(round(b[0]) for b in boxes)
