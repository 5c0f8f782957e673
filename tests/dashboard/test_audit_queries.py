"""Audit queries: findings at the as-of date, overdue/repeat/hollow as the rules find them, rates."""
from __future__ import annotations

import datetime as dt

import pytest

from budgetwatch.queries import audit as qu
from budgetwatch.queries.store import Store
from tests.dashboard import sample_pages

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture
def con(data_dir):
    with Store(sample_pages.build(data_dir)).reader() as c:
        yield c


def test_findings_days_overdue_at_the_as_of_date(con):
    found = qu.findings(con, 2025, AS_OF).set_index("finding_id")
    assert found.loc["SJ2023-01", "days_overdue"] == 365
    assert found.loc["SJ2025-01", "days_overdue"] == 30
    assert found["days_overdue"].isna().loc["SJ2025-02"]                   # not due yet
    assert found["days_overdue"].isna().loc["SJ2024-01"]                   # rectified
    assert len(qu.findings(con, 2024, dt.date(2024, 12, 31))) == 3         # audit years up to 2024
    assert list(qu.findings(con, 2025, AS_OF, ["002"])["finding_id"]) == ["SJ2024-01"]


def test_audit_as_of_is_the_rules_one(con, data_dir):
    assert qu.audit_as_of(con, 2025) == dt.date(2025, 7, 15)               # latest payment of the year
    assert qu.audit_as_of(con, 2023, today=dt.date(2026, 1, 5)) == dt.date(2026, 1, 5)   # no payments: today
    assert qu.audit_as_of(con, 2025, AS_OF) == AS_OF


def test_overdue_repeat_hollow_are_what_the_rules_find(con):
    found = qu.findings(con, 2025, AS_OF)
    flags = qu.audit_flags(con, 2025, AS_OF)
    over = qu.overdue(flags, found)
    assert list(over["finding_id"]) == ["SJ2023-01", "SJ2025-01"]
    assert list(over["severity"]) == ["high", "medium"]
    rep = qu.repeated(flags, found)
    assert rep.iloc[0][["dept_code", "category", "years", "n_years", "n_open"]].tolist() == \
        ["001001", "预算管理", "2023、2025", 2, 2]
    hol = qu.hollow(flags, found)
    assert list(hol["finding_id"]) == ["SJ2024-01"] and hol["share"].iloc[0] == pytest.approx(0.3)
    # a stricter threshold in force changes what the page lists
    lenient = qu.audit_flags(con, 2025, AS_OF, {"AUDIT_OVERDUE": {"grace_days": 60}})
    assert list(qu.overdue(lenient, found)["finding_id"]) == ["SJ2023-01"]


def test_counts_and_rates_by_unit(con):
    status = qu.counts_by(con, 2025, "status", AS_OF).set_index("key")
    assert status.loc["已整改", "n"] == 2 and status.loc["未整改", "n"] == 2 and status.loc["部分整改", "n"] == 1
    with pytest.raises(ValueError):
        qu.counts_by(con, 2025, "description; DROP TABLE x", AS_OF)
    units = qu.rectification_by_unit(con, 2025, AS_OF).set_index("dept_code")
    assert units.loc["001001", "n"] == 2 and units.loc["001001", "n_done"] == 0
    assert units.loc["001001", "amount_rate"] == pytest.approx(0.2 / 1.5)
    assert units.loc["002", "count_share"] == 1.0 and units.loc["002", "amount_rate"] == pytest.approx(0.3)


def test_a_rectification_dated_after_the_as_of_date_is_not_yet_counted(data_dir):
    """SJ2024-02 (003, rectified in full) gets its rectification date 2025-09-01: at 30 June it
    was still open and overdue; at year end it is rectified."""
    store = Store(sample_pages.build(data_dir))
    with store.writer(who="test") as w:
        w.con.execute("UPDATE audit_findings SET rectified_date = DATE '2025-09-01' WHERE finding_id = 'SJ2024-02'")
        w.touch()
    june, december = AS_OF, dt.date(2025, 12, 31)
    with store.reader() as con:
        at_june = qu.findings(con, 2025, june).set_index("finding_id").loc["SJ2024-02"]
        assert (at_june["status"], at_june["rectified"], at_june["days_overdue"]) == ("未整改", 0, 181)
        assert at_june["rectified_date"] is None or at_june["rectified_date"] != at_june["rectified_date"]
        at_dec = qu.findings(con, 2025, december).set_index("finding_id").loc["SJ2024-02"]
        assert (at_dec["status"], at_dec["rectified"]) == ("已整改", 300_000)
        assert qu.counts_by(con, 2025, "status", june).set_index("key").loc["已整改", "n"] == 1
        assert qu.counts_by(con, 2025, "status", december).set_index("key").loc["已整改", "n"] == 2
        units_june = qu.rectification_by_unit(con, 2025, june).set_index("dept_code")
        assert units_june.loc["003", "n_done"] == 0 and units_june.loc["003", "amount_rate"] == 0
        assert qu.rectification_by_unit(con, 2025, december).set_index("dept_code").loc["003", "n_done"] == 1
        flags_june = qu.audit_flags(con, 2025, june)
        over = flags_june[(flags_june["rule"] == "AUDIT_OVERDUE") & (flags_june["entity_key"] == "SJ2024-02")]
        assert list(over["severity"]) == ["high"]                       # 181 days past its deadline
        flags_dec = qu.audit_flags(con, 2025, december)
        assert "SJ2024-02" not in set(flags_dec.loc[flags_dec["rule"] == "AUDIT_OVERDUE", "entity_key"])
