"""The dashboard's one download path, /download/<table>.csv|xlsx?<the page's URL query>.

Every table's two links point at this route (``dashboard/downloads.py``); the execution
page's vouchers stream from DuckDB, the rest are serialised from their frames. Behind the
login door like every route, written to the audit log like every export.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import time

import openpyxl
import pandas as pd
import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.tables import download_href, table_card
from budgetwatch.queries import accounts
from tests.conftest import ROOT, signed_in_client

VIEW = "year=2025&as_of=2025-06-30&by=func&path=205"


@pytest.fixture(scope="module")
def app(demo_store):
    from budgetwatch.dashboard.app import create_app

    return create_app(demo_store.data_dir)


@pytest.fixture(scope="module")
def member(app, demo_store):
    return signed_in_client(app, demo_store.data_dir, "download_member", "member")


def _context(text: str) -> dict[str, str]:
    return dict(line[2:].split(": ", 1) for line in text.splitlines() if line.startswith("# "))


def test_the_table_buttons_are_links_to_the_route():
    card = table_card("exec-vouchers", "zh")
    links = [c for c in card.children[1].children if getattr(c, "id", None) in
             (ids.table_csv("exec-vouchers"), ids.table_xlsx("exec-vouchers"))]
    assert [type(c).__name__ for c in links] == ["A", "A"] and all(c.download for c in links)
    assert download_href("exec-vouchers", "csv", "?year=2025&lang=en") == "/download/exec-vouchers.csv?year=2025&lang=en"
    assert download_href("exec-level", "xlsx", "") == "/download/exec-level.xlsx"


def test_every_registered_table_is_served_by_the_route(app):
    from budgetwatch.dashboard.tables import REGISTRY_KEY

    names = set(app.server.config[REGISTRY_KEY])
    assert {"exec-vouchers", "exec-level", "admin-log"} <= names and len(names) >= 10
    assert app.server.config[REGISTRY_KEY]["exec-vouchers"].stream is not None


def test_vouchers_csv_streams_with_its_context_first(member, demo_store):
    res = member.get(f"/download/exec-vouchers.csv?{VIEW}", buffered=False)
    assert res.status_code == 200 and res.is_streamed and res.mimetype == "text/csv"
    assert "filename*=UTF-8''budgetwatch_exec-vouchers_" in res.headers["Content-Disposition"]
    chunks = iter(res.response)
    first = next(chunks)
    assert first.startswith(b"\xef\xbb\xbf# ")
    text = (first + b"".join(chunks)).decode("utf-8-sig")
    res.close()
    ctx = _context(text)
    assert ctx["筛选：位置"] == "全部支出 › 205 教育支出" and ctx["数据截至"] == "2025-06-30"
    assert ctx["筛选：年度"] == "2025" and "导出时间" in ctx
    back = pd.read_csv(io.StringIO(text), skiprows=len(ctx), dtype={"凭证号": str, "单位编码": str})
    assert len(back) == int(ctx["行数"].replace(",", "")) > 1000
    assert back["功能分类"].str.startswith("205").all()
    assert list(back["支付日期"]) == sorted(back["支付日期"], reverse=True)     # the grid's order
    assert back["单位编码"].str.len().min() == 3                                  # codes stay text
    event = accounts.audit_events(demo_store.data_dir, action="export", actor="download_member").iloc[0]
    detail = json.loads(event["detail"])
    assert event["target"] == "exec-vouchers" and detail["format"] == "csv" and detail["rows"] == len(back)
    assert detail["filters"]["位置"] == "全部支出 › 205 教育支出"


def test_vouchers_xlsx_opens_and_holds_the_grid_filters(member):
    grid = json.dumps({"amount": {"filterType": "number", "type": "lessThan", "filter": 0}})
    res = member.get("/download/exec-vouchers.xlsx",
                     query_string={"year": "2025", "as_of": "2025-06-30", "by": "dept", "path": "002",
                                   "grid": grid, "lang": "en"})
    assert res.status_code == 200 and res.is_streamed and int(res.headers["Content-Length"]) == len(res.data)
    cells = list(openpyxl.load_workbook(io.BytesIO(res.data)).active.iter_rows(values_only=True))
    head = {r[0]: r[1] for r in cells[:12] if r[0]}
    assert head["Filter: Node"] == "All departments › 湘江市卫生健康委员会"
    assert head["Filter: Grid filter"] == "Amount (CNY) less than 0" and head["Data as of"] == "2025-06-30"
    header_at = cells.index(("Voucher", "Date", "Unit code", "Budget unit", "Function", "Economic class",
                             "Budget", "Payee", "Amount (CNY)", "Purpose"))
    rows = cells[header_at + 1:]
    assert rows and len(rows) == int(head["Rows"].replace(",", ""))
    assert all(r[8] < 0 and r[2].startswith("002") for r in rows)


def test_frame_tables_use_the_same_route(member):
    res = member.get(f"/download/exec-level.csv?{VIEW}")
    text = res.get_data().decode("utf-8-sig")
    assert res.status_code == 200 and "# 筛选：位置: 全部支出 › 205 教育支出" in text
    assert "20502,普通教育" in text


def test_the_door_and_the_roles(app, member):
    anonymous = app.server.test_client()
    assert anonymous.get(f"/download/exec-vouchers.csv?{VIEW}").status_code == 401
    assert anonymous.get("/download/exec-level.xlsx").status_code == 401
    assert member.get("/download/admin-log.csv").status_code == 403      # the audit log: admins only
    assert member.get("/download/nope.csv").status_code == 404


def test_a_view_without_data_is_one_sentence(app, data_dir):
    from budgetwatch.dashboard.app import create_app

    client = signed_in_client(create_app(data_dir), data_dir, "empty_member", "member")
    res = client.get("/download/exec-vouchers.csv?year=2025")
    assert res.status_code == 400 and "no budget or payment data" in res.get_data(as_text=True)


MEMORY_BOUND_MB = 300

_SCRIPT = """
import resource, sys, time
sys.path.insert(0, {root!r})
from budgetwatch.dashboard.app import create_app
from tests.conftest import signed_in_client
from budgetwatch.queries import accounts
import openpyxl, xlsxwriter, pyarrow.csv
app = create_app({data!r})
client = signed_in_client(app, {data!r}, "million_member", "member")
client.get("/download/exec-level.csv?year=2025")          # warm up: imports, first connection
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
res = client.get("/download/exec-vouchers.{kind}?year=2025", buffered=False)
chunks = iter(res.response)
first = next(chunks)
size, lines = len(first), first.count(b"\\n")
with open({out!r}, "wb") as fh:
    fh.write(first)
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\\n")
        fh.write(chunk)
res.close()
seconds = time.perf_counter() - t0
growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024
event = accounts.audit_events({data!r}, action="export", actor="million_member").iloc[0]
print(res.status_code, int(res.is_streamed), repr(first[:40]), lines, size, growth, round(seconds, 1),
      event["target"], sep="\\t")
"""


@pytest.fixture(scope="module")
def million(tmp_path_factory):
    from tests.export.million import make_million

    data = tmp_path_factory.mktemp("million") / "data"
    make_million(data)
    return data


def _download(million, tmp_path, kind: str) -> tuple:
    out = tmp_path / f"m.{kind}"
    script = textwrap.dedent(_SCRIPT).format(root=str(ROOT), data=str(million), kind=kind, out=str(out))
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    status, streamed, first, lines, size, growth, seconds, target = res.stdout.strip().split("\t")
    print(f"{kind}: {int(size) / 1e6:.0f} MB in {seconds} s, peak RSS growth {growth} MB")
    assert status == "200" and streamed == "1" and target == "exec-vouchers"
    return out, first, int(lines), int(growth), float(seconds)


@pytest.mark.slow
def test_a_million_vouchers_stream_as_csv_within_a_memory_bound(million, tmp_path):
    out, first, lines, growth, _ = _download(million, tmp_path, "csv")
    assert first.startswith("b'\\xef\\xbb\\xbf# ")                  # the context block comes first
    assert lines == 1_000_000 + 1 + 8                          # rows, header, eight context lines
    assert growth < MEMORY_BOUND_MB, f"peak RSS grew by {growth} MB"
    with open(out, encoding="utf-8-sig") as fh:
        head = [next(fh) for _ in range(10)]
    assert "# 行数: 1,000,000\n" in head


@pytest.mark.slow
def test_a_million_vouchers_as_xlsx_within_a_memory_bound(million, tmp_path):
    out, first, _, growth, _ = _download(million, tmp_path, "xlsx")
    assert first.startswith("b'PK")
    assert growth < MEMORY_BOUND_MB, f"peak RSS grew by {growth} MB"
    ws = openpyxl.load_workbook(out, read_only=True).active
    head = [r for _, r in zip(range(12), ws.iter_rows(values_only=True))]
    assert ("行数", "1,000,000") in [r[:2] for r in head]
    assert ws.max_row == 1_000_000 + 10                        # eight context lines, a blank, the header
