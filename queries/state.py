"""The small state that outlives every data load: ``DATA_DIR/state.sqlite3``.

The DuckDB data database is replaced by each load (see store.py), so whatever people add by
hand — reviews of flags now; the audit log and the load log later — lives here, in SQLite
(WAL mode: readers never wait for a writer). Writes are short transactions taken at once
(``transaction``): when another process holds the write lock, taking it is retried with a
growing pause for up to ``WRITE_WAIT_S``. Nothing slow — a password hash, a query of the data
— ever runs inside one.

When the file cannot be used — busy past the wait, read-only, missing its folder — the error
is a ``StateError`` whose message names the file and says what to do, in Chinese and English:
the dashboard answers 503 with it and the CLI prints it.

Migrations are a list: step *n* (1-based) is a tuple of statements, applied once, in one
transaction, and recorded in ``PRAGMA user_version``. To change the schema append a step;
never edit a step that has shipped.
"""
from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from budgetwatch.errors import BudgetwatchError
from budgetwatch.queries.store import resolve_data_dir

FILE_NAME = "state.sqlite3"
BUSY_TIMEOUT_MS = 2_000          # one wait inside SQLite; transaction() retries around it
WRITE_WAIT_S = float(os.environ.get("BUDGETWATCH_STATE_WAIT_S", "10"))   # in all, to start a write


class StateError(BudgetwatchError, sqlite3.OperationalError):
    """state.sqlite3 cannot be used now. ``kind`` is ``busy``, ``readonly`` or ``unavailable``;
    the message names the file and what to do, in Chinese and English (still an
    ``sqlite3.OperationalError``, so code that caught SQLite's errors catches it)."""

    def __init__(self, kind: str, path: os.PathLike | str, cause: BaseException | None = None):
        self.kind, self.path = kind, str(path)
        zh, en = _SAY[kind]
        super().__init__(zh=zh.format(path=self.path), en=en.format(path=self.path))
        if cause is not None:           # SQLite's own words, for the log
            self.args = (f"{self.args[0]} ({cause})",)


_SAY = {
    "busy": ("状态库 {path} 正被另一个进程占用，暂时无法写入。请稍后重试；若持续超过一分钟，请检查是否有卡住的"
             " budgetwatch 或 sqlite3 进程（已登录的用户仍可浏览）",
             "the state database {path} is busy: another process holds it. Try again in a moment; if it lasts "
             "more than a minute, look for a stuck budgetwatch or sqlite3 process (people already signed in "
             "can still read)"),
    "readonly": ("状态库 {path} 是只读的，无法记录登录、复核和操作日志。请管理员让运行 budgetwatch 的用户对该文件及其"
                 "所在文件夹有写权限（已登录的用户仍可浏览）",
                 "the state database {path} is read-only, so logins, reviews and the audit log cannot be "
                 "recorded. Ask the administrator to give the user running budgetwatch write access to the file "
                 "and its folder (people already signed in can still read)"),
    "unavailable": ("无法打开状态库 {path}。请检查该文件及其文件夹是否存在、磁盘是否已满、权限是否正确",
                    "the state database {path} cannot be opened. Check that the file and its folder exist, "
                    "that the disk is not full and that the permissions are right"),
}


def _kind(exc: BaseException) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "busy"
    if "readonly" in text or "read-only" in text:
        return "readonly"
    return "unavailable"


class _Connection(sqlite3.Connection):
    """A connection whose failures name the file (``StateError``) instead of a bare
    "database is locked" that nobody can act on."""

    state_path = ""

    def execute(self, *args, **kw):
        try:
            return super().execute(*args, **kw)
        except StateError:
            raise
        except sqlite3.OperationalError as exc:
            raise StateError(_kind(exc), self.state_path, exc) from exc

    def executemany(self, *args, **kw):
        try:
            return super().executemany(*args, **kw)
        except StateError:
            raise
        except sqlite3.OperationalError as exc:
            raise StateError(_kind(exc), self.state_path, exc) from exc

MIGRATIONS: list[tuple[str, ...]] = [
    # 1: reviews of warning flags. Every review is kept (the history); the latest per flag
    #    identity (rule, entity_key, year) is the flag's review status. The flag_* columns
    #    hold what the flag said when it was reviewed, to show it after it stops firing.
    (
        """CREATE TABLE IF NOT EXISTS flag_reviews (
            review_id    INTEGER PRIMARY KEY AUTOINCREMENT,
            rule         TEXT    NOT NULL,
            entity_key   TEXT    NOT NULL,
            year         INTEGER NOT NULL,
            status       TEXT    NOT NULL CHECK (status IN ('confirmed', 'dismissed', 'referred')),
            note         TEXT    NOT NULL DEFAULT '',
            reviewer     TEXT    NOT NULL,
            reviewed_at  TEXT    NOT NULL,
            flag_severity    TEXT,
            flag_entity_type TEXT,
            flag_amount      REAL,
            flag_message     TEXT,
            flag_title       TEXT,
            flag_dept_code   TEXT,
            flag_evidence    TEXT,
            flag_as_of       TEXT
        )""",
        """CREATE INDEX IF NOT EXISTS flag_reviews_identity
           ON flag_reviews (rule, entity_key, year, review_id)""",
        "CREATE INDEX IF NOT EXISTS flag_reviews_year ON flag_reviews (year)",
    ),
    # 2: accounts, failed logins (for lockout) and the audit log of who did what.
    #    password_hash is a salted scrypt hash from werkzeug; depts, when set, is a JSON list of
    #    top-level department codes the account may see (empty = everything).
    (
        """CREATE TABLE IF NOT EXISTS users (
            username      TEXT PRIMARY KEY,
            password_hash TEXT    NOT NULL,
            role          TEXT    NOT NULL CHECK (role IN ('member', 'staff', 'admin')),
            depts         TEXT    NOT NULL DEFAULT '[]',
            display_name  TEXT    NOT NULL DEFAULT '',
            disabled      INTEGER NOT NULL DEFAULT 0,
            created_at    TEXT    NOT NULL,
            password_changed_at TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS login_failures (
            username  TEXT NOT NULL,
            ip        TEXT,
            at        TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS login_failures_user ON login_failures (username, at)",
        """CREATE TABLE IF NOT EXISTS audit_log (
            event_id  INTEGER PRIMARY KEY AUTOINCREMENT,
            at        TEXT NOT NULL,
            actor     TEXT NOT NULL,
            action    TEXT NOT NULL,
            target    TEXT NOT NULL DEFAULT '',
            detail    TEXT NOT NULL DEFAULT '{}',
            ip        TEXT NOT NULL DEFAULT '',
            outcome   TEXT NOT NULL DEFAULT 'ok'
        )""",
        "CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)",
    ),
    # 3: signed-in sessions, kept on the server so that logging out, a new password, a new role
    #    or disabling the account ends them (a signed cookie alone cannot be taken back).
    #    sid_hash is the sha256 of the random session id the cookie carries.
    (
        """CREATE TABLE IF NOT EXISTS sessions (
            sid_hash   TEXT PRIMARY KEY,
            username   TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS sessions_user ON sessions (username)",
    ),
    # 4: what a reviewed flag said in English too (its message_en), to show it once resolved.
    (
        "ALTER TABLE flag_reviews ADD COLUMN flag_message_en TEXT",
    ),
]


def path_for(data_dir: str | os.PathLike | None) -> Path:
    return resolve_data_dir(data_dir) / FILE_NAME


def _file_stamp(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def stamp(data_dir: str | os.PathLike | None) -> tuple:
    """What changes when anything is written to the state file — reviews, inquiries, accounts —
    or to the thresholds (``rules.toml``), without opening either: the WAL grows or is restarted
    on every commit, the main file changes at checkpoints. For answers kept while it stays the
    same (the page cache's state-derived flags, shared callback answers); a write landing in
    the same clock tick as a WAL restart could look unchanged, so keepers also bound by time."""
    base = path_for(data_dir)
    return (_file_stamp(base), _file_stamp(base.with_name(base.name + "-wal")),
            _file_stamp(resolve_data_dir(data_dir) / "rules.toml"))


def connect(data_dir: str | os.PathLike | None = None) -> sqlite3.Connection:
    """A connection to the state file, created and migrated if needed.

    Autocommit mode: use ``with transaction(con):`` (or single statements) to write."""
    path = path_for(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _open(path)
    except StateError:
        raise
    except (OSError, sqlite3.Error) as exc:
        raise StateError(_kind(exc), path, exc) from exc
    try:
        con.state_path = str(path)
        con.row_factory = sqlite3.Row
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA foreign_keys = ON")
        migrate(con)
    except BaseException:
        con.close()
        raise
    return con


_KEPT = threading.local()       # per thread: state file path → (inode, connection)


@contextlib.contextmanager
def kept(data_dir: str | os.PathLike | None = None) -> Iterator[sqlite3.Connection]:
    """A connection of this thread's own, kept open between requests, for the reads every
    request makes (the session check): opening, configuring and checking the schema of a new
    connection is ≈ 10 ms, more than the read. In autocommit mode each statement reads the
    latest commit (WAL), so keeping it changes nothing of what is seen. A file replaced under
    it (another inode) gets a new connection; a connection that failed is dropped."""
    path = path_for(data_dir)
    try:
        inode = path.stat().st_ino
    except OSError:
        inode = None
    cons = getattr(_KEPT, "cons", None)
    if cons is None:
        cons = _KEPT.cons = {}
    entry = cons.pop(str(path), None)
    if entry is not None and (inode is None or entry[0] != inode):
        entry[1].close()
        entry = None
    con = entry[1] if entry is not None else connect(data_dir)
    try:
        yield con
    except BaseException:
        con.close()
        raise
    try:
        cons[str(path)] = (path.stat().st_ino, con)
    except OSError:
        con.close()


def _open(path: Path) -> sqlite3.Connection:
    """The one place the file is opened (tests open it read-only here to play a read-only disk)."""
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, factory=_Connection,
                           check_same_thread=False)


def migrate(con: sqlite3.Connection) -> int:
    """Apply the steps not applied yet; returns the schema version."""
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return version
    _begin(con)
    try:
        # Another process may have migrated while we waited for the lock.
        version = con.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version + 1, len(MIGRATIONS) + 1):
            for statement in MIGRATIONS[number - 1]:
                con.execute(statement)
            con.execute(f"PRAGMA user_version = {int(number)}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)


def _begin(con: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, retried with a growing, jittered pause while another writer holds the
    lock, for up to ``WRITE_WAIT_S`` in all; then ``StateError('busy')``."""
    deadline = time.monotonic() + WRITE_WAIT_S
    pause = 0.02
    while True:
        try:
            con.execute("BEGIN IMMEDIATE")
            return
        except StateError as exc:
            if exc.kind != "busy" or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 0.5)


@contextlib.contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One short write transaction (taken at once, so two writers never deadlock). Keep it
    short: no password hashing, no data queries inside."""
    _begin(con)
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
