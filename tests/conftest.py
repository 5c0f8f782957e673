"""Shared test helpers: a throw-away data folder, the CLI, reading what a folder holds."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


def cli(*args: object, data_dir: Path | None = None, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """Run `python -m budgetwatch ARGS` as a user would; returns the finished process."""
    cmd = [sys.executable, "-m", "budgetwatch", *map(str, args)]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=full_env, timeout=300, **kw)


def rows(data_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    from budgetwatch.queries.store import Store

    with Store(data_dir).reader() as con:
        return con.execute(sql, params or []).fetchall()


TEST_PASSWORD = "Test-password-1"


def signed_in_client(app, data_dir: Path, username: str = "tester", role: str = "staff",
                     depts: list[str] | None = None):
    """A Flask test client of a Dash app, logged in through the real login form."""
    from budgetwatch.queries import accounts

    if accounts.get_user(data_dir, username) is None:
        accounts.add_user(data_dir, username, TEST_PASSWORD, role, depts=depts)
    client = app.server.test_client()
    client.get("/login")
    with client.session_transaction() as s:
        token = s["csrf"]
    r = client.post("/login", data={"username": username, "password": TEST_PASSWORD, "csrf": token, "next": "/"})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return client
