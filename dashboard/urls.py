"""The view lives in the URL query (``?year=2025&as_of=2025-06-30&lang=zh``): any view is a permalink."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode

from budgetwatch.dashboard.i18n import norm_lang


def parse_search(search: str | None) -> dict[str, str]:
    """``?a=1&b=2`` → ``{'a': '1', 'b': '2'}`` (the last value wins; blanks dropped)."""
    return dict(parse_qsl((search or "").lstrip("?")))


def build_search(params: dict[str, object]) -> str:
    """The inverse: ``None`` values are left out; ``''`` when nothing is left."""
    kept = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    return "?" + urlencode(kept) if kept else ""


def lang_of(search: str | None) -> str:
    return norm_lang(parse_search(search).get("lang"))


def with_params(search: str | None, **changes: object) -> str:
    """The same query with some parameters changed (``None`` removes one); order kept."""
    params: dict[str, object] = dict(parse_search(search))
    params.update(changes)
    return build_search(params)


def int_param(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def date_param(value: str | None) -> dt.date | None:
    """An ISO date (the date picker also sends ``2025-06-30T00:00:00``); None when unreadable."""
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
