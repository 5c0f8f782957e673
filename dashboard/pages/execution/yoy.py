"""同比: the level table's 上年同期, 增减 and 增幅 columns, shown when the URL says ``yoy=1``.

A toggle rather than always on: the table already has eight columns (three more do not fit a
phone without scrolling), and the year before costs one more query (≈ 50–90 ms at 20M
payments from ``payments_daily``) that most views do not need. ``yoy=1`` is part of the URL,
so a comparison is a permalink like any view. When the year before holds no payment at all the
columns say 无上年数据 instead of 0.00.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.page_tables import yoy_columns as columns, yoy_export_columns
from budgetwatch.dashboard.page_tables import yoy_row_values as row_values
from budgetwatch.queries import compare as qc
from budgetwatch.queries import execution as q
from budgetwatch.queries.store import Store

__all__ = ["columns", "row_values", "wanted", "with_prior", "compact", "note", "card_note", "export_columns"]


def wanted(state: dict) -> bool:
    return str(state.get("yoy") or "") == "1"


def with_prior(store: Store, node: q.Node, year: int, as_of: dt.date,
               frame: pd.DataFrame) -> tuple[pd.DataFrame, qc.Prior]:
    """The level with prior, change and growth (``queries.compare.with_prior``), the year
    before asked once per generation, scope and view."""
    prior = qc.prior_cached(store, node, year, as_of)
    return qc.with_prior(frame, prior), prior


def compact(level_columns: list[dict], lang: str, unit: fmt.MoneyUnit, held: bool) -> list[dict]:
    """The level's columns and the three more, narrowed so that eleven fit a wide screen
    without scrolling (headers wrap; a phone scrolls sideways as before)."""
    out = []
    for col in level_columns + columns(lang, unit, held):
        col = {**col, "minWidth": {"code": 90, "name": 150}.get(col["field"], 96), "flex": 2 if col["field"] == "name" else 1}
        col.pop("maxWidth", None)
        out.append(col)
    return out


def note(prior: qc.Prior, year: int, lang: str) -> str:
    """One line under the table's title: which days 上年同期 counts, or that there are none."""
    if not prior.held:
        return t("yoy.note_none", lang, year=year - 1)
    return t("yoy.note", lang, year=year - 1, date=fmt.date(prior.day, lang))


def card_note(prior: qc.Prior, node: q.Node, spent: float, lang: str) -> str:
    """The spent card's second line: 上年同期 and 增幅, or 无上年数据."""
    total = qc.prior_total(prior, node)
    if total is None:
        return t("yoy.card_none", lang)
    growth = f"{(spent - total) / total * 100:+.1f}%" if total > 0 else "—"
    return t("yoy.card", lang, prior=fmt.money(total, lang), growth=growth)


def export_columns(frame: pd.DataFrame, rows: list[dict], unit: fmt.MoneyUnit, held: bool,
                   lang: str) -> dict[str, list]:
    """The three columns as the download carries them (``page_tables.yoy_export_columns``)."""
    return yoy_export_columns(rows, unit, held, lang)
