"""The shipped reference tables: well-formed trees, current names, safe fallbacks."""
from __future__ import annotations

import pandas as pd
import pytest

from budgetwatch.queries import reference as ref

CSV_COLUMNS = {
    "func_classification": ["code", "name", "level", "parent_code", "source"],
    "econ_classification": ["code", "name", "level", "parent_code", "source"],
    "fund_types": ["code", "name", "name_en"],
    "audit_categories": ["code", "name", "name_en"],
    "regions": ["code", "name", "level", "parent_code"],
}


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(ref.REFERENCE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name", sorted(CSV_COLUMNS))
def test_files_have_expected_columns_no_blanks_no_duplicate_codes(name):
    df = read(name)
    assert list(df.columns) == CSV_COLUMNS[name]
    assert len(df) > 0
    assert not df["code"].duplicated().any(), df[df["code"].duplicated()]["code"].tolist()
    assert (df["name"].str.strip() != "").all()
    assert (df["name"] == df["name"].str.strip()).all()


def check_tree(df: pd.DataFrame, lengths: dict[int, int]):
    codes = set(df["code"])
    for row in df.itertuples():
        assert row.code.isdigit() and len(row.code) in lengths, row.code
        assert int(row.level) == lengths[len(row.code)], row.code
        if row.level == "1":
            assert row.parent_code == "", row.code
        else:
            assert row.parent_code in codes, row.code
            assert row.code.startswith(row.parent_code), row.code
            assert int(row.level) == int(df.loc[df["code"] == row.parent_code, "level"].iloc[0]) + 1


def test_func_codes_are_3_5_7_digits_with_matching_level_and_existing_parent():
    df = read("func_classification")
    check_tree(df, {3: 1, 5: 2, 7: 3})
    assert set(df["source"]) <= {"recent-names-file", "legacy-yonyou", "mof-2025"}


def test_econ_codes_are_3_5_digits_with_matching_level_and_existing_parent():
    df = read("econ_classification")
    check_tree(df, {3: 1, 5: 2})
    assert set(df["source"]) <= {"legacy-yonyou", "mof-2018-edition"}


@pytest.mark.parametrize("code, name", [
    ("201", "一般公共服务支出"),
    ("20101", "人大事务"),
    ("2010101", "行政运行"),          # no legacy qualifier such as 行政运行（人大）
    ("2010104", "人大会议"),
    ("205", "教育支出"),
    ("20502", "普通教育"),
    ("2050202", "小学教育"),
    ("210", "卫生健康支出"),           # not the old 医疗卫生
    ("21004", "公共卫生"),             # code reused: once 医疗保障
    ("2100401", "疾病预防控制机构"),   # ... so its legacy items must be gone
    ("20819", "最低生活保障"),         # code reused: once 廉租住房支出
    ("2080505", "机关事业单位基本养老保险缴费支出"),
    ("2210201", "住房公积金"),
    ("203", "国防支出"),
    ("224", "灾害防治及应急管理支出"),
    ("23203", "地方政府一般债务付息支出"),
])
def test_func_current_names(code, name):
    assert ref.func_names()[code] == name
    assert ref.func_name(code) == name


@pytest.mark.parametrize("code, name", [
    ("30217", "公务接待费"),           # was 招待费 before 2018
    ("31013", "公务用车购置"),
    ("30212", "因公出国（境）费用"),   # was 出国费
    ("30231", "公务用车运行维护费"),
    ("301", "工资福利支出"),
    ("310", "资本性支出"),
    ("30113", "住房公积金"),           # code reused: was 购房补贴
])
def test_econ_current_names(code, name):
    assert ref.econ_names()[code] == name
    assert ref.econ_name(code) == name


def test_obsolete_classes_are_not_shipped():
    names = ref.func_names()
    assert "218" not in names and not any(c.startswith("218") for c in names)
    assert not any(c.startswith("228") for c in names)


def test_fund_types_are_the_four_budgets_in_order():
    assert ref.fund_types() == ["一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算"]


def test_audit_categories_cover_the_feed_examples():
    names = set(read("audit_categories")["name"])
    assert {"预算管理", "专项资金", "政府采购", "国有资产管理", "财务管理", "债务管理"} <= names
    assert (read("audit_categories")["name_en"] != "").all()


def test_regions_are_hunan():
    df = read("regions")
    assert df.loc[df["code"] == "430000", "name"].item() == "湖南省"
    assert df["code"].str.fullmatch(r"43\d{4}").all()
    assert set(df["parent_code"]) - {""} <= set(df["code"])


def test_labels():
    assert ref.label("2050202", "func") == "2050202 小学教育"
    assert ref.label("30217", "econ") == "30217 公务接待费"
    assert ref.label(2050202, "func") == "2050202 小学教育"        # a number from Excel
    assert ref.label("2050202.0", "func") == "2050202 小学教育"
    assert ref.label(" 205 ", "func") == "205 教育支出"


def test_fallbacks_for_unknown_codes():
    # unknown 项 under a known 款 → the 款's name
    assert ref.func_name("2050288") == "普通教育·2050288"
    assert ref.label("2050288", "func") == "2050288（普通教育）"
    # unknown 款 and 项 under a known 类 → the 类's name
    assert ref.func_name("2058888") == "教育支出·2058888"
    assert ref.label("20588", "func") == "20588（教育支出）"
    assert ref.econ_name("30298") == "商品和服务支出·30298"
    assert ref.label("30298", "econ") == "30298（商品和服务支出）"
    # nothing known → the code itself
    assert ref.func_name("9990101") == "9990101"
    assert ref.label("9990101", "func") == "9990101"
    assert ref.label("abc", "econ") == "abc"
    assert ref.label("", "func") == ""
    assert ref.func_name(None) == ""
    with pytest.raises(ValueError):
        ref.label("205", "fund")


def test_func_tree_is_a_private_copy():
    tree = ref.func_tree()
    assert list(tree.columns) == ["code", "name", "level", "parent_code"]
    assert tree["code"].map(type).eq(str).all()
    assert set(tree["level"]) == {1, 2, 3}
    assert tree.loc[tree["code"] == "20502", "parent_code"].item() == "205"
    tree.loc[tree["code"] == "205", "name"] = "changed"
    assert ref.func_tree().loc[lambda d: d["code"] == "205", "name"].item() == "教育支出"
    names = ref.func_names()
    names["205"] = "changed"
    assert ref.func_name("205") == "教育支出"
