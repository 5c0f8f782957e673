"""Performance at scale, every figure against its baseline, in one run.

    python3 benchmarks/run.py --scale 170                 # ≈ 10M payments a year, two years (≈ 6 min here)
    python3 benchmarks/run.py --scale 170 --skip-gen      # reuse the feeds written last time
    python3 benchmarks/run.py --scale 5 --runs 3          # a quick smoke run

Steps (all in one process tree, one after the other, so the figures share one machine state):

1. generate the demo city with ``budgetwatch.demo_data.write_demo`` at ``--scale`` into WORK/feeds;
2. ingest: the current year's payments CSV through ``ingest_files`` (sniff, sha256, read, type and
   validate in SQL, upsert, lineage, checkpoint, publish) against DuckDB's bare typed ``read_csv``
   of the same file into a table + CHECKPOINT; then the other year on top of it; GB18030 and xlsx
   samples against the same rows as UTF-8 CSV (rows/s);
3. drill-down: the query functions the pages call (queries/overview.py, queries/execution.py) on
   the loaded two-year folder, each on a fresh read-only connection as a callback opens one,
   median of ``--runs``; against the usual Dash approach (the whole payments table in a pandas
   DataFrame, filtered and grouped per callback) in a subprocess of its own, median of the same;
4. all warning rules (``compute_flags``) over the current year;
5. ``budgetwatch serve`` on the loaded folder, driven by headless Chromium (Playwright, Debian's
   /usr/bin/chromium): overview charts drawn after navigation, drill steps on 预算执行, then the
   server's peak resident memory (VmHWM).

Prints one table — measurement, figure, baseline, ratio, target, met? — and writes it with every
raw figure to WORK/results.json and WORK/results.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

PAY_TYPES = {"voucher_no": "VARCHAR", "pay_date": "DATE", "dept_code": "VARCHAR", "func_code": "VARCHAR",
             "econ_code": "VARCHAR", "fund_type": "VARCHAR", "payee": "VARCHAR", "amount": "DECIMAL(18,2)",
             "payee_account": "VARCHAR", "purpose": "VARCHAR"}
CHROMIUM = os.environ.get("BUDGETWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
BENCH_USER, BENCH_PASSWORD = "bench-admin", "Bench-pass-2025!"
VOUCHER_FILTER = {"payee": {"filterType": "text", "type": "contains", "filter": "公司"}}
VOUCHER_SORT = [{"colId": "amount", "sort": "desc"}]


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def median_ms(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), times


# -- 1. data ---------------------------------------------------------------------------------
def generate(feeds: Path, scale: float) -> dict[str, list[Path]]:
    from budgetwatch.demo_data import write_demo
    shutil.rmtree(feeds, ignore_errors=True)
    secs, result = timed(lambda: write_demo(feeds, scale=scale))
    rows = sum(f.rows for f in result.files if f.feed == "payments")
    say(f"generated {rows:,} payments at scale {scale:g} in {secs:.1f} s → {feeds}")
    return result.by_feed()


def feeds_in(feeds: Path) -> dict[str, list[Path]]:
    from budgetwatch.demo_data import FEED_ORDER
    pattern = {"departments": "01_*", "budget": "02_*", "payments": "03_*", "assets_enterprise": "04_*",
               "assets_admin": "05_*", "audit_findings": "06_*"}
    return {f: sorted(feeds.glob(pattern[f])) for f in FEED_ORDER}


def count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(16 << 20), b""):
            n += chunk.count(b"\n")
    return n


# -- 2. ingest -------------------------------------------------------------------------------
def bare_read_csv(path: Path, work: Path) -> float:
    """DuckDB alone: typed read_csv of the file into a table of a new database, CHECKPOINT."""
    db = work / "bare.duckdb"
    for p in work.glob("bare.duckdb*"):
        p.unlink()

    def run():
        con = duckdb.connect(str(db))
        con.execute("CREATE TABLE payments AS SELECT * FROM read_csv(?, header = true, columns = ?)",
                    [str(path), PAY_TYPES])
        con.execute("CHECKPOINT")
        con.close()
    secs, _ = timed(run)
    for p in work.glob("bare.duckdb*"):
        p.unlink()
    return secs


AFTER_LOAD_S: list[float] = []     # seconds of the pages' summary refresh inside each load


def _watch_after_load() -> None:
    """Time ``queries.refresh.after_load`` (year summary + default flags, made at load for the
    pages) apart from the ingest itself, when the pipeline calls it."""
    from budgetwatch.ingest import pipeline
    summary = getattr(pipeline, "refresh", None)
    if summary is None or getattr(summary.after_load, "_bench", False):
        return
    inner = summary.after_load

    def after_load(*a, **k):
        t = time.perf_counter()
        try:
            return inner(*a, **k)
        finally:
            AFTER_LOAD_S.append(time.perf_counter() - t)
    after_load._bench = True
    summary.after_load = after_load


def ingest(store, feed: str, paths: list[Path], who: str = "bench") -> tuple[float, list, float]:
    """(seconds, reports, seconds of them spent in the pages' summary refresh)."""
    from budgetwatch.ingest.pipeline import ingest_files
    _watch_after_load()
    AFTER_LOAD_S.clear()
    secs, reports = timed(lambda: ingest_files(store, feed, paths, who=who))
    for r in reports:
        if not r.ok:
            raise SystemExit(f"{r.file}: {r.status} {[p.line() for p in r.problems[:3]]}")
    return secs, reports, sum(AFTER_LOAD_S)


def sample_csv(src: Path, dst: Path, rows: int, encoding: str = "utf-8") -> None:
    """The header and the first ``rows`` data lines of a (one record per line) CSV."""
    with open(src, encoding="utf-8-sig", newline="") as fh, open(dst, "w", encoding=encoding, newline="") as out:
        for i, line in enumerate(fh):
            if i > rows:
                break
            out.write(line)


def sample_xlsx(src: Path, dst: Path, rows: int) -> None:
    from openpyxl import Workbook
    con = duckdb.connect()
    cur = con.execute("SELECT * FROM read_csv(?, all_varchar = true) LIMIT ?", [str(src), rows])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("支付明细")
    ws.append([d[0] for d in cur.description])
    for row in cur.fetchall():
        ws.append(list(row))
    wb.save(dst)


def run_ingest(feeds: dict[str, list[Path]], work: Path, data: Path, args, R: dict) -> None:
    from budgetwatch.queries.store import Store
    pay = feeds["payments"]
    current, previous = pay[-1], pay[0]          # 03_payments_<prev>.csv, 03_payments_<cur>.csv
    rows = count_lines(current) - 1
    mb = current.stat().st_size / 1e6
    shutil.rmtree(data, ignore_errors=True)
    store = Store(data)
    store.ensure()
    say(f"ingest: {current.name} ({rows:,} rows, {mb:,.0f} MB) — bare read_csv first")
    bare = bare_read_csv(current, work)
    say(f"  bare read_csv + CHECKPOINT: {bare:.1f} s")
    total, [rep], summ = ingest(store, "payments", [current])
    ours = total - summ
    say(f"  ingest_files (empty folder): {total:.1f} s ({rep.rows_read:,} rows), of which the pages' "
        f"summary refresh {summ:.1f} s")
    R["ingest"] = {"file": current.name, "rows": rows, "mb": mb, "bare_s": bare, "ours_s": ours,
                   "total_s": total, "summary_s": summ}
    if args.repeat_ingest:
        bare2 = bare_read_csv(current, work)
        shutil.rmtree(data, ignore_errors=True)
        store.ensure()
        total2, _, summ2 = ingest(store, "payments", [current])
        say(f"  again: bare {bare2:.1f} s, ingest {total2 - summ2:.1f} s (+ summary {summ2:.1f} s)")
        R["ingest"].update(bare2_s=bare2, ours2_s=total2 - summ2)
    # the rest of the city, so that the dashboard has every feed; payments of the year before last
    for feed, paths in feeds.items():
        if feed == "payments":
            continue
        ingest(store, feed, paths)
    prev_rows = count_lines(previous) - 1
    secs, _, summ = ingest(store, "payments", [previous])
    say(f"  {previous.name} on top of {rows:,} held: {secs:.1f} s, of which summary refresh {summ:.1f} s")
    R["ingest_second"] = {"file": previous.name, "rows": prev_rows, "s": secs - summ, "summary_s": summ}

    # encodings and Excel: the same rows as UTF-8 CSV, each into an empty folder
    samples = work / "samples"
    samples.mkdir(exist_ok=True)
    enc_rows, x_rows = min(args.gb_rows, rows), min(args.xlsx_rows, rows)
    utf8_big, gb = samples / "utf8.csv", samples / "gb18030.csv"
    utf8_small, xlsx = samples / "utf8_small.csv", samples / "payments.xlsx"
    sample_csv(current, utf8_big, enc_rows)
    sample_csv(current, gb, enc_rows, encoding="gb18030")
    sample_csv(current, utf8_small, x_rows)
    sample_xlsx(current, xlsx, x_rows)
    out = {}
    for key, path, n in (("utf8", utf8_big, enc_rows), ("gb18030", gb, enc_rows),
                         ("utf8_small", utf8_small, x_rows), ("xlsx", xlsx, x_rows)):
        folder = work / f"data-{key}"
        shutil.rmtree(folder, ignore_errors=True)
        s = Store(folder)
        s.ensure()
        total, _, summ = ingest(s, "payments", [path])
        secs = total - summ
        out[key] = {"rows": n, "s": secs, "rows_per_s": n / secs, "summary_s": summ}
        say(f"  {key:<10} {n:>10,} rows {secs:6.2f} s  {n / secs:>10,.0f} rows/s")
        shutil.rmtree(folder, ignore_errors=True)
    R["formats"] = out


# -- 3. drill-down queries ---------------------------------------------------------------------
def pick_nodes(store) -> dict:
    """The codes a person would click first: the largest class, its largest 款, …"""
    from budgetwatch.queries import execution as qe
    from budgetwatch.queries import overview as qo
    with store.reader() as con:
        period = qo.resolve_period(con)
        y, day = period.year, period.as_of
        path: list[str] = []
        for _ in range(3):
            frame = qe.level(con, qe.Node("func", tuple(path)), y, day)
            frame = frame[frame["drillable"] & (frame["payments"] > 0)]
            path.append(frame.sort_values("spent", ascending=False)["code"].iloc[0])
        dpath: list[str] = []
        for _ in range(3):
            frame = qe.level(con, qe.Node("dept", tuple(dpath)), y, day)
            frame = frame[frame["drillable"] & (frame["payments"] > 0)]
            dpath.append(frame.sort_values("spent", ascending=False)["code"].iloc[0])
    return {"year": y, "as_of": day.isoformat(), "func": path, "dept": dpath}


def duck_queries(nodes: dict) -> list[tuple[str, object]]:
    """(name, fn(con)) — the calls behind each dashboard interaction, as the pages make them."""
    from budgetwatch.queries import execution as qe
    from budgetwatch.queries import overview as qo
    y, day = nodes["year"], dt.date.fromisoformat(nodes["as_of"])
    f, d = nodes["func"], nodes["dept"]

    def overview(con):
        period = qo.resolve_period(con, y, None)
        qo.department_execution(con, period.year, period.as_of)
        qo.fund_totals(con, period.year, period.as_of)
        qo.monthly_cumulative(con, period.year, period.as_of)

    def level(by, path):
        return lambda con: qe.level(con, qe.Node(by, tuple(path)), y, day)

    return [
        ("overview: period + departments + funds + monthly", overview),
        ("overview: department_execution", lambda con: qo.department_execution(con, y, day)),
        ("overview: fund_totals", lambda con: qo.fund_totals(con, y, day)),
        ("overview: monthly_cumulative", lambda con: qo.monthly_cumulative(con, y, day)),
        ("func level: classes (类)", level("func", [])),
        (f"func level: 款 of {f[0]}", level("func", f[:1])),
        (f"func level: 项 of {f[1]}", level("func", f[:2])),
        ("dept level: departments", level("dept", [])),
        (f"dept level: units of {d[0]}", level("dept", d[:1])),
        (f"dept level: econ 款 of unit {d[1]}", level("dept", d[:2])),
        (f"monthly curve: {f[1]}", lambda con: qe.monthly(con, qe.Node("func", tuple(f[:2])), y, day)),
        (f"monthly curve: dept {d[0]}", lambda con: qe.monthly(con, qe.Node("dept", tuple(d[:1])), y, day)),
        (f"vouchers page: dept {d[0]}, payee ~公司, amount desc",
         lambda con: qe.vouchers_page(con, qe.Node("dept", tuple(d[:1])), y, day, start=0, end=50,
                                      sort_model=VOUCHER_SORT, filter_model=VOUCHER_FILTER)),
        (f"vouchers page: 项 {f[2]}, payee ~公司, amount desc",
         lambda con: qe.vouchers_page(con, qe.Node("func", tuple(f)), y, day, start=0, end=50,
                                      sort_model=VOUCHER_SORT, filter_model=VOUCHER_FILTER)),
    ]


def daily_queries(nodes: dict) -> list[tuple[str, str, dict, object]]:
    """(name, SQL on payments_daily, parameters, the page function it stands for) — what the
    drill-down's heaviest queries cost when they read the per-day sums made at load instead of
    every payment (queries/*.py are the pages'; these show what switching would give)."""
    from budgetwatch.queries import execution as qe
    from budgetwatch.queries import overview as qo
    from budgetwatch.queries.overview import _TREE_CTE
    y, day = nodes["year"], dt.date.fromisoformat(nodes["as_of"])
    f, d = nodes["func"], nodes["dept"]
    p = {"year": y, "as_of": day}
    span = "x.pay_date BETWEEN make_date($year, 1, 1) AND $as_of"
    return [
        ("overview: department_execution", f"""
            WITH RECURSIVE {_TREE_CTE},
            u AS (SELECT dept_code, sum(amount) AS spent FROM payments_daily x WHERE {span} GROUP BY 1)
            SELECT coalesce(t.top_code, u.dept_code) AS dept_code, CAST(sum(spent) AS DOUBLE) AS spent
            FROM u LEFT JOIN tree t USING (dept_code) GROUP BY 1""", p,
         lambda con: qo.department_execution(con, y, day)),
        ("overview: monthly_cumulative", """
            SELECT CAST(year(pay_date) AS INTEGER) AS year, CAST(month(pay_date) AS INTEGER) AS month,
                   CAST(sum(payments) AS BIGINT) AS payments, CAST(sum(amount) AS DOUBLE) AS spent
            FROM payments_daily WHERE pay_date BETWEEN make_date($year - 1, 1, 1) AND $as_of GROUP BY 1, 2""", p,
         lambda con: qo.monthly_cumulative(con, y, day)),
        ("func level: classes (类)", f"""
            SELECT left(func_code, 3) AS code, CAST(sum(amount) AS DOUBLE) AS spent,
                   CAST(sum(payments) AS BIGINT) AS payments
            FROM payments_daily x WHERE {span} GROUP BY 1""", p,
         lambda con: qe.level(con, qe.Node("func"), y, day)),
        (f"func level: 项 of {f[1]}", f"""
            SELECT func_code AS code, CAST(sum(amount) AS DOUBLE) AS spent, CAST(sum(payments) AS BIGINT) AS payments
            FROM payments_daily x WHERE {span} AND starts_with(func_code, $c1) GROUP BY 1""", {**p, "c1": f[1]},
         lambda con: qe.level(con, qe.Node("func", tuple(f[:2])), y, day)),
        ("dept level: departments", f"""
            WITH RECURSIVE {_TREE_CTE},
            u AS (SELECT dept_code, sum(amount) AS spent, sum(payments) AS n FROM payments_daily x
                  WHERE {span} GROUP BY 1)
            SELECT coalesce(t.top_code, u.dept_code) AS code, CAST(sum(spent) AS DOUBLE) AS spent,
                   CAST(sum(n) AS BIGINT) AS payments
            FROM u LEFT JOIN tree t USING (dept_code) GROUP BY 1""", p,
         lambda con: qe.level(con, qe.Node("dept"), y, day)),
        (f"monthly curve: dept {d[0]}", f"""
            WITH RECURSIVE {_TREE_CTE}
            SELECT CAST(year(x.pay_date) AS INTEGER) AS year, CAST(month(x.pay_date) AS INTEGER) AS month,
                   CAST(sum(x.payments) AS BIGINT) AS payments, CAST(sum(x.amount) AS DOUBLE) AS spent
            FROM payments_daily x LEFT JOIN tree t ON t.dept_code = x.dept_code
            WHERE x.pay_date BETWEEN make_date($year - 1, 1, 1) AND $as_of
              AND coalesce(t.top_code, x.dept_code) = $c0
            GROUP BY 1, 2""", {**p, "c0": d[0]},
         lambda con: qe.monthly(con, qe.Node("dept", tuple(d[:1])), y, day)),
    ]


def run_daily_queries(store, nodes: dict, runs: int) -> dict:
    from budgetwatch.ingest.load import daily_ready
    with store.reader() as con:
        if not daily_ready(con):
            say("  payments_daily not valid for this generation: skipped")
            return {}
    out = {}
    for name, sql, params, page_fn in daily_queries(nodes):
        with store.reader() as con:     # same answer as the page's own query?
            got = con.execute(sql, params).df()
            want = page_fn(con)
        same = abs(float(got["spent"].sum()) - float(want["spent"].sum())) < 0.01 * max(1.0, abs(float(want["spent"].sum())))
        same = same and ("payments" not in got or int(got["payments"].sum()) == int(want["payments"].sum()))

        def call():
            with store.reader() as con:
                con.execute(sql, params).df()
        call()
        med, times = median_ms(call, runs)
        out[name] = {"median_ms": med, "runs_ms": times, "same_totals": bool(same)}
        say(f"  daily   {med:8.1f} ms  {name}{'' if same else '  (TOTALS DIFFER)'}")
    return out


def run_duck_queries(store, nodes: dict, runs: int) -> dict:
    out = {}
    for name, fn in duck_queries(nodes):
        def call():
            with store.reader() as con:     # a fresh read-only connection, as every callback opens
                fn(con)
        call()                              # the OS page cache warm, as on a server that has run a while
        med, times = median_ms(call, runs)
        out[name] = {"median_ms": med, "runs_ms": times}
        say(f"  duckdb  {med:8.1f} ms  {name}")
    return out


def pandas_worker(data_dir: str, nodes_json: str, runs: int) -> None:
    """Subprocess: the usual Dash approach — every payment in one DataFrame, filtered per callback."""
    import pandas as pd

    from budgetwatch.queries.store import Store
    nodes = json.loads(nodes_json)
    y, day = nodes["year"], pd.Timestamp(nodes["as_of"])
    f, d = nodes["func"], nodes["dept"]
    store = Store(data_dir)
    t0 = time.perf_counter()
    with store.reader() as con:
        # through Arrow: pandas 3 keeps text as Arrow-backed strings (via .df() the frame peaks at
        # ~19 GB for 20M payments on this machine, as Python objects)
        pay = con.sql("""SELECT voucher_no, pay_date, dept_code, func_code, econ_code, fund_type, payee,
                                    CAST(amount AS DOUBLE) AS amount, purpose FROM payments""").to_arrow_table()
        pay = pay.to_pandas(date_as_object=False)
        budget = con.execute("""SELECT year, dept_code, func_code, econ_code, fund_type,
                                       CAST(original_amount AS DOUBLE) AS original,
                                       CAST(adjusted_amount AS DOUBLE) AS adjusted FROM budget""").df()
        depts = con.execute("SELECT dept_code, dept_name, parent_code FROM departments").df()
    pay["pay_date"] = pd.to_datetime(pay["pay_date"])
    load_s = time.perf_counter() - t0
    # the department tree, once at start-up (as an app would): unit → top-level department
    parent = dict(zip(depts["dept_code"], depts["parent_code"]))

    def top(code):
        seen = 0
        while parent.get(code) and parent.get(code) in parent and seen < 32:
            code, seen = parent[code], seen + 1
        return code
    tops = {c: top(c) for c in parent}

    def in_year(frame):
        return frame[(frame["pay_date"] >= pd.Timestamp(y, 1, 1)) & (frame["pay_date"] <= day)]

    def overview():
        p = in_year(pay)
        b = budget[budget["year"] == y]
        spent = p.groupby(p["dept_code"].map(tops).fillna(p["dept_code"]))["amount"].sum()
        bud = b.groupby(b["dept_code"].map(tops).fillna(b["dept_code"]))[["original", "adjusted"]].sum()
        dep = bud.join(spent, how="outer")
        dep["rate"] = dep["amount"] / dep["adjusted"]
        p.groupby("fund_type")["amount"].sum()
        b.groupby("fund_type")[["original", "adjusted"]].sum()
        monthly()

    def monthly(frame=None):
        p = pay if frame is None else frame
        p = p[(p["pay_date"] >= pd.Timestamp(y - 1, 1, 1)) & (p["pay_date"] <= day)]
        g = p.groupby([p["pay_date"].dt.year, p["pay_date"].dt.month])["amount"].agg(["count", "sum"])
        return g.groupby(level=0).cumsum()

    def level_func(prefix: str, n: int):
        p = in_year(pay)
        if prefix:
            p = p[p["func_code"].str.startswith(prefix)]
        b = budget[budget["year"] == y]
        if prefix:
            b = b[b["func_code"].str.startswith(prefix)]
        s = p.groupby(p["func_code"].str[:n])["amount"].agg(["sum", "count"])
        return b.groupby(b["func_code"].str[:n])[["original", "adjusted"]].sum().join(s, how="outer")

    def level_dept(path: list[str]):
        p, b = in_year(pay), budget[budget["year"] == y]
        ptop, btop = p["dept_code"].map(tops).fillna(p["dept_code"]), b["dept_code"].map(tops).fillna(b["dept_code"])
        if not path:
            kp, kb = ptop, btop
        elif len(path) == 1:
            p, b = p[ptop == path[0]], b[btop == path[0]]
            kp, kb = p["dept_code"], b["dept_code"]
        else:
            p, b = p[(ptop == path[0]) & (p["dept_code"] == path[1])], b[(btop == path[0]) & (b["dept_code"] == path[1])]
            kp, kb = p["econ_code"].str[:5], b["econ_code"].str[:5]
        s = p.groupby(kp)["amount"].agg(["sum", "count"])
        return b.groupby(kb)[["original", "adjusted"]].sum().join(s, how="outer")

    def vouchers(mask_fn):
        p = in_year(pay)
        p = p[mask_fn(p) & p["payee"].str.contains("公司", regex=False)]
        total = len(p)
        page = p.sort_values(["amount", "voucher_no"], ascending=[False, True]).head(50)
        return total, page.merge(depts[["dept_code", "dept_name"]], on="dept_code", how="left")

    def dept_monthly():
        m = pay["dept_code"].map(tops).fillna(pay["dept_code"]) == d[0]
        return monthly(pay[m])

    p_ops = {
        "overview: period + departments + funds + monthly": overview,
        "overview: department_execution": lambda: level_dept([]),
        "overview: fund_totals": lambda: in_year(pay).groupby("fund_type")["amount"].sum(),
        "overview: monthly_cumulative": monthly,
        "func level: classes (类)": lambda: level_func("", 3),
        f"func level: 款 of {f[0]}": lambda: level_func(f[0], 5),
        f"func level: 项 of {f[1]}": lambda: level_func(f[1], 7),
        "dept level: departments": lambda: level_dept([]),
        f"dept level: units of {d[0]}": lambda: level_dept(d[:1]),
        f"dept level: econ 款 of unit {d[1]}": lambda: level_dept(d[:2]),
        f"monthly curve: {f[1]}": lambda: monthly(pay[pay["func_code"].str.startswith(f[1])]),
        f"monthly curve: dept {d[0]}": dept_monthly,
        f"vouchers page: dept {d[0]}, payee ~公司, amount desc":
            lambda: vouchers(lambda p: p["dept_code"].map(tops).fillna(p["dept_code"]) == d[0]),
        f"vouchers page: 项 {f[2]}, payee ~公司, amount desc": lambda: vouchers(lambda p: p["func_code"] == f[2]),
    }
    out = {"load_s": load_s, "rows": len(pay), "queries": {}}
    for name, fn in p_ops.items():
        med, times = median_ms(fn, runs)
        out["queries"][name] = {"median_ms": med, "runs_ms": times}
        print(f"[pandas] {med:8.1f} ms  {name}", file=sys.stderr, flush=True)
    out["rss_peak_mb"] = _vm("VmHWM", os.getpid())
    print(json.dumps(out))


def run_pandas(data: Path, nodes: dict, runs: int) -> dict:
    say("pandas baseline (a subprocess): loading every payment into one DataFrame …")
    proc = subprocess.run([sys.executable, __file__, "--pandas-worker", str(data), json.dumps(nodes),
                           "--runs", str(runs)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"pandas worker failed: {proc.returncode}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    say(f"  pandas: {out['rows']:,} rows loaded in {out['load_s']:.1f} s, peak {out['rss_peak_mb']:,.0f} MB")
    return out


# -- 4. rules --------------------------------------------------------------------------------
def run_rules(store, year: int) -> dict:
    from budgetwatch.queries.rules import compute_flags
    with store.reader() as con:
        timings: dict[str, float] = {}
        secs, flags = timed(lambda: compute_flags(con, year, timings=timings))
    slow = sorted(timings.items(), key=lambda kv: -kv[1])[:5]
    say(f"rules: {secs:.1f} s, {len(flags):,} flags; slowest: "
        + ", ".join(f"{k} {v:.1f}s" for k, v in slow))
    return {"s": secs, "flags": len(flags), "timings": timings}


# -- 5. server and browser -------------------------------------------------------------------
def _vm(field: str, pid: int) -> float:
    """A /proc/PID/status memory figure in MB (VmRSS, VmHWM)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) / 1024 if m else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_browser(data: Path, nodes: dict, work: Path, rounds: int) -> dict:
    from budgetwatch.queries import accounts
    if accounts.get_user(data, BENCH_USER) is None:
        accounts.add_user(data, BENCH_USER, BENCH_PASSWORD, "admin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "budgetwatch", "serve", "--port", str(port),
                             "--data-dir", str(data)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    out: dict = {"pid": proc.pid}
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + "/login", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"budgetwatch serve did not start: {(work / 'serve.log').read_text()[-2000:]}")
                time.sleep(0.2)
        out["rss_idle_mb"] = _vm("VmRSS", proc.pid)
        out.update(_drive(base, nodes, rounds))
        out["rss_mb"] = _vm("VmRSS", proc.pid)
        out["rss_peak_mb"] = _vm("VmHWM", proc.pid)
        say(f"  server RSS idle {out['rss_idle_mb']:,.0f} MB, now {out['rss_mb']:,.0f} MB, "
            f"peak {out['rss_peak_mb']:,.0f} MB")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    return out


CHARTS_DRAWN = """n => [...document.querySelectorAll('.js-plotly-plot')]
                        .filter(g => g._fullData && g._fullData.length > 0 && g.querySelector('.main-svg')).length >= n"""
CRUMB_IS = """code => { const c = document.querySelector('.bw-crumb.is-current');
                       return c && c.textContent.trim().startsWith(code); }"""


def _drive(base: str, nodes: dict, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    from budgetwatch.dashboard import ids
    body = ids.Execution.BODY
    out: dict = {"overview_ms": [], "exec_first_ms": [], "drill_ms": [], "grid_ms": [], "overview_nav_ms": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for r in range(rounds):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            form = context.request.get(base + "/login")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text()).group(1)
            resp = context.request.post(base + "/login", max_redirects=0, form={
                "username": BENCH_USER, "password": BENCH_PASSWORD, "csrf": token, "next": "/"})
            assert resp.status == 302, f"login failed: {resp.status}"
            page = context.new_page()
            page.set_default_timeout(120_000)
            t = time.perf_counter()
            page.goto(base + "/")
            page.wait_for_function(CHARTS_DRAWN, arg=3, polling=20)
            out["overview_ms"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            page.goto(base + f"/execution?year={nodes['year']}&by=func")
            page.wait_for_selector(f"#{body} g.slice path.surface")
            page.wait_for_function(CRUMB_IS, arg="全部", polling=20)
            out["exec_first_ms"].append((time.perf_counter() - t) * 1000)
            page.wait_for_load_state("networkidle")
            for code in nodes["func"]:
                # a tile's label is its name over its code
                tile = page.locator(f"#{body} g.slice").filter(
                    has=page.locator("text", has_text=re.compile(f"(^|[^0-9]){code}([^0-9]|$)")))
                t = time.perf_counter()
                tile.first.locator("path.surface").click()
                page.wait_for_function(CRUMB_IS, arg=code, polling=20)
                page.wait_for_function(CHARTS_DRAWN, arg=2, polling=20)
                out["drill_ms"].append((time.perf_counter() - t) * 1000)
                page.wait_for_load_state("networkidle")
            # the leaf shows its vouchers: time until the first block of rows is in the grid
            t = time.perf_counter()
            page.wait_for_function(
                "() => { const c = [...document.querySelectorAll('.ag-cell[col-id=voucher_no]')];"
                " return c.length > 0 && c.every(x => x.textContent.trim() !== ''); }", polling=20)
            out["grid_ms"].append((time.perf_counter() - t) * 1000)
            page.wait_for_load_state("networkidle")
            # back to the overview through the menu: in-app navigation, scripts already loaded
            t = time.perf_counter()
            page.get_by_role("link", name="总览").first.click()
            page.wait_for_function(CHARTS_DRAWN, arg=3, polling=20)
            out["overview_nav_ms"].append((time.perf_counter() - t) * 1000)
            context.close()
        browser.close()
    say(f"  browser: overview {_fmt_list(out['overview_ms'])} ms; execution first {_fmt_list(out['exec_first_ms'])} ms; "
        f"drill steps {_fmt_list(out['drill_ms'])} ms; overview via menu {_fmt_list(out['overview_nav_ms'])} ms")
    return out


def _fmt_list(xs) -> str:
    return "/".join(f"{x:,.0f}" for x in xs)


# -- the table -------------------------------------------------------------------------------
def table(R: dict) -> list[tuple]:
    rows = []
    ing = R.get("ingest")
    if ing:
        ratio = ing["ours_s"] / ing["bare_s"]
        rows.append((f"ingest {ing['rows']:,} payments CSV ({ing['mb']:,.0f} MB), validation incl.",
                     f"{ing['ours_s']:.1f} s", f"read_csv {ing['bare_s']:.1f} s", f"{ratio:.2f}×", "≤ 1.5×",
                     ratio <= 1.5))
        if ing.get("summary_s"):
            r = ing["total_s"] / ing["bare_s"]
            rows.append(("  + the pages' summary refresh at load (year summary, flags of 2 years)",
                         f"+{ing['summary_s']:.1f} s = {ing['total_s']:.1f} s", f"read_csv {ing['bare_s']:.1f} s",
                         f"{r:.2f}×", "(info)", None))
        if "ours2_s" in ing:
            r2 = ing["ours2_s"] / ing["bare2_s"]
            rows.append(("ingest, second run", f"{ing['ours2_s']:.1f} s", f"read_csv {ing['bare2_s']:.1f} s",
                         f"{r2:.2f}×", "≤ 1.5×", r2 <= 1.5))
    sec = R.get("ingest_second")
    if sec and ing:
        rows.append((f"ingest {sec['rows']:,} more onto {ing['rows']:,} held", f"{sec['s']:.1f} s",
                     f"read_csv {ing['bare_s']:.1f} s", f"{sec['s'] / ing['bare_s']:.2f}×", "(info)", None))
    fm = R.get("formats")
    if fm:
        for key, base, label in (("gb18030", "utf8", "GB18030 CSV"), ("xlsx", "utf8_small", "xlsx")):
            r = fm[base]["rows_per_s"] / fm[key]["rows_per_s"]
            rows.append((f"ingest {label}, {fm[key]['rows']:,} rows", f"{fm[key]['rows_per_s']:,.0f} rows/s",
                         f"UTF-8 {fm[base]['rows_per_s']:,.0f} rows/s", f"{r:.1f}× slower",
                         "≤ 2× of UTF-8" if key == "gb18030" else "≤ 10× of UTF-8",
                         r <= (2 if key == "gb18030" else 10)))
    dq, pq = R.get("duck"), (R.get("pandas") or {}).get("queries", {})
    if dq:
        for name, v in dq.items():
            p = pq.get(name, {}).get("median_ms")
            ratio = p / v["median_ms"] if p else None
            ok = v["median_ms"] <= 150 and (ratio is None or ratio >= 10)
            rows.append((name, f"{v['median_ms']:,.0f} ms", f"pandas {p:,.0f} ms" if p else "—",
                         f"{ratio:,.1f}× faster" if ratio else "—", "≤ 150 ms, ≥ 10×", ok))
    for name, v in (R.get("daily") or {}).items():
        page = (dq or {}).get(name, {}).get("median_ms")
        p = pq.get(name, {}).get("median_ms")
        rows.append((f"  same on payments_daily: {name}", f"{v['median_ms']:,.0f} ms",
                     f"pandas {p:,.0f} ms" if p else "—", f"{p / v['median_ms']:,.1f}× faster" if p else "—",
                     "≤ 150 ms, ≥ 10×" + ("" if v["same_totals"] else " (totals differ!)"),
                     v["median_ms"] <= 150 and (not p or p / v["median_ms"] >= 10) if v["same_totals"] else False))
    if R.get("pandas"):
        rows.append(("pandas: all payments into one DataFrame (start-up)", f"{R['pandas']['load_s']:.1f} s",
                     f"peak {R['pandas']['rss_peak_mb']:,.0f} MB", "", "(info)", None))
    if R.get("rules"):
        rows.append((f"all rules (compute_flags), {R['rules']['flags']:,} flags", f"{R['rules']['s']:.1f} s", "", "",
                     "≤ 30 s", R["rules"]["s"] <= 30))
    br = R.get("browser")
    if br:
        rows.append(("server peak RSS (VmHWM) after the browser runs", f"{br['rss_peak_mb']:,.0f} MB",
                     f"pandas app {R['pandas']['rss_peak_mb']:,.0f} MB" if R.get("pandas") else "", "", "< 2048 MB",
                     br["rss_peak_mb"] < 2048))
        ov = br["overview_ms"]
        rows.append(("browser: overview charts drawn after page load (fresh browser, cold cache)", f"{max(ov):,.0f} ms (worst)",
                     f"median {statistics.median(ov):,.0f} ms", "", "≤ 2000 ms", max(ov) <= 2000))
        nav = br.get("overview_nav_ms") or []
        if nav:
            rows.append(("browser: overview charts drawn after the 总览 menu link (in-app)",
                         f"{max(nav):,.0f} ms (worst)", f"median {statistics.median(nav):,.0f} ms", "",
                         "≤ 2000 ms", max(nav) <= 2000))
        rows.append(("browser: 预算执行 page drawn after navigation", f"{max(br['exec_first_ms']):,.0f} ms (worst)",
                     f"median {statistics.median(br['exec_first_ms']):,.0f} ms", "", "(info)", None))
        dr = br["drill_ms"]
        rows.append((f"browser: drill step (click tile → next level drawn), {len(dr)} steps",
                     f"{max(dr):,.0f} ms (worst)", f"median {statistics.median(dr):,.0f} ms", "", "≤ 1000 ms",
                     max(dr) <= 1000))
        rows.append(("browser: leaf's voucher grid filled after the drill", f"{max(br['grid_ms']):,.0f} ms (worst)",
                     "", "", "(info)", None))
    return rows


def render(rows: list[tuple], markdown: bool) -> str:
    head = ("measurement", "figure", "baseline", "ratio", "target", "met?")
    cells = [tuple("" if c is None else ("yes" if c is True else "NO" if c is False else str(c)) for c in r)
             for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in cells]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*head), fmt.format(*("-" * w for w in widths))] + [fmt.format(*r) for r in cells])


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        distro = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text()).group(1)
    except (OSError, AttributeError):
        distro = platform.platform()
    return (f"{os.cpu_count()} cores, {mem:.0f} GB, {distro}, Python {platform.python_version()}, "
            f"DuckDB {duckdb.__version__}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=170.0, help="demo scale (170 ≈ 10M payments a year)")
    ap.add_argument("--work", type=Path, default=ROOT / "bench-data" / "run",
                    help="working folder: feeds/, data/ (default ./bench-data/run)")
    ap.add_argument("--skip-gen", action="store_true", help="reuse WORK/feeds from the last run")
    ap.add_argument("--skip-ingest", action="store_true", help="reuse WORK/data as loaded last time")
    ap.add_argument("--runs", type=int, default=7, help="runs per query (median)")
    ap.add_argument("--browser-rounds", type=int, default=3)
    ap.add_argument("--gb-rows", type=int, default=1_000_000)
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--repeat-ingest", action="store_true", help="time the 10M ingest and its baseline twice")
    ap.add_argument("--only", default="ingest,queries,pandas,rules,browser",
                    help="comma-separated steps to run (default: all)")
    ap.add_argument("--pandas-worker", nargs=2, metavar=("DATA", "NODES"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.pandas_worker:
        pandas_worker(args.pandas_worker[0], args.pandas_worker[1], args.runs)
        return 0
    from budgetwatch.queries.store import Store
    steps = set(args.only.split(","))
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    feeds_dir, data = work / "feeds", work / "data"
    started = time.perf_counter()
    R: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
               "scale": args.scale, "load_at_start": os.getloadavg()}
    say(f"{R['machine']}; load average {R['load_at_start'][0]:.2f}")
    if args.skip_gen and any(feeds_dir.glob("03_*.csv")):
        feeds = feeds_in(feeds_dir)
    else:
        feeds = generate(feeds_dir, args.scale)
    if "ingest" in steps and not args.skip_ingest:
        run_ingest(feeds, work, data, args, R)
    store = Store(data)
    with store.reader() as con:
        R["payments"] = con.execute("SELECT count(*) FROM payments").fetchone()[0]
    say(f"{R['payments']:,} payments held in {store.current_path()} "
        f"({store.current_path().stat().st_size / 2**20:,.0f} MiB)")
    nodes = pick_nodes(store)
    R["nodes"] = nodes
    if "queries" in steps:
        say(f"drill-down queries (median of {args.runs}, fresh read-only connection each) on {nodes}")
        R["duck"] = run_duck_queries(store, nodes, args.runs)
    if "queries" in steps:
        say("the same questions on payments_daily (per-day sums made at load)")
        R["daily"] = run_daily_queries(store, nodes, args.runs)
    if "pandas" in steps:
        R["pandas"] = run_pandas(data, nodes, min(args.runs, 3))
    if "rules" in steps:
        R["rules"] = run_rules(store, nodes["year"])
    if "browser" in steps:
        say("budgetwatch serve + headless Chromium …")
        R["browser"] = run_browser(data, nodes, work, args.browser_rounds)
    R["load_at_end"] = os.getloadavg()
    R["seconds"] = time.perf_counter() - started
    rows = table(R)
    print()
    print(f"{R['date']} — {R['machine']} — {R['payments']:,} payments — load average "
          f"{R['load_at_start'][0]:.2f} at start, {R['load_at_end'][0]:.2f} at end — {R['seconds'] / 60:.1f} min")
    print(render(rows, markdown=False))
    (work / "results.json").write_text(json.dumps(R, indent=1, default=str), encoding="utf-8")
    (work / "results.md").write_text(render(rows, markdown=True) + "\n", encoding="utf-8")
    print(f"\nraw figures: {work / 'results.json'}; markdown table: {work / 'results.md'}")
    return 0 if all(r[-1] is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
