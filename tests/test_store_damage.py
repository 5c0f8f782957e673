"""A damaged live generation (cut to half its size) is detected, the newest good generation is
read instead — read-only, said by ``status`` and the 数据 page — and the next load publishes
on top of the good one, keeping the damaged file as it is (issue 18, item 2)."""
from __future__ import annotations

import json
import os

import pytest

from budgetwatch.dashboard.i18n import t
from budgetwatch.queries.store import Store, StoreUnusable
from tests.conftest import cli, rows
from tests.ingest.files import pay_row, write_csv
from tests.test_store_pointer import files, generation_files, load, three_loads  # noqa: F401 (fixture)


def cut_to_half(path):
    os.truncate(path, path.stat().st_size // 2)


def test_a_truncated_live_generation_falls_back_to_the_previous_good_one(three_loads):
    data_dir = three_loads
    cut_to_half(data_dir / "db" / "gen-000003.duckdb")
    before = files(data_dir)
    done = cli("status", "--format", "json", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["store"]["state"] == "fallback"
    assert out["store"]["file"] == "gen-000002.duckdb" and out["generation"] == 2
    assert out["store"]["damaged"] == ["gen-000003.duckdb"]
    assert "gen-000003.duckdb" in out["store"]["message"]["zh"] and "backup" in out["store"]["message"]["en"]
    assert out["feeds"]["payments"]["rows"] == 3           # what gen-000002 holds, readable
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(3,)]
    assert files(data_dir) == before                        # read-only: the damaged file is kept as it is


def test_the_data_page_says_a_generation_is_damaged(three_loads):
    from budgetwatch.dashboard.pages import data as data_page

    data_dir = three_loads
    cut_to_half(data_dir / "db" / "gen-000003.duckdb")
    out = data_page.refresh(Store(data_dir), "payments", "?lang=zh")
    assert "已损坏" in str(out["message"]) and "gen-000002.duckdb" in str(out["message"])
    [pay] = [r for r in out["status_rows"] if r["feed"] == "payments"]
    assert pay[t("fresh.rows", "zh")] == 3                 # the good generation's rows are shown
    out_en = data_page.refresh(Store(data_dir), "payments", "?lang=en")
    assert "is damaged" in str(out_en["message"])


def test_the_next_load_publishes_on_top_of_the_good_generation(tmp_path, three_loads):
    data_dir = three_loads
    cut_to_half(data_dir / "db" / "gen-000003.duckdb")
    damaged = (data_dir / "db" / "gen-000003.duckdb").read_bytes()
    # the operator loads the lost file again, plus something new
    path = write_csv(tmp_path / "again.csv", [pay_row(v) for v in ("V4", "V5", "V6", "V7")])
    done = cli("ingest", "payments", path, data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    live = Store(data_dir).live()
    assert live.state == "ok" and live.number == 4
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(7,)]
    assert (data_dir / "db" / "gen-000003.duckdb").read_bytes() == damaged   # kept for whoever looks into it
    assert {"gen-000002.duckdb", "gen-000003.duckdb", "gen-000004.duckdb"} <= generation_files(data_dir)


def test_an_unsealed_generation_that_does_not_open_falls_back(three_loads):
    """A generation from before seals: damage shows when it fails to open."""
    data_dir = three_loads
    db = data_dir / "db"
    (db / "gen-000003.sealed").unlink()
    os.truncate(db / "gen-000003.duckdb", 8192)
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(3,)]
    live = Store(data_dir).live()
    assert live.state == "fallback" and live.path.name == "gen-000002.duckdb"


def test_with_every_generation_damaged_readers_and_loads_refuse_and_change_nothing(tmp_path, three_loads):
    data_dir = three_loads
    for name in ("gen-000002.duckdb", "gen-000003.duckdb"):
        cut_to_half(data_dir / "db" / name)
    before = files(data_dir)
    with pytest.raises(StoreUnusable, match="backup"):
        with Store(data_dir).reader():
            pass
    done = cli("ingest", "payments", write_csv(tmp_path / "q.csv", [pay_row("V9")]), data_dir=data_dir)
    assert done.returncode != 0 and "备份" in done.stderr and "Traceback" not in done.stderr
    assert files(data_dir) == before


def test_a_generation_whose_row_counts_disagree_with_its_seal_is_not_recovered_to(three_loads):
    data_dir = three_loads
    db = data_dir / "db"
    seal = json.loads((db / "gen-000003.sealed").read_text())
    seal["rows"]["payments"] = 999
    (db / "gen-000003.sealed").write_text(json.dumps(seal))
    (db / "CURRENT").unlink()
    live = Store(data_dir).live()
    assert live.state == "recovered" and live.path.name == "gen-000002.duckdb"
    assert "gen-000003.duckdb" in live.damaged


def test_an_unsealed_generation_that_fails_mid_query_is_used_no_more(tmp_path, data_dir):
    """Opening a cut file can succeed; the first read past its end fails, and from then on
    readers fall back instead of failing every request."""
    from budgetwatch.queries.store import QueryError, query

    load(tmp_path, data_dir, "V1")
    store = Store(data_dir)
    with store.writer(who="t") as w:
        w.con.execute("INSERT INTO payments (voucher_no, pay_date, dept_code, func_code, econ_code, fund_type, payee, amount, payee_account, purpose, load_id, extra) SELECT 'N' || i, DATE '2025-01-01', '001', '2050202', '30201', "
                      "'一般公共预算', 'x', 1, NULL, NULL, 99, NULL FROM range(300000) t(i)")
        w.touch()
    db = data_dir / "db"
    (db / "gen-000002.sealed").unlink()                     # as a version before seals made it
    cut_to_half(db / "gen-000002.duckdb")
    assert store.live().state == "ok"                        # nothing to compare its size with
    with pytest.raises(QueryError, match="IO Error"):
        with store.reader() as con:
            query(con, "SELECT count(*), sum(amount), max(payee) FROM payments")
    live = store.live()
    assert live.state == "fallback" and live.path.name == "gen-000001.duckdb"
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(1,)]
