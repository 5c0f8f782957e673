"""询问督办 Inquiries — the room where a warning becomes a question to the responsible unit and
is tracked until the committee closes it.

A page like the others (``PATH``, ``NAV_KEY``, ``layout(query, lang)``,
``register_callbacks(app, store)``), kept in its own folder: ``page_layout`` (pure components),
``callbacks`` (plain functions and their wiring, the letter and file routes), ``figures``
(frame → Figure), ``letter`` (the 询问函 as HTML/PDF), ``words`` (Chinese and English).
The data and every rule about it live in ``queries/inquiries.py``.
"""
from __future__ import annotations

PATH = "/inquiries"
NAV_KEY = "nav.inquiries"


def layout(query: dict[str, str], lang: str):
    from budgetwatch.dashboard.pages.inquiries.page_layout import layout as draw
    return draw(query, lang)


def register_callbacks(app, store) -> None:
    from budgetwatch.dashboard.pages.inquiries.callbacks import register
    register(app, store)
