"""The execution drill-down in a real browser: overview → execution → 类 → 款 → 项 → vouchers."""
from __future__ import annotations

import re

import pytest

from budgetwatch.dashboard import ids
from tests.dashboard.test_execution_queries import build

pytestmark = pytest.mark.browser
E = ids.Execution
GRID = f"#{ids.table(E.T_VOUCHERS)}"


def current_crumb(page) -> str:
    return page.locator(".bw-crumb.is-current").inner_text()


def wait_for_crumb(page, text: str) -> None:
    page.wait_for_function(
        "t => { const c = document.querySelector('.bw-crumb.is-current'); return c && c.textContent === t; }",
        arg=text)


def click_tile(page, name: str) -> None:
    """Click the treemap tile whose label starts with ``name``."""
    tile = page.locator(f"#{E.BODY} g.slice").filter(has=page.locator("text", has_text=re.compile("^" + name)))
    tile.first.locator("path.surface").click()


def voucher_numbers(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    page.wait_for_function(     # every row loaded (a block being fetched shows blank rows)
        "sel => { const c = [...document.querySelectorAll(sel)]; "
        "return c.length > 0 && c.every(x => x.textContent.trim() !== ''); }",
        arg=GRID + " .ag-cell[col-id=voucher_no]")
    return sorted(page.locator(GRID + " .ag-cell[col-id=voucher_no]").all_inner_texts())


def test_three_clicks_from_total_to_a_voucher(live_server, page, data_dir, screenshot_path):
    build(data_dir)
    base = live_server(data_dir)
    page.goto(base + "/?year=2025&as_of=2025-06-30")
    page.wait_for_selector(".js-plotly-plot .barlayer .point")
    page.get_by_role("link", name="预算执行").click()
    page.wait_for_url(re.compile(r"/execution\?year=2025&as_of=2025-08-01&by=func"))   # the defaults
    wait_for_crumb(page, "全部支出")
    page.wait_for_selector(f"#{E.BODY} g.slice")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_path("execution_total.png")), full_page=True)

    click_tile(page, "教育支出")                                    # 1: 类
    wait_for_crumb(page, "205 教育支出")
    click_tile(page, "普通教育")                                    # 2: 款
    wait_for_crumb(page, "20502 普通教育")
    click_tile(page, "小学教育")                                    # 3: 项 — the vouchers
    wait_for_crumb(page, "2050202 小学教育")
    page.wait_for_url(re.compile(r"by=func&path=205\.20502\.2050202"))
    shown = voucher_numbers(page)
    assert shown == ["V2501", "V2502", "V2503", "V2504", "V2505", "V2506", "V2507", "V2508"]
    assert "共 8 笔" in page.locator(f"#{E.VOUCHERS_TITLE}").inner_text()
    assert "-" not in page.locator(f"#{E.CRUMBS}").inner_text()
    page.locator(f"#{E.VOUCHERS_BOX}").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path("execution_vouchers.png")), full_page=True)
    leaf_url = page.url

    # Back goes back one drill step.
    page.go_back()
    wait_for_crumb(page, "20502 普通教育")
    assert re.search(r"path=205\.20502(&|$)", page.url)

    # The permalink, opened fresh, shows the same view.
    fresh = page.context.new_page()
    fresh.goto(leaf_url)
    wait_for_crumb(fresh, "2050202 小学教育")
    assert voucher_numbers(fresh) == shown
    assert fresh.locator(f"#{E.LEVEL_TITLE}").inner_text() == "20502 普通教育：各项执行情况"
    fresh.close()


def test_department_path_in_english_and_a_single_voucher(live_server, page, data_dir, screenshot_path):
    build(data_dir)
    base = live_server(data_dir)
    page.goto(base + "/execution?year=2025&as_of=2025-06-30&by=dept&path=002.002001.30211&lang=en")
    wait_for_crumb(page, "30211 差旅费")
    assert voucher_numbers(page) == ["V9002"]
    refund = page.locator(GRID + " .ag-cell[col-id=amount]").first
    assert refund.inner_text() == "-1,000.00" and "bw-neg" in refund.get_attribute("class")
    assert "Budget execution" in page.locator(".bw-page-title").inner_text()
    page.screenshot(path=str(screenshot_path("execution_dept_en.png")), full_page=True)

    page.goto(base + "/execution?year=2025&voucher=V2503")
    page.wait_for_selector(f"#{E.VOUCHERS_NOTE} .bw-notice")
    assert voucher_numbers(page) == ["V2503"]
    assert "只显示凭证 V2503" in page.locator(f"#{E.VOUCHERS_NOTE}").inner_text()


def test_a_filtered_grid_counts_what_its_filter_leaves_in_its_title(live_server, page, data_dir):
    build(data_dir)
    base = live_server(data_dir)
    big = '{"amount":{"filterType":"number","type":"greaterThan","filter":600000}}'
    page.goto(base + "/execution?year=2025&by=func&path=205.20502.2050202&grid=" + big)
    title = page.locator(f"#{E.VOUCHERS_TITLE}")
    title.filter(has_text="筛选后").wait_for()
    assert voucher_numbers(page) == ["V2503", "V2505", "V2506", "V2507"]
    assert "筛选后 4 笔，合计 520.00 万元；全部 8 笔）" in title.inner_text()


def test_a_department_bar_on_the_overview_opens_its_drill_down(live_server, page, data_dir):
    build(data_dir)
    base = live_server(data_dir)
    page.goto(base + "/?year=2025&as_of=2025-06-30")
    bar = page.locator(".js-plotly-plot .barlayer .point").first
    bar.wait_for()
    page.wait_for_load_state("networkidle")
    bar.click(force=True)     # Plotly takes clicks on its drag layer above the bars
    page.wait_for_url(re.compile(r"/execution\?year=2025&as_of=2025-06-30&by=dept&path=\w+"))
    page.wait_for_selector(".bw-crumb.is-current")
    assert page.locator(".bw-crumb").first.inner_text() == "全部部门"
