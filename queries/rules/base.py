"""The frame every warning rule (预警规则) plugs into; ``engine.compute_flags`` runs them.

A rule is data: an id, titles, the entity it points at, its tunable parameters, one set-based
SQL statement run in DuckDB (or, rarely, a function returning a frame) and a message template
in Chinese and one in English (``message``, ``message_en``), both rendered from the same row,
so the two sentences quote the same numbers rounded the same way.
The SQL returns one row per flag with at least these columns:

* ``entity_key`` (text), ``dept_code`` (the unit/department concerned, or NULL), ``amount``
  (yuan at stake), ``evidence`` (a JSON text: the filter that reproduces the evidence),
* optionally ``severity`` (when it depends on the numbers; else the rule's ``severity``),
* any other column the message template uses (``name``, ``rate``, ...).

Parameters are bound by name: the SQL writes ``$min_budget`` for the rule's parameter
``min_budget`` and may use the context values below (``$year``, ``$as_of``, ...). Values are
never pasted into SQL text. Whole numbers are bound as integers and other numbers as exact
decimals, so a comparison on the threshold itself is decided exactly ("more than" is ``>``,
"at least" is ``>=``), not by floating-point luck.

The SQL is written once, in DuckDB's dialect, and also runs on Spark over the lake
(``budgetwatch flags --engine spark``; queries/spark.py translates it with sqlglot). So it
keeps to forms both engines read the same: no ``SELECT * REPLACE``, no ordered
``list(x ORDER BY …)`` (``list_sort(list(x))``, or a sorted list of ``struct_pack`` for several
keys), no ``to_months`` and no ``range()`` table (``VALUES``). tests/spark runs every rule on
both engines and requires identical flags.

Context values every rule may use:

``$year``             the flags' year
``$year_start``       1 January of the year
``$year_end``         31 December of the year
``$as_of``            the as-of date: given, else the latest pay_date of the year
``$doy``              day of the year of the as-of date (1 January = 1)
``$days_in_year``     365 or 366
``$prev_year``        year - 1
``$prev_year_start``  1 January of the year before
``$prev_as_of``       the same day one year earlier (29 February -> 28 February)
``$audit_as_of``      the as-of date for audit rules: as ``$as_of``, or today when the year has
                      no payments and no date was given
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import json
import logging
import re
import string
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from budgetwatch.errors import BudgetwatchError
from budgetwatch.numbers import WAN, grouped, scaled
from budgetwatch.queries.store import query

log = logging.getLogger("budgetwatch.rules")

FLAG_COLUMNS = ("rule", "severity", "entity_type", "entity_key", "year", "amount", "message",
                "dept_code", "title", "evidence", "as_of", "message_en")
SEVERITIES = ("high", "medium", "low")
SEVERITY_CN = {"high": "红色预警", "medium": "橙色预警", "low": "黄色预警"}
ENTITY_TYPES = {
    "department": "部门", "budget_line": "预算指标", "payment": "支付凭证", "unit": "预算单位",
    "enterprise": "国有企业", "asset_line": "资产类别", "finding": "审计问题",
    "unit_category": "单位与问题类别", "suggestion": "代表建议", "inquiry": "询问督办事项", "project": "项目",
    "region": "地区", "region_debt": "地区债务",
}
# When a rule needs the as-of date of the year's payments, or not; ``state`` rules read
# state.sqlite3, not the data generation (queries/rules/state_rules.py runs them).
SCOPES = ("payments", "audit", "year", "state")
CONTEXT_NAMES = ("year", "year_start", "year_end", "as_of", "doy", "days_in_year", "prev_year",
                 "prev_year_start", "prev_as_of", "audit_as_of")
PARAM_KINDS = ("int", "number", "bool", "codes")
_NAMED = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class RuleError(BudgetwatchError, ValueError):
    """A rule could not run with what it was given; the message is fit to show a person."""


# -- money and numbers in messages ------------------------------------------------------
def fmt_wan(yuan: Any) -> str:
    """Yuan as 万元 with two decimals, rounded half up: 1325000 -> '132.50万元'."""
    wan = scaled(yuan, WAN)      # the one rounding rule (budgetwatch/numbers.py): grids show the same
    return "—" if wan is None else f"{wan}万元"


def fmt_wan_en(yuan: Any) -> str:
    """The same amount in English: 1325000 -> '132.50 CNY 10k' (as the dashboard writes it)."""
    wan = scaled(yuan, WAN)
    return "—" if wan is None else f"{grouped(wan)} CNY 10k"


def pct(share: Any) -> str:
    """A share 0..1 as a percentage with one decimal (both languages)."""
    return "—" if share is None or share != share else f"{float(share) * 100:.1f}%"


# Closed lists the feeds hold (and words the rules' SQL writes), in English. Open lists —
# names, payees, categories, titles — are the feed's own text and stay as given.
EN_WORDS = {
    "一般公共预算": "general public budget", "政府性基金预算": "government fund budget",
    "国有资本经营预算": "state capital operation budget", "社会保险基金预算": "social insurance fund budget",
    "已整改": "rectified", "部分整改": "partly rectified", "未整改": "not rectified",
    "主办": "lead unit", "协办": "co-handling unit", "分办": "separately handling unit",
    "满意": "satisfied", "基本满意": "basically satisfied", "不满意": "dissatisfied",
    "未开工": "not started", "在建": "under construction", "已完工": "finished", "停工": "suspended",
    "一般债务": "general debt", "专项债务": "special debt",
    "开工以来累计完成投资": "investment completed since it started", "总投资": "total investment",
    "无报送": "no report",
}


def en_word(value: Any) -> str:
    """A closed-list value in English; anything else as it is ('—' for nothing)."""
    if value is None or value != value:
        return "—"
    return EN_WORDS.get(str(value).strip(), str(value))


def iso(value: Any) -> str:
    """A date as YYYY-MM-DD in both languages ('—' for nothing)."""
    if value is None or value != value or str(value) in ("NaT", "<NA>", ""):
        return "—"
    return str(value)[:10]


class _MessageFormatter(string.Formatter):
    """``str.format`` with three extra specs: ``{x:wan}`` (money in 万元, in English 'CNY 10k'),
    ``{x:pct}`` (a share 0..1 as a percentage with one decimal) and ``{x:word}`` (a closed-list
    value, in English from ``EN_WORDS``). Dates print as YYYY-MM-DD in both languages."""

    def __init__(self, lang: str = "zh"):
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "wan":
            return fmt_wan_en(value) if self.lang == "en" else fmt_wan(value)
        if format_spec == "pct":
            return "—" if value is None else f"{float(value) * 100:.1f}%"
        if format_spec == "word":
            return en_word(value) if self.lang == "en" else ("—" if value is None else str(value))
        if isinstance(value, (pd.Timestamp, dt.datetime)):
            value = value.date()
        if isinstance(value, dt.date) and not format_spec:
            return value.isoformat()
        if value is None or (isinstance(value, float) and value != value and not format_spec):
            return "—"
        return super().format_field(value, format_spec)


_FMT = {"zh": _MessageFormatter("zh"), "en": _MessageFormatter("en")}


def cents(values: Iterable[Any]) -> list[float | None]:
    """Flag amounts in yuan, rounded half up to the fen: the amount column and the amount a
    message quotes are this one number, so a list and its message never differ."""
    return [None if (v := scaled(a, 1, 2)) is None else float(v) for a in values]


def render(template: str | Callable[[Mapping[str, Any]], str], row: Mapping[str, Any], lang: str = "zh") -> str:
    if callable(template):
        return template(row)
    return _FMT[lang].vformat(template, (), row)


# -- what a rule is ---------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """One tunable threshold: its name in SQL and in the TOML file, default and meaning.

    ``kind``: ``int`` (a whole number: counts, days, yuan), ``number`` (may have decimals:
    percentages, ratios), ``bool`` or ``codes`` (a list of code texts)."""
    name: str
    default: Any
    help_cn: str
    help_en: str
    kind: str = ""

    def __post_init__(self) -> None:
        if not self.kind:
            d = self.default
            kind = ("bool" if isinstance(d, bool) else "int" if isinstance(d, int)
                    else "number" if isinstance(d, float) else "codes")
            object.__setattr__(self, "kind", kind)
        if self.kind not in PARAM_KINDS:
            raise ValueError(f"unknown parameter kind {self.kind!r}")


ENABLED = Param("enabled", True, "是否启用本规则", "whether this rule runs")


@dataclass(frozen=True)
class Rule:
    """One warning rule. ``doc`` says exactly what fires and every choice the rule makes."""
    id: str
    title_cn: str
    title_en: str
    entity_type: str
    params: tuple[Param, ...]
    message: str | Callable[[Mapping[str, Any]], str]
    doc: str
    sql: str | None = None
    compute: Callable[[duckdb.DuckDBPyConnection, dict[str, Any]], pd.DataFrame] | None = None
    severity: str = "medium"
    scope: str = "payments"
    message_en: str | Callable[[Mapping[str, Any]], str] | None = None   # the same sentence in English

    def __post_init__(self) -> None:
        if (self.sql is None) == (self.compute is None):
            raise ValueError(f"{self.id}: give exactly one of sql or compute")
        if self.message_en is None:
            raise ValueError(f"{self.id}: give the message in English too (message_en)")
        if self.entity_type not in ENTITY_TYPES:
            raise ValueError(f"{self.id}: unknown entity type {self.entity_type!r}")
        if self.severity not in SEVERITIES or self.scope not in SCOPES:
            raise ValueError(f"{self.id}: bad severity or scope")
        names = [p.name for p in self.params]
        if len(set(names)) != len(names) or set(names) & set(CONTEXT_NAMES) or "enabled" in names:
            raise ValueError(f"{self.id}: parameter names must be unique and not reserved")

    @property
    def all_params(self) -> tuple[Param, ...]:
        return (ENABLED, *self.params)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.all_params}

    def param(self, name: str) -> Param:
        for p in self.all_params:
            if p.name == name:
                return p
        raise KeyError(name)


# -- the as-of date ---------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    year: int
    as_of: dt.date | None          # None: the year has no payments and no date was given
    audit_as_of: dt.date
    as_of_given: bool

    @property
    def days_in_year(self) -> int:
        return 366 if calendar.isleap(self.year) else 365

    def values(self) -> dict[str, Any]:
        as_of = self.as_of
        prev_as_of = None
        if as_of is not None:
            day = min(as_of.day, calendar.monthrange(self.year - 1, as_of.month)[1])
            prev_as_of = as_of.replace(year=self.year - 1, day=day)
        return {
            "year": self.year,
            "year_start": dt.date(self.year, 1, 1),
            "year_end": dt.date(self.year, 12, 31),
            "as_of": as_of,
            "doy": as_of.timetuple().tm_yday if as_of else None,
            "days_in_year": self.days_in_year,
            "prev_year": self.year - 1,
            "prev_year_start": dt.date(self.year - 1, 1, 1),
            "prev_as_of": prev_as_of,
            "audit_as_of": self.audit_as_of,
        }


def parse_date(text: str | dt.date) -> dt.date:
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise RuleError(f"日期格式应为 YYYY-MM-DD：{text} / the date must be YYYY-MM-DD: {text}") from None


# -- running rules ----------------------------------------------------------------------
def bind_value(value: Any) -> Any:
    """Whole numbers as integers, other numbers as exact decimals, lists as lists of text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return value


def bind_params(sql: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The named parameters the SQL uses, and only those (DuckDB refuses extra ones)."""
    names = dict.fromkeys(_NAMED.findall(sql))
    missing = [n for n in names if n not in values]
    if missing:
        raise RuleError(f"SQL uses unknown parameters: {', '.join(missing)}")
    return {n: bind_value(values[n]) for n in names}


def _null(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


@functools.cache
def _empty_flags() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in FLAG_COLUMNS})
    frame["year"] = frame["year"].astype("int64")
    frame["amount"] = frame["amount"].astype("float64")
    return frame


def empty_flags() -> pd.DataFrame:
    """No flags, with the flag columns and their types (a copy: building it is ~10 ms)."""
    return _empty_flags().copy()


def evidence_json(**items: Any) -> str:
    """For ``compute`` rules: the evidence filter as JSON text (UTF-8, not escaped)."""
    return json.dumps(items, ensure_ascii=False, default=str)


# -- SQL pieces shared by rules (fixed text, never built from input) --------------------
# Units and their top-level department: queries/units.py (TOPS), shared with pages and scope.


# Unit names for messages (fall back to the code with coalesce at the use).
UNIT_NAMES = """
names AS (SELECT dept_code, any_value(dept_name) AS dept_name FROM departments GROUP BY dept_code)
"""

# Budget lines of the year, and each combination of codes paid in the year up to the as-of
# date charged to its budget line: the most specific line of the same unit and fund type
# whose function and economic codes equal the payment's or are a higher level of them
# (a prefix: line 20502 covers payment 2050202). Most specific = longest function code,
# then longest economic code.
BUDGET_MATCH = """
lines AS (
    SELECT dept_code, func_code, econ_code, fund_type, sum(adjusted_amount) AS budget
    FROM budget WHERE year = $year GROUP BY ALL),
combos AS (
    SELECT dept_code, func_code, econ_code, fund_type, sum(amount) AS spent, count(*) AS n
    FROM payments WHERE pay_date BETWEEN $year_start AND $as_of GROUP BY ALL),
matched AS (
    SELECT c.dept_code, c.func_code, c.econ_code, c.fund_type,
           arg_max(l.func_code, length(l.func_code) * 100 + length(l.econ_code)) AS line_func,
           arg_max(l.econ_code, length(l.func_code) * 100 + length(l.econ_code)) AS line_econ
    FROM combos c JOIN lines l
      ON l.dept_code = c.dept_code AND l.fund_type = c.fund_type
     AND starts_with(c.func_code, l.func_code) AND starts_with(c.econ_code, l.econ_code)
    GROUP BY ALL)
"""
