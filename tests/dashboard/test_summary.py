"""What a load leaves ready for the pages (queries/summary.py) and the vouchers grid's 预警 marker."""
from __future__ import annotations

import io
from urllib.parse import unquote

import pandas as pd
import pytest

from budgetwatch.dashboard.pages import execution
from budgetwatch.queries import flags as qf
from budgetwatch.queries import overview as qo
from budgetwatch.queries import refresh, summary
from budgetwatch.queries.rules import RULES, compute_flags
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.store import Store

EVERY = [r.id for r in RULES]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from budgetwatch.cmd_demo import load_demo
    store = Store(tmp_path_factory.mktemp("demo"))
    assert load_demo(store, out=io.StringIO())
    return store


def test_a_load_leaves_the_years_and_the_default_flags_ready(demo):
    values = load_thresholds(demo.data_dir).values
    with demo.reader() as con:
        assert summary.years(con) == [2025, 2024]
        live_years = [int(r[0]) for r in con.execute(
            "SELECT year FROM budget UNION SELECT year(pay_date) FROM payments ORDER BY 1 DESC").fetchall()]
        assert qo.available_years(con) == live_years
        live_last = con.execute("SELECT max(pay_date) FROM payments WHERE year(pay_date) = 2025").fetchone()[0]
        assert summary.last_payment(con, 2025) == live_last == qo.latest_payment_date(con, 2025)
        for year in (2025, 2024):
            kept = summary.cached_flags(con, year, None, values, EVERY)
            assert kept is not None and len(kept) > 0
            pd.testing.assert_frame_equal(kept, compute_flags(con, year, None, thresholds=values))
        # the default as-of date named explicitly is the same view; any other date is not
        assert summary.cached_flags(con, 2025, live_last.isoformat(), values, EVERY) is not None
        assert summary.cached_flags(con, 2025, "2025-06-30", values, EVERY) is None
        # other thresholds or rules: computed live
        other = {**values, "AMOUNT_OUTLIER": {**values["AMOUNT_OUTLIER"], "enabled": False}}
        assert summary.cached_flags(con, 2025, None, other, EVERY) is None
        assert summary.cached_flags(con, 2025, None, values, EVERY[:3]) is None


def test_the_flag_set_of_the_default_view_is_read_not_computed(demo, monkeypatch):
    qf.clear_cache()
    with demo.reader() as con:
        as_of = summary.last_payment(con, 2025)

    def boom(*_a, **_k):
        raise AssertionError("computed the rules although the load kept them")
    monkeypatch.setattr(qf, "compute_flags", boom)
    fs = qf.flag_set(demo, 2025, as_of.isoformat())
    assert {"NO_BUDGET", "DUPLICATE_PAYMENT"} <= set(fs.frame["rule"])


def test_a_generation_written_without_the_summary_is_not_trusted(tmp_path, demo):
    import shutil
    store = Store(tmp_path / "copy")
    shutil.copytree(demo.db_dir, store.db_dir)
    with store.writer(who="test") as w:     # a writer that skips the after-load step
        w.con.execute("DELETE FROM payments WHERE pay_date > DATE '2025-06-30'")
        w.touch()
    with store.reader() as con:
        assert summary.years(con) is None
        assert summary.last_payment(con, 2025) is summary.MISSING
        assert qo.latest_payment_date(con, 2025).isoformat() <= "2025-06-30"   # live, correct


def test_after_load_never_fails_a_load(demo, tmp_path, monkeypatch):
    import shutil
    store = Store(tmp_path / "copy2")
    shutil.copytree(demo.db_dir, store.db_dir)

    def broken(*_a, **_k):
        raise RuntimeError("rules broke")
    monkeypatch.setattr(refresh, "refresh", broken)
    with store.writer(who="test") as w:
        w.touch()
        refresh.after_load(w, store.data_dir)
    with store.reader() as con:
        assert summary.years(con) is None          # no stamp: readers compute live
        assert qo.available_years(con) == [2025, 2024]


def test_flagged_vouchers_carry_a_marker_linking_to_their_flag(demo):
    qf.clear_cache()
    with demo.reader() as con:
        as_of = summary.last_payment(con, 2025).isoformat()
    flags = qf.voucher_flags(demo, 2025, as_of)
    assert flags["20250000014375"]["rule"] == "NO_BUDGET"            # planted by the demo
    assert flags["20250000032395"]["rule"] == "DUPLICATE_PAYMENT"
    assert qf.voucher_flags(demo, 2025, as_of) is flags              # kept: one computation per view
    grid_query = {"by": "func", "path": "213.21301.2130199", "year": 2025, "as_of": as_of, "voucher": None}
    out = execution.grid_rows(demo, {"startRow": 0, "endRow": 50}, grid_query, "?year=2025&lang=en")
    rows = {r["voucher_no"]: r for r in out["rowData"]}
    assert set(rows) == {"20250000014375", "20250000038277"}
    row = rows["20250000014375"]
    assert row["flag_sev"] == "high" and row["flag"] == "NO_BUDGET|20250000014375"
    assert row["flag_link"] == "⚑ Flag"                                  # the marker as text, linked:
    link = row["flag_href"]
    assert link.startswith("/warnings?year=2025&as_of=" + as_of)
    assert unquote(link).endswith("flag=NO_BUDGET|20250000014375&lang=en")
    # a voucher without a flag has no marker
    plain = execution.grid_rows(demo, {"startRow": 0, "endRow": 5},
                                {**grid_query, "path": "205.20502.2050202"})["rowData"]
    assert plain and all(r["flag_link"] is None or r["flag"] for r in plain)


def test_a_view_at_another_date_runs_only_the_voucher_rules_once(demo, monkeypatch):
    qf.clear_cache()
    calls = []
    real = qf.compute_flags

    def counting(con, year, **kw):
        calls.append(tuple(kw.get("rules") or ()))
        return real(con, year, **kw)
    monkeypatch.setattr(qf, "compute_flags", counting)
    first = qf.voucher_flags(demo, 2025, "2025-10-31")
    again = qf.voucher_flags(demo, 2025, "2025-10-31")
    assert first is again and calls == [tuple(qf.VOUCHER_RULES)]
    assert "20250000014375" in first
