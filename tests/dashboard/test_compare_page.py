"""The comparison page (/compare) called as functions on tests/dashboard/sample_compare.py.

As of 30 June 2025 (every year counted from 1 January to 30 June): 市教育局 (001) spent
1,000,000 in 2024 and 2,000,000 in 2025; 市卫生健康委员会 (002) 0 and 2,000,000; 市文化局
(004) 50,000 and 0. Tables read in 万元.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.figures import compare as cfigs
from budgetwatch.dashboard.pages import PAGES, compare
from budgetwatch.dashboard.pages.compare import model
from budgetwatch.queries import compare as qc
from budgetwatch.queries.store import Store
from tests.dashboard import sample_compare
from tests.dashboard.test_data_is_text import assert_text_only
from tests.security import hostile

C = ids.Compare
ITEMS = f"table:{C.T_ITEMS}"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return sample_compare.build(tmp_path_factory.mktemp("compare") / "data")


def rows_by_code(out: dict) -> dict:
    return {r["code"]: r for r in out[ITEMS]["rowData"]}


def test_the_page_is_in_the_header_after_execution():
    names = [p.__name__.rsplit(".", 1)[-1] for p in PAGES]
    assert compare in PAGES and names.index("compare") == names.index("execution") + 1
    assert compare.PATH == "/compare" and compare.NAV_KEY == "nav.compare"


def test_departments_side_by_side_with_the_change_on_the_year_before(store):
    out = compare.update_compare(store, {"year": "2025", "as_of": "2025-06-30"}, "")
    assert out["message"] is None and out["body_style"] == {}
    assert out["view"] == "?year=2025&as_of=2025-06-30&by=dept&measure=rate&lang=zh"
    rows = rows_by_code(out)
    assert rows["001"]["y2024"] == 100.0 and rows["001"]["y2025"] == 200.0
    assert rows["001"]["change"] == 100.0 and rows["001"]["growth"] == 1.0
    assert rows["002"]["y2024"] == 0.0 and rows["002"]["growth"] is None and not rows["002"]["no_prior"]
    assert rows["004"]["y2025"] == 0.0 and rows["004"]["growth"] == -1.0 and rows["004"]["name"] == "市文化局"
    assert list(rows)[:2] == ["001", "002"]            # largest this year first (then code)
    headers = [c["headerName"] for c in out[ITEMS]["columnDefs"]]
    assert headers == ["编码", "名称", "2024年（万元）", "2025年（万元）", "2025年比上年增减（万元）", "2025年增幅"]


def test_the_heat_table_stops_at_the_as_of_month_and_reads_the_rate(store):
    out = compare.update_compare(store, {"year": "2025", "as_of": "2025-06-30", "path": "001"}, "")
    heat = out[f"fig:{C.HEAT}"].data[0]
    assert list(heat.y) == ["2024", "2025"]
    # 001 and its units: 2025 adjusted 4,000,000; spent 100,000 (Jan), 500,000 (Mar), 1,400,000 (30 Jun)
    assert list(heat.text[1][:7]) == ["2%", "2%", "15%", "15%", "15%", "50%", ""]
    # 2024: 3,000,000 budget; 300,000 Jan, 700,000 Jun, 1,500,000 Dec → the whole year drawn
    assert heat.text[0][0] == "10%" and heat.text[0][11] == "83%"
    spent = compare.update_compare(store, {"year": "2025", "as_of": "2025-06-30", "path": "001",
                                           "measure": "spent"}, "?lang=en")
    assert spent[f"fig:{C.HEAT}"].data[0].text[1][5] == "200"      # 万元, as the colour bar says
    assert spent[f"fig:{C.HEAT}"].data[0].colorbar.title.text == "CNY 10k"


def test_the_years_chart_and_cards_for_one_department(store):
    out = compare.update_compare(store, {"year": "2025", "as_of": "2025-06-30", "path": "001"}, "")
    bars = out[f"fig:{C.YEARS}"].data
    assert list(bars[0].x) == ["2024", "2025"]
    assert list(bars[0].y) == [300.0, 400.0] and list(bars[1].y) == [100.0, 200.0]    # 万元
    assert list(bars[1].text) == ["33.3%", "50.0%"]
    cards = str(out["headline"])
    assert "200.00 万元" in cards and "100.00 万元" in cards and "+100.0%" in cards


def test_a_year_without_a_year_before_says_so_instead_of_zero(store):
    out = compare.update_compare(store, {"year": "2024", "as_of": "2024-06-30"}, "")
    rows = rows_by_code(out)
    assert all(r["no_prior"] and r["change"] is None and r["growth"] is None for r in rows.values())
    change = [c for c in out[ITEMS]["columnDefs"] if c["field"] == "change"][0]
    assert "无上年数据" in change["valueFormatter"]["function"]
    assert "无上年数据" in str(out["headline"])
    export = compare.fetch_items(store, {"year": "2024", "as_of": "2024-06-30"}, "en")
    assert set(export.frame["Change 2024 on 2023 (CNY 10k)"]) == {"no data for the year before"}
    assert "Growth 2024 (%)" in export.frame.columns


def test_the_download_carries_the_table_with_units_and_the_period(store):
    export = compare.fetch_items(store, {"year": "2025", "as_of": "2025-06-30", "by": "econ"}, "zh")
    assert list(export.frame.columns) == ["编码", "名称", "2024年（万元）", "2025年（万元）",
                                          "2025年比上年增减（万元）", "2025年增幅（%）"]
    assert export.frame.iloc[0].tolist() == ["302", "商品和服务支出", 105.0, 581.0, 476.0, 453.3]
    assert ("同期", "各年均计至 6月30日（与 2025年6月30日 同期）") in export.filters


def test_a_name_clicked_steps_down_and_other_clicks_change_nothing():
    state = {"year": "2025", "by": "dept"}
    cell = {"colId": "name", "rowId": "001"}
    assert compare.navigate(state, ids.table(C.T_ITEMS), cell=cell)["path"] == "001"
    assert compare.navigate({**state, "path": "001"}, ids.table(C.T_ITEMS),
                            cell={"colId": "name", "rowId": "001001"})["path"] == "001.001001"
    assert "path" not in compare.navigate(state, ids.table(C.T_ITEMS), cell={"colId": "y2025", "rowId": "001"})
    assert compare.navigate({"by": "econ", "path": "302"}, ids.table(C.T_ITEMS),
                            cell={"colId": "code", "rowId": "30101"})["path"] == "302"     # not a child of 302
    moved = compare.navigate({**state, "path": "001"}, C.BY, by="func")
    assert moved["by"] == "func" and "path" not in moved


def test_drilling_by_economic_class_and_the_links_out(store):
    out = compare.update_compare(store, {"year": "2025", "as_of": "2025-06-30", "by": "econ", "path": "302"}, "")
    rows = rows_by_code(out)
    assert set(rows) == {"30201", "30202"} and rows["30202"]["y2024"] == 5.0
    assert "2025年" in str(out["headline"]) and "execution" not in str(out["actions"])   # no such tree there
    out = compare.update_compare(store, {"year": "2025", "as_of": "2025-06-30", "by": "func", "path": "205"}, "?lang=en")
    assert "/execution?year=2025&as_of=2025-06-30&by=func&path=205&lang=en" in str(out["actions"])


def test_no_data_at_all_is_a_sentence_not_an_error(tmp_path):
    out = compare.update_compare(Store(tmp_path), {}, "")
    assert out["body_style"] == compare.callbacks.HIDDEN and out["message"] is not None


def test_heat_figure_leaves_months_not_reached_blank():
    heat = pd.DataFrame({"year": [2025] * 12, "month": range(1, 13),
                         "cumulative": [1e6] * 3 + [float("nan")] * 9, "adjusted": [4e6] * 12,
                         "rate": [0.25] * 3 + [float("nan")] * 9})
    fig = cfigs.heat_figure(heat, measure="rate", node="t")
    assert fig.data[0].z[0][2] == 0.25 and fig.data[0].z[0][3] is None and fig.data[0].text[0][3] == ""
    assert isinstance(cfigs.heat_figure(heat.iloc[0:0], measure="rate", node="t"), go.Figure)


def test_model_series_of_a_leaf_is_its_own_row():
    data = qc.CompareData((2024, 2025), 2025, pd.Timestamp("2025-06-30").date(), ["a", "b"],
                          pd.DataFrame({"year": [2024, 2025], "month": [1, 1], "spent": [1.0, 1.0]}),
                          pd.DataFrame({"year": [2024, 2025], "original": [0.0, 0.0], "adjusted": [10.0, 10.0]}),
                          pd.DataFrame({"code": ["30201", "30202"] * 2, "name": ["x", "y"] * 2,
                                        "year": [2024, 2024, 2025, 2025], "adjusted": [5.0] * 4,
                                        "spent": [1.0, 2.0, 3.0, 4.0], "drillable": [True] * 4}))
    leaf = model.series(data, qc.parse_node("econ", "302.30202"))
    assert list(leaf["spent"]) == [2.0, 4.0]
    whole = model.series(data, qc.parse_node("econ", "302"))
    assert list(whole["spent"]) == [3.0, 7.0] and whole["rate"].iloc[1] == pytest.approx(0.7)
    assert not math.isnan(whole["rate"].iloc[0])


def test_hostile_names_are_drawn_as_text(tmp_path):
    store = Store(hostile.build(tmp_path / "data"))
    out = compare.update_compare(store, {"by": "dept", "path": "003"}, "")
    for name in (C.HEAT, C.YEARS):
        assert_text_only(out[f"fig:{name}"])
