"""Each messy shape real exports come in loads to the right values."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store
from tests.conftest import rows
from tests.ingest.files import PAY_HEADER_CN, PAY_HEADER_EN, pay_row, write_csv, write_xlsx


def load(data_dir, feed, *paths, **kw):
    return ingest_files(Store(data_dir), feed, list(paths), who="test", **kw)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_detected(tmp_path, data_dir, encoding):
    f = write_csv(tmp_path / "p.csv", [pay_row("V1", payee="长沙市第一中学（食堂）")], encoding=encoding)
    [r] = load(data_dir, "payments", f)
    assert r.status == "applied", r.problems
    assert rows(data_dir, "SELECT payee FROM payments") == [("长沙市第一中学（食堂）",)]
    assert r.file_format == f"csv/{'gb18030' if encoding.startswith('gb') else encoding}"


def test_gb18030_round_trip_of_rare_characters(tmp_path, data_dir):
    # characters outside GBK (𠀀 is 4-byte GB18030) and the euro sign survive
    payee = "𠀀𡃁有限公司€"
    f = write_csv(tmp_path / "p.csv", [pay_row("V1", payee=payee)], encoding="gb18030")
    [r] = load(data_dir, "payments", f)
    assert r.ok
    assert rows(data_dir, "SELECT payee FROM payments") == [(payee,)]


def test_english_headers_and_aliases(tmp_path, data_dir):
    en = write_csv(tmp_path / "en.csv", [pay_row("V1")], header=PAY_HEADER_EN)
    alias = ["凭证号", "付款日期", "预算单位编码", "支出功能分类科目编码", "部门经济分类编码", "资金性质名称", "收款人全称", "支付金额"]
    al = write_csv(tmp_path / "alias.csv", [pay_row("V2")], header=alias)
    spaced = [" 支付凭证号 *", "支付日期", "单位编码", "功能科目编码", "经济科目编码", "资金性质", "收款人", "金额（元）"]
    sp = write_csv(tmp_path / "sp.csv", [pay_row("V3")], header=spaced)
    reports = load(data_dir, "payments", en, al, sp)
    assert [r.status for r in reports] == ["applied"] * 3, [r.problems for r in reports]
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(3,)]


def test_title_rows_unit_line_and_total_row(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.csv", [pay_row("V1", amount="1,234.5"), pay_row("V2", amount="(12.00)")],
                  above=["2025年国库集中支付明细表", "编制单位：市财政局,,单位：万元"],
                  below=[["合计", "", "", "", "", "", "", "1,222.5"]])
    [r] = load(data_dir, "payments", f)
    assert r.status == "applied" and r.unit == "万元" and r.total_rows_dropped == 1
    assert rows(data_dir, "SELECT voucher_no, amount FROM payments ORDER BY 1") == [
        ("V1", Decimal("12345000.00")), ("V2", Decimal("-120000.00"))]


def test_unit_in_header_scales_that_column(tmp_path, data_dir):
    header = PAY_HEADER_CN[:-1] + ["金额（万元）"]
    f = write_csv(tmp_path / "p.csv", [pay_row("V1", amount="2.5")], header=header)
    load(data_dir, "payments", f)
    assert rows(data_dir, "SELECT amount FROM payments") == [(Decimal("25000.00"),)]


@pytest.mark.parametrize("text,expected", [
    ("1,234,567.89", "1234567.89"), ("1234567.8", "1234567.80"), ("(1,200.00)", "-1200.00"),
    ("-1200", "-1200.00"), ("（300）", "-300.00"), ("¥ 5,000", "5000.00"), ("0.004", "0.00") ,
])
def test_amount_spellings(tmp_path, data_dir, text, expected):
    if expected == "0.00":  # rounds to zero: a zero payment is refused
        f = write_csv(tmp_path / "p.csv", [pay_row("V1", amount=text)])
        [r] = load(data_dir, "payments", f)
        assert r.status == "refused" and r.problems[0].code == "zero"
        return
    f = write_csv(tmp_path / "p.csv", [pay_row("V1", amount=text)])
    [r] = load(data_dir, "payments", f)
    assert r.ok, r.problems
    assert rows(data_dir, "SELECT amount FROM payments") == [(Decimal(expected),)]


@pytest.mark.parametrize("text", ["2025-03-07", "2025/3/7", "20250307", "2025年3月7日", "2025.3.7",
                                  "2025-03-07 14:30:00", "45723"])
def test_date_spellings(tmp_path, data_dir, text):
    f = write_csv(tmp_path / "p.csv", [pay_row("V1", date=text)])
    [r] = load(data_dir, "payments", f)
    assert r.ok, r.problems
    assert rows(data_dir, "SELECT pay_date FROM payments") == [(dt.date(2025, 3, 7),)]


def test_codes_turned_into_numbers_are_restored(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.csv", [pay_row("V1", func="2050202.0", econ="30201.0", dept="'001001")])
    [r] = load(data_dir, "payments", f)
    assert r.ok, r.problems
    assert rows(data_dir, "SELECT dept_code, func_code, econ_code FROM payments") == [("001001", "2050202", "30201")]


def test_code_with_name_in_one_cell(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.csv", [pay_row("V1", func="2050202 小学教育", econ="[30201]办公费")])
    [r] = load(data_dir, "payments", f)
    assert r.ok, r.problems
    assert rows(data_dir, "SELECT func_code, econ_code FROM payments") == [("2050202", "30201")]


def test_xlsx_excel_cells_first_sheet(tmp_path, data_dir):
    f = write_xlsx(tmp_path / "p.xlsx", [
        ["V1", dt.date(2025, 3, 7), "001001", 2050202, 30201.0, "一般公共预算", "某公司", 1234567.89],
        ["V2", dt.datetime(2025, 3, 8, 0, 0), "001002", "2050203", "30211", "政府性基金", "某公司", -50],
    ], above=[["2025年国库集中支付明细表"], ["单位：元"]])
    [r] = load(data_dir, "payments", f)
    assert r.status == "applied", r.problems
    assert rows(data_dir, "SELECT voucher_no, pay_date, dept_code, func_code, econ_code, fund_type, amount "
                          "FROM payments ORDER BY 1") == [
        ("V1", dt.date(2025, 3, 7), "001001", "2050202", "30201", "一般公共预算", Decimal("1234567.89")),
        ("V2", dt.date(2025, 3, 8), "001002", "2050203", "30211", "政府性基金预算", Decimal("-50.00"))]


def test_xlsx_leading_zero_codes_survive(tmp_path, data_dir):
    f = write_xlsx(tmp_path / "d.xlsx", [["001", "市教育局", None, "430100"], ["001001", "市第一中学", "001", 430100],
                                          ["0100", "市财政局", "", None]],
                   header=["单位编码", "单位名称", "主管部门编码", "行政区划代码"])
    [r] = load(data_dir, "departments", f)
    assert r.ok, r.problems
    assert rows(data_dir, "SELECT dept_code, parent_code, region_code FROM departments ORDER BY 1") == [
        ("001", None, "430100"), ("001001", "001", "430100"), ("0100", None, None)]


def test_xlsx_named_sheet(tmp_path, data_dir):
    f = write_xlsx(tmp_path / "p.xlsx", [pay_row("V1")], sheet="明细", first_sheet="说明")
    [r] = load(data_dir, "payments", f)
    assert r.status == "refused" and r.problems[0].code == "no_header_sheet"
    assert "明细" in r.problems[0].zh
    [r] = load(data_dir, "payments", f, sheet="明细")
    assert r.status == "applied"


def test_tab_separated_and_crlf(tmp_path, data_dir):
    f = tmp_path / "p.txt"
    f.write_bytes("\r\n".join(["\t".join(PAY_HEADER_CN), "\t".join(pay_row("V1"))]).encode("utf-8") + b"\r\n")
    [r] = load(data_dir, "payments", f)
    assert r.ok, r.problems


def test_extra_columns_kept_aside(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.csv", [pay_row("V1") + ["备注一", "X"]], header=PAY_HEADER_CN + ["备注", "合同编号"])
    [r] = load(data_dir, "payments", f)
    assert r.extra_columns == ["备注", "合同编号"]
    assert rows(data_dir, "SELECT extra->>'备注', extra->>'合同编号' FROM payments") == [("备注一", "X")]


def test_every_feed_loads_its_own_shape(tmp_path, data_dir):
    depts = write_csv(tmp_path / "d.csv", [["001", "市教育局", "", "430100"], ["001001", "市一中", "001", ""]],
                      header=["单位编码", "单位名称", "主管部门编码", "行政区划代码"])
    budget = write_csv(tmp_path / "b.csv", [["2025", "001001", "2050202", "30201", "一般公共预算", "12.5", ""]],
                       header=["年度", "单位编码", "功能科目编码", "经济科目编码", "资金性质", "年初预算数", "调整预算数"],
                       above=["单位：万元"], encoding="gb18030")
    ent = write_xlsx(tmp_path / "e.xlsx", [[2025, "91430100MA4L000001", "湘江城投", "001", 1000, 800, 200, 50, -3]],
                     header=["年度", "统一社会信用代码", "企业名称", "监管单位编码", "资产总额", "负债总额", "所有者权益",
                             "营业收入", "利润总额"])
    adm = write_csv(tmp_path / "a.csv", [["2025", "001001", "车辆", "3", "900000", ""]],
                    header=["year", "dept_code", "asset_category", "quantity", "book_value", "idle_value"])
    aud = write_xlsx(tmp_path / "f.xlsx", [["SJ2023-01", "2023年", "预算执行审计", "001001", "预算管理", "超预算支出",
                                            "1,000", dt.date(2024, 6, 30), "rectified", 1000, dt.date(2024, 5, 1)]],
                     header=["问题编号", "审计年度", "审计项目", "责任单位编码", "问题类别", "问题描述", "涉及金额",
                             "整改期限", "整改状态", "已整改金额", "整改完成日期"])
    for feed, f in [("departments", depts), ("budget", budget), ("assets_enterprise", ent),
                    ("assets_admin", adm), ("audit_findings", aud)]:
        [r] = load(data_dir, feed, f)
        assert r.status == "applied", (feed, r.problems)
    assert rows(data_dir, "SELECT original_amount, adjusted_amount FROM budget") == [
        (Decimal("125000.00"), Decimal("125000.00"))]
    assert rows(data_dir, "SELECT enterprise_code, profit FROM assets_enterprise") == [
        ("91430100MA4L000001", Decimal("-3.00"))]
    assert rows(data_dir, "SELECT idle_value, quantity FROM assets_admin") == [(Decimal("0.00"), Decimal("3.00"))]
    assert rows(data_dir, "SELECT audit_year, status, deadline, amount_involved FROM audit_findings") == [
        (2023, "已整改", dt.date(2024, 6, 30), Decimal("1000.00"))]


def test_cells_padded_with_spaces_tabs_or_fullwidth_spaces_are_trimmed(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.csv", [pay_row("  V1 ", payee="\u3000湖南某某公司\u3000", amount=" 100 "),
                                        pay_row("V2", payee="\t某公司")])
    [r] = load(data_dir, "payments", f)
    assert r.ok, r.problems
    assert rows(data_dir, "SELECT voucher_no, payee, amount FROM payments ORDER BY 1") == [
        ("V1", "湖南某某公司", Decimal("100.00")), ("V2", "某公司", Decimal("100.00"))]
