"""The warnings and data pages in a real browser: open a planted duplicate payment, see its
vouchers, review it; upload a small CSV on the data page and read the report."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from budgetwatch.dashboard import ids
from tests.dashboard import sample
from tests.dashboard.test_warnings_callbacks import DUP, plant_duplicate

pytestmark = pytest.mark.browser

W, D = ids.Warnings, ids.Data
CSV = ("单位：元\n"
       "支付凭证号,支付日期,单位编码,功能科目编码,经济科目编码,资金性质,收款人,金额\n"
       "U0001,2025-07-20,003,2050202,30201,政府性基金预算,某公司,\"12,000.00\"\n"
       "U0002,2025-07-21,003,2050202,30201,政府性基金预算,某公司,abc\n")


def test_review_a_duplicate_payment_then_upload_a_file(live_server, page, data_dir, screenshot_path):
    base = live_server(plant_duplicate(sample.build(data_dir, loaded_at=dt.datetime.now().replace(microsecond=0))),
                       role="staff")
    page.goto(base + "/warnings?year=2025&as_of=2025-07-15")
    row = page.locator(f".ag-row[row-id='{DUP}']")
    row.locator("[col-id='message']").click()
    page.wait_for_url(re.compile(r"flag=DUPLICATE_PAYMENT%7CD0002"))

    evidence = page.locator(f"#{ids.table(W.EVIDENCE_TABLE)}")
    evidence.locator(".ag-row", has_text="D0001").wait_for()
    evidence.locator(".ag-row", has_text="D0002").wait_for()      # AG Grid draws rows over a few frames
    assert evidence.locator(".ag-row", has_text="D0002").count() == 1
    assert "疑似重复支付" in page.locator(f"#{W.DETAIL_TITLE}").inner_text()
    assert page.locator(f"#{W.EVIDENCE_LINKS} a", has_text="D0001").get_attribute("href") == \
        "/execution?year=2025&voucher=D0001"
    assert page.locator(".bw-card.is-sev-high .bw-card-value").inner_text().endswith("条")

    page.locator(f"#{W.REVIEW_STATUS}").get_by_text("属实").click()
    page.locator(f"#{W.REVIEW_NOTE}").fill("经核对原始凭证，确为重复支付，已要求追回")
    assert page.locator(f"#{W.REVIEW_NAME}").input_value() == "browser-staff"  # the signed-in reviewer
    page.locator(f"#{W.REVIEW_SAVE}").click()
    page.locator(f"#{W.REVIEW_RESULT}", has_text="已保存：属实").wait_for()
    row.locator("[col-id='status']", has_text="属实").wait_for()
    page.locator(f"#{ids.table(W.HISTORY)} .ag-row", has_text="browser-staff").wait_for()
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_path("warnings.png")), full_page=True)

    # The review is kept: a fresh page load with the permalink shows the new status.
    page.goto(page.url)
    page.locator(f".ag-row[row-id='{DUP}'] [col-id='status']", has_text="属实").wait_for()

    page.goto(base + "/data")
    page.locator(f"#{ids.table(D.HISTORY)} .ag-row", has_text="payments.csv").first.wait_for()
    page.locator(f"#{D.FEED}").click()
    page.get_by_role("option", name=re.compile("国库集中支付")).click()
    page.wait_for_url(re.compile(r"feed=payments"))
    assert page.locator(f"#{D.WHO}").input_value() == "browser-staff"
    page.locator(f"#{D.UPLOAD} input[type=file]").set_input_files(
        {"name": "7月支付.csv", "mimeType": "text/csv", "buffer": CSV.encode("gb18030")})
    page.locator(f"#{D.FILE_NAME}", has_text="7月支付.csv").wait_for()
    page.locator(f"#{D.LOAD}").click()
    page.locator(f"#{D.REPORT}", has_text="未导入").wait_for()
    problems = page.locator(f"#{ids.table(D.PROBLEMS)}")
    problems.locator(".ag-row", has_text="不是有效金额").wait_for()

    page.locator(f"#{D.PARTIAL}").get_by_text("部分导入").click()
    page.locator(f"#{D.LOAD}").click()
    page.locator(f"#{D.REPORT}", has_text="部分导入").wait_for()
    page.locator(f"#{ids.table(D.HISTORY)} .ag-row", has_text="7月支付.csv").wait_for()
    assert "browser-staff" in page.locator(f"#{ids.table(D.HISTORY)} .ag-row", has_text="7月支付.csv").inner_text()
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_path("data.png")), full_page=True)
