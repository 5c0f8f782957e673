"""A permalink opened fresh has working download links before its URL ever changes."""
from __future__ import annotations

import datetime as dt

import pytest

from budgetwatch.dashboard import ids
from tests.dashboard import sample

pytestmark = pytest.mark.browser


def test_fresh_permalink_download_links_work(live_server, page, data_dir):
    base = live_server(sample.build(data_dir, loaded_at=dt.datetime.now().replace(microsecond=0)), role="member")
    page.goto(base + "/data?feed=payments")
    link = page.locator(f"#{ids.table_csv(ids.Data.HISTORY)}")
    link.wait_for()
    page.wait_for_function(f"() => (document.getElementById('{ids.table_csv(ids.Data.HISTORY)}') || {{}}).href")
    assert link.get_attribute("href").startswith(f"/download/{ids.Data.HISTORY}.csv?feed=payments")
    with page.expect_download() as got:
        link.click()
    text = open(got.value.path(), encoding="utf-8-sig").read()
    assert text.startswith("# ") and "payments.csv" in text
