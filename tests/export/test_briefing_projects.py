"""The briefing's section 民生实事与重大项目."""
from __future__ import annotations

import datetime as dt

from budgetwatch.dashboard import briefing
from budgetwatch.queries import flags as qf
from budgetwatch.queries.store import Store
from tests.dashboard import sample, sample_projects


def test_the_section_counts_lists_and_votes(data_dir):
    qf.clear_cache()
    store = Store(sample_projects.build(data_dir))
    b = briefing.collect(store, 2025, dt.date(2025, 6, 30), charts=False)
    text = briefing.to_html(b)
    assert "八、民生实事与重大项目" in text
    assert "2025年票决民生实事项目4个：未开工1个、在建2个、已完工1个、停工0个" in text
    assert "政府投资项目1个" in text
    lag = text.split("投资进度落后的项目", 1)[1].split("</table>", 1)[0]
    assert "市第一中学扩建工程" in lag and "市第一中学" in lag and "红色预警" in lag
    assert "未按期开工的项目1个" in text and "公交站台改造" in text
    assert "1个未达满意" in text and "农贸市场提质" in text.split("未达满意", 1)[1]
    assert b.projects["views"]["livelihood"]["projects"]["project_code"].tolist() == [
        "XM-DONE", "XM-LAG", "XM-NS", "XM-OK"]
    assert ("projects.status" in [v for _, v, _ in briefing.chart_plan(b)])


def test_a_departments_briefing_has_only_its_projects(data_dir):
    qf.clear_cache()
    store = Store(sample_projects.build(data_dir))
    b = briefing.collect(store, 2025, dt.date(2025, 6, 30), dept="001", charts=False)
    assert set(b.projects["views"]["livelihood"]["projects"]["project_code"]) == {"XM-LAG", "XM-DONE"}
    assert "公交站台改造" not in briefing.to_html(b)


def test_no_projects_no_section(data_dir):
    qf.clear_cache()
    b = briefing.collect(Store(sample.build(data_dir)), 2025, dt.date(2025, 6, 30), charts=False)
    assert b.projects is None and "民生实事" not in briefing.to_html(b)
