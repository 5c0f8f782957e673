"""Table exports carry their context and open where people open them."""
from __future__ import annotations

import base64
import datetime as dt
import io

import openpyxl
import pandas as pd

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.tables import Export, export_download, to_csv_bytes, to_xlsx_bytes

EXPORT = Export(
    frame=pd.DataFrame({"单位编码": ["001", "001001"], "单位名称": ["市教育局", "<b>市一中</b>"],
                        "预算（万元）": [1234.5, 12.0]}),
    title="2025年各部门预算执行", filters=[("年度", "2025"), ("部门", "市教育局")], as_of="2025-06-30",
    exported_at=dt.datetime(2026, 1, 2, 3, 4, 5))


def test_csv_has_bom_comment_block_and_reads_back():
    data = to_csv_bytes(EXPORT)
    assert data.startswith(b"\xef\xbb\xbf# ")
    text = data.decode("utf-8-sig")
    assert "# 筛选：年度: 2025" in text and "# 数据截至: 2025-06-30" in text and "# 导出时间: 2026-01-02 03:04:05" in text
    back = pd.read_csv(io.BytesIO(data), comment="#", dtype={"单位编码": str}, encoding="utf-8-sig")
    assert back["单位编码"].tolist() == ["001", "001001"]
    assert back["单位名称"].tolist()[1] == "<b>市一中</b>"


def test_xlsx_opens_with_openpyxl_and_holds_its_filters():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(EXPORT, "en")))
    ws = wb.active
    cells = [tuple(row) for row in ws.iter_rows(values_only=True)]
    assert cells[0] == ("Table", "2025年各部门预算执行", None)
    assert ("Filter: 年度", "2025", None) in cells and ("Data as of", "2025-06-30", None) in cells
    header_at = cells.index(("单位编码", "单位名称", "预算（万元）"))
    assert cells[header_at + 1] == ("001", "市教育局", 1234.5)  # leading zeros kept as text


def test_download_callback_body(data_dir):
    from budgetwatch.queries import accounts
    from budgetwatch.queries.store import Store
    store = Store(data_dir)
    calls = []

    def fetch(store, query, lang):
        calls.append((store, query, lang))
        return EXPORT

    got = export_download(store, "depts", fetch, ids.table_xlsx("depts"), "?year=2025&lang=en")
    assert calls == [(store, {"year": "2025", "lang": "en"}, "en")]
    assert got["filename"].startswith("budgetwatch_depts_") and got["filename"].endswith(".xlsx")
    openpyxl.load_workbook(io.BytesIO(base64.b64decode(got["content"])))
    got = export_download(store, "depts", fetch, ids.table_csv("depts"), "")
    assert got["filename"].endswith(".csv")
    events = accounts.audit_events(data_dir, action="export")
    assert list(events["target"]) == ["depts", "depts"] and events.iloc[0]["actor"] == "测试员"
