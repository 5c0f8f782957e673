"""How big an .xlsx may become once unzipped — asked before any parser sees it.

An .xlsx is a zip of XML files. A 1.5 MB workbook can hold one 1.5 GB cell, an 11.8 MB one
2.4 GB of sheet XML; the Excel reader holds a whole sheet in memory, several times over, and
took a server to 8 GB before it was killed (issue 17). So the zip's own directory is read
first: the total uncompressed size and each large member's compression ratio are bounded,
and then every member is decompressed once, in chunks, counting real bytes — a directory
that understates a member's size is caught too (zipfile stops at the stated size and the CRC
check fails). Nothing is kept in memory beyond one chunk.

Limits: ``BUDGETWATCH_XLSX_MAX_MB`` (uncompressed total, default 1024) and
``BUDGETWATCH_XLSX_MAX_RATIO`` (per member above 10 MB uncompressed, default 200). Real
exports compress 5–50 times; a bomb compresses hundreds to thousands of times.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

from budgetwatch.ingest.problems import Refused, problem

DEFAULT_MAX_MB = 1024
DEFAULT_MAX_RATIO = 200
RATIO_FROM_BYTES = 10 * 1024 * 1024     # small members (styles, shared strings of a few rows) may compress anyhow
CHUNK = 1024 * 1024


def limits() -> tuple[int, float]:
    """(max uncompressed bytes, max ratio) from the environment, else the defaults."""
    mb = _number(os.environ.get("BUDGETWATCH_XLSX_MAX_MB"), DEFAULT_MAX_MB)
    ratio = _number(os.environ.get("BUDGETWATCH_XLSX_MAX_RATIO"), DEFAULT_MAX_RATIO)
    return int(mb * 1024 * 1024), float(ratio)


def _number(text: str | None, default: float) -> float:
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if value > 0 else default


def check_workbook(path: Path, name: str, max_bytes: int | None = None, max_ratio: float | None = None) -> None:
    """Refuse (``Refused``) a workbook that would expand past the limits; return quietly otherwise."""
    env_bytes, env_ratio = limits()
    max_bytes = max_bytes or env_bytes
    max_ratio = max_ratio or env_ratio
    mb = f"{max_bytes / 1024 / 1024:,.0f}"
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Refused([problem(name, "bad_excel", reason=str(exc)[:200])]) from None
    with zf:
        members = zf.infolist()
        total = sum(m.file_size for m in members)
        if total > max_bytes:
            raise Refused([problem(name, "xlsx_too_big", size=f"{total / 1024 / 1024:,.0f}", limit=mb)])
        for m in members:
            if m.file_size > RATIO_FROM_BYTES and m.file_size > max_ratio * max(m.compress_size, 1):
                raise Refused([problem(name, "xlsx_bomb", member=m.filename,
                                       ratio=f"{m.file_size / max(m.compress_size, 1):,.0f}", limit=f"{max_ratio:,.0f}")])
        seen = 0
        for m in members:
            try:
                with zf.open(m) as fh:
                    while chunk := fh.read(CHUNK):
                        seen += len(chunk)
                        if seen > max_bytes:
                            raise Refused([problem(name, "xlsx_too_big", size=f"> {mb}", limit=mb)])
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                raise Refused([problem(name, "bad_excel", reason=f"{m.filename}: {str(exc)[:160]}")]) from None
