"""Accounts, roles and the audit log, kept in ``state.sqlite3`` (see queries/state.py).

Passwords are stored only as werkzeug's salted scrypt hashes. Roles nest: a committee
``member`` reads everything and exports; ``staff`` also loads feeds and reviews warnings;
``admin`` also manages accounts. An account may be limited to some top-level departments.
After ``LOCK_AFTER`` failed logins within ``LOCK_WINDOW`` an account is locked for the rest
of that window, whatever password is tried.

Each login starts a session recorded here (the cookie carries only its random id); every request
checks that the record still exists. Logging out ends one session; a new password, a new role or
disabling the account ends all of the account's sessions — a cookie copied before any of these
opens nothing afterwards.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass, field

from werkzeug.security import check_password_hash, generate_password_hash

from budgetwatch.errors import BudgetwatchError
from budgetwatch.queries import state

ROLES = ("member", "staff", "admin")
ROLE_NAMES = {"member": ("委员", "committee member"), "staff": ("工作人员", "staff"), "admin": ("管理员", "administrator")}
LOCK_AFTER = 5
LOCK_WINDOW = dt.timedelta(minutes=15)
MIN_PASSWORD = 10
SESSION_MAX = dt.timedelta(hours=12)   # no session outlives this (dashboard/security.py MAX_HOURS)
_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,40}$")
# A hash to check against when the user does not exist, so timing does not tell who exists.
_DUMMY_HASH = generate_password_hash("budgetwatch-no-such-user")


class AccountError(BudgetwatchError, ValueError):
    """A refused account change, said in Chinese and English."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    depts: tuple[str, ...] = ()
    display_name: str = ""
    disabled: bool = False

    def can(self, role: str) -> bool:
        """Has at least ``role`` (roles nest: member < staff < admin)."""
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def limited(self) -> bool:
        return bool(self.depts)

    def as_dict(self) -> dict:
        return {"username": self.username, "role": self.role, "depts": list(self.depts),
                "display_name": self.display_name, "disabled": self.disabled}


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _row_user(row) -> User:
    return User(row["username"], row["role"], tuple(json.loads(row["depts"] or "[]")), row["display_name"],
                bool(row["disabled"]))


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少{MIN_PASSWORD}个字符 / the password needs at least {MIN_PASSWORD} characters")
    if password.isdigit() or password.isalpha():
        raise AccountError("密码须同时含字母和数字或符号 / the password must mix letters with digits or symbols")


def add_user(data_dir, username: str, password: str, role: str, *, depts: list[str] | None = None,
             display_name: str = "", actor: str = "system") -> User:
    if not _NAME.match(username):
        raise AccountError("用户名须为2–40个字母、数字、汉字或 _ . - / the user name must be 2–40 letters, digits, "
                           "Chinese characters or _ . -")
    if role not in ROLES:
        raise AccountError(f"角色须为 {'/'.join(ROLES)} / the role must be one of {', '.join(ROLES)}")
    check_password_strength(password)
    now = _now().isoformat(sep=" ")
    con = state.connect(data_dir)
    try:
        with state.transaction(con):
            if con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
                raise AccountError(f"用户 {username} 已存在 / user {username} already exists")
            con.execute("INSERT INTO users (username, password_hash, role, depts, display_name, created_at, "
                        "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [username, generate_password_hash(password), role, json.dumps(depts or []),
                         display_name, now, now])
            record(con, actor, "user.add", username, {"role": role, "depts": depts or []})
    finally:
        con.close()
    return User(username, role, tuple(depts or ()), display_name)


def set_password(data_dir, username: str, password: str, *, actor: str = "system") -> None:
    check_password_strength(password)
    _update(data_dir, username, actor, "user.passwd", {},
            "password_hash = ?, password_changed_at = ?", [generate_password_hash(password),
                                                           _now().isoformat(sep=" ")], end_sessions=True)
    con = state.connect(data_dir)
    try:
        con.execute("DELETE FROM login_failures WHERE username = ?", [username])
    finally:
        con.close()


def set_disabled(data_dir, username: str, disabled: bool, *, actor: str = "system") -> None:
    _update(data_dir, username, actor, "user.disable" if disabled else "user.enable", {},
            "disabled = ?", [int(disabled)], end_sessions=disabled)


def set_role(data_dir, username: str, role: str, depts: list[str] | None = None, *, actor: str = "system") -> None:
    if role not in ROLES:
        raise AccountError(f"角色须为 {'/'.join(ROLES)} / the role must be one of {', '.join(ROLES)}")
    _update(data_dir, username, actor, "user.role", {"role": role, "depts": depts or []},
            "role = ?, depts = ?", [role, json.dumps(depts or [])], end_sessions=True)


def _update(data_dir, username: str, actor: str, action: str, detail: dict, assignments: str, values: list,
            *, end_sessions: bool = False) -> None:
    con = state.connect(data_dir)
    try:
        with state.transaction(con):
            cur = con.execute(f"UPDATE users SET {assignments} WHERE username = ?", [*values, username])
            if cur.rowcount == 0:
                raise AccountError(f"没有用户 {username} / no user {username}")
            if end_sessions:
                ended = con.execute("DELETE FROM sessions WHERE username = ?", [username]).rowcount
                detail = {**detail, "sessions_ended": ended}
            record(con, actor, action, username, detail)
    finally:
        con.close()


# -- sessions -----------------------------------------------------------------------------

def _sid_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _start_session(con, username: str, now: dt.datetime) -> str:
    """Record a new session (inside the caller's write) and return its id for the cookie."""
    token = secrets.token_urlsafe(32)
    con.execute("DELETE FROM sessions WHERE created_at < ?", [(now - SESSION_MAX).isoformat(sep=" ")])
    con.execute("INSERT INTO sessions (sid_hash, username, created_at) VALUES (?, ?, ?)",
                [_sid_hash(token), username, now.isoformat(sep=" ")])
    return token


def session_user(data_dir, token: str | None) -> User | None:
    """The enabled account whose live session ``token`` is; None when the session was ended
    (logout, new password, new role, disabled), is unknown or too old."""
    if not token:
        return None
    since = (_now() - SESSION_MAX).isoformat(sep=" ")
    with state.kept(data_dir) as con:           # every request asks: a connection kept per thread
        row = con.execute("SELECT u.* FROM sessions s JOIN users u ON u.username = s.username "
                          "WHERE s.sid_hash = ? AND s.created_at >= ?", [_sid_hash(token), since]).fetchone()
    if row is None or row["disabled"]:
        return None
    return _row_user(row)


def end_session(data_dir, token: str | None) -> None:
    """Logging out: this session only."""
    if not token:
        return
    con = state.connect(data_dir)
    try:
        con.execute("DELETE FROM sessions WHERE sid_hash = ?", [_sid_hash(token)])
    finally:
        con.close()


def end_sessions(data_dir, username: str, *, actor: str = "system") -> int:
    """Sign an account out everywhere; returns how many sessions were ended."""
    con = state.connect(data_dir)
    try:
        with state.transaction(con):
            if not con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
                raise AccountError(f"没有用户 {username} / no user {username}")
            ended = con.execute("DELETE FROM sessions WHERE username = ?", [username]).rowcount
            record(con, actor, "user.logout", username, {"sessions_ended": ended})
        return ended
    finally:
        con.close()


def count_sessions(data_dir, username: str) -> int:
    con = state.connect(data_dir)
    try:
        return con.execute("SELECT count(*) FROM sessions WHERE username = ?", [username]).fetchone()[0]
    finally:
        con.close()


def get_user(data_dir, username: str) -> User | None:
    con = state.connect(data_dir)
    try:
        row = con.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
    finally:
        con.close()
    return _row_user(row) if row else None


def list_users(data_dir) -> list[User]:
    con = state.connect(data_dir)
    try:
        return [_row_user(r) for r in con.execute("SELECT * FROM users ORDER BY username")]
    finally:
        con.close()


def count_users(data_dir) -> int:
    con = state.connect(data_dir)
    try:
        return con.execute("SELECT count(*) FROM users WHERE NOT disabled").fetchone()[0]
    finally:
        con.close()


@dataclass
class LoginResult:
    user: User | None
    reason: str = ""          # bad_credentials / locked / disabled
    locked_until: dt.datetime | None = None
    failures: int = 0
    extra: dict = field(default_factory=dict)
    session: str = ""         # the new session's id, for the cookie (successful logins only)


def authenticate(data_dir, username: str, password: str, ip: str = "") -> LoginResult:
    """Check a login; failures are counted and logged, and lock the account for a while.

    Three steps, so a crowd logging in at once never queues on the write lock: read the account
    and its recent failures (no lock), check the password hash (slow on purpose, and outside
    any transaction), then one short write — the failure, or the success with its new
    session — which checks again that nothing changed in between (a lock reached by parallel
    failures, a new password). ``StateError`` when the state file is busy or read-only."""
    now = _now()
    since = (now - LOCK_WINDOW).isoformat(sep=" ")
    con = state.connect(data_dir)
    try:
        failures = con.execute("SELECT count(*), max(at) FROM login_failures WHERE username = ? AND at >= ?",
                               [username, since]).fetchone()
        row = con.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
        if failures[0] >= LOCK_AFTER:
            with state.transaction(con):
                record(con, username, "login", username, {"reason": "locked"}, ip, outcome="refused")
            return LoginResult(None, "locked", dt.datetime.fromisoformat(failures[1]) + LOCK_WINDOW, failures[0])
        ok = check_password_hash(row["password_hash"] if row else _DUMMY_HASH, password) and row is not None
        with state.transaction(con):
            if ok:
                now_row = con.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
                again = con.execute("SELECT count(*), max(at) FROM login_failures WHERE username = ? AND at >= ?",
                                    [username, since]).fetchone()
                if again[0] >= LOCK_AFTER:
                    record(con, username, "login", username, {"reason": "locked"}, ip, outcome="refused")
                    return LoginResult(None, "locked", dt.datetime.fromisoformat(again[1]) + LOCK_WINDOW, again[0])
                ok = now_row is not None and now_row["password_hash"] == row["password_hash"]
                row = now_row
            if not ok:
                con.execute("INSERT INTO login_failures (username, ip, at) VALUES (?, ?, ?)",
                            [username, ip, now.isoformat(sep=" ")])
                record(con, username, "login", username, {"reason": "bad_credentials"}, ip, outcome="refused")
                return LoginResult(None, "bad_credentials", failures=failures[0] + 1)
            if row["disabled"]:
                record(con, username, "login", username, {"reason": "disabled"}, ip, outcome="refused")
                return LoginResult(None, "disabled")
            con.execute("DELETE FROM login_failures WHERE username = ?", [username])
            record(con, username, "login", username, {}, ip)
            return LoginResult(_row_user(row), session=_start_session(con, username, now))
    finally:
        con.close()


# -- the audit log ----------------------------------------------------------------------

def record(con, actor: str, action: str, target: str = "", detail: dict | None = None, ip: str = "",
         outcome: str = "ok") -> None:
    con.execute("INSERT INTO audit_log (at, actor, action, target, detail, ip, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [_now().isoformat(sep=" "), actor, action, target,
                 json.dumps(detail or {}, ensure_ascii=False, default=str), ip, outcome])


def log_event(data_dir, actor: str, action: str, target: str = "", detail: dict | None = None, ip: str = "",
              outcome: str = "ok", *, must: bool = True) -> None:
    """Record who did what: loads, reviews, exports, account changes, logins.

    ``must=False`` (a signed-in person reading or downloading): when the state file is busy or
    read-only the event goes to the server log, whole, instead of failing the read; the CLI and
    everything that changes data keep ``must=True`` and stop with the file named."""
    try:
        con = state.connect(data_dir)
        try:
            record(con, actor, action, target, detail, ip, outcome)
        finally:
            con.close()
    except state.StateError as exc:
        if must:
            raise
        logging.getLogger("budgetwatch.audit").error(
            "audit event not recorded in the state database (%s): %s", exc.kind,
            json.dumps({"actor": actor, "action": action, "target": target, "detail": detail or {}, "ip": ip,
                        "outcome": outcome, "at": _now().isoformat(sep=" ")}, ensure_ascii=False, default=str))


def audit_events(data_dir, *, limit: int = 1000, action: str | None = None, actor: str | None = None):
    """The newest events first, as a pandas frame."""
    import pandas as pd

    where, params = [], []
    if action:
        where.append("action LIKE ?")
        params.append(action.rstrip("*") + "%")
    if actor:
        where.append("actor = ?")
        params.append(actor)
    sql = ("SELECT event_id, at, actor, action, target, detail, ip, outcome FROM audit_log"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY event_id DESC LIMIT ?")
    con = state.connect(data_dir)
    try:
        return pd.read_sql_query(sql, con, params=[*params, int(limit)])
    finally:
        con.close()


def secret_key(data_dir) -> bytes:
    """$BUDGETWATCH_SECRET_KEY, else DATA_DIR/secret_key (made on first use, readable by its owner only)."""
    env = os.environ.get("BUDGETWATCH_SECRET_KEY")
    if env:
        return env.encode()
    path = state.path_for(data_dir).with_name("secret_key")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        key = os.urandom(32).hex().encode()
        fh.write(key)
    return key
