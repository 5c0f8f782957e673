"""Reviews in DATA_DIR/state.sqlite3: history, latest, surviving reloads and threshold changes."""
from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from budgetwatch.queries import reviews as rv
from budgetwatch.queries import state


def lag(data):
    d = data
    d.dept("001", "市教育局").dept("002", "市卫健委")
    d.budget("001", 3_650_000).budget("002", 3_650_000)
    d.pay("V1", "2025-06-30", "001", 100_000)
    d.pay("V2", "2025-06-30", "002", 1_000_000)  # 27.4%: 22.2 points behind
    return d.publish()


def with_reviews(d, **kw):
    flags = d.flags(**kw)
    return rv.attach_reviews(flags, rv.latest_reviews(d.path, 2025), year=2025)


def test_state_file_is_created_and_migrated(tmp_path):
    con = state.connect(tmp_path / "d")
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == len(state.MIGRATIONS)
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert state.migrate(con) == len(state.MIGRATIONS)   # idempotent
    finally:
        con.close()
    assert (tmp_path / "d" / "state.sqlite3").exists()


def test_status_spellings():
    assert rv.normalize_status("属实") == "confirmed"
    assert rv.normalize_status("DISMISSED") == "dismissed"
    assert rv.normalize_status("转交询问") == "referred"
    with pytest.raises(rv.ReviewError):
        rv.normalize_status("ok")


def test_history_and_latest(tmp_path):
    rv.add_review(tmp_path, "EXEC_LAG", "001", 2025, "referred", "请说明原因", "张三")
    rv.add_review(tmp_path, "exec_lag", "001", 2025, "属实", "已约谈", "李四")
    rv.add_review(tmp_path, "EXEC_LAG", "001", 2024, "dismissed", "", "张三")
    hist = rv.review_history(tmp_path, rule="EXEC_LAG", entity_key="001", year=2025)
    assert hist["status"].tolist() == ["referred", "confirmed"]
    latest = rv.latest_reviews(tmp_path)
    assert len(latest) == 2
    row = latest[latest["year"] == 2025].iloc[0]
    assert (row["status"], row["reviewer"], row["note"], row["reviews"]) == ("confirmed", "李四", "已约谈", 2)
    assert row["reviewed_at"][:4].isdigit() and "T" in row["reviewed_at"]
    assert len(rv.latest_reviews(tmp_path, 2024)) == 1
    with pytest.raises(rv.ReviewError):
        rv.add_review(tmp_path, "EXEC_LAG", "001", 2025, "confirmed", "", "")
    with pytest.raises(sqlite3.IntegrityError):  # the table itself refuses a bad status
        con = state.connect(tmp_path)
        try:
            con.execute("INSERT INTO flag_reviews (rule, entity_key, year, status, reviewer, reviewed_at)"
                        " VALUES ('X', 'k', 2025, 'maybe', 'a', 'now')")
        finally:
            con.close()


def test_review_survives_republish_and_threshold_change(data):
    d = lag(data)
    flag = d.one("EXEC_LAG", "001")
    rv.add_review(d.path, "EXEC_LAG", "001", 2025, "confirmed", "已约谈", "张三", flag=flag)
    # reload the data: a new generation is published
    d.pay("V3", "2025-06-29", "001", 1)
    d.publish()
    f = with_reviews(d)
    row = f[(f["rule"] == "EXEC_LAG") & (f["entity_key"] == "001")].iloc[0]
    assert (row["state"], row["review_status"], row["reviewer"]) == ("active", "confirmed", "张三")
    assert "已支出10.00万元" in row["message"]  # the recomputed flag, not the snapshot
    # a threshold change that still fires keeps the review too
    f = with_reviews(d, thresholds={"EXEC_LAG": {"max_gap_points": 20}})
    row = f[f["entity_key"] == "001"].iloc[0]
    assert (row["state"], row["review_status"]) == ("active", "confirmed")
    unreviewed = f[f["entity_key"] == "002"].iloc[0]
    assert unreviewed["state"] == "active" and pd.isna(unreviewed["review_status"])


def test_reviewed_flag_that_stops_firing_is_resolved(data):
    d = lag(data)
    flag = d.one("EXEC_LAG", "002")
    rv.add_review(d.path, "EXEC_LAG", "002", 2025, "referred", "转预算工委询问", "王五", flag=flag)
    # a higher threshold: 002 (22.2 points behind) no longer fires
    f = with_reviews(d, thresholds={"EXEC_LAG": {"max_gap_points": 25}})
    row = f[f["entity_key"] == "002"].iloc[0]
    assert row["state"] == "resolved" and row["review_status"] == "referred"
    assert row["message"] == flag["message"] and row["severity"] == flag["severity"]
    assert row["amount"] == pytest.approx(flag["amount"])
    # the data changes so that it stops firing: still resolved, and back to active when it fires
    d.pay("V4", "2025-06-30", "002", 1_000_000)
    d.publish()
    f = with_reviews(d)
    assert f.set_index("entity_key").loc["002", "state"] == "resolved"
    # reviews of another year or of rules not computed are not pulled in
    f = rv.attach_reviews(d.flags("LEVERAGE"), rv.latest_reviews(d.path, 2025), year=2025,
                          rules=["LEVERAGE"])
    assert f.empty


def test_rereview_without_flag_keeps_the_snapshot(tmp_path):
    rv.add_review(tmp_path, "LEVERAGE", "E1", 2025, "confirmed", "", "a",
                  flag={"message": "企业甲资产负债率90.0%", "severity": "high", "amount": 90.0})
    rv.add_review(tmp_path, "LEVERAGE", "E1", 2025, "dismissed", "已核实", "b")
    latest = rv.latest_reviews(tmp_path, 2025).iloc[0]
    assert latest["status"] == "dismissed" and latest["flag_message"] == "企业甲资产负债率90.0%"
