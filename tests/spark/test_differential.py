"""Every rule on Spark (over the lake) and on DuckDB (over the generation) gives the same flags.

Key by key: the same (rule, entity_key) pairs, and for each the same severity, amount (to the
fen), unit, message, evidence (as JSON) and as-of date. The demo city plants a case of every
generation rule, so each rule's translated SQL is exercised on data where it fires.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from budgetwatch.queries.rules import RULES, compute_flags

pytestmark = [pytest.mark.spark, pytest.mark.slow]

YEAR = 2025
GENERATION_RULES = [r.id for r in RULES if r.scope != "state"]


def keyed(frame: pd.DataFrame) -> dict[tuple[str, str], dict]:
    out = {}
    for row in frame.to_dict("records"):
        key = (row["rule"], row["entity_key"])
        assert key not in out, f"two flags for {key}"
        out[key] = {
            "severity": row["severity"], "amount": round(float(row["amount"]), 2),
            "dept_code": row["dept_code"], "message": row["message"],
            "evidence": json.loads(row["evidence"]), "as_of": row["as_of"], "title": row["title"],
            "entity_type": row["entity_type"], "year": int(row["year"]),
        }
    return out


@pytest.fixture(scope="module")
def both(demo_city, demo_lake, spark):
    from budgetwatch.queries.spark import lake_flags

    with demo_city.reader() as con:
        duck = compute_flags(con, YEAR)
    sparked = lake_flags(demo_lake, YEAR, spark=spark)
    return duck, sparked


def test_every_generation_rule_fires_on_the_demo_city(both):
    duck, _ = both
    assert sorted(set(duck["rule"])) == sorted(GENERATION_RULES)


def test_spark_gives_duckdbs_flags_key_by_key(both):
    duck, sparked = both
    a, b = keyed(duck), keyed(sparked)
    assert sorted(a) == sorted(b), {"only duckdb": sorted(set(a) - set(b)), "only spark": sorted(set(b) - set(a))}
    differing = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert not differing, differing


def test_spark_gives_them_in_the_same_order(both):
    duck, sparked = both
    assert list(zip(duck["rule"], duck["entity_key"])) == list(zip(sparked["rule"], sparked["entity_key"]))


def test_thresholds_are_bound_on_spark_too(demo_city, demo_lake, spark):
    """A changed threshold (an exact decimal, a list of codes, a whole number) moves both
    engines alike: bound as values, never pasted into the text."""
    from budgetwatch.queries.spark import lake_flags

    thresholds = {"AMOUNT_OUTLIER": {"max_z": 3.25}, "SANGONG_GROWTH": {"econ_codes": ["30217", "30231"]},
                  "DUPLICATE_PAYMENT": {"max_days": 0}, "EXEC_LAG": {"max_gap_points": 40.5}}
    rules = list(thresholds)
    with demo_city.reader() as con:
        duck = compute_flags(con, YEAR, "2025-11-30", thresholds, rules)
    sparked = lake_flags(demo_lake, YEAR, "2025-11-30", thresholds, rules, spark=spark)
    assert not duck.empty
    assert keyed(duck) == keyed(sparked)
    with demo_city.reader() as con:
        defaults = compute_flags(con, YEAR, "2025-11-30", None, rules)
    assert keyed(defaults) != keyed(duck)        # the thresholds did change something
