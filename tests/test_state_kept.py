"""The session check reads through a connection kept per thread (queries/state.kept)."""
from __future__ import annotations

import shutil

from budgetwatch.queries import accounts, state


def test_the_session_check_opens_the_state_file_once_per_thread(tmp_path, monkeypatch):
    accounts.add_user(tmp_path, "m1", "A-good-pass-1", "member")
    token = accounts.authenticate(tmp_path, "m1", "A-good-pass-1").session
    opened = []
    real = state.connect
    monkeypatch.setattr(state, "connect", lambda d=None: opened.append(1) or real(d))
    for _ in range(5):
        assert accounts.session_user(tmp_path, token).username == "m1"
    assert len(opened) <= 1


def test_a_replaced_state_file_gets_a_new_connection_and_sees_its_rows(tmp_path):
    accounts.add_user(tmp_path, "m1", "A-good-pass-1", "member")
    with state.kept(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    other = tmp_path / "other"
    accounts.add_user(other, "m2", "A-good-pass-1", "member")
    accounts.add_user(other, "m3", "A-good-pass-1", "member")
    for suffix in ("", "-wal", "-shm"):
        src = state.path_for(other).with_name(state.FILE_NAME + suffix)
        dst = state.path_for(tmp_path).with_name(state.FILE_NAME + suffix)
        dst.unlink(missing_ok=True)
        if src.exists():
            shutil.copy(src, dst.with_name(dst.name + ".new"))
            dst.with_name(dst.name + ".new").rename(dst)
    with state.kept(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 2


def test_a_write_by_another_connection_is_seen_at_once(tmp_path):
    accounts.add_user(tmp_path, "m1", "A-good-pass-1", "member")
    with state.kept(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    accounts.add_user(tmp_path, "m2", "A-good-pass-1", "member")
    with state.kept(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 2
