"""The demo city loaded once per test session; one kaleido server per session."""
from __future__ import annotations

import io

import pytest

from budgetwatch.queries.store import Store


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Store:
    from budgetwatch.cmd_demo import load_demo

    store = Store(tmp_path_factory.mktemp("demo") / "data")
    assert load_demo(store, out=io.StringIO())
    return store


@pytest.fixture(scope="session")
def kaleido_server():
    from budgetwatch.dashboard import snapshot

    snapshot.start()
    yield
    snapshot.stop()
