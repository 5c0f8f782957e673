"""The demo city's suggestions: the file loads through the ordinary ingest path, and the five
suggestion rules flag exactly what ANOMALIES.md plants — no more — and leave the look-alikes alone."""
from __future__ import annotations

import datetime as dt

import pytest

from budgetwatch.demo_data import write_demo
from budgetwatch.demo_suggestions import add_months
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.rules import compute_flags
from budgetwatch.queries.store import Store

RULES = ("SUGGESTION_OVERDUE", "SUGGESTION_UNSATISFIED", "SUGGESTION_PROMISE_DUE", "SUGGESTION_PROXY_RATED",
         "SUGGESTION_UNIT_SATISFACTION")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    demo = write_demo(out / "feeds", scale=0.2)
    store = Store(out / "data")
    files = demo.by_feed()
    for feed in ("departments", "suggestions"):
        [r] = ingest_files(store, feed, files[feed], who="t")
        assert r.status == "applied", [p.line() for p in r.problems][:5]
    return demo, store


def test_the_export_loads_with_its_mixed_spellings(loaded):
    demo, store = loaded
    with store.reader() as con:
        n, classes, roles = con.execute("""SELECT count(*), list(DISTINCT reply_class ORDER BY reply_class),
                                                  list(DISTINCT role ORDER BY role) FROM suggestions""").fetchone()
    assert n == len(demo.city.suggestions)
    assert [c for c in classes if c] == ["A", "B", "C", "D"] and roles == ["主办", "分办", "协办"]
    text = demo.by_feed()["suggestions"][0].read_bytes().decode("gb18030")
    assert ",B类," in text and ",正在解决或列入计划," in text and "年3月14日" in text and "/3/14" in text


def test_planted_suggestions_fire_and_look_alikes_stay_quiet(loaded):
    demo, store = loaded
    city = demo.city
    with store.reader() as con:
        flags = compute_flags(con, city.year, as_of=city.as_of, rules=list(RULES))
    got = {(r.rule, r.entity_key): r.severity for r in flags.itertuples()}
    planted = [p for p in city.planted if p.rule in RULES]
    for rule in RULES:
        assert any(p.rule == rule and p.fires for p in planted), rule
    for p in planted:
        assert got.get((p.rule, p.entity_key)) == (p.severity if p.fires else None), p
    assert set(got) == {(p.rule, p.entity_key) for p in planted if p.fires}     # nothing else fires
    md = (demo.by_feed()["departments"][0].parent / "ANOMALIES.md").read_text(encoding="utf-8")
    assert all(f"`{p.entity_key}`" in md for p in planted)


def test_month_arithmetic_matches_duckdb():
    assert add_months(dt.date(2025, 5, 31), 3) == dt.date(2025, 8, 31)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 12, 11), -3) == dt.date(2025, 9, 11)
