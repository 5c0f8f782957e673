"""Inquiries (询问/督办事项): from a warning to an answer from the responsible unit.

A staff member opens an inquiry from one flag or several: the committee's questions, the unit
addressed, a due date, and the flags' evidence *frozen* as it stood (rows and numbers kept as
JSON), so a later reload never changes what was asked. It then moves through::

    草稿 draft ──send──▶ 已发出 sent ──answer──▶ 已答复 answered ──close──▶ 已办结 closed
                                                          (满意 satisfied / 不满意 unsatisfied)

and an unsatisfied close may open a follow-up inquiry (a new draft linked to the first, with
the same frozen evidence). No other step exists: ``TRANSITIONS`` is the whole machine.

Everything lives in ``DATA_DIR/state.sqlite3`` beside the reviews (outside the data
generations a load replaces), in this module's own tables, migrated by its own numbered steps
(``MIGRATIONS``, recorded in ``state_components``, so other state tables keep their own
numbering). Attached answer files are kept in ``DATA_DIR/inquiry_files/`` under their sha256,
checked by their first bytes (PDF, Word, Excel only — never by the name alone), size-limited,
never opened or executed here.

Roles: members read; staff (and admins) open, send, answer and close. Every step is written
to the inquiry's own timeline and to the audit log in the same transaction. An account
limited to some departments sees — and may act on — only inquiries addressed to units under
them; any other inquiry is "not found" to it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import os
import re
import sqlite3
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from budgetwatch.errors import BudgetwatchError
from budgetwatch.queries import accounts, state
from budgetwatch.queries.accounts import User
from budgetwatch.queries.store import Store, query, scoped

STATES = {"draft": "草稿", "sent": "已发出", "answered": "已答复", "closed": "已办结"}
STATES_EN = {"draft": "Draft", "sent": "Sent", "answered": "Answered", "closed": "Closed"}
JUDGEMENTS = {"satisfied": "满意", "unsatisfied": "不满意"}
# action -> (state it needs, state it leaves). Opening makes a draft; nothing else moves.
TRANSITIONS = {"send": ("draft", "sent"), "answer": ("sent", "answered"), "close": ("answered", "closed")}
CHANGE_ROLE = "staff"
DEFAULT_DUE_DAYS = 30
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_QUESTIONS = 20_000             # characters
MAX_ANSWER = 50_000
MAX_NOTE = 5_000
EVIDENCE_ROWS = 500                # frozen rows per flag (the rest counted)
FILES_DIR = "inquiry_files"
COMPONENT = "inquiries"

MIGRATIONS: list[tuple[str, ...]] = [
    # 1: inquiries, the flags they carry (frozen), their answer files and their timeline.
    (
        """CREATE TABLE IF NOT EXISTS inquiries (
            inquiry_id   INTEGER PRIMARY KEY AUTOINCREMENT,
            ref          TEXT    NOT NULL UNIQUE,
            seq_year     INTEGER NOT NULL,
            seq          INTEGER NOT NULL,
            year         INTEGER NOT NULL,
            dept_code    TEXT    NOT NULL,
            dept_name    TEXT    NOT NULL DEFAULT '',
            questions    TEXT    NOT NULL,
            due_date     TEXT    NOT NULL,
            state        TEXT    NOT NULL CHECK (state IN ('draft', 'sent', 'answered', 'closed')),
            created_by   TEXT    NOT NULL,
            created_at   TEXT    NOT NULL,
            sent_on      TEXT,
            sent_by      TEXT,
            answer_text  TEXT,
            answered_on  TEXT,
            answered_by  TEXT,
            judgement    TEXT CHECK (judgement IS NULL OR judgement IN ('satisfied', 'unsatisfied')),
            close_note   TEXT,
            closed_on    TEXT,
            closed_by    TEXT,
            parent_id    INTEGER REFERENCES inquiries (inquiry_id),
            UNIQUE (seq_year, seq)
        )""",
        "CREATE INDEX IF NOT EXISTS inquiries_dept ON inquiries (dept_code, state)",
        """CREATE TABLE IF NOT EXISTS inquiry_flags (
            inquiry_id  INTEGER NOT NULL REFERENCES inquiries (inquiry_id),
            position    INTEGER NOT NULL,
            rule        TEXT    NOT NULL,
            entity_key  TEXT    NOT NULL,
            year        INTEGER NOT NULL,
            severity    TEXT,
            entity_type TEXT,
            title       TEXT,
            amount      REAL,
            message     TEXT,
            dept_code   TEXT,
            as_of       TEXT,
            evidence_filter TEXT,
            evidence    TEXT    NOT NULL DEFAULT '{}',
            PRIMARY KEY (inquiry_id, position)
        )""",
        "CREATE INDEX IF NOT EXISTS inquiry_flags_identity ON inquiry_flags (rule, entity_key, year)",
        """CREATE TABLE IF NOT EXISTS inquiry_files (
            file_id     INTEGER PRIMARY KEY AUTOINCREMENT,
            inquiry_id  INTEGER NOT NULL REFERENCES inquiries (inquiry_id),
            name        TEXT    NOT NULL,
            kind        TEXT    NOT NULL,
            size        INTEGER NOT NULL,
            sha256      TEXT    NOT NULL,
            uploaded_by TEXT    NOT NULL,
            uploaded_at TEXT    NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS inquiry_events (
            event_id    INTEGER PRIMARY KEY AUTOINCREMENT,
            inquiry_id  INTEGER NOT NULL REFERENCES inquiries (inquiry_id),
            at          TEXT    NOT NULL,
            actor       TEXT    NOT NULL,
            action      TEXT    NOT NULL,
            detail      TEXT    NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX IF NOT EXISTS inquiry_events_inquiry ON inquiry_events (inquiry_id, event_id)",
    ),
    # 2: each frozen flag's message in English too (the same numbers; shown in the English view).
    (
        "ALTER TABLE inquiry_flags ADD COLUMN message_en TEXT",
    ),
]


class InquiryError(BudgetwatchError, ValueError):
    """A refused or impossible step, said in Chinese and English."""


class NotAllowed(InquiryError):
    """The account's role does not allow the step."""


# -- storage ---------------------------------------------------------------------------------
def connect(data_dir) -> sqlite3.Connection:
    """state.sqlite3 with this module's tables migrated (see ``MIGRATIONS``)."""
    con = state.connect(data_dir)
    _migrate(con)
    return con


def _migrate(con: sqlite3.Connection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS state_components (component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    row = con.execute("SELECT version FROM state_components WHERE component = ?", [COMPONENT]).fetchone()
    if row is not None and row[0] >= len(MIGRATIONS):
        return
    with state.transaction(con):
        row = con.execute("SELECT version FROM state_components WHERE component = ?", [COMPONENT]).fetchone()
        done = row[0] if row else 0
        for number in range(done + 1, len(MIGRATIONS) + 1):
            for statement in MIGRATIONS[number - 1]:
                con.execute(statement)
        con.execute("INSERT INTO state_components VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = ?",
                    [COMPONENT, len(MIGRATIONS), len(MIGRATIONS)])


def last_event_id(data_dir) -> int:
    """The newest inquiry step's id (0 without any): a briefing kept before a step is stale after it."""
    con = connect(data_dir)
    try:
        return int(con.execute("SELECT coalesce(max(event_id), 0) FROM inquiry_events").fetchone()[0])
    finally:
        con.close()


def files_dir(data_dir) -> Path:
    return Path(resolve(data_dir)) / FILES_DIR


def resolve(data_dir) -> Path:
    from budgetwatch.queries.store import resolve_data_dir
    return resolve_data_dir(data_dir)


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


# -- who may do what -------------------------------------------------------------------------
def require_change(actor: User | None) -> User:
    if actor is None or actor.disabled or not actor.can(CHANGE_ROLE):
        raise NotAllowed("只有工作人员可以办理询问事项 / only staff may open, send, answer or close inquiries")
    return actor


def visible_units(store: Store, actor: User | None) -> set[str] | None:
    """The unit codes an account may see inquiries of; None = every unit."""
    if actor is None or not actor.depts:
        return None
    if store.current_path() is None:
        return set(actor.depts)
    with scoped(actor.depts), store.reader() as con:
        codes = query(con, "SELECT DISTINCT dept_code FROM departments", max_rows=None)["dept_code"]
    return {str(c) for c in codes} | set(actor.depts)


def unit_names(store: Store) -> dict[str, str]:
    if store.current_path() is None:
        return {}
    with store.reader() as con:
        frame = query(con, "SELECT dept_code, any_value(dept_name) AS name FROM departments GROUP BY 1",
                      max_rows=None)
    return dict(zip(frame["dept_code"].astype(str), frame["name"].astype(str)))


# -- plain values --------------------------------------------------------------------------
def parse_day(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InquiryError(f"{what}须为 YYYY-MM-DD 格式的日期：{value!r} / {what} must be a date YYYY-MM-DD") from None


def _text(value: Any, limit: int, what_cn: str, what_en: str, *, required: bool) -> str:
    text = "" if value is None else str(value).replace("\r\n", "\n").strip()
    if required and not text:
        raise InquiryError(f"请填写{what_cn} / the {what_en} must be given")
    if len(text) > limit:
        raise InquiryError(f"{what_cn}过长（最多{limit}个字符） / the {what_en} is too long (at most {limit} characters)")
    return text


def _jsonable(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.date().isoformat() if (v.hour, v.minute, v.second) == (0, 0, 0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "item"):          # numpy scalars
        return _jsonable(v.item())
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [_jsonable(x) for x in v]
    return v


def freeze_evidence(ev) -> dict:
    """A flag's evidence (``queries.flags.Evidence``) as JSON-ready data: kind, columns, the
    first ``EVIDENCE_ROWS`` rows, how many there were, and the extra figures."""
    frame = ev.frame if ev.frame is not None else pd.DataFrame()
    rows = [[_jsonable(v) for v in r] for r in frame.head(EVIDENCE_ROWS).itertuples(index=False, name=None)]
    return {"kind": ev.kind, "columns": [str(c) for c in frame.columns], "rows": rows,
            "total_rows": int(len(frame)), "vouchers": [str(v) for v in ev.vouchers][:EVIDENCE_ROWS],
            "extra": _jsonable(dict(ev.extra))}


# -- opening -------------------------------------------------------------------------------
def default_due_days(data_dir) -> int:
    """The due date's default distance: INQUIRY_OVERDUE's ``due_days`` in the thresholds in force."""
    try:
        from budgetwatch.queries.rules.config import load_thresholds
        return int(load_thresholds(data_dir).value("INQUIRY_OVERDUE", "due_days"))
    except Exception:   # a broken rules.toml must not stop an inquiry; the rules page says what is wrong
        return DEFAULT_DUE_DAYS


def parse_flag_id(text: str, year: int | None = None) -> tuple[str, str, int]:
    """``RULE|KEY|YEAR`` (or ``RULE|KEY`` with ``year``) → (rule, key, year). Keys may hold ``|``."""
    parts = str(text).strip().split("|")
    if len(parts) >= 3 and re.fullmatch(r"\d{4}", parts[-1]):
        return parts[0].strip().upper(), "|".join(parts[1:-1]), int(parts[-1])
    if len(parts) >= 2 and year is not None:
        return parts[0].strip().upper(), "|".join(parts[1:]), int(year)
    raise InquiryError(f"预警应写作 规则|对象编码|年度：{text!r} / a flag is written RULE|KEY|YEAR: {text!r}")


def frozen_flags(store: Store, actor: User | None, flag_ids: Sequence[tuple[str, str, int]],
                 as_of: str | dt.date | None = None) -> list[dict]:
    """The flags as they fire now (within the account's departments), with their evidence frozen."""
    from budgetwatch.queries import flags as qf

    if not flag_ids:
        raise InquiryError("请至少选择一条预警 / choose at least one flag")
    if store.current_path() is None:
        raise InquiryError("还没有数据 / no data loaded yet")
    out, seen = [], set()
    depts = actor.depts if actor is not None else ()
    with scoped(depts):
        for rule, key, year in flag_ids:
            if (rule, key, year) in seen:
                continue
            seen.add((rule, key, year))
            fs = qf.flag_set(store, int(year), as_of if as_of and str(as_of)[:4] == str(year) else None)
            hit = fs.frame[(fs.frame["rule"] == rule) & (fs.frame["entity_key"].astype(str) == str(key))
                           & (fs.frame["state"] == "active")]
            if hit.empty:
                raise InquiryError(f"{year}年没有这条预警：{rule} {key} / no such flag firing in {year}: {rule} {key}")
            row = hit.iloc[0].to_dict()
            with store.reader() as con:
                ev = qf.evidence(con, row)
            out.append({"rule": rule, "entity_key": str(key), "year": int(year),
                        "severity": row.get("severity"), "entity_type": row.get("entity_type"),
                        "title": row.get("title"), "amount": _jsonable(row.get("amount")),
                        "message": row.get("message"), "message_en": row.get("message_en"),
                        "dept_code": row.get("dept_code"),
                        "as_of": row.get("as_of"), "evidence_filter": row.get("evidence"),
                        "evidence": freeze_evidence(ev)})
    return out


def open_inquiry(store: Store, actor: User | None, flag_ids: Sequence[tuple[str, str, int]], *,
                 questions: str, dept_code: str | None = None, due_date: str | dt.date | None = None,
                 as_of: str | dt.date | None = None, today: dt.date | None = None) -> dict:
    """A new draft inquiry about these flags (``(rule, key, year)``), evidence frozen now.

    The unit addressed is the first flag's unit unless ``dept_code`` names another; the due
    date is ``today`` + the ``due_days`` setting unless given."""
    actor = require_change(actor)
    questions = _text(questions, MAX_QUESTIONS, "询问的问题", "questions", required=True)
    flags = frozen_flags(store, actor, flag_ids, as_of)
    unit = (dept_code or "").strip() or next((f["dept_code"] for f in flags if f.get("dept_code")), None)
    if not unit:
        raise InquiryError("请指定被询问的单位 / name the unit the inquiry is addressed to")
    return _insert(store, actor, flags, unit=unit, questions=questions, due_date=due_date, today=today)


def _insert(store: Store, actor: User, flags: list[dict], *, unit: str, questions: str,
            due_date, today: dt.date | None, parent_id: int | None = None, con: sqlite3.Connection | None = None) -> dict:
    today = today or dt.date.today()
    units = visible_units(store, actor)
    names = unit_names(store)
    known = set(names) | {str(f["dept_code"]) for f in flags if f.get("dept_code")}   # a flag's unit may be missing from the feed
    if unit not in known or (units is not None and unit not in units):
        raise InquiryError(f"没有这个单位：{unit} / no such unit: {unit}")
    due = parse_day(due_date, "答复期限") if due_date else today + dt.timedelta(days=default_due_days(store.data_dir))
    if due < today:
        raise InquiryError(f"答复期限不能早于今天（{today}） / the due date cannot lie before today ({today})")
    year = int(flags[0]["year"]) if flags else today.year
    own = con is None
    con = con or connect(store.data_dir)
    try:
        if own:
            con.execute("BEGIN IMMEDIATE")
        try:
            seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM inquiries WHERE seq_year = ?",
                              [today.year]).fetchone()[0]
            ref = f"询〔{today.year}〕{seq}号"
            cur = con.execute(
                """INSERT INTO inquiries (ref, seq_year, seq, year, dept_code, dept_name, questions, due_date,
                       state, created_by, created_at, parent_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)""",
                [ref, today.year, seq, year, unit, names.get(unit, unit), questions, due.isoformat(),
                 actor.username, _now(), parent_id])
            inquiry_id = cur.lastrowid
            for i, f in enumerate(flags):
                con.execute(
                    """INSERT INTO inquiry_flags (inquiry_id, position, rule, entity_key, year, severity, entity_type,
                           title, amount, message, dept_code, as_of, evidence_filter, evidence, message_en)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [inquiry_id, i, f["rule"], f["entity_key"], int(f["year"]), f.get("severity"),
                     f.get("entity_type"), f.get("title"), f.get("amount"), f.get("message"), f.get("dept_code"),
                     f.get("as_of"), f.get("evidence_filter"),
                     f["evidence"] if isinstance(f["evidence"], str)
                     else json.dumps(f["evidence"], ensure_ascii=False, default=str), f.get("message_en")])
            detail = {"ref": ref, "unit": unit, "due_date": due.isoformat(), "flags": [
                f"{f['rule']}|{f['entity_key']}|{f['year']}" for f in flags]}
            if parent_id:
                detail["follow_up_of"] = parent_id
            _event(con, inquiry_id, actor.username, "open", detail)
            if own:
                con.execute("COMMIT")
        except BaseException:
            if own:
                con.execute("ROLLBACK")
            raise
        return _row(con, inquiry_id)
    finally:
        if own:
            con.close()


def _event(con: sqlite3.Connection, inquiry_id: int, actor: str, action: str, detail: dict) -> None:
    """The inquiry's timeline and the audit log, in the caller's transaction."""
    con.execute("INSERT INTO inquiry_events (inquiry_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
                [inquiry_id, _now(), actor, action, json.dumps(detail, ensure_ascii=False, default=str)])
    ref = detail.get("ref") or con.execute("SELECT ref FROM inquiries WHERE inquiry_id = ?", [inquiry_id]).fetchone()[0]
    accounts.record(con, actor, f"inquiry.{action}", ref, detail)


def _row(con: sqlite3.Connection, inquiry_id: int) -> dict:
    return dict(con.execute("SELECT * FROM inquiries WHERE inquiry_id = ?", [inquiry_id]).fetchone())


# -- moving along --------------------------------------------------------------------------
def _locate(con: sqlite3.Connection, ident: int | str) -> sqlite3.Row | None:
    text = str(ident).strip()
    if text.isdigit():
        return con.execute("SELECT * FROM inquiries WHERE inquiry_id = ?", [int(text)]).fetchone()
    return con.execute("SELECT * FROM inquiries WHERE ref = ?", [text]).fetchone()


def _visible_row(con, store: Store, actor: User | None, ident) -> sqlite3.Row:
    row = _locate(con, ident)
    units = visible_units(store, actor)
    if row is None or (units is not None and row["dept_code"] not in units):
        raise InquiryError(f"没有这个询问事项：{ident} / no such inquiry: {ident}")
    return row


def _step(store: Store, actor: User | None, ident, action: str, assignments: dict, detail: dict,
          after=None) -> dict:
    actor = require_change(actor)
    need, leave = TRANSITIONS[action]
    con = connect(store.data_dir)
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            row = _visible_row(con, store, actor, ident)
            if row["state"] != need:
                raise InquiryError(
                    f"{row['ref']}当前状态为“{STATES[row['state']]}”，不能{_ACTION_CN[action]}"
                    f"（须为“{STATES[need]}”） / {row['ref']} is {row['state']}: it cannot be {_ACTION_EN[action]} "
                    f"(it must be {need})")
            sets = {**assignments, "state": leave}
            con.execute(f"UPDATE inquiries SET {', '.join(f'{k} = ?' for k in sets)} WHERE inquiry_id = ?",
                        [*sets.values(), row["inquiry_id"]])    # column names are this module's own
            _event(con, row["inquiry_id"], actor.username, action, {"ref": row["ref"], **detail})
            extra = after(con, row) if after else None
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        out = _row(con, row["inquiry_id"])
        if extra:
            out["follow_up"] = extra
        return out
    finally:
        con.close()


_ACTION_CN = {"send": "发出", "answer": "记录答复", "close": "办结"}
_ACTION_EN = {"send": "sent", "answer": "answered", "close": "closed"}


def send(store: Store, actor: User | None, ident, *, sent_on: str | dt.date | None = None,
         today: dt.date | None = None) -> dict:
    """草稿 → 已发出, on ``sent_on`` (default today)."""
    today = today or dt.date.today()
    day = parse_day(sent_on, "发出日期") if sent_on else today
    if day > today:
        raise InquiryError("发出日期不能晚于今天 / the date sent cannot lie in the future")
    return _step(store, actor, ident, "send", {"sent_on": day.isoformat(), "sent_by": actor.username if actor else None},
                 {"sent_on": day.isoformat()})


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


def answer(store: Store, actor: User | None, ident, *, text: str, answered_on: str | dt.date | None = None,
           attachment: Attachment | None = None, today: dt.date | None = None) -> dict:
    """已发出 → 已答复: the unit's answer, the day it came, and optionally its file."""
    today = today or dt.date.today()
    body = _text(text, MAX_ANSWER, "答复内容", "answer", required=True)
    day = parse_day(answered_on, "答复日期") if answered_on else today
    if day > today:
        raise InquiryError("答复日期不能晚于今天 / the date answered cannot lie in the future")
    checked = check_attachment(attachment) if attachment is not None else None

    def attach(con, row):       # only once the step is allowed: a refused answer leaves no file
        if checked is None:
            return None
        _keep_file(store.data_dir, attachment.data, checked)
        con.execute("INSERT INTO inquiry_files (inquiry_id, name, kind, size, sha256, uploaded_by, uploaded_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [row["inquiry_id"], checked["name"], checked["kind"], checked["size"], checked["sha256"],
                     actor.username, _now()])
        return None

    detail = {"answered_on": day.isoformat(), "chars": len(body)}
    if checked:
        detail["file"] = {k: checked[k] for k in ("name", "kind", "size", "sha256")}
    return _step(store, actor, ident, "answer",
                 {"answer_text": body, "answered_on": day.isoformat(), "answered_by": actor.username if actor else None},
                 detail, after=attach)


def close(store: Store, actor: User | None, ident, *, judgement: str, note: str = "",
          follow_up: str | None = None, follow_up_due: str | dt.date | None = None,
          today: dt.date | None = None) -> dict:
    """已答复 → 已办结 with 满意/不满意 and a note. ``follow_up`` (questions), allowed only when
    unsatisfied, opens a new draft linked to this one, carrying the same frozen evidence."""
    today = today or dt.date.today()
    j = {"满意": "satisfied", "不满意": "unsatisfied"}.get(str(judgement).strip(), str(judgement).strip().lower())
    if j not in JUDGEMENTS:
        raise InquiryError("办结结论须为 满意 或 不满意 / the judgement must be satisfied or unsatisfied")
    note = _text(note, MAX_NOTE, "办结意见", "note", required=j == "unsatisfied")
    follow = _text(follow_up, MAX_QUESTIONS, "追问的问题", "follow-up questions", required=False) if follow_up else ""
    if follow and j != "unsatisfied":
        raise InquiryError("只有不满意的办结才能追加询问 / only an unsatisfied close may open a follow-up")

    def open_follow_up(con, row):
        if not follow:
            return None
        flags = [dict(f) for f in con.execute("SELECT * FROM inquiry_flags WHERE inquiry_id = ? ORDER BY position",
                                              [row["inquiry_id"]])]
        made = _insert(store, actor, flags, unit=row["dept_code"], questions=follow, due_date=follow_up_due,
                       today=today, parent_id=row["inquiry_id"], con=con)
        return made

    return _step(store, actor, ident, "close",
                 {"judgement": j, "close_note": note, "closed_on": today.isoformat(),
                  "closed_by": actor.username if actor else None},
                 {"judgement": j, "note": note, "follow_up": bool(follow)}, after=open_follow_up)


# -- answer files ----------------------------------------------------------------------------
_EXT_KIND = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".doc": "ole", ".xls": "ole"}
KIND_MIME = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "ole": "application/octet-stream"}


def sniff(data: bytes) -> str | None:
    """What the bytes are: ``pdf``, ``docx``, ``xlsx``, ``ole`` (old Word/Excel), else None.

    Office Open XML is a ZIP; its part names say Word or Excel. Macro-enabled documents
    (a VBA project inside) are none of these."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                types = z.read("[Content_Types].xml").decode("utf-8", "replace") if "[Content_Types].xml" in names else ""
        except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError):
            return None
        if not types or "macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_attachment(att: Attachment) -> dict:
    """The file's checked facts (name, kind, size, sha256), or InquiryError saying why not."""
    name = os.path.basename(str(att.name or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())[:200]
    if not name:
        raise InquiryError("附件须有文件名 / the attached file needs a name")
    size = len(att.data)
    if size == 0:
        raise InquiryError(f"附件是空文件：{name} / the attached file is empty: {name}")
    if size > MAX_FILE_BYTES:
        raise InquiryError(f"附件过大（{size / 1048576:.1f} MB，上限 {MAX_FILE_BYTES // 1048576} MB）：{name} / "
                           f"the attached file is too large (limit {MAX_FILE_BYTES // 1048576} MB): {name}")
    expected = _EXT_KIND.get(os.path.splitext(name)[1].lower())
    if expected is None:
        raise InquiryError(f"附件只能是 PDF、Word 或 Excel 文件：{name} / only PDF, Word or Excel files may be "
                           f"attached: {name}")
    kind = sniff(att.data)
    if kind != expected:
        raise InquiryError(f"附件内容与扩展名不符（不是真正的 {os.path.splitext(name)[1]} 文件）：{name} / the file's "
                           f"content is not what its extension says: {name}")
    return {"name": name, "kind": kind, "size": size, "sha256": hashlib.sha256(att.data).hexdigest()}


def _keep_file(data_dir, data: bytes, checked: dict) -> Path:
    folder = files_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{checked['sha256']}.bin"       # never the sender's name or extension
    if not path.exists():
        tmp = path.with_suffix(".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    return path


def read_file(store: Store, actor: User | None, file_id: int) -> tuple[dict, bytes]:
    """An answer file's record and bytes, when the account may see its inquiry; the bytes are
    checked against the recorded sha256."""
    con = connect(store.data_dir)
    try:
        f = con.execute("SELECT * FROM inquiry_files WHERE file_id = ?", [int(file_id)]).fetchone()
        if f is None:
            raise InquiryError("没有这个附件 / no such file")
        _visible_row(con, store, actor, f["inquiry_id"])
    finally:
        con.close()
    data = (files_dir(store.data_dir) / f"{f['sha256']}.bin").read_bytes()
    if hashlib.sha256(data).hexdigest() != f["sha256"]:
        raise InquiryError("附件已损坏（校验值不符） / the stored file does not match its sha256")
    return dict(f), data


# -- reading -------------------------------------------------------------------------------
def _frame(con: sqlite3.Connection, sql: str, params: Sequence = ()) -> pd.DataFrame:
    cur = con.execute(sql, list(params))
    return pd.DataFrame([tuple(r) for r in cur.fetchall()], columns=[d[0] for d in cur.description])


def days_overdue(row: Mapping[str, Any], today: dt.date) -> int:
    """Days past the due date of a sent, unanswered inquiry (0 when not overdue)."""
    if row.get("state") != "sent" or not row.get("due_date"):
        return 0
    return max(0, (today - dt.date.fromisoformat(str(row["due_date"])[:10])).days)


def list_inquiries(store: Store, actor: User | None, *, state_: str | None = None, dept: str | None = None,
                   overdue: bool | None = None, year: int | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Inquiries the account may see, newest first, with ``days_overdue``, ``days_to_answer``
    (sent → answered), ``flags`` (how many) and ``amount`` (the frozen flags' total)."""
    today = today or dt.date.today()
    if not state.path_for(store.data_dir).exists():
        return _empty_list()
    con = connect(store.data_dir)
    try:
        frame = _frame(con, """
            SELECT i.*, count(f.position) AS flags, sum(f.amount) AS amount,
                   group_concat(f.rule || '|' || f.entity_key || '|' || f.year, char(10)) AS flag_ids
            FROM inquiries i LEFT JOIN inquiry_flags f USING (inquiry_id)
            GROUP BY i.inquiry_id ORDER BY i.inquiry_id DESC""")
    finally:
        con.close()
    if frame.empty:
        return _empty_list()
    units = visible_units(store, actor)
    if units is not None:
        frame = frame[frame["dept_code"].isin(units)]
    frame["days_overdue"] = [days_overdue(r, today) for r in frame.to_dict("records")]
    frame["overdue"] = frame["days_overdue"] > 0
    frame["days_to_answer"] = [
        (dt.date.fromisoformat(a) - dt.date.fromisoformat(s)).days if isinstance(a, str) and isinstance(s, str) else None
        for s, a in zip(frame["sent_on"], frame["answered_on"])]
    if state_:
        frame = frame[frame["state"] == state_]
    if dept:
        frame = frame[frame["dept_code"] == dept]
    if overdue is not None:
        frame = frame[frame["overdue"] == bool(overdue)]
    if year is not None:
        frame = frame[frame["year"] == int(year)]
    return frame.reset_index(drop=True)


def _empty_list() -> pd.DataFrame:
    return pd.DataFrame(columns=["inquiry_id", "ref", "year", "dept_code", "dept_name", "questions", "due_date",
                                 "state", "created_by", "created_at", "sent_on", "answer_text", "answered_on",
                                 "judgement", "close_note", "closed_on", "parent_id", "flags", "amount", "flag_ids",
                                 "days_overdue", "overdue", "days_to_answer"])


def by_unit(frame: pd.DataFrame) -> pd.DataFrame:
    """Per unit: open inquiries (not closed), overdue, answered, and the average days to answer."""
    if frame.empty:
        return pd.DataFrame(columns=["dept_code", "dept_name", "total", "open", "overdue", "answered",
                                     "avg_days_to_answer"])
    g = frame.assign(is_open=frame["state"] != "closed", answered_=frame["answered_on"].notna(),
                     dta=pd.to_numeric(frame["days_to_answer"], errors="coerce"))
    out = g.groupby("dept_code", as_index=False).agg(
        dept_name=("dept_name", "first"), total=("inquiry_id", "count"), open=("is_open", "sum"),
        overdue=("overdue", "sum"), answered=("answered_", "sum"), avg_days_to_answer=("dta", "mean"))
    return out.sort_values(["open", "overdue", "dept_code"], ascending=[False, False, True]).reset_index(drop=True)


def get(store: Store, actor: User | None, ident) -> dict:
    """One inquiry with its ``flags`` (frozen evidence parsed), ``files``, ``events``, the
    ``parent`` it follows up and its ``follow_ups``."""
    con = connect(store.data_dir)
    try:
        row = dict(_visible_row(con, store, actor, ident))
        iid = row["inquiry_id"]
        flags = []
        for f in con.execute("SELECT * FROM inquiry_flags WHERE inquiry_id = ? ORDER BY position", [iid]):
            f = dict(f)
            try:
                f["evidence"] = json.loads(f["evidence"] or "{}")
            except ValueError:
                f["evidence"] = {}
            flags.append(f)
        row["flags"] = flags
        row["files"] = [dict(r) for r in con.execute("SELECT * FROM inquiry_files WHERE inquiry_id = ? ORDER BY file_id", [iid])]
        row["events"] = [dict(r) for r in con.execute("SELECT * FROM inquiry_events WHERE inquiry_id = ? ORDER BY event_id", [iid])]
        parent = con.execute("SELECT inquiry_id, ref, state FROM inquiries WHERE inquiry_id = ?",
                             [row["parent_id"]]).fetchone() if row["parent_id"] else None
        row["parent"] = dict(parent) if parent else None
        row["follow_ups"] = [dict(r) for r in con.execute(
            "SELECT inquiry_id, ref, state FROM inquiries WHERE parent_id = ? ORDER BY inquiry_id", [iid])]
        return row
    finally:
        con.close()


def for_flag(store: Store, actor: User | None, rule: str, entity_key: str, year: int) -> pd.DataFrame:
    """The inquiries (the account may see) a flag is attached to, newest first."""
    if not state.path_for(store.data_dir).exists():
        return _empty_list()
    con = connect(store.data_dir)
    try:
        ids = [r[0] for r in con.execute("SELECT DISTINCT inquiry_id FROM inquiry_flags WHERE rule = ? AND "
                                         "entity_key = ? AND year = ?", [str(rule).upper(), str(entity_key), int(year)])]
    finally:
        con.close()
    frame = list_inquiries(store, actor)
    return frame[frame["inquiry_id"].isin(ids)].reset_index(drop=True)


def counts(frame: pd.DataFrame, *, since: dt.date | None = None) -> dict[str, int]:
    """What the briefing says: sent, answered, overdue now, closed unsatisfied (of ``frame``);
    ``since`` counts only steps taken on or after that day."""
    def on_or_after(col):
        s = frame[col].dropna().astype(str)
        return int((s.str[:10] >= since.isoformat()).sum()) if since else int(len(s))
    if frame.empty:
        return {"total": 0, "sent": 0, "answered": 0, "overdue": 0, "closed_unsatisfied": 0, "open": 0}
    unsat = frame[(frame["state"] == "closed") & (frame["judgement"] == "unsatisfied")]
    return {"total": int(len(frame)), "sent": on_or_after("sent_on"), "answered": on_or_after("answered_on"),
            "overdue": int(frame["overdue"].sum()), "closed_unsatisfied": int(len(unsat)),
            "open": int((frame["state"] != "closed").sum())}


def flag_inquiry_map(store: Store, actor: User | None, year: int) -> dict[tuple[str, str], list[str]]:
    """(rule, entity_key) of the year's flags → refs of the inquiries they are attached to."""
    frame = list_inquiries(store, actor)
    out: dict[tuple[str, str], list[str]] = {}
    for ref, ids in zip(frame["ref"], frame["flag_ids"]):
        for fid in str(ids or "").split("\n"):
            parts = fid.split("|")
            if len(parts) >= 3 and parts[-1] == str(year):
                out.setdefault((parts[0], "|".join(parts[1:-1])), []).append(ref)
    return out


def iter_ids(frame: pd.DataFrame) -> Iterable[int]:
    return (int(i) for i in frame["inquiry_id"])
