"""The overview's 监督简报 link says the briefing is being made (issue 16, item 9i): busy with the
seconds so far until the PDF is saved, then itself again; a refusal is said beside it."""
from __future__ import annotations

import re

import pytest

from budgetwatch.dashboard.briefing_route import LINK_ID, STATUS_ID
from tests.dashboard import sample_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_briefing_link_is_busy_until_the_pdf_is_saved(live_server, page, data_dir):
    from playwright.sync_api import expect

    base = live_server(sample_pages.build(data_dir))
    page.goto(base + "/?year=2025&as_of=2025-06-30")
    link = page.locator(f"#{LINK_ID}")
    expect(link).to_have_attribute("href", re.compile(r"year=2025&as_of=2025-06-30"))
    with page.expect_download(timeout=120_000) as got:
        link.click()
        expect(link).to_have_attribute("aria-busy", "true")
        expect(link).to_have_text(re.compile(r"^正在生成简报… \d+ 秒$"))
        expect(link).to_have_class(re.compile(r"\bis-busy\b"))
    assert got.value.suggested_filename == "budgetwatch_briefing_2025_20250630.pdf"
    assert open(got.value.path(), "rb").read(5) == b"%PDF-"
    expect(link).to_have_text("监督简报（PDF）")
    assert link.get_attribute("aria-busy") is None
    assert page.locator(f"#{STATUS_ID}").inner_text() == ""

    # a refusal is said beside the link, in the server's words, and the link is itself again
    link.evaluate("a => { a.href = '/briefing.pdf?year=1999'; }")
    link.click()
    expect(page.locator(f"#{STATUS_ID}")).to_have_text(re.compile(r"^简报未能生成：1999年没有预算或支付数据"))
    expect(link).to_have_text("监督简报（PDF）")
