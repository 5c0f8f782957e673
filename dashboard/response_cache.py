"""Finished callback answers shared by a crowd: the bytes Dash sent, not the work again.

With the page cache warm, a drill step still costs ~100 ms of the server's own Python — the
callback building its figures and grids, Dash turning them into JSON — on one core under the
GIL, and fifty members asking at once queue behind each other (issue 18: p95 9–16 s). The
answer of a *pure* page callback is a function of what the browser sent and of exactly these:

* the live generation (``page_cache`` keys on its file identity and drops a folder's entries
  when a newer one is live),
* the reader's scope (departments an account is limited to: never shared across scopes) and
  role (what a role may see or do is drawn differently),
* today's date (the time schedule, overdue counts), the state file (reviews, inquiries,
  accounts: any write to ``state.sqlite3`` — its WAL grows — starts a new key) and the
  thresholds file (``rules.toml``),
* and, as a bound on anything missed, a ``BUDGETWATCH_RESPONSE_CACHE_S`` window (default 60 s;
  0 turns it off).

So for the callbacks a page declares shareable (``share(server, output_id)`` in app.py, like
``security.protect``) the answer is kept in the page cache under that key, and identical
requests meanwhile wait for the first one (single-flight) instead of each building it. The
door (``security._guard``) has already run: an unsigned or forbidden request never gets here.
Only 200 answers are kept; a 204 (nothing to update) or an error goes back as it came.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time

from flask import Flask, Response, g, request

from budgetwatch.errors import BudgetwatchError
from budgetwatch.queries import page_cache, state
from budgetwatch.queries.store import Store, current_scope

_SHARED_KEY = "budgetwatch.shared_outputs"
ENDPOINT_RULE = "/_dash-update-component"
DEFAULT_S = 60


def window_s() -> float:
    raw = os.environ.get("BUDGETWATCH_RESPONSE_CACHE_S", "").strip()
    try:
        return max(float(raw), 0.0) if raw else float(DEFAULT_S)
    except ValueError:
        return float(DEFAULT_S)


class _NotKept(BudgetwatchError):
    """A response that is not a plain 200 answer: handed back, never kept (never shown)."""

    def __init__(self, response):
        super().__init__(zh="回答未保留", en="answer not kept")
        self.response = response


def share(server: Flask, output_id: str) -> None:
    """Answers of callbacks writing ``output_id`` are shared by everyone with the same key."""
    server.config.setdefault(_SHARED_KEY, set()).add(output_id)


def _shared_output(body: bytes, shared: set[str]) -> str | None:
    """The callback's output spec when it writes a shared output (read from the raw body:
    Dash sends ``"output":"..."`` first)."""
    import json
    try:
        output = json.loads(body).get("output", "")
    except (ValueError, AttributeError):
        return None
    return output if isinstance(output, str) and any(o in output for o in shared) else None


def install(server: Flask, store: Store) -> None:
    """Wrap Dash's callback endpoint (after the door, which runs before any view)."""
    endpoint = next(r.endpoint for r in server.url_map.iter_rules() if r.rule == ENDPOINT_RULE)
    view = server.view_functions[endpoint]

    def shared_view(*args, **kwargs):
        window = window_s()
        shared = server.config.get(_SHARED_KEY, set())
        limit = page_cache._limit_bytes()
        user = g.get("user")
        if not window or not shared or limit <= 0 or user is None:
            return view(*args, **kwargs)
        body = request.get_data(cache=True)
        output = _shared_output(body, shared)
        gen = page_cache.generation_id(store) if output else None
        if gen is None:
            return view(*args, **kwargs)
        key = (current_scope(), "response",
               (hashlib.sha256(body).hexdigest(), user.role, dt.date.today().isoformat(),
                state.stamp(store.data_dir), int(time.time() // window)))

        mine = []

        def compute() -> tuple[bytes, str]:
            mine.append(True)
            resp = server.make_response(view(*args, **kwargs))
            if resp.status_code != 200 or resp.direct_passthrough:
                raise _NotKept(resp)
            return resp.get_data(), resp.mimetype

        try:
            data, mimetype = page_cache.CACHE.get(str(store.data_dir), gen, key, compute, limit,
                                                  copy=lambda v: v)
        except _NotKept as exc:      # ours goes back as it came; a waiter asks again on its own
            return exc.response if mine else view(*args, **kwargs)
        return Response(data, status=200, mimetype=mimetype)

    server.view_functions[endpoint] = shared_view
