"""Each kind of bad input is refused with a message naming file, row, column and why."""
from __future__ import annotations

import pytest

from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store
from tests.conftest import rows
from tests.ingest.files import PAY_HEADER_CN, pay_row, write_csv, write_xlsx


def load(data_dir, feed, *paths, **kw):
    return ingest_files(Store(data_dir), feed, list(paths), who="test", **kw)


def test_missing_required_column_is_named(tmp_path, data_dir):
    header = [h for h in PAY_HEADER_CN if h != "收款人"]
    f = write_csv(tmp_path / "p.csv", [pay_row("V1")[:6] + ["100"]], header=header)
    [r] = load(data_dir, "payments", f)
    assert r.status == "refused"
    [p] = r.problems
    assert p.code == "missing_column" and "收款人" in p.zh and "payee" in p.en and p.row == 1


def test_no_header_at_all(tmp_path, data_dir):
    f = tmp_path / "p.csv"
    f.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    [r] = load(data_dir, "payments", f)
    assert r.status == "refused" and r.problems[0].code == "no_header"
    assert "支付凭证号" in r.problems[0].zh


@pytest.mark.parametrize("field,value,code", [
    ("amount", "abc", "bad_amount"), ("amount", "0", "zero"), ("pay_date", "2025-13-45", "bad_date"),
    ("func_code", "205020", "bad_digits"), ("econ_code", "3020", "bad_digits"), ("fund_type", "预算外", "bad_enum"),
    ("payee", "", "required"), ("voucher_no", "", "required"),
])
def test_bad_values_name_row_column_value_reason(tmp_path, data_dir, field, value, code):
    row = dict(zip(["voucher_no", "pay_date", "dept_code", "func_code", "econ_code", "fund_type", "payee", "amount"],
                   pay_row("V2")))
    row[field] = value
    f = write_csv(tmp_path / "p.csv", [pay_row("V1"), list(row.values())], above=["支付明细"])
    [r] = load(data_dir, "payments", f)
    assert r.status == "refused" and r.rejected == 1 and r.rows_read == 2
    [p] = r.problems
    assert (p.code, p.row, p.file) == (code, 4, "p.csv")  # title, header, V1, then this row
    assert p.column == PAY_HEADER_CN[list(row).index(field)]
    assert p.zh and p.en and p.zh != p.en
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(0,)]  # nothing applied


def test_negative_budget_refused(tmp_path, data_dir):
    f = write_csv(tmp_path / "b.csv", [["2025", "001", "205", "302", "一般公共预算", "-5", ""]],
                  header=["年度", "单位编码", "功能科目编码", "经济科目编码", "资金性质", "年初预算数", "调整预算数"])
    [r] = load(data_dir, "budget", f)
    assert r.problems[0].code == "negative"


def test_enterprise_code_must_be_18_characters(tmp_path, data_dir):
    f = write_csv(tmp_path / "e.csv", [["2025", "91430100", "某公司", "", "1", "1", "0", "", "0"]],
                  header=["年度", "统一社会信用代码", "企业名称", "监管单位编码", "资产总额", "负债总额", "所有者权益",
                          "营业收入", "利润总额"])
    [r] = load(data_dir, "assets_enterprise", f)
    assert r.problems[0].code == "bad_length"


def test_duplicate_key_in_one_file(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.csv", [pay_row("V1"), pay_row("V2"), pay_row("V1", amount="5")])
    [r] = load(data_dir, "payments", f)
    assert r.status == "refused" and r.rejected == 2
    assert [(p.code, p.row) for p in r.problems] == [("duplicate_key", 2), ("duplicate_key", 4)]
    assert "4" in r.problems[0].zh and "2" in r.problems[1].en


def test_unknown_parent_department(tmp_path, data_dir):
    f = write_csv(tmp_path / "d.csv", [["001", "市教育局", ""], ["001001", "市一中", "009"]],
                  header=["单位编码", "单位名称", "主管部门编码"])
    [r] = load(data_dir, "departments", f)
    assert r.status == "refused" and r.problems[0].code == "unknown_parent" and r.problems[0].row == 3


def test_parent_may_already_be_held(tmp_path, data_dir):
    load(data_dir, "departments", write_csv(tmp_path / "a.csv", [["001", "市教育局"]], header=["单位编码", "单位名称"]))
    [r] = load(data_dir, "departments",
               write_csv(tmp_path / "b.csv", [["001001", "市一中", "001"]], header=["单位编码", "单位名称", "主管部门编码"]))
    assert r.status == "applied"


def test_empty_file(tmp_path, data_dir):
    f = tmp_path / "p.csv"
    f.write_bytes(b"")
    [r] = load(data_dir, "payments", f)
    assert r.status == "refused" and r.problems[0].code == "empty_file"


def test_header_only_file(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.csv", [])
    [r] = load(data_dir, "payments", f)
    assert r.status == "refused" and r.problems[0].code == "no_rows"


def test_binary_file(tmp_path, data_dir):
    f = tmp_path / "p.csv"
    f.write_bytes(bytes(range(256)) * 10)
    [r] = load(data_dir, "payments", f)
    assert r.status == "refused" and r.problems[0].code == "binary"


def test_text_file_called_xlsx(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.xlsx", [pay_row("V1")])
    [r] = load(data_dir, "payments", f)
    assert r.status == "refused" and r.problems[0].code == "text_as_excel"
    assert ".csv" in r.problems[0].zh


def test_workbook_called_csv(tmp_path, data_dir):
    f = write_xlsx(tmp_path / "p.xlsx", [pay_row("V1")])
    g = tmp_path / "p.csv"
    g.write_bytes(f.read_bytes())
    [r] = load(data_dir, "payments", g)
    assert r.status == "refused" and r.problems[0].code == "excel_as_text"


def test_broken_workbook(tmp_path, data_dir):
    f = tmp_path / "p.xlsx"
    f.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 100)
    [r] = load(data_dir, "payments", f)
    assert r.status == "refused" and r.problems[0].code == "bad_excel"


def test_html_saved_as_xls(tmp_path, data_dir):
    f = tmp_path / "p.xls"
    f.write_text("<html><table><tr><td>支付凭证号</td></tr></table></html>", encoding="utf-8")
    [r] = load(data_dir, "payments", f)
    assert r.problems[0].code == "html_as_excel"


def test_ragged_row_and_blank_lines_keep_true_row_numbers(tmp_path, data_dir):
    f = tmp_path / "p.csv"
    lines = [",".join(PAY_HEADER_CN), ",".join(pay_row("V1")), "", ",".join(pay_row("V2")) + ",extra,cells",
             ",".join(pay_row("V3", amount="x"))]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [r] = load(data_dir, "payments", f)
    assert [(p.code, p.row) for p in r.problems] == [("ragged", 4), ("bad_amount", 5)]


def test_multiline_cell_keeps_row_numbers(tmp_path, data_dir):
    f = tmp_path / "p.csv"
    f.write_text(",".join(PAY_HEADER_CN) + "\n" + ",".join(pay_row("V1", payee='"两行\n名称"')) + "\n"
                 + ",".join(pay_row("V2", amount="x")) + "\n", encoding="utf-8")
    [r] = load(data_dir, "payments", f)
    assert [(p.code, p.row) for p in r.problems] == [("bad_amount", 4)]


def test_problem_line_reads_well(tmp_path, data_dir):
    f = write_csv(tmp_path / "pay.csv", [pay_row("V1", amount="abc")])
    [r] = load(data_dir, "payments", f)
    line = r.problems[0].line()
    assert line.startswith("pay.csv, 第2行 row 2, 列 column “金额”")
    assert "abc" in line and "不是有效金额" in line and "not a valid amount" in line
