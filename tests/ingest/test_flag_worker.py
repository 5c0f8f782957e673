"""Flags after the data (issue 19): a large load publishes its data first and the background
worker publishes the flags it left owed — keeping the store's promises: readers never see half,
a kill at any point leaves the live data as it was, a newer load wins and nothing is lost."""
from __future__ import annotations

import fcntl
import io
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from budgetwatch.ingest import load as load_module
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries import flag_worker, flags as qf, search, summary
from budgetwatch.queries.rule_inputs import tables_read
from budgetwatch.queries.rules import RULES, compute_flags
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.store import Store
from tests.conftest import ROOT

EVERY = [r.id for r in RULES]
PAYMENT_RULES = [r.id for r in RULES if "payments" in tables_read(r)]
PAY_COLS = ("voucher_no, pay_date, dept_code, func_code, econ_code, fund_type, payee, {amount} AS amount, "
            "payee_account, purpose, project_code")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from budgetwatch.cmd_demo import load_demo
    store = Store(tmp_path_factory.mktemp("demo"))
    assert load_demo(store, out=io.StringIO())
    return store


@pytest.fixture
def city(demo, tmp_path, monkeypatch):
    """A copy of the demo city whose loads always leave their flags to the worker (started by
    hand in these tests, unless a test starts the real process)."""
    store = Store(tmp_path / "city")
    shutil.copytree(demo.db_dir, store.db_dir)
    monkeypatch.setenv("BUDGETWATCH_FLAGS_BACKGROUND_FROM", "0")
    monkeypatch.setattr(flag_worker, "start", lambda _store: None)
    qf.clear_cache()
    return store


def correction(store: Store, path, plus: int = 1000, n: int = 100):
    with store.reader() as con:
        con.execute(f"""COPY (SELECT {PAY_COLS.format(amount=f'amount + {plus}')} FROM payments
                        WHERE pay_date BETWEEN DATE '2025-03-01' AND DATE '2025-03-31'
                        ORDER BY voucher_no LIMIT {n}) TO '{path}' (HEADER)""")
    return path


def assert_cache_is_fresh(store: Store):
    values = load_thresholds(store.data_dir).values
    with store.reader() as con:
        assert summary.pending(con) == {}
        for year in summary.years(con)[: summary.FLAG_YEARS]:
            kept = summary.cached_flags(con, year, None, values, EVERY)
            assert kept is not None, year
            pd.testing.assert_frame_equal(kept, compute_flags(con, year, None, thresholds=values))


def payments_sum(store: Store):
    with store.reader() as con:
        return con.execute("SELECT count(*), sum(amount) FROM payments").fetchone()


def test_the_data_is_published_first_and_the_flags_follow(city, tmp_path):
    before = city.live().number
    [r] = ingest_files(city, "payments", [correction(city, tmp_path / "fix.csv")], who="t")
    assert r.status == "applied" and r.updated == 100 and r.flags_background == [2025]
    assert city.live().number == before + 1                       # the data is live at once
    values = load_thresholds(city.data_dir).values
    with city.reader() as con:
        assert summary.pending(con) == {2025: sorted(PAYMENT_RULES)}
        assert summary.cached_flags(con, 2024, None, values, EVERY) is not None     # untouched year kept
        assert summary.cached_flags(con, 2025, None, values, EVERY) is None        # no worker: live
    with city.reader() as con:      # the index of names is the previous load's until the worker rebuilds it
        assert search.owed(con) and search.ensure(con) == "search_index"
    with open(city.db_dir / summary.WORKER_LOCK, "a+") as fh:     # a worker at work: "updating"
        fcntl.flock(fh, fcntl.LOCK_EX)
        with city.reader() as con, pytest.raises(summary.FlagsUpdating, match="预警更新中"):
            summary.cached_flags(con, 2025, None, values, EVERY)
        with pytest.raises(summary.FlagsUpdating):
            qf.flag_set(city, 2025)
        assert qf.voucher_flags(city, 2025, None) == {}            # no stale markers on the grid
    out = flag_worker.run(city)
    assert [p["years"] for p in out["published"]] == [[2025]] and city.live().number == before + 2
    assert_cache_is_fresh(city)
    with city.reader() as con:                                      # the copy's other stamps still answer
        assert load_module.daily_ready(con) and search.ensure(con) == "search_index" and not search.owed(con)
        fixed = con.execute("SELECT sum(amount) FROM search_index WHERE kind IN ('dept', 'unit')").fetchone()[0]
        live = con.execute("SELECT sum(amount) FROM payments").fetchone()[0]
        assert abs(float(fixed) - float(live)) < 0.01                # rebuilt for the corrected amounts
    assert flag_worker.run(city)["published"] == []                 # nothing owed: nothing done


def test_a_newer_load_wins_and_still_gets_every_flag(city, tmp_path, monkeypatch):
    ingest_files(city, "payments", [correction(city, tmp_path / "a.csv", 1000)], who="t")
    real = flag_worker._compute
    loads = []

    def meanwhile(store, gen, owed):
        out = real(store, gen, owed)
        if not loads:   # a second correction (of 2024) is published while the worker computes
            with store.reader() as con:
                con.execute(f"""COPY (SELECT {PAY_COLS.format(amount='amount * 2')} FROM payments
                                WHERE year(pay_date) = 2024 ORDER BY voucher_no LIMIT 20)
                                TO '{tmp_path / "b.csv"}' (HEADER)""")
            loads.append(ingest_files(store, "payments", [tmp_path / "b.csv"], who="t2"))
        return out
    monkeypatch.setattr(flag_worker, "_compute", meanwhile)
    out = flag_worker.run(city)
    assert out["discarded"] == 1 and [p["years"] for p in out["published"]] == [[2024, 2025]]
    assert loads[0][0].updated == 20
    assert_cache_is_fresh(city)


KILLED_WORKER = """
import os, sys
from budgetwatch.queries import flag_worker, store as store_mod
point = sys.argv[2]
if point == "computing":
    real = flag_worker.refresh.year_flags
    def year_flags(*a, **k):
        real(*a, **k)
        os._exit(9)
    flag_worker.refresh.year_flags = year_flags
elif point == "writing":
    real_write = flag_worker._write
    def write(*a, **k):
        real_write(*a, **k)
        os._exit(9)
    flag_worker._write = write
else:
    store_mod.Store._publish = lambda self, path, retire=True: os._exit(9)
flag_worker.run(store_mod.Store(sys.argv[1]))
"""


@pytest.mark.parametrize("point", ["computing", "writing", "before_pointer"])
def test_a_worker_killed_at_any_point_leaves_the_live_data_as_it_was(city, tmp_path, point):
    ingest_files(city, "payments", [correction(city, tmp_path / "fix.csv")], who="t")
    live, held = city.live(), payments_sum(city)
    done = subprocess.run([sys.executable, "-c", KILLED_WORKER, str(city.data_dir), point], cwd=ROOT,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 9
    after = city.live()
    assert after.state == "ok" and after.number == live.number and payments_sum(city) == held
    assert not summary.worker_running(city.db_dir)          # the lock died with it
    with city.reader() as con:
        assert summary.pending(con) == {2025: sorted(PAYMENT_RULES)}     # still owed, computed live meanwhile
    started = []
    real_start = flag_worker.start
    try:
        flag_worker.start = lambda store: started.append(store) or "started"
        assert flag_worker.resume(city) == "started"            # a server starting up resumes it
    finally:
        flag_worker.start = real_start
    flag_worker.run(city)                                    # the next worker finishes (and cleans up)
    assert flag_worker.resume(city) is None                  # nothing owed: nothing started
    assert_cache_is_fresh(city) and payments_sum(city) == held
    assert not list(city.db_dir.glob("*.loading"))


def test_the_cli_load_starts_the_worker_process(demo, tmp_path):
    from tests.conftest import cli
    store = Store(tmp_path / "city")
    shutil.copytree(demo.db_dir, store.db_dir)
    path = correction(store, tmp_path / "fix.csv")
    done = cli("ingest", "payments", path, data_dir=store.data_dir,
               env={"BUDGETWATCH_FLAGS_BACKGROUND_FROM": "0"})
    assert done.returncode == 0, done.stderr
    assert "后台" in done.stdout and "background" in done.stdout
    assert flag_worker.wait(store, timeout_s=240)
    assert_cache_is_fresh(store)
    assert "published" in (store.data_dir / "logs" / "flags.log").read_text(encoding="utf-8")


def test_pages_say_warnings_updating_instead_of_stale_flags(city, tmp_path):
    from budgetwatch.dashboard.components import failure
    from budgetwatch.dashboard.pages import department

    with city.reader() as con:
        dept = con.execute("SELECT dept_code FROM payments WHERE year(pay_date) = 2025 "
                           "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0][:3]
    before = department.update_department(city, 2025, None, dept, "?lang=en")
    assert "Warnings updating" not in str(before["flags_note"])
    ingest_files(city, "payments", [correction(city, tmp_path / "fix.csv")], who="t")
    with open(city.db_dir / summary.WORKER_LOCK, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        out = department.update_department(city, 2025, None, dept, "?lang=en")
        assert "Warnings updating" in str(out["flags_note"])
        assert out[f"table:{department.D.T_FLAGS}"]["rowData"] == []          # nothing stale shown
        zh = department.update_department(city, 2025, None, dept, "?lang=zh")
        assert "预警更新中" in str(zh["flags_note"])
        from budgetwatch.dashboard.pages import warnings as wpage
        page = wpage.update_warnings(city, 2025, None, None, None, None, None, None, "?lang=en")
        assert "Warnings updating" in str(page["message"].to_plotly_json()) and page["rows"] == []
        assert "is-error" not in str(page["message"].className)
    shown = failure(summary.FlagsUpdating(2025), "zh", "test")
    assert "预警更新中" in str(shown.to_plotly_json()) and "is-error" not in str(shown.className)
    flag_worker.run(city)
    after = department.update_department(city, 2025, None, dept, "?lang=en")
    assert "Warnings updating" not in str(after["flags_note"])
