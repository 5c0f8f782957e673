"""DuckDB's single-writer lock: readers keep answering during a load; a killed load changes nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store
from tests.conftest import ROOT, rows
from tests.ingest.files import pay_row, write_csv

# A loader in another process that stops half-way (inside its write, rows inserted but not
# published) and waits for a line on stdin before finishing.
LOADER = textwrap.dedent("""
    import sys
    from budgetwatch.queries.store import Store
    store = Store(sys.argv[1])
    with store.writer(who="loader") as w:
        w.con.execute("INSERT INTO payments SELECT 'N' || i, DATE '2025-01-01', '001', '2050202', '30201', "
                      "'一般公共预算', 'x', 1, NULL, NULL, 99, NULL, NULL FROM range(50000) t(i)")
        w.touch()
        print("HALFWAY", flush=True)
        sys.stdin.readline()
    print("PUBLISHED", flush=True)
""")


def start_loader(data_dir):
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(data_dir)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "HALFWAY"
    return proc


def seed(tmp_path, data_dir):
    ingest_files(Store(data_dir), "payments", [write_csv(tmp_path / "p.csv", [pay_row("V1"), pay_row("V2")])],
                 who="t")


def test_reader_answers_during_a_load_and_sees_new_data_after_commit(tmp_path, data_dir):
    seed(tmp_path, data_dir)
    store = Store(data_dir)
    with store.reader() as long_reader:  # a dashboard request that started before the load
        proc = start_loader(data_dir)
        try:
            # another process holds a read-write DuckDB connection right now; we still read
            assert rows(data_dir, "SELECT count(*) FROM payments") == [(2,)]
            assert long_reader.execute("SELECT count(*) FROM payments").fetchone() == (2,)
            proc.stdin.write("go\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "PUBLISHED"
            assert proc.wait(timeout=60) == 0
        finally:
            proc.kill()
        # the request that began earlier finishes on the data it started with ...
        assert long_reader.execute("SELECT count(*) FROM payments").fetchone() == (2,)
    # ... and every new one sees the committed load
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(50002,)]


def test_a_load_killed_half_way_changes_nothing(tmp_path, data_dir):
    seed(tmp_path, data_dir)
    gen = Store(data_dir).generation()
    proc = start_loader(data_dir)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(2,)]
    assert Store(data_dir).generation() == gen
    # the lock died with the process: the next load goes through and the debris is swept
    [r] = ingest_files(Store(data_dir), "payments", [write_csv(tmp_path / "q.csv", [pay_row("V3")])], who="t")
    assert r.status == "applied"
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(3,)]
    leftover = sorted(p.name for p in (data_dir / "db").glob("gen-*.duckdb*"))
    assert len(leftover) == 2  # the live generation and the one before it


def test_two_loaders_take_turns(tmp_path, data_dir):
    seed(tmp_path, data_dir)
    proc = start_loader(data_dir)
    try:
        from budgetwatch.queries.store import StoreBusy
        import pytest
        with pytest.raises(StoreBusy):
            with Store(data_dir).writer(who="second", wait=False):
                pass
        proc.stdin.write("go\n")
        proc.stdin.flush()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
    [r] = ingest_files(Store(data_dir), "payments", [write_csv(tmp_path / "q.csv", [pay_row("V3")])], who="t")
    assert r.status == "applied"
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(50003,)]
