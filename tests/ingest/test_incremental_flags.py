"""A load costs what it brings (issue 19): the flag cache is recomputed only for the rules that
read a table the load changed, in the years it can have changed — and is then exactly what
every rule run afresh gives."""
from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest

from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries import refresh, summary
from budgetwatch.queries.rule_inputs import data_tables, rules_reading, tables_read
from budgetwatch.queries.rules import RULES, compute_flags
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.store import Store

EVERY = [r.id for r in RULES]
PAYMENT_RULES = [r.id for r in RULES if "payments" in tables_read(r)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from budgetwatch.cmd_demo import load_demo
    store = Store(tmp_path_factory.mktemp("demo"))
    assert load_demo(store, out=io.StringIO())
    return store


@pytest.fixture
def city(demo, tmp_path):
    store = Store(tmp_path / "city")
    shutil.copytree(demo.db_dir, store.db_dir)
    return store


@pytest.fixture
def ran(monkeypatch):
    """The rules each refresh ran, per year."""
    seen: list[dict] = []
    real = refresh.refresh

    def recording(*a, **k):
        out = real(*a, **k)
        seen.append(out["ran"])
        return out
    monkeypatch.setattr(refresh, "refresh", recording)
    return seen


def export(store: Store, path, feed: str, sql: str):
    """Held rows written back as a feed file (English headers), changed by ``sql``."""
    with store.reader() as con:
        frame = con.execute(sql).df()
    frame.to_csv(path, index=False)
    return path


def assert_cache_is_fresh(store: Store):
    values = load_thresholds(store.data_dir).values
    with store.reader() as con:
        for year in summary.years(con)[: summary.FLAG_YEARS]:
            kept = summary.cached_flags(con, year, None, values, EVERY)
            assert kept is not None, year
            pd.testing.assert_frame_equal(kept, compute_flags(con, year, None, thresholds=values))


PAY_COLS = "voucher_no, pay_date, dept_code, func_code, econ_code, fund_type, payee, {amount} AS amount, " \
           "payee_account, purpose, project_code"


def test_a_payments_correction_reruns_only_the_payment_rules_of_its_year(city, ran, tmp_path):
    path = export(city, tmp_path / "fix.csv", "payments",
                  f"SELECT {PAY_COLS.format(amount='amount + 1000')} FROM payments "
                  "WHERE pay_date BETWEEN DATE '2025-03-01' AND DATE '2025-03-31' ORDER BY voucher_no LIMIT 200")
    [r] = ingest_files(city, "payments", [path], who="t")
    assert r.status == "applied" and r.updated == 200 and r.unfinished == []
    assert ran[-1] == {2025: PAYMENT_RULES, 2024: []}
    assert_cache_is_fresh(city)


def test_a_correction_of_last_year_reruns_that_year_and_the_next(city, ran, tmp_path):
    path = export(city, tmp_path / "fix.csv", "payments",
                  f"SELECT {PAY_COLS.format(amount='amount * 3')} FROM payments "
                  "WHERE pay_date BETWEEN DATE '2024-06-01' AND DATE '2024-06-30' ORDER BY voucher_no LIMIT 50")
    ingest_files(city, "payments", [path], who="t")
    assert ran[-1] == {2025: PAYMENT_RULES, 2024: PAYMENT_RULES}      # 2025's rules compare with 2024
    assert_cache_is_fresh(city)


def test_a_new_year_is_computed_whole_and_the_year_before_is_kept(city, ran, tmp_path):
    path = export(city, tmp_path / "new.csv", "payments",
                  "SELECT 'NEW-' || voucher_no AS voucher_no, DATE '2026-01-05' AS pay_date, dept_code, func_code, "
                  "econ_code, fund_type, payee, amount, payee_account, purpose, project_code FROM payments "
                  "WHERE year(pay_date) = 2025 ORDER BY voucher_no LIMIT 30")
    ingest_files(city, "payments", [path], who="t")
    assert ran[-1] == {2026: EVERY, 2025: []}       # 2024 is no longer among the cached years
    assert_cache_is_fresh(city)


def test_a_moved_as_of_date_reruns_the_year_whole():
    kept = refresh._Kept([2025, 2024], "{}", {2025: "2025-12-30", 2024: "2024-12-31"})
    assert refresh.rules_to_run(2025, {"debt": None}, kept, "2025-12-31") is RULES
    assert refresh.rules_to_run(2024, {"debt": None}, kept, "2024-12-31") != RULES
    assert refresh.rules_to_run(2025, None, kept, "2025-12-30") is RULES       # unknown changes: all


def test_a_file_of_a_feed_few_rules_read_reruns_only_those(city, ran, tmp_path):
    path = export(city, tmp_path / "assets.csv", "assets_admin",
                  "SELECT year, dept_code, asset_category, quantity, book_value, "
                  "CASE WHEN row_number() OVER () = 1 THEN book_value ELSE idle_value END AS idle_value "
                  "FROM assets_admin ORDER BY ALL")
    [r] = ingest_files(city, "assets_admin", [path], who="t")
    assert r.status == "applied" and r.updated >= 1
    assert ran[-1] == {2025: ["IDLE_ASSETS"], 2024: ["IDLE_ASSETS"]}
    assert_cache_is_fresh(city)


def test_other_thresholds_than_the_cache_was_made_with_rerun_everything(city, ran, tmp_path):
    (city.data_dir / "rules.toml").write_text("[DUPLICATE_PAYMENT]\nenabled = false\n", encoding="utf-8")
    if load_thresholds(city.data_dir).enabled("DUPLICATE_PAYMENT"):
        pytest.skip("thresholds are not read from DATA_DIR/rules.toml")
    path = export(city, tmp_path / "fix.csv", "payments",
                  f"SELECT {PAY_COLS.format(amount='amount + 1')} FROM payments "
                  "WHERE pay_date = DATE '2025-03-03' ORDER BY voucher_no LIMIT 5")
    ingest_files(city, "payments", [path], who="t")
    assert ran[-1] == {2025: EVERY, 2024: EVERY}
    assert_cache_is_fresh(city)


def test_a_table_no_rule_reads_reruns_nothing():
    assert rules_reading({"a_feed_no_rule_reads"}, RULES) == []
    kept = refresh._Kept([2025, 2024], "{}", {2025: "d", 2024: "c"})
    assert refresh.rules_to_run(2025, {"a_feed_no_rule_reads": None}, kept, "d") == ()
    assert refresh.rules_to_run(2025, {"debt": None}, kept, "d") == tuple(
        r for r in RULES if r.id.startswith("DEBT_"))
    # every feed of today is read by some rule
    assert all(rules_reading({t}, RULES) for t in data_tables())
