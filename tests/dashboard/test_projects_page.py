"""The project page (项目监督): its callbacks called as functions, its downloads and chart views."""
from __future__ import annotations

import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.figures import projects as figs
from budgetwatch.dashboard.pages.projects import callbacks as cb
from budgetwatch.dashboard.pages.projects import list_grid
from budgetwatch.dashboard.pages.projects.layout import P, layout
from budgetwatch.queries import flags as qf
from budgetwatch.queries.store import Store, scoped
from tests.dashboard import sample_projects

AS_OF = sample_projects.AS_OF


@pytest.fixture
def store(data_dir):
    qf.clear_cache()
    return Store(sample_projects.build(data_dir))


def rows(out, table):
    return out[f"table:{table}"]["rowData"]


def by_code(store, out, search=""):
    """The list as its server-side grid serves it (first block) for the view the callback drew."""
    got = list_grid.list_rows(store, {"startRow": 0, "endRow": 100}, out["state"], search)
    assert got["rowCount"] == len(got["rowData"])
    return {r["project_code"]: r for r in got["rowData"]}


def state(**kw):
    return {"view": "livelihood", "year": "2025", "as_of": AS_OF, **kw}


def text(children) -> str:
    import json
    return json.dumps(children, default=lambda o: o.to_plotly_json(), ensure_ascii=False)


def test_the_years_livelihood_projects_with_status_flags_and_gap(store):
    out = cb.update_projects(store, state(), "")
    got = by_code(store, out)
    assert set(got) == {"XM-LAG", "XM-OK", "XM-NS", "XM-DONE"}          # the investment-only project is not voted
    lag = got["XM-LAG"]
    assert lag["severity"] == "high" and lag["flag_text"].startswith("红色预警")
    assert lag["rate"] == pytest.approx(0.1) and lag["expected"] == pytest.approx(181 / 365, abs=1e-4)
    assert lag["gap"] == pytest.approx(-39.6, abs=0.05) and lag["status_text"] == "在建"
    assert lag["year_plan"] == 400.0 and lag["unit_name"] == "市第一中学"   # 万元
    assert got["XM-NS"]["status_text"] == "未开工" and got["XM-DONE"]["status_text"] == "已完工"
    assert got["XM-OK"]["severity"] is None and got["XM-OK"]["flag_text"] == "—"
    assert out["view"] == "?view=livelihood&year=2025&as_of=2025-06-30&lang=zh"
    assert out["list_style"] == {} and out["item_style"] == {"display": "none"}
    cards = text(out["headline"])
    assert "票决民生实事" in cards and "未开工1 · 在建2 · 已完工1 · 停工0" in cards
    votes = {r["project_name"]: r["grade_text"] for r in rows(out, P.T_VOTES)}
    assert votes == {"社区养老服务中心": "满意", "农贸市场提质": "不满意"}
    # the ranking puts the worst first
    rank = out[f"fig:{P.RANK}"]
    assert list(rank.layout.yaxis.categoryarray)[0] == "市第一中学扩建工程"


def test_the_investment_view_and_english(store):
    out = cb.update_projects(store, state(view="investment"), "?lang=en")
    assert set(by_code(store, out, "?lang=en")) == {"XM-INV"}
    assert by_code(store, out, "?lang=en")["XM-INV"]["flag_text"] == "High (red)"          # above its approved estimate
    assert "Investment projects" in text(out["headline"])
    assert out["view"].endswith("&lang=en")


def test_a_click_on_a_project_opens_it_with_its_money_and_vouchers(store):
    cell = {"colId": "project_name", "rowId": "XM-LAG", "value": "市第一中学扩建工程"}
    out = cb.on_change(store, ids.table(P.T_LIST), state(), "", cell=cell)
    assert out["state"]["project"] == "XM-LAG"
    assert out["view"] == "?view=livelihood&year=2025&as_of=2025-06-30&project=XM-LAG&lang=zh"
    assert out["item_style"] == {} and out["list_style"] == {"display": "none"}
    assert "市第一中学扩建工程" in text(out["crumbs"]) and "新增学位1200个" in text(out["info"])
    assert [r["title"] for r in rows(out, P.T_FLAGS)] == ["项目投资进度滞后"]
    assert [r["report_date"] for r in rows(out, P.T_REPORTS)] == ["2025-03-31", "2025-06-30"]
    assert [r["adjusted"] for r in rows(out, P.T_BUDGET)] == [500.0]
    assert out["grid_query"] == {"project": "XM-LAG", "year": 2025, "as_of": AS_OF}
    assert "共2笔" in out["vouchers_title"]
    progress = out[f"fig:{P.PROGRESS}"]
    assert [tr.name for tr in progress.data][:2] == ["应完成进度", "年度计划完成率"]
    money = out[f"fig:{P.MONEY}"]
    assert list(money.data[0].y) == [60.0]          # 600,000 paid by March, in 万元
    # the grid: the project's payments, the duplicate marked with its flag
    grid = cb.grid_rows(store, {"startRow": 0, "endRow": 50}, out["grid_query"], "")
    assert grid["rowCount"] == 2
    marks = {r["voucher_no"]: r["flag"] for r in grid["rowData"]}
    assert marks == {"V-P1": "DUPLICATE_PAYMENT|V-P2", "V-P2": "DUPLICATE_PAYMENT|V-P2"}   # the pair, one flag
    assert "/warnings?year=2025&as_of=2025-06-30&flag=DUPLICATE_PAYMENT%7CV-P2" in \
        [r for r in grid["rowData"] if r["voucher_no"] == "V-P2"][0]["flag_href"]


def test_a_project_view_from_the_url_and_an_unknown_one(store):
    out = cb.update_projects(store, state(project="XM-DONE"), "")
    assert [r["grade_text"] for r in rows(out, P.T_PVOTES)] == ["不满意"]
    unknown = cb.update_projects(store, state(project="NOPE"), "")
    assert "NOPE" in text(unknown["message"]) and unknown["list_style"] == {}
    assert "project" not in unknown["state"]


def test_controls_change_the_state():
    s = cb.navigate(state(project="XM-LAG"), P.VIEW, view="investment")
    assert s["view"] == "investment" and "project" not in s
    assert cb.navigate(state(), P.AS_OF, as_of="2025-05-31T00:00:00")["as_of"] == "2025-05-31"
    assert "project" not in cb.navigate(state(), ids.table(P.T_LIST), cell={"colId": "unit_name", "rowId": "X"})


def test_a_department_limited_member_sees_only_its_units_projects(store):
    with scoped(["001"]):
        out = cb.update_projects(store, state(), "")
        assert set(by_code(store, out)) == {"XM-LAG", "XM-DONE"}
        other = cb.update_projects(store, state(project="XM-OK"), "")
        assert "XM-OK" in text(other["message"])
        grid = cb.grid_rows(store, {"startRow": 0, "endRow": 50},
                            {"project": "XM-OK", "year": 2025, "as_of": AS_OF}, "")
        assert grid["rowCount"] == 0


def test_no_projects_says_how_to_load(data_dir):
    from tests.dashboard import sample
    out = cb.update_projects(Store(sample.build(data_dir)), state(), "")
    assert "还没有项目数据" in text(out["message"])


def test_downloads_carry_the_view(store):
    exp = cb.fetch(P.T_LIST)(store, {"view": "livelihood", "year": "2025", "as_of": AS_OF}, "zh")
    assert "项目名称" in exp.frame.columns and len(exp.frame) == 4
    assert ("视图", "民生实事") in exp.filters
    vouchers = cb.fetch_vouchers(store, {"year": "2025", "as_of": AS_OF, "project": "XM-LAG"}, "zh")
    assert sorted(vouchers.frame["支付凭证号"]) == ["V-P1", "V-P2"] if "支付凭证号" in vouchers.frame else True
    assert len(vouchers.frame) == 2


def test_layout_puts_the_url_in_the_controls():
    div = layout({"view": "investment", "year": "2025", "project": "XM-INV"}, "en")
    assert '"proj-view"' in text(div) and "Government investment projects" in text(div)


def test_chart_views_are_registered_for_export(store):
    from budgetwatch.dashboard import views
    names = {n for n in views.VIEWS if n.startswith("projects.")}
    assert {"projects.status", "projects.ranking", "projects.units", "projects.progress", "projects.money"} <= names
    vf = views.render(store, "projects.ranking", {"year": "2025", "as_of": AS_OF}, "zh")
    assert "差距" in vf.title
    one = views.render(store, "projects.progress", {"year": "2025", "as_of": AS_OF, "project": "XM-LAG"}, "en")
    assert "市第一中学扩建工程" in one.title


def test_gap_band_and_names_as_text():
    assert [figs.gap_band(g) for g in (1, 0, -10, -10.01, -30, -30.5)] == [
        "ahead", "ahead", "behind", "medium", "medium", "high"]
    import pandas as pd
    frame = pd.DataFrame({"project_code": ["A"], "project_name": ["<b>粗体</b>"], "rate": [0.1],
                          "expected": [0.5], "gap": [-40.0]})
    fig = figs.ranking_figure(frame, year=2025, as_of=__import__("datetime").date(2025, 6, 30), kind="projects")
    assert list(fig.layout.yaxis.categoryarray) == ["&lt;b&gt;粗体&lt;/b&gt;"]


def test_a_project_flag_on_the_warnings_page_links_to_the_project(store):
    from budgetwatch.dashboard.pages import warnings
    out = warnings.update_detail(store, "PROJECT_LAG|XM-LAG", 2025, AS_OF, "")
    assert "/projects?year=2025&as_of=2025-06-30&project=XM-LAG" in text(out["links"])


def test_the_list_is_paged_sorted_and_filtered_on_the_server(store):
    out = cb.update_projects(store, state(), "")
    assert "table:" + P.T_LIST not in out                     # no whole list in the page's answer
    assert out["list_grid"] is not None
    st = out["state"]

    def block(start, end, sort=None, filters=None):
        return list_grid.list_rows(store, {"startRow": start, "endRow": end, "sortModel": sort or [],
                                           "filterModel": filters or {}}, st, "")

    first = block(0, 2)
    assert first["rowCount"] == 4 and [r["project_code"] for r in first["rowData"]] == ["XM-DONE", "XM-LAG"]
    assert [r["project_code"] for r in block(2, 4)["rowData"]] == ["XM-NS", "XM-OK"]
    worst = block(0, 4, sort=[{"colId": "gap", "sort": "asc"}])["rowData"]
    assert worst[0]["project_code"] == "XM-LAG"                # furthest behind schedule first
    flagged = block(0, 4, sort=[{"colId": "flag_text", "sort": "asc"}])["rowData"]
    assert flagged[0]["severity"] == "high"
    school = block(0, 4, filters={"project_name": {"filterType": "text", "type": "contains", "filter": "中学"}})
    assert school["rowCount"] == 1 and school["rowData"][0]["project_code"] == "XM-LAG"
    big = block(0, 4, filters={"year_plan": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 400}})
    assert "XM-LAG" in {r["project_code"] for r in big["rowData"]}       # 400 万元, typed as shown
    assert all(r["year_plan"] >= 400 for r in big["rowData"])
    assert list_grid.list_rows(store, None, st, "") == {"rowData": [], "rowCount": 0}
    assert list_grid.token(st) != list_grid.token({**st, "view": "investment"})
    cell = {"colId": "project_name", "rowId": "XM-LAG"}
    assert cb.open_href(st, cell, "?lang=en") == \
        "/projects?view=livelihood&year=2025&as_of=2025-06-30&project=XM-LAG&lang=en"
    assert cb.open_href(st, {"colId": "unit_name", "rowId": "XM-LAG"}, "") is None
