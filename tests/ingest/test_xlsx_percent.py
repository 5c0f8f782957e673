"""Excel cells formatted as a percentage read as the percent a person sees (issue 11): a cell
showing 45% holds 0.45, and project_progress's 形象进度 must take 45, not 0.45."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from budgetwatch.ingest import xlsx_percent
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store
from tests.conftest import cli, rows
from tests.ingest.files import pay_row, write_csv, write_xlsx
from tests.ingest.test_project_feeds import PROG_HEADER, PROJ_HEADER, proj

# (report date, 形象进度 cell, its number format): as an office's workbook holds them
CELLS = [("2025-04-30", 0.45, "0%"),          # shows 45%
         ("2025-05-31", 0.455, "0.0%"),       # shows 45.5%
         ("2025-06-30", 0.45, "General"),     # a plain number: 0.45 (percent), as typed
         ("2025-07-31", "60%", "General"),    # text, as before
         ("2025-08-31", 1, "0.00%"),          # shows 100.00%
         ("2025-09-30", 0.5, '0"%"')]         # a literal sign, not a percent format: shows 0.5%

EXPECTED = [Decimal("45.00"), Decimal("45.50"), Decimal("0.45"), Decimal("60.00"), Decimal("100.00"),
            Decimal("0.50")]


def progress_xlsx(path, cells=CELLS, above=(["2025年项目进度报送"], ["单位：万元"])):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in above:
        ws.append(r)
    ws.append(PROG_HEADER)
    for date, value, fmt in cells:
        ws.append(["A", dt.date.fromisoformat(date), 1500, 300, None, value, "在建", None])
        ws.cell(ws.max_row, PROG_HEADER.index("形象进度（%）") + 1).number_format = fmt
    wb.save(path)
    return path


def test_percent_formatted_cells_read_as_shown_and_plain_numbers_as_they_are(tmp_path, data_dir):
    store = Store(data_dir)
    ingest_files(store, "projects", [write_csv(tmp_path / "p.csv", [proj("A")], header=PROJ_HEADER)], who="t")
    [r] = ingest_files(store, "project_progress", [progress_xlsx(tmp_path / "进度.xlsx")], who="t")
    assert r.status == "applied", [p.line() for p in r.problems]
    got = rows(data_dir, "SELECT physical_progress FROM project_progress ORDER BY report_date")
    assert [g[0] for g in got] == EXPECTED
    # the amounts of the same rows are untouched (万元 × 10,000)
    assert rows(data_dir, "SELECT DISTINCT year_plan FROM project_progress") == [(Decimal("15000000.00"),)]


def test_a_percent_cell_out_of_range_is_refused_with_the_value_shown(tmp_path, data_dir):
    store = Store(data_dir)
    ingest_files(store, "projects", [write_csv(tmp_path / "p.csv", [proj("A")], header=PROJ_HEADER)], who="t")
    f = progress_xlsx(tmp_path / "g.xlsx", [("2025-04-30", 1.5, "0%")], above=())
    [r] = ingest_files(store, "project_progress", [f], who="t")
    assert [(p.code, p.row, p.value) for p in r.problems] == [("bad_percent", 2, "150%")]


def test_the_cli_reads_percent_cells_as_shown(tmp_path, data_dir):
    p = cli("ingest", "projects", write_csv(tmp_path / "p.csv", [proj("A")], header=PROJ_HEADER), data_dir=data_dir)
    assert p.returncode == 0, p.stderr
    p = cli("ingest", "project_progress", progress_xlsx(tmp_path / "file.xlsx"), data_dir=data_dir)
    assert p.returncode == 0, p.stderr
    got = rows(data_dir, "SELECT physical_progress FROM project_progress ORDER BY report_date")
    assert [g[0] for g in got] == EXPECTED


def test_feeds_without_percent_columns_never_read_number_formats(tmp_path, data_dir, monkeypatch):
    def refuse(*_a, **_kw):
        raise AssertionError("number formats read for a feed without percent columns")
    monkeypatch.setattr(xlsx_percent, "percent_cells", refuse)
    [r] = ingest_files(Store(data_dir), "payments", [write_xlsx(tmp_path / "p.xlsx", [pay_row("V1")])], who="t")
    assert r.status == "applied"


@pytest.mark.parametrize("fmt, percent", [("0%", True), ("0.0%", True), ("#,##0.00%", True), ("0.00%;[Red]-0.00%", True),
                                          ("General", False), ('0"%"', False), ("0\\%", False), ("0.00", False),
                                          ("[$%-804]0", False), (None, False)])
def test_which_formats_are_percentages(fmt, percent):
    assert xlsx_percent.is_percent_format(fmt) is percent


def test_percent_text_is_decimal_exact():
    assert [xlsx_percent.percent_text(v) for v in (0.45, 0.455, 1, 0.07, 0.0001, 1.5)] == [
        "45%", "45.5%", "100%", "7%", "0.01%", "150%"]
