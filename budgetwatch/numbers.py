"""One rounding rule for money everywhere: exact decimals, half up.

A flag's message (queries/rules), a grid cell, a card and a briefing all show an amount in
万元/亿元 through ``scaled``, so 126,345 yuan reads 12.64 in each: binary floats would
round it 12.63 in one place (12.6345 is stored as 12.63449…) and 12.64 in another.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

WAN = 10_000
YI = 100_000_000


def missing(value: Any) -> bool:
    """None, NaN, NaT or pd.NA: nothing to show."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:       # pd.NA refuses to be a bool
        return True


def scaled(yuan: Any, divisor: int | float = WAN, digits: int = 2) -> Decimal | None:
    """``yuan ÷ divisor`` rounded half up to ``digits`` decimals, exactly (None for nothing).

    A float is read by its shortest repr (126345.0 → 126345), never its binary expansion."""
    if missing(yuan):
        return None
    try:
        value = yuan if isinstance(yuan, Decimal) else Decimal(repr(float(yuan)))
        out = (value / Decimal(repr(divisor) if isinstance(divisor, float) else divisor)).quantize(
            Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return None
    return abs(out) if out == 0 else out      # no "-0.00"


def grid_value(yuan: Any, divisor: int | float = WAN, digits: int = 2) -> float | None:
    """The number a grid cell holds (its formatter prints it with ``digits`` decimals)."""
    out = scaled(yuan, divisor, digits)
    return None if out is None else float(out)


def grouped(value: Decimal, digits: int = 2) -> str:
    """``Decimal('12345.6')`` → ``12,345.60``."""
    return f"{value:,.{digits}f}"
