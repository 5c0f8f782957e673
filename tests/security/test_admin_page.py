"""The administration page: accounts and the audit log for admins, nothing for anyone else."""
from __future__ import annotations

from budgetwatch.dashboard import auth
from budgetwatch.dashboard.frame import route, visible
from budgetwatch.dashboard.pages import PAGES, PLANNED, admin
from budgetwatch.queries import accounts
from budgetwatch.queries.accounts import User


def test_admin_sees_accounts_and_the_log(data_dir):
    accounts.add_user(data_dir, "boss", "Admin-pass-123", "admin", actor="root")
    accounts.authenticate(data_dir, "boss", "wrong-password-1")
    with auth.acting_as(User("boss", "admin")):
        out = admin.update(data_dir, None, None, "zh")
        only_logins = admin.update(data_dir, "login", None, "zh")
    assert [r["人员"] for r in out["users"]] == ["boss"]
    assert {"user.add", "login"} <= {r["操作"] for r in out["log"]}
    assert {r["操作"] for r in only_logins["log"]} == {"login"} and only_logins["log"][0]["结果"] == "refused"


def test_others_get_a_sentence_and_no_rows(data_dir):
    accounts.add_user(data_dir, "boss", "Admin-pass-123", "admin")
    with auth.acting_as(User("staff1", "staff")):
        out = admin.update(data_dir, None, None, "zh")
        assert admin not in visible(PAGES)
        page = route(PAGES, PLANNED, "/admin", "", None)["page"]
    assert out["users"] == [] and out["log"] == [] and "管理员" in str(out["message"])
    assert "管理员" in str(page)
