"""Reading a feed file, whatever shape it came in, into a DuckDB table of text cells.

The result is always a temporary table ``raw(_row BIGINT, c0 VARCHAR, c1 VARCHAR, …)`` where
``_row`` is the row number a person sees in the file (line number in a CSV, row number in a
sheet) and ``cN`` the N-th header column. Validation and typing happen afterwards, in SQL.

CSV files go through DuckDB's own reader (GB18030 is transcoded to UTF-8 first, since DuckDB
reads only UTF-8); if the file has blank lines, multi-line cells or ragged rows — anything
that would make DuckDB's row order disagree with the file's line numbers — it is read again
with Python's csv module so that every reported row number is right.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from budgetwatch.ingest import db, xlsx_percent, zip_guard
from budgetwatch.ingest.headers import SCAN_ROWS, HeaderMatch, find_header
from budgetwatch.ingest.problems import Problem, Refused, problem
from budgetwatch.ingest.spec import PERCENT, Feed
from budgetwatch.queries.store import QueryError

SNIFF_BYTES = 256 * 1024
# The longest line read as one (DuckDB's own default): a longer one is almost always an
# unclosed quote swallowing the rest of the file; it is refused naming the row it starts on.
MAX_LINE_BYTES = 2 * 1024 * 1024
CHUNK = 16 * 1024 * 1024
DELIMITERS = (",", "\t", ";", "|")
TOTAL_WORDS = ("合计", "总计")
EXCEL_EXT = {".xlsx", ".xlsm", ".xls"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Source:
    path: Path
    name: str
    kind: str                 # csv / xlsx / xls
    encoding: str | None      # csv only: utf-8, utf-8-sig, gb18030, utf-16
    sheet: str | None         # excel only
    sha256: str
    header: HeaderMatch
    header_row: int           # the header's row number in the file (1-based)
    width: int                # number of header cells
    delimiter: str = ","
    cr_only: bool = False     # lines end in a bare CR (old Mac exports): read as if LF

    @property
    def file_format(self) -> str:
        return f"csv/{self.encoding}" if self.kind == "csv" else self.kind


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def open_source(path: Path, feed: Feed, sheet: str | None = None) -> Source:
    """Look at a file: what it is, its encoding, where its header is. Refuses what cannot be read."""
    name = path.name
    if not path.is_file():
        raise Refused([problem(str(path), "no_file")])
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head.strip():
        raise Refused([problem(name, "empty_file")])
    ext = path.suffix.lower()
    is_zip, is_ole = head.startswith(ZIP_MAGIC), head.startswith(OLE_MAGIC)
    if ext in EXCEL_EXT:
        if is_zip or is_ole:
            return _open_excel(path, feed, sheet, "xls" if is_ole else "xlsx")
        if head.lstrip()[:1] == b"<":
            raise Refused([problem(name, "html_as_excel")])
        if _detect_encoding(head) is not None:
            raise Refused([problem(name, "text_as_excel", ext=ext)])
        raise Refused([problem(name, "binary")])
    if is_zip or is_ole:
        if ext in {".csv", ".txt", ".tsv"}:
            raise Refused([problem(name, "excel_as_text", ext=ext)])
        return _open_excel(path, feed, sheet, "xls" if is_ole else "xlsx")
    encoding = _detect_encoding(head)
    if encoding is None:
        raise Refused([problem(name, "binary")])
    return _open_csv(path, feed, head, encoding)


def _detect_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(head, final=False)
            return enc
        except UnicodeDecodeError as exc:
            if enc == "utf-8" and _cjk_count(head[:exc.start].decode("utf-8")) >= 4:
                # Chinese text in valid UTF-8, then bytes that are not: a file that changes
                # encoding part-way. Read as UTF-8, the scan refuses it naming the row.
                return enc
            continue
    return None


def _cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


# -- CSV ----------------------------------------------------------------------------------

def _sample_rows(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first rows of a text sample and the line number each ends on."""
    rows, ends = [], []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(row)
            ends.append(reader.line_num)
            if len(rows) >= SCAN_ROWS:
                break
    except csv.Error:
        pass
    return rows, ends


def _open_csv(path: Path, feed: Feed, head: bytes, encoding: str) -> Source:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    cr_only = "\n" not in text and "\r" in text
    if cr_only:
        text = text.replace("\r", "\n")
    if len(head) == SNIFF_BYTES and "\n" in text:  # drop a line cut off by the sample's end
        text = text[: text.rindex("\n") + 1]
    first_error: Refused | None = None
    for delim in DELIMITERS:
        rows, ends = _sample_rows(text, delim)
        if delim != "," and max((len(r) for r in rows), default=0) < 2:
            continue
        try:
            match = find_header(rows, feed, path.name)
        except Refused as exc:
            first_error = first_error or exc
            continue
        return Source(path, path.name, "csv", encoding, None, "", match,
                      header_row=ends[match.row_index], width=len(match.cells), delimiter=delim, cr_only=cr_only)
    assert first_error is not None
    raise first_error


_PAD_BYTES = (b" ", b"\t")
_IDEO_SPACE = "\u3000".encode("utf-8")


@dataclass
class Scan:
    """What one pass over a CSV file found: its UTF-8 text, its line count, and whether any
    cell could be padded (a space, tab or ideographic space anywhere in the file)."""
    utf8: Path
    lines: int
    is_copy: bool
    may_pad: bool

    def discard(self) -> None:
        if self.is_copy:
            self.utf8.unlink(missing_ok=True)


def scan_csv(src: Source, tmp_dir: Path, progress=None) -> Scan:
    """The sha256 (into ``src``), a UTF-8 copy if needed, the line count: one pass over the bytes."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    utf8, src.sha256, lines, is_copy, may_pad = _utf8_copy(src, tmp_dir, progress)
    return Scan(utf8, lines, is_copy, may_pad)


def csv_source(src: Source, scan: Scan) -> tuple[str, list]:
    """``read_csv(…)`` of the file's data lines, every cell as text, with its parameters.

    Lines DuckDB cannot parse go to the TEMP table ``raw_rejects`` (drop it, and ``raw_scan``).
    """
    columns = {f"c{i}": "VARCHAR" for i in range(src.width)}
    return ("""read_csv(?, header = false, skip = ?, delim = ?, quote = '"', escape = '"', auto_detect = false,
                        columns = ?, all_varchar = true, store_rejects = true, rejects_table = 'raw_rejects',
                        rejects_scan = 'raw_scan', max_line_size = ?)""",
            [str(scan.utf8), src.header_row, src.delimiter, columns, MAX_LINE_BYTES])


def _utf8_copy(src: Source, tmp_dir: Path, progress=None) -> tuple[Path, str, int, bool, bool]:
    """One pass over the file: its sha256, a UTF-8 copy when needed, its line count, and whether
    any padding character occurs in it at all (memchr-fast; most exports have none).

    A UTF-8 file is decoded as it goes too: one that changes encoding part-way (rows pasted in
    from a GB18030 export) is refused naming the first row that is not UTF-8. Bare-CR line
    ends become LF in the copy, so both readers count lines as a person does."""
    h = hashlib.sha256()
    newlines, last, tail, may_pad = 0, b"", b"", False
    need_copy = src.encoding not in ("utf-8", "utf-8-sig") or src.cr_only
    out_path = tmp_dir / f"{uuid.uuid4().hex}.csv" if need_copy else src.path
    decoder = codecs.getincrementaldecoder(src.encoding or "utf-8")()
    eol = b"\r" if src.cr_only else b"\n"
    out = open(out_path, "wb") if need_copy else None
    offset, done, size = 0, 0, max(os.path.getsize(src.path), 1)
    try:
        with open(src.path, "rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                h.update(chunk)
                done += len(chunk)
                if progress:
                    progress(done / size)
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    raise Refused([_decode_problem(src, exc, offset, newlines, chunk, eol)]) from None
                if need_copy:
                    if src.cr_only:
                        text = text.replace("\r", "\n")
                    chunk = text.encode("utf-8")
                    out.write(chunk)
                offset += len(chunk)
                newlines += chunk.count(b"\n")
                if not may_pad:
                    may_pad = (any(chunk.find(p) >= 0 for p in _PAD_BYTES) or chunk.find(_IDEO_SPACE) >= 0
                               or (tail + chunk[:2]).find(_IDEO_SPACE) >= 0)
                    tail = chunk[-2:]
                if chunk:
                    last = chunk[-2:]
            try:
                rest = decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                raise Refused([_decode_problem(src, exc, offset, newlines, b"", eol)]) from None
            if need_copy:
                out.write(rest.encode("utf-8"))
    except BaseException:
        if out is not None:
            out.close()
            out_path.unlink(missing_ok=True)
        raise
    if out is not None:
        out.close()
    lines = newlines + (0 if last.endswith(b"\n") else 1)
    return out_path, h.hexdigest(), lines, need_copy, may_pad


def _decode_problem(src: Source, exc: UnicodeDecodeError, offset: int, lines_before: int, chunk: bytes,
                    eol: bytes) -> Problem:
    """The row (as a person counts lines) where decoding failed, and what to do about it."""
    at = max(0, min(exc.start, len(chunk)))
    if src.encoding in ("utf-8", "utf-8-sig"):
        row = lines_before + chunk[:at].count(eol) + 1
        return problem(src.name, "bom_mixed" if src.encoding == "utf-8-sig" else "mixed_encoding", row=row)
    # ``chunk`` holds the original bytes; lines counted so far are of the UTF-8 copy, which has
    # the same line ends (UTF-16 aside, where the byte offset is the better guide anyway).
    row = lines_before + (chunk[:at].count(eol) if src.encoding != "utf-16" else 0) + 1
    return problem(src.name, "bad_encoding_at", row=row, enc=src.encoding.upper(), byte=offset + at)


def load_raw(con: duckdb.DuckDBPyConnection, src: Source, tmp_dir: Path, progress=None,
             scan: Scan | None = None) -> list[Problem]:
    """Create TEMP table ``raw`` from the source; return problems of shape (ragged rows).

    ``scan``: the CSV's scan when the caller made it already (and discards it).
    """
    drop_raw(con)
    if src.kind != "csv":
        return _load_excel(con, src)
    own = scan is None
    scan = scan or scan_csv(src, tmp_dir, progress)
    try:
        if _load_csv_duckdb(con, src, scan, expected=scan.lines - src.header_row):
            return []
        return _load_csv_python(con, src, scan.utf8)
    finally:
        if own:
            scan.discard()


def _load_csv_duckdb(con: duckdb.DuckDBPyConnection, src: Source, scan: Scan, expected: int) -> bool:
    """The fast path. False when DuckDB's rows cannot be tied to file lines one to one."""
    db.do(con, "ingest.read.keep_order", "SET preserve_insertion_order = true")
    try:
        source, params = csv_source(src, scan)
        db.do(con, "ingest.read.csv_fast", f"CREATE TEMP TABLE raw_fast AS SELECT * FROM {source}", params)
        got = db.value(con, "ingest.read.csv_fast_rows", "SELECT count(*) FROM raw_fast")
        rejects = db.value(con, "ingest.read.csv_fast_rejects", "SELECT count(*) FROM raw_rejects")
    except QueryError:      # whatever DuckDB's reader cannot do, the exact path below does
        got, rejects = -1, -1
    finally:
        # rowid now numbers the file's lines; what follows may run in any order, in parallel
        db.do(con, "ingest.read.any_order", "SET preserve_insertion_order = false")
        db.do(con, "ingest.read.drop_rejects", "DROP TABLE IF EXISTS raw_rejects")
        db.do(con, "ingest.read.drop_scan", "DROP TABLE IF EXISTS raw_scan")
    if rejects != 0 or got != expected:
        db.do(con, "ingest.read.drop_fast", "DROP TABLE IF EXISTS raw_fast")
        return False
    # A view, not a copy: a copy of every cell costs more than reading the file did.
    cols = ", ".join(f"c{i}" for i in range(src.width))
    db.do(con, "ingest.read.raw_view",
          f"CREATE TEMP VIEW raw AS SELECT rowid + {src.header_row + 1} AS _row, {cols} FROM raw_fast")
    return True


def _load_csv_python(con: duckdb.DuckDBPyConnection, src: Source, utf8: Path) -> list[Problem]:
    """The exact path: every record keeps the line it starts on."""
    problems: list[Problem] = []
    rows: list[int] = []
    cols: list[list[str | None]] = [[] for _ in range(src.width)]
    with open(utf8, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=src.delimiter)
        prev = 0
        for record in _records(reader, src):
            start, prev = prev + 1, reader.line_num
            if start <= src.header_row or not any(c.strip() for c in record):
                continue
            if sum(map(len, record)) > MAX_LINE_BYTES:
                raise Refused([problem(src.name, "line_too_long", row=start, limit=f"{MAX_LINE_BYTES:,}")])
            if len(record) > src.width and any(c.strip() for c in record[src.width:]):
                problems.append(problem(src.name, "ragged", row=start, found=len(record), expected=src.width))
                continue
            rows.append(start)
            for i in range(src.width):
                cell = record[i].strip() if i < len(record) else ""
                cols[i].append(cell or None)
    _register(con, rows, cols)
    return problems


def _records(reader, src: Source):
    """The csv reader's records; its errors become a refusal naming the row the record starts on."""
    while True:
        before = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            text = str(exc)
            if "field larger than field limit" in text:
                raise Refused([problem(src.name, "line_too_long", row=before + 1,
                                       limit=f"{csv.field_size_limit():,}")]) from None
            raise Refused([problem(src.name, "bad_csv", row=before + 1, reason=text[:120])]) from None
        yield record


def _register(con: duckdb.DuckDBPyConnection, rows: list[int], cols: list[list[str | None]]) -> None:
    table = pa.table({"_row": pa.array(rows, pa.int64()),
                      **{f"c{i}": pa.array(c, pa.string()) for i, c in enumerate(cols)}})
    con.register("raw_arrow", table)
    try:
        db.do(con, "ingest.read.raw_table", "CREATE TEMP TABLE raw AS SELECT * FROM raw_arrow")
    finally:
        con.unregister("raw_arrow")


# -- Excel --------------------------------------------------------------------------------

def _cell_text(v: object) -> str | None:
    """Excel cells as the text a person would type: 2010101.0 -> '2010101', dates ISO."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    text = str(v).strip()
    return text or None


def _open_excel(path: Path, feed: Feed, sheet: str | None, kind: str) -> Source:
    from python_calamine import CalamineWorkbook

    if kind == "xlsx":
        zip_guard.check_workbook(path, path.name)     # before the parser: what it would expand to
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
        if sheet is not None and sheet not in names:
            raise Refused([problem(path.name, "no_sheet", sheet=sheet, sheets="、".join(names))])
        chosen = sheet or names[0]
        rows = wb.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except Refused:
        raise
    except Exception as exc:  # calamine raises its own types for broken workbooks
        raise Refused([problem(path.name, "bad_excel", reason=str(exc)[:200])]) from None
    texts = [[_cell_text(v) for v in row] for row in rows]
    try:
        match = find_header(texts, feed, path.name)
    except Refused as exc:
        others = [n for n in names if n != chosen]
        if sheet is None and others and exc.problems[0].code == "no_header":
            d = dict(exc.problems[0].detail)
            raise Refused([problem(path.name, "no_header_sheet", sheet=chosen, n=d["n"], expected=d["expected"],
                                   others="、".join(others))]) from None
        raise
    percent = {i for name, i in match.mapping.items() if feed.column(name).kind == PERCENT}
    if kind == "xlsx" and percent:      # only feeds with percent columns read number formats
        for r, c in xlsx_percent.percent_cells(path, chosen, match.row_index + 1, percent):
            v = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                texts[r][c] = xlsx_percent.percent_text(v)
    src = Source(path, path.name, kind, None, chosen, sha256_of(path), match,
                 header_row=match.row_index + 1, width=len(match.cells))
    src._rows = texts  # type: ignore[attr-defined]  # kept for load_raw; a workbook is read once
    return src


def _load_excel(con: duckdb.DuckDBPyConnection, src: Source) -> list[Problem]:
    texts: list[list[str | None]] = src._rows  # type: ignore[attr-defined]
    rows: list[int] = []
    cols: list[list[str | None]] = [[] for _ in range(src.width)]
    problems: list[Problem] = []
    for idx in range(src.header_row, len(texts)):
        record = texts[idx]
        if not any(record):
            continue
        if len(record) > src.width and any(record[src.width:]):
            problems.append(problem(src.name, "ragged", row=idx + 1,
                                    found=max(i for i, c in enumerate(record) if c) + 1, expected=src.width))
            continue
        rows.append(idx + 1)
        for i in range(src.width):
            cols[i].append(record[i] if i < len(record) else None)
    _register(con, rows, cols)
    return problems


def drop_raw(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the last file's cells (``raw`` is a view on the fast path, a table otherwise)."""
    kind = db.temp_kind(con, "raw")
    if kind is not None:
        db.do(con, "ingest.read.drop_raw", f"DROP {kind} raw")
    db.do(con, "ingest.read.drop_fast", "DROP TABLE IF EXISTS raw_fast")


TOTAL_CELLS = 4  # a total row says 合计 in one of its first cells (after a year, say: `2025,,合计`)


def total_rows(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The row numbers of a trailing 合计/总计 row (or two): a total is not data."""
    found: list[int] = []
    width = len(db.columns(con, "ingest.read.raw_width", "SELECT * FROM raw")) - 1
    first_cells = ", ".join(f"c{i}" for i in range(min(width, TOTAL_CELLS)))
    for _ in range(2):
        row = db.one(con, "ingest.read.last_row", f"SELECT _row, {first_cells} FROM raw "
                     "WHERE _row NOT IN (SELECT unnest(?::BIGINT[])) ORDER BY _row DESC LIMIT 1", [found])
        if row is None or not any(is_total(c) for c in row[1:]):
            break
        found.append(row[0])
    return found


def is_total(cell: object) -> bool:
    """`合计`, `总计`, `全市合计`, `总 计`: a cell that marks a total row."""
    if cell is None:
        return False
    text = str(cell).replace(" ", "").replace("\u3000", "")
    return text.startswith(TOTAL_WORDS) or (len(text) <= 6 and text.endswith(TOTAL_WORDS) and text.startswith("全"))

