"""Who is at the keyboard, and what they may do — asked by pages and callbacks.

The user comes from the request's session (``dashboard/security.py`` puts it on
``flask.g`` after checking it). Callbacks that change things check the role here as well as
at the door, so a forged callback request is refused twice. Outside a request — a callback
called as a function in a test — nobody is signed in unless the code says who with
``acting_as(user)``.
"""
from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from flask import g, has_request_context

from budgetwatch.queries.accounts import User

_acting: contextvars.ContextVar[User | None] = contextvars.ContextVar("budgetwatch_acting_user", default=None)


def user() -> User | None:
    """The signed-in account, or None."""
    acting = _acting.get()
    if acting is not None:
        return acting
    if has_request_context():
        return g.get("user")
    return None


@contextlib.contextmanager
def acting_as(account: User | None) -> Iterator[None]:
    """Run code as ``account`` (tests, and jobs started on someone's behalf)."""
    token = _acting.set(account)
    try:
        yield
    finally:
        _acting.reset(token)


def current_user() -> str | None:
    """The signed-in person's user name (recorded as loader and reviewer), or None."""
    u = user()
    return u.username if u else None


def _has(name: str | None, role: str) -> bool:
    u = user()
    return u is not None and u.username == name and u.can(role)


def can_upload(name: str | None) -> bool:
    """May this person load data files from the data page? Staff and admins."""
    return _has(name, "staff")


def can_review(name: str | None) -> bool:
    """May this person record a review of a warning? Staff and admins."""
    return _has(name, "staff")


def can_admin(name: str | None) -> bool:
    """May this person manage accounts and read the audit log? Admins."""
    return _has(name, "admin")


def allowed_depts() -> tuple[str, ...]:
    """Top-level departments the account is limited to; empty means all."""
    u = user()
    return u.depts if u else ()
