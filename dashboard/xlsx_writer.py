"""The one XLSX writer: a context block, the header, then the rows — typed, formatted, sized.

Every XLSX budgetwatch writes goes through ``write``: the dashboard's table downloads (small
tables from their frames, ``tables.to_xlsx_bytes``; the vouchers streamed from DuckDB) and
``budgetwatch export --table`` (``table_export.write_xlsx``). So that a file opens in Excel or
WPS ready to sum, sort and print:

* amounts (fractional numbers) are numbers shown ``#,##0.00``; a column may ask for another
  format by its title (a share: ``0.00%``); whole numbers (years, counts) are plain numbers;
* dates are Excel dates shown ``yyyy-mm-dd`` — date columns, and text columns whose values are
  mostly ISO dates (the grids' ``2025-06-30``); a value in such a column that is not one
  (``未定``) stays text;
* codes and other text stay text; text a spreadsheet would run as a formula gets Excel's quote
  prefix (``formula_guard``);
* each column is as wide as its title and its first rows need (CJK characters count double).

Rows go to disk as they are written (xlsxwriter's constant-memory mode; in memory for a
download built in memory), at most ``limit`` of them.
"""
from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import BinaryIO

from budgetwatch.dashboard import formula_guard

MONEY = "#,##0.00"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
PERCENT = "0.00%"
MAX_WIDTH = 60
MIN_WIDTH = 8
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Chunk = list[list]      # one list of values per column, all of the same length


def sheet_title(title: str) -> str:
    """A title Excel accepts for a sheet: no ``[]:*?/\\``, at most 31 characters."""
    bad = '[]:*?/\\'
    return "".join("_" if ch in bad else ch for ch in title)[:31] or "data"


def display_width(value: object) -> int:
    """How many character widths a value takes as the sheet shows it (CJK double)."""
    if _missing(value):
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, numbers.Integral):
        return len(str(value))
    if isinstance(value, (numbers.Real, Decimal)):
        return len(f"{float(value):,.2f}")
    if isinstance(value, dt.datetime):
        return 16 if value.time() != dt.time() else 10
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _missing(v: object) -> bool:
    import pandas as pd

    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _iso_dates(values: list) -> bool:
    """A column of dates written as text: at least half its values are ISO dates, the rest text
    (``未定``) or empty — never numbers."""
    filled = [v for v in values if not _missing(v) and v != ""]
    if not filled or not all(isinstance(v, str) for v in filled):
        return False
    return 2 * sum(1 for v in filled if _ISO_DATE.match(v)) >= len(filled)


def _as_date(text: str) -> dt.date | None:
    if not _ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def write(target: str | BinaryIO, *, title: str, context: list[tuple[str, str]], names: list[str],
          chunks: Iterable[Chunk], formats: dict[str, str] | None = None, limit: int | None = None) -> int:
    """Write the sheet to ``target`` (a path, or a binary buffer); returns the rows written.

    ``context``: the (label, value) block above the table; ``names``: the columns' titles as
    the reader sees them; ``chunks``: the rows, a chunk of columns at a time; ``formats``: a
    number format by column title where the default does not fit."""
    import xlsxwriter

    in_memory = not isinstance(target, str)
    wb = xlsxwriter.Workbook(target, {"constant_memory": not in_memory, "in_memory": in_memory,
                                      "strings_to_numbers": False, "strings_to_formulas": False,
                                      "strings_to_urls": False, "nan_inf_to_errors": True})
    try:
        ws = wb.add_worksheet(sheet_title(title))
        bold = wb.add_format({"bold": True})
        text_fmt = wb.add_format({"quote_prefix": True})     # formula-like text: Excel keeps it text
        money = wb.add_format({"num_format": MONEY})
        date_fmt = wb.add_format({"num_format": DATE})
        datetime_fmt = wb.add_format({"num_format": DATETIME})
        own = {name: wb.add_format({"num_format": f}) for name, f in (formats or {}).items()}

        chunks = iter(chunks)
        first = next(chunks, None)
        sample = first or [[] for _ in names]
        iso = [_iso_dates(col) for col in sample]
        widths = [max([display_width(name) * 1.1] + [display_width(v) for v in col[:2000]])
                  for name, col in zip(names, sample)]
        if widths:
            widths[0] = max([widths[0]] + [display_width(k) * 1.1 for k, _ in context])
        for c, w in enumerate(widths):
            ws.set_column(c, c, min(MAX_WIDTH, max(MIN_WIDTH, math.ceil(w) + 2)))

        r = 0
        for key, value in context:
            ws.write_string(r, 0, str(key), bold)
            ws.write_string(r, 1, str(value), text_fmt if formula_guard.formula_like(str(value)) else None)
            r += 1
        r += 1
        for c, name in enumerate(names):
            ws.write_string(r, c, str(name), bold)
        r += 1

        def cell(row: int, c: int, v: object) -> None:
            if _missing(v):
                return
            if isinstance(v, str):
                if iso[c]:
                    day = _as_date(v)
                    if day is not None:
                        ws.write_datetime(row, c, dt.datetime.combine(day, dt.time()), date_fmt)
                        return
                ws.write_string(row, c, v, text_fmt if formula_guard.formula_like(v) else None)
            elif isinstance(v, bool):
                ws.write_boolean(row, c, v)
            elif isinstance(v, numbers.Integral):
                ws.write_number(row, c, int(v), own.get(names[c]))
            elif isinstance(v, (numbers.Real, Decimal)):
                ws.write_number(row, c, float(v), own.get(names[c], money))
            elif isinstance(v, dt.datetime):
                v = v.replace(tzinfo=None)
                ws.write_datetime(row, c, v, datetime_fmt if v.time() != dt.time() else date_fmt)
            elif isinstance(v, dt.date):
                ws.write_datetime(row, c, dt.datetime.combine(v, dt.time()), date_fmt)
            else:
                ws.write(row, c, v)

        written = 0
        for chunk in _chained(first, chunks):
            n = len(chunk[0]) if chunk else 0
            if limit is not None:
                n = min(n, limit - written)
            if n <= 0:
                if limit is not None and written >= limit:
                    break
                continue
            for i in range(n):
                for c, col in enumerate(chunk):
                    cell(r, c, col[i])
                r += 1
            written += n
    finally:
        wb.close()
    return written


def _chained(first: Chunk | None, rest: Iterator[Chunk]) -> Iterator[Chunk]:
    if first is not None:
        yield first
    yield from rest
