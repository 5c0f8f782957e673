"""The audit rectification page: figures, the callback, downloads."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.figures import audit as figs
from budgetwatch.dashboard.pages import audit as page
from budgetwatch.queries.store import Store
from tests.dashboard import sample, sample_pages

U = ids.Audit


def text(component) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      ensure_ascii=False, default=lambda c: c.to_plotly_json())


@pytest.fixture
def store(data_dir):
    return Store(sample_pages.build(data_dir))


COUNTS = pd.DataFrame({"key": ["预算管理", "预算管理", "政府采购"], "status": ["未整改", "部分整改", "已整改"],
                       "n": [1, 1, 1], "involved": [1e6, 5e5, 2e6], "rectified": [0, 2e5, 6e5]})


def test_status_and_category_figures():
    fig = figs.status_figure(COUNTS.assign(key=COUNTS["status"]), year=2025)
    assert list(fig.data[0].x) == ["已整改", "部分整改", "未整改"]              # statutory order
    assert fig.data[0].marker.color[0] == figs.GREEN and fig.layout.yaxis.title.text == "涉及金额（万元）"
    cat = figs.category_figure(COUNTS, year=2025, lang="en")
    assert [tr.name for tr in cat.data] == ["Rectified", "Partly rectified", "Not rectified"]
    assert list(cat.layout.yaxis.categoryarray) == ["预算管理", "政府采购"]
    assert cat.layout.barmode == "stack" and cat.layout.xaxis.title.text == "Findings (findings)"


def test_unit_rate_figure_lowest_first():
    units = pd.DataFrame({"dept_code": ["a", "b"], "dept_name": ["甲", "乙"], "n": [2, 1], "n_done": [0, 1],
                          "involved": [1.5e6, 2e6], "rectified": [2e5, 6e5], "amount_rate": [0.3, 2 / 15],
                          "count_share": [1.0, 0.0]})
    fig = figs.unit_rate_figure(units, year=2025)
    assert list(fig.data[0].y) == ["乙", "甲"] and fig.data[0].marker.color[0] == figs.RED
    assert fig.layout.xaxis.title.text == "整改比例（%）"
    assert figs.unit_rate_figure(units.iloc[0:0], year=2025).layout.annotations[0].text == "暂无数据"


def test_the_view_at_a_given_as_of_date(store):
    search = "?year=2025&as_of=2025-06-30&lang=zh"
    out = page.update_audit(store, 2025, "2025-06-30", search)
    assert out["view"] == search
    over = out[f"table:{U.T_OVERDUE}"]["rowData"]
    assert [(r["finding_id"], r["days_overdue"], r["severity"]) for r in over] == \
        [("SJ2023-01", 365, "high"), ("SJ2025-01", 30, "medium")]
    assert over[0]["involved"] == 100.0                                          # 万元
    rep = out[f"table:{U.T_REPEAT}"]["rowData"]
    assert rep[0]["unit"] == "市第一中学 001001" and rep[0]["years"] == "2023、2025"
    assert [r["finding_id"] for r in out[f"table:{U.T_HOLLOW}"]["rowData"]] == ["SJ2024-01"]
    units = out[f"table:{U.T_UNITS}"]["rowData"]
    assert units[0]["amount_rate"] == 0.0                                        # lowest first
    cards = text(out["headline"])
    assert "5 个" in cards and "2 个" in cards and "1 项" in cards
    assert out[f"fig:{U.STATUS}"].layout.title.text == "截至2025年审计查出问题整改状态"


def test_default_as_of_is_the_latest_payment_and_today_without_payments(store):
    out = page.update_audit(store, None, None, "")
    assert out["as_of"] == "2025-07-15" and out["year"] == 2025
    old = page.update_audit(store, 2023, None, "", today=dt.date(2026, 1, 5))
    assert old["as_of"] == "2026-01-05"
    rows = old[f"table:{U.T_OVERDUE}"]["rowData"]
    assert rows == [] or rows[0]["finding_id"] == "SJ2023-01"


def test_no_findings_says_so(data_dir):
    out = page.update_audit(Store(sample.build(data_dir)), None, None, "?lang=en")
    assert "No audit findings have been loaded yet" in text(out["message"])


def test_exports(store):
    export = page.fetch(U.T_OVERDUE)(store, {"year": "2025", "as_of": "2025-06-30"}, "zh")
    assert export.title == "2025 逾期未整改问题" and export.as_of == "2025-06-30"
    assert export.frame["逾期天数"].tolist() == [365, 30]
    assert "涉及金额（万元）" in export.frame.columns
