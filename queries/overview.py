"""The Overview (总览) page's questions, each one named, parameterised query.

Every function takes an open connection (from ``Store.reader()``) and plain values; values
are always bound parameters. Amounts leave DuckDB as DOUBLE yuan so pandas gets floats.

Definitions (RULES.md): the *as-of date* is the latest payment date of the year unless one is
given; the *time schedule* (序时进度) is the day of the year of the as-of date ÷ the days in the
year; a *department* is a top-level budget unit, and its budget and payments include those of
every unit under it, through the parent chain.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from budgetwatch.ingest.spec import FUND_TYPES
from budgetwatch.queries import page_cache, summary
from budgetwatch.queries.status import feed_status
from budgetwatch.queries.monthly import monthly_cumulative as cumulative
from budgetwatch.queries.store import query
from budgetwatch.queries.units import TOPS

STALE_AFTER_DAYS = 35


@dataclass(frozen=True)
class Period:
    """The year and as-of date a view speaks for, after defaults are applied."""
    years: tuple[int, ...]      # years with budget or payments, newest first
    year: int
    as_of: dt.date
    as_of_is_default: bool

    @property
    def schedule(self) -> float:
        return time_schedule(self.as_of)


def day_of_year(as_of: dt.date) -> tuple[int, int]:
    """(day of the year, days in the year): 30 June 2025 → (181, 365)."""
    return as_of.timetuple().tm_yday, 366 if calendar.isleap(as_of.year) else 365


def time_schedule(as_of: dt.date) -> float:
    """序时进度: day of the year ÷ days in the year (30 June 2025 → 181/365)."""
    day, days = day_of_year(as_of)
    return day / days


def available_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years that have budget lines or payments, newest first."""
    cached = summary.years(con)   # made at load: no scan of every payment
    if cached is not None:
        return cached
    frame = query(con, """
        SELECT year FROM budget
        UNION
        SELECT CAST(year(pay_date) AS INTEGER) FROM payments
        ORDER BY 1 DESC""")
    return [int(y) for y in frame["year"]]


def latest_payment_date(con: duckdb.DuckDBPyConnection, year: int) -> dt.date | None:
    """The newest payment date within the year, or None when the year has no payments."""
    cached = summary.last_payment(con, year)
    if cached is not summary.MISSING:
        return cached
    frame = query(con, """
        SELECT max(pay_date) AS last FROM payments
        WHERE pay_date BETWEEN make_date(?, 1, 1) AND make_date(?, 12, 31)""", [year, year])
    last = frame["last"].iloc[0]
    return None if last is None or pd.isna(last) else pd.Timestamp(last).date()


def resolve_period(con: duckdb.DuckDBPyConnection, year: int | None = None,
                   as_of: dt.date | None = None, *, today: dt.date | None = None) -> Period | None:
    """Apply the defaults: the latest year with data; the year's latest payment date.

    A year without data falls back to the latest one; an as-of date outside the year is
    replaced by the default. A year without payments is seen as of today, kept inside the
    year. None when there is no budget or payment data at all.
    """
    years = tuple(available_years(con))
    if not years:
        return None
    if year not in years:
        year = years[0]
    if as_of is not None and as_of.year == year:
        return Period(years, year, as_of, False)
    default = latest_payment_date(con, year)
    if default is None:
        today = today or dt.date.today()
        default = min(max(today, dt.date(year, 1, 1)), dt.date(year, 12, 31))
    return Period(years, year, default, True)


def department_execution(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date) -> pd.DataFrame:
    """Per top-level department: budgets and payments of it and all its units, rolled up.

    Columns: dept_code, dept_name, original, adjusted, spent (yuan, payments of the year up to
    and including ``as_of``), rate (spent ÷ adjusted; NaN without adjusted budget). Codes met
    in budget or payments but missing from departments stand for themselves, named by code.
    Ordered by rate, lowest first.
    """
    return query(con, f"""
        WITH RECURSIVE {TOPS},
        b AS (
            SELECT coalesce(t.top_code, b.dept_code) AS top_code,
                   sum(b.original_amount) AS original, sum(b.adjusted_amount) AS adjusted
            FROM budget b LEFT JOIN tops t USING (dept_code)
            WHERE b.year = $year
            GROUP BY 1
        ),
        per_unit AS (   -- summed per unit first: the tree join then touches ~1,000 rows, not millions
            SELECT dept_code, sum(amount) AS spent FROM payments
            WHERE pay_date BETWEEN make_date($year, 1, 1) AND $as_of
            GROUP BY 1
        ),
        s AS (
            SELECT coalesce(t.top_code, p.dept_code) AS top_code, sum(p.spent) AS spent
            FROM per_unit p LEFT JOIN tops t USING (dept_code)
            GROUP BY 1
        )
        SELECT top_code AS dept_code,
               coalesce(d.dept_name, top_code) AS dept_name,
               CAST(coalesce(b.original, 0) AS DOUBLE) AS original,
               CAST(coalesce(b.adjusted, 0) AS DOUBLE) AS adjusted,
               CAST(coalesce(s.spent, 0) AS DOUBLE) AS spent,
               CASE WHEN b.adjusted > 0
                    THEN CAST(coalesce(s.spent, 0) AS DOUBLE) / CAST(b.adjusted AS DOUBLE) END AS rate
        FROM b FULL JOIN s USING (top_code)
        LEFT JOIN departments d ON d.dept_code = top_code
        ORDER BY rate ASC NULLS LAST, dept_code""", {"year": year, "as_of": as_of})


def fund_totals(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date) -> pd.DataFrame:
    """The four budgets (四本预算): original, adjusted, spent and rate per fund type.

    Always the four fund types in their statutory order (zeros where nothing is loaded),
    followed by any other fund type found in the data.
    """
    frame = query(con, """
        WITH b AS (
            SELECT fund_type, sum(original_amount) AS original, sum(adjusted_amount) AS adjusted
            FROM budget WHERE year = $year GROUP BY 1
        ),
        s AS (
            SELECT fund_type, sum(amount) AS spent
            FROM payments WHERE pay_date BETWEEN make_date($year, 1, 1) AND $as_of
            GROUP BY 1
        )
        SELECT fund_type,
               CAST(coalesce(b.original, 0) AS DOUBLE) AS original,
               CAST(coalesce(b.adjusted, 0) AS DOUBLE) AS adjusted,
               CAST(coalesce(s.spent, 0) AS DOUBLE) AS spent
        FROM b FULL JOIN s USING (fund_type)""", {"year": year, "as_of": as_of})
    order = list(FUND_TYPES) + sorted(set(frame["fund_type"]) - set(FUND_TYPES))
    frame = (frame.set_index("fund_type").reindex(order, fill_value=0.0)
             .rename_axis("fund_type").reset_index())
    frame["rate"] = frame["spent"] / frame["adjusted"].where(frame["adjusted"] > 0)
    return frame


def monthly_cumulative(con: duckdb.DuckDBPyConnection, year: int, as_of: dt.date) -> pd.DataFrame:
    """Spending by month, the whole budget: ``queries.monthly.monthly_cumulative``."""
    return cumulative(con, year, as_of)


def feed_freshness(con: duckdb.DuckDBPyConnection, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per feed (in FEEDS.md order): rows, last_loaded, last_file, as_of and stale.

    A feed is stale when it holds no rows or its last load is older than STALE_AFTER_DAYS.
    """
    return freshness_frame(feed_status(con), now)


def freshness_frame(status: dict, now: dt.datetime | None = None) -> pd.DataFrame:
    """``feed_freshness`` from an already read ``feed_status`` (staleness depends on ``now``)."""
    now = now or dt.datetime.now()
    records = []
    for feed, s in status.items():
        last = dt.datetime.fromisoformat(s["last_loaded"]) if s["last_loaded"] else None
        stale = s["rows"] == 0 or last is None or (now - last) > dt.timedelta(days=STALE_AFTER_DAYS)
        records.append({"feed": feed, "rows": s["rows"], "last_loaded": last,
                        "last_file": s["last_file"], "as_of": s["as_of"], "stale": stale})
    return pd.DataFrame.from_records(
        records, columns=["feed", "rows", "last_loaded", "last_file", "as_of", "stale"])


def overview_frames(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The overview's three frames for a resolved period: departments, funds, monthly (the
    page and its chart exports read the same)."""
    return (department_execution(con, period.year, period.as_of),
            fund_totals(con, period.year, period.as_of),
            monthly_cumulative(con, period.year, period.as_of))


@dataclass(frozen=True)
class OverviewData:
    """What the overview page draws for one (year, as-of) request, before figures."""
    status: dict                          # feed_status: rows, loads and as-of date per feed
    period: Period | None                 # None: no budget or payment data at all
    depts: pd.DataFrame | None
    funds: pd.DataFrame | None
    monthly: pd.DataFrame | None


def overview_data(store, year: int | None, as_of: dt.date | None, *, today: dt.date | None = None) -> OverviewData:
    """Everything the overview asks the data, computed once per generation and scope for
    every member asking the same year and date (``page_cache``)."""
    today = today or dt.date.today()

    def compute(con) -> OverviewData:
        status = feed_status(con)
        period = resolve_period(con, year, as_of, today=today)
        frames = overview_frames(con, period) if period is not None else (None, None, None)
        return OverviewData(status, period, *frames)

    return page_cache.cached(store, "overview", (year, as_of, today), compute)
