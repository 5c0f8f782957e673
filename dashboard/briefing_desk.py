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
* A made briefing is kept, per (data generation, latest review, latest inquiry step,
  thresholds in force, the reader's department scope, format, year, as-of, department, top,
  language, today), so asking again costs nothing until the data, a review, an inquiry, the
  rules or the day change. At most ``entries`` briefings of the current generation and
  ``max_bytes`` in all are kept in memory, least recently used dropped first.
* With a ``folder`` (the server's: ``DATA_DIR/briefings``) each made briefing is also written
  there (mode 0600, written whole then renamed), so a restarted server, or another of its
  processes, serves it at once instead of making it again (~20 s). Files of another generation
  go when one of the new generation is kept; the oldest go beyond ``disk_bytes``. A folder
  that cannot be written only costs the speed-up (logged), never the briefing.

One desk per app (``app.server.config[DESK_KEY]``), nothing at module level.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from budgetwatch.errors import BudgetwatchError

log = logging.getLogger("budgetwatch.dashboard")

DESK_KEY = "budgetwatch.briefing_desk"
FOLDER = "briefings"                 # under the data folder
DISK_BYTES = 256 * 1024 * 1024
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
                 max_bytes: int = 64 * 1024 * 1024, folder: str | os.PathLike | None = None,
                 disk_bytes: int = DISK_BYTES):
        self.renders = renders or _renders_from_env()
        self.per_account = per_account
        self.entries, self.max_bytes = entries, max_bytes
        self.folder = Path(folder) if folder is not None else None
        self.disk_bytes = disk_bytes
        self._slots = threading.BoundedSemaphore(self.renders)
        self._lock = threading.Lock()
        self._mine: dict[str, int] = {}                 # account → briefings being made
        self._making: set[Hashable] = set()             # keys being made
        self._kept: OrderedDict[Hashable, Made] = OrderedDict()

    # -- the cache ------------------------------------------------------------------------
    def kept(self, key: Hashable) -> Made | None:
        """The briefing made for ``key`` (``key[0]``: the data generation), from memory or the folder."""
        with self._lock:
            made = self._kept.get(key)
            if made is not None:
                self._kept.move_to_end(key)
                return made
        made = self._read(key)
        if made is not None:
            self._remember(key, made, key[0])
        return made

    def keep(self, key: Hashable, made: Made, generation: Hashable) -> None:
        """Keep ``made`` under ``key``; briefings of other data generations are dropped."""
        self._remember(key, made, generation)
        self._write(key, made, generation)

    def _remember(self, key: Hashable, made: Made, generation: Hashable) -> None:
        with self._lock:
            for old in [k for k in self._kept if k[0] != generation]:
                del self._kept[old]
            self._kept[key] = made
            self._kept.move_to_end(key)
            while self._kept and (len(self._kept) > self.entries or
                                  sum(len(m.data) for m in self._kept.values()) > self.max_bytes):
                self._kept.popitem(last=False)

    # -- the folder -----------------------------------------------------------------------
    def _paths(self, key: Hashable) -> tuple[Path, Path]:
        digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:40]
        stem = self.folder / f"g{key[0]}-{digest}"
        return stem.with_suffix(".bin"), stem.with_suffix(".json")

    def _read(self, key: Hashable) -> Made | None:
        if self.folder is None:
            return None
        data_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("key") != repr(key):
                return None
            data = data_path.read_bytes()
        except (OSError, ValueError):
            return None
        if len(data) != meta.get("size"):
            return None
        os.utime(meta_path)          # recently used: the last to go when the folder is full
        return Made(data, meta["name"], meta["mimetype"], meta["detail"])

    def _write(self, key: Hashable, made: Made, generation: Hashable) -> None:
        if self.folder is None:
            return
        data_path, meta_path = self._paths(key)
        meta = {"key": repr(key), "size": len(made.data), **asdict(made)}
        del meta["data"]
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _write_whole(data_path, made.data)
            _write_whole(meta_path, json.dumps(meta, ensure_ascii=False, default=str).encode("utf-8"))
            self._tidy(f"g{generation}-")
        except OSError as exc:
            log.warning("briefing not kept in %s: %s", self.folder, exc)

    def _tidy(self, current: str) -> None:
        """Drop other generations' files, then the least recently used beyond ``disk_bytes``."""
        mine = []
        for path in self.folder.glob("g*-*.json"):
            if not path.name.startswith(current):
                _unlink(path, path.with_suffix(".bin"))
                continue
            try:
                mine.append((path.stat().st_mtime_ns, path, path.with_suffix(".bin").stat().st_size))
            except OSError:
                _unlink(path, path.with_suffix(".bin"))
        for path in self.folder.glob("g*-*.bin"):
            if not path.name.startswith(current):
                _unlink(path)
        total = sum(size for _, _, size in mine)
        for _, path, size in sorted(mine, key=lambda m: m[0]):
            if total <= self.disk_bytes:
                break
            _unlink(path, path.with_suffix(".bin"))
            total -= size

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


def _write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file (0600) beside ``path``, then rename it over ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except OSError:
            pass
