"""How many briefings are rendered at once, and which are kept once rendered.

A briefing takes one of the server's threads for 10–70 s and starts a headless Chromium
(~1.2 GB each): eight parallel ``/briefing.pdf`` requests from one member kept every
waitress thread busy and everyone else's pages waiting (issue 17, item 10). So:

* At most ``renders`` briefings are made at once (``BUDGETWATCH_BRIEFING_RENDERS``, default
  2), whoever asks; the rest of the server's threads stay free for pages. A request that finds
  every render slot taken is answered at once — 503 with a sentence and ``Retry-After`` —
  never queued: a request waiting for a slot would hold a thread just the same.
* One account has at most ``per_account`` briefing (default 1) being made; another request
  from it meanwhile gets 429.
* A briefing asked for while the same one is being made gets 503 "being made, reload".
* A made briefing is kept, per (data generation, latest review, thresholds in force, the
  reader's department scope, format, year, as-of, department, top, language), so asking again
  costs nothing until the data, a review or the rules change. At most ``entries`` briefings of
  the current generation and ``max_bytes`` in all are kept, least recently used dropped first.

One desk per app (``app.server.config[DESK_KEY]``), nothing at module level.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from budgetwatch.errors import BudgetwatchError

DESK_KEY = "budgetwatch.briefing_desk"
DEFAULT_RENDERS = 2
RETRY_MINE_S = 15
RETRY_BUSY_S = 30


@dataclass(frozen=True)
class Made:
    """A rendered briefing: the bytes and what the response and the audit log need."""
    data: bytes
    name: str
    mimetype: str
    detail: dict


class Busy(BudgetwatchError):
    """The render cannot start now; ``status``, ``message`` (Chinese / English), ``retry_after``."""

    def __init__(self, status: int, message: str, retry_after: int):
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def _renders_from_env() -> int:
    try:
        return max(1, int(os.environ.get("BUDGETWATCH_BRIEFING_RENDERS", DEFAULT_RENDERS)))
    except ValueError:
        return DEFAULT_RENDERS


class BriefingDesk:
    def __init__(self, renders: int | None = None, per_account: int = 1, entries: int = 16,
                 max_bytes: int = 64 * 1024 * 1024):
        self.renders = renders or _renders_from_env()
        self.per_account = per_account
        self.entries, self.max_bytes = entries, max_bytes
        self._slots = threading.BoundedSemaphore(self.renders)
        self._lock = threading.Lock()
        self._mine: dict[str, int] = {}                 # account → briefings being made
        self._making: set[Hashable] = set()             # keys being made
        self._kept: OrderedDict[Hashable, Made] = OrderedDict()

    # -- the cache ------------------------------------------------------------------------
    def kept(self, key: Hashable) -> Made | None:
        with self._lock:
            made = self._kept.get(key)
            if made is not None:
                self._kept.move_to_end(key)
            return made

    def keep(self, key: Hashable, made: Made, generation: Hashable) -> None:
        """Keep ``made`` under ``key``; briefings of other data generations are dropped."""
        with self._lock:
            for old in [k for k in self._kept if k[0] != generation]:
                del self._kept[old]
            self._kept[key] = made
            self._kept.move_to_end(key)
            while self._kept and (len(self._kept) > self.entries or
                                  sum(len(m.data) for m in self._kept.values()) > self.max_bytes):
                self._kept.popitem(last=False)

    # -- the limits -----------------------------------------------------------------------
    @contextmanager
    def render_slot(self, account: str, key: Hashable) -> Iterator[None]:
        """Hold one render slot for ``account`` making ``key``, or raise ``Busy`` at once."""
        with self._lock:
            if self._mine.get(account, 0) >= self.per_account:
                raise Busy(429, "您的一份简报正在生成，请等它完成后再试（约需数十秒） / A briefing of yours is "
                                "being made: wait for it to finish, then try again", RETRY_MINE_S)
            if key in self._making:
                raise Busy(503, "这份简报正在生成，请数秒后刷新 / This briefing is being made: reload in a few "
                                "seconds", RETRY_MINE_S)
            if not self._slots.acquire(blocking=False):
                raise Busy(503, f"简报生成繁忙：已有 {self.renders} 份正在生成，请稍后再试 / Briefings are busy: "
                                f"{self.renders} are being made, try again in a minute", RETRY_BUSY_S)
            self._mine[account] = self._mine.get(account, 0) + 1
            self._making.add(key)
        try:
            yield
        finally:
            with self._lock:
                self._making.discard(key)
                left = self._mine.get(account, 1) - 1
                if left:
                    self._mine[account] = left
                else:
                    self._mine.pop(account, None)
                self._slots.release()

    def busy(self) -> int:
        """Briefings being made now (for tests and logs)."""
        with self._lock:
            return len(self._making)
