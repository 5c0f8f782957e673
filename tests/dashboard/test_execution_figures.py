"""Execution figures: pure frame → Figure."""
from __future__ import annotations

import pandas as pd

from budgetwatch.dashboard.figures import execution as figs
from budgetwatch.dashboard.figures.common import BLUE, GREY, ORANGE, PALE_BLUE, RED

LEVEL = pd.DataFrame({
    "code": ["205", "208", "210", "212"],
    "name": ["教育支出", "社会保障和就业支出", "卫生健康支出", "城乡社区支出"],
    "original": [4e8, 2e8, 1e8, 0.0], "adjusted": [4e8, 2e8, 1e8, 0.0],
    "spent": [2.4e8, 0.8e8, 0.1e8, 5e4], "payments": [10, 5, 2, 1],
    "rate": [0.6, 0.4, 0.1, float("nan")], "drillable": [True] * 4,
})


def test_treemap_sizes_by_adjusted_and_colours_by_gap():
    fig = figs.level_treemap(LEVEL, 0.5, title="2025年全部支出：各类执行情况", lang="zh", selected="208",
                             root_label="全部支出", level_key="func:")
    tm = fig.data[0]
    assert tm.ids[0] == "func:>" and tm.labels[0] == "全部支出"      # one root
    assert list(tm.ids[1:]) == ["func:>205", "func:>208", "func:>210"]   # no area without a budget
    assert list(tm.values[1:]) == [4.0, 2.0, 1.0]                # 亿元
    assert list(tm.marker.colors[1:]) == [BLUE, PALE_BLUE, RED]  # ahead, 10 points behind, 40 behind
    assert list(tm.marker.line.width[1:]) == [1, 3, 1]           # the selected leaf is outlined
    assert tm.customdata[2][0] == "208" and tm.customdata[2][2] == "-10.0 个百分点"
    note = fig.layout.annotations[0].text
    assert "调整预算（亿元）" in note and "另有 1 项有支出但无预算：城乡社区支出" in note
    assert fig.layout.title.text == "2025年全部支出：各类执行情况"


def test_band_colours_match_the_overview():
    assert figs.band_colour(0.3, 0.5) == ORANGE
    assert figs.band_colour(None, 0.5) == GREY


def test_treemap_empty_level_says_so():
    fig = figs.level_treemap(LEVEL.iloc[3:], 0.5, title="t", lang="en")
    assert fig.layout.annotations[0].text == "No data"


def test_monthly_curve_names_the_node():
    frame = pd.DataFrame({"year": [2024] * 12 + [2025] * 6, "month": list(range(1, 13)) + list(range(1, 7)),
                          "payments": [1] * 18, "spent": [1e4] * 18})
    frame["cumulative"] = frame.groupby("year")["spent"].cumsum()
    fig = figs.monthly_figure(frame, year=2025, node_label="205 教育支出", lang="zh")
    assert fig.layout.title.text == "205 教育支出：2025年逐月累计支出与上年对比"
    assert [tr.name for tr in fig.data] == ["2024年", "2025年"]
    assert "（万元）" in fig.layout.yaxis.title.text
    en = figs.monthly_figure(frame, year=2025, node_label="205 教育支出", lang="en")
    assert en.layout.title.text.startswith("205 教育支出: cumulative spending by month, 2025 against 2024")
