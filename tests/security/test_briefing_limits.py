"""Briefing renders cannot take the server (issue 17, item 10).

Eight parallel ``/briefing.pdf`` requests from one member kept all eight server threads busy
for 70 s (headless Chromium, ~9.7 GB) and another user's overview took 62 s. The route now
renders a few at once, one per account, answers the rest at once (429/503 with a sentence
and Retry-After) and keeps what it made per data generation, review, thresholds, scope and
parameters. The renderer is replaced by a fake that waits until the test lets it finish.
"""
from __future__ import annotations

import datetime as dt
import http.cookiejar
import re
import threading
import time
import types
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from budgetwatch.dashboard import briefing
from budgetwatch.dashboard.briefing_desk import DESK_KEY, BriefingDesk, Busy
from budgetwatch.queries.store import Store
from tests.conftest import TEST_PASSWORD, signed_in_client
from tests.dashboard import sample

URL = "/briefing.pdf?year=2025&as_of=2025-06-30"


class FakeRenderer:
    """Stands in for ``briefing.build``: counts calls, can hold every render until released."""

    def __init__(self, hold: bool = False):
        self.calls: list[tuple] = []
        self.started = threading.Semaphore(0)
        self.release = threading.Event()
        if not hold:
            self.release.set()
        self._lock = threading.Lock()

    def __call__(self, store, fmt, year=None, as_of=None, dept=None, top=10, **_kw):
        with self._lock:
            self.calls.append((fmt, year, as_of, dept, top))
            n = len(self.calls)
        self.started.release()
        assert self.release.wait(30), "the test never released the render"
        brief = types.SimpleNamespace(year=year or 2025, as_of=as_of or dt.date(2025, 6, 30), dept_code=dept,
                                      warnings_total=0)
        return brief, b"%PDF-fake " + str(n).encode()


@pytest.fixture
def city(data_dir):
    return sample.build(data_dir)


@pytest.fixture
def app(city):
    from budgetwatch.dashboard.app import create_app
    return create_app(city)


def _fake(monkeypatch, **kw) -> FakeRenderer:
    fake = FakeRenderer(**kw)
    monkeypatch.setattr(briefing, "build", fake)
    return fake


# -- the desk on its own ---------------------------------------------------------------------
def test_the_desk_limits_renders_overall_and_per_account():
    desk = BriefingDesk(renders=2)
    with desk.render_slot("a", "k1"):
        with pytest.raises(Busy) as mine:
            with desk.render_slot("a", "k2"):
                pass
        assert mine.value.status == 429 and "/" in mine.value.message          # Chinese / English
        with pytest.raises(Busy) as same:
            with desk.render_slot("b", "k1"):
                pass
        assert same.value.status == 503
        with desk.render_slot("b", "k2"):
            assert desk.busy() == 2
            with pytest.raises(Busy) as full:
                with desk.render_slot("c", "k3"):
                    pass
            assert full.value.status == 503 and full.value.retry_after > 0
    assert desk.busy() == 0
    with desk.render_slot("c", "k3"):                                          # slots come back
        pass


def test_a_failed_render_gives_its_slot_back():
    desk = BriefingDesk(renders=1)
    with pytest.raises(RuntimeError):
        with desk.render_slot("a", "k"):
            raise RuntimeError("chromium died")
    with desk.render_slot("a", "k"):
        assert desk.busy() == 1


def test_the_desk_keeps_the_newest_within_its_bounds():
    from budgetwatch.dashboard.briefing_desk import Made

    desk = BriefingDesk(entries=2, max_bytes=25)
    made = {k: Made(b"x" * 10, k, "application/pdf", {}) for k in ("a", "b", "c")}
    desk.keep((1, "a"), made["a"], 1)
    desk.keep((1, "b"), made["b"], 1)
    assert desk.kept((1, "a")) is made["a"]                  # a used: b is now the oldest
    desk.keep((1, "c"), made["c"], 1)
    assert desk.kept((1, "b")) is None and desk.kept((1, "a")) is made["a"]
    desk.keep((2, "a"), made["a"], 2)                         # a new generation drops the old ones
    assert desk.kept((1, "a")) is None and desk.kept((1, "c")) is None


# -- the route: kept briefings ---------------------------------------------------------------
def test_a_briefing_is_made_once_per_generation_review_scope_and_parameters(app, city, monkeypatch):
    from budgetwatch.queries import accounts, reviews

    fake = _fake(monkeypatch)
    client = signed_in_client(app, city, "brief_staff", "staff")
    first = client.get(URL)
    assert first.status_code == 200 and first.data == b"%PDF-fake 1"
    again = client.get(URL)
    assert again.data == b"%PDF-fake 1" and len(fake.calls) == 1            # kept
    assert again.headers["Cache-Control"] == "no-store"
    events = accounts.audit_events(city, action="export", actor="brief_staff")
    assert len(events) == 2 and '"cached": true' in events.iloc[0]["detail"]  # every serve is logged

    assert client.get(URL.replace("06-30", "05-31")).data == b"%PDF-fake 2"   # other parameters
    assert client.get(URL + "&format=html").data == b"%PDF-fake 3"
    assert client.get(URL + "&dept=001").data == b"%PDF-fake 4"
    assert len(fake.calls) == 4

    reviews.add_review(city, "EXEC_LAG", "002", 2025, "confirmed", "核实", "审核员")   # a review
    assert client.get(URL).data == b"%PDF-fake 5"

    with Store(city).writer("test") as w:                                     # a new generation
        w.con.execute("UPDATE departments SET dept_name = dept_name || '（新）' WHERE dept_code = '003'")
        w.touch()
    assert client.get(URL).data == b"%PDF-fake 6"
    assert client.get(URL).data == b"%PDF-fake 6"

    # Another department scope never gets the whole city's briefing, kept or not.
    member = signed_in_client(app, city, "brief_member_002", "member", depts=["002"])
    res = member.get(URL)
    assert res.data == b"%PDF-fake 7" and fake.calls[-1][3] == "002"


# -- the route: limits -----------------------------------------------------------------------
def test_one_account_makes_one_briefing_at_a_time_and_the_pool_is_small(app, city, monkeypatch):
    fake = _fake(monkeypatch, hold=True)
    app.server.config[DESK_KEY] = BriefingDesk(renders=2)
    a1 = signed_in_client(app, city, "brief_a", "member")
    a2 = signed_in_client(app, city, "brief_a", "member")            # the same account, another tab
    b = signed_in_client(app, city, "brief_b", "member")
    c = signed_in_client(app, city, "brief_c", "member")
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(a1.get, URL)
        assert fake.started.acquire(timeout=30)                     # a's render is running
        mine = a2.get(URL.replace("06-30", "05-31"))
        assert mine.status_code == 429 and mine.headers["Retry-After"]
        assert "正在生成" in mine.get_data(as_text=True) and "being made" in mine.get_data(as_text=True)
        same = b.get(URL)                                           # the same briefing, being made
        assert same.status_code == 503 and "reload" in same.get_data(as_text=True)
        second = pool.submit(b.get, URL.replace("06-30", "04-30"))
        assert fake.started.acquire(timeout=30)                     # b's own render: the second slot
        full = c.get(URL.replace("06-30", "03-31"))
        assert full.status_code == 503 and full.headers["Retry-After"] and "busy" in full.get_data(as_text=True)
        assert len(fake.calls) == 2
        fake.release.set()
        assert first.result(30).status_code == 200 and second.result(30).status_code == 200
    assert a2.get(URL.replace("06-30", "05-31")).status_code == 200  # a's turn again
    assert c.get(URL).data == first.result().data                  # and everyone gets the kept one


def test_eight_parallel_briefings_leave_the_server_free_for_pages(app, city, monkeypatch):
    """The attack as it was made: a real waitress server with 4 threads, one member firing 8
    briefing requests at once while the render hangs; another user's page still answers."""
    import waitress

    fake = _fake(monkeypatch, hold=True)
    server = waitress.create_server(app.server, host="127.0.0.1", port=0, threads=4)
    base = f"http://127.0.0.1:{server.effective_port}"
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    try:
        member, other = _http_login(app, city, base, "brief_8x"), _http_login(app, city, base, "brief_other")
        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(_get, member, base + URL) for _ in range(8)]
            assert fake.started.acquire(timeout=30)
            refused = _answered(futures, 7)
            assert [status for status, _ in refused] == [429] * 7 and len(fake.calls) == 1   # one render
            start = time.monotonic()
            status, _ = _get(other, base + "/_dash-layout")
            assert status == 200 and time.monotonic() - start < 5          # pages are not starved
            fake.release.set()
            done = [f.result(30) for f in futures]
        assert sorted(s for s, _ in done).count(200) == 1
    finally:
        fake.release.set()
        server.close()


def _answered(futures, n: int, seconds: float = 30) -> list:
    """The first ``n`` answers (refusals come at once; the render is held by the test)."""
    deadline = time.monotonic() + seconds
    while sum(f.done() for f in futures) < n and time.monotonic() < deadline:
        time.sleep(0.05)   # polling futures, not waiting for a page to draw
    return [f.result() for f in futures if f.done()]


def _http_login(app, city, base: str, username: str):
    from budgetwatch.queries import accounts

    if accounts.get_user(city, username) is None:
        accounts.add_user(city, username, TEST_PASSWORD, "member")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/login", timeout=30).read().decode()
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"username": username, "password": TEST_PASSWORD, "csrf": token,
                                   "next": "/"}).encode()
    opener.open(base + "/login", data=data, timeout=30).read()
    return opener


def _get(opener, url: str) -> tuple[int, bytes]:
    try:
        with opener.open(url, timeout=60) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
