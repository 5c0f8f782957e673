"""A workbook that would expand past the limits is refused before the Excel reader sees it
(issue 17, item 9). Bombs are built small here: a limit set low, or a ratio far past real files."""
from __future__ import annotations

import os
import zipfile

import pytest

from budgetwatch.ingest import zip_guard
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store
from tests.conftest import cli, rows
from tests.ingest.files import pay_row, write_xlsx


def with_sheet(template, path, sheet_xml: bytes):
    """A copy of a real workbook whose first sheet is ``sheet_xml``."""
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            out.writestr(item.filename, data)
    return path


def one_huge_cell(template, path, mb: int):
    """A sheet with one inline cell of ``mb`` MB of the same letter: a few tens of kB zipped."""
    cell = b"A" * (mb * 1024 * 1024)
    xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + cell + b'</t></is></c></row></sheetData></worksheet>')
    return with_sheet(template, path, xml)


def many_rows(template, path, n: int):
    """A plain sheet of ``n`` varied rows: big when unzipped, ordinary ratio."""
    rows_xml = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>%s</t></is></c></row>'
        % (i, i, i * 7919 % 100003, i, os.urandom(12).hex().encode()) for i in range(1, n + 1))
    xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           + rows_xml + b'</sheetData></worksheet>')
    return with_sheet(template, path, xml)


@pytest.fixture
def template(tmp_path):
    return write_xlsx(tmp_path / "template.xlsx", [pay_row("V1")])


def test_a_ratio_bomb_is_refused_before_parsing(tmp_path, data_dir, template):
    bomb = one_huge_cell(template, tmp_path / "bomb.xlsx", 40)
    assert bomb.stat().st_size < 200 * 1024                   # 40 MB of XML in a small file
    [r] = ingest_files(Store(data_dir), "payments", [bomb], who="t")
    assert r.status == "refused"
    [p] = r.problems
    assert p.code == "xlsx_bomb" and p.file == "bomb.xlsx" and "xl/worksheets/sheet1.xml" in p.zh
    assert "压缩比" in p.zh and "compressed" in p.en and "CSV" in p.en
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(0,)]


def test_the_exact_ratio_boundary(tmp_path, template):
    bomb = one_huge_cell(template, tmp_path / "bomb.xlsx", 12)
    with zipfile.ZipFile(bomb) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    ratio = info.file_size / info.compress_size
    zip_guard.check_workbook(bomb, "bomb.xlsx", max_ratio=ratio * (1 + 1e-9))   # at the limit: read
    with pytest.raises(zip_guard.Refused):
        zip_guard.check_workbook(bomb, "bomb.xlsx", max_ratio=ratio * (1 - 1e-6))


def test_a_workbook_too_big_unzipped_is_refused_with_a_low_limit(tmp_path, data_dir, template, monkeypatch):
    big = many_rows(template, tmp_path / "big.xlsx", 40_000)
    with zipfile.ZipFile(big) as zf:
        total = sum(i.file_size for i in zf.infolist())
    assert total > 2 * 1024 * 1024
    monkeypatch.setenv("BUDGETWATCH_XLSX_MAX_MB", "1")
    [r] = ingest_files(Store(data_dir), "payments", [big], who="t")
    assert [p.code for p in r.problems] == ["xlsx_too_big"]
    assert "1 MB" in r.problems[0].zh and "split" in r.problems[0].en
    monkeypatch.setenv("BUDGETWATCH_XLSX_MAX_MB", str(total / 1024 / 1024 + 0.01))   # just above: read
    zip_guard.check_workbook(big, "big.xlsx")


def test_a_directory_that_understates_a_member_is_caught(tmp_path, template):
    """The sizes in the zip's directory are the sender's word: the real bytes are counted."""
    bomb = one_huge_cell(template, tmp_path / "liar.xlsx", 12)
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    true_size = info.file_size.to_bytes(4, "little")
    small = (1024).to_bytes(4, "little")
    assert data.count(true_size) == 2                          # local header and central directory
    bomb.write_bytes(bytes(data).replace(true_size, small))
    with pytest.raises(zip_guard.Refused) as caught:
        zip_guard.check_workbook(bomb, "liar.xlsx", max_ratio=10_000)
    assert caught.value.problems[0].code == "bad_excel"


def test_an_ordinary_workbook_passes_and_loads(tmp_path, data_dir):
    book = write_xlsx(tmp_path / "ok.xlsx", [pay_row(f"V{i}") for i in range(50)])
    zip_guard.check_workbook(book, "ok.xlsx")
    [r] = ingest_files(Store(data_dir), "payments", [book], who="t")
    assert r.status == "applied" and r.inserted == 50


def test_the_cli_refuses_a_bomb_in_words(tmp_path, data_dir, template):
    bomb = one_huge_cell(template, tmp_path / "bomb.xlsx", 40)
    done = cli("ingest", "payments", bomb, data_dir=data_dir)
    assert done.returncode == 2
    assert "bomb.xlsx" in done.stderr and "压缩比" in done.stderr and "Traceback" not in done.stderr
