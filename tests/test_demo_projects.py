"""The demo city's projects: files in the shapes staff get, loaded through ingest, and every
planted project anomaly fires (look-alikes stay quiet) when the project rules run."""
from __future__ import annotations

import pytest

from budgetwatch.demo_data import generate_city, write_demo
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.projects import PROJECT_RULES
from budgetwatch.queries.rules import compute_flags
from budgetwatch.queries.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("demo"), scale=1.0)   # the demo as `budgetwatch demo` makes it


@pytest.fixture(scope="module")
def loaded(demo, tmp_path_factory):
    """Departments and the three project feeds loaded through ingest; the payments that carry a
    project code put in directly (the rules read only those)."""
    store = Store(tmp_path_factory.mktemp("data"))
    files = demo.by_feed()
    for feed in ("departments", "projects", "project_progress", "project_evaluation"):
        [r] = ingest_files(store, feed, files[feed], who="t")
        assert r.status == "applied", (feed, [p.line() for p in r.problems])
    city = demo.city
    with store.writer("t") as w:
        for year in city.years:
            t = city.payments_table(year)
            t = t.filter(t["project_code"].is_valid())
            w.con.register("coded", t)
            w.con.execute("INSERT INTO payments BY NAME SELECT *, 1 AS load_id FROM coded")
            w.con.unregister("coded")
        w.touch()
    return store


def test_project_files_and_codes_on_money(demo):
    files = demo.by_feed()
    assert [p.name for p in files["projects"]] == ["07_projects.xlsx"]
    raw = files["project_progress"][0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    assert "单位：万元" in text and "%" in text and "停工" in text
    budget = files["budget"][1].read_bytes().decode("gb18030")
    assert "项目编码" in budget and "430100-2025-001" in budget
    city = demo.city
    codes = city.payments_table(city.year)["project_code"]
    assert codes.null_count < len(codes) and "430100-2025-001" in set(codes.to_pylist())
    # money carries no code before its project began
    prev = set(city.payments_table(city.year - 1)["project_code"].drop_null().to_pylist())
    assert prev == {"430100-2024-101"}
    md = (files["departments"][0].parent / "ANOMALIES.md").read_text(encoding="utf-8")
    assert "## 项目监督" in md and "`430100-2025-001`" in md


def test_every_state_is_there(demo):
    plan = demo.city.projects
    last = plan.progress.sort_values("report_date").groupby("project_code").tail(1)
    assert {"在建", "已完工", "停工"} <= set(last["status"])
    assert set(plan.projects["project_code"]) - set(plan.progress["project_code"])   # never reported: 未开工


@pytest.mark.parametrize("year", [2025, 2024])
def test_planted_project_anomalies_fire_and_look_alikes_stay_quiet(demo, loaded, year):
    city = demo.city
    as_of = city.as_of if year == city.year else city.as_of.replace(year=year)
    with loaded.reader() as con:
        flags = compute_flags(con, year, as_of, rules=list(PROJECT_RULES))
    got = {(r, k): s for r, k, s in zip(flags["rule"], flags["entity_key"], flags["severity"])}
    planted = [p for p in city.projects.planted if p.year == year]
    for p in planted:
        assert got.get((p.rule, p.entity_key)) == (p.severity if p.fires else None), p
    assert set(got) == {(p.rule, p.entity_key) for p in planted if p.fires}
    if year == city.year:
        assert {p.rule for p in planted if p.fires} == set(PROJECT_RULES)
        assert {p.rule for p in planted if not p.fires} == set(PROJECT_RULES)


def test_the_same_seed_the_same_projects():
    a, b = generate_city(scale=0.2).projects, generate_city(scale=0.2).projects
    assert a.projects.equals(b.projects) and a.progress.equals(b.progress) and a.planted == b.planted
