"""`budgetwatch lake export`: the held data as a Hive-partitioned Parquet lake with a manifest,
read as it is by DuckDB, replaced in one step, never left half-written."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from budgetwatch.queries import lake as qlake
from budgetwatch.queries.lake import LakeError, export_lake, read_manifest
from budgetwatch.queries.store import Store
from tests.conftest import cli
from tests.rules.conftest import load_fixture_module


@pytest.fixture
def city(tmp_path) -> Store:
    d = load_fixture_module().Data(tmp_path / "data")
    d.dept("001", "市教育局").dept("002", "市财政局", parent="001")
    d.budget("001", 5_000_000)
    d.pay("V1", "2025-01-31", "001", "1200.50", payee="某'公司")   # a quote in a value
    d.pay("V2", "2025-02-01", "001", 300, payee="甲")
    d.pay("V3", "2024-12-31", "002", 70, payee="乙")
    d.enterprise("E1", 2025, assets=100, liabilities=80)
    d.finding("F1", "001")
    d.publish()
    return Store(tmp_path / "data")


def parquet_rows(lake: Path, table: str) -> list[tuple]:
    """The table as DuckDB reads the lake as it is (hive partitions, the manifest's types)."""
    manifest = read_manifest(lake)
    entry = manifest["tables"][table]
    cols = [c for c in entry["schema"] if not c.get("derived_from")]
    select = ", ".join(f'CAST("{c["name"]}" AS {c["type"]})' for c in cols)
    with duckdb.connect() as con:
        return sorted(con.execute(
            f"SELECT {select} FROM read_parquet($p, hive_partitioning = true)",
            {"p": str(lake / entry["path"] / "**" / "*.parquet")}).fetchall(), key=repr)


def test_the_lake_holds_every_row_in_hive_folders_with_a_manifest(city, tmp_path):
    out = tmp_path / "lake"
    result = export_lake(city, out)
    assert result.path == out.resolve()
    payments = sorted(p.relative_to(out).parent.as_posix() for p in (out / "feed=payments").rglob("*.parquet"))
    assert payments == ["feed=payments/year=2024/month=12", "feed=payments/year=2025/month=1",
                        "feed=payments/year=2025/month=2"]
    assert (out / "feed=budget" / "year=2025").is_dir()
    assert (out / "feed=departments" / "data.parquet").is_file()       # small: one file, no partitions
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generation"] == city.generation()
    assert manifest["written_at"].endswith("+00:00")
    pay = manifest["tables"]["payments"]
    assert pay["rows"] == 3 and pay["partition_by"] == ["year", "month"]
    assert {"name": "amount", "type": "DECIMAL(18,2)"} in pay["schema"]
    assert manifest["tables"]["departments"]["partition_by"] == []
    with city.reader() as con:
        for table in ("payments", "budget", "departments", "assets_enterprise", "audit_findings"):
            cols = [c["name"] for c in manifest["tables"][table]["schema"] if not c.get("derived_from")]
            held = con.execute(f"SELECT {', '.join(f'CAST({c} AS VARCHAR)' if c == 'extra' else c for c in cols)} "
                               f"FROM {table}").fetchall()
            assert parquet_rows(out, table) == sorted(held, key=repr), table


def test_a_second_export_replaces_the_lake_whole(city, tmp_path):
    out = tmp_path / "lake"
    export_lake(city, out)
    (out / "feed=payments" / "stray.parquet").write_bytes(b"not from this export")
    export_lake(city, out)
    assert not (out / "feed=payments" / "stray.parquet").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".lake.") and p.name != ".lake.lock"] == []


def test_a_failed_export_leaves_the_old_lake_as_it_was(city, tmp_path, monkeypatch):
    out = tmp_path / "lake"
    export_lake(city, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real = qlake._copy_table

    def copy_then_fail(con, spec, columns, target):
        real(con, spec, columns, target)
        if spec.name == "payments":
            raise OSError("disk full")

    monkeypatch.setattr(qlake, "_copy_table", copy_then_fail)
    with pytest.raises(OSError):
        export_lake(city, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".lake.partial-*"))


def test_what_a_killed_export_left_is_cleared_by_the_next(city, tmp_path):
    out = tmp_path / "lake"
    debris = tmp_path / ".lake.partial-deadbeef"
    (debris / "feed=payments").mkdir(parents=True)
    export_lake(city, out)
    assert not debris.exists()
    assert read_manifest(out)["tables"]["payments"]["rows"] == 3


def test_a_folder_that_is_not_a_lake_is_never_overwritten(city, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(LakeError):
        export_lake(city, out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_no_data_no_lake(tmp_path):
    with pytest.raises(LakeError):
        export_lake(Store(tmp_path / "empty"), tmp_path / "lake")
    assert not (tmp_path / "lake").exists()


def test_cli_lake_export(city, tmp_path):
    res = cli("lake", "export", data_dir=city.data_dir)
    assert res.returncode == 0, res.stderr
    assert "payments" in res.stdout
    assert read_manifest(city.data_dir / "lake")["tables"]["payments"]["rows"] == 3
    bad = tmp_path / "file.txt"
    bad.write_text("x", encoding="utf-8")
    res = cli("lake", "export", "--out", bad, data_dir=city.data_dir)
    assert res.returncode == 2 and "Traceback" not in res.stderr and "not a folder" in res.stderr


def test_flags_refuses_spark_options_without_the_spark_engine(city):
    res = cli("flags", "--year", "2025", "--lake", "x", data_dir=city.data_dir)
    assert res.returncode == 2 and "--engine spark" in res.stderr


def test_flags_on_spark_without_a_lake_says_what_to_do(city):
    res = cli("flags", "--year", "2025", "--engine", "spark", data_dir=city.data_dir)
    assert res.returncode == 2 and "lake export" in res.stderr and "Traceback" not in res.stderr
