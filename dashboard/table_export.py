"""Whole tables to CSV or XLSX, streamed, each file carrying its context.

``budgetwatch export --table vouchers|flags|departments`` writes through here, and so does the
dashboard's download route (``dashboard/downloads.py``) for tables that can be large (the
execution page's vouchers: ``pages/execution/download.py``). The context
block is the dashboard's own (``dashboard.tables.context_rows``): title, the filters that
produced the file, the data's as-of date, the export time and the row count — ``#`` comment
lines above the header in CSV (UTF-8 with BOM; pandas reads it with ``comment='#'``), a header
block above the table in XLSX (``xlsx_writer``, the one XLSX writer).

Rows go from DuckDB to the file in Arrow record batches, so a million vouchers take a few
dozen MB, not the whole result: CSV as pyarrow CSV chunks (``csv_chunks``, which the route
yields as they come), XLSX through ``xlsx_writer`` in xlsxwriter's constant-memory mode (capped
at Excel's row limit, with a message that says to use CSV).
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import formula_guard
from budgetwatch.dashboard.xlsx_writer import PERCENT
from budgetwatch.errors import BudgetwatchError
from budgetwatch.dashboard.tables import XLSX_MAX_ROWS, context_rows, csv_comment_lines
from budgetwatch.dashboard.urls import date_param, int_param
from budgetwatch.queries import exports as qx
from budgetwatch.queries.store import Store

FORMATS = ("csv", "xlsx")


class ExportError(BudgetwatchError, RuntimeError):
    """The export cannot be made as asked; the message is fit to show a person."""


@dataclass
class Source:
    title: str
    filters: list[tuple[str, str]]
    as_of: str | None
    rows: int
    batches: pa.RecordBatchReader
    exported_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    formats: dict[str, str] = field(default_factory=dict)   # XLSX number format by column, where not the default

    def context(self, lang: str) -> list[tuple[str, str]]:
        return context_rows(self.title, self.filters, self.as_of, self.exported_at, self.rows, lang)


@dataclass(frozen=True)
class Table:
    name: str
    open: Callable[[Store, dict, str], contextlib.AbstractContextManager[Source]]
    keys: tuple[str, ...]
    help: str


TABLES: dict[str, Table] = {}


def register(name: str, keys: Iterable[str], help: str = ""):
    def deco(fn):
        TABLES[name] = Table(name, contextlib.contextmanager(fn), tuple(keys), help)
        return fn
    return deco


def _period(con, query: dict):
    from budgetwatch.queries import overview as q

    period = q.resolve_period(con, int_param(query.get("year")), date_param(query.get("as_of")))
    if period is None:
        raise ExportError("还没有预算或支付数据 / no budget or payment data loaded yet")
    return period


def _frame_batches(frame: pd.DataFrame) -> pa.RecordBatchReader:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.to_reader(max_chunksize=qx.BATCH_ROWS)


# -- the tables ----------------------------------------------------------------------------
@register("vouchers", ("year", "as_of", "dept", "func", "econ", "fund"),
          "支付凭证明细 / payment vouchers")
def _vouchers(store: Store, query: dict, lang: str) -> Iterator[Source]:
    with store.reader() as con:
        period = _period(con, query)
        dept = (query.get("dept") or "").strip() or None
        params = qx.voucher_params(period.year, period.as_of, dept, query.get("func"), query.get("econ"),
                                   query.get("fund"))
        filters = [("年度" if lang == "zh" else "Year", str(period.year)),
                   ("截止日期" if lang == "zh" else "As of", period.as_of.isoformat())]
        if dept:
            name = qx.dept_name(con, dept)
            filters.append(("部门（含下属单位）" if lang == "zh" else "Department (with its units)",
                            f"{dept} {name}" if name else dept))
        for key, zh, en in (("func", "功能分类", "Function code"), ("econ", "经济分类", "Economic code"),
                            ("fund", "预算类型", "Fund type")):
            if query.get(key):
                filters.append((zh if lang == "zh" else en, str(query[key])))
        title = (f"{period.year}年支付凭证明细" if lang == "zh" else f"Payment vouchers {period.year}")
        rows, reader = qx.stream_vouchers(con, params)
        yield Source(title, filters, period.as_of.isoformat(), rows, reader)


@register("departments", ("year", "as_of"), "各部门预算执行 / execution by department")
def _departments(store: Store, query: dict, lang: str) -> Iterator[Source]:
    from budgetwatch.queries import overview as q

    with store.reader() as con:
        period = _period(con, query)
        frame = q.department_execution(con, period.year, period.as_of)
    zh = lang == "zh"
    out = pd.DataFrame({
        "部门编码" if zh else "Code": frame["dept_code"].astype(str),
        "部门名称" if zh else "Department": frame["dept_name"].astype(str),
        "年初预算（元）" if zh else "Original budget (CNY)": frame["original"].round(2),
        "调整预算（元）" if zh else "Adjusted budget (CNY)": frame["adjusted"].round(2),
        "已支出（元）" if zh else "Spent (CNY)": frame["spent"].round(2),
        "执行进度" if zh else "Execution rate": frame["rate"].round(4),
        "序时进度" if zh else "Time schedule": round(period.schedule, 4),
    })
    title = f"{period.year}年各部门预算执行" if zh else f"Execution by department {period.year}"
    filters = [("年度" if zh else "Year", str(period.year)),
               ("截止日期" if zh else "As of", period.as_of.isoformat())]
    rates = {"执行进度" if zh else "Execution rate", "序时进度" if zh else "Time schedule"}
    yield Source(title, filters, period.as_of.isoformat(), len(out), _frame_batches(out),
                 formats=dict.fromkeys(rates, PERCENT))


@register("flags", ("year", "as_of", "dept", "severity"), "预警清单（含复核） / warnings with reviews")
def _flags(store: Store, query: dict, lang: str) -> Iterator[Source]:
    from budgetwatch.queries import flags as qflags
    from budgetwatch.queries.rules.base import SEVERITY_CN

    year = int_param(query.get("year"))
    if year is None:
        with store.reader() as con:
            year = _period(con, query).year
    as_of = query.get("as_of") or None
    frame = qflags.flags_with_reviews(store, year, as_of)
    zh = lang == "zh"
    filters = [("年度" if zh else "Year", str(year)), ("截止日期" if zh else "As of", as_of or "—")]
    dept = (query.get("dept") or "").strip()
    if dept:
        with store.reader() as con:
            ancestors, names = qflags.unit_ancestors(con)
        keep = [dept in ancestors.get(str(c), {str(c)}) for c in frame["dept_code"]]
        frame = frame[keep]
        filters.append(("部门（含下属单位）" if zh else "Department (with its units)",
                        f"{dept} {names.get(dept, '')}".strip()))
    severity = [s.strip() for s in (query.get("severity") or "").split(",") if s.strip()]
    if severity:
        frame = frame[frame["severity"].isin(severity)]
        filters.append(("预警等级" if zh else "Severity", "、".join(SEVERITY_CN.get(s, s) for s in severity) if zh else ", ".join(severity)))
    seen = next((a for a in frame.get("as_of", []) if isinstance(a, str) and a), None)
    out = pd.DataFrame({
        "规则" if zh else "Rule": frame["rule"].astype(str),
        "预警等级" if zh else "Severity": [SEVERITY_CN.get(s, s) if zh else s for s in frame["severity"]],
        "名称" if zh else "Title": frame["title"].astype(str),
        "对象编码" if zh else "Entity": frame["entity_key"].astype(str),
        "单位编码" if zh else "Unit": frame["dept_code"].astype("string"),
        "金额（元）" if zh else "Amount (CNY)": pd.to_numeric(frame["amount"]).round(2),
        "说明" if zh else "Message": fmt.flags_in(frame, lang)["message"].astype(str),
        "状态" if zh else "State": frame["state"].astype("string"),
        "复核结论" if zh else "Review": frame["review_status"].astype("string"),
        "复核人" if zh else "Reviewer": frame["reviewer"].astype("string"),
        "复核说明" if zh else "Review note": frame["review_note"].astype("string"),
    })
    title = f"{year}年预警清单" if zh else f"Warnings {year}"
    yield Source(title, filters, seen or as_of, len(out), _frame_batches(out))


# -- writers -------------------------------------------------------------------------------
_CSV_OPTIONS = dict(quoting_style="needed")


def _csv_bytes(table: pa.Table, header: bool) -> bytes:
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink, write_options=pacsv.WriteOptions(include_header=header, **_CSV_OPTIONS))
    return sink.getvalue().to_pybytes()


def csv_chunks(source: Source, lang: str = "zh", counter: list | None = None) -> Iterator[bytes]:
    """The CSV as byte chunks: BOM and ``# key: value`` lines, the header, then one chunk per
    Arrow batch — what ``write_csv`` writes and the dashboard's download route streams.
    ``counter[0]`` (if given) counts the rows sent so far."""
    yield ("\ufeff" + csv_comment_lines(source.context(lang))).encode("utf-8")
    yield _csv_bytes(source.batches.schema.empty_table(), True)
    for batch in source.batches:
        if batch.num_rows:
            yield _csv_bytes(pa.Table.from_batches([formula_guard.csv_batch(batch)]), False)
            if counter is not None:
                counter[0] += batch.num_rows


def write_csv(source: Source, fh: BinaryIO, lang: str = "zh") -> int:
    """BOM, ``# key: value`` lines, header, rows — batch by batch. Returns rows written."""
    counter = [0]
    for chunk in csv_chunks(source, lang, counter):
        fh.write(chunk)
    return counter[0]


def too_many_rows(rows: int) -> str:
    return (f"共 {rows:,} 行，超过 Excel 单表上限 {XLSX_MAX_ROWS:,} 行；请导出 CSV 或缩小筛选范围 / "
            f"{rows:,} rows is more than an Excel sheet holds ({XLSX_MAX_ROWS:,}): export CSV "
            f"or narrow the filters")


def write_xlsx(source: Source, path: str | Path, lang: str = "zh", *, truncate: bool = False) -> int:
    """The header block, then the rows, batch by batch, through the one XLSX writer
    (``xlsx_writer``: constant-memory mode, amounts and dates typed and formatted, widths).

    More rows than an Excel sheet holds: refused (``ExportError``) — or, with ``truncate``
    (the dashboard's download), the first ``XLSX_MAX_ROWS`` rows with a note in the header
    block saying so and pointing to CSV."""
    from budgetwatch.dashboard import xlsx_writer

    context = source.context(lang)
    if source.rows > XLSX_MAX_ROWS:
        if not truncate:
            raise ExportError(too_many_rows(source.rows))
        note = (f"只含前 {XLSX_MAX_ROWS:,} 行（共 {source.rows:,} 行，超过 Excel 单表上限）；完整数据请导出 CSV"
                if lang == "zh" else
                f"only the first {XLSX_MAX_ROWS:,} of {source.rows:,} rows (an Excel sheet holds no more); "
                f"export CSV for all of them")
        context = [*context, ("注意" if lang == "zh" else "Note", note)]
    chunks = ([col.to_pylist() for col in batch.columns] for batch in source.batches if batch.num_rows)
    return xlsx_writer.write(str(path), title=source.title, context=context, names=list(source.batches.schema.names),
                             chunks=chunks, formats=source.formats, limit=XLSX_MAX_ROWS)


def export_table(store: Store, name: str, query: dict, fmt: str, output: str | Path,
                 lang: str = "zh") -> int:
    """Write table ``name`` for the URL query to ``output`` as CSV or XLSX; rows written."""
    if name not in TABLES:
        raise ExportError(f"没有表 {name}；可用：{', '.join(TABLES)} / no table {name!r}; known: "
                          f"{', '.join(TABLES)}")
    if fmt not in FORMATS:
        raise ExportError(f"表格只能导出为 csv 或 xlsx / tables export as csv or xlsx, not {fmt!r}")
    output = Path(output)
    tmp = output.with_name(output.name + ".part")
    try:
        with TABLES[name].open(store, query, lang) as source:
            if fmt == "csv":
                with open(tmp, "wb") as fh:
                    n = write_csv(source, fh, lang)
            else:
                n = write_xlsx(source, tmp, lang)
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
    return n
