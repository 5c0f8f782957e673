"""How numbers and dates read on screen: money in 万元/亿元 with the unit shown, %, dates.

One form per language: money ``12.64 万元`` / ``12.64 CNY 10k`` (``亿元`` / ``CNY 100m``),
rounded half up exactly as the flags' messages round (budgetwatch/numbers.py); dates
``2025年6月30日`` in Chinese and ISO ``2025-06-30`` in English (as grids and downloads write them).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from budgetwatch.dashboard.i18n import t
from budgetwatch.numbers import grid_value, grouped, missing, scaled


@dataclass(frozen=True)
class MoneyUnit:
    key: str          # i18n key of the unit's name
    divisor: float

    def label(self, lang: str) -> str:
        return t(self.key, lang)


WAN = MoneyUnit("unit.wan", 1e4)     # 万元
YI = MoneyUnit("unit.yi", 1e8)       # 亿元


def money_unit(values: float | Iterable[float]) -> MoneyUnit:
    """亿元 when the largest magnitude reaches 1亿 (100,000,000 yuan), else 万元."""
    if isinstance(values, (int, float)):
        values = [values]
    finite = [abs(v) for v in values if not missing(v)]
    return YI if finite and max(finite) >= YI.divisor else WAN


def money(yuan: float | None, lang: str = "zh", unit: MoneyUnit | None = None, digits: int = 2) -> str:
    """``123456789`` → ``1.23 亿元`` / ``1.23 CNY 100m``; the unit by magnitude unless given. ``—`` for nothing."""
    if missing(yuan):
        return "—"
    unit = unit or money_unit(yuan)
    return f"{grouped(scaled(yuan, unit.divisor, digits), digits)} {unit.label(lang)}"


def cell(yuan: float | None, unit: MoneyUnit | None = None, digits: int = 2) -> float | None:
    """The number a grid cell or chart point holds in ``unit`` (万元 by default), rounded as
    ``money`` and the messages round it; None for nothing."""
    return grid_value(yuan, (unit or WAN).divisor, digits)


def axis_title(label: str, unit_label: str, lang: str = "zh") -> str:
    """``累计支出（亿元）`` in full-width brackets, as Chinese reports write it; ``Spending (CNY 10k)``."""
    return f"{label}（{unit_label}）" if lang == "zh" else f"{label} ({unit_label})"


def percent(share: float | None, digits: int = 1) -> str:
    """``0.4959`` → ``49.6%``; ``—`` for nothing."""
    if missing(share):
        return "—"
    return f"{share * 100:.{digits}f}%"


def points(diff: float, lang: str = "zh", digits: int = 1) -> str:
    """A difference of two shares in percentage points: ``-0.153`` → ``-15.3 个百分点``."""
    return f"{diff * 100:+.{digits}f} {t('unit.points', lang)}"


def date(day: dt.date | str | None, lang: str = "zh") -> str:
    """``2025年6月30日`` in Chinese, ``2025-06-30`` in English; ``—`` for nothing."""
    if missing(day) or day == "":
        return "—"
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    if isinstance(day, dt.datetime):
        day = day.date()
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def datetime_(moment: dt.datetime | None, lang: str = "zh") -> str:
    """A load time to the minute."""
    if missing(moment):
        return "—"
    return f"{date(moment, lang)} {moment:%H:%M}"


def count(n: int) -> str:
    return f"{n:,}"


def text(value: object) -> str:
    """A text cell: ``—`` for nothing."""
    return "—" if missing(value) or value == "" else str(value)


def as_of(value: str | None, lang: str = "zh") -> str:
    """A feed's as-of value: a date, or a bare year (``2025`` → ``2025年``)."""
    if isinstance(value, str) and len(value) == 4 and value.isdigit():
        return f"{value}年" if lang == "zh" else value
    return date(value, lang)


def flag_message(row, lang: str = "zh") -> str:
    """A flag's one sentence in the reader's language: its ``message_en`` in English (a flag
    kept from before English messages, without one, says it in Chinese); ``""`` for nothing, as
    a stored review that lost its message leaves it."""
    english = row.get("message_en") if lang == "en" else None
    if isinstance(english, str) and english:
        return english
    message = row.get("message")
    return "" if missing(message) else str(message)


def flags_in(frame, lang: str = "zh"):
    """A flags frame whose ``message`` column reads in ``lang`` (a copy; the frame itself when
    Chinese), for tables and downloads that show ``message``."""
    if lang != "en" or "message_en" not in getattr(frame, "columns", ()):
        return frame
    out = frame.copy()
    out["message"] = [flag_message({"message": zh, "message_en": en}, lang)
                      for zh, en in zip(out["message"], out["message_en"])]
    return out
