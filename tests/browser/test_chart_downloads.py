"""A chart's downloads in the browser (issue 16, item 9): the buttons never cover the plot, and
the 三公经费 chart's value labels never run into each other, on a phone and on a wide screen."""
from __future__ import annotations

import pytest

from budgetwatch.dashboard import ids
from tests.dashboard import sample_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIDTHS = (390, 1440)

# Every drawn chart: a download button whose box meets the chart's own box (the plot's SVG).
COVERED_JS = """() => {
    const out = [];
    const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    for (const card of document.querySelectorAll('.bw-figure')) {
        const plot = card.querySelector('.js-plotly-plot .main-svg');
        if (!plot || !plot.getBoundingClientRect().width) { continue; }
        const p = plot.getBoundingClientRect();
        for (const b of card.querySelectorAll('button, a')) {
            if (b.closest('.modebar')) { continue; }
            const r = b.getBoundingClientRect();
            if (r.width && meet(r, p)) { out.push(card.querySelector('.js-plotly-plot').parentElement.id + ': ' + b.textContent); }
        }
    }
    return out;
}"""

# Texts of one chart that run into each other (bar labels with bar labels and axis labels), or
# out of the chart.
CLASHES_JS = """graphId => {
    const holder = document.getElementById(graphId);
    const root = holder.querySelector('.main-svg').getBoundingClientRect();
    const texts = [...holder.querySelectorAll('.bartext, .xtick text, .ytick text')]
        .filter(e => e.textContent.trim()).map(e => [e.textContent, e.getBoundingClientRect()]);
    const out = [];
    for (let i = 0; i < texts.length; i++) {
        const [ta, a] = texts[i];
        if (a.left < root.left - 1 || a.right > root.right + 1) { out.push('outside the chart: ' + ta); }
        for (let j = i + 1; j < texts.length; j++) {
            const [tb, b] = texts[j];
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
                out.push(ta + ' × ' + tb);
            }
        }
    }
    return out;
}"""


def open_department(page, base: str, width: int, lang: str) -> None:
    page.set_viewport_size({"width": width, "height": 860})
    page.goto(base + "/departments?year=2025&as_of=2025-06-30&dept=001" + ("&lang=en" if lang == "en" else ""))
    page.locator(f"[id='{_key(ids.graph(ids.Department.SANGONG))}'] .bartext").first.wait_for()
    page.wait_for_load_state("networkidle")


def _key(component_id: dict) -> str:
    """The DOM id Dash gives a pattern-matching id."""
    import json
    return json.dumps(component_id, separators=(",", ":"), sort_keys=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_download_buttons_never_cover_a_chart_and_the_sangong_labels_never_clash(live_server, page, data_dir,
                                                                                      lang):
    base = live_server(sample_pages.build(data_dir))
    problems = []
    for width in WIDTHS:
        open_department(page, base, width, lang)
        problems += [f"{width}px: button over the chart: {p}" for p in page.evaluate(COVERED_JS)]
        problems += [f"{width}px: 三公: {p}" for p in
                     page.evaluate(CLASHES_JS, _key(ids.graph(ids.Department.SANGONG)))]
    assert not problems, "\n".join(problems)


def test_png_and_svg_download_with_the_export_footer(live_server, page, data_dir):
    """下载 PNG and 下载 SVG under a chart, both languages: print width, the CLI's footer."""
    import struct

    from playwright.sync_api import expect

    base = live_server(sample_pages.build(data_dir))
    for lang, png_label, svg_label, footer in (("zh", "下载 PNG", "下载 SVG", "数据截至 2025年6月30日 · 单位：万元 · 导出时间"),
                                               ("en", "Download PNG", "Download SVG", "Data as of 2025-06-30 · Unit: ")):
        open_department(page, base, 1440, lang)
        card = page.locator(".bw-figure").filter(has=page.locator(f"[id='{_key(ids.graph(ids.Department.SANGONG))}']"))
        with page.expect_download() as got:
            card.get_by_role("button", name=png_label).click()
        assert got.value.suggested_filename == "budgetwatch_department_001_sangong_2025.png"
        head = open(got.value.path(), "rb").read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", head[16:24])
        assert width == 3000 and height == 3 * (160 + 64 * 4 + 34)        # print width 1000 at 3×, footer
        with page.expect_download() as got:
            card.get_by_role("button", name=svg_label).click()
        assert got.value.suggested_filename.endswith("_sangong_2025.svg")
        svg = open(got.value.path(), encoding="utf-8").read()
        assert footer in svg and 'width="1000"' in svg

    # on a phone the title is broken in two on screen; the file has it on one line at print width
    open_department(page, base, 390, "zh")
    title = page.locator(f"[id='{_key(ids.graph(ids.Department.SANGONG))}'] .gtitle")
    expect(title.locator("tspan.line")).to_have_count(2)
    with page.expect_download() as got:
        page.locator(".bw-figure").filter(has=title).get_by_role("button", name="下载 SVG").click()
    svg = open(got.value.path(), encoding="utf-8").read()
    assert "市教育局三公经费：2025年截至 2025年6月30日 与上年同期" in svg and 'height="450"' in svg
