"""Excel cells formatted as a percentage read as the percent a person sees (issue 11).

A cell that shows ``45%`` holds 0.45. python-calamine, which reads every workbook, gives the
value without its number format, so a percent column would take it as 0.45%. For the columns
a feed types as percent (``ingest/spec.py``), and only for them, openpyxl reads the cells'
number formats; a numeric cell whose format is a percentage becomes the text ``45%``, as if
typed. Feeds without percent columns (payments, however big) never open the workbook twice.
``.xls`` workbooks keep their values (no reader of their formats here).
"""
from __future__ import annotations

import logging
import re
from decimal import Decimal
from pathlib import Path

log = logging.getLogger("budgetwatch.ingest")

# quoted text, escaped characters and [colour]/[condition] parts of a format are not its kind
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def is_percent_format(fmt: str | None) -> bool:
    """``0%``, ``0.0%``, ``#,##0.00%``: yes. ``0"%"`` or ``0\\%`` (a literal sign), ``General``: no."""
    return "%" in _LITERALS.sub("", fmt or "")


def percent_text(value: float | int) -> str:
    """0.45 → ``45%``, 0.455 → ``45.5%``, 1 → ``100%``: the stored fraction as the percent shown,
    in decimal arithmetic (0.45 × 100 is not 45 in binary floating point)."""
    shown = (Decimal(repr(value)) * 100).normalize()
    return f"{shown:f}%"


def percent_cells(path: Path, sheet: str, first_row: int, columns: set[int]) -> set[tuple[int, int]]:
    """(row, column), both 0-based, of the cells in ``columns`` from row ``first_row`` down
    whose number format is a percentage. Empty when the formats cannot be read (logged): the
    values are then read as they are, as before."""
    import openpyxl

    found: set[tuple[int, int]] = set()
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            if sheet not in wb.sheetnames:
                return found
            rows = wb[sheet].iter_rows(min_row=first_row + 1, min_col=min(columns) + 1, max_col=max(columns) + 1)
            for row in rows:
                for cell in row:
                    col = getattr(cell, "column", None)     # None: an empty cell of a read-only sheet
                    if col is not None and col - 1 in columns and cell.data_type == "n" \
                            and is_percent_format(cell.number_format):
                        found.add((cell.row - 1, col - 1))
        finally:
            wb.close()
    except Exception as exc:    # calamine read it; a workbook openpyxl cannot parse keeps its values
        log.warning("number formats of %s not read (%s): percent cells read as stored", path.name, exc)
        return set()
    return found
