"""Overview figure builders as plain functions: frames in, figures out."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from budgetwatch.dashboard.figures import overview as figs
from budgetwatch.dashboard.figures.common import image_config, image_filename

AS_OF = dt.date(2025, 6, 30)
SCHEDULE = 181 / 365


def departments(rows):
    return pd.DataFrame(rows, columns=["dept_code", "dept_name", "adjusted", "spent", "rate"])


DEPTS = departments([
    ("003", "市交通运输局", 2e6, 1.8e6, 0.9),
    ("001", "市教育局", 4e6, 1.8e6, 0.45),
    ("002", "市卫生健康委员会", 8e6, 2e6, 0.25),
    ("004", "市水利局", 1e6, 0.1e6, 0.1),
    ("X99", "X99", 0.0, 1e4, float("nan")),
])


def bar_order(fig):
    """Department labels from top to bottom as the reader sees them."""
    axis = fig.layout.yaxis
    order = list(axis.categoryarray)
    return order if axis.autorange == "reversed" else order[::-1]


def test_department_bars_are_ranked_lowest_rate_at_the_top():
    fig = figs.department_execution_figure(DEPTS, SCHEDULE, year=2025, as_of=AS_OF)
    assert bar_order(fig) == ["市水利局", "市卫生健康委员会", "市教育局", "市交通运输局"]
    drawn = {y: x for trace in fig.data for x, y in zip(trace.x, trace.y)}
    assert drawn == {"市水利局": 0.1, "市卫生健康委员会": 0.25, "市教育局": 0.45, "市交通运输局": 0.9}


def test_schedule_line_is_drawn_at_the_time_schedule():
    fig = figs.department_execution_figure(DEPTS, SCHEDULE, year=2025, as_of=AS_OF)
    [line] = [s for s in fig.layout.shapes if s.type == "line"]
    assert line.x0 == line.x1 == pytest.approx(SCHEDULE)
    assert line.yref == "y domain" or line.yref == "paper"
    assert any("序时进度 49.6%" in a.text for a in fig.layout.annotations)


def test_bars_coloured_by_lag_behind_schedule():
    fig = figs.department_execution_figure(DEPTS, SCHEDULE, year=2025, as_of=AS_OF)
    colour_of = {y: trace.marker.color for trace in fig.data for y in trace.y}
    assert colour_of["市交通运输局"] == figs.BLUE            # ahead
    assert colour_of["市教育局"] == figs.PALE_BLUE           # 4.6 points behind
    assert colour_of["市卫生健康委员会"] == figs.ORANGE      # 24.6 points behind
    assert colour_of["市水利局"] == figs.RED                 # 39.6 points behind
    assert {t.name for t in fig.data} == {"达到序时进度", "落后 15 个百分点以内", "落后 15–30 个百分点",
                                          "落后 30 个百分点以上"}


def test_department_figure_titles_and_units():
    fig = figs.department_execution_figure(DEPTS, SCHEDULE, year=2025, as_of=AS_OF)
    assert fig.layout.title.text == "2025年各部门预算执行进度（截至 2025年6月30日）"
    assert fig.layout.xaxis.title.text == "执行进度（%）"
    en = figs.department_execution_figure(DEPTS, SCHEDULE, year=2025, as_of=AS_OF, lang="en")
    assert en.layout.title.text.startswith("Budget execution by department, 2025")


def test_departments_without_budget_are_named_not_drawn():
    fig = figs.department_execution_figure(DEPTS, SCHEDULE, year=2025, as_of=AS_OF)
    assert "X99" not in bar_order(fig)
    assert any("另有 1 个部门有支出但无预算：X99" in a.text for a in fig.layout.annotations)


def test_departments_sharing_a_name_keep_apart():
    frame = departments([("001", "办公室", 1e6, 5e5, 0.5), ("002", "办公室", 1e6, 2e5, 0.2)])
    fig = figs.department_execution_figure(frame, SCHEDULE, year=2025, as_of=AS_OF)
    assert bar_order(fig) == ["办公室（002）", "办公室（001）"]


@pytest.mark.parametrize("builder", [
    lambda f: figs.department_execution_figure(f, SCHEDULE, year=2025, as_of=AS_OF),
])
def test_empty_department_frame_says_no_data(builder):
    fig = builder(departments([]))
    assert len(fig.data) == 0
    assert [a.text for a in fig.layout.annotations] == ["暂无数据"]
    assert "2025年" in fig.layout.title.text


def funds(rows):
    frame = pd.DataFrame(rows, columns=["fund_type", "original", "adjusted", "spent"])
    frame["rate"] = frame["spent"] / frame["adjusted"].where(frame["adjusted"] > 0)
    return frame


FUNDS = funds([
    ("一般公共预算", 9e8, 9e8, 3e8),
    ("政府性基金预算", 2e8, 2e8, 1.8e8),
    ("国有资本经营预算", 0.0, 0.0, 0.0),
    ("社会保险基金预算", 3e8, 3e8, 1e8),
])


def test_fund_totals_show_four_gauges_with_the_schedule_mark_and_unit():
    fig = figs.fund_totals_figure(FUNDS, SCHEDULE, year=2025, as_of=AS_OF)
    assert [tr.type for tr in fig.data] == ["indicator"] * 4
    general = fig.data[0]
    assert general.value == pytest.approx(100 / 3)
    assert general.gauge.threshold.value == pytest.approx(SCHEDULE * 100)
    assert "一般公共预算" in general.title.text and "亿元" in general.title.text
    assert "3.00 / 调整预算 9.00" in general.title.text
    assert "无预算" in fig.data[2].title.text and "number" not in fig.data[2].mode
    assert fig.layout.title.text == "2025年四本预算执行情况（截至 2025年6月30日）"


def test_fund_totals_in_english_and_in_wan_for_small_sums():
    small = funds([("一般公共预算", 5e6, 5e6, 1e6)])
    fig = figs.fund_totals_figure(small, SCHEDULE, year=2025, as_of=AS_OF, lang="en")
    assert "General public budget" in fig.data[0].title.text and "CNY 10k" in fig.data[0].title.text
    assert "万元" in figs.fund_totals_figure(small, SCHEDULE, year=2025, as_of=AS_OF).data[0].title.text


def monthly(rows):
    return pd.DataFrame(rows, columns=["year", "month", "payments", "spent", "cumulative"])


def test_monthly_curve_compares_with_last_year_and_carries_the_unit():
    frame = monthly([(2024, m, 1, 1e8, m * 1e8) for m in range(1, 13)]
                    + [(2025, m, 1, 2e8, m * 2e8) for m in range(1, 7)])
    fig = figs.monthly_cumulative_figure(frame, year=2025)
    assert [tr.name for tr in fig.data] == ["2024年", "2025年"]
    assert list(fig.data[1].x) == [1, 2, 3, 4, 5, 6]
    assert fig.data[1].y[-1] == pytest.approx(12.0)           # 12亿元
    assert fig.layout.yaxis.title.text == "累计支出（亿元）"
    assert fig.data[0].line.dash == "dash" and fig.data[1].line.dash == "solid"
    assert list(fig.layout.xaxis.ticktext)[:2] == ["1月", "2月"]


def test_monthly_curve_leaves_out_a_year_without_payments_and_handles_empty():
    frame = monthly([(2024, m, 0, 0.0, 0.0) for m in range(1, 13)] + [(2025, 1, 3, 5e5, 5e5)])
    fig = figs.monthly_cumulative_figure(frame, year=2025)
    assert [tr.name for tr in fig.data] == ["2025年"]
    assert fig.layout.yaxis.title.text == "累计支出（万元）"
    empty = figs.monthly_cumulative_figure(monthly([]), year=2025)
    assert len(empty.data) == 0 and empty.layout.annotations[0].text == "暂无数据"


def test_empty_fund_frame_handled():
    fig = figs.fund_totals_figure(funds([]), SCHEDULE, year=2025, as_of=AS_OF)
    assert len(fig.data) == 0 and fig.layout.annotations[0].text == "暂无数据"


def test_download_config_names_the_file_by_page_chart_and_year():
    config = image_config(image_filename("overview", "departments", 2025))
    assert config["toImageButtonOptions"] == {
        "format": "png", "filename": "budgetwatch_overview_departments_2025", "scale": 2}
    assert config["displaylogo"] is False


def test_the_gauges_side_by_side_read_in_one_unit_chosen_by_the_largest_sum():
    mixed = funds([("一般公共预算", 1.5e9, 1.5e9, 1.3e9), ("政府性基金预算", 4e7, 4e7, 3.8e7),
                   ("国有资本经营预算", 6e6, 6e6, 5e6), ("社会保险基金预算", 3e8, 3e8, 2e8)])
    fig = figs.fund_totals_figure(mixed, SCHEDULE, year=2025, as_of=AS_OF)
    subs = [tr.title.text for tr in fig.data]
    assert "13.00 / 调整预算 15.00（亿元）" in subs[0]
    assert "0.38 / 调整预算 0.40（亿元）" in subs[1] and "0.05 / 调整预算 0.06（亿元）" in subs[2]
    assert all("亿元" in s and "万元" not in s for s in subs)
