"""How long does each dashboard page take to answer, on a big data folder?

    python3 benchmarks/pages_bench.py                          # /tmp/bw10m (≈10M payments a year)
    python3 benchmarks/pages_bench.py --data-dir DIR --runs 5
    python3 benchmarks/pages_bench.py --http                   # also real HTTP round trips
    python3 benchmarks/pages_bench.py --publish                # cold = after a fresh load publishes

For each page it calls the page's main callback function(s) directly, as the dashboard does
(signed in as a staff account through ``dashboard.auth.acting_as``), and prints:

* **cold** — the first call after a new data generation: every in-process cache emptied
  (flags, department flags, reference lookups) — what the first visitor after a load waits.
  With ``--publish`` a real new generation is written first (``Store.writer``, the same
  after-load step ``ingest`` runs: ``queries.refresh.refresh``), and its cost is printed too.
* **warm** — the median of ``--runs`` further calls.

With ``--http`` it starts ``budgetwatch serve`` on a free port, signs a ``requests`` session in
through ``/login`` (CSRF token from the form) and times ``/_dash-update-component`` POSTs for a
few callbacks, as a browser would send them (cold = first request after the server started).

Target (the dashboard issue): every page under 1 s warm on a 2-core machine.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from budgetwatch.dashboard import auth  # noqa: E402
from budgetwatch.dashboard.pages import assets, audit, data, department, execution, overview, warnings  # noqa: E402
from budgetwatch.queries import execution as qe  # noqa: E402
from budgetwatch.queries import flags as qf  # noqa: E402
from budgetwatch.queries import reference  # noqa: E402
from budgetwatch.queries.accounts import User  # noqa: E402
from budgetwatch.queries.store import Store  # noqa: E402

TARGET_S = 1.0


def clear_caches() -> None:
    """Forget everything kept in process between requests, as after a new generation."""
    qf.clear_cache()
    for fn in vars(reference).values():
        if hasattr(fn, "cache_clear"):
            fn.cache_clear()


def pick(store: Store) -> dict:
    """A year, as-of date, a deep drill path, a department and a voucher flag to time."""
    with store.reader() as con:
        year = con.execute("SELECT max(year) FROM budget").fetchone()[0]
        # the biggest 项 of the biggest 类, and the biggest department
        lei = con.execute("""SELECT left(func_code, 3), count(*) FROM payments
                             WHERE pay_date >= make_date(?, 1, 1) GROUP BY 1 ORDER BY 2 DESC LIMIT 1""",
                          [year]).fetchone()[0]
        xiang = con.execute("""SELECT func_code, count(*) FROM payments
                               WHERE pay_date >= make_date(?, 1, 1) AND starts_with(func_code, ?)
                                 AND length(func_code) = 7 GROUP BY 1 ORDER BY 2 DESC LIMIT 1""",
                            [year, lei]).fetchone()[0]
        dept = con.execute("""SELECT coalesce(d.parent_code, p.dept_code) FROM payments p
                              LEFT JOIN departments d USING (dept_code)
                              WHERE pay_date >= make_date(?, 1, 1) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1""",
                           [year]).fetchone()[0]
        top = con.execute("SELECT dept_code FROM departments WHERE dept_code = ? "
                          "AND (parent_code IS NULL OR parent_code = '')", [dept]).fetchone()
        if top is None:
            dept = con.execute("SELECT dept_code FROM departments WHERE parent_code IS NULL OR parent_code = '' "
                               "ORDER BY dept_code LIMIT 1").fetchone()[0]
    return {"year": int(year), "lei": lei, "kuan": xiang[:5], "xiang": xiang, "dept": dept}


def pages(store: Store, p: dict) -> list[tuple[str, Callable[[], object]]]:
    """(name, call) for every page's main callback(s)."""
    y, s = p["year"], "?lang=zh"
    path = {"root": None, "类": p["lei"], "款": f"{p['lei']}.{p['kuan']}",
            "项": f"{p['lei']}.{p['kuan']}.{p['xiang']}"}

    def execution_at(key: str):
        state = {"year": str(y), "by": "func", **({"path": path[key]} if path[key] else {})}
        return lambda: execution.update_execution(store, state, s)

    grid_query = {"by": "func", "path": path["项"], "year": y, "as_of": None, "voucher": None}

    def vouchers():
        if grid_query["as_of"] is None:   # the page resolves it first, as the browser has it
            with store.reader() as con:
                grid_query["as_of"] = execution._period(con, {"year": str(y)}).as_of.isoformat()
        return execution.grid_rows(store, {"startRow": 0, "endRow": execution.VOUCHER_PAGE,
                                           "sortModel": [], "filterModel": {}}, grid_query)

    def one_flag():
        fs = qf.flag_set(store, y, warnings.resolve(store, y, None)["as_of"])
        active = fs.frame[fs.frame["state"] == "active"]
        row = active[active["rule"] == "DUPLICATE_PAYMENT"].head(1)
        row = row if len(row) else active.head(1)
        flag = f"{row['rule'].iloc[0]}|{row['entity_key'].iloc[0]}"
        return warnings.update_detail(store, flag, y, None, s)

    return [
        ("overview", lambda: overview.update_overview(store, y, None, s)),
        ("execution root", execution_at("root")),
        ("execution 类", execution_at("类")),
        ("execution 款", execution_at("款")),
        ("execution 项 (+grid)", execution_at("项")),
        ("vouchers grid page", vouchers),
        ("departments picker", lambda: department.update_department(store, y, None, None, s)),
        ("one department", lambda: department.update_department(store, y, None, p["dept"], s)),
        ("assets", lambda: assets.update_assets(store, None, None, None, s)),
        ("audit", lambda: audit.update_audit(store, y, None, s)),
        ("warnings list", lambda: warnings.update_warnings(store, y, None, None, None, None, None, None, s)),
        ("one flag", one_flag),
        ("data", lambda: data.refresh(store, None, s)),
    ]


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def publish(store: Store) -> float:
    """A new generation, as a load makes it (copy, change, after-load step, publish); returns
    the after-load step's seconds."""
    from budgetwatch.queries import refresh
    with store.writer(who="bench") as w:
        w.touch()
        started = time.perf_counter()
        refresh.refresh(w.con, store.data_dir)
        return time.perf_counter() - started


def bench_functions(store: Store, runs: int, fresh: bool) -> list[tuple[str, float, float]]:
    p = pick(store)
    print(f"data: {store.current_path()}  year {p['year']}  path {p['lei']}.{p['kuan']}.{p['xiang']}"
          f"  department {p['dept']}")
    if fresh:
        print(f"after-load step (flag cache + year summary): {publish(store):.2f} s")
    out = []
    with auth.acting_as(User("bench", "staff")):
        for name, call in pages(store, p):
            clear_caches()
            cold = timed(call)
            warm = statistics.median(timed(call) for _ in range(runs))
            out.append((name, cold, warm))
            print(f"  {name:<24} cold {cold * 1000:8.0f} ms   warm {warm * 1000:8.0f} ms"
                  + ("   SLOW" if warm > TARGET_S else ""), flush=True)
    return out


# -- HTTP ---------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session(base: str, username: str, password: str):
    import requests
    s = requests.Session()
    form = s.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    r = s.post(base + "/login", data={"username": username, "password": password, "csrf": token, "next": "/"},
               allow_redirects=False, timeout=30)
    assert r.status_code == 302, f"login failed: {r.status_code}"
    return s


def _update(output: str, outputs: list, inputs: list, state: list, changed: list) -> dict:
    return {"output": output, "outputs": outputs, "inputs": inputs, "state": state, "changedPropIds": changed}


def _outputs_of(deps: list, first_output_id: str) -> dict:
    """The dependency entry of the callback whose output names ``first_output_id``."""
    for d in deps:
        if first_output_id in d["output"]:
            return d
    raise KeyError(first_output_id)


def _id(value):
    """Pattern-matching ids travel as JSON text in the dependency list, as objects in requests."""
    return json.loads(value) if isinstance(value, str) and value.startswith("{") else value


def _spec(items: list, values: dict) -> list:
    return [{"id": _id(i["id"]), "property": i["property"], "value": values.get((i["id"], i["property"]))}
            for i in items]


def _out_spec(output: str) -> list | dict:
    parts = output.strip(".").split("...")
    specs = [{"id": _id(o.rsplit(".", 1)[0]), "property": o.rsplit(".", 1)[1]} for o in parts if o]
    return specs if output.startswith("..") else specs[0]


def bench_http(store: Store, runs: int) -> list[tuple[str, float, float]]:
    from budgetwatch.dashboard import ids
    from budgetwatch.queries import accounts
    user, password = "pages-bench", "Pages-bench-pass-1"
    if accounts.get_user(store.data_dir, user) is None:
        accounts.add_user(store.data_dir, user, password, "staff")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tempfile.NamedTemporaryFile(prefix="pages-bench-serve-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "-m", "budgetwatch", "serve", "--host", "127.0.0.1", "--port",
                             str(port), "--data-dir", str(store.data_dir)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT)
    out = []
    try:
        import requests
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + "/login", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"serve did not start; see {log.name}")
                time.sleep(0.2)
        s = _session(base, user, password)
        deps = s.get(base + "/_dash-dependencies", timeout=30).json()
        p = pick(store)
        y = p["year"]

        def post(first_output: str, values: dict, search: str, changed: list[str]) -> Callable[[], None]:
            d = _outputs_of(deps, first_output)
            values = {**values, (ids.Frame.URL, "search"): search}
            body = _update(d["output"], _out_spec(d["output"]), _spec(d["inputs"], values),
                           _spec(d["state"], values), changed)

            def call():
                r = s.post(base + "/_dash-update-component", json=body, timeout=120)
                r.raise_for_status()
            return call

        O, E, W, D = ids.Overview, ids.Execution, ids.Warnings, ids.Department
        leaf = f"{p['lei']}.{p['kuan']}.{p['xiang']}"
        cases = [
            ("overview", post(f"{O.YEAR}.options", {(O.YEAR, "value"): y}, f"?year={y}", [f"{O.YEAR}.value"])),
            ("execution root", post(f"{E.STATE}.data", {(E.STATE, "data"): {"year": str(y)}, (E.YEAR, "value"): y},
                                    f"?year={y}", [f"{E.YEAR}.value"])),
            ("execution 项", post(f"{E.STATE}.data", {(E.STATE, "data"): {"year": str(y), "by": "func", "path": leaf},
                                                      (E.YEAR, "value"): y}, f"?year={y}", [f"{E.YEAR}.value"])),
            ("one department", post(f"{D.YEAR}.options", {(D.YEAR, "value"): y, (D.DEPT, "value"): p["dept"]},
                                    f"?year={y}&dept={p['dept']}", [f"{D.DEPT}.value"])),
            ("warnings list", post(f"{W.YEAR}.options", {(W.YEAR, "value"): y}, f"?year={y}", [f"{W.YEAR}.value"])),
        ]
        for name, call in cases:
            cold = timed(call)
            warm = statistics.median(timed(call) for _ in range(runs))
            out.append((name, cold, warm))
            print(f"  HTTP {name:<19} cold {cold * 1000:8.0f} ms   warm {warm * 1000:8.0f} ms"
                  + ("   SLOW" if warm > TARGET_S else ""), flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default=os.environ.get("BUDGETWATCH_BENCH_DIR", "/tmp/bw10m"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--http", action="store_true", help="also time HTTP round trips through budgetwatch serve")
    ap.add_argument("--publish", action="store_true",
                    help="write a new generation first (copies the database) so cold is truly after a load")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)
    store = Store(args.data_dir)
    if store.current_path() is None:
        print(f"no data in {args.data_dir}", file=sys.stderr)
        return 2
    started = dt.datetime.now()
    rows = bench_functions(store, args.runs, args.publish)
    http = bench_http(store, args.runs) if args.http else []
    slow = [n for n, _c, w in rows + http if w > TARGET_S]
    print(f"{len(rows)} page callbacks, {len(http)} HTTP round trips; "
          + (f"over {TARGET_S:.0f} s warm: {', '.join(slow)}" if slow else f"all under {TARGET_S:.0f} s warm"))
    if args.json:
        Path(args.json).write_text(json.dumps({"when": started.isoformat(), "data_dir": args.data_dir,
                                               "pages": rows, "http": http}, ensure_ascii=False, indent=1))
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
