"""The one door to DuckDB (queries/store.py): every way through it binds parameters, limits
time, and names the statement when something goes wrong."""
from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from budgetwatch.queries import store as gw


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("CREATE TABLE t AS SELECT range AS i, 'x' || range AS s FROM range(10)")
    yield c
    c.close()


def test_an_error_names_the_statement_and_keeps_its_parameters(con):
    with pytest.raises(gw.QueryError) as err:
        gw.rows(con, "SELECT * FROM missing_table WHERE i = ?", [7], name="the_statement")
    assert "[the_statement]" in str(err.value)
    assert err.value.statement == "the_statement" and err.value.params == [7]
    with pytest.raises(gw.QueryError) as err:
        gw.run(con, "SELECT nope FROM t", name="frame_statement")
    assert err.value.statement == "frame_statement"


def test_a_statement_past_its_time_limit_is_stopped_and_named(con):
    slow = "SELECT count(*) FROM range(100000000000) a"
    with pytest.raises(gw.QueryError) as err:
        gw.scalar(con, slow, name="endless", timeout_s=0.2)
    assert "超时" in str(err.value) and err.value.statement == "endless"


def test_rows_scalar_and_bound_parameters(con):
    assert gw.scalar(con, "SELECT s FROM t WHERE i = $i", {"i": 3}) == "x3"
    assert gw.scalar(con, "SELECT s FROM t WHERE i = -1") is None
    assert gw.rows(con, "SELECT i FROM t ORDER BY i", max_rows=2) == [(0,), (1,)]
    assert gw.rows(con, "INSERT INTO t VALUES (?, ?)", [10, "x10"]) == [(1,)]    # DuckDB's count of rows changed
    hostile = "x1' OR '1'='1"
    assert gw.rows(con, "SELECT i FROM t WHERE s = ?", [hostile]) == []   # bound, never spliced in


def test_stream_gives_arrow_batches_and_schema_without_rows(con):
    reader = gw.stream(con, "SELECT * FROM t WHERE i < $n ORDER BY i", {"n": 5}, batch_rows=2)
    assert isinstance(reader, pa.RecordBatchReader)
    assert reader.read_all().num_rows == 5
    schema = gw.arrow_schema(con, "SELECT * FROM t WHERE i < $n", {"n": 5})
    assert schema.names == ["i", "s"]
    with pytest.raises(gw.QueryError) as err:
        gw.stream(con, "SELECT * FROM nowhere", name="export_rows")
    assert err.value.statement == "export_rows"


def test_derived_tables_know_which_generation_they_were_made_for(tmp_path):
    c = duckdb.connect(str(tmp_path / "gen-000007.duckdb"))
    assert gw.generation_file(c) == "gen-000007.duckdb"
    assert gw.meta_value(c, "k") is None and not gw.stamped(c, "k")          # no meta table at all
    c.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    c.execute("INSERT INTO meta VALUES ('k', 'gen-000006.duckdb')")           # copied from the parent
    assert gw.meta_value(c, "k") == "gen-000006.duckdb" and not gw.stamped(c, "k")
    c.execute("UPDATE meta SET value = 'gen-000007.duckdb'")
    assert gw.stamped(c, "k")
    c.close()


def test_no_connection_of_the_store_draws_a_progress_bar(tmp_path):
    """DuckDB prints a bar on stdout past two seconds: into an export written to stdout."""
    store = gw.Store(tmp_path)
    with store.reader() as con:
        assert gw.scalar(con, "SELECT current_setting('enable_progress_bar')") is False
    with store.writer("test") as w:
        assert gw.scalar(w.con, "SELECT current_setting('enable_progress_bar')") is False
