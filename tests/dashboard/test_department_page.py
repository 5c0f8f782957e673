"""The department page: figures as pure functions, the callback as a plain function, downloads."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json

import dash
import duckdb
import pandas as pd
import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.figures import department as figs
from budgetwatch.dashboard.pages import department as page
from budgetwatch.dashboard.pages import PAGES, PLANNED
from budgetwatch.dashboard.frame import route
from budgetwatch.dashboard.tables import to_csv_bytes
from budgetwatch.queries.store import QueryError, Store
from tests.dashboard import sample_pages

D = ids.Department


def text(component) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      ensure_ascii=False, default=lambda c: c.to_plotly_json())


@pytest.fixture
def store(data_dir):
    return Store(sample_pages.build(data_dir))


def test_sangong_figure_groups_last_year_and_this_year_with_units():
    frame = pd.DataFrame({"econ_code": ["30212", "30217"], "cur": [0.0, 80_000.0], "prev": [0.0, 50_000.0],
                          "growth": [float("nan"), 0.6]})
    fig = figs.sangong_figure(frame, dept_name="市教育局", year=2025, as_of=dt.date(2025, 6, 30),
                              max_growth=0.2, lang="zh")
    assert fig.layout.barmode == "group" and len(fig.data) == 2
    assert fig.layout.xaxis.title.text == "支出（万元）"
    assert fig.data[0].name.startswith("上年同期（2024年截至 2024年6月30日")
    # one item a row, bars lying down: two standing bars were narrower than their labels (issue 16)
    assert {d.orientation for d in fig.data} == {"h"} and "公务接待费" in fig.data[1].y[1]
    assert fig.data[1].marker.color[1] == figs.ORANGE                      # grew beyond the threshold
    assert fig.data[1].text[1] == "8.00（+60.0%）" and fig.data[0].text[1] == "5.00"   # in the axis's 万元
    empty = figs.sangong_figure(frame.assign(cur=0.0, prev=0.0), dept_name="x", year=2025,
                                as_of=dt.date(2025, 6, 30), lang="en")
    assert empty.layout.annotations[0].text == "No data"
    assert empty.layout.title.text.endswith("against the same period of 2024")     # not "2025 − 1"


def test_unit_figure_reuses_the_overview_chart_with_its_own_title():
    units = pd.DataFrame({"dept_code": ["001", "001001"], "dept_name": ["市教育局", "市第一中学"],
                          "adjusted": [1e6, 2e6], "spent": [1e5, 5e5], "rate": [0.1, 0.25]})
    fig = figs.unit_execution_figure(units, 0.5, dept_name="市教育局", year=2025, as_of=dt.date(2025, 6, 30))
    assert fig.layout.title.text == "市教育局及所属单位2025年预算执行进度（截至 2025年6月30日）"
    assert fig.layout.xaxis.title.text == "执行进度（%）"


def test_without_a_department_the_picker_lists_top_level_departments(store):
    out = page.update_department(store, None, None, None, "")
    assert out["picker_style"] == {} and out["body_style"] == page.HIDDEN
    rows = out[f"table:{D.T_PICKER}"]["rowData"]
    assert {r["dept_code"] for r in rows} == {"001", "002", "003", "X99"}
    first = next(r for r in rows if r["dept_code"] == "001")
    assert first["link"] == "市教育局"                                  # the name as text, linked:
    assert first["link_href"] == "/departments?dept=001&year=2025&as_of=2025-07-15&lang=zh"
    assert out["view"] == "?year=2025&as_of=2025-07-15&lang=zh"


def test_a_department_permalink(store):
    search = "?dept=001&year=2025&as_of=2025-06-30&lang=zh"
    out = page.update_department(store, 2025, "2025-06-30", "001", search)
    assert out["view"] == search and out["message"] is None and out["body_style"] == {}
    assert "市教育局" in text(out["heading"]) and "所属单位 2 个" in text(out["heading"])
    cards = text(out["headline"])
    assert "400.00 万元" in cards and "52.5%" in cards and "10.00 万元" in cards   # budget, rate, 三公
    flags = out[f"table:{D.T_FLAGS}"]
    assert flags["rowData"][0]["severity_text"] == "红色预警"
    assert any(r["title"] == "连续亏损" for r in flags["rowData"])
    sev = next(c for c in flags["columnDefs"] if c["field"] == "severity_text")
    assert "bw-cell-high" in sev["cellClassRules"]
    lines = out[f"table:{D.T_LINES}"]
    assert [c["headerName"] for c in lines["columnDefs"]][4:7] == ["年初预算（万元）", "调整预算（万元）", "已支出（万元）"]
    assert lines["rowData"][0]["func"] == "2050202 小学教育"
    audit = out[f"table:{D.T_AUDIT}"]["rowData"]
    assert {r["finding_id"] for r in audit} == {"SJ2023-01", "SJ2025-01"}
    ents = out[f"table:{D.T_ENTERPRISES}"]["rowData"]
    assert [e["enterprise_code"] for e in ents] == ["E02"] and ents[0]["CONSECUTIVE_LOSS"] == "high"
    fig = out[f"fig:{D.SANGONG}"]
    assert fig.layout.title.text.startswith("市教育局三公经费")
    assert out[f"config:{D.SANGONG}"]["toImageButtonOptions"]["filename"] == "budgetwatch_department_001_sangong_2025"


def test_english_and_an_unknown_department(store):
    out = page.update_department(store, 2025, "2025-06-30", "001", "?lang=en")
    assert out[f"fig:{D.UNITS}"].layout.title.text.startswith("市教育局 and its units")
    assert out[f"table:{D.T_FLAGS}"]["rowData"][0]["severity_text"] == "High (red)"
    unknown = page.update_department(store, 2025, None, "999", "")
    assert "没有编码为 999 的部门或单位" in text(unknown["message"]) and unknown["picker_style"] == {}


def test_empty_folder_and_failures_say_a_sentence(data_dir):
    out = page.update_department(Store(data_dir), None, None, "001", "")
    assert "尚未导入任何数据" in text(out["message"]) and out["view"] is dash.no_update

    class Broken:
        def __init__(self, folder):
            self.data_dir = folder

        @contextlib.contextmanager
        def reader(self):
            raise QueryError("查询超时（超过 60 秒）/ query timed out")
            yield

        def current_path(self):
            return None

    msg = text(page.update_department(Broken(data_dir), None, None, "001", "")["message"])
    assert "请稍后再试" in msg and "Traceback" not in msg


def test_export_matches_the_permalink(store):
    export = page.fetch(D.T_LINES)(store, {"dept": "001", "year": "2025", "as_of": "2025-06-30"}, "zh")
    assert export.title == "市教育局 预算指标与执行"
    assert ("部门", "市教育局（001）") in export.filters and export.as_of == "2025-06-30"
    assert "调整预算（万元）" in export.frame.columns and export.frame["调整预算（万元）"].sum() == 400
    csv = to_csv_bytes(export).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(csv), comment="#")
    assert len(back) == 5
    picker = page.fetch(D.T_PICKER)(store, {"year": "2025"}, "en")
    assert "Department" in picker.frame.columns and "市教育局" in set(picker.frame["Department"])


def test_the_pages_are_routed():
    for path, heading in (("/departments", "部门画像"), ("/assets", "国有资产"), ("/audit", "审计整改")):
        out = route(PAGES, PLANNED, path, "?year=2025", None)
        assert heading in text(out["page"])
    assert all(path not in {p for _k, p in PLANNED} for path in ("/departments", "/assets", "/audit"))


def test_a_department_without_assets_or_findings_draws(data_dir):
    """Only departments, budget and payments loaded: the asset and audit tables are empty, not an error."""
    from budgetwatch.dashboard.pages import department as page_mod
    from budgetwatch.queries.store import Store
    from tests.dashboard import sample
    sample.build(data_dir)
    out = page_mod.update_department(Store(data_dir), 2025, "2025-06-30", "001", "")
    assert out["message"] is None or "出错" not in str(out["message"])
    assert out[f"table:{page_mod.D.T_ASSETS}"]["rowData"] == []


def test_the_sangong_card_says_there_is_no_last_year_instead_of_0_00(store):
    # the sample holds payments for 2024 and 2025 only: 2024's 上年同期 is not 0.00 万元 but unknown
    first = text(page.update_department(store, 2024, None, "001", "")["headline"][2])
    assert "无上年数据" in first and "0.00 万元" not in first and "上年同期" not in first
    assert "no data for the year before" in text(page.update_department(store, 2024, None, "001", "?lang=en")["headline"][2])
    later = text(page.update_department(store, 2025, None, "001", "")["headline"][2])
    assert "上年同期 8.00 万元，增长 25.0%" in later


def test_a_flag_dismissed_on_review_is_not_counted_on_the_card(store):
    """As on the warnings page and in the briefing: 排除 (dismissed) leaves the count."""
    from budgetwatch.queries import reviews as rv

    before = page.update_department(store, 2025, "2025-06-30", "001", "?dept=001&year=2025&as_of=2025-06-30")
    rows = before[f"table:{D.T_FLAGS}"]["rowData"]
    n = len(rows)
    high = [r for r in rows if r["severity_text"] == "红色预警"]
    assert f"{n} 条" in text(before["headline"])
    from budgetwatch.queries.flags import computed_flags
    from budgetwatch.queries.rules.config import load_thresholds
    every = computed_flags(store, 2025, "2025-06-30", thresholds=load_thresholds(store.data_dir))[0]
    flag = every[(every["severity"] == "high") & (every["message"] == high[0]["message"])].iloc[0]
    rv.add_review(store.data_dir, flag["rule"], flag["entity_key"], 2025, "dismissed", "误报", "tester")
    after = page.update_department(store, 2025, "2025-06-30", "001", "?dept=001&year=2025&as_of=2025-06-30")
    cards = text(after["headline"])
    assert f"{n - 1} 条" in cards and f"红色 {len(high) - 1}" in cards


def test_the_units_table_shows_the_same_period_of_the_year_before(store):
    """每个单位的执行 carries 上年同期, 增减, 增幅 as the execution page computes them: 1 January to
    the same day a year earlier (001001 paid 50,000 on 2024-03-10; 99,000 on 2024-08-01 lies after)."""
    out = page.update_department(store, 2025, "2025-06-30", "001", "")
    grid = out[f"table:{D.T_UNITS}"]
    assert [c["headerName"] for c in grid["columnDefs"]][-3:] == ["上年同期（万元）", "增减（万元）", "增幅"]
    rows = {r["unit"]: r for r in grid["rowData"]}
    school = next(r for u, r in rows.items() if u.endswith(" 001001"))
    assert school["prior"] == 5.0 and school["change"] == round(school["spent"] - 5.0, 2)
    assert school["growth"] == pytest.approx((school["spent"] - 5.0) / 5.0, abs=1e-4)
    assert next(r for u, r in rows.items() if u.endswith(" 001"))["prior"] == 103.0   # 30 + 70 + 3 万元 (V2401, V2402, V2410)
    export = page.fetch(D.T_UNITS)(store, {"dept": "001", "year": "2025", "as_of": "2025-06-30"}, "zh")
    assert export.title == "市教育局 每个单位的执行"
    assert 5.0 in list(export.frame["上年同期（万元）"]) and "增幅（%）" in export.frame.columns


def test_the_units_table_says_no_data_for_a_year_without_payments_before(store):
    out = page.update_department(store, 2024, None, "001", "")
    grid = out[f"table:{D.T_UNITS}"]
    assert grid["rowData"] and all(r["prior"] is None and r["growth"] is None for r in grid["rowData"])
    assert all("无上年数据" in c["valueFormatter"]["function"] for c in grid["columnDefs"][-3:])
    export = page.fetch(D.T_UNITS)(store, {"dept": "001", "year": "2024"}, "en")
    assert set(export.frame["Same period last year (CNY 10k)"]) == {"no data for the year before"}


def test_the_budget_lines_show_the_same_period_of_the_year_before(store):
    """Last year's payments to 30 June charged to this year's lines as this year's are: 001's
    office line 30 + 70 万元 (V2401, V2402; V2403 in December lies after), 001001's 30217 5 万元."""
    grid = page.update_department(store, 2025, "2025-06-30", "001", "")[f"table:{D.T_LINES}"]
    assert [c["headerName"] for c in grid["columnDefs"]][-3:] == ["上年同期（万元）", "增减（万元）", "增幅"]
    rows = {(r["unit"], r["econ"]): r for r in grid["rowData"]}
    office = rows[("市教育局 001", "30201 办公费")]
    assert (office["prior"], office["change"], office["growth"]) == (100.0, -90.0, -0.9)
    assert rows[("市第一中学 001001", "30217 公务接待费")]["prior"] == 5.0
    assert rows[("市第一中学 001001", "30201 办公费")]["growth"] is None        # nothing last year: —
    before = page.update_department(store, 2024, None, "001", "")[f"table:{D.T_LINES}"]
    assert all(r["prior"] is None for r in before["rowData"])
    assert "无上年数据" in before["columnDefs"][-1]["valueFormatter"]["function"]
    export = page.fetch(D.T_LINES)(store, {"dept": "001", "year": "2025", "as_of": "2025-06-30"}, "zh")
    assert export.frame["上年同期（万元）"].sum() == 105
