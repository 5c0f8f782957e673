"""Every XLSX opens ready to use (issue 16, item 9j): amounts are numbers shown ``#,##0.00``,
dates are Excel dates, codes stay text, columns are as wide as their contents, and the grid's
filters are named by the titles the grid shows — for the dashboard's downloads (in memory and
streamed) and ``budgetwatch export --table`` alike, read back with openpyxl."""
from __future__ import annotations

import datetime as dt
import io
import json
from urllib.parse import quote

import openpyxl
import pandas as pd
import pytest

from budgetwatch.dashboard import xlsx_writer
from budgetwatch.dashboard.table_export import export_table
from budgetwatch.dashboard.tables import Export, to_xlsx_bytes
from tests.conftest import signed_in_client


def table(ws, first: str) -> tuple[list, list[list]]:
    """The header row (the one starting with ``first``) and the cells below it."""
    rows = list(ws.iter_rows())
    at = next(i for i, r in enumerate(rows) if r[0].value == first)
    return [c.value for c in rows[at]], [list(r) for r in rows[at + 1:] if r[0].value is not None]


def context(ws) -> dict:
    out = {}
    for r in ws.iter_rows(values_only=True):
        if r[0] is None:
            break
        out[r[0]] = r[1]
    return out


def width(ws, col: str) -> float:
    return ws.column_dimensions[col].width


def test_a_frame_download_types_formats_and_sizes_its_cells():
    frame = pd.DataFrame({
        "问题编号": ["SJ2025-001", "=HYPERLINK(\"x\")"],
        "审计年度": [2025, 2024],
        "单位": ["湘江市职业中等专业学校 001006", "湘江市教育局 001"],
        "涉及金额（万元）": [22.8, 1234567.891],
        "整改期限": ["2026-03-31", "未定"],
        "支付日期": ["2025-06-30", None],
        "执行进度（%）": [44.48, None],
    })
    export = Export(frame, "湘江市教育局 审计查出问题", [("部门", "湘江市教育局（001）")], "2025-06-30")
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(export, "zh"))).active
    head, body = table(ws, "问题编号")
    (no, year, unit, amount, due, day, rate), (no2, _, _, amount2, due2, day2, rate2) = body
    assert amount.value == 22.8 and amount.number_format == "#,##0.00" and amount2.value == 1234567.891
    assert rate.number_format == "#,##0.00" and rate2.value is None
    assert year.value == 2025 and year.number_format == "General"               # a year, not 2,025
    assert day.is_date and day.value == dt.datetime(2025, 6, 30) and day.number_format == "yyyy-mm-dd"
    assert due.is_date and due.value == dt.datetime(2026, 3, 31)
    assert due2.value == "未定" and not due2.is_date                          # not a date: stays text
    assert no.data_type == "s" and no2.value == '=HYPERLINK("x")' and no2.data_type == "s"
    assert no2.quotePrefix
    assert width(ws, "C") >= 2 * len("湘江市职业中等专业学校") and width(ws, "D") >= len("1,234,567.89")
    assert width(ws, "A") >= 2 * len("筛选：部门")                           # the context labels fit
    assert all(width(ws, c) <= xlsx_writer.MAX_WIDTH for c in "ABCDEFG")


def test_the_cli_export_writes_amounts_dates_and_codes_as_a_reader_needs(demo_store, tmp_path):
    out = tmp_path / "v.xlsx"
    assert export_table(demo_store, "vouchers", {"year": "2025", "as_of": "2025-06-30", "dept": "001"}, "xlsx", out) > 0
    ws = openpyxl.load_workbook(out).active
    head, body = table(ws, "凭证号")
    col = {name: i for i, name in enumerate(head)}
    row = body[0]
    assert row[col["金额（元）"]].data_type == "n" and row[col["金额（元）"]].number_format == "#,##0.00"
    assert row[col["支付日期"]].is_date and row[col["支付日期"]].number_format == "yyyy-mm-dd"
    assert row[col["单位编码"]].value.startswith("001") and row[col["单位编码"]].data_type == "s"
    assert width(ws, "A") >= len(row[0].value)                                   # the voucher number fits

    out = tmp_path / "d.xlsx"
    export_table(demo_store, "departments", {"year": "2025", "as_of": "2025-06-30"}, "xlsx", out)
    head, body = table(openpyxl.load_workbook(out).active, "部门编码")
    col = {name: i for i, name in enumerate(head)}
    assert body[0][col["执行进度"]].number_format == "0.00%" and body[0][col["序时进度"]].number_format == "0.00%"
    assert body[0][col["调整预算（元）"]].number_format == "#,##0.00"
    assert body[0][col["部门编码"]].data_type == "s" and len(body[0][col["部门编码"]].value) == 3


@pytest.mark.parametrize("lang, label, words", [
    ("zh", "筛选：表格筛选", "收款人 包含 设备；支付日期 早于 2025-06-01"),
    ("en", "Filter: Grid filter", "Payee contains 设备; Date before 2025-06-01"),
])
def test_the_streamed_vouchers_download_names_the_grid_filter_as_the_grid_shows_it(demo_store, lang, label, words):
    from budgetwatch.dashboard.app import create_app

    client = signed_in_client(create_app(demo_store.data_dir), demo_store.data_dir, "xlsx_member", "member")
    grid = {"payee": {"filterType": "text", "type": "contains", "filter": "设备"},
            "pay_date": {"filterType": "date", "type": "lessThan", "dateFrom": "2025-06-01 00:00:00"}}
    res = client.get("/download/exec-vouchers.xlsx?year=2025&as_of=2025-06-30&by=dept&path=001"
                     f"&grid={quote(json.dumps(grid, ensure_ascii=False))}" + ("&lang=en" if lang == "en" else ""))
    assert res.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(res.data)).active
    assert context(ws)[label] == words
    head, body = table(ws, "凭证号" if lang == "zh" else head_of(ws))
    amount = body[0][[i for i, h in enumerate(head) if "元" in h or "CNY" in h][0]]
    day = body[0][1]
    assert amount.number_format == "#,##0.00" and day.is_date and day.value < dt.datetime(2025, 6, 1)


def head_of(ws) -> str:
    """The first column's title in the English download (the row after the blank one)."""
    rows = list(ws.iter_rows(values_only=True))
    return rows[next(i for i, r in enumerate(rows) if r[0] is None) + 1][0]
