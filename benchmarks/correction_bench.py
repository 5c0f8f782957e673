"""A staff member's small monthly fix: a 1,000-row payments correction loaded into a big city.

    python3 benchmarks/correction_bench.py --data /tmp/incr-city/data --runs 3

The folder must hold a loaded city (e.g. ``budgetwatch demo-data --scale 170`` loaded with
``budgetwatch ingest``); it is loaded into (each run publishes a new generation). In one run,
one after the other on the same folder, each ``--runs`` times:

* ``baseline``: the load as it was before issue 19 — every rule recomputed for every cached
  year (``refresh.rules_to_run`` forced to answer "all");
* ``incremental``: the load as it is — only the rules reading a table the load touched, in the
  years it touched (``queries/refresh.py``), flags published with the data;
* ``background`` (when ``queries.flag_worker`` exists): the data published first, the flags by
  the background worker — "visible" is the time to the data's publish, "flags" to the flags'.

And the drill-down queries the pages make (``run.duck_queries``: overview, 类/款/项, units,
monthly curves, voucher pages) on fresh read-only connections, p50/p95, while the folder is
idle and while each kind of load runs beside them. Prints a table and writes JSON to --out.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import run as bench  # noqa: E402  (the page queries and node picking of the main benchmark)

ROWS = 1000


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def correction_file(store, path: Path, run_no: int, rows: int = ROWS) -> Path:
    """``rows`` payments of the latest year as held (spread over it), their amounts changed (+run_no yuan)."""
    with store.reader() as con:
        year = con.execute("SELECT max(year(pay_date)) FROM payments").fetchone()[0]
        con.execute(f"""
            COPY (SELECT voucher_no, pay_date, dept_code, func_code, econ_code, fund_type, payee,
                         amount + {int(run_no)} AS amount, payee_account, purpose, project_code
                  FROM payments WHERE year(pay_date) = {int(year)}
                  ORDER BY hash(voucher_no) LIMIT {int(rows)})
            TO '{path}' (HEADER, DELIMITER ',')""")
    return path


def p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def drill_round(store, calls) -> list[float]:
    out = []
    for _name, fn in calls:
        t = time.perf_counter()
        with store.reader() as con:
            fn(con)
        out.append((time.perf_counter() - t) * 1000)
    return out


def drill_while(store, calls, busy: threading.Event) -> list[float]:
    times: list[float] = []
    while busy.is_set():
        times += drill_round(store, calls)
    return times


PHASES = (("copy generation", "budgetwatch.queries.store", "shutil", "copyfile"),
          ("apply rows", "budgetwatch.ingest.pipeline", "load", "apply"),
          ("payments_daily", "budgetwatch.ingest.pipeline", "load", "refresh_daily"),
          ("flags + year summary", "budgetwatch.queries.refresh", None, "refresh"),
          ("search index", "budgetwatch.queries.search", None, "build"),
          ("seal: row counts", "budgetwatch.queries.generations", None, "table_rows"))


def _timing_phases(spent: dict):
    """Wrap the load's phases to time them; returns an undo function."""
    import importlib
    undo = []
    for name, module, attr, fn in PHASES:
        owner = importlib.import_module(module)
        if attr:
            owner = getattr(owner, attr)
        real = getattr(owner, fn)

        def timed(*a, _real=real, _name=name, **k):
            t = time.perf_counter()
            try:
                return _real(*a, **k)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t
        setattr(owner, fn, timed)
        undo.append((owner, fn, real))
    return lambda: [setattr(o, f, r) for o, f, r in undo]


def one_load(store, mode: str, path: Path) -> dict:
    from budgetwatch.ingest.pipeline import ingest_files
    from budgetwatch.queries import refresh
    from budgetwatch.queries.rules.registry import RULES

    real = refresh.rules_to_run
    seen: dict = {}
    real_refresh = refresh.refresh

    def recording(*a, **k):
        out = real_refresh(*a, **k)
        seen.update(out)
        return out
    refresh.refresh = recording
    if mode == "baseline":
        refresh.rules_to_run = lambda *a, **k: RULES
    # baseline and incremental publish the flags with the data; background leaves them to the worker
    os.environ["BUDGETWATCH_FLAGS_BACKGROUND_FROM"] = "0" if mode == "background" else "never"
    spent: dict = {}
    undo = _timing_phases(spent)
    try:
        t = time.perf_counter()
        try:
            [r] = ingest_files(store, "payments", [path], who="bench")
        finally:
            undo()
        visible = time.perf_counter() - t
        flags_s = visible
        worker = None
        if mode == "background":
            from budgetwatch.queries import flag_worker
            worker = flag_worker.wait(store, timeout_s=3600)
            flags_s = time.perf_counter() - t
    finally:
        refresh.rules_to_run = real
        refresh.refresh = real_refresh
    if r.status != "applied" or r.updated != ROWS:
        raise SystemExit(f"the correction did not apply as expected: {r.status} {r.updated} {r.unfinished}")
    return {"visible_s": visible, "flags_s": flags_s, "refresh_s": seen.get("seconds"),
            "rules_run": {str(y): len(v) for y, v in (seen.get("ran") or {}).items()},
            "unfinished": [u.line() for u in r.unfinished], "worker": worker,
            "phases_s": {k: round(v, 2) for k, v in spent.items()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--drill-runs", type=int, default=5)
    ap.add_argument("--modes", default="baseline,incremental,background")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    from budgetwatch.queries.store import Store
    store = Store(args.data)
    modes = [m for m in args.modes.split(",") if m]
    try:
        import budgetwatch.queries.flag_worker  # noqa: F401
    except ImportError:
        modes = [m for m in modes if m != "background"]
    with store.reader() as con:
        held = con.execute("SELECT count(*) FROM payments").fetchone()[0]
    say(f"{held:,} payments held in {args.data}")
    nodes = bench.pick_nodes(store)
    calls = bench.duck_queries(nodes)
    drill_round(store, calls)                          # warm
    idle = []
    for _ in range(args.drill_runs):
        idle += drill_round(store, calls)
    R = {"held": held, "rows": ROWS, "idle_drill_ms": {"p50": p(idle, .5), "p95": p(idle, .95), "n": len(idle)},
         "modes": {}}
    say(f"drill queries idle: p50 {p(idle, .5):.0f} ms, p95 {p(idle, .95):.0f} ms ({len(idle)} calls)")
    tmp = args.data / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    run_no = int(time.time()) % 1000 * 10
    for mode in modes:
        loads, during = [], []
        for i in range(args.runs):
            run_no += 1
            path = correction_file(store, tmp / f"correction-{run_no}.csv", run_no)
            busy = threading.Event()
            busy.set()
            box: list = []
            th = threading.Thread(target=lambda: box.append(drill_while(store, calls, busy)))
            th.start()
            try:
                loads.append(one_load(store, mode, path))
            finally:
                busy.clear()
                th.join()
                path.unlink(missing_ok=True)
            during += box[0] if box else []
            L = loads[-1]
            say(f"{mode:<12} run {i + 1}: visible {L['visible_s']:.1f} s, flags {L['flags_s']:.1f} s, "
                f"refresh {L['refresh_s'] or 0:.1f} s, rules run {L['rules_run']} {L['unfinished'] or ''}")
            say(f"{'':<12} phases: {L['phases_s']}")
        R["modes"][mode] = {"loads": loads,
                            "visible_s_median": statistics.median(x["visible_s"] for x in loads),
                            "flags_s_median": statistics.median(x["flags_s"] for x in loads),
                            "drill_during_ms": {"p50": p(during, .5), "p95": p(during, .95), "n": len(during)}}
    say("")
    say(f"{'mode':<12}{'visible s':>10}{'flags s':>10}{'drill p50':>11}{'drill p95':>11}   (idle p95 "
        f"{R['idle_drill_ms']['p95']:.0f} ms)")
    for mode, M in R["modes"].items():
        d = M["drill_during_ms"]
        say(f"{mode:<12}{M['visible_s_median']:>10.1f}{M['flags_s_median']:>10.1f}{d['p50']:>9.0f}ms{d['p95']:>9.0f}ms")
    if args.out:
        args.out.write_text(json.dumps(R, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
