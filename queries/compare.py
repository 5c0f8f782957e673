"""Year on year (上年同期): the same questions as the execution drill-down, asked of earlier years.

Two uses:

* ``prior_level`` — the execution table's 上年同期 column: for each child of a level, what it
  spent from 1 January of the year before up to the same calendar day (``same_day_before``:
  30 June 2025 → 30 June 2024; 29 February → 28 February), and whether the year before holds
  any payment at all (when it does not, the page says 无上年数据 instead of showing 0.00).
* the comparison page (``/compare``) — one node across every year held: spending by month
  (``months_by_year``), the adjusted budget of each year (``budget_by_year``) and the node's
  children side by side (``items_by_year``, each year counted from 1 January to the as-of
  day's month and day, so every year covers the same part of its calendar).

Three trees (``queries.nodes.Node``): ``func`` and ``dept`` are the execution page's;
``econ`` is the economic classification, 类 (3 digits) → 款 (5 digits).

Payments are read from ``payments_daily`` (payments summed per day and codes, made at load)
when it is stamped for the generation, else from ``payments``: both carry the code columns
the fragments below name. SQL is assembled only from fixed fragments chosen by tree and depth;
codes, dates and years are bound parameters.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from budgetwatch.queries import execution as qe
from budgetwatch.queries import page_cache, reference
from budgetwatch.queries.nodes import ECON_LENGTH, ECON_LENGTHS, FUNC_LENGTHS, Node, tree_node
from budgetwatch.queries.store import Store, query, stamped
from budgetwatch.queries.units import TOPS

BYS = ("dept", "func", "econ")

_CHILD_KEY = {**qe._CHILD_KEY, ("econ", 0): "left(x.econ_code, 3)", ("econ", 1): "left(x.econ_code, 5)"}
_STEP_FILTER = {**qe._STEP_FILTER, ("econ", 0): ("starts_with(x.econ_code, $c0)", "c0"),
                ("econ", 1): ("starts_with(x.econ_code, $c1)", "c1")}


def same_day_before(as_of: dt.date) -> dt.date:
    """The same calendar day a year earlier (29 February → 28 February)."""
    try:
        return as_of.replace(year=as_of.year - 1)
    except ValueError:
        return dt.date(as_of.year - 1, 2, 28)


def payments_source(con: duckdb.DuckDBPyConnection) -> str:
    """``payments_daily`` when it was made for this generation, else ``payments`` itself."""
    return "payments_daily" if stamped(con, "payments_daily") else "payments"


def parse_node(by: str | None, path: str | None) -> Node:
    """A node of one of the three trees from URL text (another ``by``: dept); what does not
    fit the tree is cut off (never an error). See ``queries.nodes.tree_node``."""
    return tree_node(by if by in BYS else "dept", path)


def _where(node: Node) -> tuple[str, dict]:
    sql, params = [], {}
    for i, code in enumerate(node.path):
        cond, name = _STEP_FILTER[(node.by, i)]
        sql.append(f" AND {cond}")
        params[name] = code
    return "".join(sql), params


def _pre_where(node: Node) -> str:
    """The steps of ``_where`` that need no department tree (pushed below the grouping)."""
    return "".join(f" AND {_STEP_FILTER[(node.by, i)][0]}" for i in range(node.depth)
                   if not (node.by == "dept" and i == 0))


def _head(node: Node) -> tuple[str, str]:
    """(``WITH RECURSIVE tops …,`` or ``WITH``, the join to the department tree or "")."""
    if node.by == "dept":
        return f"WITH RECURSIVE {TOPS},", qe._TREE_JOIN
    return "WITH", ""


def _names(codes: list[str], dept_names: list, by: str, depth: int) -> list[str]:
    if by == "econ":
        want = ECON_LENGTHS[depth]
        return [reference.econ_name(c) if len(c) == want else f"{reference.econ_name(c)}（未细化）" for c in codes]
    return qe._names(pd.DataFrame({"code": codes, "dept_name": dept_names}), by, depth)


def _drillable(codes: pd.Series, by: str, depth: int) -> pd.Series:
    if by == "func":
        return codes.str.len() == FUNC_LENGTHS[depth]
    if by == "econ":
        return codes.str.len() == ECON_LENGTHS[depth]
    if depth == 2:
        return codes.str.len() == ECON_LENGTH
    return pd.Series(True, index=codes.index)


# -- 上年同期 for the execution table -----------------------------------------------------------
@dataclass(frozen=True)
class Prior:
    """The year before, for one level: whether it holds payments at all, and each child's
    spending from 1 January to ``day``."""
    held: bool
    day: dt.date
    frame: pd.DataFrame        # code, name, prior (yuan), drillable


def prior_level(con: duckdb.DuckDBPyConnection, node: Node, year: int, as_of: dt.date) -> Prior:
    """The children of the level ``node`` shows, with what each spent in the same period of
    the year before (from 1 January to ``same_day_before(as_of)``)."""
    parent = node.level_parent
    day = same_day_before(as_of)
    src = payments_source(con)
    head, join = _head(node)
    where, params = _where(parent)
    pre = _pre_where(parent)
    frame = query(con, f"""
        {head}
        x AS (
            SELECT dept_code, func_code, econ_code, sum(amount) AS amount
            FROM {src} x
            WHERE x.pay_date BETWEEN make_date($year - 1, 1, 1) AND $day{pre}
            GROUP BY ALL
        )
        SELECT {_CHILD_KEY[(node.by, parent.depth)]} AS code, any_value(d.dept_name) AS dept_name,
               CAST(sum(x.amount) AS DOUBLE) AS prior
        FROM x {join}
        LEFT JOIN departments d ON d.dept_code = {_CHILD_KEY[(node.by, parent.depth)]}
        WHERE true{where}
        GROUP BY 1
        ORDER BY prior DESC, code""", {"year": int(year), "day": day, **params}, name="compare.prior_level")
    held = bool(query(con, f"""
        SELECT EXISTS (SELECT 1 FROM {src} WHERE pay_date BETWEEN make_date($year - 1, 1, 1)
                                                   AND make_date($year - 1, 12, 31)) AS held""",
                      {"year": int(year)}, name="compare.prior_held")["held"].iloc[0])
    codes = frame["code"].astype(str)
    out = pd.DataFrame({"code": codes, "name": _names(list(codes), list(frame["dept_name"]), node.by, parent.depth),
                        "prior": frame["prior"].astype(float),
                        "drillable": _drillable(codes, node.by, parent.depth).astype(bool)})
    return Prior(held, day, out)


def prior_cached(store: Store, node: Node, year: int, as_of: dt.date) -> Prior:
    """``prior_level`` once per generation, scope and view (``page_cache``)."""
    return page_cache.cached(store, "compare.prior_level", (node.by, ".".join(node.path), int(year), as_of),
                             lambda con: prior_level(con, node, year, as_of))


def with_prior(level: pd.DataFrame, prior: Prior) -> pd.DataFrame:
    """The level (``queries.execution.level``) with columns prior, change (spent − prior) and
    growth (change ÷ prior; NaN without a prior amount). Children that spent only in the year
    before are added with zeros this year. Without data for the year before, prior, change and
    growth are NaN everywhere (the page says so instead of showing 0.00)."""
    out = level.copy()
    if not prior.held:
        out["prior"] = out["change"] = out["growth"] = float("nan")
        return out
    known = set(out["code"])
    extra = prior.frame[~prior.frame["code"].isin(known)]
    if len(extra):
        added = pd.DataFrame({"code": extra["code"], "name": extra["name"], "original": 0.0, "adjusted": 0.0,
                              "spent": 0.0, "payments": 0, "rate": float("nan"), "drillable": extra["drillable"]})
        out = pd.concat([out, added[out.columns]], ignore_index=True)
    out = out.merge(prior.frame[["code", "prior"]], on="code", how="left")
    out["prior"] = out["prior"].fillna(0.0)
    out["change"] = out["spent"] - out["prior"]
    out["growth"] = out["change"] / out["prior"].where(out["prior"] > 0)
    return out


def prior_total(prior: Prior, node: qe.Node | Node) -> float | None:
    """The node's own 上年同期: its children summed, a leaf's own row; None without data."""
    if not prior.held:
        return None
    frame = prior.frame
    part = frame[frame["code"] == node.path[-1]] if node.is_leaf else frame
    return float(part["prior"].sum())


# -- the comparison page: one node across every year held --------------------------------------
def months_by_year(con: duckdb.DuckDBPyConnection, node: Node) -> pd.DataFrame:
    """The node's spending per year and month. Columns: year, month, spent (yuan)."""
    head, join = _head(node)
    where, params = _where(node)
    src = payments_source(con)
    frame = query(con, f"""
        {head}
        x AS (SELECT dept_code, func_code, econ_code, CAST(year(pay_date) AS INTEGER) AS year,
                     CAST(month(pay_date) AS INTEGER) AS month, sum(amount) AS amount
              FROM {src} x WHERE true{_pre_where(node)} GROUP BY ALL)
        SELECT x.year, x.month, CAST(sum(x.amount) AS DOUBLE) AS spent
        FROM x {join}
        WHERE true{where}
        GROUP BY 1, 2
        ORDER BY 1, 2""", params, name="compare.months_by_year")
    return frame


def budget_by_year(con: duckdb.DuckDBPyConnection, node: Node) -> pd.DataFrame:
    """The node's budget per year. Columns: year, original, adjusted (yuan)."""
    head, join = _head(node)
    where, params = _where(node)
    return query(con, f"""
        {head}
        x AS (SELECT * FROM budget)
        SELECT CAST(x.year AS INTEGER) AS year, CAST(sum(x.original_amount) AS DOUBLE) AS original,
               CAST(sum(x.adjusted_amount) AS DOUBLE) AS adjusted
        FROM x {join}
        WHERE true{where}
        GROUP BY 1
        ORDER BY 1""", params, name="compare.budget_by_year")


def items_by_year(con: duckdb.DuckDBPyConnection, node: Node, month: int, day: int) -> pd.DataFrame:
    """The children of the level ``node`` shows, year by year: spent from 1 January to the
    ``month``/``day`` of each year, and each year's adjusted budget.

    Columns: code, name, year, adjusted, spent (yuan), drillable.
    """
    parent = node.level_parent
    head, join = _head(node)
    where, params = _where(parent)
    key = _CHILD_KEY[(node.by, parent.depth)]
    src = payments_source(con)
    pre = _pre_where(parent)
    frame = query(con, f"""
        {head}
        p AS (
            SELECT CAST(year(x.pay_date) AS INTEGER) AS year, dept_code, func_code, econ_code,
                   sum(amount) AS amount
            FROM {src} x
            WHERE (month(x.pay_date) < $month OR (month(x.pay_date) = $month AND day(x.pay_date) <= $day)){pre}
            GROUP BY ALL
        ),
        s AS (
            SELECT {key} AS code, x.year, sum(x.amount) AS spent
            FROM p x {join} WHERE true{where} GROUP BY 1, 2
        ),
        b AS (
            SELECT {key} AS code, x.year, sum(x.adjusted_amount) AS adjusted
            FROM budget x {join} WHERE true{where} GROUP BY 1, 2
        )
        SELECT code, year, d.dept_name,
               CAST(coalesce(b.adjusted, 0) AS DOUBLE) AS adjusted,
               CAST(coalesce(s.spent, 0) AS DOUBLE) AS spent
        FROM b FULL JOIN s USING (code, year)
        LEFT JOIN departments d ON d.dept_code = code
        ORDER BY code, year""", {**params, "month": int(month), "day": int(day)},
                  name="compare.items_by_year")
    codes = frame["code"].astype(str)
    frame = frame.assign(code=codes, name=_names(list(codes), list(frame["dept_name"]), node.by, parent.depth),
                         drillable=_drillable(codes, node.by, parent.depth).astype(bool))
    return frame[["code", "name", "year", "adjusted", "spent", "drillable"]]


def node_names(con: duckdb.DuckDBPyConnection, node: Node) -> list[str]:
    """The name of each step of the path (the page's breadcrumb)."""
    if node.by != "econ":
        return qe.node_names(con, node)
    return [reference.econ_name(c) for c in node.path]


@dataclass(frozen=True)
class CompareData:
    """What the comparison page asks the data for one view."""
    years: tuple[int, ...]          # years held, oldest first
    year: int                       # the year whose as-of day sets the period
    as_of: dt.date
    names: list[str]                # the path's names
    months: pd.DataFrame            # months_by_year
    budget: pd.DataFrame            # budget_by_year
    items: pd.DataFrame             # items_by_year


def compare_data(store: Store, node: Node, year: int | None, as_of: dt.date | None, *,
                 today: dt.date | None = None) -> CompareData | None:
    """The comparison page's questions, once per generation, scope and view; None without data."""
    from budgetwatch.queries.overview import resolve_period

    today = today or dt.date.today()

    def compute(con) -> CompareData | None:
        period = resolve_period(con, year, as_of, today=today)
        if period is None:
            return None
        day = period.as_of
        return CompareData(tuple(sorted(period.years)), period.year, day, node_names(con, node),
                           months_by_year(con, node), budget_by_year(con, node),
                           items_by_year(con, node, day.month, day.day))

    return page_cache.cached(store, "compare.data", (node.by, node.key, year, as_of, today), compute)
