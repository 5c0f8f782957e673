"""The rules on Spark against the same rules on DuckDB, over a demo city of about a million payments a year.

    nice -n 10 python3 benchmarks/spark_bench.py                    # scale 17: ~1.0M payments in 2025 (+ 2024)
    nice -n 10 python3 benchmarks/spark_bench.py --scale 1 --work /tmp/x --keep
    python3 benchmarks/spark_bench.py --master spark://host:7077    # a cluster instead of local[2]

Generates the demo city's feed files (``budgetwatch/demo_data.py``) and loads them through the
normal ingest path into a data folder under ``--work`` (reused when it is already loaded),
writes the lake (``budgetwatch lake export``), then times:

* DuckDB: ``compute_flags`` for the year over the live generation (a fresh read-only connection),
* Spark: the session start, registering the lake's tables, and ``compute_flags`` with every
  statement translated and run on Spark (``queries/spark.py``), three times: cold, warm (the
  JVM has compiled the code paths, the OS has the files cached), and warm with ``--workers``
  rules submitted at once (what ``budgetwatch flags --engine spark`` does),

and compares the two flag sets key by key (rule, entity key; severity, amount to the fen, unit,
message, evidence, as-of date), printing the number of differing flags — 0 is the only
acceptable answer. Each rule's time on both engines is listed. The issue's target: the Spark
run within 5× of DuckDB's on this box (Spark is for clusters, not for one box).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from budgetwatch.queries.rules import compute_flags  # noqa: E402
from budgetwatch.queries.store import Store  # noqa: E402

YEAR = 2025
TARGET_RATIO = 5.0


def keyed(frame) -> dict:
    out = {}
    for row in frame.to_dict("records"):
        out[(row["rule"], row["entity_key"])] = (
            row["severity"], round(float(row["amount"]), 2), row["dept_code"], row["message"],
            json.dumps(json.loads(row["evidence"]), sort_keys=True, ensure_ascii=False), row["as_of"])
    return out


def load(work: Path, scale: float) -> Store:
    from budgetwatch.cmd_demo import load_demo

    store = Store(work / "data")
    if store.live().path is not None:
        print(f"reusing the loaded city in {store.data_dir}")
        return store
    started = time.perf_counter()
    assert load_demo(store, scale=scale, out=io.StringIO()), "the demo city did not load"
    shutil.rmtree(store.data_dir / "demo-feeds", ignore_errors=True)
    print(f"demo city at scale {scale:g} generated and loaded in {time.perf_counter() - started:.0f}s")
    return store


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=17.0, help="demo scale (1 ≈ 60k payments a year)")
    ap.add_argument("--work", default="/tmp/budgetwatch-spark-bench", help="working folder")
    ap.add_argument("--master", default=None, help="Spark master (default local[2])")
    ap.add_argument("--keep", action="store_true", help="keep the working folder")
    ap.add_argument("--workers", type=int, default=4, help="rules submitted at once in the third Spark run")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()

    from budgetwatch.queries import spark as qspark
    from budgetwatch.queries.lake import export_lake

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    store = load(work, args.scale)
    with store.reader() as con:
        n_year = con.execute("SELECT count(*) FROM payments WHERE year(pay_date) = ?", [YEAR]).fetchone()[0]
        n_all = con.execute("SELECT count(*) FROM payments").fetchone()[0]
    print(f"payments: {n_year:,} in {YEAR}, {n_all:,} held")

    lake = export_lake(store, work / "lake")
    print(f"lake export: {lake.seconds:.1f}s, {lake.bytes / 1e6:.1f} MB, {sum(lake.tables.values()):,} rows")

    duck_t: dict[str, float] = {}
    started = time.perf_counter()
    with store.reader() as con:
        duck = compute_flags(con, YEAR, timings=duck_t)
    duck_s = time.perf_counter() - started

    started = time.perf_counter()
    spark = qspark.session(args.master)
    start_s = time.perf_counter() - started
    started = time.perf_counter()
    runner = qspark.SparkRunner(spark, lake.path)
    register_s = time.perf_counter() - started
    runs = []
    for workers in (1, 1, args.workers):       # cold, warm, warm with rules submitted together
        spark_t: dict[str, float] = {}
        started = time.perf_counter()
        sparked = compute_flags(None, YEAR, timings=spark_t, runner=runner, workers=workers)
        runs.append((time.perf_counter() - started, spark_t, sparked))
    spark.stop()

    a = keyed(duck)
    diff_counts = []
    for _, _, sparked in runs:
        b = keyed(sparked)
        diff_counts.append(len(set(a) ^ set(b)) + sum(1 for k in set(a) & set(b) if a[k] != b[k]))

    print(f"\n{'rule':<30}{'duckdb s':>10}{'spark s':>10}{'spark warm s':>14}")
    for rule in duck_t:
        print(f"{rule:<30}{duck_t[rule]:>10.2f}{runs[0][1].get(rule, 0):>10.2f}{runs[1][1].get(rule, 0):>14.2f}")
    cold, warm, together = runs[0][0], runs[1][0], runs[2][0]
    print(f"\nflags: duckdb {len(duck):,}, spark {len(runs[0][2]):,}; differing flags: {diff_counts[0]} (cold), "
          f"{diff_counts[1]} (warm), {diff_counts[2]} ({args.workers} at once)")
    print(f"all rules, {YEAR}: duckdb {duck_s:.1f}s; spark {cold:.1f}s cold, {warm:.1f}s warm, "
          f"{together:.1f}s warm with {args.workers} rules at once "
          f"(+ session start {start_s:.1f}s, lake registration {register_s:.1f}s); "
          f"ratio best/duckdb {min(warm, together) / duck_s:.1f}× (target ≤ {TARGET_RATIO:g}×)")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "scale": args.scale, "payments_year": n_year, "payments_held": n_all,
            "lake_seconds": lake.seconds, "lake_bytes": lake.bytes, "duckdb_seconds": duck_s,
            "spark_start_seconds": start_s, "spark_register_seconds": register_s,
            "spark_cold_seconds": cold, "spark_warm_seconds": warm, "spark_together_seconds": together,
            "workers": args.workers, "flags": len(duck),
            "differing_flags": diff_counts, "duckdb_rules": duck_t, "spark_rules_cold": runs[0][1],
            "spark_rules_warm": runs[1][1], "spark_rules_together": runs[2][1]}, indent=1), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if not any(diff_counts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
