"""Finding the header row among title rows, mapping its cells to a feed's columns, reading units.

Real exports put a title (`2025年国库集中支付明细表`) and a unit line (`单位：万元`) above the
header, write headers in Chinese or English with full-width brackets, stray spaces and `*`
marks, and sometimes carry the unit in a header (`金额（万元）`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgetwatch.ingest.problems import Refused, problem
from budgetwatch.ingest.spec import AMOUNT, Feed

SCAN_ROWS = 30  # the header must be among the first rows
UNITS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(亿元|万元|千元|元)|\bunit\s*[:：]\s*(yuan|10k yuan|wan yuan|100m yuan)",
                        re.IGNORECASE)
_EN_UNITS = {"yuan": "元", "10k yuan": "万元", "wan yuan": "万元", "100m yuan": "亿元"}
_HEADER_UNIT = re.compile(r"\((?:单位[:：]?)?\s*(亿元|万元|千元|元)\)$")
_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "\u3000": " ", "　": " ", "【": "[", "】": "]"})


def normalize(cell: object) -> str:
    """A header cell reduced to what identifies it: no spaces, marks or case."""
    text = "" if cell is None else str(cell)
    text = text.translate(_FULLWIDTH).strip().lower()
    text = text.strip("*＊").strip()
    return re.sub(r"[\s_\-]+", "", text)


def split_unit(norm: str) -> tuple[str, str | None]:
    """`金额(万元)` -> (`金额`, `万元`)."""
    m = _HEADER_UNIT.search(norm)
    if not m:
        return norm, None
    return norm[: m.start()], m.group(1)


@dataclass
class HeaderMatch:
    row_index: int                          # 0-based index of the header among the scanned rows
    cells: list[str]                        # the header as written
    mapping: dict[str, int]                 # feed column -> cell index
    extras: dict[int, str]                  # cell index -> header of a column the feed does not know
    unit: str = "元"                        # the file's unit (from a line above the header)
    column_units: dict[str, str] = field(default_factory=dict)  # per-column unit from the header text

    def scale(self, column: str) -> Decimal:
        return UNITS[self.column_units.get(column, self.unit)]


def _lookup(feed: Feed) -> dict[str, str]:
    table: dict[str, str] = {}
    for col in feed.columns:
        for h in col.headers:
            table.setdefault(normalize(h), col.name)
    return table


def _match_row(cells: list[object], lookup: dict[str, str]) -> tuple[dict[str, list[int]], dict[str, str]]:
    found: dict[str, list[int]] = {}
    units: dict[str, str] = {}
    for i, cell in enumerate(cells):
        norm = normalize(cell)
        if not norm:
            continue
        name = lookup.get(norm)
        unit = None
        if name is None:
            base, unit = split_unit(norm)
            name = lookup.get(base)
        if name is not None:
            found.setdefault(name, []).append(i)
            if unit:
                units[name] = unit
    return found, units


def find_header(rows: list[list[object]], feed: Feed, file: str, row_offset: int = 1) -> HeaderMatch:
    """Pick the first row naming every required column; refuse, naming what is missing, if none does.

    ``row_offset`` turns an index in ``rows`` into the row number a person sees (1-based).
    """
    lookup = _lookup(feed)
    required = {c.name for c in feed.required}
    best: tuple[int, int, dict[str, list[int]]] | None = None
    unit = "元"
    for idx, cells in enumerate(rows[:SCAN_ROWS]):
        found, col_units = _match_row(cells, lookup)
        if required <= found.keys():
            dupes = {k: v for k, v in found.items() if len(v) > 1}
            if dupes:
                name, cols = next(iter(dupes.items()))
                col = feed.column(name)
                raise Refused([problem(file, "duplicate_column", row=idx + row_offset, cn=col.cn, name=col.name,
                                       cols="、".join(str(c + 1) for c in cols))])
            mapping = {k: v[0] for k, v in found.items()}
            used = set(mapping.values())
            extras = {i: str(c).strip() for i, c in enumerate(cells)
                      if i not in used and c is not None and str(c).strip()}
            amount_cols = {c.name for c in feed.columns if c.kind == AMOUNT}
            return HeaderMatch(idx, [("" if c is None else str(c)) for c in cells], mapping, extras, unit,
                               {k: v for k, v in col_units.items() if k in amount_cols})
        line_unit = unit_in_row(cells)
        if line_unit:
            unit = line_unit
        if found and (best is None or len(found) > best[1]):
            best = (idx, len(found), found)
    if best is None or best[1] < 2:
        expected = "、".join(c.cn for c in feed.required)
        raise Refused([problem(file, "no_header", n=min(len(rows), SCAN_ROWS), expected=expected)])
    idx, _, found = best
    missing = [c for c in feed.required if c.name not in found]
    raise Refused([problem(file, "missing_column", row=idx + row_offset, column=c.cn, cn=c.cn, name=c.name)
                   for c in missing])


def unit_in_row(cells: list[object]) -> str | None:
    text = " ".join(str(c) for c in cells if c is not None and str(c).strip())
    m = _UNIT_LINE.search(text.translate(_FULLWIDTH))
    if not m:
        return None
    return m.group(1) or _EN_UNITS[m.group(2).lower()]
