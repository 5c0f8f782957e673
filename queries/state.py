"""The small state that outlives every data load: ``DATA_DIR/state.sqlite3``.

The DuckDB data database is replaced by each load (see store.py), so whatever people add by
hand — reviews of flags now; the audit log and the load log later — lives here, in SQLite
(WAL mode: readers never wait for a writer; a writer waits up to ``BUSY_TIMEOUT_MS`` for
another).

Migrations are a list: step *n* (1-based) is a tuple of statements, applied once, in one
transaction, and recorded in ``PRAGMA user_version``. To change the schema append a step;
never edit a step that has shipped.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from budgetwatch.queries.store import resolve_data_dir

FILE_NAME = "state.sqlite3"
BUSY_TIMEOUT_MS = 10_000

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
]


def path_for(data_dir: str | os.PathLike | None) -> Path:
    return resolve_data_dir(data_dir) / FILE_NAME


def connect(data_dir: str | os.PathLike | None = None) -> sqlite3.Connection:
    """A connection to the state file, created and migrated if needed.

    Autocommit mode: use ``with transaction(con):`` (or single statements) to write."""
    path = path_for(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA foreign_keys = ON")
    migrate(con)
    return con


def migrate(con: sqlite3.Connection) -> int:
    """Apply the steps not applied yet; returns the schema version."""
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return version
    con.execute("BEGIN IMMEDIATE")
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


@contextlib.contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (taken at once, so two writers never deadlock)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
