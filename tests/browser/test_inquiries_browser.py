"""From a red flag to an answer in a real browser: open an inquiry from the flag's detail, read
its letter, send it, record the answer with its file, close it unsatisfied and follow up."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetwatch.dashboard import ids
from tests.dashboard import sample
from tests.inquiries.conftest import pdf_bytes

pytestmark = pytest.mark.browser

I, W = ids.Inquiries, ids.Warnings
SHOTS = Path("/work/shots/inquiries")
HOSTILE = "请说明这笔无预算支付的依据<img src=x onerror=alert(1)>"


def test_a_red_flag_to_an_inquiry_a_letter_an_answer_and_a_follow_up(live_server, page, data_dir):
    base = live_server(sample.build(data_dir), role="staff")
    page.goto(base + "/warnings?year=2025&as_of=2025-07-15&flag=NO_BUDGET%7CV2508")
    page.locator(f"#{W.DETAIL_TITLE}", has_text="无预算支出").wait_for()
    page.locator("#warnings-open-inquiry").click()
    page.wait_for_url(re.compile(r"/inquiries\?open=NO_BUDGET"))
    page.locator(f"#{I.OPEN_FLAGS}", has_text="V2508").wait_for()
    page.locator(f"#{I.OPEN_QUESTIONS}").fill(HOSTILE)
    page.locator(f"#{I.OPEN_SUBMIT}").click()
    page.locator(f"#{I.RESULT}", has_text="已发起").wait_for()
    page.wait_for_url(re.compile(r"inquiry=1"))
    title = page.locator(f"#{I.DETAIL_TITLE}")
    title.get_by_text("草稿").wait_for()
    ref = title.inner_text().split()[0]
    assert page.locator(f"#{I.DETAIL_BODY} .bw-inq-text").first.inner_text() == HOSTILE   # text, not markup
    assert page.locator(f"#{I.DETAIL_BODY} img").count() == 0

    letter = page.context.request.get(base + page.locator("#inq-letter-html").get_attribute("href"))
    assert letter.status == 200
    assert "&lt;img src=x onerror=alert(1)&gt;" in letter.text() and ref in letter.text() and "V2508" in letter.text()

    page.locator(f"#{I.SEND}").click()
    title.get_by_text("已发出").wait_for()
    page.locator(f"#{I.ANSWER_TEXT}").fill("该笔支付为应急采购，已补办预算调整手续。")
    page.locator(f"#{I.ANSWER_FILE} input[type=file]").set_input_files(
        {"name": "答复.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()})
    page.locator(f"#{I.ANSWER_FILE_NAME}", has_text="答复.pdf").wait_for()
    page.locator(f"#{I.ANSWER}").click()
    title.get_by_text("已答复").wait_for()
    page.locator(f"#{I.DETAIL_BODY} a", has_text="答复.pdf").wait_for()

    page.locator(f"#{I.JUDGEMENT}").get_by_text("不满意").click()
    page.locator(f"#{I.CLOSE_NOTE}").fill("未提供预算调整批复文件")
    page.locator(f"#{I.FOLLOW_UP}").fill("请提供预算调整批复文件及应急采购审批记录。")
    page.locator(f"#{I.CLOSE}").click()
    page.locator(f"#{I.RESULT}", has_text="已发起追问").wait_for()
    page.wait_for_url(re.compile(r"inquiry=2"))
    page.locator(f"#{I.DETAIL_BODY} a", has_text=ref).wait_for()            # the follow-up links its first
    assert "草稿" in title.inner_text()
    rows = page.locator(f"#{ids.table(I.LIST)} .ag-row")
    rows.nth(1).wait_for()
    assert rows.count() == 2

    # the flag's detail now names the inquiries it is attached to
    page.goto(base + "/warnings?year=2025&as_of=2025-07-15&flag=NO_BUDGET%7CV2508")
    page.locator(".bw-inq-attached", has_text=ref).wait_for()

    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        for width, height in ((1440, 1000), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(base + f"/inquiries?inquiry=1" + ("&lang=en" if lang == "en" else ""))
            page.locator(f"#{I.DETAIL_BODY} .bw-inq-timeline li").nth(3).wait_for()
            page.locator(f"#{ids.table(I.LIST)} .ag-row").nth(1).wait_for()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SHOTS / f"inquiries_{lang}_{width}.png"), full_page=True)


def test_two_flags_ticked_in_the_list_open_one_inquiry_about_both(live_server, page, data_dir):
    base = live_server(sample.build(data_dir), role="staff")
    page.goto(base + "/warnings?year=2025&as_of=2025-07-15&severity=high")
    grid = page.locator(f"#{ids.table(W.LIST)}")
    grid.locator(".ag-row .ag-selection-checkbox").first.wait_for()
    page.locator(f"#{W.SELECTION}", has_text="勾选").wait_for()
    boxes = grid.locator(".ag-center-cols-container .ag-row .ag-selection-checkbox, "
                         ".ag-pinned-left-cols-container .ag-row .ag-selection-checkbox")
    picked = []
    for i in range(2):
        row = grid.locator(".ag-row").nth(i)
        picked.append(row.get_attribute("row-id"))
        boxes.nth(i).click()
    link = page.locator("#warnings-open-selected", has_text="2")
    link.wait_for()
    link.click()
    page.wait_for_url(re.compile(r"/inquiries\?open="))
    flags = page.locator(f"#{I.OPEN_FLAGS}")
    for flag_id in picked:
        flags.get_by_text(flag_id.split("|", 1)[1], exact=False).first.wait_for()
