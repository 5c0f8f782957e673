"""The shared page-data cache (queries/page_cache.py): one computation for identical concurrent
requests, a new generation drops the old answers, the scope is part of the key, bytes bounded."""
from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from budgetwatch.queries import page_cache
from budgetwatch.queries.store import Store, scoped


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.delenv("BUDGETWATCH_PAGE_CACHE_MB", raising=False)
    page_cache.clear()
    yield
    page_cache.clear()


def _departments(store: Store, codes: list[str]) -> None:
    """Publish a generation holding exactly these top-level departments."""
    with store.writer("test") as w:
        w.con.execute("DELETE FROM departments")
        for c in codes:
            w.con.execute("INSERT INTO departments (dept_code, dept_name, load_id) VALUES (?, ?, 1)", [c, "部门" + c])
        w.touch()


def _codes(con) -> pd.DataFrame:
    return con.execute("SELECT dept_code FROM departments ORDER BY 1").df()


def test_identical_concurrent_requests_compute_once(data_dir):
    store = Store(data_dir)
    _departments(store, ["001", "002"])
    calls, gate = [], threading.Barrier(8)

    def compute(con):
        calls.append(1)
        time.sleep(0.3)             # long enough for every other request to arrive meanwhile
        return _codes(con)

    results = [None] * 8

    def member(i):
        gate.wait()
        results[i] = page_cache.cached(store, "codes", (), compute)

    threads = [threading.Thread(target=member, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert all(list(r["dept_code"]) == ["001", "002"] for r in results)
    assert page_cache.CACHE.stats.waited + page_cache.CACHE.stats.hits == 7
    page_cache.cached(store, "codes", (), compute)
    assert len(calls) == 1                      # and later requests are served from memory


def test_different_parameters_are_different_answers(data_dir):
    store = Store(data_dir)
    _departments(store, ["001"])
    calls = []

    def compute_for(n):
        def compute(con):
            calls.append(n)
            return n
        return compute

    assert page_cache.cached(store, "q", (2025,), compute_for(2025)) == 2025
    assert page_cache.cached(store, "q", (2024,), compute_for(2024)) == 2024
    assert page_cache.cached(store, "other", (2025,), compute_for(0)) == 0
    assert calls == [2025, 2024, 0]


def test_a_new_generation_drops_the_answers_of_the_old(data_dir):
    store = Store(data_dir)
    _departments(store, ["001"])
    assert list(page_cache.cached(store, "codes", (), _codes)["dept_code"]) == ["001"]
    assert len(page_cache.CACHE) == 1
    _departments(store, ["001", "002"])          # a load publishes a new generation
    assert list(page_cache.cached(store, "codes", (), _codes)["dept_code"]) == ["001", "002"]
    assert page_cache.CACHE.stats.dropped == 1 and len(page_cache.CACHE) == 1


def test_an_answer_finished_after_a_publish_is_not_kept(data_dir):
    store = Store(data_dir)
    _departments(store, ["001"])

    def slow(con):
        codes = list(_codes(con)["dept_code"])
        _departments(store, ["001", "009"])      # published while this request computed
        page_cache.cached(store, "other", (), lambda c: 1)     # a reader sees the new generation
        return codes

    assert page_cache.cached(store, "codes", (), slow) == ["001"]
    assert list(page_cache.cached(store, "codes", (), _codes)["dept_code"]) == ["001", "009"]


def test_scope_is_part_of_the_key_a_limited_account_never_gets_anothers_answer(data_dir):
    store = Store(data_dir)
    _departments(store, ["001", "002"])
    with scoped(["001"]):
        first = page_cache.cached(store, "codes", (), _codes)
    with scoped(["002"]):
        second = page_cache.cached(store, "codes", (), _codes)
    everything = page_cache.cached(store, "codes", (), _codes)
    with scoped(["002"]):
        again = page_cache.cached(store, "codes", (), _codes)
    assert list(first["dept_code"]) == ["001"]
    assert list(second["dept_code"]) == ["002"]
    assert list(everything["dept_code"]) == ["001", "002"]
    assert list(again["dept_code"]) == ["002"]
    assert page_cache.CACHE.stats.computed == 3 and page_cache.CACHE.stats.hits == 1


def test_concurrent_requests_of_two_scopes_each_get_their_own(data_dir):
    store = Store(data_dir)
    _departments(store, ["001", "002"])
    gate, seen = threading.Barrier(6), {}

    def slow(con):
        time.sleep(0.2)
        return list(_codes(con)["dept_code"])

    def member(i, dept):
        gate.wait()
        with scoped([dept]):
            seen[i] = (dept, page_cache.cached(store, "codes", (), slow))

    threads = [threading.Thread(target=member, args=(i, "001" if i % 2 else "002")) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(codes == [dept] for dept, codes in seen.values())
    assert page_cache.CACHE.stats.computed == 2


def test_callers_get_their_own_frames(data_dir):
    store = Store(data_dir)
    _departments(store, ["001"])
    frame = page_cache.cached(store, "codes", (), _codes)
    frame["dept_code"] = "changed"
    frame["extra"] = 1
    assert list(page_cache.cached(store, "codes", (), _codes).columns) == ["dept_code"]
    assert list(page_cache.cached(store, "codes", (), _codes)["dept_code"]) == ["001"]


def test_bounded_by_bytes_least_recently_used_out(data_dir, monkeypatch):
    monkeypatch.setenv("BUDGETWATCH_PAGE_CACHE_MB", "1")
    store = Store(data_dir)
    _departments(store, ["001"])
    big = 100_000          # ~100 kB a frame: 1 MB keeps about ten, each under a quarter of it
    for i in range(30):
        page_cache.cached(store, "blob", (i,), lambda con: pd.DataFrame({"x": range(big // 8)}))
        page_cache.cached(store, "blob", (0,), lambda con: pytest.fail("the most used answer was evicted"))
    assert page_cache.CACHE.nbytes <= 2**20
    assert page_cache.CACHE.stats.evicted > 0
    assert 2 < len(page_cache.CACHE) < 15


def test_an_answer_too_large_for_the_cache_is_computed_but_not_kept(data_dir, monkeypatch):
    monkeypatch.setenv("BUDGETWATCH_PAGE_CACHE_MB", "1")
    store = Store(data_dir)
    _departments(store, ["001"])
    calls = []

    def huge(con):
        calls.append(1)
        return pd.DataFrame({"x": range(200_000)})
    page_cache.cached(store, "huge", (), huge)
    page_cache.cached(store, "huge", (), huge)
    assert len(calls) == 2 and len(page_cache.CACHE) == 0


def test_off_when_the_limit_is_zero(data_dir, monkeypatch):
    monkeypatch.setenv("BUDGETWATCH_PAGE_CACHE_MB", "0")
    store = Store(data_dir)
    _departments(store, ["001"])
    calls = []
    for _ in range(3):
        page_cache.cached(store, "codes", (), lambda con: calls.append(1))
    assert len(calls) == 3


def test_a_failure_reaches_every_waiting_request_and_is_not_kept(data_dir):
    store = Store(data_dir)
    _departments(store, ["001"])
    calls, gate, errors = [], threading.Barrier(4), []

    def failing(con):
        calls.append(1)
        time.sleep(0.2)
        raise RuntimeError("boom")

    def member():
        gate.wait()
        try:
            page_cache.cached(store, "bad", (), failing)
        except RuntimeError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=member) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == ["boom"] * 4 and len(calls) == 1
    assert page_cache.cached(store, "bad", (), lambda con: "ok") == "ok"


def test_no_data_yet_is_never_cached(data_dir):
    store = Store(data_dir)
    calls = []
    for _ in range(2):
        page_cache.cached(store, "codes", (), lambda con: calls.append(1))
    assert len(calls) == 2


def test_the_overview_asks_the_data_once_per_generation_and_view(data_dir):
    from budgetwatch.queries import overview as q

    store = Store(data_dir)
    _departments(store, ["001"])
    first = q.overview_data(store, None, None)
    second = q.overview_data(store, None, None)
    assert first.status == second.status and first.period is None
    assert page_cache.CACHE.stats.computed == 1 and page_cache.CACHE.stats.hits == 1


def test_memo_builds_once_per_generation_and_scope_and_shares_the_value(data_dir):
    store = Store(data_dir)
    _departments(store, ["001", "002"])
    built = []

    def build():
        built.append(1)
        return {"figure": len(built)}

    first = page_cache.memo(store, "figs", (2025, "zh"), build)
    assert page_cache.memo(store, "figs", (2025, "zh"), build) is first
    with scoped(["001"]):
        assert page_cache.memo(store, "figs", (2025, "zh"), build) == {"figure": 2}
    page_cache.memo(store, "figs", (2025, "en"), build)
    assert len(built) == 3
    _departments(store, ["001"])
    assert page_cache.memo(store, "figs", (2025, "zh"), build) == {"figure": 4}


def test_a_drill_step_is_asked_once_and_a_voucher_block_once(data_dir):
    import datetime as dt

    from budgetwatch.queries import execution as qe

    store = Store(data_dir)
    _departments(store, ["001"])
    node = qe.parse_node("func", "")
    assert qe.drill_data(store, node, None, None).period is None
    qe.drill_data(store, node, None, None)
    frame, n = qe.vouchers_block(store, node, 2025, dt.date(2025, 6, 30), start=0, end=50)
    qe.vouchers_block(store, node, 2025, dt.date(2025, 6, 30), start=0, end=50)
    qe.vouchers_block(store, node, 2025, dt.date(2025, 6, 30), start=50, end=100)
    assert n == 0 and frame.empty
    assert page_cache.CACHE.stats.computed == 3 and page_cache.CACHE.stats.hits == 2


def test_ready_or_start_answers_at_once_and_computes_once_in_the_background(data_dir):
    store = Store(data_dir)
    _departments(store, ["001", "002"])
    calls, release = [], threading.Event()

    def slow(con):
        calls.append(1)
        release.wait(10)
        return list(_codes(con)["dept_code"])

    with scoped(["002"]):
        assert page_cache.ready_or_start(store, "codes", (), slow) is None       # nobody waits
        assert page_cache.ready_or_start(store, "codes", (), slow) is None       # nor starts it twice
    release.set()
    deadline = time.time() + 10
    while time.time() < deadline and not len(page_cache.CACHE):
        time.sleep(0.02)
    with scoped(["002"]):
        assert page_cache.ready_or_start(store, "codes", (), slow) == ["002"]    # computed in its scope
    assert len(calls) == 1
    assert page_cache.ready_or_start(store, "codes", (), lambda con: ["all"]) is None   # another scope, another key


def test_a_read_only_answer_can_be_shared_instead_of_copied(data_dir):
    store = Store(data_dir)
    _departments(store, ["001"])
    first = page_cache.cached(store, "lookup", (), lambda con: {"V1": {"rule": "X"}}, copy=False)
    assert page_cache.cached(store, "lookup", (), lambda con: {}, copy=False) is first
    assert page_cache.cached(store, "lookup", (), lambda con: {}) is not first        # the default copies


def test_forget_drops_one_question_only(data_dir):
    store = Store(data_dir)
    _departments(store, ["001"])
    page_cache.cached(store, "a", (1,), lambda con: 1)
    page_cache.cached(store, "a", (2,), lambda con: 2)
    page_cache.cached(store, "b", (1,), lambda con: 3)
    assert page_cache.CACHE.forget("a") == 2 and len(page_cache.CACHE) == 1
