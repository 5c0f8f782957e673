"""The debt feed (政府债务限额与余额) in the shapes finance bureaus publish it.

Region codes as published tables write them (43 → 430000, 4301 → 430100), amounts in 亿元
exact to the cent, a 合计 row set aside, debt types in Chinese or English, and a region whose
two rows of one year disagree on 综合财力 refused with file, row, column and reason.
"""
from __future__ import annotations

import json
from decimal import Decimal

from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store
from tests.conftest import cli, rows
from tests.ingest.files import write_csv, write_xlsx

CN = ["年度", "行政区划代码", "地区名称", "债务类型", "债务限额", "债务余额", "新增债务限额", "新增债券发行额",
      "再融资债券发行额", "还本额", "付息额", "综合财力"]
EN = ["year", "region_code", "region_name", "debt_type", "limit_amount", "balance", "new_quota", "new_issued",
      "refinancing_issued", "principal_repaid", "interest_paid", "fiscal_capacity"]
COLS = ", ".join(EN)


def load(data_dir, path, **kw):
    return ingest_files(Store(data_dir), "debt", [path], who="t", **kw)[0]


def held(data_dir):
    return rows(data_dir, f"SELECT {COLS} FROM debt ORDER BY region_code, debt_type")


def test_xlsx_title_unit_yi_codes_padded_total_row_set_aside(tmp_path, data_dir):
    body = [
        [2025.0, 43.0, "湖南省", "一般债务", 6000.0, 5800.5, 300.0, 290.0, 100.0, 80.0, 150.25, 9000.0],
        [2025.0, 4301.0, "长沙市", "专项债务", 2500.0, "2,400.1234567891", 200.0, 180.0, 50.0, 40.0, 60.0, 2000.0],
        [2025.0, "430102", "芙蓉区", "一般债券", 12.3456789012, 12.3456789012, None, None, None, None, None, None],
        [2025.0, None, "合计", None, 8512.3456789012, 8213.0, 500.0, 470.0, 150.0, 120.0, 210.25, None],
    ]
    f = write_xlsx(tmp_path / "2025年政府债务限额及余额情况表.xlsx", body, header=CN,
                   above=[["2025年全市政府债务限额及余额情况表"], ["单位：亿元"]])
    r = load(data_dir, f)
    assert r.status == "applied", [p.line() for p in r.problems]
    assert r.unit == "亿元" and r.total_rows_dropped == 1 and r.inserted == 3
    got = {(c, t): rest for (_, c, _, t, *rest) in held(data_dir)}
    assert set(got) == {("430000", "一般债务"), ("430100", "专项债务"), ("430102", "一般债务")}
    # 亿元 × 100,000,000, exact to the cent
    assert got[("430102", "一般债务")][:2] == [Decimal("1234567890.12"), Decimal("1234567890.12")]
    assert got[("430100", "专项债务")][1] == Decimal("240012345678.91")
    assert got[("430000", "一般债务")][6] == Decimal("15025000000.00")
    assert got[("430102", "一般债务")][2:] == [None] * 6   # optional amounts stay empty, not 0


def test_gb18030_csv_with_two_four_six_digit_codes(tmp_path, data_dir):
    body = [["2024", "43", "湖南省", "一般", "100", "90", "", "", "", "", "", "200"],
            ["2024", "43", "湖南省", "专项", "50", "40", "", "", "", "", "", "200"],
            ["2024", "4301", "长沙市", "专项债", "10", "9", "", "", "", "", "", ""],
            ["2024", "430181", "浏阳市", "一般债务", "1", "1", "", "", "", "", "", "3"]]
    f = write_csv(tmp_path / "debt.csv", body, header=CN, encoding="gb18030", above=["单位：万元"])
    r = load(data_dir, f)
    assert r.status == "applied", [p.line() for p in r.problems]
    assert r.file_format == "csv/gb18030"
    got = [(c, t, b) for (_, c, _, t, _, b, *_) in held(data_dir)]
    assert got == [("430000", "一般债务", Decimal("900000.00")), ("430000", "专项债务", Decimal("400000.00")),
                   ("430100", "专项债务", Decimal("90000.00")), ("430181", "一般债务", Decimal("10000.00"))]


def test_english_headers_and_types(tmp_path, data_dir):
    body = [["2025", "430102", "Furong", "general", "1,000.00", "999.99", "", "", "", "", "", ""],
            ["2025", "430102", "Furong", "Special Debt", "(0)", "0", "", "", "", "", "", ""]]
    f = write_csv(tmp_path / "debt.csv", body, header=EN)
    r = load(data_dir, f)
    assert r.status == "applied", [p.line() for p in r.problems]
    assert [(t, lim) for (_, _, _, t, lim, *_) in held(data_dir)] == [("一般债务", Decimal("1000.00")),
                                                                      ("专项债务", Decimal("0.00"))]


def test_a_three_digit_code_and_an_unknown_type_are_refused(tmp_path, data_dir):
    body = [["2025", "431", "某地", "一般债务", "1", "1", "", "", "", "", "", ""],
            ["2025", "430102", "芙蓉区", "隐性债务", "1", "1", "", "", "", "", "", ""]]
    r = load(data_dir, write_csv(tmp_path / "d.csv", body, header=CN))
    assert r.status == "refused"
    assert [(p.row, p.column, p.code) for p in r.problems] == [(2, "行政区划代码", "bad_digits"),
                                                               (3, "债务类型", "bad_enum")]
    assert "应为2、4或6位数字" in r.problems[0].zh and "2, 4 or 6 digits" in r.problems[0].en
    assert held(data_dir) == []


def test_two_rows_of_a_region_disagreeing_on_fiscal_capacity_are_refused(tmp_path, data_dir):
    body = [["2025", "430102", "芙蓉区", "一般债务", "10", "9", "", "", "", "", "", "20"],
            ["2025", "430102", "芙蓉区", "专项债务", "10", "9", "", "", "", "", "", "21"],
            ["2025", "430103", "天心区", "一般债务", "10", "9", "", "", "", "", "", "20"],
            ["2025", "430103", "天心区", "专项债务", "10", "9", "", "", "", "", "", ""],      # one empty: fine
            ["2024", "430102", "芙蓉区", "专项债务", "10", "9", "", "", "", "", "", "21"]]   # another year: fine
    f = write_csv(tmp_path / "债务.csv", body, header=CN, above=["单位：亿元"])
    r = load(data_dir, f)
    assert r.status == "refused" and r.rejected == 2
    lines = [p.line() for p in r.problems]
    assert [(p.file, p.row, p.column, p.code) for p in r.problems] == [
        ("债务.csv", 3, "综合财力", "disagree"), ("债务.csv", 4, "综合财力", "disagree")]
    assert "与第4行的综合财力不一致" in r.problems[0].zh and "row(s) 4" in r.problems[0].en
    assert "与第3行" in r.problems[1].zh
    assert "第3行 row 3" in lines[0] and "“综合财力”" in lines[0]
    assert held(data_dir) == []                       # nothing of a refused file is applied
    r = load(data_dir, f, accept_partial=True)        # the good rows, when asked
    assert r.status == "partial" and r.inserted == 3


def test_a_row_disagreeing_with_the_held_row_of_its_region_is_refused(tmp_path, data_dir):
    first = [["2025", "430102", "芙蓉区", "一般债务", "10", "9", "", "", "", "", "", "20"],
             ["2025", "430102", "芙蓉区", "专项债务", "10", "9", "", "", "", "", "", "20"]]
    assert load(data_dir, write_csv(tmp_path / "a.csv", first, header=CN)).status == "applied"
    one = [["2025", "430102", "芙蓉区", "专项债务", "10", "8", "", "", "", "", "", "25"]]
    r = load(data_dir, write_csv(tmp_path / "b.csv", one, header=CN))
    assert r.status == "refused"
    [p] = r.problems
    assert (p.row, p.column, p.code) == (2, "综合财力", "disagree_held")
    assert "一般债务" in p.zh and "20.00" in p.zh and "一般债务" in p.en
    # both rows together correct the figure
    both = [row[:5] + ["8"] + row[6:11] + ["25"] for row in first]
    r = load(data_dir, write_csv(tmp_path / "c.csv", both, header=CN))
    assert r.status == "applied" and r.updated == 2
    assert {fc for *_, fc in held(data_dir)} == {Decimal("25.00")}


def test_cli_loads_debt_idempotently_and_status_lists_it(tmp_path, data_dir):
    body = [["2025", "4301", "长沙市", "一般债务", "100.5", "90.25", "10", "12", "", "", "", "300"]]
    f = write_csv(tmp_path / "debt.csv", body, header=CN, above=["单位：亿元"], below=[["合计"] + [""] * 11])
    p = cli("ingest", "debt", f, data_dir=data_dir)
    assert p.returncode == 0, p.stdout + p.stderr
    before = rows(data_dir, "SELECT * FROM debt")
    p = cli("ingest", "debt", f, data_dir=data_dir)
    assert p.returncode == 0, p.stdout + p.stderr
    assert rows(data_dir, "SELECT * FROM debt") == before
    assert rows(data_dir, "SELECT count(*) FROM loads WHERE feed = 'debt'") == [(1,)]
    p = cli("status", "--format", "json", data_dir=data_dir)
    status = json.loads(p.stdout)["feeds"]["debt"]
    assert status["rows"] == 1 and status["last_loaded"]
    bad = write_csv(tmp_path / "bad.csv", [body[0][:5] + ["-1"] + body[0][6:]], header=CN)
    p = cli("ingest", "debt", bad, data_dir=data_dir)
    assert p.returncode != 0 and "bad.csv" in p.stdout + p.stderr and "债务余额" in p.stdout + p.stderr
    assert rows(data_dir, "SELECT * FROM debt") == before
