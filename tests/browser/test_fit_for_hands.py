"""Issue 16 in headless Chromium, on the demo city, at 390 px (a phone) and 1440 px, both languages:
Back and Forward walk pages and drill steps; a permalink survives the login; the phone flow
(menu → 预算执行 → drill → voucher); no header element overflows; no number cell is cut.

Screenshots of every page at both widths and in both languages go to $BUDGETWATCH_SCREENSHOTS
(else a temporary folder, printed); they are not committed — look at them.
"""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from budgetwatch.dashboard import ids
from budgetwatch.queries.store import Store
from tests.browser.conftest import BROWSER_PASSWORD, _wait_until_up, ensure_account, free_port, sign_in
from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
E = ids.Execution
WIDTHS = (390, 1440)
LANGS = ("zh", "en")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """One demo city and one ``budgetwatch serve`` for the module (the demo takes a while)."""
    from budgetwatch.cmd_demo import load_demo

    data_dir = tmp_path_factory.mktemp("phone-demo")
    assert load_demo(Store(data_dir), out=io.StringIO())
    for role in ("admin", "member"):
        ensure_account(data_dir, f"browser-{role}", role)
    port = free_port()
    log = data_dir / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "budgetwatch", "serve", "--host", "127.0.0.1",
                                 "--port", str(port), "--threads", "4", "--data-dir", str(data_dir)],
                                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/login", proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def shots_dir() -> Path:
    folder = Path(os.environ.get("BUDGETWATCH_SCREENSHOTS") or tempfile.mkdtemp(prefix="budgetwatch-shots-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


def open_page(browser, width: int, base: str | None = None, role: str | None = "admin"):
    context = browser.new_context(viewport={"width": width, "height": 860}, locale="zh-CN",
                                  is_mobile=width < 600, has_touch=width < 600)
    if base and role:
        sign_in(context, base, f"browser-{role}")
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('._dash-loading, [data-dash-is-loading=true]')")


def wait_for_crumb(page, text: str) -> None:
    page.wait_for_function(
        "t => { const c = document.querySelector('.bw-crumb.is-current'); return c && c.textContent === t; }",
        arg=text)


def click_tile(page, name: str) -> None:
    tile = page.locator(f"#{E.BODY} g.slice").filter(has=page.locator("text", has_text=re.compile("^" + name)))
    tile.first.locator("path.surface").click()


def test_back_and_forward_walk_the_pages_and_the_drill_steps(browser, demo_server):
    page = open_page(browser, 1440, demo_server)
    page.goto(demo_server + "/")
    page.wait_for_url(re.compile(r"/\?year=2025&as_of="))              # the defaults, filled in
    start = page.url
    page.locator(".bw-nav-link", has_text="预算执行").click()
    page.wait_for_url(re.compile(r"/execution\?year=2025&as_of=[^&]+&by=func"))
    wait_for_crumb(page, "全部支出")
    execution = page.url
    page.locator(f"#{E.BODY} g.slice").first.wait_for()
    settle(page)
    click_tile(page, "农林水支出")
    wait_for_crumb(page, "213 农林水支出")
    page.wait_for_url(re.compile(r"by=func&path=213(&|$)"))
    lei = page.url
    page.locator(".bw-nav-link", has_text="审计整改").click()
    page.wait_for_url(re.compile(r"/audit\?year=2025"))
    audit = page.url
    settle(page)

    # (a reader looks at each page before the next Back: settle)
    page.go_back()
    wait_for_crumb(page, "213 农林水支出")
    settle(page)
    assert page.url == lei
    page.go_back()
    wait_for_crumb(page, "全部支出")
    settle(page)
    assert page.url == execution
    page.go_back()
    page.wait_for_url(start)
    page.locator(".bw-nav-link.is-active", has_text="总览").wait_for()
    settle(page)
    assert page.url == start                                     # not pushed again: Back left the page
    page.go_forward()
    wait_for_crumb(page, "全部支出")
    settle(page)
    page.go_forward()
    wait_for_crumb(page, "213 农林水支出")
    settle(page)
    page.go_forward()
    page.wait_for_url(audit)
    page.context.close()


# -- phones and wide screens: the header, the page width ----------------------------------------
HEADER_PROBLEMS_JS = """() => {
    const out = [];
    for (const e of document.querySelectorAll('.bw-header *')) {
        const r = e.getBoundingClientRect();
        if (!r.width || getComputedStyle(e).visibility === 'hidden') { continue; }
        if (r.left < -1 || r.right > window.innerWidth + 1) { out.push('outside: ' + e.className + ' ' + e.textContent.slice(0, 20)); }
        if (e.matches('.bw-nav-link, .bw-lang, .bw-logout, .bw-menu-button, .bw-brand-name')
                && e.scrollWidth > e.clientWidth + 1) { out.push('cut: ' + e.textContent); }
    }
    return out;
}"""


# Cells of numbers, dates and codes cut short (scrollWidth > clientWidth), and English header
# words wider than their header (which would break mid-word).
CUT_JS = r"""() => {
    const out = [];
    const whole = /^(?:[-+]?[\d,]+(?:\.\d+)?%?|\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d)?)?|[0-9A-Z][0-9A-Z.\-]{4,})$/;
    const measure = document.createElement('canvas').getContext('2d');
    for (const grid of document.querySelectorAll('.ag-root-wrapper')) {
        if (!grid.getBoundingClientRect().width) { continue; }
        const id = (grid.closest('[id]') || {}).id;
        for (const cell of grid.querySelectorAll('.ag-cell')) {
            const text = cell.textContent.trim();
            const value = cell.querySelector('.ag-cell-value') || cell;
            if (whole.test(text) && (cell.scrollWidth > cell.clientWidth + 1 || value.scrollWidth > value.clientWidth + 1)) {
                out.push('cut ' + id + ' ' + cell.getAttribute('col-id') + '=' + text);
            }
        }
        for (const head of grid.querySelectorAll('.ag-header-cell-text')) {
            const st = getComputedStyle(head);
            measure.font = st.fontWeight + ' ' + st.fontSize + ' ' + st.fontFamily;
            for (const word of head.textContent.split(/\s+/)) {
                if (/^[A-Za-z]{4,}$/.test(word) && measure.measureText(word).width > head.clientWidth + 1) {
                    out.push('header ' + id + ' ' + word);
                }
            }
        }
    }
    return out;
}"""


# Chart titles drawn past their chart's right edge (the SVG clips them): fit_titles.js breaks them.
CUT_TITLES_JS = """() => {
    const out = [];
    for (const gd of document.querySelectorAll('.js-plotly-plot')) {
        const title = gd.querySelector('.g-gtitle .gtitle');
        const box = gd.getBoundingClientRect();
        if (!title || !box.width) { continue; }
        if (title.getBoundingClientRect().right > box.right + 1) { out.push('title cut: ' + title.textContent); }
    }
    return out;
}"""


def cut_titles(page) -> list[str]:
    try:
        page.wait_for_function(f"() => ({CUT_TITLES_JS})().length === 0", timeout=6_000)
        return []
    except Exception:
        return page.evaluate(CUT_TITLES_JS)


def cut_cells(page) -> list[str]:
    """What is still cut once the grids have sized their columns (they do so after drawing)."""
    try:
        page.wait_for_function(f"() => ({CUT_JS})().length === 0", timeout=6_000)
        return []
    except Exception:
        return page.evaluate(CUT_JS)


def open_menu(page) -> None:
    """The 菜单 opened: once the page's requests are done (the header is drawn again when a page
    settles, closing a menu opened before), and again if a redraw closed it anyway."""
    page.wait_for_load_state("networkidle")
    nav = page.locator(".bw-nav")
    for _ in range(3):
        page.locator(f"#{ids.Frame.MENU_BUTTON}").click()
        try:
            nav.wait_for(state="visible", timeout=5000)
            return
        except Exception:           # closed by a redraw: open it again
            page.wait_for_load_state("networkidle")
    nav.wait_for(state="visible")


def nav_links(page) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(".bw-nav a.bw-nav-link", "els => els.map(e => [e.textContent, e.getAttribute('href')])")


def test_on_a_phone_the_menu_opens_the_pages_and_closes_behind_the_reader(browser, demo_server):
    page = open_page(browser, 390, demo_server)
    page.goto(demo_server + "/")
    page.locator(".bw-card").first.wait_for()
    menu = page.locator(f"#{ids.Frame.MENU_BUTTON}")
    assert menu.is_visible() and not page.locator(".bw-nav").is_visible()
    open_menu(page)
    nav = page.locator(".bw-nav")
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.evaluate(HEADER_PROBLEMS_JS) == []            # every link, English, 退出 inside 390 px
    for name in ("English", "退出"):
        assert page.get_by_text(name, exact=True).is_visible()
    page.locator(".bw-nav-link", has_text="预算执行").click()
    wait_for_crumb(page, "全部支出")
    assert not nav.is_visible()                                # the menu closed behind the reader
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_and_its_header(browser, demo_server, shots_dir, width, lang):
    page = open_page(browser, width, demo_server)
    suffix = "?lang=en" if lang == "en" else ""
    page.goto(demo_server + "/" + suffix)
    page.locator(".bw-nav-link").first.wait_for(state="attached")
    links = nav_links(page)
    assert len(links) >= 9
    problems = []
    for name, href in links:
        page.goto(demo_server + href)
        page.locator(".bw-page, .bw-notice").first.wait_for()
        settle(page)
        problems += [f"{href}: {p}" for p in cut_titles(page)]
        if width < 600:
            open_menu(page)
        problems += [f"{href}: {p}" for p in page.evaluate(HEADER_PROBLEMS_JS)]
        if width < 600:
            page.locator(f"#{ids.Frame.MENU_BUTTON}").click()
            page.locator(".bw-nav").wait_for(state="hidden")
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            problems.append(f"{href}: the page is {wide}px wider than the screen")
        page.mouse.move(1, 1)
        slug = href.split("?")[0].strip("/") or "overview"
        page.screenshot(path=str(shots_dir / f"{slug}_{width}_{lang}.png"), full_page=True)
    assert not problems, "\n".join(problems)
    page.context.close()


PINNED_JS = """async id => {
    await new Promise(done => { const look = () => { const api = window.dash_ag_grid && dash_ag_grid.getApi(id);
        if (api && api.getDisplayedLeftColumns) { done(); } else { setTimeout(look, 50); } }; look(); });
    const api = dash_ag_grid.getApi(id);
    return api.getDisplayedLeftColumns().map(c => c.getColId());
}"""


@pytest.mark.parametrize("where", [("/execution", E.T_LEVEL, ["name", "rate"], "%"),        # 名称 | 执行进度
                                   ("/warnings", ids.Warnings.LIST, ["title", "amount"], ".")])  # 预警 | 金额
@pytest.mark.parametrize("width", WIDTHS)
def test_on_a_phone_a_grid_keeps_the_key_figure_next_to_the_name(browser, demo_server, width, where):
    path, grid, pinned, mark = where
    page = open_page(browser, width, demo_server)
    page.goto(demo_server + path)
    level = ids.table(grid)
    page.locator(f"#{level} .ag-row").first.wait_for()
    settle(page)
    if width < 600:
        page.wait_for_function(f"() => dash_ag_grid.getApi('{level}').getDisplayedLeftColumns().length === 2")
        assert page.evaluate(PINNED_JS, level) == pinned                   # the rest scrolls
        cell = page.locator(f"#{level} .ag-pinned-left-cols-container .ag-row").first
        key = cell.locator(f"[col-id='{pinned[1]}']")
        assert mark in key.inner_text()
        assert key.bounding_box()["x"] + 50 < width
    else:
        assert page.evaluate(PINNED_JS, level) == []                        # the grid as declared
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_number_date_or_code_is_cut_in_any_grid(browser, demo_server, width, lang):
    page = open_page(browser, width, demo_server)
    page.goto(demo_server + "/" + ("?lang=en" if lang == "en" else ""))
    page.locator(".bw-nav-link").first.wait_for(state="attached")
    problems = []
    voucher = "/voucher?no=20250000014375" + ("&lang=en" if lang == "en" else "")   # its nearby payments grid
    for _name, href in nav_links(page) + [("voucher", voucher)]:
        page.goto(demo_server + href)
        page.locator(".bw-page, .bw-notice").first.wait_for()
        settle(page)
        problems += [f"{href}: {p}" for p in cut_cells(page)]
    assert not problems, "\n".join(problems)
    page.context.close()


# -- the flows the issue names: a permalink through the login, a phone down to a voucher ------------
def test_a_permalink_survives_the_login_whole(browser, demo_server):
    """A colleague not yet signed in opens a drilled view: the login keeps the whole path and
    query (every ``&``) and lands on that view, not on the default one."""
    view = "/execution?year=2025&as_of=2025-06-30&by=func&path=213"
    page = open_page(browser, 390, demo_server, role=None)
    page.goto(demo_server + view)
    page.wait_for_url(re.compile(r"/login\?next="))
    assert page.locator("input[name=next]").input_value() == view
    page.locator("#username").fill("browser-member")
    page.locator("#password").fill(BROWSER_PASSWORD)
    page.locator("#login-submit").click()
    page.wait_for_url(demo_server + view)
    wait_for_crumb(page, "213 农林水支出")
    page.context.close()


def test_on_a_phone_from_the_menu_down_to_one_voucher(browser, demo_server, shots_dir):
    """menu → 预算执行 → 类 → 款 → 项 → the voucher grid → one voucher's detail, at 390 px."""
    page = open_page(browser, 390, demo_server, role="member")
    page.goto(demo_server + "/")
    page.locator(".bw-card").first.wait_for()
    open_menu(page)
    page.locator(".bw-nav-link", has_text="预算执行").click()
    wait_for_crumb(page, "全部支出")
    page.locator(f"#{E.BODY} g.slice").first.wait_for()
    settle(page)
    click_tile(page, "农林水支出")
    wait_for_crumb(page, "213 农林水支出")
    settle(page)
    click_tile(page, "农业农村")
    wait_for_crumb(page, "21301 农业农村")
    settle(page)
    level = ids.table(E.T_LEVEL)
    page.locator(f"#{level} .ag-row[row-id='2130199'] .ag-cell[col-id='name']").click()
    wait_for_crumb(page, "2130199 其他农业农村支出")
    link = page.locator(f"#{ids.table(E.T_VOUCHERS)} .ag-cell[col-id='voucher_no'] a").first
    link.wait_for()
    number = link.inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(shots_dir / "phone_flow_vouchers_390_zh.png"), full_page=True)
    link.click()
    page.wait_for_url(re.compile(r"/voucher\?no="))
    page.locator(f"#{ids.Voucher.HEADING}", has_text=number).wait_for()
    page.locator(f"#{ids.Voucher.FIELDS}").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(shots_dir / "phone_flow_voucher_390_zh.png"), full_page=True)
    page.context.close()
