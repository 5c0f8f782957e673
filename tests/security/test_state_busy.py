"""Issue 18 items 3 and 5 (the login): a crowd logging in at once, and a state file that is
busy or read-only.

* 25 members log in at the same moment: no 500 — the password check runs outside the write
  lock and taking the lock is retried with a pause, even with SQLite's own wait cut short;
* state.sqlite3 busy (another process holds the write lock, or locks the file outright) or
  read-only: a new login answers 503 with a sentence naming the file and what to do, in
  Chinese and English; people already signed in keep reading pages and downloading;
* the CLI says which file and what to do.
"""
from __future__ import annotations

import contextlib
import sqlite3
import threading

import pytest

from budgetwatch.cli import main as cli_main
from budgetwatch.dashboard.app import create_app
from budgetwatch.queries import accounts, state
from tests.conftest import TEST_PASSWORD, signed_in_client
from tests.dashboard import sample

CROWD = 25


@pytest.fixture
def app(data_dir):
    sample.build(data_dir)
    return create_app(data_dir)


def login(client, username: str):
    import re
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]*)"', form).group(1)
    return client.post("/login", data={"username": username, "password": TEST_PASSWORD, "csrf": token, "next": "/"})


def test_a_crowd_logs_in_at_once(app, data_dir, monkeypatch):
    monkeypatch.setattr(state, "BUSY_TIMEOUT_MS", 200)    # SQLite's own wait: far less than the crowd needs
    names = [f"member{i:02d}" for i in range(CROWD)]
    for name in names:
        accounts.add_user(data_dir, name, TEST_PASSWORD, "member")
    clients = [app.server.test_client() for _ in names]
    start = threading.Barrier(CROWD)
    answers: dict[str, tuple[int, str]] = {}

    def one(name, client):
        try:
            start.wait()
            res = login(client, name)
            answers[name] = (res.status_code, res.get_data(as_text=True)[:200])
        except Exception as exc:        # a crash in the server reaches the test client as an exception
            answers[name] = (500, repr(exc))

    threads = [threading.Thread(target=one, args=(n, c)) for n, c in zip(names, clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    statuses = sorted(code for code, _ in answers.values())
    assert statuses == [302] * CROWD, [a for a in answers.values() if a[0] != 302][:3]
    assert all(c.get("/_dash-layout").status_code == 200 for c in clients)
    logins = accounts.audit_events(data_dir, action="login")
    assert (logins["outcome"] == "ok").sum() == CROWD


@contextlib.contextmanager
def held(data_dir, *, exclusive: bool):
    """Another process's lock on state.sqlite3: the write lock, or (``exclusive``) the whole file."""
    con = sqlite3.connect(state.path_for(data_dir), isolation_level=None)
    if exclusive:
        con.execute("PRAGMA locking_mode = EXCLUSIVE")
    con.execute("BEGIN EXCLUSIVE" if exclusive else "BEGIN IMMEDIATE")
    con.execute("INSERT INTO audit_log (at, actor, action) VALUES ('2025-01-01', 'other', 'hold')")
    try:
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


@contextlib.contextmanager
def read_only(monkeypatch):
    """The state file opened read-only, as from a read-only disk or file (the tests run as root,
    whom file permissions do not stop)."""
    def opener(path):
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                               factory=state._Connection, check_same_thread=False)
    with monkeypatch.context() as m:
        m.setattr(state, "_open", opener, raising=False)
        yield


def short_waits(monkeypatch):
    monkeypatch.setattr(state, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(state, "WRITE_WAIT_S", 0.3, raising=False)   # absent before issue 18


SAYS = {"busy": ("正被另一个进程占用", "is busy"), "readonly": ("只读", "read-only")}


@pytest.mark.parametrize("trouble", ["busy", "locked-out", "readonly"])
def test_new_logins_get_503_and_signed_in_people_keep_reading(app, data_dir, monkeypatch, trouble):
    reader = signed_in_client(app, data_dir, "reader", "member")
    accounts.add_user(data_dir, "latecomer", TEST_PASSWORD, "member")
    latecomer = app.server.test_client()
    latecomer.get("/login")
    short_waits(monkeypatch)
    cause = held(data_dir, exclusive=True) if trouble == "locked-out" else \
        held(data_dir, exclusive=False) if trouble == "busy" else read_only(monkeypatch)
    zh, en = SAYS["readonly" if trouble == "readonly" else "busy"]
    with cause:
        res = login(latecomer, "latecomer") if trouble != "locked-out" else None
        if res is None:          # the file cannot even be read: the login form itself says why
            res = latecomer.get("/login")
            assert res.status_code == 200
            import re
            token = re.search(r'name="csrf" value="([^"]*)"', res.get_data(as_text=True)).group(1)
            res = latecomer.post("/login", data={"username": "latecomer", "password": TEST_PASSWORD,
                                                 "csrf": token, "next": "/"})
        body = res.get_data(as_text=True)
        assert res.status_code == 503, body[:300]
        assert zh in body and en in body and str(state.path_for(data_dir)) in body
        assert "Traceback" not in body and res.headers.get("Retry-After")
        assert latecomer.get("/_dash-layout").status_code == 401     # not signed in by a failure
        # the people already signed in keep reading: the app, a page's data, a download
        assert reader.get("/_dash-layout").status_code == 200
        assert reader.get("/", headers={"Accept": "text/html"}).status_code == 200
        dl = reader.get("/download/exec-vouchers.csv?year=2025&as_of=2025-12-31&by=dept&vouchers=1")
        assert dl.status_code == 200 and "V2505" in dl.get_data().decode("utf-8-sig")
    assert login(latecomer, "latecomer").status_code == 302           # and once it is over, logins work


def test_a_session_this_server_never_checked_gets_the_sentence(app, data_dir, monkeypatch):
    """A locked-out file and a session another server process checked: 503 with the sentence
    (never a 500, never let in unchecked)."""
    elsewhere = signed_in_client(app, data_dir, "reader", "member")
    here = create_app(data_dir).server.test_client()           # a second server: its own memory
    here.set_cookie("budgetwatch_session", elsewhere.get_cookie("budgetwatch_session").value)
    short_waits(monkeypatch)
    with held(data_dir, exclusive=True):
        res = here.get("/_dash-layout")
        assert elsewhere.get("/_dash-layout").status_code == 200   # the server that checked it reads on
    body = res.get_data(as_text=True)
    assert res.status_code == 503 and str(state.path_for(data_dir)) in body and "is busy" in body
    assert here.get("/_dash-layout").status_code == 200              # the file answers again


@pytest.mark.parametrize("trouble", ["busy", "readonly"])
def test_the_cli_names_the_file_and_what_to_do(data_dir, monkeypatch, capsys, trouble):
    accounts.add_user(data_dir, "someone", TEST_PASSWORD, "member")
    short_waits(monkeypatch)
    cause = held(data_dir, exclusive=False) if trouble == "busy" else read_only(monkeypatch)
    with cause:
        code = cli_main(["user", "disable", "someone", "--data-dir", str(data_dir)])
    err = capsys.readouterr().err
    assert code != 0
    zh, en = SAYS[trouble]
    assert str(state.path_for(data_dir)) in err and zh in err and en in err
    assert "Traceback" not in err
    assert not accounts.get_user(data_dir, "someone").disabled      # nothing half-done
