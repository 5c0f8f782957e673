"""queries/flags.py (flags with reviews, the cache, evidence) and queries/loads.py."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from budgetwatch.cmd_flags import flags_with_reviews as cli_flags
from budgetwatch.dashboard.figures import warnings as figs
from budgetwatch.queries import flags as qf
from budgetwatch.queries import reviews as rv
from budgetwatch.queries.loads import load_history
from budgetwatch.queries.store import Store
from tests.dashboard import sample
from tests.dashboard.test_warnings_callbacks import plant_duplicate


@pytest.fixture
def store(data_dir):
    return Store(plant_duplicate(sample.build(data_dir, loaded_at=dt.datetime(2025, 7, 16, 8, 0))))


def test_cli_and_page_share_one_function(store):
    page = qf.flags_with_reviews(store, 2025, "2025-07-15")
    cli = cli_flags(str(store.data_dir), 2025, "2025-07-15")
    pd.testing.assert_frame_equal(page, cli)
    assert "DUPLICATE_PAYMENT" in set(page["rule"])


def test_flags_are_cached_per_generation_reviews_never(store):
    qf.clear_cache()
    first = qf.flag_set(store, 2025, "2025-07-15")
    assert not first.cached and first.seconds > 0
    again = qf.flag_set(store, 2025, "2025-07-15")
    assert again.cached and again.seconds == 0
    rv.add_review(store.data_dir, "DUPLICATE_PAYMENT", "D0002", 2025, "dismissed", "", "王敏")
    reviewed = qf.flag_set(store, 2025, "2025-07-15").frame
    assert reviewed.loc[reviewed["entity_key"] == "D0002", "review_status"].tolist() == ["dismissed"]
    with store.writer("test") as w:
        w.con.execute("DELETE FROM payments WHERE voucher_no = 'D0002'")
        w.touch()
    after = qf.flag_set(store, 2025, "2025-07-15")
    assert not after.cached
    assert after.frame.loc[after.frame["entity_key"] == "D0002", "state"].tolist() == ["resolved"]


def test_evidence_by_shape(store):
    frame = qf.flags_with_reviews(store, 2025, "2025-06-30")
    with store.reader() as con:
        lag = frame[frame["rule"] == "EXEC_LAG"].iloc[0].to_dict()
        ev = qf.evidence(con, lag)
        assert ev.kind == "monthly" and ev.extra["rollup"]
        assert ev.frame["spent"].tolist()[:6] == [0, 1_000_000, 0, 1_000_000, 0, 0]
        nob = qf.evidence(con, frame[frame["rule"] == "NO_BUDGET"].iloc[0].to_dict())
        assert nob.kind == "vouchers" and nob.vouchers == ["V2508"] and nob.frame["dept_name"].tolist() == ["X99"]
        digits = qf.first_digits(con, "001001001", 2025, dt.date(2025, 12, 31))
        assert digits["n"].tolist() == [1, 0, 0, 0, 1, 0, 0, 0, 0]          # 1,400,000 and 500,000
        assert abs(digits["expected"].sum() - 1) < 1e-9
        assert qf.evidence(con, {"evidence": "{}", "year": 2025}).kind == "none"


def test_load_history_newest_first(store):
    with store.reader() as con:
        loads = load_history(con)
        assert loads["feed"].tolist() == ["payments", "budget", "departments"]
        assert load_history(con, "budget")["file_name"].tolist() == ["budget.csv"]


def test_figures():
    months = pd.DataFrame({"month": range(1, 13), "spent": [1e6] * 11 + [9e6], "n": [3] * 12})
    fig = figs.monthly_figure(months, name="市博物馆", year=2025, highlight_december=True)
    assert fig.layout.title.text == "市博物馆 2025年逐月支出"
    assert fig.data[0].marker.color[-1] != fig.data[0].marker.color[0]   # December stands out
    assert fig.data[1].name == "1—11月月均 100.00 万元"
    empty = figs.monthly_figure(months.assign(spent=0.0), name="x", year=2025)
    assert empty.layout.annotations[0].text == "暂无数据"
    line = figs.budget_line_figure(1_000_000, 1_900_000, lang="en")
    assert list(line.data[0].x) == [100.0, 190.0] and "CNY 10k" in line.layout.xaxis.title.text
