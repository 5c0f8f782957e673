"""State asset queries: enterprises beside last year, equity history, admin assets, rule marks."""
from __future__ import annotations

import pytest

from budgetwatch.queries import assets as qa
from budgetwatch.queries.store import Store
from tests.dashboard import sample_pages


@pytest.fixture
def con(data_dir):
    with Store(sample_pages.build(data_dir)).reader() as c:
        yield c


def test_enterprises_with_debt_ratio_and_keep_ratio(con):
    ents = qa.enterprises(con, 2025)
    assert list(ents["enterprise_code"]) == ["E01", "E02", "E03"]           # highest debt ratio first
    e01 = ents.set_index("enterprise_code").loc["E01"]
    assert e01["debt_ratio"] == pytest.approx(0.9)
    assert e01["keep_ratio"] == pytest.approx(10 / 12)
    assert e01["supervisor_name"] == "市交通运输局"
    assert list(qa.enterprises(con, 2025, ["001", "001001"])["enterprise_code"]) == ["E02"]
    assert qa.asset_years(con) == [2025, 2024]


def test_equity_history_oldest_first(con):
    hist = qa.equity_history(con, "E01")
    assert list(hist["year"]) == [2024, 2025]
    assert pd_isna(hist["keep_ratio"].iloc[0]) and hist["keep_ratio"].iloc[1] == pytest.approx(10 / 12)


def pd_isna(v) -> bool:
    return v != v or v is None


def test_admin_assets_and_idle_share(con):
    admin = qa.admin_assets(con, 2025)
    assert len(admin) == 3
    row = admin.set_index(["dept_code", "asset_category"]).loc[("001", "房屋")]
    assert row["idle_share"] == pytest.approx(0.3)
    assert list(qa.admin_assets(con, 2025, category="车辆")["dept_code"]) == ["001001"]
    by_cat = qa.admin_by(admin, "category").set_index("asset_category")
    assert by_cat.loc["房屋", "book"] == 13_000_000 and by_cat.loc["房屋", "idle_share"] == pytest.approx(1.5 / 13)
    assert qa.asset_categories(con, 2025) == ["房屋", "车辆"]


def test_rule_marks_follow_the_thresholds_in_force(con):
    marks = qa.enterprise_marks(qa.asset_flags(con, 2025))
    assert marks.loc["E01", "LEVERAGE"] == "high" and marks.loc["E01", "EQUITY_DECLINE"] == "medium"
    assert marks.loc["E02", "LEVERAGE"] == "medium" and marks.loc["E02", "CONSECUTIVE_LOSS"] == "high"
    assert "E03" not in marks.index
    stricter = qa.enterprise_marks(qa.asset_flags(con, 2025, {"LEVERAGE": {"max_ratio_pct": 30.0}}))
    assert stricter.loc["E03", "LEVERAGE"] == "medium"
