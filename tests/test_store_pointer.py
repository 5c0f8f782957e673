"""A lost, empty, garbled or dangling ``CURRENT`` never deletes a generation (issue 18, item 1).

Each test builds a folder with three loads (generations 2 and 3 kept, 3 live), breaks the
pointer, and then reads (``status``, a dashboard read) or loads. Every generation file must
still be there byte for byte, and every row readable; readers must not write at all."""
from __future__ import annotations

import hashlib
import json

import pytest

from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store, StoreUnusable
from tests.conftest import cli, rows
from tests.ingest.files import pay_row, write_csv


def load(tmp_path, data_dir, *vouchers):
    path = write_csv(tmp_path / f"p-{vouchers[0]}.csv", [pay_row(v) for v in vouchers])
    [r] = ingest_files(Store(data_dir), "payments", [path], who="t")
    assert r.status == "applied", r.problems
    return r


@pytest.fixture
def three_loads(tmp_path, data_dir):
    load(tmp_path, data_dir, "V1")
    load(tmp_path, data_dir, "V2", "V3")
    load(tmp_path, data_dir, "V4", "V5", "V6")
    assert (data_dir / "db" / "CURRENT").read_text().strip() == "gen-000003.duckdb"
    return data_dir


def files(data_dir) -> dict[str, str]:
    """Every file of the db folder and its digest (the lock file aside)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((data_dir / "db").iterdir()) if p.name != "write.lock"}


def generation_files(data_dir) -> set[str]:
    return {p.name for p in (data_dir / "db").glob("gen-*.duckdb")}


BREAKS = {
    "missing": lambda p: p.unlink(),
    "empty": lambda p: p.write_text(""),
    "garbled": lambda p: p.write_bytes(b"\x00\xffnot a generation\n"),
    "dangling": lambda p: p.write_text("gen-000009.duckdb\n"),
}


@pytest.mark.parametrize("kind", list(BREAKS))
def test_status_after_a_broken_pointer_reads_the_newest_generation_and_writes_nothing(three_loads, kind):
    data_dir = three_loads
    BREAKS[kind](data_dir / "db" / "CURRENT")
    before = files(data_dir)
    done = cli("status", "--format", "json", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["feeds"]["payments"]["rows"] == 6          # not an empty gen-000001: nothing lost
    assert out["generation"] == 3
    assert out["store"]["state"] == "recovered" and out["store"]["file"] == "gen-000003.duckdb"
    assert "CURRENT" in out["store"]["message"]["zh"] and "CURRENT" in out["store"]["message"]["en"]
    assert files(data_dir) == before                       # a reader never writes, never deletes


def test_status_in_words_says_which_generation_it_reads(three_loads):
    data_dir = three_loads
    (data_dir / "db" / "CURRENT").unlink()
    before = files(data_dir)
    text = cli("status", data_dir=data_dir)
    assert text.returncode == 0
    assert "CURRENT 缺失" in text.stderr and "CURRENT is missing" in text.stderr and "gen-000003" in text.stderr
    assert "6" in text.stdout
    assert files(data_dir) == before


@pytest.mark.parametrize("kind", list(BREAKS))
def test_a_dashboard_read_after_a_broken_pointer_changes_nothing(three_loads, kind):
    from budgetwatch.dashboard.pages import data as data_page

    data_dir = three_loads
    BREAKS[kind](data_dir / "db" / "CURRENT")
    before = files(data_dir)
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(6,)]
    out = data_page.refresh(Store(data_dir), "payments", "?lang=zh")
    assert out["status_rows"] and "gen-000003.duckdb" in str(out["message"])   # the 数据 page says so
    out_en = data_page.refresh(Store(data_dir), "payments", "?lang=en")
    assert "the newest intact generation" in str(out_en["message"])
    assert files(data_dir) == before


@pytest.mark.parametrize("kind", list(BREAKS))
def test_a_load_after_a_broken_pointer_publishes_on_top_and_keeps_every_generation(tmp_path, three_loads, kind):
    data_dir = three_loads
    BREAKS[kind](data_dir / "db" / "CURRENT")
    kept = generation_files(data_dir)
    path = write_csv(tmp_path / "more.csv", [pay_row("V7")])
    done = cli("ingest", "payments", path, data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(7,)]
    assert kept <= generation_files(data_dir)               # the real generations are all still there
    live = Store(data_dir).live()
    assert live.state == "ok"                                # the pointer is repaired ...
    assert live.number > max(3, 9 if kind == "dangling" else 0)   # ... and never reuses a named number
    # and the next ordinary load retires as usual, still losing no row
    load(tmp_path, data_dir, "V8")
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(8,)]


def test_a_dangling_pointer_with_no_generation_left_refuses_and_creates_nothing(tmp_path, data_dir):
    load(tmp_path, data_dir, "V1")
    for p in (data_dir / "db").glob("gen-*"):
        p.unlink()
    before = files(data_dir)
    status = cli("status", "--format", "json", data_dir=data_dir)
    assert status.returncode == 1
    msg = json.loads(status.stdout)["store"]["message"]
    assert "备份" in msg["zh"] and "backup" in msg["en"]
    done = cli("ingest", "payments", write_csv(tmp_path / "q.csv", [pay_row("V2")]), data_dir=data_dir)
    assert done.returncode != 0
    assert "gen-000001.duckdb" in done.stderr and "backup" in done.stderr and "备份" in done.stderr
    assert "Traceback" not in done.stderr
    assert files(data_dir) == before
    with pytest.raises(StoreUnusable):
        with Store(data_dir).reader():
            pass


def test_a_new_folder_reads_empty_without_writing(data_dir):
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(0,)]
    done = cli("status", "--format", "json", data_dir=data_dir)
    assert done.returncode == 0
    out = json.loads(done.stdout)
    assert out["feeds"]["payments"] == {**out["feeds"]["payments"], "rows": 0, "last_loaded": None}
    assert out["store"]["state"] == "new"
    assert not (data_dir / "db").exists()


def test_recovery_never_picks_an_unfinished_load(tmp_path, three_loads):
    """A killed load's generation (marked loading, never sealed) is not data to recover to."""
    data_dir = three_loads
    db = data_dir / "db"
    (db / "gen-000004.duckdb").write_bytes((db / "gen-000003.duckdb").read_bytes())
    (db / "gen-000004.loading").write_text("killed\n")
    (db / "CURRENT").unlink()
    assert Store(data_dir).live().path.name == "gen-000003.duckdb"
    load(tmp_path, data_dir, "V7")                         # the next writer clears the debris only
    assert not (db / "gen-000004.duckdb").exists()
    assert {"gen-000002.duckdb", "gen-000003.duckdb"} <= generation_files(data_dir)
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(7,)]


def test_a_finished_generation_without_a_marker_is_never_swept(tmp_path, three_loads):
    """Only a generation provably unfinished is removed: one with no marker stays (here an
    unsealed copy, as a version before seals leaves them)."""
    data_dir = three_loads
    db = data_dir / "db"
    (db / "gen-000007.duckdb").write_bytes((db / "gen-000003.duckdb").read_bytes())
    load(tmp_path, data_dir, "V7")
    load(tmp_path, data_dir, "V8")
    assert (db / "gen-000007.duckdb").exists()
    assert Store(data_dir).live().number == 9


def test_commands_asking_for_data_say_the_folder_is_unusable_not_empty(tmp_path, data_dir):
    load(tmp_path, data_dir, "V1")
    for p in (data_dir / "db").glob("gen-*"):
        p.unlink()
    done = cli("flags", "--year", "2025", "--format", "json", data_dir=data_dir)
    assert done.returncode != 0 and "backup" in done.stderr and "no data loaded" not in done.stderr


def test_generations_made_before_seals_are_retired_as_before(tmp_path, three_loads):
    """An upgraded folder: unsealed generations older than the live one were all published."""
    data_dir = three_loads
    db = data_dir / "db"
    (db / "gen-000001.duckdb").write_bytes((db / "gen-000002.duckdb").read_bytes())
    for seal in db.glob("*.sealed"):
        seal.unlink()
    load(tmp_path, data_dir, "V7")
    assert generation_files(data_dir) == {"gen-000003.duckdb", "gen-000004.duckdb"}
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(7,)]


KILLED_LOADER = """
import os, sys
from budgetwatch.queries import generations, store as store_mod
point = sys.argv[2]
if point == "after_seal":
    real = generations.write_seal
    def write_seal(*a, **k):
        real(*a, **k)
        os._exit(9)
    generations.write_seal = write_seal
else:
    store_mod.Store._publish = lambda self, path, retire=True: os._exit(9)
with store_mod.Store(sys.argv[1]).writer(who="killed") as w:
    w.con.execute("INSERT INTO payments (voucher_no, pay_date, dept_code, func_code, econ_code, fund_type, payee, amount, payee_account, purpose, load_id, extra) SELECT 'K' || i, DATE '2025-01-01', '001', '2050202', '30201', "
                  "'一般公共预算', 'x', 1, NULL, NULL, 99, NULL FROM range(1000) t(i)")
    w.touch()
"""


@pytest.mark.parametrize("point", ["after_seal", "before_pointer"])
def test_a_load_killed_between_sealing_and_publishing_loses_nothing(tmp_path, three_loads, point):
    import subprocess
    import sys

    from tests.conftest import ROOT

    data_dir = three_loads
    done = subprocess.run([sys.executable, "-c", KILLED_LOADER, str(data_dir), point], cwd=ROOT, timeout=120)
    assert done.returncode == 9
    live = Store(data_dir).live()
    assert live.state == "ok" and live.number == 3            # CURRENT untouched: the old data is live
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(6,)]
    load(tmp_path, data_dir, "V7")
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(7,)]
    assert Store(data_dir).live().number == 5                  # after the finished, never published gen-000004
    assert not list((data_dir / "db").glob("*.loading"))
