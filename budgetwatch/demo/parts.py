"""Small building blocks of the generator: units, the working calendar, registries of payees,
budget lines and payment rows as numpy arrays."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from budgetwatch.demo.world import ADMIN_SUBUNIT_DEPTS, DEPARTMENTS, EPOCH, GENERAL, HOLIDAYS, MAKEUP_DAYS


# ---------------------------------------------------------------------------------------
# Small building blocks
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    idx: int
    code: str
    name: str
    parent: str | None
    func: str
    kind: str        # admin / inst
    staff: int
    sector: str


def build_units() -> list[Unit]:
    units: list[Unit] = []
    for code, name, func, kind, staff, sector, subs in DEPARTMENTS:
        units.append(Unit(len(units), code, name, None, func, kind, staff, sector))
        for scode, sname, sfunc, sstaff in subs:
            skind = "admin" if code in ADMIN_SUBUNIT_DEPTS else "inst"
            units.append(Unit(len(units), scode, sname, code, sfunc, skind, sstaff, sector))
    return units


class Calendar:
    """Working days of one year (weekends, and for 2024/2025 the public holidays and make-up days)."""

    def __init__(self, year: int):
        self.year = year
        self.start = date(year, 1, 1)
        self.ndays = (date(year + 1, 1, 1) - self.start).days
        days = [self.start + timedelta(i) for i in range(self.ndays)]
        work = np.array([d.weekday() < 5 for d in days])
        for a, b in HOLIDAYS.get(year, ()):
            work[(a - self.start).days:(b - self.start).days + 1] = False
        for d in MAKEUP_DAYS.get(year, ()):
            work[(d - self.start).days] = True
        self.is_work = work
        self.workdays = np.flatnonzero(work).astype(np.int16)
        months = np.array([d.month for d in days])
        wd_month = months[self.workdays]
        self.month_start = np.searchsorted(wd_month, np.arange(1, 13)).astype(np.int64)
        self.month_count = np.bincount(wd_month, minlength=13)[1:].astype(np.int64)
        self.epoch_offset = (self.start - EPOCH).days
        nxt = np.empty(self.ndays, dtype=np.int16)
        last = int(self.workdays[-1])
        for i in range(self.ndays - 1, -1, -1):
            if work[i]:
                last = i
            nxt[i] = last
        self.next_work = nxt           # the working day on or after each day (or the year's last)

    def doy(self, d: date) -> int:
        return (d - self.start).days

    def date(self, doy: int) -> date:
        return self.start + timedelta(int(doy))

    def work_on_or_after(self, month: int, day: int) -> int:
        """The first working day on or after month/day within the month, else the month's last one."""
        d0 = self.doy(date(self.year, month, day))
        for i in range(d0, self.ndays):
            if self.date(i).month != month:
                break
            if self.is_work[i]:
                return i
        last = self.workdays[self.month_start[month - 1] + self.month_count[month - 1] - 1]
        return int(last)

    def find_run(self, frac: float, offsets: tuple[int, ...], lo: int, hi: int) -> int:
        """A day d near lo + frac·(hi − lo) with every d + offset a working day ≤ hi."""
        start = lo + int(frac * max(hi - lo - max(offsets), 0))
        for base in list(range(start, hi + 1)) + list(range(start - 1, lo - 1, -1)):
            if all(base + o <= hi and self.is_work[base + o] for o in offsets):
                return base
        raise ValueError("no room for a planted payment run; choose a later --today")


class Registry:
    """A table of strings (payees with accounts, purposes) addressed by index."""

    def __init__(self):
        self.names: list[str] = []
        self.extra: list[str] = []
        self.index: dict[str, int] = {}

    def add(self, name: str, extra: str = "") -> int:
        i = self.index.get(name)
        if i is None:
            i = self.index[name] = len(self.names)
            self.names.append(name)
            self.extra.append(extra)
        return i

    def __len__(self) -> int:
        return len(self.names)


class Lines:
    """Budget lines (unit, functional code, economic code, fund type), addressed by index."""

    def __init__(self, units: list[Unit]):
        self.units = units
        self.keys: list[tuple[int, str, str, str]] = []
        self.index: dict[tuple[int, str, str, str], int] = {}

    def get(self, unit: int, func: str, econ: str, fund: str = GENERAL) -> int:
        key = (unit, func, econ, fund)
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.keys)
            self.keys.append(key)
        return i

    def key_text(self, i: int) -> str:
        u, f, e, fund = self.keys[i]
        return f"{self.units[u].code}|{f}|{e}|{fund}"

    def arrays(self) -> dict[str, np.ndarray]:
        return {"unit": np.array([k[0] for k in self.keys], dtype=np.int32),
                "econ": np.array([k[2] for k in self.keys])}


class Rows:
    """Payments built one by one (scheduled and planted ones), turned into arrays at the end."""

    def __init__(self):
        self.day: list[int] = []
        self.line: list[int] = []
        self.payee: list[int] = []
        self.cents: list[int] = []
        self.purpose: list[int] = []
        self.tag: list[int] = []

    def add(self, day: int, line: int, payee: int, yuan: float, purpose: int, tag: int = 0) -> None:
        self.day.append(int(day))
        self.line.append(line)
        self.payee.append(payee)
        self.cents.append(int(round(yuan * 100)))
        self.purpose.append(purpose)
        self.tag.append(tag)

    def arrays(self) -> dict[str, np.ndarray]:
        return pay_arrays(self.day, self.line, self.payee, self.cents, self.purpose, self.tag)


def pay_arrays(day, line, payee, cents, purpose, tag) -> dict[str, np.ndarray]:
    return {"day": np.asarray(day, dtype=np.int16), "line": np.asarray(line, dtype=np.int32),
            "payee": np.asarray(payee, dtype=np.int32), "cents": np.asarray(cents, dtype=np.int64),
            "purpose": np.asarray(purpose, dtype=np.int32), "tag": np.asarray(tag, dtype=np.int16)}


def concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def take(arrs: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in arrs.items()}


def ceil_yuan(x: float) -> float:
    return float(math.ceil(x))


def floor_yuan(x: float) -> float:
    return float(math.floor(x))
