"""Who is at the keyboard, and what they may do: the seam for accounts and roles.

Accounts and roles come later. Until then nobody is signed in (``current_user()`` is None:
the review form asks for a name) and everyone may upload. Pages ask only these functions, so
the later auth work replaces their bodies and nothing else.
"""
from __future__ import annotations


def current_user() -> str | None:
    """The signed-in person's display name, or None when nobody is signed in."""
    return None


def can_upload(user: str | None) -> bool:
    """May this person load data files from the data page? (Staff only, later.)"""
    return True


def can_review(user: str | None) -> bool:
    """May this person record a review of a warning? (Staff only, later.)"""
    return True
