"""Issue 17.3: a session can be ended. Logging out, a new password (also from the CLI), a new
role and disabling the account each end existing sessions — a cookie copied before is refused
afterwards, even on the admin callback; what was not ended (another account, another device
after a plain logout) keeps working."""
from __future__ import annotations

import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.app import create_app
from budgetwatch.queries import accounts
from tests.conftest import TEST_PASSWORD, cli, signed_in_client
from tests.dashboard import sample
from tests.security.dash_http import call

COOKIE = "budgetwatch_session"


@pytest.fixture
def app(data_dir):
    sample.build(data_dir)
    return create_app(data_dir)


def copy_of(app, client):
    """A second client carrying the very cookie ``client`` has now (as a thief would)."""
    thief = app.server.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def admin_log(client, reader=None) -> int:
    status, _, _ = call(client, f"{ids.table(ids.Admin.USERS)}.rowData",
                        {f"{ids.Admin.ACTION}.value": None, f"{ids.Frame.URL}.search": ""}, reader=reader)
    return status


def test_a_cookie_copied_before_logout_is_refused_after(app, data_dir):
    boss = signed_in_client(app, data_dir, "boss", "admin")
    thief = copy_of(app, boss)
    assert admin_log(thief) == 200 and thief.get("/_dash-layout").status_code == 200
    with boss.session_transaction() as s:
        token = s["csrf"]
    assert boss.post("/logout", data={"csrf": token}).status_code == 302
    assert admin_log(thief, reader=signed_in_client(app, data_dir, "other-admin", "admin")) == 401
    assert thief.get("/_dash-layout").status_code == 401
    assert thief.get("/download/warnings-list.csv?year=2025").status_code == 401


def test_logout_ends_this_session_only(app, data_dir):
    laptop = signed_in_client(app, data_dir, "member1", "member")
    phone = signed_in_client(app, data_dir, "member1", "member")
    with laptop.session_transaction() as s:
        token = s["csrf"]
    laptop.post("/logout", data={"csrf": token})
    assert laptop.get("/_dash-layout").status_code == 401
    assert phone.get("/_dash-layout").status_code == 200


def test_a_new_password_from_the_cli_ends_every_session(app, data_dir):
    victim = signed_in_client(app, data_dir, "member1", "member")
    thief = copy_of(app, victim)
    bystander = signed_in_client(app, data_dir, "member2", "member")
    res = cli("user", "passwd", "member1", "--password-stdin", data_dir=data_dir, input="New-password-2\n")
    assert res.returncode == 0, res.stderr
    assert "会话均已结束" in res.stdout and "sessions ended" in res.stdout
    assert victim.get("/_dash-layout").status_code == 401
    assert thief.get("/_dash-layout").status_code == 401
    assert bystander.get("/_dash-layout").status_code == 200      # another account keeps its session
    assert accounts.authenticate(data_dir, "member1", TEST_PASSWORD).user is None
    assert accounts.authenticate(data_dir, "member1", "New-password-2").user is not None


@pytest.mark.parametrize("change", ["role", "disable", "logout-cli"])
def test_role_change_disabling_and_cli_logout_end_sessions(app, data_dir, change):
    staff = signed_in_client(app, data_dir, "staff1", "staff", depts=["002"])
    thief = copy_of(app, staff)
    if change == "role":
        accounts.set_role(data_dir, "staff1", "member", ["002"])
    elif change == "disable":
        accounts.set_disabled(data_dir, "staff1", True)
    else:
        res = cli("user", "logout", "staff1", data_dir=data_dir)
        assert res.returncode == 0 and "ended 1 session" in res.stdout, res.stdout + res.stderr
    assert staff.get("/_dash-layout").status_code == 401
    assert thief.get("/_dash-layout").status_code == 401
    assert accounts.count_sessions(data_dir, "staff1") == 0


def test_a_cookie_forged_without_a_session_record_is_refused(app, data_dir):
    """A signed cookie naming a user but no live session (e.g. made with a leaked key) opens nothing."""
    signed_in_client(app, data_dir, "member1", "member")
    forged = app.server.test_client()
    import time
    with forged.session_transaction() as s:
        s.update(user="member1", seen=time.time(), since=time.time())
    assert forged.get("/_dash-layout").status_code == 401
