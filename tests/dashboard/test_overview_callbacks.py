"""The overview's callbacks called as plain functions, and the frame's router."""
from __future__ import annotations

import contextlib
import datetime as dt
import json

import dash
import duckdb
import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.app import create_app
from budgetwatch.dashboard.frame import route, write_url
from budgetwatch.dashboard.pages import PAGES, PLANNED
from budgetwatch.dashboard.pages import overview as page
from budgetwatch.queries.store import QueryError, Store
from tests.conftest import signed_in_client
from tests.dashboard import sample

NOW = dt.datetime(2025, 7, 20)


def text(component) -> str:
    """All the text under a component tree, as a person would read it."""
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      ensure_ascii=False, default=lambda c: c.to_plotly_json())


@pytest.fixture
def store(data_dir):
    return Store(sample.build(data_dir, loaded_at=dt.datetime(2025, 7, 16, 8, 0)))


def test_defaults_resolve_and_are_written_to_the_url(store):
    out = page.update_overview(store, None, None, "", now=NOW)
    assert out["year"] == 2025 and out["as_of"] == "2025-07-15"
    assert [o["value"] for o in out["year_options"]] == [2025, 2024]
    assert out["view"] == "?year=2025&as_of=2025-07-15&lang=zh"
    assert out["message"] is None and out["body_style"] == {}
    assert "序时进度 53.7%" in out["schedule"]


def test_a_permalink_is_honoured_as_it_is(store):
    search = "?year=2025&as_of=2025-06-30&lang=zh"
    out = page.update_overview(store, 2025, "2025-06-30", search, now=NOW)
    assert out["view"] == search
    assert write_url([out["view"]], search) == {"search": dash.no_update, "written": search}
    fig = out[f"fig:{ids.Overview.DEPARTMENTS}"]
    assert fig.layout.title.text == "2025年各部门预算执行进度（截至 2025年6月30日）"
    assert "市教育局" in list(fig.layout.yaxis.categoryarray)
    config = out[f"config:{ids.Overview.DEPARTMENTS}"]
    assert config["toImageButtonOptions"]["filename"] == "budgetwatch_overview_departments_2025"


def test_changing_the_year_resets_an_as_of_date_of_another_year(store):
    out = page.update_overview(store, 2024, "2025-06-30", "?year=2025&as_of=2025-06-30&lang=en", now=NOW)
    assert out["year"] == 2024 and out["as_of"] == "2024-12-20"
    assert out["view"] == "?year=2024&as_of=2024-12-20&lang=en"


def test_headline_totals_and_freshness(store):
    out = page.update_overview(store, 2025, "2025-06-30", "", now=NOW)
    cards = text(out["headline"])
    assert "1,400.00 万元" in cards            # adjusted budget, all four budgets
    assert "581.00 万元" in cards              # spent to 30 June
    assert "41.5%" in cards and "1 / 3 个" in cards   # 25% lags 49.6% by more than 15 points
    fresh = text(out["freshness"])
    assert "数据截至" in fresh and "2025年7月15日" in fresh and "正常" in fresh and "未导入" in fresh


def test_english_view(store):
    out = page.update_overview(store, 2025, "2025-06-30", "?lang=en", now=NOW)
    assert out[f"fig:{ids.Overview.DEPARTMENTS}"].layout.title.text.startswith("Budget execution by department")
    assert "Adjusted budget" in text(out["headline"])
    assert out["view"] == "?lang=en&year=2025&as_of=2025-06-30"


def test_stale_feed_is_marked(store):
    out = page.update_overview(store, None, None, "", now=dt.datetime(2025, 9, 30))
    assert "需更新（超过 35 天未导入）" in text(out["freshness"])


def test_empty_folder_says_so_and_how_to_load(data_dir):
    out = page.update_overview(Store(data_dir), None, None, "", now=NOW)
    message = text(out["message"])
    assert "尚未导入任何数据" in message
    assert "budgetwatch ingest" in message and "budgetwatch demo" in message
    assert out["body_style"] == {"display": "none"}
    assert out["view"] is dash.no_update
    en = text(page.update_overview(Store(data_dir), None, None, "?lang=en", now=NOW)["message"])
    assert "No data has been loaded yet" in en


def test_departments_only_says_there_is_nothing_to_compute(data_dir):
    with Store(data_dir).writer("test") as w:
        w.con.execute("INSERT INTO departments VALUES ('001', '市教育局', NULL, NULL, 1, NULL)")
        w.touch()
    message = text(page.update_overview(Store(data_dir), None, None, "", now=NOW)["message"])
    assert "没有预算指标或国库支付明细" in message


class BrokenStore:
    """A store whose database lacks the tables, or whose queries fail."""

    def __init__(self, error: Exception | None = None):
        self.error = error

    @contextlib.contextmanager
    def reader(self):
        if self.error:
            raise self.error
        con = duckdb.connect()
        try:
            yield con
        finally:
            con.close()


@pytest.mark.parametrize("broken", [BrokenStore(), BrokenStore(QueryError("查询超时（超过 60 秒）/ query timed out"))])
def test_a_failing_query_shows_a_sentence_not_a_traceback(broken):
    out = page.update_overview(broken, None, None, "", now=NOW)
    message = text(out["message"])
    assert "请稍后再试" in message
    assert "Traceback" not in message
    assert out["body_style"] == {"display": "none"}


def test_router_draws_the_page_once_per_path_and_language():
    first = route(PAGES, PLANNED, "/", "?year=2025", None)
    assert first["rendered"] == ["/", "zh"]
    assert "overview-year" in text(first["page"])
    # The page asked for a new view; the frame wrote it to the URL and remembers it.
    written = write_url([None, "?year=2024&lang=zh"], "?year=2025")
    assert written == {"search": "?year=2024&lang=zh", "written": "?year=2024&lang=zh"}
    again = route(PAGES, PLANNED, "/", "?year=2024&lang=zh", first["rendered"], written["written"])
    assert again["page"] is dash.no_update                       # the page keeps its components
    english = route(PAGES, PLANNED, "/", "?year=2024&lang=en", again["rendered"], written["written"])
    assert english["page"] is not dash.no_update and english["rendered"] == ["/", "en"]


def test_router_redraws_the_page_on_history_navigation():
    back = route(PAGES, PLANNED, "/", "?year=2025&lang=zh", ["/", "zh"], "?year=2024&lang=zh")
    assert back["page"] is not dash.no_update
    assert '"value": 2025' in text(back["page"])                 # the controls follow the URL


def test_write_url_waits_for_a_page_that_has_not_spoken():
    assert write_url([None], "?x=1") == {"search": dash.no_update, "written": dash.no_update}
    assert write_url([], "") == {"search": dash.no_update, "written": dash.no_update}


def test_header_links_keep_the_view_and_language():
    header = text(route(PAGES, PLANNED, "/", "?year=2025&as_of=2025-06-30", None)["header"])
    assert "预算联网监督" in header and "budgetwatch" in header
    assert "/?year=2025&as_of=2025-06-30&lang=en" in header      # the toggle keeps the view
    for name in ("总览", "预算执行", "部门", "国有资产", "审计整改", "预警", "数据"):
        assert name in header
    en = text(route(PAGES, PLANNED, "/", "?lang=en", None)["header"])
    assert "Overview" in en and "中文" in en and "/?lang=zh" in en


def test_unknown_path_says_so():
    out = route(PAGES, PLANNED, "/nowhere", "", None)
    assert "没有这个页面：/nowhere" in text(out["page"])


def test_apps_are_independent_and_registered_through_http(store, tmp_path):
    """create_app twice in one process; the overview callback answers over HTTP."""
    create_app(tmp_path / "other")
    app = create_app(store.data_dir)
    assert app.server.test_client().get("/_dash-dependencies").status_code == 401  # the door is shut
    client = signed_in_client(app, store.data_dir)
    assert client.get("/").status_code == 200
    deps = client.get("/_dash-dependencies").get_json()
    [dep] = [d for d in deps if "overview-year.options" in d["output"]]
    payload = {
        "output": dep["output"],
        "outputs": [_output_spec(o) for o in dep["output"].strip(".").split("...")],
        "inputs": [{"id": ids.Overview.YEAR, "property": "value", "value": 2025},
                   {"id": ids.Overview.AS_OF, "property": "date", "value": "2025-06-30"}],
        "state": [{"id": ids.Frame.URL, "property": "search", "value": "?lang=zh"}],
        "changedPropIds": [f"{ids.Overview.YEAR}.value"],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()["response"]
    assert body[json.dumps(ids.view(page.VIEW), separators=(",", ":"), sort_keys=True)]["data"] == \
        "?lang=zh&year=2025&as_of=2025-06-30"
    assert body["overview-year"]["value"] == 2025


def _output_spec(text_id: str) -> dict:
    cid, prop = text_id.rsplit(".", 1)
    return {"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop}
