"""The execution page's vouchers download, streamed from DuckDB in Arrow batches.

It lives in the page's room (it reads the page's URL state) and hands ``dashboard/table_export``
a ``Source``; the route in ``dashboard/downloads.py`` writes it as CSV or XLSX.
"""
from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pandas as pd
import pyarrow as pa

from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.pages.execution.pieces import (VOUCHER_EXPORT_COLUMNS, _period, step_labels,
                                                       vouchers_heading)
from budgetwatch.dashboard.pages.execution.state import node_of, state_of
from budgetwatch.dashboard.table_export import ExportError, Source
from budgetwatch.dashboard.vouchers import voucher_frame
from budgetwatch.queries import execution as q
from budgetwatch.queries import exports as qx
from budgetwatch.queries.store import Store


@contextlib.contextmanager
def open_execution_vouchers(store: Store, query: dict, lang: str) -> Iterator[Source]:
    """The execution page's vouchers download, streamed: every voucher of the node in the URL
    query (``by``, ``path``, ``voucher``) matching the grid's filters (``grid``: AG Grid's
    filterModel as JSON), in the grid's default order, with the columns and context block of
    ``dashboard.pages.execution.fetch_vouchers``. The connection stays open while the
    caller reads the batches."""
    state = state_of(query)
    node = node_of(state)
    filter_model = None
    raw = query.get("grid")
    if raw and len(raw) <= 8000:
        try:
            filter_model = json.loads(raw)
        except ValueError:
            filter_model = None
    if not isinstance(filter_model, dict) or not filter_model:
        filter_model = None
    cols = list(VOUCHER_EXPORT_COLUMNS)
    labels_of = {c: t(f"exec.vcol.{c}", lang) for c in cols}
    schema = pa.schema([(labels_of[c], pa.float64() if c == "amount" else pa.string()) for c in cols])
    with store.reader() as con:
        period = _period(con, state)
        if period is None:
            raise ExportError("还没有预算或支付数据 / no budget or payment data loaded yet")
        labels = step_labels(node, q.node_names(con, node))
        title, filters = vouchers_heading(period, node, labels, state, filter_model, lang)
        rows, reader = qx.stream_voucher_view(con, node, period.year, period.as_of, filter_model,
                                              state.get("voucher"))

        def batches():
            for batch in reader:
                frame = voucher_frame(batch.to_pandas())[cols].rename(columns=labels_of)
                frame[labels_of["amount"]] = pd.to_numeric(frame[labels_of["amount"]]).astype("float64")
                yield pa.RecordBatch.from_pandas(frame, schema=schema, preserve_index=False)

        yield Source(title, filters, period.as_of.isoformat(), rows,
                     pa.RecordBatchReader.from_batches(schema, batches()))
