"""What is new for an account since its last visit: red warnings that appeared, inquiries that
became due without an answer, inquiries answered.

A *visit* is a signed-in session (its start time). The first time a session asks, the account's
record rolls over: what the previous session saw (its time and the red flags then firing)
becomes the baseline this session is compared with, and the current red flags are kept as the
next baseline. So the notice stays the same throughout a session and starts again with the next.
Kept in ``state.sqlite3`` (own table and migration, like queries/inquiries.py).
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pandas as pd

from budgetwatch.queries import inquiries as qi
from budgetwatch.queries import state
from budgetwatch.queries.accounts import User
from budgetwatch.queries.store import Store, scoped

COMPONENT = "notices"
MIGRATIONS: list[tuple[str, ...]] = [
    ("""CREATE TABLE IF NOT EXISTS visits (
            username      TEXT PRIMARY KEY,
            session_since TEXT NOT NULL,
            seen_at       TEXT NOT NULL,
            red_flags     TEXT NOT NULL DEFAULT '[]',
            prev_seen_at  TEXT,
            prev_red      TEXT
        )""",),
]
MAX_LISTED = 10


def connect(data_dir) -> sqlite3.Connection:
    con = state.connect(data_dir)
    con.execute("CREATE TABLE IF NOT EXISTS state_components (component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    row = con.execute("SELECT version FROM state_components WHERE component = ?", [COMPONENT]).fetchone()
    if row is None or row[0] < len(MIGRATIONS):
        with state.transaction(con):
            row = con.execute("SELECT version FROM state_components WHERE component = ?", [COMPONENT]).fetchone()
            for number in range((row[0] if row else 0) + 1, len(MIGRATIONS) + 1):
                for statement in MIGRATIONS[number - 1]:
                    con.execute(statement)
            con.execute("INSERT INTO state_components VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = ?",
                        [COMPONENT, len(MIGRATIONS), len(MIGRATIONS)])
    return con


def red_flags(store: Store, *, wait: bool = True) -> pd.DataFrame | None:
    """The active red (high) flags of the latest year with data, at its default as-of date
    (within the reader's scope). ``wait=False``: None when they are still being computed."""
    from budgetwatch.queries import flags as qf

    if store.current_path() is None:
        return pd.DataFrame(columns=["rule", "entity_key", "year", "message", "dept_code"])
    from budgetwatch.queries import page_cache
    years = page_cache.cached(store, "flags.years", (), qf.flag_years)    # every page asks: no connection
    if not years:
        return pd.DataFrame(columns=["rule", "entity_key", "year", "message", "dept_code"])
    return qf.active_high(store, years[0], wait=wait)


def _ids(frame: pd.DataFrame) -> list[str]:
    return [f"{r}|{k}|{y}" for r, k, y in zip(frame["rule"], frame["entity_key"], frame["year"])]


def _roll_over(con, user: User, since_key: str, now: dt.datetime, current: list[str]) -> tuple:
    """A first visit or a new session: record it (one short write) and return the previous
    session's (seen_at, red flags) — re-read inside the transaction, another request of the
    same account may have rolled it over meanwhile."""
    with state.transaction(con):
        row = con.execute("SELECT * FROM visits WHERE username = ?", [user.username]).fetchone()
        if row is None:
            con.execute("INSERT INTO visits (username, session_since, seen_at, red_flags) VALUES (?, ?, ?, ?)",
                        [user.username, since_key, now.isoformat(sep=" "), json.dumps(current)])
            return None, None
        if row["session_since"] != since_key:            # a new session: roll the baseline over
            con.execute("""UPDATE visits SET session_since = ?, seen_at = ?, red_flags = ?, prev_seen_at = ?,
                               prev_red = ? WHERE username = ?""",
                        [since_key, now.isoformat(sep=" "), json.dumps(current), row["seen_at"], row["red_flags"],
                         user.username])
            return row["seen_at"], row["red_flags"]
        return row["prev_seen_at"], row["prev_red"]


def whats_new(store: Store, user: User, session_since: float | str, *, now: dt.datetime | None = None,
              today: dt.date | None = None, wait: bool = True) -> dict | None:
    """``{"since", "red": frame, "due": frame, "answered": frame}`` — empty frames on a first visit.

    ``wait=False`` (the header, on every page): None, and nothing recorded, while the red flags
    of this generation and scope are still being computed — the visit is taken as seen only
    once they are known, so nothing new is missed; a page never waits for every rule to run."""
    now = now or dt.datetime.now().replace(microsecond=0)
    today = today or now.date()
    since_key = str(session_since)
    with scoped(user.depts):            # an account limited to departments: only its units' flags
        red = red_flags(store, wait=wait)
    if red is None:
        return None
    current = _ids(red)
    con = connect(store.data_dir)
    try:
        row = con.execute("SELECT * FROM visits WHERE username = ?", [user.username]).fetchone()
        if row is not None and row["session_since"] == since_key:     # the same session: read only
            prev_at, prev_red = row["prev_seen_at"], row["prev_red"]
        else:
            prev_at, prev_red = _roll_over(con, user, since_key, now, current)
    finally:
        con.close()

    empty = {"since": None, "red": red.head(0), "due": qi._empty_list(), "answered": qi._empty_list()}
    if prev_at is None:
        return empty
    seen = set(json.loads(prev_red or "[]"))
    new_red = red[[i not in seen for i in current]]
    inquiries = qi.list_inquiries(store, user, today=today)
    prev_day = prev_at[:10]
    due = inquiries[(inquiries["state"] == "sent") & (inquiries["due_date"] >= prev_day)
                    & (inquiries["due_date"] < today.isoformat())] if not inquiries.empty else inquiries
    con = qi.connect(store.data_dir)
    try:        # answers *recorded* since then (the answer's own date may lie earlier)
        recorded = {r[0] for r in con.execute(
            "SELECT DISTINCT inquiry_id FROM inquiry_events WHERE action = 'answer' AND at >= ?", [prev_at])}
    finally:
        con.close()
    answered = inquiries[inquiries["inquiry_id"].isin(recorded)] if not inquiries.empty else inquiries
    return {"since": prev_at, "red": new_red.reset_index(drop=True), "due": due.reset_index(drop=True),
            "answered": answered.reset_index(drop=True)}
