"""The project feeds (projects, project_progress, project_evaluation) as the offices export them,
and the optional project_code of budget and payments."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from budgetwatch.ingest.pipeline import ingest_files, ingest_load
from budgetwatch.queries.store import Store
from tests.conftest import rows
from tests.ingest.files import PAY_HEADER_CN, pay_row, write_csv, write_xlsx

PROJ_HEADER = ["项目编码", "项目名称", "牵头单位编码", "项目类别", "票决年度", "是否政府投资项目", "量化目标",
               "项目总投资", "批复概算", "计划开工日期", "计划竣工日期", "实际开工日期", "实际完工日期", "资金来源"]
PROG_HEADER = ["项目编码", "报送截至日期", "年度计划投资", "本年累计完成投资", "开工以来累计完成投资", "形象进度（%）",
               "项目状态", "进度说明"]
EVAL_HEADER = ["年度", "项目编码", "应到人数", "实到人数", "满意票", "基本满意票", "不满意票", "弃权票"]


def proj(code="XM-001", start="2025年3月1日", finish="2025年12月31日", investment="是", livelihood="2025"):
    return [code, "城区公办幼儿园建设", "001001", "教育", livelihood, investment, "新增学位1200个", "3,200.50",
            "3300", start, finish, "", "", "一般公共预算"]


def load(data_dir, feed, path, **kw):
    return ingest_files(Store(data_dir), feed, [path], who="t", **kw)


def test_projects_xlsx_with_title_and_wan_unit(tmp_path, data_dir):
    f = write_xlsx(tmp_path / "项目库.xlsx", [proj(), proj("XM-002", investment="否", livelihood="")],
                   header=PROJ_HEADER, above=[["2025年民生实事项目清单"], ["单位：万元"]])
    [r] = load(data_dir, "projects", f)
    assert r.status == "applied" and r.unit == "万元", [p.line() for p in r.problems]
    got = rows(data_dir, """SELECT project_code, is_investment, livelihood_year, total_investment, approved_estimate,
                                   planned_start, planned_finish FROM projects ORDER BY 1""")
    assert got == [("XM-001", True, 2025, Decimal("32005000.00"), Decimal("33000000.00"), dt.date(2025, 3, 1),
                    dt.date(2025, 12, 31)),
                   ("XM-002", False, None, Decimal("32005000.00"), Decimal("33000000.00"), dt.date(2025, 3, 1),
                    dt.date(2025, 12, 31))]


def test_is_investment_spellings_and_empty_means_no(tmp_path, data_dir):
    spellings = {"A": "是", "B": "否", "C": "yes", "D": "FALSE", "E": "1", "F": ""}
    f = write_csv(tmp_path / "p.csv", [proj(k, investment=v) for k, v in spellings.items()], header=PROJ_HEADER)
    [r] = load(data_dir, "projects", f)
    assert r.status == "applied", [p.line() for p in r.problems]
    assert dict(rows(data_dir, "SELECT project_code, is_investment FROM projects")) == {
        "A": True, "B": False, "C": True, "D": False, "E": True, "F": False}
    bad = write_csv(tmp_path / "bad.csv", [proj("G", investment="也许")], header=PROJ_HEADER)
    [r] = load(data_dir, "projects", bad)
    assert r.status == "refused" and [(p.code, p.row, p.column) for p in r.problems] == [
        ("bad_bool", 2, "是否政府投资项目")]


def test_planned_finish_before_planned_start_is_refused(tmp_path, data_dir):
    f = write_csv(tmp_path / "p.csv", [proj("A"), proj("B", start="2025-06-01", finish="2025-05-31"),
                                       proj("C", start="2025-06-01", finish="2025-06-01")], header=PROJ_HEADER)
    [r] = load(data_dir, "projects", f)
    assert r.status == "refused"
    assert [(p.code, p.row, p.column) for p in r.problems] == [("finish_before_start", 3, "计划竣工日期")]
    assert "计划完工日期早于计划开工日期" in r.problems[0].line()
    assert rows(data_dir, "SELECT count(*) FROM projects") == [(0,)]   # nothing of a refused file


def test_progress_gb18030_with_percent_strings(tmp_path, data_dir):
    load(data_dir, "projects", write_csv(tmp_path / "p.csv", [proj("A")], header=PROJ_HEADER))
    recs = [["A", "2025/4/30", "1500", "300", "300", "20%", "施工中", "基础施工"],
            ["A", "2025年5月31日", "1500", "450.5", "450.5", "45", "在建", ""],
            ["A", "20250630", "1500", "700", "", "60.5％", "under construction", ""]]
    f = write_csv(tmp_path / "进度.csv", recs, header=PROG_HEADER, encoding="gb18030", above=["单位：万元"])
    [r] = load(data_dir, "project_progress", f)
    assert r.status == "applied", [p.line() for p in r.problems]
    got = rows(data_dir, """SELECT report_date, year_completed, total_completed, physical_progress, status
                            FROM project_progress ORDER BY report_date""")
    assert got == [(dt.date(2025, 4, 30), Decimal("3000000.00"), Decimal("3000000.00"), Decimal("20.00"), "在建"),
                   (dt.date(2025, 5, 31), Decimal("4505000.00"), Decimal("4505000.00"), Decimal("45.00"), "在建"),
                   (dt.date(2025, 6, 30), Decimal("7000000.00"), None, Decimal("60.50"), "在建")]


def test_progress_bad_percent_and_status(tmp_path, data_dir):
    load(data_dir, "projects", write_csv(tmp_path / "p.csv", [proj("A")], header=PROJ_HEADER))
    recs = [["A", "2025-04-30", "1", "1", "", "120%", "在建", ""],
            ["A", "2025-05-31", "1", "1", "", "一半", "在建", ""],
            ["A", "2025-06-30", "1", "1", "", "50", "开工了吧", ""]]
    [r] = load(data_dir, "project_progress", write_csv(tmp_path / "g.csv", recs, header=PROG_HEADER))
    assert [(p.code, p.row) for p in r.problems] == [("bad_percent", 2), ("bad_percent", 3), ("bad_enum", 4)]


def test_progress_for_an_unknown_project_is_refused(tmp_path, data_dir):
    load(data_dir, "projects", write_csv(tmp_path / "p.csv", [proj("A")], header=PROJ_HEADER))
    recs = [["A", "2025-04-30", "1", "1", "", "", "在建", ""], ["ZZ-9", "2025-04-30", "1", "1", "", "", "在建", ""]]
    f = write_csv(tmp_path / "g.csv", recs, header=PROG_HEADER)
    [r] = load(data_dir, "project_progress", f)
    assert r.status == "refused"
    assert [(p.code, p.row, p.column, p.value) for p in r.problems] == [("unknown_ref", 3, "项目编码", "ZZ-9")]
    assert "ZZ-9" in r.problems[0].zh and "项目库" in r.problems[0].zh
    assert rows(data_dir, "SELECT count(*) FROM project_progress") == [(0,)]
    [r] = load(data_dir, "project_progress", f, accept_partial=True)   # the good row, when asked
    assert r.status == "partial" and rows(data_dir, "SELECT project_code FROM project_progress") == [("A",)]


def test_progress_and_its_project_in_the_same_load(tmp_path, data_dir):
    progress = write_csv(tmp_path / "g.csv", [["NEW", "2025-04-30", "10", "5", "", "5%", "在建", ""]],
                         header=PROG_HEADER)
    votes = write_csv(tmp_path / "v.csv", [["2025", "NEW", "30", "28", "20", "5", "2", "1"]], header=EVAL_HEADER)
    projects = write_csv(tmp_path / "p.csv", [proj("NEW")], header=PROJ_HEADER)
    store = Store(data_dir)
    before = store.generation()
    # given in any order: the projects are applied first
    reports = ingest_load(store, [("project_evaluation", [votes]), ("project_progress", [progress]),
                                  ("projects", [projects])], who="t")
    assert [(r.feed, r.status) for r in reports] == [("projects", "applied"), ("project_progress", "applied"),
                                                     ("project_evaluation", "applied")]
    assert store.generation() == before + 1   # one load, one generation
    assert rows(data_dir, "SELECT count(*) FROM project_progress") == [(1,)]


def test_evaluation_checks_the_votes(tmp_path, data_dir):
    load(data_dir, "projects", write_csv(tmp_path / "p.csv", [proj("A"), proj("B"), proj("C"), proj("D")],
                                         header=PROJ_HEADER))
    recs = [["2025年", "A", "35人", "33", "20", "10", "2", "1"],       # fine: 33 votes of 33 present
            ["2025", "B", "35", "36", "20", "10", "2", ""],            # more present than members
            ["2025", "C", "35", "30", "20", "10", "1", ""],            # 31 votes, 30 present
            ["2025", "D", "0", "0", "0", "0", "0", ""]]                 # no members
    [r] = load(data_dir, "project_evaluation", write_csv(tmp_path / "v.csv", recs, header=EVAL_HEADER))
    got = sorted((p.row, p.column, p.code) for p in r.problems)
    assert got == [(3, "实到人数", "present_over_members"), (4, "满意票", "votes_over_present"),
                   (5, "实到人数", "zero"), (5, "应到人数", "zero")]
    [r] = load(data_dir, "project_evaluation", write_csv(tmp_path / "v.csv", recs[:1], header=EVAL_HEADER))
    assert r.status == "applied"
    assert rows(data_dir, "SELECT members, present, abstained FROM project_evaluation") == [(35, 33, 1)]


def test_loading_project_files_twice_changes_nothing(tmp_path, data_dir):
    p = write_csv(tmp_path / "p.csv", [proj("A")], header=PROJ_HEADER)
    g = write_csv(tmp_path / "g.csv", [["A", "2025-04-30", "10", "5", "", "5%", "在建", ""]], header=PROG_HEADER)
    for _ in range(2):
        [r1] = load(data_dir, "projects", p)
        [r2] = load(data_dir, "project_progress", g)
    assert (r1.status, r2.status) == ("unchanged", "unchanged")
    newer = write_csv(tmp_path / "g2.csv", [["A", "2025-04-30", "10", "6", "", "6%", "在建", ""]], header=PROG_HEADER)
    [r] = load(data_dir, "project_progress", newer)
    assert (r.inserted, r.updated) == (0, 1)
    assert rows(data_dir, "SELECT year_completed FROM project_progress") == [(Decimal("6.00"),)]


def test_payments_and_budget_with_and_without_project_code(tmp_path, data_dir):
    plain = write_csv(tmp_path / "pay.csv", [pay_row("V1")])
    [r] = load(data_dir, "payments", plain)
    assert r.status == "applied"
    coded = write_csv(tmp_path / "pay2.csv", [pay_row("V2") + ["XM-001"], pay_row("V3") + [""]],
                      header=PAY_HEADER_CN + ["项目编码"])
    [r] = load(data_dir, "payments", coded)
    assert r.status == "applied" and not r.extra_columns
    assert rows(data_dir, "SELECT voucher_no, project_code FROM payments ORDER BY 1") == [
        ("V1", None), ("V2", "XM-001"), ("V3", None)]
    budget = write_csv(tmp_path / "b.csv", [["2025", "001001", "2120101", "31005", "一般公共预算", "100", "", "XM-001"]],
                       header=["年度", "单位编码", "功能科目编码", "经济科目编码", "资金性质", "年初预算数", "调整预算数",
                               "项目代码"])
    [r] = load(data_dir, "budget", budget)
    assert r.status == "applied" and rows(data_dir, "SELECT project_code FROM budget") == [("XM-001",)]


def test_a_data_folder_from_before_project_code_gains_the_column(tmp_path, data_dir):
    import duckdb
    store = Store(data_dir)
    store.ensure()
    path = store.current_path()
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE payments DROP COLUMN project_code")
    con.execute("ALTER TABLE budget DROP COLUMN project_code")
    con.close()
    [r] = load(data_dir, "payments", write_csv(tmp_path / "pay.csv", [pay_row("V1")]))
    assert r.status == "applied"
    assert rows(data_dir, "SELECT voucher_no, project_code FROM payments") == [("V1", None)]
