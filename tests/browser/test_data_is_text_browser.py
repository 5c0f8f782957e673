"""In a real browser: hostile names stay text, and no chart offers to send itself anywhere.

Issue 17 item 7 (Markdown in the department picker, ``<a href>`` in chart labels) and issue 16
item 1 (Plotly's "Share chart" button uploading the figure to Plotly Cloud).
"""
from __future__ import annotations

import pytest

from budgetwatch.dashboard import ids
from tests.security import hostile

pytestmark = pytest.mark.browser


def test_hostile_names_are_text_and_charts_send_nothing(live_server, page, data_dir):
    requests_out: list[str] = []
    page.on("request", lambda r: requests_out.append(r.url) if "evil.example" in r.url else None)
    base = live_server(hostile.build(data_dir))

    # The overview: the department chart names 003 by its hostile name, drawn as characters.
    page.goto(base + "/?year=2025&as_of=2025-06-30")
    page.wait_for_selector(".js-plotly-plot .barlayer .point")
    ticks = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    assert any(hostile.HTML_LINK in t for t in ticks), ticks
    assert page.locator("svg a").count() == 0                       # no link anywhere in any chart
    # The downloads are the chart's own 下载 PNG / 下载 SVG buttons (with the export footer);
    # nothing in the toolbar sends the chart away.
    assert page.locator(".bw-figure-actions button", has_text="PNG").count() > 0
    titles = page.eval_on_selector_all(".modebar-btn", "els => els.map(e => e.getAttribute('data-title'))")
    assert not [t for t in titles if t and ("Share" in t or "Cloud" in t or "Chart Studio" in t)], titles

    # The department picker: names are text in links to this site; no Markdown link or image.
    page.goto(base + "/departments?year=2025&as_of=2025-06-30")
    picker = page.locator(f"#{ids.table(ids.Department.T_PICKER)}")
    picker.locator(".ag-row").first.wait_for()
    assert picker.get_by_text(hostile.MARKDOWN_LINK, exact=True).count() == 1
    hrefs = picker.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith("/departments?dept=") for h in hrefs), hrefs
    assert page.locator("img[src*='evil.example']").count() == 0
    assert page.locator("a[href*='evil.example']").count() == 0

    # A click on a name moves within the app to that department.
    picker.get_by_text(hostile.MARKDOWN_LINK, exact=True).click()
    page.wait_for_url("**dept=002**")
    page.wait_for_selector(f"#{ids.Department.HEADING}")
    assert hostile.MARKDOWN_LINK in page.locator(f"#{ids.Department.HEADING}").inner_text()
    assert requests_out == []                                         # nothing fetched from the attacker
