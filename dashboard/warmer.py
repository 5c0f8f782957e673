"""The first member after a load waits no longer than the second: the server warms the views
everyone opens as soon as it sees a new generation.

The page cache keeps what a view computed for the live generation; a load publishes a new one,
so the first request after it computes everything again — at 10M payments the project list
took 6.8 s and the overview several seconds for that one member (issue 11). ``budgetwatch
serve`` runs this thread: every ``INTERVAL_S`` it looks at the live generation (a stat, no
connection) and, when it changed, builds the default views — overview, execution root,
both project lists, each in both languages, for an account that sees every department — through the pages' own
update functions, so exactly the same entries land in the page cache. Accounts limited to
departments still compute their own once (their scope is part of the key). Failures are
logged and left for the request to meet and explain; nothing here writes anything.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from budgetwatch.queries import page_cache
from budgetwatch.queries.store import Store, scoped

log = logging.getLogger("budgetwatch.warmer")
INTERVAL_S = 2.0


def _views() -> list[tuple[str, Callable[[Store], object]]]:
    from budgetwatch.dashboard.pages import overview
    from budgetwatch.dashboard.pages.execution import callbacks as execution
    from budgetwatch.dashboard.pages.projects import callbacks as projects
    from budgetwatch.dashboard.pages.projects.layout import VIEWS

    out = []
    for search in ("", "?lang=en"):
        out += [(f"overview{search}", lambda s, q=search: overview.update_overview(s, None, None, q)),
                (f"execution{search}", lambda s, q=search: execution.update_execution(s, {}, q))]
        out += [(f"projects.{v}{search}", lambda s, q=search, v=v: projects.update_projects(s, {"view": v}, q))
                for v in VIEWS]
    return out


def warm(store: Store, server=None) -> dict[str, float]:
    """Build every default view once; the seconds each took (a failed one: logged, skipped)."""
    took = {}
    for name, build in _views():
        started = time.perf_counter()
        try:
            with scoped(()):
                if server is not None:
                    with server.test_request_context("/"):
                        build(store)
                else:
                    build(store)
        except Exception:      # the request that meets it explains it; the warmer only logs
            log.exception("warming %s failed", name)
            continue
        took[name] = time.perf_counter() - started
    return took


def start(store: Store, server=None, interval_s: float = INTERVAL_S) -> threading.Thread:
    """The warming thread (a daemon: it never holds the server up on Ctrl+C)."""
    def loop() -> None:
        seen = None
        while True:
            try:
                gen = page_cache.generation_id(store)
            except Exception:          # an unusable folder: the pages say so
                gen = None
            if gen is not None and gen != seen:
                seen = gen
                took = warm(store, server)
                log.info("warmed %d views for generation %s in %.1f s", len(took), gen[0], sum(took.values()))
            time.sleep(interval_s)

    thread = threading.Thread(target=loop, name="budgetwatch-warmer", daemon=True)
    thread.start()
    return thread
