"""Search and the payee profile at scale, each against a plain ILIKE scan of payments.

    python3 benchmarks/search_bench.py --scale 17          # ≈ 1M payments a year, two years
    python3 benchmarks/search_bench.py --scale 170 --skip-load   # the benchmark's 20M, loaded before
    python3 benchmarks/search_bench.py --work W --skip-load      # any loaded folder W/data (e.g. the demo at 170)

1. the demo city at ``--scale`` written and loaded through ``ingest_files`` (the index is built
   at the end of each load, as in production); the index's own build time measured once more on
   the loaded generation;
2. search suggestions (``queries.search.suggest``, as the header box's callback calls it: a fresh
   read-only connection per request) for a mix of what people type — two Chinese characters, a
   unit's name, a full payee name, a code prefix, a voucher number prefix, a person's name —
   p50/p95 over ``--runs`` rounds; also as a department-limited reader (scoped views);
   against the baseline: the same strings as ``payee ILIKE '%…%' OR purpose ILIKE '%…%'`` over
   payments, grouped by payee (what one writes without an index);
3. the payee profile (``dashboard.pages.payees.profile.load``: totals, by year, month, unit with
   concentration, economic class, largest vouchers, similar names, flags) for the largest payees,
   against the same aggregations keyed by ``payee ILIKE '%name%'``.

Prints a table and writes WORK/search_results.json.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def load(work: Path, scale: float) -> tuple[float, int]:
    from budgetwatch.demo_data import write_demo
    from budgetwatch.ingest.pipeline import ingest_files
    from budgetwatch.queries.store import Store

    shutil.rmtree(work, ignore_errors=True)
    feeds = work / "feeds"
    started = time.perf_counter()
    result = write_demo(feeds, scale=scale)
    say(f"feeds written in {time.perf_counter() - started:.0f} s")
    store = Store(work / "data")
    started = time.perf_counter()
    for feed, paths in result.by_feed().items():
        for r in ingest_files(store, feed, paths, who="bench"):
            assert r.ok, r.as_dict()
    seconds = time.perf_counter() - started
    with store.reader() as con:
        n = con.execute("SELECT count(*) FROM payments").fetchone()[0]
    return seconds, n


def build_seconds(store) -> tuple[float, int]:
    """The index built once more on the loaded data (the cost it adds to a load)."""
    from budgetwatch.queries import search

    class Discard(Exception):
        """Leaves the generation unpublished: the loaded one (stamped summaries) stays live."""

    try:
        with store.writer("bench") as w:
            out = search.build(w.con)
            raise Discard
    except Discard:
        pass
    return out["seconds"], out["rows"]


def typed_strings(store) -> list[tuple[str, str]]:
    """What people type, taken from the data: (what, text)."""
    with store.reader() as con:
        payee = con.execute("SELECT payee FROM payments WHERE length(payee) > 8 GROUP BY 1 "
                            "ORDER BY sum(amount) DESC LIMIT 1").fetchone()[0]
        person = con.execute("SELECT payee FROM payments WHERE length(payee) <= 3 GROUP BY 1 "
                             "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        voucher = con.execute("SELECT voucher_no FROM payments USING SAMPLE 1 ROWS").fetchone()[0]
        unit = con.execute("SELECT dept_name FROM departments WHERE parent_code IS NOT NULL "
                           "AND parent_code <> '' LIMIT 1").fetchone()[0]
    return [("two characters", "保安"), ("two characters", "教育"), ("two characters", "医院"),
            ("a unit's name", unit), ("a full payee name", payee), ("a person's name", person),
            ("a code prefix", "2050"), ("a code prefix", "302"), ("a voucher prefix", voucher[:10]),
            ("a whole voucher number", voucher)]


BASELINE_SUGGEST = """
    SELECT payee, count(*) AS n, sum(amount) AS amount FROM payments
    WHERE payee ILIKE $like OR purpose ILIKE $like OR voucher_no ILIKE $prefix
    GROUP BY payee ORDER BY amount DESC LIMIT 6"""


def bench_suggest(store, strings, runs: int, depts=None) -> dict:
    from budgetwatch.queries import search
    from budgetwatch.queries.store import scoped

    ours, base = [], []
    with scoped(depts or ()):
        for _ in range(runs):
            for _what, text in strings:
                t = time.perf_counter()
                with store.reader() as con:
                    search.suggest(con, text)
                ours.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                with store.reader() as con:
                    con.execute(BASELINE_SUGGEST, {"like": f"%{text}%", "prefix": f"{text}%"}).fetchall()
                base.append((time.perf_counter() - t) * 1000)
    return {"p50": statistics.median(ours), "p95": pct(ours, 0.95), "base_p50": statistics.median(base),
            "base_p95": pct(base, 0.95), "n": len(ours)}


def bench_suggest_open(store, strings, runs: int) -> dict:
    """The queries alone, on one connection kept open (no per-request connection cost)."""
    from budgetwatch.queries import search

    ours, base = [], []
    with store.reader() as con:
        for _ in range(runs):
            for _what, text in strings:
                t = time.perf_counter()
                search.suggest(con, text)
                ours.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                con.execute(BASELINE_SUGGEST, {"like": f"%{text}%", "prefix": f"{text}%"}).fetchall()
                base.append((time.perf_counter() - t) * 1000)
    return {"p50": statistics.median(ours), "p95": pct(ours, 0.95), "base_p50": statistics.median(base),
            "base_p95": pct(base, 0.95), "n": len(ours)}


BASELINE_PROFILE = [
    "SELECT count(*), sum(amount), min(pay_date), max(pay_date) FROM payments WHERE payee ILIKE $like",
    "SELECT year(pay_date), count(*), sum(amount) FROM payments WHERE payee ILIKE $like GROUP BY 1",
    "SELECT year(pay_date), month(pay_date), sum(amount) FROM payments WHERE payee ILIKE $like GROUP BY 1, 2",
    "SELECT dept_code, count(*), sum(amount) FROM payments WHERE payee ILIKE $like GROUP BY 1",
    "SELECT left(econ_code, 5), count(*), sum(amount) FROM payments WHERE payee ILIKE $like GROUP BY 1",
    "SELECT * FROM payments WHERE payee ILIKE $like ORDER BY amount DESC LIMIT 20",
]


def bench_suggest_cached(store, strings, runs: int) -> dict:
    """The header box's path (``search.suggestions``): the first time a text is typed in this
    generation (cold: computed) and every later time (warm: the page cache, no connection)."""
    from budgetwatch.queries import page_cache, search

    cold, warm = [], []
    for _ in range(runs):
        page_cache.clear()
        for _what, text in strings:
            t = time.perf_counter()
            search.suggestions(store, text)
            cold.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            search.suggestions(store, text)
            warm.append((time.perf_counter() - t) * 1000)
    return {"p50": statistics.median(cold), "p95": pct(cold, 0.95), "warm_p50": statistics.median(warm),
            "warm_p95": pct(warm, 0.95), "n": len(cold)}


def bench_profile(store, runs: int) -> dict:
    """Cold: the profile itself not kept (every query of it runs; the years' flag sets stay
    kept, as after any first page of the generation); warm: the same profile asked again."""
    from budgetwatch.dashboard.pages.payees import profile
    from budgetwatch.queries import page_cache

    with store.reader() as con:
        names = [r[0] for r in con.execute("SELECT payee FROM payments GROUP BY 1 ORDER BY sum(amount) DESC LIMIT 5").fetchall()]
    profile.load(store, {"name": names[0]})     # the flags of the latest years, made at load, read once
    ours, base, warm = [], [], []
    for _ in range(runs):
        for name in names:
            page_cache.CACHE.forget("payee.profile")
            t = time.perf_counter()
            profile.load(store, {"name": name})
            ours.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            profile.load(store, {"name": name})
            warm.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            with store.reader() as con:
                for sql in BASELINE_PROFILE:
                    con.execute(sql, {"like": f"%{name}%"}).fetchall()
            base.append((time.perf_counter() - t) * 1000)
    return {"p50": statistics.median(ours), "p95": pct(ours, 0.95), "base_p50": statistics.median(base),
            "base_p95": pct(base, 0.95), "n": len(ours), "payees": names,
            "warm_p50": statistics.median(warm), "warm_p95": pct(warm, 0.95)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=17.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", type=Path, default=ROOT / "bench-data" / "search")
    ap.add_argument("--skip-load", action="store_true", help="reuse WORK/data as loaded last time")
    args = ap.parse_args()
    from budgetwatch.queries.store import Store

    results: dict = {"scale": args.scale, "runs": args.runs}
    if not args.skip_load:
        secs, n = load(args.work, args.scale)
        results.update(load_seconds=secs)
        say(f"loaded {n:,} payments in {secs:.0f} s")
    store = Store(args.work / "data")
    with store.reader() as con:
        results["payments"] = con.execute("SELECT count(*) FROM payments").fetchone()[0]
        top = con.execute("SELECT dept_code FROM departments WHERE parent_code IS NULL OR parent_code = '' "
                          "ORDER BY dept_code LIMIT 1").fetchone()[0]
    results["index_seconds"], results["index_rows"] = build_seconds(store)
    say(f"index: {results['index_rows']:,} rows in {results['index_seconds']:.1f} s")
    strings = typed_strings(store)
    results["strings"] = strings
    results["suggest"] = bench_suggest(store, strings, args.runs)
    say(f"suggest {results['suggest']}")
    results["suggest_open"] = bench_suggest_open(store, strings, args.runs)
    say(f"suggest, connection kept open {results['suggest_open']}")
    results["suggest_scoped"] = bench_suggest(store, strings, max(1, args.runs // 2), depts=[top])
    say(f"suggest, one department {results['suggest_scoped']}")
    results["suggest_cached"] = bench_suggest_cached(store, strings, args.runs)
    say(f"suggest through the page cache {results['suggest_cached']}")
    results["profile"] = bench_profile(store, args.runs)
    say(f"profile {results['profile']}")
    (args.work / "search_results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    print(f"\n| measurement ({results['payments']:,} payments) | p50 | p95 | ILIKE baseline p50 | p95 | target |")
    print("|---|---:|---:|---:|---:|---|")
    import os
    results["load_average"] = os.getloadavg()
    print(f"load average during the run: {results['load_average']}")
    for key, label, target in (("suggest", "search suggestions", "≤ 150 ms p95"),
                               ("suggest_open", "search suggestions, connection kept open", "—"),
                               ("suggest_scoped", "search suggestions, one department", "≤ 150 ms p95"),
                               ("profile", "payee profile (all queries)", "≤ 500 ms")):
        r = results[key]
        print(f"| {label} | {r['p50']:.0f} ms | {r['p95']:.0f} ms | {r['base_p50']:.0f} ms | {r['base_p95']:.0f} ms | {target} |")
        if "warm_p50" in r:
            print(f"|   the same asked again (page cache) | {r['warm_p50']:.1f} ms | {r['warm_p95']:.1f} ms | | | |")
    r = results["suggest_cached"]
    print(f"| search suggestions, the header box's path, first time typed | {r['p50']:.0f} ms | {r['p95']:.0f} ms | | | ≤ 150 ms p95 |")
    print(f"|   the same text typed again (page cache) | {r['warm_p50']:.1f} ms | {r['warm_p95']:.1f} ms | | | |")
    print(f"| index build at load | {results['index_seconds']:.1f} s for {results['index_rows']:,} rows | | | | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
