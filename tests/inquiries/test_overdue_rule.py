"""INQUIRY_OVERDUE: a sent inquiry without an answer past its due date — at the exact boundary,
through the same flag set as every rule, and within an account's departments."""
from __future__ import annotations

import datetime as dt

import pytest

from budgetwatch.queries import flags as qf
from budgetwatch.queries import inquiries as qi
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.rules.state_rules import state_flags
from budgetwatch.queries.store import scoped
from tests.inquiries.conftest import LAG, OVER, user

DUE = dt.date.today() + dt.timedelta(days=10)


def _sent(store, flags=(OVER,), *, today=None, due=DUE):
    staff = user(store, "staff1")
    row = qi.open_inquiry(store, staff, list(flags), questions="请说明。", as_of="2025-06-30", due_date=due,
                          today=today)
    qi.send(store, staff, row["ref"], today=max(today or dt.date.today(), dt.date.today()))
    return row


def _overdue(store, on):
    return state_flags(store, 2025, load_thresholds(store.data_dir), today=on)


@pytest.mark.parametrize("days,severity", [(0, None), (1, "medium"), (30, "medium"), (31, "high")])
def test_overdue_at_the_exact_boundary(city, days, severity):
    row = _sent(city)
    got = _overdue(city, DUE + dt.timedelta(days=days))
    if severity is None:                           # due date = the day asked: not overdue
        assert got.empty
        return
    [flag] = got.to_dict("records")
    assert (flag["rule"], flag["entity_key"], flag["severity"], flag["entity_type"]) == \
        ("INQUIRY_OVERDUE", row["ref"], severity, "inquiry")
    assert flag["dept_code"] == "001001001" and flag["amount"] == 400_000 and flag["year"] == 2025
    assert f"已逾期{days}天" in flag["message"] and "市第一中学附属小学" in flag["message"]


def test_a_draft_an_answered_and_a_closed_inquiry_are_not_overdue(city):
    staff = user(city, "staff1")
    draft = qi.open_inquiry(city, staff, [OVER], questions="?", as_of="2025-06-30", due_date=DUE)
    answered = _sent(city)
    qi.answer(city, staff, answered["ref"], text="已答复")
    later = DUE + dt.timedelta(days=40)
    assert _overdue(city, later).empty, draft
    other_year = _overdue(city, later)
    assert state_flags(city, 2024, load_thresholds(city.data_dir), today=later).empty and other_year.empty


def test_thresholds_move_it_and_can_switch_it_off(city):
    _sent(city)
    (city.data_dir / "rules.toml").write_text("[INQUIRY_OVERDUE]\nhigh_days = 5\ngrace_days = 2\n", encoding="utf-8")
    assert _overdue(city, DUE + dt.timedelta(days=2)).empty
    assert list(_overdue(city, DUE + dt.timedelta(days=6))["severity"]) == ["high"]
    (city.data_dir / "rules.toml").write_text("[INQUIRY_OVERDUE]\nenabled = false\n", encoding="utf-8")
    assert _overdue(city, DUE + dt.timedelta(days=60)).empty


def test_it_reaches_the_flag_set_at_once_and_leaves_it_when_answered(city):
    long_ago = dt.date.today() - dt.timedelta(days=45)
    row = _sent(city, today=long_ago, due=long_ago + dt.timedelta(days=5))       # 40 days past due today
    frame = qf.flags_with_reviews(city, 2025, "2025-06-30")
    hit = frame[frame["rule"] == "INQUIRY_OVERDUE"]
    assert list(hit["entity_key"]) == [row["ref"]] and list(hit["severity"]) == ["high"]
    assert list(frame["severity"]) == sorted(frame["severity"], key=["high", "medium", "low"].index)
    qi.answer(city, user(city, "staff1"), row["ref"], text="答复")
    again = qf.flags_with_reviews(city, 2025, "2025-06-30")      # the generation's flags come from the cache
    assert "INQUIRY_OVERDUE" not in set(again["rule"])


def test_an_account_limited_to_departments_sees_only_its_units_overdue_inquiries(city):
    long_ago = dt.date.today() - dt.timedelta(days=45)
    school = _sent(city, today=long_ago, due=long_ago + dt.timedelta(days=5))
    hospital = _sent(city, [LAG], today=long_ago, due=long_ago + dt.timedelta(days=5))
    with scoped(["002"]):
        mine = qf.flags_with_reviews(city, 2025, "2025-06-30")
    assert list(mine.loc[mine["rule"] == "INQUIRY_OVERDUE", "entity_key"]) == [hospital["ref"]]
    every = qf.flags_with_reviews(city, 2025, "2025-06-30")
    assert set(every.loc[every["rule"] == "INQUIRY_OVERDUE", "entity_key"]) == {school["ref"], hospital["ref"]}
