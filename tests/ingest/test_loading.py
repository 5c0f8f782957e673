"""Loading: idempotent, update by key, partial accept, atomic, recorded with lineage."""
from __future__ import annotations

from decimal import Decimal

import pytest

from budgetwatch.ingest import load as load_module
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store
from tests.conftest import rows
from tests.ingest.files import pay_row, write_csv

ALL_TABLES = ("departments", "budget", "payments", "assets_enterprise", "assets_admin", "audit_findings", "loads")


def load(data_dir, feed, *paths, **kw):
    return ingest_files(Store(data_dir), feed, list(paths), who="tester", **kw)


def snapshot(data_dir):
    return {t: rows(data_dir, f"SELECT * FROM {t} ORDER BY ALL") for t in ALL_TABLES}


def test_same_file_twice_changes_nothing(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.csv", [pay_row("V1"), pay_row("V2", amount="5")])
    [first] = load(data_dir, "payments", f)
    before, gen = snapshot(data_dir), Store(data_dir).generation()
    [again] = load(data_dir, "payments", f)
    assert (first.status, first.inserted) == ("applied", 2)
    assert (again.status, again.inserted, again.updated, again.unchanged) == ("unchanged", 0, 0, 2)
    assert snapshot(data_dir) == before
    assert Store(data_dir).generation() == gen  # not even a new database generation


def test_newer_file_updates_by_key_and_adds(tmp_path, data_dir):
    load(data_dir, "payments", write_csv(tmp_path / "a.csv", [pay_row("V1", amount="10"), pay_row("V2", amount="20")]))
    [r] = load(data_dir, "payments",
               write_csv(tmp_path / "b.csv", [pay_row("V2", amount="25"), pay_row("V3", amount="30")]))
    assert (r.inserted, r.updated, r.unchanged) == (1, 1, 0)
    assert rows(data_dir, "SELECT voucher_no, amount, load_id FROM payments ORDER BY 1") == [
        ("V1", Decimal("10.00"), 1), ("V2", Decimal("25.00"), 2), ("V3", Decimal("30.00"), 2)]


def test_every_load_is_recorded(tmp_path, data_dir):
    f = write_csv(tmp_path / "pay.csv", [pay_row("V1"), pay_row("V2", amount="x")])
    load(data_dir, "payments", f, accept_partial=True)
    [(feed, name, sha, read, ins, upd, unch, rej, who, at)] = rows(
        data_dir, "SELECT feed, file_name, sha256, rows_read, rows_inserted, rows_updated, rows_unchanged, "
                  "rows_rejected, loaded_by, loaded_at FROM loads")
    import hashlib
    assert (feed, name, read, ins, upd, unch, rej, who) == ("payments", "pay.csv", 2, 1, 0, 0, 1, "tester")
    assert sha == hashlib.sha256(f.read_bytes()).hexdigest() and at is not None


def test_partial_accept_loads_only_good_rows(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.csv", [pay_row("V1"), pay_row("V2", amount="x"), pay_row("V3")])
    [refused] = load(data_dir, "payments", f)
    assert refused.status == "refused"
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(0,)]
    [partial] = load(data_dir, "payments", f, accept_partial=True)
    assert (partial.status, partial.inserted, partial.rejected) == ("partial", 2, 1)
    assert rows(data_dir, "SELECT voucher_no FROM payments ORDER BY 1") == [("V1",), ("V3",)]


def test_refused_file_among_several_leaves_the_others(tmp_path, data_dir):
    good = write_csv(tmp_path / "good.csv", [pay_row("V1")])
    bad = write_csv(tmp_path / "bad.csv", [pay_row("V2", amount="x")])
    reports = load(data_dir, "payments", good, bad)
    assert [r.status for r in reports] == ["applied", "refused"]
    assert rows(data_dir, "SELECT voucher_no FROM payments") == [("V1",)]


def test_failure_mid_apply_leaves_every_table_as_before(tmp_path, data_dir, monkeypatch):
    load(data_dir, "payments", write_csv(tmp_path / "a.csv", [pay_row("V1", amount="10")]))
    before = snapshot(data_dir)
    real_execute_count = {"n": 0}
    original = load_module.apply

    def exploding_apply(con, feed, **kw):
        # Let the upsert run its DELETE, then fail before COMMIT.
        class Boom(Exception):
            pass

        real = con.execute

        def execute(sql, *a):
            if sql.lstrip().startswith("INSERT INTO loads"):
                raise Boom("disk full")
            real_execute_count["n"] += 1
            return real(sql, *a)

        class Proxy:
            def __getattr__(self, name):
                return execute if name == "execute" else getattr(con, name)

        return original(Proxy(), feed, **kw)

    monkeypatch.setattr(load_module, "apply", exploding_apply)
    with pytest.raises(Exception, match="disk full"):
        load(data_dir, "payments", write_csv(tmp_path / "b.csv", [pay_row("V1", amount="99"), pay_row("V2")]))
    assert real_execute_count["n"] > 3  # it really got into the upsert
    assert snapshot(data_dir) == before


def test_rows_know_their_load(tmp_path, data_dir):
    load(data_dir, "payments", write_csv(tmp_path / "a.csv", [pay_row("V1")]))
    load(data_dir, "payments", write_csv(tmp_path / "b.csv", [pay_row("V2")]))
    assert rows(data_dir, "SELECT p.voucher_no, l.file_name FROM payments p JOIN loads l USING (load_id) "
                          "ORDER BY 1") == [("V1", "a.csv"), ("V2", "b.csv")]


def test_reloading_the_latest_file_is_recognised_without_a_row_by_row_pass(tmp_path, data_dir, monkeypatch):
    from budgetwatch.ingest import validate
    f = write_csv(tmp_path / "p.csv", [pay_row("V1"), pay_row("V2")])
    load(data_dir, "payments", f)
    monkeypatch.setattr(validate, "stage", lambda *a, **k: pytest.fail("should not validate again"))
    [r] = load(data_dir, "payments", f)
    assert (r.status, r.rows_read, r.unchanged) == ("unchanged", 2, 2)


def test_an_older_file_loaded_again_after_a_newer_one_is_applied_again(tmp_path, data_dir):
    old = write_csv(tmp_path / "old.csv", [pay_row("V1", amount="10")])
    new = write_csv(tmp_path / "new.csv", [pay_row("V1", amount="20")])
    load(data_dir, "payments", old)
    load(data_dir, "payments", new)
    [r] = load(data_dir, "payments", old)
    assert (r.status, r.updated) == ("applied", 1)
    assert rows(data_dir, "SELECT amount FROM payments") == [(Decimal("10.00"),)]
