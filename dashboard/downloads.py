"""The dashboard's one download path: ``/download/<table>.csv|xlsx?<the page's URL query>``.

Every table registered with ``dashboard.tables.register_export`` is served here (the table's
two links point at this route; see tables.py). Like every route it is behind the login door
(``dashboard/security.py``); a table may ask for a role beyond a session (``role="admin"``).

* A table with a ``stream`` (the execution page's vouchers: up to millions of rows) is read
  from DuckDB in Arrow batches on a read-only connection that stays open for the life of the
  response and is closed at its end (or when the client goes away). CSV: the ``#`` context
  block, the header, then the rows batch by batch as the browser reads them. XLSX: written
  with xlsxwriter's constant-memory mode to a temporary file (capped at Excel's row limit,
  with a note in the header block), then streamed and deleted.
* Other tables are small, built from frames: their ``Export`` is serialised in memory
  (``to_csv_bytes``/``to_xlsx_bytes``).

The file name is sent UTF-8 (RFC 5987 ``filename*=``). Every download is written to the audit
log: who, table, format, filters and rows.
"""
from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from urllib.parse import quote

from budgetwatch.dashboard.tables import DOWNLOAD_ROUTE, REGISTRY_KEY, Registered, file_name, to_csv_bytes, to_xlsx_bytes

log = logging.getLogger("budgetwatch.dashboard")

MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FILE_CHUNK = 1 << 20


def _text(status: int, message: str):
    import flask
    return flask.Response(message, status=status, content_type="text/plain; charset=utf-8")


def _disposition(name: str) -> dict:
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store"}


def _audit(store, name: str, kind: str, filters, rows: int | None) -> None:
    import flask

    from budgetwatch.dashboard import auth
    from budgetwatch.queries import accounts

    accounts.log_event(store.data_dir, auth.current_user() or "anonymous", "export", name,
                       {"format": kind, "rows": rows, "filters": dict(filters), "via": "download"},
                       ip=flask.request.remote_addr or "", must=False)


def register(app, store) -> None:
    """The route on the Flask server (once per app)."""
    import flask

    def download(name: str, kind: str):
        from budgetwatch.dashboard import auth
        from budgetwatch.dashboard.i18n import norm_lang

        entry: Registered | None = flask.current_app.config.get(REGISTRY_KEY, {}).get(name)
        if entry is None:
            return _text(404, f"没有表 {name} / no table {name!r}")
        if entry.role:
            user = auth.user()
            if user is None or not user.can(entry.role):
                return _text(403, "无权下载该表 / not allowed to download this table")
        query = {k: v for k, v in flask.request.args.items() if v != ""}
        lang = norm_lang(query.get("lang"))
        try:
            if entry.stream is not None:
                return _streamed(store, entry, query, lang, kind)
            export = entry.fetch(store, query, lang)
        except Exception as exc:   # a sentence for the person, the traceback for the log
            from budgetwatch.dashboard.table_export import ExportError
            if isinstance(exc, ExportError):
                return _text(400, str(exc))
            log.exception("download of %s failed", name)
            return _text(500, "导出失败 / the export could not be made")
        _audit(store, name, kind, export.filters, len(export.frame))
        data = to_xlsx_bytes(export, lang) if kind == "xlsx" else to_csv_bytes(export, lang)
        return flask.Response(data, content_type=MIMETYPES[kind], headers=_disposition(file_name(name, export, kind)))

    app.server.add_url_rule(f"{DOWNLOAD_ROUTE}/<name>.<any(csv, xlsx):kind>", "bw_download", download)


def _streamed(store, entry: Registered, query: dict, lang: str, kind: str):
    """Open the table's Source (one read-only connection) and hand the response a generator
    that closes it when done; XLSX is written to a temporary file first."""
    import flask

    from budgetwatch.dashboard.table_export import csv_chunks, write_xlsx

    stack = contextlib.ExitStack()             # the DuckDB connection (and the temporary file)
    try:
        source = stack.enter_context(entry.stream(store, query, lang))
        name = f"budgetwatch_{entry.name}_{source.exported_at:%Y%m%d-%H%M}.{kind}"
        if kind == "xlsx":
            fd, path = tempfile.mkstemp(prefix="budgetwatch-", suffix=".xlsx")
            os.close(fd)
            with contextlib.ExitStack() as on_error:
                on_error.callback(_unlink, path)
                write_xlsx(source, path, lang, truncate=True)
                on_error.pop_all()
            stack.close()                       # the connection is done; the file remains
            stack.callback(_unlink, path)
            body = _file_chunks(path, stack)
            size = os.path.getsize(path)
        else:
            body = _closing(csv_chunks(source, lang), stack)
            size = None
    except BaseException:
        stack.close()
        raise
    _audit(store, entry.name, kind, source.filters, source.rows)
    headers = _disposition(name)
    if size is not None:
        headers["Content-Length"] = str(size)
    response = flask.Response(flask.stream_with_context(body), content_type=MIMETYPES[kind], headers=headers)
    response.call_on_close(stack.close)         # a client that goes away before the end
    return response


def _closing(chunks, stack: contextlib.ExitStack):
    try:
        yield from chunks
    finally:
        stack.close()


def _file_chunks(path: str, stack: contextlib.ExitStack):
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(FILE_CHUNK):
                yield chunk
    finally:
        stack.close()


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
