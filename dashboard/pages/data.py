"""数据 Data feeds: what each feed holds and how fresh it is, every applied load, and an upload
that loads a CSV/Excel file through the same pipeline staff use from the command line.

The view is the URL query ``/data?feed=payments&lang=zh`` (the feed chosen for upload).

An upload is written to a temporary folder under ``DATA_DIR/tmp/`` with its own file name (so
the load history names the file the person chose), loaded with ``ingest.pipeline.ingest_files``
in a child process with a memory ceiling (``ingest.isolated``)
— validated, and applied only when clean or when "accept partial" is ticked — and removed. The
report shows the status, the counts and every problem (row, column, value, reason in Chinese
and English). An applied load publishes a new data generation: the status and history tables
below are read again, from the new generation. Who may upload is asked of
``dashboard.auth.can_upload``.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import shutil
import uuid
from pathlib import Path

import dash
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html

from budgetwatch.dashboard import auth, ids
from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.components import failure, notice, view_store
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.dashboard.tables import Export, file_name, register_export, table_card, to_csv_bytes, to_xlsx_bytes
from budgetwatch.dashboard.urls import lang_of, with_params
from budgetwatch.ingest.isolated import ChildFailed, ingest_isolated, memory_mb
from budgetwatch.ingest.pipeline import FileReport
from budgetwatch.ingest.spec import FEEDS
from budgetwatch.queries import overview as qo
from budgetwatch.queries.loads import load_history
from budgetwatch.queries.store import Store, StoreUnusable

PATH = "/data"
NAV_KEY = "nav.data"
VIEW = "data"
D = ids.Data
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
EXTENSIONS = (".csv", ".txt", ".xlsx", ".xls")
WIDE = {"导入时间": 185, "Loaded at": 185, "文件": 180, "File": 180, "原因": 200, "Reason": 200,
        "原因（英文）": 200, "Reason (Chinese)": 200, "值": 140, "Value": 140, "状态": 150, "State": 150,
        "数据": 140, "Feed": 160, "读取行数": 110, "Rows read": 110, "金额单位": 100, "格式": 120, "Format": 120}

log = logging.getLogger("budgetwatch.dashboard")


# -- layout --------------------------------------------------------------------------------
def layout(query: dict[str, str], lang: str) -> html.Div:
    feed = query.get("feed") if query.get("feed") in FEEDS else None
    user = auth.current_user()
    allowed = auth.can_upload(user)
    upload = [
        html.H2(t("data.upload", lang)),
        html.Div(className="bw-upload-row", children=[
            html.Label(className="bw-field", children=[
                html.Span(t("data.feed", lang)),
                dcc.Dropdown(id=D.FEED, value=feed, clearable=False, searchable=False, style={"width": "240px"},
                             placeholder=t("data.feed_hint", lang),
                             options=[{"label": f"{data_label('feed', f, lang)}（{f}）" if lang == "zh"
                                       else f"{data_label('feed', f, lang)} ({f})", "value": f} for f in FEEDS]),
            ]),
            html.Label(className="bw-field", children=[
                html.Span(t("data.who", lang)),
                dcc.Input(id=D.WHO, type="text", value=user or "", disabled=bool(user), className="bw-input",
                          placeholder=t("data.who_hint", lang)),
            ]),
            dcc.Checklist(id=D.PARTIAL, className="bw-radio", value=[],
                          options=[{"label": t("data.partial", lang), "value": "yes"}]),
        ]),
        dcc.Upload(id=D.UPLOAD, className="bw-upload", max_size=MAX_UPLOAD_BYTES, multiple=False,
                   accept=",".join(EXTENSIONS), children=html.Div([
                       html.P(t("data.drop", lang)), html.P(t("data.drop_hint", lang), className="bw-detail")])),
        html.Div(className="bw-upload-row", style={"marginTop": "10px"}, children=[
            html.Div(id=D.FILE_NAME, className="bw-detail"),
            html.Button(t("data.load", lang), id=D.LOAD, n_clicks=0, className="bw-wd-button"),
        ]),
        dcc.Loading(type="dot", children=html.Div(id=D.REPORT, role="status")),
        html.Div(id=D.PROBLEMS_WRAP, style={"display": "none"}, children=[
            table_card(D.PROBLEMS, lang, style={"width": "100%"}, dashGridOptions={"domLayout": "autoHeight"}),
        ]),
    ]
    return html.Div(className="bw-page bw-data", children=[
        view_store(VIEW),
        dcc.Store(id=D.LOADED, data=0),
        dcc.Store(id=D.PROBLEMS_DATA),
        html.Div(className="bw-toolbar", children=[html.H1(t("data.title", lang), className="bw-page-title")]),
        html.Div(id=D.MESSAGE),
        html.Section(className="bw-wd-section", children=[
            html.H2(t("data.status", lang)),
            table_card(D.STATUS, lang, style={"width": "100%"},
                       dashGridOptions={"pagination": False, "domLayout": "autoHeight"}),
        ]),
        html.Section(id=D.UPLOAD_SECTION, className="bw-wd-section",
                     children=upload if allowed else [html.P(t("data.not_allowed", lang))]),
        html.Section(className="bw-wd-section", children=[
            html.H2(t("data.history", lang)),
            table_card(D.HISTORY, lang, style={"width": "100%"}, dashGridOptions={"domLayout": "autoHeight"}),
        ]),
    ])


# -- tables --------------------------------------------------------------------------------
def status_frame(fresh: pd.DataFrame, lang: str) -> pd.DataFrame:
    states, tones = [], []
    for r in fresh.itertuples():
        if r.rows == 0:
            states.append(t("fresh.empty", lang)), tones.append("empty")
        elif r.stale:
            states.append(t("fresh.stale", lang, days=qo.STALE_AFTER_DAYS)), tones.append("stale")
        else:
            states.append(t("fresh.ok", lang)), tones.append("ok")
    return pd.DataFrame({
        t("fresh.feed", lang): [data_label("feed", f, lang) for f in fresh["feed"]],
        "feed": list(fresh["feed"]),
        t("fresh.rows", lang): [int(n) for n in fresh["rows"]],
        t("fresh.as_of", lang): [fmt.as_of(a, lang) if isinstance(a, str) else "—" for a in fresh["as_of"]],
        t("fresh.loaded", lang): [fmt.datetime_(v, lang) if isinstance(v, dt.datetime) else "—"
                                  for v in fresh["last_loaded"]],
        t("fresh.file", lang): [fmt.text(v) for v in fresh["last_file"]],
        t("fresh.state", lang): states,
        "tone": tones,
    })


def history_frame(loads: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = {"loaded_at": "data.col.loaded_at", "feed": "fresh.feed", "file_name": "fresh.file",
            "file_format": "data.col.format", "unit": "data.col.unit", "rows_read": "data.col.read",
            "rows_inserted": "data.col.inserted", "rows_updated": "data.col.updated",
            "rows_unchanged": "data.col.unchanged", "rows_rejected": "data.col.rejected",
            "loaded_by": "data.col.who"}
    out = pd.DataFrame()
    for c, key in cols.items():
        s = loads[c] if c in loads else pd.Series(dtype=object)
        if c == "loaded_at":
            s = [str(v)[:19] for v in s]
        elif c == "feed":
            s = [data_label("feed", v, lang) for v in s]
        elif c.startswith("rows_"):
            s = [int(v) for v in s]
        out[t(key, lang)] = list(s)
    return out


def grid_columns(frame: pd.DataFrame, *, hide: tuple[str, ...] = (), tone: str | None = None) -> list[dict]:
    defs = []
    for c in frame.columns:
        if c in hide:
            continue
        d = {"field": c, "headerName": c}
        if c in WIDE:
            d["minWidth"] = WIDE[c]
        if pd.api.types.is_integer_dtype(frame[c]):
            d.update(type="rightAligned", filter="agNumberColumnFilter",
                     valueFormatter={"function": "d3.format(',')(params.value)"})
        defs.append(d)
    return defs


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if fmt.missing(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


def refresh(store: Store, feed: str | None, search: str | None, *, now: dt.datetime | None = None) -> dict:
    """The status and history tables, read from the live generation, and the URL."""
    lang = lang_of(search)
    out = {"status_rows": [], "status_columns": [], "history_rows": [], "history_columns": [], "message": None,
           "view": with_params(search, feed=feed if feed in FEEDS else None, lang=lang)}
    health = store_health(store, lang)
    if health is not None and store.live().state == "unusable":
        out["message"] = health
        return out
    try:
        with store.reader() as con:
            status = status_frame(qo.feed_freshness(con, now=now), lang)
            history = history_frame(load_history(con), lang)
    except Exception as exc:  # the page's last guard: a sentence for the reader, details in the log
        out["message"] = failure(exc, lang, "data page")
        return out
    status_columns = grid_columns(status, hide=("feed", "tone"))
    status_columns[-1]["cellClassRules"] = {f"bw-state-{x}": f"params.data.tone == '{x}'" for x in ("ok", "stale", "empty")}
    out.update(status_rows=_records(status), status_columns=status_columns,
               history_rows=_records(history), history_columns=grid_columns(history))
    if health is not None:
        out["message"] = health
    elif history.empty:
        out["message"] = notice(t("data.empty", lang))
    return out


def store_health(store: Store, lang: str) -> html.Div | None:
    """What is wrong with the data folder (a lost pointer, a damaged generation), if anything:
    which generation is shown instead and what to do, as ``budgetwatch status`` says it."""
    live = store.live()
    if live.healthy:
        return None
    return notice(live.zh if lang == "zh" else live.en, tone="is-error" if live.state == "unusable" else "",
                  detail=t("data.store_hint", lang))


# -- the upload ----------------------------------------------------------------------------
def file_chosen(filename: str | None, size_hint: int | None, search: str | None) -> str:
    lang = lang_of(search)
    if not filename:
        return t("data.no_file", lang)
    return t("data.chosen", lang, name=filename)


def upload(store: Store, feed: str | None, contents: str | None, filename: str | None, accept_partial: bool,
           who: str | None, search: str | None) -> dict:
    """Write the dropped file under DATA_DIR/tmp/, load it with ``ingest_files``, report.

    Returns ``report`` (children), ``problems`` (grid rows), ``problems_style`` and ``loaded``
    (True when something was applied, so the tables are read again)."""
    lang = lang_of(search)
    out = {"report": None, "problems": [], "problem_columns": [], "problems_style": {"display": "none"},
           "problems_data": None, "loaded": False}
    user = auth.current_user()

    def refuse(key: str, **kw) -> dict:
        out["report"] = notice(t(key, lang, **kw), tone="is-error")
        return out

    if not auth.can_upload(user):
        return refuse("data.not_allowed")
    if feed not in FEEDS:
        return refuse("data.no_feed")
    if not contents or not filename:
        return refuse("data.no_file")
    name = Path(str(filename).replace("\\", "/")).name.strip()
    if not name or Path(name).suffix.lower() not in EXTENSIONS:
        return refuse("data.bad_ext", name=name or "—", allowed=" ".join(EXTENSIONS))
    try:
        data = base64.b64decode(contents.split(",", 1)[1] if "," in contents else contents, validate=False)
    except (binascii.Error, ValueError):
        return refuse("data.unreadable", name=name)
    if len(data) > MAX_UPLOAD_BYTES:
        return refuse("data.too_big", name=name, mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    folder = store.tmp_dir / f"upload-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        # In a child process with a memory ceiling: a file that exhausts memory cannot take
        # the server (and every member's session) down with it.
        reports = ingest_isolated(store.data_dir, feed, [path], who=user or (who or "").strip() or "dashboard",
                                  accept_partial=accept_partial)
    except StoreUnusable as exc:    # no generation to load on top of: the folder's state, not a retry
        log.warning("upload of %s refused: %s", name, exc)
        out["report"] = notice(str(exc), tone="is-error")
        return out
    except ChildFailed as exc:
        log.warning("upload of %s: the loading process failed: %s", name, exc)
        out["report"] = notice(t("data.child_failed", lang, name=name, mb=memory_mb()), tone="is-error")
        return out
    except Exception:
        log.exception("upload of %s failed", name)
        out["report"] = notice(t("data.failed", lang, name=name), tone="is-error")
        return out
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report = reports[0]
    if report.flags_background:     # the child loaded under a memory ceiling; the worker runs without it
        from budgetwatch.queries import flag_worker
        flag_worker.start(store)
    out["report"] = report_view(report, lang)
    if report.problems:
        frame = problems_frame(report, lang)
        out.update(problems=_records(frame), problem_columns=grid_columns(frame), problems_style={},
                   problems_data={"rows": frame.to_dict("records"), "columns": list(frame.columns),
                                  "file": report.file, "feed": report.feed})
    out["loaded"] = report.load_id is not None
    return out


def problems_frame(report: FileReport, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("data.col.row", lang): [p.row for p in report.problems],
        t("data.col.column", lang): [p.column or "—" for p in report.problems],
        t("data.col.value", lang): ["" if p.value is None else str(p.value)[:200] for p in report.problems],
        t("data.col.reason_zh", lang): [p.zh for p in report.problems],
        t("data.col.reason_en", lang): [p.en for p in report.problems],
    })


def report_view(report: FileReport, lang: str) -> html.Div:
    status = report.status
    tone = {"applied": "is-ok", "unchanged": "", "partial": "", "refused": "is-error"}.get(status, "")
    counts = [("data.col.read", report.rows_read), ("data.col.inserted", report.inserted),
              ("data.col.updated", report.updated), ("data.col.unchanged", report.unchanged),
              ("data.col.rejected", report.rejected)]
    children = [
        html.P([html.Span(t(f"data.report.{status}", lang), className=f"bw-tag is-{status}"), " ",
                t("data.report.file", lang, name=report.file, feed=data_label("feed", report.feed, lang))]),
        html.P(t(f"data.report.{status}_note", lang)),
        html.Div(className="bw-report-counts",
                 children=[html.Span(f"{t(k, lang)}：{n:,}" if lang == "zh" else f"{t(k, lang)}: {n:,}")
                           for k, n in counts]),
    ]
    extra = []
    if report.unit and report.unit != "元":
        extra.append(t("data.report.unit", lang, unit=report.unit))
    if report.total_rows_dropped:
        extra.append(t("data.report.totals", lang, n=report.total_rows_dropped))
    if report.extra_columns:
        extra.append(t("data.report.extra", lang, cols="、".join(report.extra_columns)))
    if report.problem_count > len(report.problems):
        extra.append(t("data.report.more", lang, shown=len(report.problems), total=report.problem_count))
    children += [html.P(x, className="bw-detail") for x in extra]
    if report.unfinished:   # applied, but a step after it did not finish: said, never hidden
        tone = "is-error"
        children.append(html.P(t("data.report.unfinished", lang), className="bw-unfinished-title"))
        children.append(html.Ul(className="bw-unfinished",
                                children=[html.Li(u.zh if lang == "zh" else u.en) for u in report.unfinished]))
    return html.Div(className=f"bw-notice {tone}".strip(), children=children)


# -- exports -------------------------------------------------------------------------------
def fetch_status(store: Store, query: dict, lang: str) -> Export:
    with store.reader() as con:
        frame = status_frame(qo.feed_freshness(con), lang).drop(columns=["feed", "tone"])
    return Export(frame, t("data.status", lang))


def fetch_history(store: Store, query: dict, lang: str) -> Export:
    with store.reader() as con:
        frame = history_frame(load_history(con), lang)
    return Export(frame, t("data.history", lang))


def problems_download(kind: str, data: dict | None, search: str | None):
    """The last upload's problems as CSV/XLSX (they belong to the upload, not to the URL)."""
    lang = lang_of(search)
    if not data or not data.get("rows"):
        return dash.no_update
    frame = pd.DataFrame(data["rows"], columns=data.get("columns"))
    export = Export(frame, t("data.problems", lang, name=data.get("file", "")),
                    [(t("data.feed", lang), data.get("feed", ""))])
    if kind == "xlsx":
        return dcc.send_bytes(to_xlsx_bytes(export, lang), file_name(D.PROBLEMS, export, "xlsx"))
    return dcc.send_bytes(to_csv_bytes(export, lang), file_name(D.PROBLEMS, export, "csv"))


# -- wiring --------------------------------------------------------------------------------
def register_callbacks(app: dash.Dash, store: Store) -> None:
    @app.callback(
        output={"status_rows": Output(ids.table(D.STATUS), "rowData"),
                "status_columns": Output(ids.table(D.STATUS), "columnDefs"),
                "history_rows": Output(ids.table(D.HISTORY), "rowData"),
                "history_columns": Output(ids.table(D.HISTORY), "columnDefs"),
                "message": Output(D.MESSAGE, "children"),
                "view": Output(ids.view(VIEW), "data")},
        inputs={"loaded": Input(D.LOADED, "data"), "feed": Input(D.FEED, "value")},
        state={"search": State(ids.Frame.URL, "search")},
    )
    def _refresh(loaded, feed, search):
        return refresh(store, feed, search)

    @app.callback(Output(D.FILE_NAME, "children"), Input(D.UPLOAD, "filename"),
                  State(ids.Frame.URL, "search"))
    def _chosen(filename, search):
        return file_chosen(filename, None, search)

    @app.callback(
        output={"report": Output(D.REPORT, "children"), "problems": Output(ids.table(D.PROBLEMS), "rowData"),
                "problem_columns": Output(ids.table(D.PROBLEMS), "columnDefs"),
                "problems_style": Output(D.PROBLEMS_WRAP, "style"), "loaded": Output(D.LOADED, "data"),
                "problems_data": Output(D.PROBLEMS_DATA, "data")},
        inputs={"n": Input(D.LOAD, "n_clicks")},
        state={"feed": State(D.FEED, "value"), "contents": State(D.UPLOAD, "contents"),
               "filename": State(D.UPLOAD, "filename"), "partial": State(D.PARTIAL, "value"),
               "who": State(D.WHO, "value"), "loaded": State(D.LOADED, "data"),
               "search": State(ids.Frame.URL, "search")},
        prevent_initial_call=True,
    )
    def _load(n, feed, contents, filename, partial, who, loaded, search):
        out = upload(store, feed, contents, filename, bool(partial), who, search)
        out["loaded"] = (loaded or 0) + 1 if out["loaded"] else dash.no_update
        return out

    register_export(app, store, D.STATUS, fetch_status)
    register_export(app, store, D.HISTORY, fetch_history)

    @app.callback(
        Output(ids.table_download(D.PROBLEMS), "data"),
        Input(ids.table_csv(D.PROBLEMS), "n_clicks"), Input(ids.table_xlsx(D.PROBLEMS), "n_clicks"),
        State(D.PROBLEMS_DATA, "data"), State(ids.Frame.URL, "search"),
        prevent_initial_call=True,
    )
    def _problems(_csv, _xlsx, data, search):
        kind = "xlsx" if ctx.triggered_id == ids.table_xlsx(D.PROBLEMS) else "csv"
        return problems_download(kind, data, search)
