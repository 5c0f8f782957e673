"""The closed door against a running `budgetwatch serve`: a plain HTTP client without a session
gets nothing, a member cannot forge a staff callback, logins lock; hostile strings that were
loaded as data show as plain text in a real browser and never run."""
from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from budgetwatch.dashboard import ids
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries import accounts
from budgetwatch.queries.store import Store
from tests.browser.conftest import ensure_account
from tests.ingest.files import write_csv

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
SQL = "'); DROP TABLE payments; --"
PASSWORD = "Member-pass-123"


def hostile_city(tmp_path, data_dir):
    store = Store(data_dir)
    depts = write_csv(tmp_path / "d.csv", [["001", f"市教育局{IMG}", ""], ["001001", SCRIPT, "001"]],
                      header=["单位编码", "单位名称", "主管部门编码"])
    budget = write_csv(tmp_path / "b.csv", [["2025", "001001", "2050202", "30201", "一般公共预算", "100000", ""]],
                       header=["年度", "单位编码", "功能科目编码", "经济科目编码", "资金性质", "年初预算数", "调整预算数"])
    pays = write_csv(tmp_path / "p.csv", [
        ["V1", "2025-03-07", "001001", "2050202", "30201", "一般公共预算", SCRIPT, "1200", SQL],
        ["V2", "2025-03-08", "001001", "2050202", "30201", "一般公共预算", IMG, "800", "<b>bold</b>"],
    ], header=["支付凭证号", "支付日期", "单位编码", "功能科目编码", "经济科目编码", "资金性质", "收款人", "金额", "用途"])
    for feed, f in (("departments", depts), ("budget", budget), ("payments", pays)):
        [r] = ingest_files(store, feed, [f], who="test")
        assert r.status == "applied", r.problems
    return data_dir


def client():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                         _NoRedirect())
    return opener


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def call(opener, url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def login(opener, base, user, password):
    status, body = call(opener, base + "/login")
    token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"username": user, "password": password, "csrf": token, "next": "/"}).encode()
    return call(opener, base + "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})


def test_plain_http_without_session_member_forgery_and_lockout(live_server, tmp_path, data_dir):
    base = live_server(hostile_city(tmp_path, data_dir), sign_in_page=False)
    anon = client()
    for path in ("/_dash-layout", "/_dash-dependencies", "/briefing.pdf?year=2025", "/assets/style.css"):
        status, body = call(anon, base + path)
        assert status == 401 and b"payments" not in body, path
    status, _ = call(anon, base + "/_dash-update-component", b"{}", {"Content-Type": "application/json"})
    assert status == 401
    status, _ = call(anon, base + "/warnings", headers={"Accept": "text/html"})
    assert status == 302

    accounts.add_user(data_dir, "member1", PASSWORD, "member")
    member = client()
    assert login(member, base, "member1", PASSWORD)[0] == 302
    assert call(member, base + "/_dash-layout")[0] == 200
    forged = {"output": f"{ids.Warnings.SAVED}.data@x", "outputs": {"id": ids.Warnings.SAVED, "property": "data"},
              "inputs": [], "state": [], "changedPropIds": []}
    status, _ = call(member, base + "/_dash-update-component", json.dumps(forged).encode(),
                     {"Content-Type": "application/json"})
    assert status == 403
    upload = {"output": f"{ids.Data.REPORT}.children", "outputs": {"id": ids.Data.REPORT, "property": "children"},
              "inputs": [], "state": [], "changedPropIds": []}
    assert call(member, base + "/_dash-update-component", json.dumps(upload).encode(),
                {"Content-Type": "application/json"})[0] == 403

    other = client()
    for _ in range(accounts.LOCK_AFTER):
        assert login(other, base, "member1", "wrong-password-9")[0] == 401
    assert login(other, base, "member1", PASSWORD)[0] == 429


def test_hostile_strings_show_as_text_and_never_run(live_server, page, tmp_path, data_dir, screenshot_path):
    alerts = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    base = live_server(hostile_city(tmp_path, data_dir))
    page.goto(base + "/execution?year=2025&by=dept&path=001.001001&vouchers=1")
    grid = page.locator(f"#{ids.table(ids.Execution.T_VOUCHERS)}")
    grid.locator(".ag-row", has_text="V1").wait_for()
    text = grid.inner_text()
    assert SCRIPT in text and IMG in text and SQL in text and "<b>bold</b>" in text
    html = page.content()
    assert "<script>alert(1)</script>" not in html.replace("&lt;script&gt;alert(1)&lt;/script&gt;", "")
    assert page.locator("img[src='x']").count() == 0

    # the department name with an <img> in it, on the overview's chart and the department page
    page.goto(base + "/departments?dept=001&year=2025")
    page.get_by_text("市教育局<img", exact=False).first.wait_for()
    assert page.locator("img[src='x']").count() == 0
    page.screenshot(path=str(screenshot_path("hostile.png")), full_page=True)
    assert alerts == []
    # (grid filters with SQL in them: tests/dashboard/test_execution_callbacks.py, through the grid's request)
    with Store(data_dir).reader() as con:
        assert con.execute("SELECT count(*) FROM payments").fetchone()[0] == 2
