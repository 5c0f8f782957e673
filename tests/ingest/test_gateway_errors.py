"""The loader's statements go through the gateway (issue 10, item 4): a failed load names the
statement and its parameters, people see the same sentences as before, and running out of
memory is still told apart (ingest/isolated.py)."""
from __future__ import annotations

import concurrent.futures
import logging
import pickle
import threading

import duckdb
import pytest

from budgetwatch.ingest import isolated
from budgetwatch.ingest.pipeline import LoadFailed, ingest_files
from budgetwatch.queries import store as store_mod
from budgetwatch.queries.store import QueryError, QueryOutOfMemory, QueryTimeout, Store
from tests.conftest import rows
from tests.ingest.files import pay_row, write_csv


class _Failing:
    """A DuckDB connection whose statements starting with ``prefix`` fail as DuckDB would."""

    def __init__(self, con, prefix: str, error: type[duckdb.Error]):
        self.con, self.prefix, self.error = con, prefix, error

    def execute(self, sql, *args):
        if sql.lstrip().startswith(self.prefix):
            raise self.error(f"{self.error.__name__[:-9]} Error: injected")
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


@pytest.fixture
def failing_writer(monkeypatch):
    """Make the writer's connection fail statements starting with a prefix (readers unaffected)."""
    def arm(prefix: str, error: type[duckdb.Error] = duckdb.ConstraintException):
        quiet = store_mod._quiet
        monkeypatch.setattr(store_mod, "_quiet", lambda con: _Failing(quiet(con), prefix, error))
    return arm


def test_a_failed_upsert_names_the_statement_and_its_parameters(tmp_path, data_dir, failing_writer):
    store = Store(data_dir)
    ingest_files(store, "payments", [write_csv(tmp_path / "a.csv", [pay_row("V1")])], who="t")
    failing_writer("INSERT INTO payments (")
    with pytest.raises(LoadFailed) as err:
        ingest_files(store, "payments", [write_csv(tmp_path / "b.csv", [pay_row("V2")])], who="t")
    assert "[ingest.load.upsert]" in str(err.value)
    assert "b.csv" in str(err.value) and "Constraint Error: injected" in str(err.value)
    assert "数据未作任何改动" in err.value.zh
    cause = err.value.__cause__
    assert isinstance(cause, QueryError) and cause.statement == "ingest.load.upsert"
    assert cause.params == [2]                                   # the load id it was writing
    assert isinstance(cause.__cause__, duckdb.ConstraintException)
    assert rows(data_dir, "SELECT voucher_no FROM payments") == [("V1",)]    # nothing was published


def test_a_failure_while_reading_keeps_the_refusal_people_saw_and_logs_the_statement(
        tmp_path, data_dir, failing_writer, caplog):
    failing_writer("CREATE OR REPLACE TEMP TABLE staged", duckdb.ConversionException)
    with caplog.at_level(logging.WARNING, logger="budgetwatch.sql"):
        [report] = ingest_files(Store(data_dir), "payments", [write_csv(tmp_path / "a.csv", [pay_row("V1")])],
                                who="t")
    assert report.status == "refused"
    [p] = report.problems
    # the sentence of before the gateway: DuckDB's own error type and text, no gateway wording
    assert p.code == "read_failed" and dict(p.detail)["reason"] == "ConversionException: Conversion Error: injected"
    assert any("ingest.validate.stage" in r.getMessage() for r in caplog.records)


def test_out_of_memory_stays_out_of_memory_across_the_gateway_and_a_process_boundary():
    con = duckdb.connect(config={"memory_limit": "16MB", "temp_directory": ""})
    with pytest.raises(QueryOutOfMemory) as err:
        store_mod.rows(con, "SELECT list(range::VARCHAR || 'padding padding') FROM range(20000000)",
                       name="big_list", timeout_s=None)
    assert isinstance(err.value.__cause__, duckdb.OutOfMemoryException) and err.value.statement == "big_list"
    back = pickle.loads(pickle.dumps(err.value))                # how a child's error reaches the server
    assert type(back) is QueryOutOfMemory and back.__cause__ is None and back.statement == "big_list"


class _PoolRaising:
    """A process pool whose job failed in the child with ``exc`` (as pickled back to the parent)."""

    def __init__(self, exc, **_kw):
        self.exc = pickle.loads(pickle.dumps(exc))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, *_a, **_kw):
        future = concurrent.futures.Future()
        future.set_exception(self.exc)
        return future


@pytest.mark.parametrize("exc, child_failed", [
    (QueryOutOfMemory("查询失败 / query failed: Out of Memory Error: x [ingest.daily.rebuild]",
                      statement="ingest.daily.rebuild"), True),
    (duckdb.OutOfMemoryException("Out of Memory Error: x"), True),
    (QueryError("查询失败 / query failed: Constraint Error: x [ingest.load.upsert]"), False),
])
def test_an_upload_child_out_of_memory_is_reported_as_such(monkeypatch, tmp_path, exc, child_failed):
    monkeypatch.setattr(isolated.concurrent.futures, "ProcessPoolExecutor",
                        lambda **kw: _PoolRaising(exc, **kw))
    with pytest.raises(isolated.ChildFailed if child_failed else QueryError) as err:
        isolated.ingest_isolated(tmp_path, "payments", [tmp_path / "p.csv"], who="t", limit_mb=512)
    if child_failed:
        assert "内存不足" in str(err.value) and "512 MB" in str(err.value)


def test_an_interrupt_without_a_time_limit_is_not_called_a_time_out():
    con = duckdb.connect()
    timer = threading.Timer(0.3, con.interrupt)
    timer.start()
    try:
        with pytest.raises(QueryError) as err:
            store_mod.rows(con, "SELECT count(*) FROM range(100000000000) a", name="endless_load", timeout_s=None)
    finally:
        timer.cancel()
    assert not isinstance(err.value, QueryTimeout)
    assert "中断" in str(err.value) and err.value.statement == "endless_load"


# -- store.transaction ---------------------------------------------------------------------

@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("CREATE TABLE t (i INTEGER)")
    yield c
    c.close()


def test_a_transaction_commits_a_clean_block_and_rolls_back_a_failing_one(con):
    with store_mod.transaction(con, "t.ok"):
        store_mod.rows(con, "INSERT INTO t VALUES (1)")
    with pytest.raises(ZeroDivisionError):
        with store_mod.transaction(con, "t.fails"):
            store_mod.rows(con, "INSERT INTO t VALUES (2)")
            1 / 0
    assert con.execute("SELECT i FROM t").fetchall() == [(1,)]
    with store_mod.transaction(con, "t.early") as tx:
        store_mod.rows(con, "INSERT INTO t VALUES (3)")
        tx.rollback()                                           # on purpose: nothing is committed
    assert con.execute("SELECT i FROM t").fetchall() == [(1,)]
    con.execute("BEGIN TRANSACTION")                            # none is left open
    con.execute("ROLLBACK")


class _CommitEndsThenFails:
    """COMMIT runs (DuckDB ends the transaction) and then fails: the ROLLBACK finds none."""

    def __init__(self, con):
        self.con = con

    def execute(self, sql, *args):
        got = self.con.execute(sql, *args)
        if sql == "COMMIT":
            raise duckdb.TransactionException("TransactionContext Error: injected commit failure")
        return got

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_a_failed_commit_is_the_error_raised_not_the_rollback_after_it(con):
    with pytest.raises(QueryError) as err:
        with store_mod.transaction(_CommitEndsThenFails(con), "t.commit"):
            store_mod.rows(con, "INSERT INTO t VALUES (4)")
    assert err.value.statement == "t.commit.commit" and "injected commit failure" in str(err.value)
