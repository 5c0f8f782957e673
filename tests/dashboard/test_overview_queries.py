"""Overview queries on a small hand-built data folder (tests/dashboard/sample.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from budgetwatch.queries import overview as q
from budgetwatch.queries.store import Store
from tests.dashboard import sample

JUNE_30 = dt.date(2025, 6, 30)


@pytest.fixture
def store(data_dir):
    return Store(sample.build(data_dir))


def test_execution_rolls_up_units_through_a_two_level_parent_chain(store):
    with store.reader() as con:
        frame = q.department_execution(con, 2025, JUNE_30).set_index("dept_code")
    edu = frame.loc["001"]
    assert edu.dept_name == "市教育局"
    assert edu.adjusted == 4_000_000 and edu.original == 3_500_000
    assert edu.spent == 2_000_000          # the July payment is after the as-of date
    assert edu.rate == pytest.approx(0.5)
    assert frame.loc["002", "rate"] == pytest.approx(0.25)
    assert frame.loc["003", "rate"] == pytest.approx(0.9)
    # Units never appear on their own: only top-level departments (and unknown codes).
    assert not {"001001", "001001001", "002001"} & set(frame.index)


def test_execution_keeps_unknown_units_without_budget_last(store):
    with store.reader() as con:
        frame = q.department_execution(con, 2025, JUNE_30)
    assert list(frame["dept_code"]) == ["002", "001", "003", "X99"]   # lowest rate first
    unknown = frame.iloc[-1]
    assert unknown.dept_name == "X99" and unknown.spent == 10_000 and unknown.adjusted == 0
    assert unknown.rate != unknown.rate   # NaN: no budget to measure against


def test_as_of_date_cuts_payments(store):
    with store.reader() as con:
        later = q.department_execution(con, 2025, dt.date(2025, 7, 31)).set_index("dept_code")
        early = q.department_execution(con, 2025, dt.date(2025, 1, 31)).set_index("dept_code")
    assert later.loc["001", "spent"] == 2_500_000
    assert early.loc["001", "spent"] == 100_000
    assert early.loc["003", "spent"] == 0


def test_fund_totals_lists_the_four_budgets_in_order(store):
    with store.reader() as con:
        frame = q.fund_totals(con, 2025, JUNE_30)
    assert list(frame["fund_type"]) == [sample.GENERAL, sample.FUND, sample.STATE_CAPITAL, sample.SOCIAL]
    totals = frame.set_index("fund_type")
    assert totals.loc[sample.GENERAL, "adjusted"] == 9_000_000
    assert totals.loc[sample.GENERAL, "spent"] == 3_010_000
    assert totals.loc[sample.SOCIAL, "rate"] == pytest.approx(1 / 3)
    assert totals.loc[sample.STATE_CAPITAL, "adjusted"] == 0
    assert totals.loc[sample.STATE_CAPITAL, "rate"] != totals.loc[sample.STATE_CAPITAL, "rate"]


def test_monthly_cumulative_stops_at_the_as_of_month_and_keeps_last_year_whole(store):
    with store.reader() as con:
        frame = q.monthly_cumulative(con, 2025, JUNE_30)
    this = frame[frame["year"] == 2025]
    last = frame[frame["year"] == 2024]
    assert list(this["month"]) == [1, 2, 3, 4, 5, 6]
    assert this["cumulative"].iloc[-1] == 5_810_000
    assert list(last["month"]) == list(range(1, 13))
    assert last["cumulative"].iloc[-1] == 2_500_000
    assert last.set_index("month").loc[6, "cumulative"] == 1_000_000


def test_period_defaults_to_latest_year_and_its_latest_payment(store):
    with store.reader() as con:
        period = q.resolve_period(con)
        chosen = q.resolve_period(con, 2024, dt.date(2024, 3, 31))
        mismatched = q.resolve_period(con, 2024, JUNE_30)
        unknown_year = q.resolve_period(con, 1999)
    assert period.years == (2025, 2024)
    assert (period.year, period.as_of, period.as_of_is_default) == (2025, dt.date(2025, 7, 15), True)
    assert (chosen.year, chosen.as_of, chosen.as_of_is_default) == (2024, dt.date(2024, 3, 31), False)
    assert mismatched.as_of == dt.date(2024, 12, 20)
    assert unknown_year.year == 2025


def test_period_is_none_without_data(data_dir):
    with Store(data_dir).reader() as con:
        assert q.resolve_period(con) is None


@pytest.mark.parametrize("as_of, expected", [
    (dt.date(2025, 6, 30), 181 / 365),
    (dt.date(2024, 12, 31), 1.0),
    (dt.date(2024, 1, 1), 1 / 366),
])
def test_time_schedule_is_day_of_year_over_days_in_year(as_of, expected):
    assert q.time_schedule(as_of) == pytest.approx(expected)


def test_feed_freshness_marks_empty_and_old_feeds_stale(data_dir):
    sample.build(data_dir, loaded_at=dt.datetime(2025, 7, 1, 9, 0))
    with Store(data_dir).reader() as con:
        fresh = q.feed_freshness(con, now=dt.datetime(2025, 7, 20)).set_index("feed")
        old = q.feed_freshness(con, now=dt.datetime(2025, 8, 20)).set_index("feed")
    assert not fresh.loc["payments", "stale"] and fresh.loc["payments", "as_of"] == "2025-07-15"
    assert fresh.loc["audit_findings", "stale"]          # empty
    assert old.loc["payments", "stale"]                   # 50 days since the load
    assert list(fresh.index)[:3] == ["departments", "budget", "payments"]
