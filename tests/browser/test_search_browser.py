"""Find anything, in headless Chromium on the demo city: type in the header's search box, open
the payee suggested, then one of its vouchers — and the voucher's payee link leads back."""
from __future__ import annotations

import io
import re
from urllib.parse import unquote_plus

import pytest

from budgetwatch.dashboard import ids
from budgetwatch.queries.store import Store

pytestmark = pytest.mark.browser
S, P, V = ids.Search, ids.Payees, ids.Voucher


@pytest.fixture
def demo_dir(data_dir):
    from budgetwatch.cmd_demo import load_demo
    assert load_demo(Store(data_dir), scale=0.2, out=io.StringIO())
    return data_dir


def test_header_search_to_a_payee_profile_to_a_voucher(live_server, page, demo_dir, screenshot_path):
    base = live_server(demo_dir, role="member")
    page.goto(base + "/execution")
    page.wait_for_load_state("networkidle")
    box = page.locator(f"#{S.INPUT}")
    box.click()
    box.press_sequentially("保安服务", delay=30)
    payees = page.locator(f"#{S.RESULTS} .bw-search-group", has=page.locator(".bw-search-kind", has_text="收款人"))
    first = payees.locator("a.bw-search-item").first
    first.wait_for()
    name = first.locator(".bw-search-name").inner_text()
    assert "保安服务" in name
    page.screenshot(path=str(screenshot_path("search_suggestions.png")))
    first.click()

    page.wait_for_url(re.compile(r"/payees\?name="))
    assert unquote_plus(page.url.split("name=", 1)[1]) == name
    page.locator(f"#{P.HEADING}", has_text=name).wait_for()
    page.locator(f"#{P.HEADLINE} .bw-card-value").first.wait_for()
    voucher = page.locator(f"#{ids.table(P.T_VOUCHERS)} a.bw-cell-link").first
    voucher.wait_for()
    number = voucher.inner_text()
    page.screenshot(path=str(screenshot_path("search_payee.png")), full_page=True)
    voucher.click()

    page.wait_for_url(re.compile(r"/voucher\?no=" + re.escape(number)))
    fields = page.locator(f"#{V.FIELDS} dl")
    fields.wait_for()
    assert number in fields.inner_text() and name in fields.inner_text()
    page.screenshot(path=str(screenshot_path("search_voucher.png")), full_page=True)
    copy = page.locator("#frame-copy-link")       # 复制链接 copies the view's address
    copy.click()
    page.locator("#frame-copy-link", has_text="已复制").wait_for()
    assert copy.get_attribute("data-copied") == page.url
    fields.locator("a", has_text=name).click()
    page.wait_for_url(re.compile(r"/payees\?name="))
    page.locator(f"#{P.HEADING}", has_text=name).wait_for()
