"""Year on year at scale: the execution table's 上年同期 query and the comparison page's queries.

    python3 benchmarks/compare_bench.py --data W/data           # any loaded folder (e.g. the demo at 170)

Each query runs on a fresh read-only connection per request, as a page callback opens one,
``--runs`` times (the first run is kept apart as "cold": a new connection's caches empty);
p50/p95 in milliseconds. Both sources are measured: ``payments_daily`` (the per-day
pre-aggregate, what the page uses when it is stamped for the generation) and ``payments``
itself (what the page falls back to), so the gain is visible. Nodes: the root of each tree, one
department, one 类 and one leaf. The page cache is not involved (every figure is a miss).

Prints a table and writes results next to the data folder (compare_results.json).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(store, fn, runs: int) -> dict:
    """Times with the connection opened (as a callback pays) and of the query alone."""
    times, inner = [], []
    for _ in range(runs):
        started = time.perf_counter()
        with store.reader() as con:
            began = time.perf_counter()
            fn(con)
            inner.append((time.perf_counter() - began) * 1000)
        times.append((time.perf_counter() - started) * 1000)
    warm, warm_inner = times[1:] or times, inner[1:] or inner
    return {"cold_ms": round(times[0], 1), "p50_ms": round(statistics.median(warm), 1),
            "p95_ms": round(pct(warm, 0.95), 1), "query_p50_ms": round(statistics.median(warm_inner), 1)}


def main() -> None:
    from budgetwatch.queries import compare as qc
    from budgetwatch.queries import execution as qe
    from budgetwatch.queries.overview import resolve_period
    from budgetwatch.queries.store import Store, query

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    store = Store(args.data)
    with store.reader() as con:
        period = resolve_period(con)
        n = int(query(con, "SELECT count(*) AS n FROM payments")["n"].iloc[0])
        daily = int(query(con, "SELECT count(*) AS n FROM payments_daily")["n"].iloc[0])
        stamped = qc.payments_source(con) == "payments_daily"
        top = query(con, """SELECT dept_code FROM departments WHERE coalesce(parent_code, '') = ''
                            ORDER BY dept_code LIMIT 1""")["dept_code"].iloc[0]
        func = query(con, "SELECT left(func_code, 3) AS c, count(*) AS n FROM budget GROUP BY 1 ORDER BY 2 DESC LIMIT 1")["c"].iloc[0]
        leaf = query(con, "SELECT func_code AS c FROM budget WHERE starts_with(func_code, $f) AND length(func_code) = 7 "
                          "LIMIT 1", {"f": func})["c"].iloc[0]
    y, day = period.year, period.as_of
    print(f"{n:,} payments ({daily:,} rows in payments_daily, stamped: {stamped}); view {y} as of {day}")
    nodes = {"func root": qe.Node("func"), "dept root": qe.Node("dept"), f"dept {top}": qe.Node("dept", (top,)),
             f"func {func}": qe.Node("func", (func,)), f"func leaf {leaf}": qe.parse_node("func", f"{func}.{leaf[:5]}.{leaf}")}
    results: dict = {"payments": n, "payments_daily_rows": daily, "year": y, "as_of": day.isoformat(), "rows": []}

    def record(what: str, node: str, source: str, fn) -> None:
        row = {"query": what, "node": node, "source": source, **timed(store, fn, args.runs)}
        results["rows"].append(row)
        print(f"{what:<26} {node:<22} {source:<15} cold {row['cold_ms']:>7.1f}  p50 {row['p50_ms']:>7.1f}"
              f"  p95 {row['p95_ms']:>7.1f}  (query alone p50 {row['query_p50_ms']:>7.1f}) ms", flush=True)

    record("execution.level (for scale)", "func root", "payments", lambda con: qe.level(con, qe.Node("func"), y, day))
    original = qc.payments_source
    for source in (["payments_daily"] if stamped else []) + ["payments"]:
        qc.payments_source = (lambda con, s=source: s)
        try:
            for name, node in nodes.items():
                record("prior_level (上年同期)", name, source, lambda con, nd=node: qc.prior_level(con, nd, y, day))
            for name, node in {"dept root": qc.Node("dept"), f"dept {top}": qc.Node("dept", (top,)),
                               "econ root": qc.Node("econ"), f"func {func}": qc.Node("func", (func,))}.items():
                record("compare.months_by_year", name, source, lambda con, nd=node: qc.months_by_year(con, nd))
                record("compare.items_by_year", name, source,
                       lambda con, nd=node: qc.items_by_year(con, nd, day.month, day.day))
                if source == "payments":       # budget lines only: the same whichever payments source
                    record("compare.budget_by_year", name, "budget", lambda con, nd=node: qc.budget_by_year(con, nd))
        finally:
            qc.payments_source = original
    out = args.data.parent / "compare_results.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
