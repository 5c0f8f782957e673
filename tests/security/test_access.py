"""The closed door, through Flask's HTTP test client: every request needs a session and a role."""
from __future__ import annotations

import json
import time

import pytest

from budgetwatch.dashboard import security
from budgetwatch.dashboard.app import create_app
from budgetwatch.queries import accounts

PASSWORD = "Correct-horse-9"


@pytest.fixture
def site(data_dir, monkeypatch):
    monkeypatch.setattr(security, "FAIL_DELAY_S", 0)
    accounts.add_user(data_dir, "member1", PASSWORD, "member")
    accounts.add_user(data_dir, "staff1", PASSWORD, "staff")
    app = create_app(data_dir)
    if "bw_login" not in app.server.view_functions:  # until create_app installs it itself
        security.install(app.server, data_dir)
    security.protect(app.server, "staff-only-output", "staff")
    return app.server


def login(client, user, password=PASSWORD):
    client.get("/login")
    with client.session_transaction() as s:
        token = s["csrf"]
    return client.post("/login", data={"username": user, "password": password, "csrf": token, "next": "/"})


@pytest.mark.parametrize("method,path", [
    ("GET", "/_dash-layout"), ("GET", "/_dash-dependencies"), ("POST", "/_dash-update-component"),
    ("GET", "/_reload-hash"), ("GET", "/assets/style.css"), ("GET", "/anything/else"),
])
def test_no_session_no_data(site, method, path):
    r = site.test_client().open(path, method=method, json={} if method == "POST" else None)
    assert r.status_code == 401
    assert b"login required" in r.data


def test_pages_redirect_to_login(site):
    r = site.test_client().get("/execution?year=2025", headers={"Accept": "text/html"})
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=/execution")


def test_login_then_everything_answers(site):
    c = site.test_client()
    r = login(c, "member1")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert c.get("/_dash-layout").status_code == 200
    assert c.get("/", headers={"Accept": "text/html"}).status_code == 200


def test_wrong_password_and_lockout(site, data_dir):
    c = site.test_client()
    for _ in range(accounts.LOCK_AFTER):
        r = login(c, "member1", "wrong-password-1")
        assert r.status_code == 401 and "用户名或密码不正确".encode() in r.data
    r = login(c, "member1")  # the right password, but locked now
    assert r.status_code == 429 and "锁定".encode() in r.data
    assert c.get("/_dash-layout").status_code == 401
    log = accounts.audit_events(data_dir, action="login")
    assert (log["outcome"] == "refused").sum() == accounts.LOCK_AFTER + 1


def test_unknown_user_fails_like_a_wrong_password(site):
    r = login(site.test_client(), "nobody", "whatever-123")
    assert r.status_code == 401


def test_member_cannot_forge_a_staff_callback(site, data_dir):
    c = site.test_client()
    login(c, "member1")
    body = {"output": "staff-only-output.children", "outputs": {"id": "staff-only-output", "property": "children"},
            "inputs": [], "changedPropIds": []}
    r = c.post("/_dash-update-component", json=body)
    assert r.status_code == 403
    assert accounts.audit_events(data_dir, action="forbidden").iloc[0]["actor"] == "member1"
    s = site.test_client()
    login(s, "staff1")
    assert s.post("/_dash-update-component", json=body).status_code != 403  # the guard lets staff through


def test_cross_site_post_refused(site):
    c = site.test_client()
    login(c, "staff1")
    r = c.post("/_dash-update-component", json={}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403


def test_login_form_needs_its_csrf_token(site):
    c = site.test_client()
    c.get("/login")
    r = c.post("/login", data={"username": "member1", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 400
    assert c.get("/_dash-layout").status_code == 401


@pytest.mark.parametrize("nxt", ["//evil.example/x", "https://evil.example", "/\\evil.example"])
def test_no_open_redirect_after_login(site, nxt):
    c = site.test_client()
    c.get("/login")
    with c.session_transaction() as s:
        token = s["csrf"]
    r = c.post("/login", data={"username": "member1", "password": PASSWORD, "csrf": token, "next": nxt})
    assert r.headers["Location"] == "/"


def test_idle_session_expires(site, monkeypatch):
    c = site.test_client()
    login(c, "member1")
    with c.session_transaction() as s:
        s["seen"] = time.time() - security.IDLE_MINUTES * 60 - 1
    assert c.get("/_dash-layout").status_code == 401


def test_disabling_an_account_ends_its_sessions(site, data_dir):
    c = site.test_client()
    login(c, "member1")
    accounts.set_disabled(data_dir, "member1", True)
    assert c.get("/_dash-layout").status_code == 401
    r = login(site.test_client(), "member1")
    assert r.status_code == 401


def test_session_cookie_flags_and_headers(site):
    c = site.test_client()
    r = login(c, "member1")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = c.get("/login")
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"


def test_logout(site, data_dir):
    c = site.test_client()
    login(c, "member1")
    with c.session_transaction() as s:
        token = s["csrf"]
    assert c.post("/logout", data={"csrf": token}).status_code == 302
    assert c.get("/_dash-layout").status_code == 401
    assert "logout" in set(accounts.audit_events(data_dir)["action"])


def test_secret_key_is_made_once_and_private(data_dir, monkeypatch):
    monkeypatch.delenv("BUDGETWATCH_SECRET_KEY", raising=False)
    a = accounts.secret_key(data_dir)
    assert a == accounts.secret_key(data_dir) and len(a) >= 32
    assert ((data_dir / "secret_key").stat().st_mode & 0o077) == 0
