"""The 政府债务 page in a real browser: the demo city's districts, Chinese then English, wide
and narrow (1440 and 390 px). Screenshots go to tests/browser/screenshots/ (and to
$BUDGETWATCH_SHOTS_DIR when set)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import header_link

from budgetwatch.dashboard import ids
from budgetwatch.demo_data import write_demo_feeds
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store
from tests.browser.test_pages_browser import shoot

pytestmark = pytest.mark.browser
D = ids.Debt


def demo_debt_only(data_dir: Path, tmp: Path) -> Path:
    """The demo city's debt file (and its departments), loaded through the normal path."""
    files = write_demo_feeds(tmp / "feeds", scale=0.02)
    store = Store(data_dir)
    for feed in ("departments", "debt"):
        [r] = ingest_files(store, feed, files[feed], who="test")
        assert r.ok, [p.line() for p in r.problems]
    return data_dir


def wait_drawn(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].filter("
        "g => g.querySelector('.main-svg') && g.querySelector('.point')).length >= 5")
    page.wait_for_selector(f"#{ids.table(D.T_REGIONS)} .ag-row")
    page.wait_for_load_state("networkidle")


def keep(path: Path) -> None:
    out = os.environ.get("BUDGETWATCH_SHOTS_DIR")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(out) / path.name)


@pytest.mark.parametrize("width", [1440, 390])
def test_debt_page_both_languages(live_server, page, data_dir, tmp_path, screenshot_path, width):
    base = live_server(demo_debt_only(data_dir, tmp_path))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "/debt?year=2025")
    wait_drawn(page)
    assert page.locator("h1").inner_text() == "政府债务"
    assert "单位：亿元" in page.locator(".bw-toolbar").first.inner_text()
    assert "高于100%为橙色预警，高于120%为红色预警" in page.locator(f"#{D.THRESHOLDS}").inner_text()
    first = page.locator(f"#{ids.table(D.T_REGIONS)} .ag-row[row-index='0']").first
    assert "湘江市雨湖区" in first.inner_text()                      # ranked by 债务率: 125% first
    assert "year=2025" in page.url
    path = screenshot_path(f"debt_zh_{width}.png")
    shoot(page, path)
    keep(path)
    header_link(page, "English").click()
    page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').innerText"
                           " === 'Government debt'")
    wait_drawn(page)
    assert "lang=en" in page.url and "year=2025" in page.url
    assert "above 100% is orange" in page.locator(f"#{D.THRESHOLDS}").inner_text()
    path = screenshot_path(f"debt_en_{width}.png")
    shoot(page, path)
    keep(path)
