"""Browser tests: `budgetwatch serve` in a subprocess, driven by headless Chromium (Playwright).

Uses Debian's /usr/bin/chromium (``playwright install`` cannot download browsers here and
must never be called). Fixtures:

* ``live_server(data_dir)`` — a factory: starts ``budgetwatch serve`` on a free port against a
  data folder, waits until it answers, returns its base URL; stopped after the test.
* ``page`` — a fresh Playwright page (1400×900) in a shared headless browser.
* ``screenshot_path(name)`` — where to save a screenshot (``tests/browser/screenshots/``).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("BUDGETWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"budgetwatch serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)   # polling the port, not waiting for the page
    raise RuntimeError(f"budgetwatch serve did not answer within {START_TIMEOUT_S}s:\n{log.read_text()}")


BROWSER_USER = "browser-admin"
BROWSER_PASSWORD = "Browser-test-pass-1"


def sign_in(context, url: str, username: str = BROWSER_USER, password: str = BROWSER_PASSWORD) -> None:
    """Log a browser context in through the real login form (shares the context's cookies)."""
    import re

    form = context.request.get(url + "/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text())
    assert token, "the login page has no CSRF token"
    r = context.request.post(url + "/login", form={"username": username, "password": password,
                                                   "csrf": token.group(1), "next": "/"}, max_redirects=0)
    assert r.status == 302, f"login failed: {r.status}"


def ensure_account(data_dir: Path, username: str = BROWSER_USER, role: str = "admin",
                   password: str = BROWSER_PASSWORD) -> None:
    from budgetwatch.queries import accounts
    if accounts.get_user(data_dir, username) is None:
        accounts.add_user(data_dir, username, password, role)


@pytest.fixture
def live_server(tmp_path, page):
    """Factory: ``live_server(data_dir, role="admin") -> base URL`` of a running ``budgetwatch serve``,
    with the test's ``page`` already signed in as an account of that role (``sign_in=False`` to stay out)."""
    procs: list[subprocess.Popen] = []

    def start(data_dir: Path, role: str = "admin", sign_in_page: bool = True) -> str:
        username = f"browser-{role}"
        ensure_account(data_dir, username, role)
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        cmd = [sys.executable, "-m", "budgetwatch", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--threads", "4", "--data-dir", str(data_dir)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url + "/login", proc, log)
        if sign_in_page:
            sign_in(page.context, url, username)
        return url

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN",
                                  accept_downloads=True)
    p = context.new_page()
    p.set_default_timeout(30_000)
    yield p
    context.close()


@pytest.fixture
def screenshot_path():
    def path(name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        return SCREENSHOTS / name
    return path


def header_link(page, name: str):
    """A link of the header, opening the 菜单 first where the screen is narrow enough to fold
    the header into it (dashboard/frame.py)."""
    button = page.locator("#frame-menu-button")
    if button.is_visible():
        button.click()
        page.locator("#frame-menu").get_by_role("link", name=name).wait_for()
    return page.get_by_role("link", name=name)
