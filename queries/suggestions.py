"""代表建议办理: the year's suggestions, their handling units' clocks, and who signed what.

Every statement the 代表建议 page, the briefing and the flag evidence need. A handling row's
deadline and stage are computed here once, with the thresholds of SUGGESTION_OVERDUE in
force (so the page's "overdue" is exactly the rule's), against the as-of date:

* ``closed``   closed_date on or before the as-of date
* ``replied``  replied on or before it (not closed)
* ``overdue``  no reply by then and the deadline is before it
* ``within``   no reply yet, still within the deadline

A suggestion's stage is the stage of its main rows (主办 and 分办; 协办 only when it has no
main row), the least advanced one: overdue before within before replied before closed.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from budgetwatch.queries.rules import compute_flags
from budgetwatch.queries.rules.engine import resolve_context
from budgetwatch.queries.rules.suggestions import DEADLINE_SQL
from budgetwatch.queries.rules.suggestions import RULES as SUGGESTION_RULES
from budgetwatch.queries.store import query

STAGES = ("overdue", "within", "replied", "closed")
REPLY_CLASSES = ("A", "B", "C", "D")
SATISFACTION = ("满意", "基本满意", "不满意")
_SPLIT = re.compile(r"[、,，;；\s]+")

_NAMES = "LEFT JOIN (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY 1) d USING (dept_code)"

_HANDLING = f"""
WITH s AS (
    SELECT g.*, coalesce(d.dept_name, g.dept_code) AS dept_name, {DEADLINE_SQL} AS deadline
    FROM suggestions g {_NAMES}
    WHERE {{where}})
SELECT suggestion_no, year, title, field, lead_deputy, co_deputies, priority, dept_code, dept_name, role,
       assigned_date, deadline, extended_to, replied_date, reply_class, promised_date, satisfaction,
       rating_source, rated_date, second_reply_date, closed_date,
       CASE WHEN closed_date <= $as_of THEN 'closed'
            WHEN replied_date <= $as_of THEN 'replied'
            WHEN deadline < $as_of THEN 'overdue'
            ELSE 'within' END AS stage,
       CASE WHEN replied_date <= $as_of THEN replied_date <= deadline END AS on_time,
       CASE WHEN replied_date IS NULL OR replied_date > $as_of THEN date_diff('day', deadline, $as_of) END
           AS days_past,
       (reply_class = 'B' AND (closed_date IS NULL OR closed_date > $as_of)) AS open_promise
FROM s
ORDER BY suggestion_no, CASE role WHEN '主办' THEN 0 WHEN '分办' THEN 1 ELSE 2 END, dept_code
"""


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years of suggestions held, newest first."""
    frame = query(con, "SELECT DISTINCT year FROM suggestions ORDER BY year DESC")
    return [int(y) for y in frame["year"]]


def count(con: duckdb.DuckDBPyConnection) -> int:
    return int(query(con, "SELECT count(*) AS n FROM suggestions")["n"].iloc[0])


def handling(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date, *, main_months: int = 3,
             co_months: int = 1) -> pd.DataFrame:
    """Every handling row of the year's suggestions, with deadline, stage and clocks at ``as_of``."""
    sql = _HANDLING.format(where="g.year = $year")
    return query(con, sql, {"year": int(year), "as_of": as_of, "main_months": int(main_months),
                            "co_months": int(co_months)}, max_rows=None)


def rows_of(con: duckdb.DuckDBPyConnection, numbers: list[str], as_of: dt.date, *, dept_code: str | None = None,
            main_months: int = 3, co_months: int = 1) -> pd.DataFrame:
    """The handling rows of some suggestions (any year), optionally of one unit only."""
    sql = _HANDLING.format(where="list_contains($nos, g.suggestion_no) AND ($dept IS NULL OR g.dept_code = $dept)")
    return query(con, sql, {"nos": [str(n) for n in numbers], "dept": dept_code, "as_of": as_of,
                            "main_months": int(main_months), "co_months": int(co_months)}, max_rows=None)


def as_of_date(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date | None = None,
               today: dt.date | None = None) -> dt.date:
    """The suggestion rules' as-of date: ``as_of`` if given, else the year's latest payment
    date, else today (the rules' ``resolve_context``, as for audit)."""
    return resolve_context(con, year, as_of, today=today).audit_as_of


def suggestion_flags(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date | None,
                     thresholds: Mapping[str, Mapping[str, Any]] | None = None) -> pd.DataFrame:
    """What the five suggestion rules find for the year at the as-of date (compute_flags' frame)."""
    return compute_flags(con, year, as_of, thresholds, rules=[r.id for r in SUGGESTION_RULES])


# -- frames derived from the handling rows (pure pandas; no SQL) ----------------------------------
def is_main(frame: pd.DataFrame) -> pd.Series:
    return frame["role"].isin(("主办", "分办"))


def per_suggestion(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per suggestion: its columns, its stage (its main rows' least advanced), its units."""
    if rows.empty:
        return pd.DataFrame(columns=["suggestion_no", "year", "title", "field", "lead_deputy", "co_deputies",
                                     "priority", "stage", "units", "main_units", "reply_class", "satisfaction",
                                     "deadline", "days_past"])
    rows = rows.assign(_main=is_main(rows), _rank=rows["stage"].map({s: i for i, s in enumerate(STAGES)}))
    out = []
    for no, g in rows.groupby("suggestion_no", sort=True):
        main = g[g["_main"]] if g["_main"].any() else g
        worst = main.loc[main["_rank"].idxmin()]
        first = g.iloc[0]
        out.append({
            "suggestion_no": no, "year": first["year"], "title": first["title"], "field": first["field"],
            "lead_deputy": first["lead_deputy"], "co_deputies": first["co_deputies"], "priority": first["priority"],
            "stage": worst["stage"], "units": "、".join(g["dept_name"].astype(str)),
            "main_units": "、".join(main["dept_name"].astype(str)),
            "reply_class": _first(main["reply_class"]), "satisfaction": _worst_satisfaction(main["satisfaction"]),
            "deadline": main["deadline"].max(), "days_past": worst["days_past"],
        })
    return pd.DataFrame(out)


def _first(values: pd.Series):
    kept = values.dropna()
    return kept.iloc[0] if len(kept) else None


def _worst_satisfaction(values: pd.Series):
    kept = [v for v in values.dropna() if v in SATISFACTION]
    return max(kept, key=SATISFACTION.index) if kept else None


def counts(frame: pd.DataFrame, column: str, order: tuple[str, ...] = ()) -> pd.DataFrame:
    """Suggestions per value of ``column`` (``key``, ``n``), in ``order`` first, then by count;
    an empty value is counted under ``key`` None."""
    if frame.empty:
        return pd.DataFrame({"key": pd.Series(dtype=object), "n": pd.Series(dtype="int64")})
    c = frame[column].where(frame[column].notna(), None).value_counts(dropna=False)
    out = pd.DataFrame({"key": list(c.index), "n": [int(v) for v in c.values]})
    rank = {k: i for i, k in enumerate(order)}
    out["_o"] = [rank.get(k, len(order)) if k is not None else len(order) + 1 for k in out["key"]]
    out = out.sort_values(["_o", "n"], ascending=[True, False], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)


def field_stage(frame: pd.DataFrame) -> pd.DataFrame:
    """Suggestions per field and stage (``field``, ``stage``, ``n``), empty field as 未分类."""
    if frame.empty:
        return pd.DataFrame({"field": [], "stage": [], "n": []})
    f = frame.assign(field=frame["field"].fillna("未分类"))
    return f.groupby(["field", "stage"]).size().rename("n").reset_index()


def scorecard(rows: pd.DataFrame) -> pd.DataFrame:
    """Per handling unit: rows as 主办 (with 分办) and 协办, on-time reply rate, A share, satisfaction
    rate, open B promises, overdue rows, rated rows.

    On-time rate: rows replied on or before their deadline ÷ rows due (replied, or past the
    deadline) — a row still within its time counts for neither. A share: class A among main rows
    with a reply class. Satisfaction: 满意 or 基本满意 among main rows rated (as the rule counts)."""
    cols = ["dept_code", "dept_name", "n_main", "n_co", "due", "on_time", "on_time_rate", "replied_main",
            "a_share", "rated", "satisfied", "satisfaction_rate", "open_promises", "overdue"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    r = rows.assign(_main=is_main(rows))
    r["_due"] = r["on_time"].notna() | (r["stage"] == "overdue")
    r["_on_time"] = r["on_time"].fillna(False).astype(bool)
    r["_classed"] = r["_main"] & r["reply_class"].notna()
    r["_a"] = r["_classed"] & (r["reply_class"] == "A")
    r["_rated"] = (r["role"] == "主办") & r["satisfaction"].notna()
    r["_ok"] = r["_rated"] & r["satisfaction"].isin(("满意", "基本满意"))
    r["_open_b"] = r["open_promise"].fillna(False).astype(bool)
    r["_overdue"] = r["stage"] == "overdue"
    g = r.groupby("dept_code", sort=False)
    out = pd.DataFrame({
        "dept_name": g["dept_name"].first(),
        "n_main": g["_main"].sum(), "n_co": g["role"].apply(lambda s: int((s == "协办").sum())),
        "due": g["_due"].sum(), "on_time": g["_on_time"].sum(),
        "replied_main": g["_classed"].sum(), "a": g["_a"].sum(),
        "rated": g["_rated"].sum(), "satisfied": g["_ok"].sum(),
        "open_promises": g["_open_b"].sum(), "overdue": g["_overdue"].sum(),
    }).reset_index()
    for c in ("n_main", "n_co", "due", "on_time", "replied_main", "a", "rated", "satisfied", "open_promises",
              "overdue"):
        out[c] = out[c].astype(int)
    out["on_time_rate"] = [o / d if d else None for o, d in zip(out["on_time"], out["due"])]
    out["a_share"] = [a / n if n else None for a, n in zip(out["a"], out["replied_main"])]
    out["satisfaction_rate"] = [s / n if n else None for s, n in zip(out["satisfied"], out["rated"])]
    out = out.sort_values(["n_main", "n_co", "dept_code"], ascending=[False, False, True], kind="stable")
    return out[cols].reset_index(drop=True)


def deputies(rows: pd.DataFrame) -> pd.DataFrame:
    """Every deputy who signed a suggestion of the frame: ``name``, ``led``, ``seconded``."""
    led: dict[str, set] = {}
    seconded: dict[str, set] = {}
    for no, lead, co in rows[["suggestion_no", "lead_deputy", "co_deputies"]].drop_duplicates().itertuples(index=False):
        if isinstance(lead, str) and lead.strip():
            led.setdefault(lead.strip(), set()).add(no)
        for name in split_names(co):
            seconded.setdefault(name, set()).add(no)
    names = sorted(set(led) | set(seconded))
    return pd.DataFrame({"name": names, "led": [len(led.get(n, ())) for n in names],
                         "seconded": [len(seconded.get(n, ())) for n in names]})


def split_names(text) -> list[str]:
    """附议代表 names separated by 、 or , (or their full-width and semicolon cousins)."""
    if not isinstance(text, str):
        return []
    return [n for n in (p.strip() for p in _SPLIT.split(text)) if n]


def of_deputy(suggestions: pd.DataFrame, name: str) -> pd.DataFrame:
    """The suggestions a deputy signed, with ``signed`` 领衔 or 附议."""
    if suggestions.empty or not name:
        return suggestions.assign(signed=pd.Series(dtype=object)).iloc[0:0]
    lead = suggestions["lead_deputy"].astype(str).str.strip() == name
    co = suggestions["co_deputies"].map(lambda s: name in split_names(s))
    out = suggestions[lead | co].copy()
    out["signed"] = ["领衔" if x else "附议" for x in lead[lead | co]]
    return out.reset_index(drop=True)


# -- the year as the page, its chart exports and the briefing read it ------------------------------
@dataclass
class SuggestionData:
    years: list[int]
    year: int
    as_of: dt.date
    as_of_given: bool
    rows: pd.DataFrame              # handling rows of the year (``handling``)
    suggestions: pd.DataFrame       # one row per suggestion (``per_suggestion``)
    flags: pd.DataFrame             # the five rules' flags for the year at the as-of date
    thresholds: dict = field(default_factory=dict)

    @property
    def months(self) -> dict:
        p = self.thresholds.get("SUGGESTION_OVERDUE", {})
        return {"main_months": int(p.get("main_months", 3)), "co_months": int(p.get("co_months", 1))}


def load(store, year: int | None, as_of: dt.date | None, *, today: dt.date | None = None) -> SuggestionData | None:
    """The year (the newest when ``year`` holds none) at the as-of date (given, else the rules'
    default) with the thresholds in force; None when no suggestion is held (or may be seen)."""
    from budgetwatch.queries.rules.config import load_thresholds

    th = load_thresholds(store.data_dir).values
    months = {"main_months": int(th["SUGGESTION_OVERDUE"]["main_months"]),
              "co_months": int(th["SUGGESTION_OVERDUE"]["co_months"])}
    with store.reader() as con:
        held = years(con)
        if not held:
            return None
        if year not in held:
            year = held[0]
        given = as_of is not None and as_of.year == year
        day = as_of_date(con, year, as_of if given else None, today=today)
        rows = handling(con, year, day, **months)
        flags = suggestion_flags(con, year, day, th)
    return SuggestionData(held, year, day, given, rows, per_suggestion(rows), flags, th)


def flags_of(data: SuggestionData, suggestion_no: str | None = None) -> pd.DataFrame:
    """The row-level flags (of one suggestion, or all), with their suggestion number."""
    f = data.flags[data.flags["entity_type"] == "suggestion"]
    f = f.assign(suggestion_no=[k.split("|", 1)[0] for k in f["entity_key"]])
    return f if suggestion_no is None else f[f["suggestion_no"] == suggestion_no]


def one(store, data: SuggestionData, suggestion_no: str) -> pd.DataFrame:
    """One suggestion's handling rows at the data's as-of date, with the same deadlines."""
    with store.reader() as con:
        return rows_of(con, [suggestion_no], data.as_of, **data.months)
