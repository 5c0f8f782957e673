"""A crowd of signed-in members against ``budgetwatch serve``: latency, errors, server memory.

    python3 benchmarks/crowd_bench.py --data DIR                        # 50 members, cache off and on, with and without a load
    python3 benchmarks/crowd_bench.py --data DIR --members 10 --modes on --loads no

DIR is a loaded data folder (e.g. the demo city at scale 170: ≈ 10M payments a year, made by
``budgetwatch demo --scale 170 --no-serve --data-dir DIR``). For each combination of
``--modes`` (``off``: the page cache off, ``BUDGETWATCH_PAGE_CACHE_MB=0`` — the baseline; ``on``:
the default cache) and ``--loads`` (``no``; ``yes``: ``budgetwatch ingest`` of a small payments
file, again and again, while the crowd works — each one publishes a new generation and so drops
the cache) it starts the real server in a subprocess, signs ``--members`` accounts in at once
(``--limited`` of them limited to one department each, two per department), and lets every
member do, ``--rounds`` times, what a member does in a browser, through the same Dash callback
requests the browser sends:

* **overview** — the router draws 总览 and the overview callback fills it (the header's
  notice, which the browser asks alongside, is timed on its own: **notice**);
* **execution** — the router draws 预算执行 and its first level;
* **drill** — three clicks on the treemap (类 → 款 → 项), each one callback;
* **vouchers** — the leaf's voucher grid, first block of 100.

Each step is timed from the first request to the last answer; an error is any answer other
than 200, a time-out (``--timeout``), or a page that says its drawing failed. The server's
resident memory is sampled every 0.2 s (max) and its VmHWM read at the end. Figures go to
stdout and ``--out`` (JSON).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "Crowd-bench-password-1"
FAILED_MARKS = ("is-error",)          # components.failure → notice(..., tone="is-error")


def say(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- accounts --------------------------------------------------------------------------------
def make_accounts(data: Path, members: int, limited: int) -> list[tuple[str, list[str]]]:
    from budgetwatch.queries import accounts
    from budgetwatch.queries.store import Store

    with Store(data).reader() as con:
        tops = [r[0] for r in con.execute(
            "SELECT dept_code FROM departments WHERE parent_code IS NULL ORDER BY dept_code").fetchall()]
    made = []
    for i in range(members):
        depts = [tops[(i // 2) % len(tops)]] if i < limited else []
        name = f"crowd{i:03d}"
        if accounts.get_user(data, name) is None:
            accounts.add_user(data, name, PASSWORD, "member", depts=depts or None, actor="bench")
        made.append((name, depts))
    return made


# -- Dash callbacks as the browser sends them -------------------------------------------------
def _id(text):
    return json.loads(text) if isinstance(text, str) and text.startswith("{") else text


def _outputs(spec: str) -> list[dict]:
    parts = spec[2:-2].split("...") if spec.startswith("..") else [spec]
    out = []
    for p in parts:
        ident, prop = p.rsplit(".", 1)
        out.append({"id": _id(ident), "property": prop})
    return out


class Callbacks:
    """The app's callbacks (from ``/_dash-dependencies``), found by an output they write."""

    def __init__(self, deps: list[dict]):
        self.deps = deps

    def find(self, *needles: str) -> dict:
        for d in self.deps:
            if all(n in d["output"] for n in needles):
                return d
        raise SystemExit(f"no callback writes {needles}")

    @staticmethod
    def body(dep: dict, values: dict, changed: list[str]) -> dict:
        def fill(items):
            return [{"id": _id(x["id"]), "property": x["property"],
                     "value": values.get((x["id"], x["property"]))} for x in items]
        outs = _outputs(dep["output"])
        return {"output": dep["output"], "outputs": outs if len(outs) > 1 or dep["output"].startswith("..") else outs[0],
                "inputs": fill(dep["inputs"]), "state": fill(dep.get("state", [])),
                "changedPropIds": changed}


class Member:
    def __init__(self, base: str, name: str, cbs: Callbacks, timeout: float):
        self.base, self.name, self.cbs, self.timeout = base, name, cbs, timeout
        self.s = requests.Session()
        self.s.headers["Origin"] = base

    def login(self) -> None:
        r = self.s.get(self.base + "/login", timeout=self.timeout)
        token = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
        r = self.s.post(self.base + "/login", data={"username": self.name, "password": PASSWORD, "csrf": token,
                                                   "next": "/"}, allow_redirects=False, timeout=self.timeout)
        if r.status_code != 302:
            raise RuntimeError(f"login {r.status_code}: {r.text[:200]}")

    def call(self, dep: dict, values: dict, changed: list[str]) -> dict:
        r = self.s.post(self.base + "/_dash-update-component", json=Callbacks.body(dep, values, changed),
                        timeout=self.timeout)
        if r.status_code == 204:
            return {}
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
        if any(m in r.text for m in FAILED_MARKS):
            raise RuntimeError("the page says drawing failed: " + r.text[:300])
        return r.json().get("response", {})


def _prop(resp: dict, ident, prop: str):
    key = json.dumps(ident, sort_keys=True, separators=(",", ":")) if isinstance(ident, dict) else ident
    return (resp.get(key) or {}).get(prop)


class Journey:
    """The steps one member takes, with the ids of the app."""

    def __init__(self, cbs: Callbacks):
        from budgetwatch.dashboard import ids
        self.ids = ids
        F, O, E = ids.Frame, ids.Overview, ids.Execution
        self.router = cbs.find(f"{F.PAGE}.children")
        self.notice = cbs.find(f"{F.NOTICE}.children")
        self.overview = cbs.find(f"{O.SCHEDULE}.children")
        self.execution = cbs.find(f"{E.STATE}.data", f"{E.CRUMBS}.children")
        self.rows = cbs.find(f"{ids.table(E.T_VOUCHERS)}.getRowsResponse")

    def overview_step(self, m: Member, record) -> None:
        """The router draws 总览, then its callback fills it; the header's notice is asked
        alongside (as the browser does, on its own), timed on its own."""
        F, O = self.ids.Frame, self.ids.Overview
        url = {(F.URL, "pathname"): "/", (F.URL, "search"): ""}
        t = time.perf_counter()
        m.call(self.router, url, [f"{F.URL}.pathname"])
        m.call(self.overview, {(F.URL, "search"): ""}, [f"{O.YEAR}.value"])
        record("overview", time.perf_counter() - t)
        t = time.perf_counter()
        m.call(self.notice, url, [f"{F.URL}.pathname"])
        record("notice", time.perf_counter() - t)

    def execution_steps(self, m: Member, timings: list, record) -> None:
        F, E = self.ids.Frame, self.ids.Execution
        treemap = json.dumps(self.ids.graph(E.TREEMAP), sort_keys=True, separators=(",", ":"))
        url = {(F.URL, "pathname"): "/execution", (F.URL, "search"): ""}
        t = time.perf_counter()
        m.call(self.router, url, [f"{F.URL}.pathname"])
        resp = m.call(self.execution, {(F.URL, "search"): "", (E.STATE, "data"): {}}, [f"{E.YEAR}.value"])
        record("execution", time.perf_counter() - t)
        state = _prop(resp, E.STATE, "data") or {}
        for _ in range(3):
            rows = _prop(resp, self.ids.table(E.T_LEVEL), "rowData") or []
            codes = [r.get("code") for r in rows if r.get("code")]
            if not codes:
                break
            click = {"points": [{"customdata": [codes[0]]}]}
            t = time.perf_counter()
            resp = m.call(self.execution, {(F.URL, "search"): "", (E.STATE, "data"): state,
                                           (treemap, "clickData"): click}, [f"{treemap}.clickData"])
            record("drill", time.perf_counter() - t)
            state = _prop(resp, E.STATE, "data") or state
        grid_query = _prop(resp, E.GRID_QUERY, "data")
        if grid_query:
            t = time.perf_counter()
            m.call(self.rows, {(self.ids.table(E.T_VOUCHERS), "getRowsRequest"):
                               {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}},
                               (E.GRID_QUERY, "data"): grid_query, (E.STATE, "data"): state,
                               (F.URL, "search"): ""},
                   [f"{self.ids.table(E.T_VOUCHERS)}.getRowsRequest"])
            record("vouchers", time.perf_counter() - t)


# -- the server --------------------------------------------------------------------------------
def start_server(data: Path, port: int, cache_mb: str, log: Path) -> subprocess.Popen:
    # "off" is the server before any sharing: no page cache (and so no shared callback answers)
    # and no warming of the default views; "on" is the server as shipped.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUDGETWATCH_PAGE_CACHE_MB": cache_mb,
           "BUDGETWATCH_WARM": "0" if cache_mb == "0" else "1"}
    proc = subprocess.Popen([sys.executable, "-m", "budgetwatch", "serve", "--data-dir", str(data),
                             "--port", str(port)], env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/login", timeout=5).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped: {log.read_text()[-2000:]}")
        time.sleep(0.5)
    raise SystemExit("the server did not answer in 120 s")


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


class RssWatch(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.max_kb, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            self.max_kb = max(self.max_kb, _status_kb(self.pid, "VmRSS"))


# -- a background load -----------------------------------------------------------------------
def background_files(data: Path, work: Path, n: int, rows: int) -> list[Path]:
    """``n`` payments files of ``rows`` new vouchers each, copied from the data's own payments."""
    from budgetwatch.queries.store import Store

    out = []
    with Store(data).reader() as con:
        for k in range(n):
            path = work / f"bg_payments_{k}.csv"
            con.execute(f"""COPY (SELECT 'BG{k}-' || voucher_no AS voucher_no, pay_date, dept_code, func_code,
                                        econ_code, fund_type, payee, amount
                                 FROM payments USING SAMPLE {rows} ROWS) TO '{path}' (HEADER)""")
            out.append(path)
    return out


class Loader(threading.Thread):
    def __init__(self, data: Path, files: list[Path], log: Path):
        super().__init__(daemon=True)
        self.data, self.files, self.log = data, files, log
        self.stop, self.loads, self.seconds = threading.Event(), 0, []

    def run(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        i = 0
        with open(self.log, "a") as log:
            while not self.stop.is_set() and i < len(self.files):
                t = time.perf_counter()
                subprocess.run(["nice", "-n", "10", sys.executable, "-m", "budgetwatch", "ingest", "payments",
                                str(self.files[i]), "--data-dir", str(self.data)], env=env, stdout=log,
                               stderr=subprocess.STDOUT)
                self.seconds.append(time.perf_counter() - t)
                self.loads += 1
                i += 1


# -- one run -----------------------------------------------------------------------------------
def pct(xs: list[float], p: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def crowd(data: Path, accounts: list, mode: str, load: bool, args, work: Path) -> dict:
    port = free_port()
    cache_mb = "0" if mode == "off" else str(args.cache_mb)
    proc = start_server(data, port, cache_mb, work / f"serve-{mode}-{'load' if load else 'quiet'}.log")
    base = f"http://127.0.0.1:{port}"
    watch = RssWatch(proc.pid)
    watch.start()
    times: dict[str, list[float]] = {}
    errors: dict[str, list[str]] = {}
    lock = threading.Lock()
    loader = None
    try:
        deps = requests.get(base + "/_dash-dependencies", timeout=30)
        if deps.status_code == 401:            # the dependencies are behind the login too
            probe = Member(base, accounts[0][0], None, args.timeout)
            probe.login()
            deps = probe.s.get(base + "/_dash-dependencies", timeout=30)
        cbs = Callbacks(deps.json())
        journey = Journey(cbs)
        if load:
            files = background_files(data, work, args.load_files, args.load_rows)
            loader = Loader(data, files, work / "loads.log")
            loader.start()
            time.sleep(args.load_head_start)
        gate = threading.Barrier(len(accounts))

        def record(step: str, secs: float) -> None:
            with lock:
                times.setdefault(step, []).append(secs)

        def fail(step: str, exc: BaseException) -> None:
            with lock:
                errors.setdefault(step, []).append(f"{type(exc).__name__}: {str(exc)[:200]}")

        def member(name: str) -> None:
            m = Member(base, name, cbs, args.timeout)
            gate.wait()
            t = time.perf_counter()
            try:
                m.login()
                record("login", time.perf_counter() - t)
            except Exception as exc:       # noqa: BLE001 — counted, reported
                fail("login", exc)
                return
            for _ in range(args.rounds):
                try:
                    journey.overview_step(m, record)
                except Exception as exc:   # noqa: BLE001
                    fail("overview", exc)
                try:
                    journey.execution_steps(m, [], record)
                except Exception as exc:   # noqa: BLE001
                    fail("drill", exc)

        started = time.perf_counter()
        threads = [threading.Thread(target=member, args=(name,)) for name, _ in accounts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        if loader is not None:
            loader.stop.set()
        hwm = _status_kb(proc.pid, "VmHWM")
        watch.stop.set()
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if loader is not None:
            loader.join()
    out = {"mode": mode, "load": load, "members": len(accounts), "rounds": args.rounds, "wall_s": wall,
           "rss_max_mb": watch.max_kb / 1024, "vmhwm_mb": hwm / 1024,
           "loads": loader.loads if loader else 0, "load_s": loader.seconds if loader else [],
           "steps": {}, "errors": {k: len(v) for k, v in errors.items()},
           "error_samples": {k: v[:3] for k, v in errors.items()}}
    for step, xs in times.items():
        out["steps"][step] = {"n": len(xs), "p50_s": pct(xs, 0.5), "p95_s": pct(xs, 0.95), "max_s": max(xs)}
    return out


def render(results: list[dict]) -> str:
    lines = ["| cache | background load | step | n | p50 | p95 | max | errors | server RSS max |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for step in ("login", "overview", "notice", "execution", "drill", "vouchers"):
            s = r["steps"].get(step)
            err = r["errors"].get(step, 0)
            if s is None and not err:
                continue
            s = s or {"n": 0, "p50_s": None, "p95_s": None, "max_s": None}
            f = lambda v: "—" if v is None else f"{v * 1000:,.0f} ms"   # noqa: E731
            lines.append(f"| {r['mode']} | {'yes (%d loads)' % r['loads'] if r['load'] else 'no'} | {step} | "
                         f"{s['n']} | {f(s['p50_s'])} | {f(s['p95_s'])} | {f(s['max_s'])} | {err} | "
                         f"{r['rss_max_mb']:,.0f} MB |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="a loaded data folder (it gains accounts and, "
                    "with --loads yes, a few thousand payments)")
    ap.add_argument("--members", type=int, default=50)
    ap.add_argument("--limited", type=int, default=10, help="how many of them are limited to one department")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--modes", default="off,on", help="page cache: off (baseline), on")
    ap.add_argument("--loads", default="no,yes", help="a background load running: no, yes")
    ap.add_argument("--cache-mb", type=int, default=256)
    ap.add_argument("--timeout", type=float, default=90.0)
    ap.add_argument("--load-files", type=int, default=4)
    ap.add_argument("--load-rows", type=int, default=20_000)
    ap.add_argument("--load-head-start", type=float, default=3.0, help="seconds the load runs before the crowd")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    data = args.data.resolve()
    work = Path(tempfile.mkdtemp(prefix="perf-crowd-"))
    accounts = make_accounts(data, args.members, args.limited)
    say(f"{len(accounts)} members ({args.limited} limited to one department) on {data}; work in {work}")
    results = []
    for mode in args.modes.split(","):
        for load in args.loads.split(","):
            say(f"cache {mode}, background load {load} …")
            r = crowd(data, accounts, mode, load == "yes", args, work)
            say(f"  {r['wall_s']:.0f} s, RSS max {r['rss_max_mb']:,.0f} MB, errors {r['errors']}")
            for step, s in r["steps"].items():
                say(f"  {step:<10} n={s['n']:<4} p50 {s['p50_s'] * 1000:8,.0f} ms  p95 {s['p95_s'] * 1000:8,.0f} ms")
            results.append(r)
    table = render(results)
    print(table)
    meta = {"date": dt.datetime.now().isoformat(timespec="seconds"), "load_average": os.getloadavg(),
            "data": str(data), "results": results}
    if args.out:
        args.out.write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
