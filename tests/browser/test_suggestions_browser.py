"""The 代表建议 page in a real browser: a deputy picks their name, sees their suggestions, clicks
one and gets its handling units' timeline — and the URL is the permalink of that view."""
from __future__ import annotations

import re

import pytest

from budgetwatch.dashboard import ids
from tests.dashboard import sample_suggestions

pytestmark = pytest.mark.browser
S = ids.Suggestions


def test_from_a_deputys_view_to_a_suggestions_timeline(live_server, page, data_dir, screenshot_path):
    base = live_server(sample_suggestions.build(data_dir), role="member")
    page.goto(base + "/suggestions?year=2025&as_of=2025-06-30")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gtitle')].some(t => t.textContent.startsWith('2025年代表建议'))")
    assert "逾期未答复" in page.locator(f"#{S.HEADLINE}").inner_text()

    # the deputy's own view
    page.locator(f"#{S.DEPUTY}").click()
    page.keyboard.type("王建国")
    page.get_by_role("option", name=re.compile("^王建国")).click()
    grid = page.locator(f"#{ids.table(S.T_DEPUTY)}")
    grid.locator(".ag-center-cols-container .ag-row[row-id='2025-0002']").wait_for()
    assert "王建国：领衔 2 件，附议 2 件" in page.locator(f"#{S.DEPUTY_SUMMARY}").inner_text()
    page.wait_for_url(re.compile(r"deputy=%E7%8E%8B%E5%BB%BA%E5%9B%BD"))

    # a click on one of them draws its timeline, with its flags
    grid.locator(".ag-center-cols-container .ag-row[row-id='2025-0001'] .ag-cell[col-id='title']").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gtitle')].some(t => t.textContent.includes('办理时间线'))")
    page.wait_for_url(re.compile(r"suggestion=2025-0001"))
    timeline = page.locator(f"[id*='{S.TIMELINE}']")
    names = timeline.locator(".annotation-text").all_text_contents()
    assert {"市教育局（主办）", "市第一中学（协办）", "市卫生健康委员会（协办）"} <= set(names)
    assert "B类答复承诺到期未办结" in page.locator(f"#{S.ONE_FLAGS}").inner_text()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_path("suggestions_timeline.png")), full_page=True)

    # the permalink brings the same view back
    url = page.url
    page.goto(url)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gtitle')].some(t => t.textContent.includes('2025-0001'))")
    seconded = page.locator(f"#{ids.table(S.T_DEPUTY)} .ag-center-cols-container .ag-row[row-id='2025-0005']")
    seconded.wait_for()                                  # AG Grid draws rows over a few frames
    assert seconded.count() == 1
