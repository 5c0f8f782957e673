"""Page data computed once per (generation, scope, question) and shared by every request.

A crowd of members opening the same overview asks DuckDB the same questions of the same,
immutable generation: fifty requests, fifty identical scans, fifty copies of the answer in
memory at once (issue 18: p95 20 s and an OOM-killed server at 50 members). A generation never
changes once published (``store.py``), so an answer keyed by exactly what it depends on —

* the generation file (its path and file identity: numbers only grow, and a folder made again
  at the same path gets another inode),
* the reader's *scope* (the departments an account is limited to — an answer computed for one
  department's account is never handed to another's, nor to an unlimited one),
* the question's name and its parameters —

is right for as long as that generation is live. So ``cached(store, name, params, compute)``
looks the answer up *before* opening a connection; on a miss the first request computes it on
one read-only connection while identical concurrent requests wait for that one computation
(single-flight) instead of starting their own. Entries of a data folder are dropped as soon as
a reader finds a newer generation live, and the whole cache is bounded by bytes (least
recently used first out), ``BUDGETWATCH_PAGE_CACHE_MB`` (default 256; 0 turns it off — the
benchmarks' baseline).

What goes in: the small frames a page draws (≤ a few thousand rows), never whole payment or
flag sets. Callers get their own copy of frames, so a page that adds a column cannot change
what the next request sees. Failures are not cached: the waiting requests get the same error,
the next request tries again.
"""
from __future__ import annotations

import contextvars
import dataclasses
import logging
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from budgetwatch.queries.store import DEFAULT_TIMEOUT_S, Store, current_scope

log = logging.getLogger("budgetwatch.page_cache")

DEFAULT_MB = 256
ENTRY_SHARE = 4          # one entry may take at most 1/4 of the cache (else it is not kept)
T = TypeVar("T")


def _limit_bytes() -> int:
    raw = os.environ.get("BUDGETWATCH_PAGE_CACHE_MB", "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MB
    except ValueError:
        mb = DEFAULT_MB
    return max(int(mb * 2**20), 0)


def size_of(value: Any, _depth: int = 0) -> int:
    """An estimate of the memory an answer holds (frames measured deeply, containers summed)."""
    if _depth > 6:
        return sys.getsizeof(value)
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=True).sum()) + 512
    if isinstance(value, pd.Series):
        return int(value.memory_usage(index=True, deep=True)) + 256
    if isinstance(value, (str, bytes)):
        return sys.getsizeof(value)
    if hasattr(value, "to_plotly_json") and hasattr(value, "to_json"):      # a Plotly figure
        return 3 * len(value.to_json()) + 4096
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(size_of(k, _depth + 1) + size_of(v, _depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(size_of(v, _depth + 1) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 64 + sum(size_of(getattr(value, f.name), _depth + 1) for f in dataclasses.fields(value))
    return sys.getsizeof(value)


def fresh(value: T) -> T:
    """The caller's own copy: frames copied (cheap for page-sized frames), containers and
    dataclasses rebuilt around them; immutable leaves shared."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy()
    if isinstance(value, dict):
        return {k: fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(fresh(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = [f for f in dataclasses.fields(value) if f.init]
        if any(isinstance(getattr(value, f.name), (pd.DataFrame, pd.Series, dict, list)) for f in fields):
            return dataclasses.replace(value, **{f.name: fresh(getattr(value, f.name)) for f in fields})
    return value


@dataclasses.dataclass
class _Flight:
    """One computation in progress; identical requests wait on ``done``."""
    done: threading.Event = dataclasses.field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None


@dataclasses.dataclass
class Stats:
    computed: int = 0        # computations run (misses that led)
    hits: int = 0            # answers served from the cache
    waited: int = 0          # requests that waited for another's computation
    dropped: int = 0         # entries dropped because a newer generation was found live
    evicted: int = 0         # entries pushed out by the byte bound


class PageCache:
    """The LRU of answers (bounded by bytes), the computations in flight, and the generation
    each data folder is at. Thread-safe; one per process (``CACHE``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._flights: dict[tuple, _Flight] = {}
        self._starting: set[tuple] = set()         # handed to a background thread (ready_or_start)
        self._live: dict[str, tuple] = {}          # data folder → generation id readers see now
        self.stats = Stats()

    # -- bookkeeping (call with the lock held) ------------------------------------------
    def _note_generation(self, folder: str, gen: tuple) -> None:
        if self._live.get(folder) == gen:
            return
        self._live[folder] = gen
        stale = [k for k in self._entries if k[0] == folder and k[1] != gen]
        for k in stale:
            self._bytes -= self._entries.pop(k)[1]
        self.stats.dropped += len(stale)
        if stale:
            log.info("page cache: %d answers of %s dropped (generation %s is live)", len(stale), folder, gen[0])

    def _hit(self, full: tuple) -> tuple[Any, int] | None:
        """The kept entry for ``full``, counted as a hit and made the most recent; None if absent."""
        hit = self._entries.get(full)
        if hit is not None:
            self._entries.move_to_end(full)
            self.stats.hits += 1
        return hit

    def _keep(self, key: tuple, value: Any, limit: int) -> None:
        if self._live.get(key[0]) != key[1]:        # computed on a generation no longer live
            return
        nbytes = size_of(value)
        if nbytes > limit // ENTRY_SHARE:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._entries[key] = (value, nbytes)
        self._bytes += nbytes
        while self._bytes > limit and self._entries:
            _, (_, n) = self._entries.popitem(last=False)
            self._bytes -= n
            self.stats.evicted += 1

    # -- the one entry point ------------------------------------------------------------
    def get(self, folder: str, gen: tuple, key: tuple, compute: Callable[[], T], limit: int,
            copy: Callable[[T], T] = None) -> T:
        give = copy or fresh
        full = (folder, gen, *key)
        with self._lock:
            self._note_generation(folder, gen)
            hit = self._hit(full)
            if hit is not None:
                return give(hit[0])
            flight = self._flights.get(full)
            leader = flight is None
            if leader:
                flight = self._flights[full] = _Flight()
                self.stats.computed += 1
            else:
                self.stats.waited += 1
        if not leader:
            if flight.done.wait(DEFAULT_TIMEOUT_S * 2):
                if flight.error is not None:
                    raise flight.error
                return give(flight.value)
            return compute()        # the leader is stuck beyond any query's time limit: go alone
        try:
            value = compute()
        except BaseException as exc:
            flight.error = exc
            raise
        else:
            flight.value = value
            with self._lock:
                self._keep(full, value, limit)
            return give(value)
        finally:
            with self._lock:
                self._flights.pop(full, None)
            flight.done.set()

    def forget(self, name: str) -> int:
        """Drop every kept answer of one question (benchmarks measure it computed)."""
        with self._lock:
            gone = [k for k in self._entries if k[3] == name]
            for k in gone:
                self._bytes -= self._entries.pop(k)[1]
        return len(gone)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._live.clear()
            self.stats = Stats()

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)


CACHE = PageCache()


def generation_id(store: Store) -> tuple | None:
    """What identifies the live generation's contents: (file name, inode, mtime); None when
    there is no data yet (nothing is cached then: the first load must show at once)."""
    path = store.current_path()
    if path is None:
        return None
    try:
        st = Path(path).stat()
    except FileNotFoundError:
        return None
    return (path.name, st.st_ino, st.st_mtime_ns, st.st_size)


def cached(store: Store, name: str, params: Hashable, compute: Callable[[Any], T], *, copy: bool = True) -> T:
    """``compute(con)`` on a read-only connection of the live generation — or the answer an
    earlier request of the same scope got for the same ``name`` and ``params`` of the same
    generation. ``params`` must be hashable and hold everything the answer depends on besides
    the data (dates as ``datetime.date`` or ISO text, never "today" implied). ``copy=False``
    hands the kept answer out shared, for callers that only read it (a large lookup dict)."""
    limit = _limit_bytes()

    def run() -> T:
        with store.reader() as con:
            return compute(con)

    if limit <= 0:
        return run()
    gen = generation_id(store)
    if gen is None:
        return run()
    key = (current_scope(), name, params)
    return CACHE.get(str(store.data_dir), gen, key, run, limit, copy=fresh if copy else _shared)


def ready_or_start(store: Store, name: str, params: Hashable, compute: Callable[[Any], T]) -> T | None:
    """The kept answer of ``cached(store, name, params, compute)``, or None at once — having
    started computing it on a thread of its own (once, whoever asks meanwhile), for something
    a page can show later (the header's notice) rather than make a member wait for, holding
    one of the server's few threads while every rule runs."""
    limit = _limit_bytes()
    gen = generation_id(store) if limit > 0 else None
    if gen is None:
        return cached(store, name, params, compute)
    folder, key = str(store.data_dir), (current_scope(), name, params)
    full = (folder, gen, *key)
    with CACHE._lock:
        CACHE._note_generation(folder, gen)
        hit = CACHE._hit(full)
        if hit is not None:
            return fresh(hit[0])
        if full in CACHE._flights or full in CACHE._starting:
            return None
        CACHE._starting.add(full)

    def run() -> None:
        try:
            cached(store, name, params, compute)
        except Exception:       # the next request starts it again; the log says why
            log.exception("page cache: %s computed in the background failed", name)
        finally:
            with CACHE._lock:
                CACHE._starting.discard(full)

    ctx = contextvars.copy_context()          # the same scope on the thread
    threading.Thread(target=ctx.run, args=(run,), name=f"page-cache-{name}", daemon=True).start()
    return None


def memo(store: Store, name: str, params: Hashable, build: Callable[[], T], *, copy: bool = False) -> T:
    """``build()`` — something made from cached answers without asking the data again, such as
    a page's Plotly figures (≈ 50 ms each to build, mostly Plotly's template) — kept under the
    same rules as ``cached``: per generation, scope, name and parameters, single-flight,
    bytes-bounded. The value is handed out as it is, shared, not copied: callers must not
    change it (Dash only serialises what a callback returns) — or, with ``copy``, as
    ``cached`` hands out its answers (frames copied)."""
    limit = _limit_bytes()
    gen = generation_id(store) if limit > 0 else None
    if gen is None:
        return build()
    return CACHE.get(str(store.data_dir), gen, (current_scope(), name, params), build, limit,
                     copy=fresh if copy else _shared)


def _shared(value: T) -> T:
    return value


def clear() -> None:
    """Forget every answer (tests; an operator's reload)."""
    CACHE.clear()
