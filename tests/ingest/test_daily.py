"""payments_daily: payments summed per day and codes, kept in step by every load."""
from __future__ import annotations

from budgetwatch.ingest import load as load_module
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store
from tests.ingest.files import pay_row, write_csv

DAILY = """SELECT pay_date, dept_code, func_code, econ_code, fund_type, count(*), sum(amount)
           FROM payments GROUP BY ALL ORDER BY ALL"""


def load(data_dir, feed, *paths, **kw):
    return ingest_files(Store(data_dir), feed, list(paths), who="tester", **kw)


def daily(data_dir):
    with Store(data_dir).reader() as con:
        return (load_module.daily_ready(con),
                con.execute("SELECT * FROM payments_daily ORDER BY ALL").fetchall(),
                con.execute(DAILY).fetchall())


def test_daily_sums_follow_inserts_updates_and_other_feeds(tmp_path, data_dir):
    load(data_dir, "payments", write_csv(tmp_path / "a.csv", [
        pay_row("V1", date="2025-03-07", amount="10"), pay_row("V2", date="2025-03-07", amount="20"),
        pay_row("V3", date="2025-05-01", amount="5")]))
    ready, held, want = daily(data_dir)
    assert ready and held == want and [r[5] for r in held] == [2, 1]
    # V1 moves to another day, V3 changes amount, V4 is new: old and new days rebuilt
    load(data_dir, "payments", write_csv(tmp_path / "b.csv", [
        pay_row("V1", date="2025-01-02", amount="10"), pay_row("V3", date="2025-05-01", amount="7"),
        pay_row("V4", date="2025-12-30", amount="1")]))
    ready, held, want = daily(data_dir)
    assert ready and held == want and len(held) == 4
    # a load of another feed keeps the table valid for the new generation
    load(data_dir, "departments", write_csv(tmp_path / "d.csv", [["001", "市教育局", "", "430100"]],
                                            header=["单位编码", "单位名称", "主管部门编码", "行政区划代码"]))
    ready, held, want = daily(data_dir)
    assert ready and held == want


def test_a_generation_changed_another_way_is_not_answered_for(tmp_path, data_dir):
    load(data_dir, "payments", write_csv(tmp_path / "a.csv", [pay_row("V1"), pay_row("V2")]))
    store = Store(data_dir)
    with store.writer("test") as w:
        w.con.execute("DELETE FROM payments WHERE voucher_no = 'V1'")
        w.touch()
    assert not daily(data_dir)[0]
    # the next load rebuilds it whole
    load(data_dir, "payments", write_csv(tmp_path / "b.csv", [pay_row("V3", date="2025-04-01")]))
    ready, held, want = daily(data_dir)
    assert ready and held == want


def test_daily_follows_by_delta_when_a_days_last_payment_moves_away_and_files_share_a_load(tmp_path, data_dir):
    """Issue 19: the table is updated by what each file adds and takes away (a correction spread
    over the year no longer rebuilds the year); a day left without payments leaves no row."""
    load(data_dir, "payments", write_csv(tmp_path / "a.csv", [
        pay_row("V1", date="2025-02-01", amount="10"), pay_row("V2", date="2025-07-01", amount="20"),
        pay_row("V3", date="2025-11-30", amount="30", econ="30202")]))
    # one load of two files: V1 moves to another day (its day empties), V2 changes codes, V4 is new,
    # V3 changes amount twice over (the later file wins)
    load(data_dir, "payments",
         write_csv(tmp_path / "b.csv", [pay_row("V1", date="2025-03-15", amount="10"),
                                        pay_row("V3", date="2025-11-30", amount="31", econ="30202")]),
         write_csv(tmp_path / "c.csv", [pay_row("V2", date="2025-07-01", amount="20", func="2050203"),
                                        pay_row("V4", date="2025-12-31", amount="5"),
                                        pay_row("V3", date="2025-11-30", amount="32", econ="30202")]))
    ready, held, want = daily(data_dir)
    assert ready and held == want
    assert all(r[0].isoformat() != "2025-02-01" for r in held)       # no zero row left behind


def test_the_delta_path_is_the_one_taken_for_a_correction(tmp_path, data_dir, monkeypatch):
    load(data_dir, "payments", write_csv(tmp_path / "a.csv", [pay_row("V1", date="2025-01-02"),
                                                              pay_row("V2", date="2025-12-30")]))
    seen = []
    real = load_module._has_delta
    monkeypatch.setattr(load_module, "_has_delta", lambda con: seen.append(real(con)) or seen[-1])
    load(data_dir, "payments", write_csv(tmp_path / "b.csv", [pay_row("V1", date="2025-01-02", amount="7"),
                                                              pay_row("V2", date="2025-12-30", amount="8")]))
    assert seen == [True]
    ready, held, want = daily(data_dir)
    assert ready and held == want
