"""Ingest speed: `budgetwatch ingest payments` against DuckDB's bare `read_csv` of the same file.

    python3 benchmarks/ingest_bench.py --rows 1000000 [--gb18030] [--xlsx-rows 200000]

Writes a payments CSV shaped like a treasury export, then in one run times
  * baseline: DuckDB `read_csv` with explicit column types into a table (no validation),
  * budgetwatch: the whole ingest path (sniff, sha256, read, type + validate in SQL, upsert,
    lineage, checkpoint, publish) into an empty data folder,
and prints seconds, rows/s and the ratio. Optional GB18030 and xlsx inputs show throughput.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from budgetwatch.ingest.pipeline import ingest_files  # noqa: E402
from budgetwatch.queries.store import Store  # noqa: E402

TYPES = {"voucher_no": "VARCHAR", "pay_date": "DATE", "dept_code": "VARCHAR", "func_code": "VARCHAR",
         "econ_code": "VARCHAR", "fund_type": "VARCHAR", "payee": "VARCHAR", "amount": "DECIMAL(18,2)",
         "payee_account": "VARCHAR", "purpose": "VARCHAR"}


def write_csv(path: Path, n: int) -> None:
    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT '2025' || lpad(i::VARCHAR, 10, '0') AS voucher_no,
                 DATE '2025-01-01' + CAST(i % 365 AS INTEGER) AS pay_date,
                 lpad((1 + i % 12)::VARCHAR, 3, '0') || lpad((i % 5)::VARCHAR, 3, '0') AS dept_code,
                 (['2050202','2050203','2100201','2010101','2040201'])[1 + i % 5] AS func_code,
                 (['30101','30201','30211','30217','31002','30226'])[1 + i % 6] AS econ_code,
                 '一般公共预算' AS fund_type,
                 '湖南供应商' || (i % 5000)::VARCHAR || '有限公司' AS payee,
                 round(exp(7 + 2 * random()), 2) AS amount,
                 '6217' || lpad((i % 99991)::VARCHAR, 12, '0') AS payee_account,
                 '办公用品采购' AS purpose
          FROM range({n}) t(i)
        ) TO '{path}' (HEADER, DELIMITER ',')""")


def time_it(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def baseline(path: Path, work: Path) -> float:
    db = work / "bare.duckdb"
    db.unlink(missing_ok=True)

    def run():
        con = duckdb.connect(str(db))
        con.execute("CREATE TABLE payments AS SELECT * FROM read_csv(?, header = true, columns = ?)",
                    [str(path), TYPES])
        con.execute("CHECKPOINT")
        con.close()
    return time_it(run)


def ours(path: Path, work: Path) -> float:
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    store = Store(data)
    store.ensure()

    def run():
        [r] = ingest_files(store, "payments", [path], who="bench")
        assert r.status == "applied", r.problems[:3]
    return time_it(run)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--gb18030", action="store_true", help="also time the same file in GB18030")
    ap.add_argument("--xlsx-rows", type=int, default=0, help="also time an xlsx of this many rows")
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bw-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / "payments.csv"
    print(f"writing {args.rows:,} payments to {csv_path} …", flush=True)
    write_csv(csv_path, args.rows)
    mb = csv_path.stat().st_size / 1e6
    results = []
    b = baseline(csv_path, work)
    o = ours(csv_path, work)
    results.append(("duckdb read_csv (typed, no checks)", args.rows, b, None))
    results.append(("budgetwatch ingest, UTF-8 CSV", args.rows, o, o / b))
    if args.gb18030:
        gb = work / "payments_gb.csv"
        with open(csv_path, encoding="utf-8") as src, open(gb, "w", encoding="gb18030") as dst:
            shutil.copyfileobj(src, dst, 16 << 20)
        g = ours(gb, work)
        results.append(("budgetwatch ingest, GB18030 CSV", args.rows, g, g / b))
    if args.xlsx_rows:
        import pandas as pd
        x = work / "payments.xlsx"
        duck = duckdb.connect()
        frame = duck.execute("SELECT * FROM read_csv(?, all_varchar = true) LIMIT ?",
                             [str(csv_path), args.xlsx_rows]).df()
        frame.to_excel(x, index=False, engine="openpyxl")
        xs = ours(x, work)
        results.append(("budgetwatch ingest, xlsx", args.xlsx_rows, xs, None))
    print(f"\nfile: {mb:.0f} MB, {args.rows:,} rows\n")
    print(f"{'measurement':<38}{'rows':>12}{'seconds':>10}{'rows/s':>12}{'× baseline':>12}")
    for name, n, s, ratio in results:
        print(f"{name:<38}{n:>12,}{s:>10.2f}{n / s:>12,.0f}{(f'{ratio:.2f}' if ratio else ''):>12}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
