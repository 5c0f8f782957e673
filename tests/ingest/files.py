"""Small feed files in the shapes real systems export, written by the tests themselves."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl

PAY_HEADER_CN = ["支付凭证号", "支付日期", "单位编码", "功能科目编码", "经济科目编码", "资金性质", "收款人", "金额"]
PAY_HEADER_EN = ["voucher_no", "pay_date", "dept_code", "func_code", "econ_code", "fund_type", "payee", "amount"]


def pay_row(no: str, date: str = "2025-03-07", amount: str = "100.00", dept: str = "001001",
            func: str = "2050202", econ: str = "30201", fund: str = "一般公共预算", payee: str = "湖南某某科技有限公司"):
    return [no, date, dept, func, econ, fund, payee, amount]


def write_csv(path: Path, rows: list[list], header: list[str] | None = PAY_HEADER_CN, *, above: list[str] = (),
              below: list[list] = (), encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buf = io.StringIO()
    for line in above:
        buf.write(line + "\n")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    if header:
        w.writerow(header)
    w.writerows(rows)
    w.writerows(below)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], header: list[str] | None = PAY_HEADER_CN, *, above: list[list] = (),
               sheet: str = "Sheet1", first_sheet: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if first_sheet:
        ws.title = first_sheet
        ws.append(["说明：本工作簿第二页为数据"])
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    for r in above:
        ws.append(r)
    if header:
        ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


DATE = dt.date
