"""How long do all warning rules take over a year of 10 million payments?

    python3 benchmarks/rules_bench.py                      # 10M payments, ./bench-data/rules
    python3 benchmarks/rules_bench.py --payments 1000000   # smaller
    python3 benchmarks/rules_bench.py --reuse              # keep the data built last time

Builds a data folder through ``Store.writer`` with synthetic data generated inside DuckDB
(no Python loop over rows): ~1,300 units under 100 departments (some nested two levels),
their budget lines, N payments in the year (log-normal amounts, busier in December, a few
duplicates, split payments and unbudgeted codes planted), as many in the year before (for
the 三公 comparison; ``--prev-payments``), enterprises, administrative assets and audit findings. Then it
times ``compute_flags`` over all rules on a fresh read-only connection and prints each
rule's time, its flag count and the total.

(The demo-data generator ``budgetwatch/demo_data.py`` writes feed files for the demo; this
benchmark does not depend on it.)
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from budgetwatch.queries.rules import RULES, compute_flags  # noqa: E402
from budgetwatch.queries.store import Store  # noqa: E402

TARGET_S = 30.0

# u(i, salt): a deterministic uniform number in [0, 1) from the row number.
U = "((hash({i}, {salt}) % 1000000007) / 1000000007.0)"


def u(i: str, salt: int) -> str:
    return U.format(i=i, salt=salt)


def build(path: Path, payments: int, prev_payments: int, year: int, threads: int | None) -> None:
    started = time.perf_counter()
    store = Store(path)
    with store.writer("bench") as w:
        con = w.con
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        for table in ("departments", "budget", "payments", "assets_enterprise", "assets_admin",
                      "audit_findings"):
            con.execute(f"DELETE FROM {table}")
        # 100 departments, 9 units each, 3 of those with a sub-unit: 1,300 codes
        con.execute("""
            INSERT INTO departments
            SELECT printf('%03d', d), '部门' || d, NULL, '330100', 0, NULL FROM range(100) t(d)
            UNION ALL
            SELECT printf('%03d%03d', d, k), '部门' || d || '下属单位' || k, printf('%03d', d),
                   '330100', 0, NULL
            FROM range(100) a(d), range(1, 10) b(k)
            UNION ALL
            SELECT printf('%03d%03d%03d', d, k, 1), '部门' || d || '单位' || k || '科室',
                   printf('%03d%03d', d, k), '330100', 0, NULL
            FROM range(100) a(d), range(1, 4) b(k)""")
        con.execute("CREATE TEMP TABLE units AS SELECT row_number() OVER (ORDER BY dept_code) - 1 AS n, "
                    "dept_code FROM departments")
        n_units = con.execute("SELECT count(*) FROM units").fetchone()[0]
        # 24 budget lines per unit: 6 function codes × 4 economic codes (incl. 三公 30217)
        con.execute(f"""
            CREATE TEMP TABLE combos AS
            SELECT row_number() OVER () - 1 AS c, f.func_code, e.econ_code
            FROM (VALUES ('2010101'), ('2050202'), ('2080201'), ('2100101'), ('2130101'), ('2120101'))
                 f(func_code),
                 (VALUES ('30201'), ('30211'), ('30217'), ('31002')) e(econ_code)""")
        con.execute(f"""
            INSERT INTO budget
            SELECT {year}, u.dept_code, c.func_code, c.econ_code, '一般公共预算', b, b, 0, NULL, NULL
            FROM units u, combos c,
                 LATERAL (SELECT CAST(round(1000000 + {u('u.n * 100 + c.c', 1)} * 12000000, 2)
                                      AS DECIMAL(18,2)) AS b)""")
        made = time.perf_counter()
        # payments: rows i of the year; a planted duplicate copies row i-1 a day later,
        # a planted split group is three rows of one unit and payee within a week
        for y, count, first in ((year, payments, 0), (year - 1, prev_payments, payments)):
            days = 366 if y % 4 == 0 else 365
            con.execute(f"""
                INSERT INTO payments
                WITH base AS (
                    SELECT i,
                           CASE WHEN i % 4999 = 1 THEN i - 1
                                WHEN i % 20011 IN (1, 2) THEN i - i % 20011 ELSE i END AS k,
                           CASE WHEN i % 4999 = 1 THEN 1
                                WHEN i % 20011 IN (1, 2) THEN 3 * (i % 20011) ELSE 0 END AS shift,
                           i % 20011 IN (0, 1, 2) AS split
                    FROM range({first}, {first + count}) t(i)),
                attrs AS (
                    SELECT i, k, shift, split,
                           CAST(floor({u('k', 2)} * {n_units}) AS BIGINT) AS unit,
                           CAST(floor({u('k', 3)} * 24) AS BIGINT) AS combo,
                           -- day of year: uniform, one payment in twelve moved to December
                           CASE WHEN {u('k', 4)} < 0.0833 THEN {days - 31} + floor({u('k', 5)} * 31)
                                ELSE floor({u('k', 5)} * {days}) END AS doy,
                           sqrt(-2 * ln(1 - {u('k', 6)})) * cos(2 * pi() * {u('k', 7)}) AS z,
                           {u('k', 8)} AS r
                    FROM base)
                SELECT 'V' || {y} || lpad(CAST(a.i AS VARCHAR), 10, '0'),
                       least(make_date({y}, 1, 1) + CAST(a.doy + a.shift AS INTEGER), make_date({y}, 12, 31)),
                       un.dept_code,
                       CASE WHEN a.r < 0.0001 THEN '2299999' ELSE c.func_code END,
                       c.econ_code, '一般公共预算',
                       '收款人' || CAST(floor({u('a.k', 9)} * 40000) AS BIGINT),
                       CAST(CASE WHEN a.split THEN 850000 + floor({u('a.k', 10)} * 140000)
                                 WHEN a.r > 0.995 THEN -round(exp(7 + a.z), 2)
                                 ELSE greatest(round(exp(8.5 + 1.6 * a.z), 2), 1) END AS DECIMAL(18,2)),
                       NULL, NULL, 0, NULL, NULL
                FROM attrs a JOIN units un ON un.n = a.unit JOIN combos c ON c.c = a.combo
                ORDER BY 2""")
        paid = time.perf_counter()
        con.execute(f"""
            INSERT INTO assets_enterprise
            SELECT y, printf('91330100MA%08d', e), '国企' || e, printf('%03d', e % 100),
                   a, a * (0.3 + {u('e * 7 + y', 11)} * 0.65), a * (0.7 - {u('e * 7 + y', 11)} * 0.65) + 0,
                   a * 0.4, a * ({u('e * 5 + y', 12)} * 0.2 - 0.05), 0, NULL
            FROM range(500) t(e), (VALUES ({year - 1}), ({year})) v(y),
                 LATERAL (SELECT CAST(1e7 + {u('e', 13)} * 1e9 AS DECIMAL(18,2)) AS a)""")
        con.execute(f"""
            INSERT INTO assets_admin
            SELECT {year}, u.dept_code, cat, NULL, b, CAST(b * {u('u.n * 11 + length(cat)', 14)} * 0.3 AS DECIMAL(18,2)), 0, NULL
            FROM units u, (VALUES ('房屋'), ('土地'), ('车辆'), ('通用设备'), ('专用设备'), ('无形资产')) c(cat),
                 LATERAL (SELECT CAST(1e5 + {u('u.n * 13 + length(cat)', 15)} * 1e8 AS DECIMAL(18,2)) AS b)""")
        con.execute(f"""
            INSERT INTO audit_findings
            SELECT 'SJ' || f, {year} - CAST(floor({u('f', 16)} * 4) AS INTEGER), '预算执行审计',
                   un.dept_code,
                   ['预算管理', '专项资金', '政府采购', '国有资产管理', '财务管理', '债务管理'][1 + f % 6],
                   NULL, inv, make_date({year} - 1, 6, 30) + CAST(floor({u('f', 17)} * 360) AS INTEGER),
                   ['已整改', '部分整改', '未整改'][1 + CAST(floor({u('f', 18)} * 3) AS INTEGER)],
                   CAST(inv * {u('f', 19)} AS DECIMAL(18,2)), NULL, 0, NULL
            FROM range(5000) t(f) JOIN units un ON un.n = f % {n_units},
                 LATERAL (SELECT CAST(1e4 + {u('f', 20)} * 1e7 AS DECIMAL(18,2)) AS inv)""")
        w.touch()
    print(f"built {path}: {payments:,} payments in {year} (+{prev_payments:,} in {year - 1}), "
          f"{n_units:,} units; budget {made - started:.1f} s, payments {paid - made:.1f} s, "
          f"total {time.perf_counter() - started:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--payments", type=int, default=10_000_000)
    ap.add_argument("--prev-payments", type=int,
                    help="payments in the year before (default: as many as --payments)")
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--data-dir", default="bench-data/rules")
    ap.add_argument("--reuse", action="store_true", help="use the data built last time")
    ap.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    ap.add_argument("--as-of", help="as-of date (default: latest payment of the year)")
    args = ap.parse_args(argv)
    path = Path(args.data_dir).resolve()
    store = Store(path)
    if not (args.reuse and store.current_path() is not None):
        prev = args.payments if args.prev_payments is None else args.prev_payments
        build(path, args.payments, prev, args.year, args.threads)
    with store.reader() as con:
        if args.threads:
            con.execute(f"SET threads = {int(args.threads)}")
        n = con.execute("SELECT count(*) FROM payments WHERE year(pay_date) = ?", [args.year]).fetchone()[0]
        size = os.path.getsize(store.current_path()) / 2**20
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
        print(f"{n:,} payments in {args.year}; database {size:,.0f} MiB; DuckDB threads {threads}")
        timings: dict[str, float] = {}
        started = time.perf_counter()
        flags = compute_flags(con, args.year, as_of=args.as_of, timings=timings)
        total = time.perf_counter() - started
    counts = flags["rule"].value_counts()
    print(f"\n{'rule':<20}{'seconds':>9}{'flags':>10}")
    for rule in RULES:
        print(f"{rule.id:<20}{timings.get(rule.id, 0):>9.2f}{int(counts.get(rule.id, 0)):>10,}")
    print(f"{'ALL (compute_flags)':<20}{total:>9.2f}{len(flags):>10,}")
    verdict = "OK" if total <= TARGET_S else "TOO SLOW"
    print(f"\ntarget ≤ {TARGET_S:.0f} s at 10M payments: {verdict}")
    return 0 if total <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
