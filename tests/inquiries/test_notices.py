"""What is new since the last visit: red warnings that appeared, inquiries that fell due, answers."""
from __future__ import annotations

import datetime as dt

from budgetwatch.dashboard.pages.inquiries import notice
from budgetwatch.queries import flags as qf
from budgetwatch.queries import inquiries as qi
from budgetwatch.queries import notices
from tests.inquiries.conftest import LAG, OVER, user

NOW = dt.datetime.now().replace(microsecond=0)
BEFORE = NOW - dt.timedelta(days=20)


def test_a_second_session_hears_of_new_red_flags_inquiries_fallen_due_and_answers(city):
    staff = user(city, "staff1")
    first = notices.whats_new(city, staff, "s1", now=BEFORE)
    assert first["since"] is None                                   # a first visit: nothing to compare with
    due = qi.open_inquiry(city, staff, [OVER], questions="?", as_of="2025-06-30",
                          today=BEFORE.date(), due_date=NOW.date() - dt.timedelta(days=10))
    qi.send(city, staff, due["ref"])
    answered = qi.open_inquiry(city, staff, [LAG], questions="?", as_of="2025-06-30")
    qi.send(city, staff, answered["ref"])
    qi.answer(city, staff, answered["ref"], text="答")
    with city.writer("test") as w:                                   # a new red flag: a payment without a budget
        w.con.execute("INSERT INTO payments (voucher_no, pay_date, dept_code, func_code, econ_code, fund_type, payee, amount, payee_account, purpose, load_id, extra) VALUES ('V2599', '2025-05-20', 'X98', '2050202', '30201', "
                      "'一般公共预算', '新公司', 20000, NULL, NULL, 3, NULL)")
        w.touch()
    qf.clear_cache()
    visit = dt.datetime.now().replace(microsecond=0) + dt.timedelta(seconds=1)    # after the answer was recorded
    new = notices.whats_new(city, staff, "s2", now=visit)
    assert new["since"] == BEFORE.isoformat(sep=" ")
    assert list(new["red"]["entity_key"]) == ["V2599"]
    assert list(new["due"]["ref"]) == [due["ref"]] and list(new["answered"]["ref"]) == [answered["ref"]]
    again = notices.whats_new(city, staff, "s2", now=visit)           # the same session: the same notice
    assert list(again["red"]["entity_key"]) == ["V2599"]
    shown = str(notice.notice_children(city, staff, "s2", "zh"))
    assert "新增红色预警 1 条" in shown and "到期未答复询问 1 件" in shown and "收到答复 1 件" in shown
    later = notices.whats_new(city, staff, "s3", now=visit + dt.timedelta(hours=1))
    assert later["red"].empty and later["due"].empty and later["answered"].empty
    assert notice.notice_children(city, staff, "s3", "zh") == []


def test_a_limited_account_hears_only_of_its_units(city):
    mine = user(city, "member002")
    notices.whats_new(city, mine, "s1", now=BEFORE)
    staff = user(city, "staff1")
    row = qi.open_inquiry(city, staff, [OVER], questions="?", as_of="2025-06-30")
    qi.send(city, staff, row["ref"])
    qi.answer(city, staff, row["ref"], text="答")
    assert notices.whats_new(city, mine, "s2", now=NOW)["answered"].empty


def test_the_header_never_waits_for_the_flags_and_records_no_visit_meanwhile(city, monkeypatch):
    from budgetwatch.queries import page_cache

    staff = user(city, "staff1")
    page_cache.clear()
    started = []
    monkeypatch.setattr(page_cache, "ready_or_start", lambda *a, **k: started.append(a[1]))
    assert notices.whats_new(city, staff, "s1", now=BEFORE, wait=False) is None
    assert notice.notice_children(city, staff, "s1", "zh") == []
    assert started == ["flags.high", "flags.high"]
    con = notices.connect(city.data_dir)
    try:
        assert con.execute("SELECT count(*) FROM visits").fetchone()[0] == 0     # the visit is not taken as seen
    finally:
        con.close()
