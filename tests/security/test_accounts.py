"""Accounts from the CLI and the library: hashes, roles, refusals, the audit log."""
from __future__ import annotations

import json
import sqlite3

import pytest

from budgetwatch.queries import accounts, state
from tests.conftest import cli


def test_passwords_are_stored_only_as_salted_hashes(data_dir):
    accounts.add_user(data_dir, "a1", "Secret-pass-1", "member")
    accounts.add_user(data_dir, "a2", "Secret-pass-1", "member")
    rows = sqlite3.connect(state.path_for(data_dir)).execute("SELECT password_hash FROM users").fetchall()
    hashes = [r[0] for r in rows]
    assert all(h.startswith(("scrypt:", "pbkdf2:")) and "Secret-pass-1" not in h for h in hashes)
    assert hashes[0] != hashes[1]  # salted


@pytest.mark.parametrize("name,password,role,why", [
    ("x", "Secret-pass-1", "member", "用户名"), ("bob", "short1", "member", "至少"),
    ("bob", "onlyletterslong", "member", "字母"), ("bob", "Secret-pass-1", "root", "角色"),
])
def test_bad_accounts_refused(data_dir, name, password, role, why):
    with pytest.raises(accounts.AccountError, match=why):
        accounts.add_user(data_dir, name, password, role)


def test_roles_nest():
    m, s, a = (accounts.User("u", r) for r in accounts.ROLES)
    assert m.can("member") and not m.can("staff")
    assert s.can("staff") and not s.can("admin")
    assert a.can("member") and a.can("staff") and a.can("admin")


def test_cli_user_lifecycle(data_dir):
    p = cli("user", "add", "alice", "--role", "staff", "--depts", "001,002", "--password-stdin",
            data_dir=data_dir, input="Secret-pass-1\n")
    assert p.returncode == 0, p.stderr
    p = cli("user", "list", "--format", "json", data_dir=data_dir)
    assert json.loads(p.stdout) == [{"username": "alice", "role": "staff", "depts": ["001", "002"],
                                     "display_name": "", "disabled": False}]
    assert cli("user", "passwd", "alice", "--password-stdin", data_dir=data_dir,
               input="Another-pass-2\n").returncode == 0
    assert accounts.authenticate(data_dir, "alice", "Another-pass-2").user is not None
    assert cli("user", "disable", "alice", data_dir=data_dir).returncode == 0
    assert accounts.authenticate(data_dir, "alice", "Another-pass-2").reason == "disabled"
    p = cli("user", "add", "alice", "--role", "staff", "--password-stdin", data_dir=data_dir, input="Secret-pass-1\n")
    assert p.returncode == 2 and "already exists" in p.stderr and "Traceback" not in p.stderr
    log = cli("audit-log", "--format", "json", data_dir=data_dir)
    actions = [e["action"] for e in json.loads(log.stdout)]
    assert {"user.add", "user.passwd", "user.disable", "login"} <= set(actions)


def test_cli_exports_are_in_the_audit_log(data_dir):
    from tests.dashboard import sample
    sample.build(data_dir)
    out = data_dir.parent / "d.csv"
    assert cli("export", "--table", "departments", "--year", "2025", "-o", out, data_dir=data_dir).returncode == 0
    [event] = json.loads(cli("audit-log", "--action", "export", "--format", "json", data_dir=data_dir).stdout)
    assert event["target"] == "departments" and json.loads(event["detail"])["via"] == "cli"
