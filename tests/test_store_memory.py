"""Every DuckDB connection the store opens has a deliberate memory limit and spill folder
(issue 17, item 11): DuckDB's own default is 80% of the machine per connection."""
from __future__ import annotations

import duckdb

from budgetwatch.queries import store as store_mod
from budgetwatch.queries.store import Store
from tests.ingest.files import pay_row, write_csv


def setting(con, name: str) -> str:
    return con.execute("SELECT current_setting(?)", [name]).fetchone()[0]


def as_duckdb_says(limit: str) -> str:
    con = duckdb.connect(":memory:", config={"memory_limit": limit})
    try:
        return setting(con, "memory_limit")
    finally:
        con.close()


def seeded(tmp_path, data_dir) -> Store:
    from budgetwatch.ingest.pipeline import ingest_files

    store = Store(data_dir)
    ingest_files(store, "payments", [write_csv(tmp_path / "p.csv", [pay_row("V1")])], who="t")
    return store


def test_readers_have_the_reader_limit_and_spill_under_the_data_folder(tmp_path, data_dir):
    store = seeded(tmp_path, data_dir)
    with store.reader() as con:
        assert setting(con, "memory_limit") == as_duckdb_says(store_mod.READER_MEMORY)
        assert setting(con, "temp_directory") == str(data_dir / "tmp" / "duckdb-read")
    assert as_duckdb_says(store_mod.READER_MEMORY) != as_duckdb_says("80%")   # not DuckDB's default


def test_the_limits_can_be_set_per_installation(tmp_path, data_dir, monkeypatch):
    store = seeded(tmp_path, data_dir)
    monkeypatch.setenv("BUDGETWATCH_READER_MEMORY", "300MB")
    monkeypatch.setenv("BUDGETWATCH_LOADER_MEMORY", "700MB")
    with store.reader() as con:
        assert setting(con, "memory_limit") == as_duckdb_says("300MB")
    with store.writer(who="t") as w:
        assert setting(w.con, "memory_limit") == as_duckdb_says("700MB")


def test_loaders_have_the_loader_limit(tmp_path, data_dir):
    store = seeded(tmp_path, data_dir)
    with store.writer(who="t") as w:
        assert setting(w.con, "memory_limit") == as_duckdb_says(store_mod.LOADER_MEMORY)
        assert setting(w.con, "temp_directory") == str(data_dir / "tmp")


def test_an_empty_folder_reader_is_bounded_too(data_dir):
    with Store(data_dir).reader() as con:
        assert setting(con, "memory_limit") == as_duckdb_says(store_mod.READER_MEMORY)
