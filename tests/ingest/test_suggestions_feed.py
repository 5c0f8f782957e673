"""The 建议办理台账 as the congress office's system exports it: one row per suggestion and unit.

Reply classes come as `B`, `B类` or the class's words; roles, satisfaction and rating source in
Chinese or English; dates in mixed spellings within one file; values outside the lists are
refused naming file, row, column and why; a refused file changes nothing, a file loaded twice
changes nothing, a newer file updates by key.
"""
from __future__ import annotations

import datetime as dt

from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store, scoped
from tests.conftest import cli, rows
from tests.ingest.files import write_csv, write_xlsx

HEADER = ["建议编号", "年度", "建议标题", "建议领域", "领衔代表", "附议代表", "重点督办", "承办单位编码", "承办方式",
          "交办日期", "延期至", "答复日期", "答复类别", "承诺办结日期", "代表满意度", "测评来源", "测评日期"]
HEADER_EN = ["suggestion_no", "year", "title", "field", "lead_deputy", "co_deputies", "priority", "dept_code",
             "role", "assigned_date", "extended_to", "replied_date", "reply_class", "promised_date", "satisfaction",
             "rating_source", "rated_date"]


def row(no="2025-0001", dept="001", role="主办", assigned="2025-03-20", replied="", reply_class="",
        satisfaction="", source="", priority="", extended="", promised="", rated="", title="关于加快老旧小区改造的建议"):
    return [no, "2025", title, "城建环资", "王建国", "李红、张伟", priority, dept, role, assigned, extended, replied,
            reply_class, promised, satisfaction, source, rated]


def load(data_dir, *paths, **kw):
    return ingest_files(Store(data_dir), "suggestions", list(paths), who="test", **kw)


def test_reply_class_roles_and_words_map_to_the_canonical_values(tmp_path, data_dir):
    f = write_csv(tmp_path / "s.csv", [
        row("S1", "001", "主办", reply_class="B", satisfaction="满意", priority="是"),
        row("S1", "002", "协办", reply_class="B类"),
        row("S1", "003", "co-handling", reply_class="正在解决或列入计划"),
        row("S2", "001", "分办", reply_class="A类（已解决或基本解决）", satisfaction="basically satisfied",
            source="承办单位代填"),
        row("S3", "001", "main", reply_class="d", satisfaction="unsatisfied", source="deputy", priority="否"),
        row("S4", "001", "主办单位", reply_class="C", priority="yes"),
    ], header=HEADER, encoding="utf-8-sig")
    [r] = load(data_dir, f)
    assert r.status == "applied", [p.line() for p in r.problems]
    got = rows(data_dir, "SELECT suggestion_no, dept_code, role, reply_class, satisfaction, rating_source, priority "
                         "FROM suggestions ORDER BY 1, 2")
    assert got == [
        ("S1", "001", "主办", "B", "满意", "代表本人", "是"),
        ("S1", "002", "协办", "B", None, "代表本人", "否"),      # empty source: the deputy; empty priority: 否
        ("S1", "003", "协办", "B", None, "代表本人", "否"),
        ("S2", "001", "分办", "A", "基本满意", "承办单位代填", "否"),
        ("S3", "001", "主办", "D", "不满意", "代表本人", "否"),
        ("S4", "001", "主办", "C", None, "代表本人", "是"),
    ]


def test_mixed_date_spellings_in_one_file(tmp_path, data_dir):
    f = write_csv(tmp_path / "s.csv", [
        row("S1", assigned="2025-03-07", replied="2025/6/7", rated="20250701"),
        row("S2", assigned="2025年3月7日", replied="2025.06.30", extended="2025-09-30"),
    ], header=HEADER, encoding="gb18030")
    [r] = load(data_dir, f)
    assert r.status == "applied", [p.line() for p in r.problems]
    assert rows(data_dir, "SELECT suggestion_no, assigned_date, replied_date, rated_date, extended_to "
                          "FROM suggestions ORDER BY 1") == [
        ("S1", dt.date(2025, 3, 7), dt.date(2025, 6, 7), dt.date(2025, 7, 1), None),
        ("S2", dt.date(2025, 3, 7), dt.date(2025, 6, 30), None, dt.date(2025, 9, 30))]


def test_xlsx_export_with_date_cells_and_english_headers(tmp_path, data_dir):
    f = write_xlsx(tmp_path / "s.xlsx", [
        ["2025-0007", 2025.0, "关于增加社区养老床位的建议", "社会建设", "赵敏", None, "否", "001", "main",
         dt.date(2025, 3, 20), None, dt.datetime(2025, 6, 18), "A", None, "satisfied", None, dt.date(2025, 7, 2)],
    ], header=HEADER_EN, above=[["2025年代表建议办理台账"]])
    [r] = load(data_dir, f)
    assert r.status == "applied", [p.line() for p in r.problems]
    assert rows(data_dir, "SELECT suggestion_no, year, role, assigned_date, replied_date, satisfaction "
                          "FROM suggestions") == [
        ("2025-0007", 2025, "主办", dt.date(2025, 3, 20), dt.date(2025, 6, 18), "满意")]


def test_values_outside_the_lists_are_refused_with_file_row_column_and_reason(tmp_path, data_dir):
    good = write_csv(tmp_path / "good.csv", [row("S0")], header=HEADER)
    assert load(data_dir, good)[0].status == "applied"
    before = rows(data_dir, "SELECT * FROM suggestions ORDER BY ALL")
    bad = write_csv(tmp_path / "bad.csv", [
        row("S1"),
        row("S2", role="牵头"),
        row("S3", reply_class="E类"),
        row("S4", satisfaction="还行"),
        row("S5", source="秘书代填"),
        row("S6", assigned="下周"),
    ], header=HEADER)
    [r] = load(data_dir, bad)
    assert r.status == "refused"
    got = {(p.row, p.column, p.code) for p in r.problems}
    assert got == {(3, "承办方式", "bad_enum"), (4, "答复类别", "bad_enum"), (5, "代表满意度", "bad_enum"),
                   (6, "测评来源", "bad_enum"), (7, "交办日期", "bad_date")}
    role = next(p for p in r.problems if p.column == "承办方式")
    assert role.file.endswith("bad.csv") and role.value == "牵头"
    assert "应为以下之一：主办、协办、分办" in role.line() and "must be one of" in role.line()
    assert "A、B、C、D" in next(p for p in r.problems if p.column == "答复类别").zh
    assert rows(data_dir, "SELECT * FROM suggestions ORDER BY ALL") == before   # nothing of it applied


def test_one_suggestion_unit_twice_in_a_file_is_refused(tmp_path, data_dir):
    f = write_csv(tmp_path / "s.csv", [row("S1", "001"), row("S1", "001", role="协办"), row("S1", "002")],
                  header=HEADER)
    [r] = load(data_dir, f)
    assert r.status == "refused"
    assert {(p.row, p.code) for p in r.problems} == {(2, "duplicate_key"), (3, "duplicate_key")}


def test_loading_twice_changes_nothing_and_a_newer_file_updates_by_key(tmp_path, data_dir):
    first = write_csv(tmp_path / "s1.csv", [row("S1", "001"), row("S1", "002", "协办")], header=HEADER)
    [a] = load(data_dir, first)
    gen = Store(data_dir).generation()
    [b] = load(data_dir, first)
    assert (a.inserted, b.inserted, b.updated) == (2, 0, 0)
    assert Store(data_dir).generation() == gen
    newer = write_csv(tmp_path / "s2.csv", [
        row("S1", "001", replied="2025-06-10", reply_class="B类", promised="2025-12-31"),
        row("S1", "002", "协办"), row("S2", "003")], header=HEADER)
    [c] = load(data_dir, newer)
    assert (c.inserted, c.updated, c.unchanged) == (1, 1, 1)
    assert rows(data_dir, "SELECT suggestion_no, dept_code, reply_class, promised_date FROM suggestions ORDER BY 1, 2") == [
        ("S1", "001", "B", dt.date(2025, 12, 31)), ("S1", "002", None, None), ("S2", "003", None, None)]


def test_cli_ingest_and_status(tmp_path, data_dir):
    f = write_csv(tmp_path / "s.csv", [row("S1", "001"), row("S1", "002", "协办", replied="2025-04-01")],
                  header=HEADER, encoding="gb18030")
    p = cli("ingest", "suggestions", f, data_dir=data_dir)
    assert p.returncode == 0, p.stderr
    bad = write_csv(tmp_path / "bad.csv", [row("S9", role="牵头")], header=HEADER)
    p = cli("ingest", "suggestions", bad, data_dir=data_dir)
    assert p.returncode != 0 and "承办方式" in p.stdout + p.stderr and "Traceback" not in p.stderr
    import json
    status = json.loads(cli("status", "--format", "json", data_dir=data_dir).stdout)
    s = status["feeds"]["suggestions"]
    assert s["rows"] == 2 and s["last_loaded"] and s["as_of"] == "2025-04-01"


def test_a_department_limited_reader_sees_only_its_units_rows(tmp_path, data_dir):
    deps = write_csv(tmp_path / "d.csv", [["001", "市住建局", ""], ["001001", "市住建局城建档案馆", "001"],
                                          ["002", "市财政局", ""]],
                     header=["单位编码", "单位名称", "主管部门编码"])
    assert ingest_files(Store(data_dir), "departments", [deps], who="t")[0].status == "applied"
    f = write_csv(tmp_path / "s.csv", [row("S1", "001"), row("S1", "002", "协办"), row("S2", "001001"),
                                      row("S3", "002")], header=HEADER)
    assert load(data_dir, f)[0].status == "applied"
    with scoped(["001"]):
        with Store(data_dir).reader() as con:
            mine = con.execute("SELECT suggestion_no, dept_code FROM suggestions ORDER BY 1, 2").fetchall()
    assert mine == [("S1", "001"), ("S2", "001001")]
    assert len(rows(data_dir, "SELECT * FROM suggestions")) == 4
