"""The state assets page: figures against the thresholds in force, the callback, downloads."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.figures import assets as figs
from budgetwatch.dashboard.figures.common import BLUE, ORANGE, RED
from budgetwatch.dashboard.pages import assets as page
from budgetwatch.dashboard.urls import parse_search
from budgetwatch.queries.store import Store
from tests.dashboard import sample_pages

A = ids.Assets


def text(component) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      ensure_ascii=False, default=lambda c: c.to_plotly_json())


@pytest.fixture
def store(data_dir):
    return Store(sample_pages.build(data_dir))


def test_debt_ratio_figure_colours_against_the_two_lines():
    frame = pd.DataFrame({"enterprise_code": ["A", "B", "C"], "enterprise_name": ["甲有限公司", "乙", "丙"],
                          "assets": [1e8, 1e7, 5e7], "liabilities": [9e7, 7.5e6, 2e7], "debt_ratio": [0.9, 0.75, 0.4]})
    fig = figs.debt_ratio_figure(frame, max_ratio=0.7, high_ratio=0.85, year=2025)
    assert list(fig.data[0].marker.color) == [RED, ORANGE, BLUE]
    assert list(fig.data[0].y) == ["甲", "乙", "丙"]                        # 有限公司 trimmed
    assert [s.x0 for s in fig.layout.shapes] == [0.7, 0.85]
    assert fig.layout.xaxis.title.text == "资产负债率（%）"
    assert figs.ratio_colour(0.7, 0.7, 0.85) == BLUE                       # exactly 70% does not fire


def test_equity_and_idle_figures_name_their_units():
    hist = pd.DataFrame({"year": [2024, 2025], "equity": [12e6, 10e6],
                         "profit": [2e6, 1e6], "keep_ratio": [float("nan"), 10 / 12]})
    fig = figs.equity_figure(hist, name="市城投集团", min_keep=0.9, lang="en")
    assert fig.layout.yaxis.title.text == "Amount (CNY 10k)"
    assert list(fig.data[0].marker.color) == [BLUE, ORANGE]
    by = pd.DataFrame({"asset_category": ["房屋", "车辆"], "book": [5e6, 1e6], "idle": [1.5e6, 1e5],
                       "idle_share": [0.3, 0.1]})
    idle = figs.idle_share_figure(by, by="category", max_idle=0.2, title="t")
    assert list(idle.data[0].marker.color)[0] == ORANGE and idle.layout.shapes[0].x0 == 0.2


def test_the_view_defaults_and_is_a_permalink(store):
    out = page.update_assets(store, None, None, None, "")
    assert out["view"] == "?year=2025&enterprise=E01&lang=zh"
    assert "资产负债率超过 70% 为橙色、超过 85% 为红色" in out["thresholds"]
    rows = out[f"table:{A.T_ENTERPRISES}"]["rowData"]
    assert [r["enterprise_code"] for r in rows] == ["E01", "E02", "E03"]
    assert rows[0]["LEVERAGE"] == "high" and rows[0]["EQUITY_DECLINE"] == "medium"
    assert rows[0]["debt_ratio"] == 0.9 and rows[0]["assets"] == 10_000.0      # 万元, as the header says
    headers = [c["headerName"] for c in out[f"table:{A.T_ENTERPRISES}"]["columnDefs"]]
    assert "资产总额（万元）" in headers and "保值增值率（%）" in headers
    assert out[f"fig:{A.EQUITY}"].layout.title.text.startswith("市城投集团有限公司")
    cards = text(out["headline"])
    assert "红色预警 1 户 · 橙色预警 1 户" in cards


def test_choosing_an_enterprise_and_a_category(store):
    out = page.update_assets(store, 2025, "E02", "房屋", "?year=2025&lang=en")
    assert parse_search(out["view"]) == {"year": "2025", "lang": "en", "enterprise": "E02", "category": "房屋"}
    assert out[f"fig:{A.EQUITY}"].layout.title.text.startswith("市教育发展有限公司")
    assert {r["asset_category"] for r in out[f"table:{A.T_ADMIN}"]["rowData"]} == {"房屋"}
    assert out[f"table:{A.T_ADMIN}"]["rowData"][0]["idle_flag"] is True


def test_stricter_thresholds_from_the_data_folder_are_drawn(store):
    (store.data_dir / "rules.toml").write_text("[LEVERAGE]\nmax_ratio_pct = 30.0\n", encoding="utf-8")
    out = page.update_assets(store, None, None, None, "")
    assert "超过 30% 为橙色" in out["thresholds"]
    assert out[f"table:{A.T_ENTERPRISES}"]["rowData"][2]["LEVERAGE"] == "medium"


def test_no_asset_data_says_so(data_dir):
    from tests.dashboard import sample
    out = page.update_assets(Store(sample.build(data_dir)), None, None, None, "")
    assert "尚未导入国有企业资产" in text(out["message"]) and out["body_style"] == page.HIDDEN


def test_exports(store):
    export = page.fetch(A.T_ENTERPRISES)(store, {"year": "2025"}, "zh")
    assert export.title == "2025 国有企业" and len(export.frame) == 3
    assert export.frame["资产负债率（%）"].tolist() == [90.0, 75.0, 40.0]
    admin = page.fetch(A.T_ADMIN)(store, {"year": "2025", "category": "车辆"}, "zh")
    assert ("资产类别", "车辆") in admin.filters and len(admin.frame) == 1


def test_the_ratio_card_is_coloured_by_its_own_value_against_the_lines_the_page_states(store):
    # 73.4% overall, one enterprise red (90%): orange, as the sentence says orange starts above 70%
    card = page.update_assets(store, None, None, None, "")["headline"][1]
    assert "73.4%" in text(card) and "红色预警 1 户" in text(card)
    assert card.className == "bw-card is-medium"
    (store.data_dir / "rules.toml").write_text("[LEVERAGE]\nmax_ratio_pct = 75.0\nhigh_ratio_pct = 95.0\n",
                                               encoding="utf-8")
    out = page.update_assets(store, None, None, None, "")
    assert "超过 75% 为橙色、超过 95% 为红色" in out["thresholds"]
    assert out["headline"][1].className == "bw-card"                     # 73.4% is under both lines
    (store.data_dir / "rules.toml").write_text("[LEVERAGE]\nmax_ratio_pct = 50.0\nhigh_ratio_pct = 70.0\n",
                                               encoding="utf-8")
    assert page.update_assets(store, None, None, None, "")["headline"][1].className == "bw-card is-high"
