"""How numbers and dates read on screen: money in 万元/亿元 with the unit shown, %, dates."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Iterable

from dashboard.i18n import t


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
    finite = [abs(v) for v in values if v is not None and not math.isnan(v)]
    return YI if finite and max(finite) >= YI.divisor else WAN


def money(yuan: float | None, lang: str = "zh", unit: MoneyUnit | None = None, digits: int = 2) -> str:
    """``123456789`` → ``1.23 亿元``; the unit by magnitude unless given. ``—`` for nothing."""
    if yuan is None or (isinstance(yuan, float) and math.isnan(yuan)):
        return "—"
    unit = unit or money_unit(yuan)
    return f"{yuan / unit.divisor:,.{digits}f} {unit.label(lang)}"


def axis_title(label: str, unit_label: str) -> str:
    """``累计支出（亿元）`` — the unit in full-width brackets, as Chinese reports write it."""
    return f"{label}（{unit_label}）"


def percent(share: float | None, digits: int = 1) -> str:
    """``0.4959`` → ``49.6%``; ``—`` for nothing."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{share * 100:.{digits}f}%"


def points(diff: float, lang: str = "zh", digits: int = 1) -> str:
    """A difference of two shares in percentage points: ``-0.153`` → ``-15.3 个百分点``."""
    return f"{diff * 100:+.{digits}f} {t('unit.points', lang)}"


def date(day: dt.date | str | None, lang: str = "zh") -> str:
    """``2025年6月30日`` in Chinese, ``2025-06-30`` in English; ``—`` for nothing."""
    if day is None or day == "":
        return "—"
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    if isinstance(day, dt.datetime):
        day = day.date()
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def datetime_(moment: dt.datetime | None, lang: str = "zh") -> str:
    """A load time to the minute."""
    if moment is None:
        return "—"
    return f"{date(moment, lang)} {moment:%H:%M}"


def count(n: int) -> str:
    return f"{n:,}"
