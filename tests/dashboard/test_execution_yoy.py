"""The execution table's 同比 columns (``yoy=1``) and its link to 历年对比, called as functions on
tests/dashboard/sample_compare.py (as of 30 June: 市教育局 2,000,000 in 2025 against 1,000,000
in 2024; 市文化局 50,000 in 2024 only; 2023 holds nothing)."""
from __future__ import annotations

import pytest

from budgetwatch.dashboard.pages import execution
from tests.dashboard import sample_compare

VIEW = {"year": "2025", "as_of": "2025-06-30", "by": "dept"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return sample_compare.build(tmp_path_factory.mktemp("yoy") / "data", daily=True)


def rows(out: dict) -> dict:
    return {r["code"]: r for r in out["level_rows"]}


def test_without_the_toggle_the_table_is_as_it_was(store):
    out = execution.update_execution(store, VIEW, "")
    assert "prior" not in out["level_rows"][0]
    assert [c["field"] for c in out["level_columns"]][-1] == "payments"
    assert "上年同期" not in str(out["headline"])


def test_the_toggle_adds_prior_change_and_growth_and_stays_in_the_url(store):
    out = execution.update_execution(store, {**VIEW, "yoy": "1"}, "")
    assert out["view"] == "?year=2025&as_of=2025-06-30&by=dept&yoy=1&lang=zh"
    got = rows(out)
    assert (got["001"]["prior"], got["001"]["change"], got["001"]["growth"]) == (100.0, 100.0, 1.0)
    assert (got["002"]["prior"], got["002"]["growth"]) == (0.0, None)          # a true zero: growth undefined
    assert (got["004"]["spent"], got["004"]["prior"], got["004"]["growth"]) == (0.0, 5.0, -1.0)
    headers = [c["headerName"] for c in out["level_columns"]][-3:]
    assert headers == ["上年同期（万元）", "增减（万元）", "增幅"]
    assert "2024年1月1日至2024年6月30日" in str(out["level_title"])
    assert "上年同期 105.00 万元，增幅 +453.3%" in str(out["headline"])
    # the toggle's link takes it off again; the compare link keeps the node and period
    actions = str(out["actions"])
    assert "href='/execution?year=2025&as_of=2025-06-30&by=dept'" in actions
    assert "/compare?by=dept&year=2025&as_of=2025-06-30" in actions


def test_a_year_whose_year_before_holds_nothing_says_so(store):
    out = execution.update_execution(store, {"year": "2024", "as_of": "2024-06-30", "by": "dept", "yoy": "1"},
                                     "?lang=en")
    assert all(r["prior"] is None and r["growth"] is None for r in out["level_rows"])
    prior_col = [c for c in out["level_columns"] if c["field"] == "prior"][0]
    assert "no data for the year before" in prior_col["valueFormatter"]["function"]
    assert "No data for the year before" in str(out["headline"])


def test_the_level_download_carries_the_columns(store):
    export = execution.fetch_level(store, {**VIEW, "yoy": "1", "path": "001"}, "zh")
    frame = export.frame.set_index("编码")
    assert frame.loc["001", "上年同期（万元）"] == 100.0 and frame.loc["001", "增幅（%）"] == -90.0
    none = execution.fetch_level(store, {"year": "2024", "as_of": "2024-06-30", "yoy": "1"}, "zh")
    assert set(none.frame["上年同期（万元）"]) == {"无上年数据"}
    plain = execution.fetch_level(store, {**VIEW, "path": "001"}, "zh")
    assert "上年同期（万元）" not in plain.frame.columns


def test_a_leaf_shows_its_own_prior_in_the_card(store):
    out = execution.update_execution(store, {"year": "2025", "as_of": "2025-06-30", "by": "func",
                                             "path": "205.20502.2050202", "yoy": "1"}, "")
    assert "上年同期 100.00 万元" in str(out["headline"])
