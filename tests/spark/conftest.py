"""A demo city loaded as staff would, its lake, and one Spark session (local mode) per test run."""
from __future__ import annotations

import io

import pytest

from budgetwatch.queries.store import Store


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory) -> Store:
    from budgetwatch.cmd_demo import load_demo

    store = Store(tmp_path_factory.mktemp("spark-demo") / "data")
    assert load_demo(store, out=io.StringIO())
    return store


@pytest.fixture(scope="session")
def demo_lake(demo_city):
    from budgetwatch.queries.lake import export_lake

    return export_lake(demo_city, demo_city.data_dir / "lake").path


@pytest.fixture(scope="session")
def spark():
    from budgetwatch.queries.spark import session

    s = session("local[2]", conf={"spark.sql.shuffle.partitions": "2"})
    yield s
    s.stop()
