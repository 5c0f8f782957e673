"""Reviews of warning flags (复核): confirmed (属实), dismissed (排除) or referred for
questioning (转交询问), with a note, the reviewer and the time.

A flag's identity is (rule, entity_key, year). Reviews live in ``DATA_DIR/state.sqlite3``
(queries/state.py), not in the data database, so reloading a feed, recomputing the flags or
changing thresholds never loses one. Every review is kept; the latest per identity is the
flag's status. A reviewed flag that no longer fires is still shown, as resolved.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import pandas as pd

from budgetwatch.errors import BudgetwatchError
from budgetwatch.queries import accounts, state

STATUSES = {"confirmed": "属实", "dismissed": "排除", "referred": "转交询问"}
_ALIASES = {**{k: k for k in STATUSES}, **{v: k for k, v in STATUSES.items()},
            "confirm": "confirmed", "dismiss": "dismissed", "refer": "referred"}
REVIEW_COLUMNS = ("review_status", "review_note", "reviewer", "reviewed_at")
_SNAPSHOT = ("severity", "entity_type", "amount", "message", "title", "dept_code", "evidence",
             "as_of", "message_en")


class ReviewError(BudgetwatchError, ValueError):
    """A review could not be recorded; the message is fit to show a person."""


def normalize_status(status: str) -> str:
    """'confirmed' / '属实' / 'confirm' -> 'confirmed' (and so on)."""
    key = _ALIASES.get(str(status).strip().lower()) or _ALIASES.get(str(status).strip())
    if key is None:
        raise ReviewError(
            f"复核结论应为 属实/排除/转交询问（confirmed/dismissed/referred），而不是 {status!r} / "
            f"the status must be confirmed, dismissed or referred, not {status!r}")
    return key


def add_review(data_dir: str | os.PathLike | None, rule: str, entity_key: str, year: int,
               status: str, note: str | None = "", reviewer: str | None = None, *,
               flag: Mapping[str, Any] | None = None,
               at: dt.datetime | None = None) -> dict[str, Any]:
    """Record one review and return it as stored. ``flag``, when given, is the flag row as
    it fired (its severity, amount, message, ... are kept to show it once resolved); when not
    given, what the previous review of the same flag kept is carried over."""
    status = normalize_status(status)
    rule = str(rule).strip().upper()
    entity_key = str(entity_key).strip()
    reviewer = (reviewer or "").strip()
    if not rule or not entity_key:
        raise ReviewError("规则和对象编码不能为空 / the rule and the entity key must be given")
    if not reviewer:
        raise ReviewError("请写明复核人 / the reviewer must be named")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ReviewError(f"年度应为整数：{year!r} / the year must be a whole number") from None
    when = (at or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    snap = {k: None for k in _SNAPSHOT}
    for k in _SNAPSHOT:
        if flag is not None and k in flag and not _missing(flag[k]):
            snap[k] = float(flag[k]) if k == "amount" else str(flag[k])
    con = state.connect(data_dir)
    try:
        with state.transaction(con):
            if flag is None:  # keep what the flag said when it was last seen
                prev = con.execute(
                    """SELECT * FROM flag_reviews WHERE rule = ? AND entity_key = ? AND year = ?
                       ORDER BY review_id DESC LIMIT 1""", [rule, entity_key, year]).fetchone()
                if prev is not None:
                    snap = {k: prev[f"flag_{k}"] for k in _SNAPSHOT}
            cur = con.execute(
                """INSERT INTO flag_reviews (rule, entity_key, year, status, note, reviewer,
                       reviewed_at, flag_severity, flag_entity_type, flag_amount, flag_message,
                       flag_title, flag_dept_code, flag_evidence, flag_as_of, flag_message_en)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [rule, entity_key, year, status, note or "", reviewer, when,
                 *[snap[k] for k in _SNAPSHOT]])
            review_id = cur.lastrowid
            accounts.record(con, reviewer, "review", f"{rule}|{entity_key}|{year}",
                            {"status": status, "note": note or ""})
        row = con.execute("SELECT * FROM flag_reviews WHERE review_id = ?", [review_id]).fetchone()
        return dict(row)
    finally:
        con.close()


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def review_history(data_dir: str | os.PathLike | None, *, rule: str | None = None,
                   entity_key: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Every review, oldest first, optionally of one rule / entity / year."""
    where, params = [], []
    for column, value in (("rule", rule), ("entity_key", entity_key), ("year", year)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(str(value).upper() if column == "rule" else value)
    sql = "SELECT * FROM flag_reviews"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return _frame(data_dir, sql + " ORDER BY review_id", params)


def latest_reviews(data_dir: str | os.PathLike | None, year: int | None = None) -> pd.DataFrame:
    """The latest review of each flag identity (rule, entity_key, year)."""
    sql = """
        SELECT * FROM (
            SELECT r.*, count(*) OVER (PARTITION BY rule, entity_key, year) AS reviews,
                   row_number() OVER (PARTITION BY rule, entity_key, year
                                      ORDER BY review_id DESC) AS newest
            FROM flag_reviews r {where})
        WHERE newest = 1 ORDER BY year, rule, entity_key"""
    if year is None:
        return _frame(data_dir, sql.format(where=""), []).drop(columns="newest")
    return _frame(data_dir, sql.format(where="WHERE year = ?"), [int(year)]).drop(columns="newest")


def _frame(data_dir: str | os.PathLike | None, sql: str, params: list) -> pd.DataFrame:
    con = state.connect(data_dir)
    try:
        cur = con.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return pd.DataFrame([tuple(r) for r in cur.fetchall()], columns=cols)
    finally:
        con.close()


def attach_reviews(flags: pd.DataFrame, reviews: pd.DataFrame, *, year: int | None = None,
                   rules: Iterable[str] | None = None,
                   units: Collection[str] | None = None) -> pd.DataFrame:
    """Flags with their latest review, plus reviewed flags that no longer fire.

    Adds ``state`` ('active' for a firing flag, 'resolved' for one reviewed earlier that no
    longer fires), ``review_status``, ``review_note``, ``reviewer`` and ``reviewed_at``
    (empty when not reviewed). Resolved rows are added for reviews of ``year`` (default: the
    years in ``flags``) and of ``rules`` (default: the rules of all reviews given — pass the
    rules that were computed, so a rule left out is not shown as resolved); they carry what
    the flag said when it was reviewed.

    ``units``, when given, are the only units whose resolved flags may come back: the reviews
    live outside the data database, so the department scope that filters ``flags`` does not
    reach them — an account limited to some departments passes its units here, and a review
    whose flag named no unit (or another one) stays hidden from it."""
    out = flags.copy()
    out["state"] = "active"
    reviews = reviews if reviews is not None else pd.DataFrame()
    if reviews.empty:
        for c in REVIEW_COLUMNS:
            out[c] = None
        return out
    latest = reviews.sort_values("review_id").drop_duplicates(
        ["rule", "entity_key", "year"], keep="last")
    latest = latest.assign(year=latest["year"].astype("int64"),
                           entity_key=latest["entity_key"].astype(str))
    slim = latest[["rule", "entity_key", "year", "status", "note", "reviewer", "reviewed_at"]].rename(
        columns={"status": "review_status", "note": "review_note"})
    if not out.empty:
        out["year"] = out["year"].astype("int64")
    out = out.merge(slim, on=["rule", "entity_key", "year"], how="left")
    years = {int(year)} if year is not None else set(out["year"].astype(int)) if not out.empty else set()
    wanted = latest[latest["year"].isin(years)]
    if rules is not None:
        wanted = wanted[wanted["rule"].isin(set(rules))]
    if units is not None:
        allowed = {str(u) for u in units}
        wanted = wanted[[isinstance(c, str) and c in allowed for c in wanted["flag_dept_code"]]]
    firing = set(zip(out["rule"], out["entity_key"], out["year"]))
    gone = wanted[[(r, k, y) not in firing for r, k, y in
                   zip(wanted["rule"], wanted["entity_key"], wanted["year"])]]
    if not gone.empty:
        resolved = pd.DataFrame({
            "rule": gone["rule"].values,
            "severity": gone["flag_severity"].values,
            "entity_type": gone["flag_entity_type"].values,
            "entity_key": gone["entity_key"].values,
            "year": gone["year"].values,
            "amount": pd.to_numeric(gone["flag_amount"], errors="coerce").values,
            "message": gone["flag_message"].values,
            "message_en": gone["flag_message_en"].values,
            "dept_code": gone["flag_dept_code"].values,
            "title": gone["flag_title"].values,
            "evidence": gone["flag_evidence"].values,
            "as_of": gone["flag_as_of"].values,
            "state": "resolved",
            "review_status": gone["status"].values,
            "review_note": gone["note"].values,
            "reviewer": gone["reviewer"].values,
            "reviewed_at": gone["reviewed_at"].values,
        })
        resolved = _clean_snapshot(resolved)
        resolved = resolved[[c for c in out.columns if c in resolved.columns]]
        out = pd.concat([out, resolved], ignore_index=True) if not out.empty else resolved
    return out.reset_index(drop=True)


_SEVERITIES = ("high", "medium", "low")


def _text_or_none(v: Any) -> str | None:
    return v if isinstance(v, str) and v != "" else None


def _iso_day_or_none(v: Any) -> str | None:
    if not isinstance(v, str):
        return None
    try:
        dt.date.fromisoformat(v[:10])
    except ValueError:
        return None
    return v


def _clean_snapshot(resolved: pd.DataFrame) -> pd.DataFrame:
    """What a stored review says about its flag, made safe to show whatever the row holds.

    A row written by hand, by an older version or for a flag that never existed may hold
    NULLs, NaN or text where a page expects a severity, an entity type or a date; every page
    and download shows resolved rows, so one bad row must read as "—", never as an error."""
    out = resolved.copy()
    out["severity"] = [s if s in _SEVERITIES else None for s in out["severity"]]
    for column in ("entity_type", "message", "message_en", "dept_code", "title", "evidence"):
        out[column] = pd.Series([_text_or_none(v) for v in out[column]], index=out.index, dtype=object)
    out["as_of"] = pd.Series([_iso_day_or_none(v) for v in out["as_of"]], index=out.index, dtype=object)
    out["amount"] = pd.to_numeric(out["amount"], errors="coerce")
    return out


def evidence_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """The evidence filter of a flag row as a dict ({} when absent)."""
    text = row.get("evidence")
    if _missing(text) or not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return {}


def last_review_id(data_dir: str | os.PathLike | None) -> int:
    """The newest review's id (0 without any): a briefing kept before a review is stale after it."""
    con = state.connect(data_dir)
    try:
        return int(con.execute("SELECT coalesce(max(review_id), 0) FROM flag_reviews").fetchone()[0])
    finally:
        con.close()
