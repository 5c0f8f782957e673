"""Whole tables for export, streamed: the SQL of each exportable table and a batch reader.

A million vouchers never sit in memory at once: ``stream`` hands out Arrow record batches
straight from DuckDB (``to_arrow_reader`` on a relation), and ``count`` tells the writer how
many rows will come (the export's context block names it before the first row).

Columns leave DuckDB named as a person reads them (凭证号, 金额（元）…); codes stay text,
amounts stay exact decimals in yuan.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from budgetwatch.queries import store as gw
from budgetwatch.queries.units import UNITS_OF_DEPT

BATCH_ROWS = 100_000

# Units of a department: itself and every unit below it.
_UNITS_OF = UNITS_OF_DEPT

VOUCHERS_SQL = f"""
SELECT p.voucher_no AS "凭证号", p.pay_date AS "支付日期", p.dept_code AS "单位编码",
       coalesce(d.dept_name, p.dept_code) AS "单位名称", p.payee AS "收款人",
       p.amount AS "金额（元）", p.func_code AS "功能分类", p.econ_code AS "经济分类",
       p.fund_type AS "预算类型", p.purpose AS "用途"
FROM payments p
LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1) d
       USING (dept_code)
WHERE p.pay_date BETWEEN $start AND $as_of
  AND ($dept IS NULL OR p.dept_code IN {_UNITS_OF})
  AND ($func IS NULL OR starts_with(p.func_code, $func))
  AND ($econ IS NULL OR starts_with(p.econ_code, $econ))
  AND ($fund IS NULL OR p.fund_type = $fund)
ORDER BY p.pay_date, p.voucher_no"""


def voucher_params(year: int, as_of: dt.date, dept: str | None = None, func: str | None = None,
                   econ: str | None = None, fund: str | None = None) -> dict:
    return {"start": dt.date(year, 1, 1), "as_of": as_of, "dept": dept or None,
            "func": func or None, "econ": econ or None, "fund": fund or None}


def count(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> int:
    return int(gw.scalar(con, f"SELECT count(*) FROM ({sql})", params, name="export_count"))


def stream(con: duckdb.DuckDBPyConnection, sql: str, params: dict,
           batch_rows: int = BATCH_ROWS) -> pa.RecordBatchReader:
    """The result as a reader of Arrow record batches (at most ``batch_rows`` rows each)."""
    return gw.stream(con, sql, params, batch_rows=batch_rows, name="export_rows")


CHUNK_ROWS = 50_000


def date_chunks(con: duckdb.DuckDBPyConnection, sql: str, params: dict,
                chunk_rows: int = CHUNK_ROWS) -> list[tuple[dt.date, dt.date, int]]:
    """Consecutive date ranges of the vouchers query holding at most ``chunk_rows`` rows each
    (a single day with more stays one range): (first day, last day, rows)."""
    days = gw.rows(con, f'SELECT "支付日期", count(*) FROM ({sql}) GROUP BY 1 ORDER BY 1', params,
                   name="export_days", max_rows=None)
    chunks: list[tuple[dt.date, dt.date, int]] = []
    for day, n in days:
        if chunks and chunks[-1][2] + n <= chunk_rows:
            first, _, rows = chunks[-1]
            chunks[-1] = (first, day, rows + n)
        else:
            chunks.append((day, day, n))
    return chunks


def stream_vouchers(con: duckdb.DuckDBPyConnection, params: dict, batch_rows: int = BATCH_ROWS,
                    chunk_rows: int = CHUNK_ROWS) -> tuple[int, pa.RecordBatchReader]:
    """(row count, reader) for the vouchers query, in date order.

    Sorting a million rows at once costs DuckDB several hundred MB, so the rows are read a
    date range at a time (each at most ``chunk_rows`` rows, each sorted on its own): memory
    stays bounded by the chunk, whatever the year holds."""
    chunks = date_chunks(con, VOUCHERS_SQL, params, chunk_rows)
    schema = gw.arrow_schema(con, VOUCHERS_SQL, params, name="export_vouchers")

    def batches():
        for first, last, _ in chunks:
            yield from stream(con, VOUCHERS_SQL, {**params, "start": first, "as_of": last}, batch_rows)

    return sum(n for _, _, n in chunks), pa.RecordBatchReader.from_batches(schema, batches())


def stream_voucher_view(con: duckdb.DuckDBPyConnection, node, year: int, as_of: dt.date,
                        filter_model: dict | None = None, voucher: str | None = None,
                        batch_rows: int = BATCH_ROWS, chunk_rows: int = CHUNK_ROWS) -> tuple[int, pa.RecordBatchReader]:
    """(row count, reader) for the execution page's vouchers grid (``queries.execution``: a
    node of the drill-down, the grid's filters, one voucher), in the grid's default order —
    newest day first, then voucher number — read a date range at a time like
    ``stream_vouchers`` so memory stays bounded by the range, not the year."""
    from budgetwatch.queries import execution as qe

    gw.rows(con, "SET enable_progress_bar = false")   # a slow reader (XLSX) must not print DuckDB's bar
    base, params = qe._voucher_from(node, year, as_of, filter_model, voucher)
    days = gw.rows(con, base.format(select="x.pay_date AS d, count(*) AS n") + "\n        GROUP BY 1 ORDER BY 1 DESC",
                   params, name="export_view_days", max_rows=None)
    chunks: list[list] = []          # [newest day, oldest day, rows], newest range first
    for day, n in days:
        if chunks and chunks[-1][2] + n <= chunk_rows:
            chunks[-1][1] = day
            chunks[-1][2] += n
        else:
            chunks.append([day, day, n])
    sql = (base.format(select=qe._VOUCHER_SELECT) + "\n        AND x.pay_date BETWEEN $chunk_lo AND $chunk_hi"
           + f"\n        ORDER BY {qe.grid_order(None)}")
    empty = {**params, "chunk_lo": dt.date(1900, 1, 1), "chunk_hi": dt.date(1900, 1, 1)}
    schema = gw.arrow_schema(con, sql, empty, name="export_voucher_view")

    def batches():
        for hi, lo, _ in chunks:
            yield from stream(con, sql, {**params, "chunk_lo": lo, "chunk_hi": hi}, batch_rows)

    return sum(n for _, _, n in chunks), pa.RecordBatchReader.from_batches(schema, batches())


def dept_name(con: duckdb.DuckDBPyConnection, code: str | None) -> str | None:
    if not code:
        return None
    return gw.scalar(con, "SELECT any_value(dept_name) FROM departments WHERE dept_code = ?", [code],
                     name="dept_name") or None
