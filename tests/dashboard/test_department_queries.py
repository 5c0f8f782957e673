"""Department queries on the hand-built city: units through the parent chain, lines, 三公, flags."""
from __future__ import annotations

import datetime as dt

import pytest

from budgetwatch.queries import department as qd
from budgetwatch.queries.store import Store
from tests.dashboard import sample_pages

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture
def con(data_dir):
    with Store(sample_pages.build(data_dir)).reader() as c:
        yield c


def test_units_follow_the_parent_chain(con):
    units = qd.department_units(con, "001")
    assert list(units["dept_code"]) == ["001", "001001", "001001001"]
    assert list(units["depth"]) == [0, 1, 2]
    assert list(qd.department_units(con, "001001")["dept_code"]) == ["001001", "001001001"]
    assert list(qd.department_units(con, "X99")["dept_code"]) == ["X99"]      # unknown code, with payments
    assert qd.department_units(con, "nope").empty


def test_execution_rolls_units_up_to_the_as_of_date(con):
    units = qd.unit_execution(con, "001", 2025, AS_OF)
    tot = qd.totals(units)
    assert tot["adjusted"] == 4_000_000 and tot["spent"] == 2_100_000      # 7-15 payment left out
    assert tot["rate"] == pytest.approx(0.525)
    assert units.set_index("dept_code").loc["001001001", "rate"] == pytest.approx(1.42)


def test_budget_lines_charge_payments_like_the_rules_and_show_orphans(con):
    lines = qd.budget_lines(con, "001", 2025, AS_OF)
    lined = lines[lines["line"]]
    assert lined["adjusted"].sum() == 4_000_000
    assert lined.set_index("dept_code").loc["001001", "spent"] == 500_000
    orphans = lines[~lines["line"]]
    assert sorted(orphans["econ_code"]) == ["30217", "30231"] and orphans["spent"].sum() == 100_000


def test_monthly_curve_has_this_year_to_the_as_of_month_and_all_last_year(con):
    frame = qd.monthly_cumulative(con, "001", 2025, AS_OF)
    this = frame[frame["year"] == 2025]
    last = frame[frame["year"] == 2024]
    assert len(this) == 6 and len(last) == 12
    assert this["cumulative"].iloc[-1] == 2_100_000
    assert last["cumulative"].iloc[-1] == 2_500_000 + 50_000 + 30_000 + 99_000


def test_sangong_against_the_same_period_last_year(con):
    frame = qd.sangong(con, "001", 2025, AS_OF).set_index("econ_code")
    assert list(frame.index) == ["30212", "30217", "30231", "31013"]
    assert frame.loc["30217", "cur"] == 80_000 and frame.loc["30217", "prev"] == 50_000   # not the August one
    assert frame.loc["30217", "growth"] == pytest.approx(0.6)
    assert frame.loc["30231", "cur"] == 20_000 and frame.loc["30231", "prev"] == 30_000
    assert frame.loc["30212", "cur"] == 0 and frame["growth"].isna().loc["30212"]


def test_prev_as_of_maps_29_february():
    assert qd.prev_as_of(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)


def test_flags_are_those_of_the_department_its_units_and_enterprises(con):
    codes = list(qd.department_units(con, "001")["dept_code"])
    flags = qd.flags_for(con, codes, 2025, AS_OF)
    assert set(flags["dept_code"]) <= set(codes)
    rules = set(flags["rule"])
    assert {"NO_BUDGET", "OVER_BUDGET", "CONSECUTIVE_LOSS", "LEVERAGE", "IDLE_ASSETS", "AUDIT_OVERDUE",
            "AUDIT_REPEAT"} <= rules
    assert "EQUITY_DECLINE" not in rules                                   # E01 belongs to 003
    assert list(flags["severity"])[0] == "high"                            # severity first
