"""Files that cannot be read are refused naming the file, the row as a person counts it and what
to do — in Chinese and English, from the CLI and from an upload alike; CR-only line ends load
(issue 18, item 4)."""
from __future__ import annotations

import base64
import json

import pytest

from budgetwatch.ingest import read
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store
from tests.conftest import cli, rows
from tests.ingest.files import PAY_HEADER_CN, pay_row

HEADER = ",".join(PAY_HEADER_CN)


def lines(n: int, start: int = 1, payee: str = "湖南某某科技有限公司") -> list[str]:
    return [",".join(pay_row(f"V{i}", payee=payee)) for i in range(start, start + n)]


def utf8_then_gb18030(path, utf8_rows: int = 40):
    """A header and rows in UTF-8, then rows pasted in from a GB18030 export."""
    head = "\n".join([HEADER, *lines(utf8_rows)]) + "\n"
    tail = "\n".join(lines(3, start=utf8_rows + 1, payee="长沙市某某建设有限公司")) + "\n"
    path.write_bytes(head.encode("utf-8") + tail.encode("gb18030"))
    return path, utf8_rows + 2        # the first GB18030 line, as a person counts lines


def bom_then_gb18030(path):
    body = "\n".join(lines(2)) + "\n"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\n").encode("utf-8") + body.encode("gb18030"))
    return path, 2


def one_huge_line(path, size: int):
    """A header, one good row, then a single line of ``size`` characters (a cell with no end)."""
    path.write_text("\n".join([HEADER, lines(1)[0], "V2,2025-03-07," + "x" * size]) + "\n", encoding="utf-8")
    return path, 3


def load(data_dir, path):
    [r] = ingest_files(Store(data_dir), "payments", [path], who="t")
    return r


@pytest.mark.parametrize("make", [utf8_then_gb18030, bom_then_gb18030])
def test_an_encoding_switch_names_the_row_and_what_to_do(tmp_path, data_dir, make):
    path, row = make(tmp_path / "混合编码.csv")
    r = load(data_dir, path)
    assert r.status == "refused"
    [p] = r.problems
    assert p.file == "混合编码.csv" and p.row == row
    assert "UTF-8" in p.zh and "GB18030" in p.zh and "另存" in p.zh
    assert "UTF-8" in p.en and "GB18030" in p.en and "save" in p.en
    assert "codec" not in p.en and "position" not in p.en
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(0,)]


def test_an_encoding_switch_in_the_cli(tmp_path, data_dir):
    path, row = utf8_then_gb18030(tmp_path / "mixed.csv")
    done = cli("ingest", "payments", path, data_dir=data_dir)
    assert done.returncode == 2
    assert f"mixed.csv, 第{row}行 row {row}" in done.stderr and "GB18030" in done.stderr
    assert "codec" not in done.stderr and "Traceback" not in done.stderr


def test_a_line_too_long_names_its_row(tmp_path, data_dir, monkeypatch):
    monkeypatch.setattr(read, "MAX_LINE_BYTES", 64 * 1024)   # so the test need not write 200 MB
    path, row = one_huge_line(tmp_path / "long.csv", 200_000)
    r = load(data_dir, path)
    assert r.status == "refused"
    [p] = r.problems
    assert p.file == "long.csv" and p.row == row
    assert "引号" in p.zh and "quote" in p.en
    assert "field limit" not in p.en
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(0,)]


def test_a_line_too_long_in_the_cli(tmp_path, data_dir):
    path, row = one_huge_line(tmp_path / "long.csv", 3 * 1024 * 1024)   # past the default limit
    done = cli("ingest", "payments", path, data_dir=data_dir)
    assert done.returncode == 2
    assert f"long.csv, 第{row}行 row {row}" in done.stderr
    assert "field larger" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_cr_only_line_ends_simply_load(tmp_path, data_dir, ending):
    path = tmp_path / "mac.csv"
    path.write_bytes(ending.join([HEADER, *lines(3)]).encode("gb18030") + ending.encode())
    r = load(data_dir, path)
    assert r.status == "applied", [p.line() for p in r.problems]
    assert r.rows_read == 3 and rows(data_dir, "SELECT count(*) FROM payments") == [(3,)]


def test_cr_only_rows_are_counted_as_a_person_counts_them(tmp_path, data_dir):
    path = tmp_path / "mac.csv"
    bad = pay_row("V3")
    bad[7] = "abc"
    path.write_bytes("\r".join([HEADER, *lines(2), ",".join(bad)]).encode("utf-8") + b"\r")
    r = load(data_dir, path)
    assert r.status == "refused" and [(p.code, p.row) for p in r.problems] == [("bad_amount", 4)]


def test_an_unexpected_failure_names_the_file_and_changes_nothing(tmp_path, data_dir, monkeypatch):
    """Whatever goes wrong reading a file, the report names it in both languages (no bare error)."""
    def broken(*a, **k):
        raise OSError("disk said no")
    monkeypatch.setattr(read, "scan_csv", broken)
    path = tmp_path / "p.csv"
    path.write_text("\n".join([HEADER, *lines(2)]) + "\n", encoding="utf-8")
    r = load(data_dir, path)
    assert r.status == "refused"
    [p] = r.problems
    assert p.file == "p.csv" and "未作任何改动" in p.zh and "nothing" in p.en and "disk said no" in p.en
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(0,)]


def test_an_upload_says_the_same_as_the_cli(tmp_path, data_dir):
    from budgetwatch.dashboard import auth
    from budgetwatch.dashboard.pages import data as data_page
    from budgetwatch.queries.accounts import User

    path, row = utf8_then_gb18030(tmp_path / "mixed.csv")
    contents = "data:text/csv;base64," + base64.b64encode(path.read_bytes()).decode()
    with auth.acting_as(User("张三", "staff")):
        out = data_page.upload(Store(data_dir), "payments", contents, "mixed.csv", False, "张三", "")
    problems = json.dumps(out["problems"], ensure_ascii=False)
    assert f'"行": {row}' in problems and "GB18030" in problems and "另存" in problems
    assert "导入时出错" not in json.dumps(out["report"].to_plotly_json(), ensure_ascii=False, default=str)
