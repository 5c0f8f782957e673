"""CSV/XLSX exports from the CLI: context block, filters, codes as text, streaming memory bound."""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import openpyxl
import pandas as pd
import pytest

from budgetwatch.dashboard.table_export import ExportError, Source, export_table, write_xlsx
from tests.conftest import ROOT, cli


def _comment_block(path) -> dict[str, str]:
    out = {}
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            if not line.startswith("# "):
                break
            key, _, value = line[2:].rstrip("\n").partition(": ")
            out[key] = value
    return out


def test_csv_export_carries_filters_as_of_and_time(demo_store, tmp_path):
    out = tmp_path / "v.csv"
    res = cli("export", "--table", "vouchers", "--query", "year=2025&as_of=2025-06-30", "--dept", "003",
              "--output", out, data_dir=demo_store.data_dir)
    assert res.returncode == 0, res.stderr
    head = _comment_block(out)
    assert head["表名"] == "2025年支付凭证明细"
    assert head["筛选：年度"] == "2025" and head["筛选：截止日期"] == "2025-06-30"
    assert head["筛选：部门（含下属单位）"].startswith("003 ")
    assert head["数据截至"] == "2025-06-30" and head["导出时间"].startswith("20")
    frame = pd.read_csv(out, comment="#", encoding="utf-8-sig", dtype=str)
    assert len(frame) == int(head["行数"].replace(",", "")) > 0
    assert frame["单位编码"].str.startswith("003").all()       # the department and its units, as text
    assert frame["支付日期"].max() <= "2025-06-30"
    assert list(frame["支付日期"]) == sorted(frame["支付日期"])


def test_xlsx_export_opens_with_openpyxl_and_holds_its_filters(demo_store, tmp_path):
    out = tmp_path / "flags.xlsx"
    res = cli("export", "--table", "flags", "--year", "2025", "--severity", "high,medium", "--output", out,
              data_dir=demo_store.data_dir)
    assert res.returncode == 0, res.stderr
    ws = openpyxl.load_workbook(out).active
    cells = [tuple(c for c in row if c is not None) for row in ws.iter_rows(values_only=True)]
    assert ("表名", "2025年预警清单") in cells
    assert ("筛选：年度", "2025") in cells
    assert ("筛选：预警等级", "红色预警、橙色预警") in cells
    assert any(c[0] == "导出时间" for c in cells if c) and any(c[0] == "数据截至" for c in cells if c)
    header_at = next(i for i, c in enumerate(cells) if c and c[0] == "规则")
    body = [c for c in cells[header_at + 1:] if c]
    assert len(body) == int(dict(c for c in cells if len(c) == 2)["行数"].replace(",", ""))
    assert {c[1] for c in body} <= {"红色预警", "橙色预警"}


def test_departments_xlsx_keeps_codes_as_text(demo_store, tmp_path):
    out = tmp_path / "d.xlsx"
    assert export_table(demo_store, "departments", {"year": "2025", "as_of": "2025-06-30"}, "xlsx", out) > 0
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "部门编码")
    assert all(isinstance(r[0], str) and len(r[0]) == 3 for r in rows[header_at + 1:])


def test_xlsx_refuses_more_rows_than_excel_holds(tmp_path):
    import pyarrow as pa

    big = Source("t", [], None, 2_000_000, pa.table({"a": [1]}).to_reader())
    with pytest.raises(ExportError, match="CSV"):
        write_xlsx(big, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_bad_table_or_format_is_one_sentence(demo_store, tmp_path):
    res = cli("export", "--table", "nope", "--output", tmp_path / "x.csv", data_dir=demo_store.data_dir)
    assert res.returncode == 2 and "no table" in res.stderr and "Traceback" not in res.stderr
    res = cli("export", "--table", "vouchers", "--output", tmp_path / "x.png", data_dir=demo_store.data_dir)
    assert res.returncode == 2 and "csv|xlsx" in res.stderr


MEMORY_BOUND_MB = 300


@pytest.mark.slow
def test_a_million_vouchers_stream_within_a_memory_bound(tmp_path):
    """Peak RSS growth of the export itself (in a fresh process) stays under the bound."""
    from tests.export.million import make_million

    data = tmp_path / "data"
    make_million(data)
    out = tmp_path / "m.csv"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        def kb(key):
            for line in open("/proc/self/status"):
                if line.startswith(key):
                    return int(line.split()[1])
        from budgetwatch.queries.store import Store
        from budgetwatch.dashboard.table_export import export_table
        import duckdb, pyarrow, pyarrow.csv, openpyxl, pandas
        before = kb("VmRSS:")
        n = export_table(Store({str(data)!r}), "vouchers", {{"year": "2025"}}, "csv", {str(out)!r})
        print(n, (kb("VmHWM:") - before) // 1024)
    """)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    rows, growth_mb = map(int, res.stdout.split())
    assert rows == 1_000_000
    assert growth_mb < MEMORY_BOUND_MB, f"peak RSS grew by {growth_mb} MB"
    with open(out, encoding="utf-8-sig") as fh:
        lines = sum(1 for _ in fh)
    assert lines == 1_000_000 + 1 + 6        # rows, header, six context lines
