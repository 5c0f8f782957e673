"""The main flow on the demo city, in headless Chromium, signed in as staff:

overview → click a department's bar → drill by function 类 → 款 → 项 (three clicks from the
total) → the vouchers → open a flagged voucher's 预警 → review it 属实 with a note → see the
status; open the URL fresh (permalink) and get the same view; switch to English with the view
kept; download the list as CSV and read its ``#`` context lines and rows.

Screenshots of every step: tests/browser/screenshots/flow_*.png.
"""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import pytest

from budgetwatch.dashboard import ids
from budgetwatch.queries.store import Store

pytestmark = pytest.mark.browser
E, W = ids.Execution, ids.Warnings
GRID = f"#{ids.table(E.T_VOUCHERS)}"
LEVEL = f"#{ids.table(E.T_LEVEL)}"
DEPT = "湘江市农业农村局"
FLAGGED = "20250000014375"          # planted by the demo: a payment with no budget line (NO_BUDGET)


@pytest.fixture
def demo_dir(data_dir):
    from budgetwatch.cmd_demo import load_demo
    from budgetwatch.demo_data import planted_anomalies
    assert any(p.rule == "NO_BUDGET" and p.entity_key == FLAGGED and p.fires for p in planted_anomalies())
    assert load_demo(Store(data_dir), out=io.StringIO())
    return data_dir


def wait_for_crumb(page, text: str) -> None:
    page.wait_for_function(
        "t => { const c = document.querySelector('.bw-crumb.is-current'); return c && c.textContent === t; }",
        arg=text)


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('._dash-loading, [data-dash-is-loading=true]')")


def shot(page, screenshot_path, name: str) -> None:
    settle(page)
    page.mouse.move(1, 1)       # no chart tooltip left over from the last click
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_path(f"flow_{name}.png")), full_page=True)


def click_tile(page, name: str) -> None:
    tile = page.locator(f"#{E.BODY} g.slice").filter(has=page.locator("text", has_text=re.compile("^" + name)))
    tile.first.locator("path.surface").click()


def click_department_bar(page, name: str) -> None:
    """Click the overview's bar of department ``name`` (the bar level with its axis label)."""
    chart = page.locator(".js-plotly-plot").filter(has=page.locator(".ytick text", has_text=name))
    label = chart.locator(".ytick text", has_text=name).first
    label.wait_for()
    settle(page)
    box = label.bounding_box()
    y = box["y"] + box["height"] / 2
    bars = chart.locator(".barlayer .point")
    centres = [(b["y"] + b["height"] / 2) for b in (bars.nth(i).bounding_box() for i in range(bars.count()))]
    nearest = min(range(len(centres)), key=lambda i: abs(centres[i] - y))
    bars.nth(nearest).click(force=True)     # Plotly takes clicks on its drag layer above the bars


def test_overview_to_a_flagged_voucher_reviewed_then_permalink_english_and_csv(
        live_server, page, demo_dir, screenshot_path):
    base = live_server(demo_dir, role="staff")

    # Overview → the department's bar opens its drill-down.
    page.goto(base + "/?year=2025")
    page.locator(".js-plotly-plot .barlayer .point").first.wait_for()
    shot(page, screenshot_path, "1_overview")
    click_department_bar(page, DEPT)
    page.wait_for_url(re.compile(r"/execution\?year=2025&as_of=2025-12-31&by=dept&path=008(&|$)"))
    wait_for_crumb(page, DEPT)
    shot(page, screenshot_path, "2_department")

    # Drill by function: 类 → 款 → 项, three clicks from the total.
    page.locator(f"#{E.BY}").get_by_text("按功能分类").click()
    wait_for_crumb(page, "全部支出")
    page.locator(f"#{E.BODY} g.slice").first.wait_for()
    click_tile(page, "农林水支出")                                            # 1: 类
    wait_for_crumb(page, "213 农林水支出")
    shot(page, screenshot_path, "3_lei")
    click_tile(page, "农业农村")                                              # 2: 款
    wait_for_crumb(page, "21301 农业农村")
    shot(page, screenshot_path, "4_kuan")
    # 其他农业农村支出 has payments but no budget, so no tile (area = budget): its table row.
    page.locator(f"{LEVEL} .ag-row[row-id='2130199'] .ag-cell[col-id='name']").click()   # 3: 项
    wait_for_crumb(page, "2130199 其他农业农村支出")
    page.wait_for_url(re.compile(r"by=func&path=213\.21301\.2130199"))

    # The vouchers, the flagged one marked.
    row = page.locator(f"{GRID} .ag-pinned-left-cols-container .ag-row").filter(has_text=FLAGGED)
    marker = row.locator(".ag-cell[col-id='flag'] a")
    marker.wait_for()
    assert "⚑ 预警" in marker.inner_text()
    assert "bw-vflag-high" in row.locator(".ag-cell[col-id='flag']").get_attribute("class")
    assert "共 2 笔" in page.locator(f"#{E.VOUCHERS_TITLE}").inner_text()
    shot(page, screenshot_path, "5_vouchers")

    # Open the voucher's flag.
    marker.click()
    page.wait_for_url(re.compile(r"/warnings\?.*flag=NO_BUDGET"))
    assert f"flag=NO_BUDGET|{FLAGGED}" in unquote(page.url)
    title = page.locator(f"#{W.DETAIL_TITLE}")
    title.filter(has_text=FLAGGED).wait_for()
    assert "无预算支出" in title.inner_text()
    page.locator(f"#{ids.table(W.EVIDENCE_TABLE)} .ag-row", has_text=FLAGGED).wait_for()
    shot(page, screenshot_path, "6_flag")

    # Review it: 属实, with a note; the status shows in the list and the history.
    page.locator(f"#{W.REVIEW_STATUS}").get_by_text("属实").click()
    page.locator(f"#{W.REVIEW_NOTE}").fill("无预算指标列支，已要求单位说明并整改")
    page.locator(f"#{W.REVIEW_SAVE}").click()
    page.locator(f"#{W.REVIEW_RESULT}", has_text="已保存：属实").wait_for()
    listed = page.locator(f"#{ids.table(W.LIST)} .ag-row[row-id='NO_BUDGET|{FLAGGED}']")
    listed.locator("[col-id='status']", has_text="属实").wait_for()
    page.locator(f"#{ids.table(W.HISTORY)} .ag-row", has_text="无预算指标列支").wait_for()
    shot(page, screenshot_path, "7_reviewed")
    permalink = page.url

    # Download the list as CSV from the table: context lines, then the header and the rows.
    with page.expect_download() as info:
        page.locator(f"#{ids.table_csv(W.LIST)}").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = open(download.path(), encoding="utf-8-sig").read()
    lines = text.splitlines()
    context = [ln for ln in lines if ln.startswith("#")]
    assert len(context) >= 4 and lines[:len(context)] == context
    assert any("2025" in ln for ln in context)
    rows = list(csv.reader(io.StringIO("\n".join(lines[len(context):]))))
    header, body = rows[0], rows[1:]
    assert len(body) >= 10 and all(len(r) == len(header) for r in body)
    assert any(FLAGGED in ",".join(r) for r in body)

    # The permalink, opened fresh, shows the same view: the flag open, reviewed.
    fresh = page.context.new_page()
    fresh.goto(permalink)
    fresh.locator(f"#{W.DETAIL_TITLE}", has_text=FLAGGED).wait_for()
    fresh.locator(f"#{ids.table(W.LIST)} .ag-row[row-id='NO_BUDGET|{FLAGGED}'] [col-id='status']",
                  has_text="属实").wait_for()
    fresh.locator(f"#{ids.table(W.HISTORY)} .ag-row", has_text="browser-staff").wait_for()
    shot(fresh, screenshot_path, "8_permalink")
    fresh.close()

    # English, the view kept.
    page.locator(f"#{ids.Frame.LANG}").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert f"flag=NO_BUDGET|{FLAGGED}" in unquote(page.url)
    page.locator(f"#{W.DETAIL_TITLE}", has_text=FLAGGED).wait_for()
    page.locator(f"#{W.DETAIL_TITLE}", has_text="Payment without a budget line").wait_for()   # English rule title
    assert "Warnings" in page.locator(".bw-nav").inner_text()
    listed.locator("[col-id='status']", has_text="Confirmed").wait_for()
    shot(page, screenshot_path, "9_english")
