"""Year-on-year queries (queries/compare.py) on the hand-made city of tests/dashboard/sample_compare.py,
answered from payments and from payments_daily alike.

2024 in the sample: 市教育局 (001) paid 300,000 on 2024-01-15, 700,000 on 2024-06-15 and
1,500,000 on 2024-12-20, with a 2024 budget of 3,000,000; 市文化局 (004) paid 50,000 on
2024-03-01 and nothing in 2025.
"""
from __future__ import annotations

import datetime as dt
import math

import pytest

from budgetwatch.queries import compare as qc
from budgetwatch.queries import execution as q
from tests.dashboard import sample_compare

JUNE30 = dt.date(2025, 6, 30)


@pytest.fixture(params=["payments", "payments_daily"])
def store(request, tmp_path):
    s = sample_compare.build(tmp_path, daily=request.param == "payments_daily")
    with s.reader() as con:
        assert qc.payments_source(con) == request.param
    return s


def test_same_day_before_keeps_the_calendar_day_and_folds_29_february():
    assert qc.same_day_before(dt.date(2025, 6, 30)) == dt.date(2024, 6, 30)
    assert qc.same_day_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)


def test_prior_level_counts_up_to_the_same_day_inclusive(store):
    root = q.Node("dept")
    with store.reader() as con:
        before = qc.prior_level(con, root, 2025, dt.date(2025, 6, 14))
        on_day = qc.prior_level(con, root, 2025, dt.date(2025, 6, 15))
    assert before.held and before.day == dt.date(2024, 6, 14)
    assert dict(zip(before.frame["code"], before.frame["prior"])) == {"001": 300_000, "004": 50_000}
    assert dict(zip(on_day.frame["code"], on_day.frame["prior"])) == {"001": 1_000_000, "004": 50_000}


def test_with_prior_gives_change_and_growth_and_adds_children_only_the_year_before_had(store):
    node = q.Node("dept")
    with store.reader() as con:
        level = q.level(con, node, 2025, JUNE30)
        prior = qc.prior_level(con, node, 2025, JUNE30)
    frame = qc.with_prior(level, prior).set_index("code")
    assert frame.loc["001", "spent"] == 2_000_000 and frame.loc["001", "prior"] == 1_000_000
    assert frame.loc["001", "change"] == 1_000_000 and frame.loc["001", "growth"] == pytest.approx(1.0)
    # spent this year, nothing the year before: a real 0, growth undefined
    assert frame.loc["002", "prior"] == 0 and frame.loc["002", "change"] == 2_000_000
    assert math.isnan(frame.loc["002", "growth"])
    # only the year before: shown with its name, nothing this year, −100 %
    assert frame.loc["004", "name"] == "市文化局" and frame.loc["004", "spent"] == 0
    assert frame.loc["004", "growth"] == pytest.approx(-1.0)
    assert qc.prior_total(prior, node) == 1_050_000


def test_a_year_whose_year_before_holds_nothing_says_so_instead_of_zero(store):
    node = q.Node("dept")
    with store.reader() as con:
        level = q.level(con, node, 2024, dt.date(2024, 12, 31))
        prior = qc.prior_level(con, node, 2024, dt.date(2024, 12, 31))
    assert not prior.held and prior.frame.empty
    frame = qc.with_prior(level, prior)
    assert frame["prior"].isna().all() and frame["growth"].isna().all()
    assert qc.prior_total(prior, node) is None


def test_prior_level_follows_the_node_down_the_tree(store):
    with store.reader() as con:
        unit = qc.prior_level(con, q.Node("dept", ("001",)), 2025, JUNE30)
        func = qc.prior_level(con, q.Node("func", ("205",)), 2025, JUNE30)
        leaf = qc.prior_level(con, q.Node("func", ("205", "20502", "2050202")), 2025, JUNE30)
    assert dict(zip(unit.frame["code"], unit.frame["prior"])) == {"001": 1_000_000}
    assert dict(zip(func.frame["code"], func.frame["prior"])) == {"20502": 1_000_000}   # 207 is elsewhere
    assert qc.prior_total(leaf, q.Node("func", ("205", "20502", "2050202"))) == 1_000_000


def test_months_and_budget_by_year_for_a_department(store):
    node = qc.parse_node("dept", "001")
    with store.reader() as con:
        months = qc.months_by_year(con, node)
        budget = qc.budget_by_year(con, node)
    got = {(r.year, r.month): r.spent for r in months.itertuples()}
    assert got == {(2024, 1): 300_000, (2024, 6): 700_000, (2024, 12): 1_500_000, (2025, 1): 100_000,
                   (2025, 3): 500_000, (2025, 6): 1_400_000, (2025, 7): 500_000}
    assert dict(zip(budget["year"], budget["adjusted"])) == {2024: 3_000_000, 2025: 4_000_000}


def test_items_by_year_cut_every_year_at_the_same_day(store):
    with store.reader() as con:
        items = qc.items_by_year(con, qc.parse_node("dept", ""), 6, 15)
        econ = qc.items_by_year(con, qc.parse_node("econ", ""), 6, 30)
    got = {(r.code, r.year): r.spent for r in items.itertuples()}
    assert got[("001", 2024)] == 1_000_000 and got[("001", 2025)] == 600_000      # V2503 on 30 June is out
    assert got[("004", 2024)] == 50_000 and ("004", 2025) not in got
    assert dict(zip(econ["code"] + ":" + econ["year"].astype(str), econ["spent"])) == {
        "302:2024": 1_050_000, "302:2025": 5_810_000}
    assert set(econ["name"]) == {"商品和服务支出"}


def test_parse_node_of_the_economic_tree_cuts_what_does_not_fit():
    assert qc.parse_node("econ", "302.30201").path == ("302", "30201")
    assert qc.parse_node("econ", "302.30101").path == ("302",)
    assert qc.parse_node("econ", "30x").path == ()
    assert qc.parse_node("nonsense", "001").by == "dept"
    assert qc.parse_node("econ", "302.30201").is_leaf


def test_a_department_limited_reader_sees_only_its_own_departments(store):
    from budgetwatch.queries.store import scoped

    with scoped(("001",)):
        with store.reader() as con:
            items = qc.items_by_year(con, qc.parse_node("dept", ""), 6, 30)
            prior = qc.prior_level(con, q.Node("dept"), 2025, JUNE30)
            months = qc.months_by_year(con, qc.parse_node("econ", ""))
    assert set(items["code"]) == {"001"} and set(prior.frame["code"]) == {"001"}
    assert months["spent"].sum() == 2_500_000 + 2_500_000      # 001's own payments, both years, every day
