"""The 政府债务 page: queries, figures in 亿元 against the tiers in force, the callback called as
a function, downloads and chart export."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from budgetwatch.dashboard import ids, views
from budgetwatch.dashboard.figures import debt as figs
from budgetwatch.dashboard.figures.common import BLUE, ORANGE, RED
from budgetwatch.dashboard.pages import debt as page
from budgetwatch.dashboard.pages.debt import callbacks, model
from budgetwatch.dashboard.tables import to_csv_bytes
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries import debt as qd
from budgetwatch.queries.store import Store
from tests.ingest.files import write_csv

D = ids.Debt
HEADER = ["年度", "行政区划代码", "地区名称", "债务类型", "债务限额", "债务余额", "新增债务限额", "新增债券发行额",
          "再融资债券发行额", "还本额", "付息额", "综合财力"]
# 亿元. 2025: the city (全市, holding its districts), 市本级 and three districts.
ROWS = [
    ["2025", "4301", "湘江市", "一般债务", "300", "250", "30", "28", "20", "25", "8", "600"],
    ["2025", "4301", "湘江市", "专项债务", "500", "450", "60", "60", "30", "35", "15", "600"],
    ["2025", "430101", "湘江市本级", "一般债务", "100", "80", "10", "9", "8", "10", "3", "200"],
    ["2025", "430101", "湘江市本级", "专项债务", "200", "170", "20", "20", "10", "15", "6", "200"],
    ["2025", "430102", "芙蓉区", "一般债务", "50", "50", "5", "5", "", "", "", "100"],        # equal to limit
    ["2025", "430102", "芙蓉区", "专项债务", "60", "50", "5", "5", "", "", "", "100"],        # 债务率 100%
    ["2025", "430103", "<b>天心区</b>", "一般债务", "40", "45", "5", "6", "", "", "", "70"],  # over limit, quota
    ["2025", "430103", "<b>天心区</b>", "专项债务", "100", "95", "10", "10", "", "", "", "70"],  # 200%
    ["2025", "430104", "岳麓区", "一般债务", "80", "60", "", "", "", "", "", ""],             # no 综合财力
    ["2024", "4301", "湘江市", "一般债务", "280", "230", "25", "25", "15", "20", "7", "560"],
    ["2024", "4301", "湘江市", "专项债务", "450", "400", "50", "50", "25", "30", "14", "560"],
]


@pytest.fixture
def store(data_dir, tmp_path):
    f = write_csv(tmp_path / "debt.csv", ROWS, header=HEADER, above=["单位：亿元"])
    [r] = ingest_files(Store(data_dir), "debt", [f], who="t")
    assert r.status == "applied", [p.line() for p in r.problems]
    return Store(data_dir)


def dump(component) -> str:
    return json.dumps(component, ensure_ascii=False, default=lambda c: c.to_plotly_json())


# -- queries ------------------------------------------------------------------------------------
def test_regions_know_their_level_and_totals_add_only_top_regions(store):
    with store.reader() as con:
        regions = qd.debt_regions(con, 2025).set_index("region_code")
        trend = qd.debt_trend(con)
        one = qd.debt_trend(con, "430103")
    assert regions["top"].to_dict() == {"430100": True, "430101": False, "430102": False, "430103": False,
                                        "430104": False}
    assert regions.loc["430102", "ratio"] == 1.0 and regions.loc["430103", "ratio"] == 2.0
    assert pd.isna(regions.loc["430104", "ratio"])
    assert list(regions.index[:3]) == ["430103", "430101", "430100"]   # ranked by 债务率
    y25 = trend[trend["year"] == 2025].set_index("debt_type")
    assert y25.loc["一般债务", "balance"] == 250e8 and y25.loc["专项债务", "balance"] == 450e8   # the city only
    assert y25["fiscal_capacity"].tolist() == [600e8, 600e8]
    assert one["balance"].sum() == 140e8 and set(one["year"]) == {2025}


# -- figures ------------------------------------------------------------------------------------
def test_ratio_figure_draws_the_tiers_and_colours_the_boundary_blue():
    frame = pd.DataFrame({"region_code": ["a", "b", "c", "d"], "region_name": ["甲", "乙", "丙", "丁"],
                          "ratio": [1.0, 1.2, 1.21, None], "balance": [1e9] * 4, "fiscal_capacity": [1e9] * 4})
    fig = figs.ratio_figure(frame, max_ratio=1.0, high_ratio=1.2, year=2025)
    assert list(fig.data[0].y) == ["丙", "乙", "甲"]                  # ranked; no 综合财力: left out
    assert list(fig.data[0].marker.color) == [RED, ORANGE, BLUE]     # exactly 100%: blue; exactly 120%: orange
    assert [s.x0 for s in fig.layout.shapes] == [1.0, 1.2]
    assert fig.layout.xaxis.title.text == "债务率（%）"


def test_limit_figure_in_yi_with_headroom_and_names_as_text(store):
    with store.reader() as con:
        rows = qd.debt_rows(con, 2025)
    fig = figs.limit_balance_figure(rows, year=2025, lang="en")
    assert fig.layout.xaxis.title.text == "Amount (CNY 100m)"
    balance = [tr for tr in fig.data if tr.name == "Balance"][0]       # general debt panel
    labels = list(balance.y)
    assert "&lt;b&gt;天心区&lt;/b&gt;" in labels and "<b>天心区</b>" not in labels
    i = labels.index("&lt;b&gt;天心区&lt;/b&gt;")
    assert balance.x[i] == 45 and balance.marker.color[i] == RED and "-5.00" in balance.text[i]
    j = labels.index("芙蓉区")
    assert balance.marker.color[j] == BLUE and "0.00" in balance.text[j]   # equal to the limit: not red


# -- the callback -------------------------------------------------------------------------------
def test_update_draws_every_section_in_yi_with_the_tiers_in_force(store):
    out = callbacks.update_debt(store, None, None, "?lang=zh")
    assert out["year"] == 2025 and [o["value"] for o in out["year_options"]] == [2025, 2024]
    assert out["body_style"] == {} and out["message"] is None
    assert "高于100%为橙色预警，高于120%为红色预警" in out["thresholds"]
    cards = dump(out["headline"])
    assert "700.00 亿元" in cards and "87.5%" in cards                  # the city's balance and usage
    assert "116.7%" in cards                                          # 700 ÷ 600
    for name in callbacks.GRAPHS:
        assert out[f"fig:{name}"] is not None and out[f"config:{name}"]["toImageButtonOptions"]["filename"].endswith(
            "_2025")
    grid = out[f"table:{D.T_REGIONS}"]
    assert grid["columnDefs"][3]["headerName"] == "债务余额（亿元）"
    first = grid["rowData"][0]
    assert first["region_code"] == "430103" and first["ratio"] == 2.0 and first["balance"] == 140.0
    assert first["DEBT_RATIO"] == "high" and "债务率超警戒线" in first["warnings"]
    fr = next(r for r in grid["rowData"] if r["region_code"] == "430102")
    assert fr["DEBT_RATIO"] is None and fr["DEBT_OVER_LIMIT"] is None    # the boundaries stay quiet
    rows = out[f"table:{D.T_ROWS}"]["rowData"]
    assert {(r["region_code"], r["debt_type_text"]) for r in rows if r["over"]} == {("430103", "一般债务")}
    assert out["view"] == "?lang=zh&year=2025"


def test_year_region_and_language_come_from_the_url(store):
    out = callbacks.update_debt(store, 2024, "430100", "?lang=en&year=2024&region=430100")
    assert out["year"] == 2024 and out["region"] == "430100"
    assert out["view"] == "?lang=en&year=2024&region=430100"
    assert "above 100% is orange" in out["thresholds"]
    assert out[f"fig:{D.TREND}"].layout.title.text.startswith("湘江市: balance")
    assert {"label": "湘江市 (430100)", "value": "430100"} in out["region_options"]
    unknown = callbacks.update_debt(store, 1999, "999999", "?year=1999&region=999999")
    assert unknown["year"] == 2025 and unknown["region"] is None
    assert unknown[f"fig:{D.TREND}"].layout.title.text.startswith("全部地区合计")


def test_the_tiers_on_the_page_follow_rules_toml(store):
    (store.data_dir / "rules.toml").write_text("[DEBT_RATIO]\nmax_ratio_pct = 90\nhigh_ratio_pct = 150\n",
                                               encoding="utf-8")
    out = callbacks.update_debt(store, 2025, None, "")
    assert "高于90%为橙色预警，高于150%为红色预警" in out["thresholds"]
    assert [s.x0 for s in out[f"fig:{D.RATIO}"].layout.shapes] == [0.9, 1.5]
    fr = next(r for r in out[f"table:{D.T_REGIONS}"]["rowData"] if r["region_code"] == "430102")
    assert fr["DEBT_RATIO"] == "medium"                                # 100% is now above the line


def test_without_debt_rows_the_page_says_how_to_load(data_dir):
    out = callbacks.update_debt(Store(data_dir), None, None, "")
    assert out["body_style"] != {} and "还没有导入政府债务数据" in dump(out["message"])


def test_layout_carries_the_url_and_registers_its_page():
    from budgetwatch.dashboard.pages import PAGES
    assert page in PAGES and page.PATH == "/debt"
    text = dump(page.layout({"year": "2024", "region": "430102"}, "en"))
    assert "Government debt" in text and "Unit: CNY 100m" in text and '"value": "430102"' in text


# -- downloads and chart export -----------------------------------------------------------------
def test_table_downloads_in_yi_with_context(store):
    export = callbacks.fetch(D.T_REGIONS)(store, {"year": "2025"}, "zh")
    text = to_csv_bytes(export).decode("utf-8-sig")
    assert "# 表名: 2025 各地区债务情况（按债务率排序）" in text
    frame = pd.read_csv(io.StringIO(text), skiprows=[i for i, line in enumerate(text.splitlines())
                                                     if line.startswith("#")])
    row = frame[frame["区划代码"] == 430103].iloc[0]
    assert row["债务余额（亿元）"] == 140.0 and row["债务率（%）"] == 200.0
    rows = callbacks.fetch(D.T_ROWS)(store, {"year": "2024"}, "en").frame
    assert len(rows) == 2 and "Debt balance (CNY 100m)" in rows.columns


@pytest.mark.parametrize("name", ["debt.limits", "debt.ratio", "debt.issuance", "debt.trend", "debt.repayments"])
def test_every_chart_exports_by_name(store, name):
    vf = views.render(store, name, {"year": "2025"}, "zh")
    assert vf.title and vf.as_of == "2025" and vf.unit in ("亿元", "%")
    assert vf.figure.layout.title.text == vf.title


def test_every_entity_type_of_the_rules_has_a_name_on_the_warnings_page():
    from budgetwatch.dashboard.i18n import STRINGS
    from budgetwatch.queries.rules import RULES
    for rule in RULES:
        assert f"warn.entity.{rule.entity_type}" in STRINGS, rule.id


def test_the_ratio_card_is_coloured_by_its_own_value_against_the_tiers_the_page_states(store):
    card = callbacks.update_debt(store, None, None, "")["headline"][2]
    assert "116.7%" in dump(card) and card.className == "bw-card is-medium"     # above 100%, not above 120%
    (store.data_dir / "rules.toml").write_text("[DEBT_RATIO]\nmax_ratio_pct = 120.0\nhigh_ratio_pct = 150.0\n",
                                               encoding="utf-8")
    out = callbacks.update_debt(store, None, None, "")
    assert "高于120%为橙色预警，高于150%为红色预警" in out["thresholds"]
    # 116.7% is under both lines: not coloured, though 天心区 (200%) is red and counted in the note
    assert out["headline"][2].className == "bw-card"
