"""`budgetwatch flags --engine spark` prints what `budgetwatch flags` prints (DuckDB), from the lake."""
from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import cli

pytestmark = [pytest.mark.spark, pytest.mark.slow]

RULES = ("DUPLICATE_PAYMENT", "SANGONG_GROWTH", "AUDIT_REPEAT", "SUGGESTION_OVERDUE")


def test_flags_on_spark_print_the_same_csv(demo_city, demo_lake, tmp_path):
    assert demo_lake == demo_city.data_dir / "lake"          # where --engine spark looks by default
    duck = cli("flags", "--year", "2025", "--format", "csv", "--rule", *RULES, data_dir=demo_city.data_dir)
    assert duck.returncode == 0, duck.stderr
    spark = cli("flags", "--year", "2025", "--format", "csv", "--rule", *RULES, "--engine", "spark",
                "--spark-master", "local[1]", data_dir=demo_city.data_dir,
                env={"BUDGETWATCH_SPARK_PARTITIONS": "2"})
    assert spark.returncode == 0, spark.stderr[-2000:]
    assert len(duck.stdout.splitlines()) > len(RULES)       # every one of them fires in the demo
    assert spark.stdout == duck.stdout


def test_a_stale_lake_is_named_but_still_answers(demo_city, demo_lake, tmp_path):
    """A lake written from an older generation says so on stderr (the flags are the lake's)."""
    lake = tmp_path / "old-lake"
    shutil.copytree(demo_lake, lake)
    manifest = json.loads((lake / "manifest.json").read_text(encoding="utf-8"))
    manifest["generation"] = 1
    (lake / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    res = cli("flags", "--year", "2025", "--format", "csv", "--rule", "DEBT_RATIO", "--engine", "spark",
              "--lake", lake, "--spark-master", "local[1]", data_dir=demo_city.data_dir)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "generation 1" in res.stderr and "lake export" in res.stderr
    assert res.stdout.count("DEBT_RATIO") == 3
