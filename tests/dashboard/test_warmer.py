"""The server builds the default views as soon as it sees a generation (dashboard/warmer.py)."""
from __future__ import annotations

from budgetwatch.dashboard import warmer
from budgetwatch.dashboard.app import create_app
from budgetwatch.dashboard.pages import overview
from budgetwatch.dashboard.pages.execution import callbacks as execution
from budgetwatch.queries import page_cache
from budgetwatch.queries.store import Store
from tests.dashboard import sample


def test_after_warming_the_first_request_computes_nothing(data_dir, monkeypatch):
    monkeypatch.delenv("BUDGETWATCH_PAGE_CACHE_MB", raising=False)
    store = Store(sample.build(data_dir))
    app = create_app(data_dir)
    page_cache.CACHE.clear()
    took = warmer.warm(store, app.server)
    assert {"overview", "execution", "overview?lang=en", "execution?lang=en"} <= set(took)
    computed = page_cache.CACHE.stats.computed
    overview.update_overview(store, None, None, "")
    execution.update_execution(store, {}, "?lang=en")
    assert page_cache.CACHE.stats.computed == computed          # every answer was kept already
    assert page_cache.CACHE.stats.hits > 0
    page_cache.CACHE.clear()


def test_the_thread_warms_a_new_generation(data_dir, monkeypatch):
    monkeypatch.delenv("BUDGETWATCH_PAGE_CACHE_MB", raising=False)
    store = Store(sample.build(data_dir))
    page_cache.CACHE.clear()
    seen = []
    monkeypatch.setattr(warmer, "warm", lambda s, server=None: seen.append(page_cache.generation_id(s)) or {})
    warmer.start(store, None, interval_s=0.05)
    import time
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen == [page_cache.generation_id(store)]
