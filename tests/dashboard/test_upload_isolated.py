"""An upload is loaded in a child process with a memory ceiling: when the child cannot cope,
the page says so in a sentence, the server process carries on and nothing is changed
(issue 17, item 9)."""
from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest

from budgetwatch.dashboard import auth
from budgetwatch.dashboard.pages import data as page
from budgetwatch.queries.accounts import User
from budgetwatch.queries.store import Store
from tests.conftest import ROOT, rows
from tests.ingest.files import pay_row, write_csv


@pytest.fixture(autouse=True)
def signed_in_staff():
    with auth.acting_as(User("张三", "staff")):
        yield


def contents(path) -> str:
    return "data:text/csv;base64," + base64.b64encode(path.read_bytes()).decode()


def test_a_child_past_its_ceiling_fails_alone_and_changes_nothing(tmp_path, data_dir, monkeypatch):
    f = write_csv(tmp_path / "p.csv", [pay_row("V1"), pay_row("V2")])
    monkeypatch.setenv("BUDGETWATCH_UPLOAD_MEMORY_MB", "120")       # too little to even start DuckDB
    out = page.upload(Store(data_dir), "payments", contents(f), "p.csv", False, "张三", "")
    text = json.dumps(out["report"].to_plotly_json(), ensure_ascii=False, default=str)
    assert "p.csv" in text and "120 MB" in text and "数据未作任何改动" in text and out["loaded"] is False
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(0,)]
    monkeypatch.delenv("BUDGETWATCH_UPLOAD_MEMORY_MB")               # this process is fine: load again
    out = page.upload(Store(data_dir), "payments", contents(f), "p.csv", False, "张三", "")
    assert out["loaded"] is True
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(2,)]
    assert not list((data_dir / "db").glob("*.loading"))


def test_the_ceiling_is_real(tmp_path):
    script = ("from budgetwatch.ingest.isolated import _cap\n_cap(300)\nx = bytearray(600 * 1024 * 1024)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "MemoryError" in done.stderr


def test_an_upload_whose_flags_follow_starts_the_worker_from_the_server_not_the_capped_child(
        tmp_path, data_dir, monkeypatch):
    """Issue 19: the background flag worker must not inherit the upload child's memory ceiling."""
    from budgetwatch.queries import flag_worker
    monkeypatch.setenv("BUDGETWATCH_FLAGS_BACKGROUND_FROM", "0")
    started = []
    monkeypatch.setattr(flag_worker, "start", lambda store: started.append(store.data_dir))
    path = write_csv(tmp_path / "p.csv", [pay_row("V1", date="2024-05-02"), pay_row("V2", date="2025-03-07")])
    page.upload(Store(data_dir), "payments", contents(path), "p.csv", False, None, "?lang=zh")
    page.upload(Store(data_dir), "payments", contents(write_csv(tmp_path / "q.csv", [
        pay_row("V2", date="2025-03-07", amount="7")])), "q.csv", False, None, "?lang=zh")
    assert started == [Store(data_dir).data_dir] * 2             # by the server, each time flags were owed
    assert not (data_dir / "logs" / "flags.log").exists()        # the child started none itself
