"""The Budget execution (预算执行) drill-down's questions, each one named, parameterised query.

A *node* is where the reader stands in one of two trees:

* ``by="func"`` — the functional classification, from the code prefixes: 类 = the first 3
  digits of ``func_code``, 款 = the first 5, 项 = all 7. Budget lines may be coded to 3, 5 or
  7 digits; each counts under every prefix it has (a line coded 205 is part of 类 205 but of
  no 款: at the 款 level it shows as its own child, coded "205", not itemised further).
* ``by="dept"`` — top-level department → budget unit (any unit under it through the parent
  chain, the department itself included) → economic 款 (first 5 digits of ``econ_code``).

A node (``queries.nodes.Node``, shared with the comparison page) has as its path its codes from
the top (``("205", "20502", "2050202")``); depth 3 is a leaf.
Its *children* are what the level under it is made of; a leaf shows its siblings. Every
number is for one year: the year's budget lines, and payments from 1 January up to and
including the as-of date (see queries/overview.py for the period and time schedule).

SQL is assembled only from fixed fragments chosen by ``by`` and depth (never from input);
codes, dates and every grid filter value travel as bound parameters.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from budgetwatch.queries import page_cache, reference
from budgetwatch.queries.overview import Period, resolve_period
from budgetwatch.queries.units import TOPS
from budgetwatch.queries.monthly import monthly_cumulative as cumulative
from budgetwatch.queries.nodes import DEPT_CODE, ECON_LENGTH, FUNC_LENGTHS, MAX_DEPTH, Node, tree_node  # noqa: F401
from budgetwatch.queries.store import query

BYS = ("func", "dept")
EXPORT_MAX_ROWS = 1_000_000
PAGE_MAX_ROWS = 1_000             # the most rows one grid request may ask for


def parse_node(by: str | None, path: str | None) -> Node:
    """A node of the func or dept tree from URL text (another ``by``: func); whatever does
    not fit the tree is cut off (never an error). See ``queries.nodes.tree_node``."""
    return tree_node(by if by in BYS else "func", path)


# -- SQL fragments: chosen by (by, depth), never built from input ------------------------------
# Key of a child at each level, for a table aliased x (budget or payments) joined to tree t.
_CHILD_KEY = {
    ("func", 0): "left(x.func_code, 3)",
    ("func", 1): "left(x.func_code, 5)",
    ("func", 2): "left(x.func_code, 7)",
    ("dept", 0): "coalesce(t.top_code, x.dept_code)",
    ("dept", 1): "x.dept_code",
    ("dept", 2): "left(x.econ_code, 5)",
}
# Condition for "belongs to the node", one per path step, with the parameter it binds.
_STEP_FILTER = {
    ("func", 0): ("starts_with(x.func_code, $c0)", "c0"),
    ("func", 1): ("starts_with(x.func_code, $c1)", "c1"),
    ("func", 2): ("x.func_code = $c2", "c2"),
    ("dept", 0): ("coalesce(t.top_code, x.dept_code) = $c0", "c0"),
    ("dept", 1): ("x.dept_code = $c1", "c1"),
    ("dept", 2): ("starts_with(x.econ_code, $c2)", "c2"),
}


def _node_where(node: Node) -> tuple[str, dict]:
    """``AND …`` conditions putting rows of table x inside ``node``, and their parameters."""
    sql, params = [], {}
    for i, code in enumerate(node.path):
        cond, name = _STEP_FILTER[(node.by, i)]
        sql.append(cond)
        params[name] = code
    return "".join(f" AND {c}" for c in sql), params


_TREE_JOIN = "LEFT JOIN tops t ON t.dept_code = x.dept_code"


def _with(node: Node, ctes: str = "") -> str:
    """The WITH clause: the department tree (only where a dept path needs it), then ``ctes``."""
    parts = ([f"RECURSIVE {TOPS}"] if node.by == "dept" else []) + ([ctes] if ctes else [])
    return "WITH " + ",\n".join(parts) if parts else ""


def _join(node: Node) -> str:
    return _TREE_JOIN if node.by == "dept" else ""


def _pre_where(node: Node) -> str:
    """The steps of ``_node_where`` that need no department tree (pushed below the grouping)."""
    parent = node.level_parent
    return "".join(f" AND {_STEP_FILTER[(node.by, i)][0]}" for i in range(parent.depth)
                   if not (node.by == "dept" and i == 0))


def _period(year: int, as_of: dt.date) -> dict:
    return {"year": int(year), "as_of": as_of}


# -- the level: children of a node with budget, spending and rate -----------------------------
def level(con: duckdb.DuckDBPyConnection, node: Node, year: int, as_of: dt.date) -> pd.DataFrame:
    """The rows of the level ``node`` shows (its children; a leaf's siblings).

    Columns: code, name, original, adjusted, spent (yuan, DOUBLE), payments (count), rate
    (spent ÷ adjusted, NaN without adjusted budget), drillable (a child one can step into).
    Ordered by adjusted budget, largest first, then code.
    """
    parent = node.level_parent
    depth = parent.depth
    key = _CHILD_KEY[(node.by, depth)]
    where, params = _node_where(parent)
    join = _join(node)
    frame = query(con, f"""
        {_with(node, "")}{"," if node.by == "dept" else "WITH"}
        b AS (
            SELECT {key} AS code, sum(x.original_amount) AS original, sum(x.adjusted_amount) AS adjusted
            FROM budget x {join}
            WHERE x.year = $year{where}
            GROUP BY 1
        ),
        x AS (   -- payments summed per unit and codes first: the rest works on thousands of rows
            SELECT dept_code, func_code, econ_code, sum(amount) AS amount, count(*) AS n
            FROM payments x
            WHERE x.pay_date BETWEEN make_date($year, 1, 1) AND $as_of{_pre_where(node)}
            GROUP BY ALL
        ),
        s AS (
            SELECT {key} AS code, sum(x.amount) AS spent, sum(x.n) AS payments
            FROM x {join}
            WHERE true{where}
            GROUP BY 1
        )
        SELECT code,
               d.dept_name,
               CAST(coalesce(b.original, 0) AS DOUBLE) AS original,
               CAST(coalesce(b.adjusted, 0) AS DOUBLE) AS adjusted,
               CAST(coalesce(s.spent, 0) AS DOUBLE) AS spent,
               CAST(coalesce(s.payments, 0) AS BIGINT) AS payments
        FROM b FULL JOIN s USING (code)
        LEFT JOIN departments d ON d.dept_code = code
        ORDER BY adjusted DESC, code""", {**_period(year, as_of), **params})
    frame["name"] = _names(frame, node.by, depth)
    frame["rate"] = frame["spent"] / frame["adjusted"].where(frame["adjusted"] > 0)
    if node.by == "func":
        frame["drillable"] = frame["code"].str.len() == FUNC_LENGTHS[depth]
    elif depth == 2:
        frame["drillable"] = frame["code"].str.len() == ECON_LENGTH
    else:
        frame["drillable"] = True
    return frame[["code", "name", "original", "adjusted", "spent", "payments", "rate", "drillable"]]


def _names(frame: pd.DataFrame, by: str, depth: int) -> list[str]:
    if by == "dept" and depth < 2:
        return [n if isinstance(n, str) and n else c for c, n in zip(frame["code"], frame["dept_name"])]
    if by == "dept":
        return [reference.econ_name(c) for c in frame["code"]]
    want = FUNC_LENGTHS[depth]
    return [reference.func_name(c) if len(c) == want else
            f"{reference.func_name(c)}（未细化）" for c in frame["code"]]


def department_code(con: duckdb.DuckDBPyConnection, label: str) -> str | None:
    """The top-level department a chart label names: ``市教育局``, ``市教育局（001）`` (two
    departments of one name) or a bare code (units missing from the departments feed)."""
    label = str(label or "").strip()
    m = re.match(r"^(.*)（([^（）]+)）$", label)
    candidates = [m.group(2)] if m else []
    frame = query(con, """
        SELECT dept_code FROM departments
        WHERE dept_code = ANY($codes) OR dept_name = $label
        ORDER BY dept_code = ANY($codes) DESC, (parent_code IS NULL OR parent_code = '') DESC, dept_code
        LIMIT 1""", {"codes": candidates or [label], "label": label})
    if len(frame):
        return frame["dept_code"].iloc[0]
    return label if DEPT_CODE.match(label) else None


def node_names(con: duckdb.DuckDBPyConnection, node: Node) -> list[str]:
    """The name of each step of the path, for the breadcrumb."""
    names = []
    for i, code in enumerate(node.path):
        if node.by == "func":
            names.append(reference.func_name(code))
        elif i == 2:
            names.append(reference.econ_name(code))
        else:
            frame = query(con, "SELECT dept_name FROM departments WHERE dept_code = ? LIMIT 1", [code])
            names.append(frame["dept_name"].iloc[0] if len(frame) else code)
    return names


def node_totals(frame: pd.DataFrame, node: Node) -> dict:
    """The node's own totals from its level: the children summed; a leaf's own row."""
    part = frame[frame["code"] == node.path[-1]] if node.is_leaf else frame
    out = {k: float(part[k].sum()) for k in ("original", "adjusted", "spent")}
    out["payments"] = int(part["payments"].sum())
    out["rate"] = out["spent"] / out["adjusted"] if out["adjusted"] > 0 else None
    return out


def monthly(con: duckdb.DuckDBPyConnection, node: Node, year: int, as_of: dt.date) -> pd.DataFrame:
    """The node's spending by month: ``queries.monthly.monthly_cumulative`` narrowed to the node."""
    where, params = _node_where(node)
    return cumulative(con, year, as_of, where=where, join=_join(node),
                      recursive=TOPS if node.by == "dept" else "", params={**_period(year, as_of), **params})


# -- vouchers: one page at a time, filtered and sorted in DuckDB -------------------------------
# colId → (filter kind, SQL expression). The grid's column ids are looked up here; anything
# else a request names is ignored.
VOUCHER_COLUMNS: dict[str, tuple[str, str]] = {
    "voucher_no": ("text", "x.voucher_no"),
    "pay_date": ("date", "x.pay_date"),
    "unit": ("text", "coalesce(d.dept_name, x.dept_code)"),
    "dept_code": ("text", "x.dept_code"),
    "func": ("func", "x.func_code"),
    "econ": ("econ", "x.econ_code"),
    "fund_type": ("text", "x.fund_type"),
    "payee": ("text", "x.payee"),
    "amount": ("number", "x.amount"),
    "purpose": ("text", "x.purpose"),
}
DEFAULT_SORT = [{"colId": "pay_date", "sort": "desc"}]
_TEXT_OPS = {
    "contains": "contains(lower({e}), lower({p}))",
    "notContains": "NOT contains(lower(coalesce({e}, '')), lower({p}))",
    "equals": "lower({e}) = lower({p})",
    "notEqual": "lower(coalesce({e}, '')) <> lower({p})",
    "startsWith": "starts_with(lower({e}), lower({p}))",
    "endsWith": "ends_with(lower({e}), lower({p}))",
}
_CMP_OPS = {"equals": "=", "notEqual": "<>", "lessThan": "<", "lessThanOrEqual": "<=",
            "greaterThan": ">", "greaterThanOrEqual": ">="}
_MAX_FILTER_TEXT = 200


class _Params:
    """Names bound parameters f0, f1, … as conditions are added."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def add(self, value: object) -> str:
        name = f"f{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def _number(value) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if out == out and abs(out) < 1e15 else None


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _matching_codes(text: str, kind: str) -> list[str]:
    """Classification codes whose name contains ``text`` (so 小学 finds 2050202)."""
    names = reference.func_names() if kind == "func" else reference.econ_names()
    needle = text.lower()
    return [c for c, n in names.items() if needle in n.lower()][:500]


def _condition(col: str, model: dict, params: _Params) -> str | None:
    """One column's filter (a simple condition or two joined by AND/OR) as SQL, or None."""
    kind, expr = VOUCHER_COLUMNS[col]
    if not isinstance(model, dict):
        return None
    if isinstance(model.get("conditions"), list):
        op = " OR " if str(model.get("operator", "AND")).upper() == "OR" else " AND "
        parts = [_condition(col, c, params) for c in model["conditions"][:2]]
        parts = [p for p in parts if p]
        return "(" + op.join(parts) + ")" if parts else None
    typ = model.get("type")
    if typ == "blank":
        return f"({expr} IS NULL)" if kind in ("number", "date") else f"coalesce({expr}, '') = ''"
    if typ == "notBlank":
        return f"({expr} IS NOT NULL)" if kind in ("number", "date") else f"coalesce({expr}, '') <> ''"
    if kind == "number":
        a, b = _number(model.get("filter")), _number(model.get("filterTo"))
        return _compare(expr, typ, a, b, params)
    if kind == "date":
        a, b = _day(model.get("dateFrom")), _day(model.get("dateTo"))
        return _compare(expr, typ, a, b, params)
    value = model.get("filter")
    if value is None or typ not in _TEXT_OPS:
        return None
    value = str(value)[:_MAX_FILTER_TEXT]
    cond = _TEXT_OPS[typ].format(e=expr, p=params.add(value))
    if kind in ("func", "econ") and typ in ("contains", "equals", "startsWith"):
        codes = _matching_codes(value, kind)
        if codes:   # a name matches: the codes of that name too
            cond = f"({cond} OR list_contains({params.add(codes)}, {expr}))"
    return cond


def _compare(expr: str, typ, a, b, params: _Params) -> str | None:
    if a is None:
        return None
    if typ == "inRange":
        if b is None:
            return None
        lo, hi = (a, b) if a <= b else (b, a)
        return f"({expr} BETWEEN {params.add(lo)} AND {params.add(hi)})"
    if typ in _CMP_OPS:
        return f"({expr} {_CMP_OPS[typ]} {params.add(a)})"
    return None


def grid_filters(filter_model: dict | None, params: _Params) -> str:
    """AG Grid's filterModel as ``AND …`` conditions; unknown columns and types are ignored."""
    if not isinstance(filter_model, dict):
        return ""
    out = []
    for col, model in filter_model.items():
        if col in VOUCHER_COLUMNS:
            cond = _condition(col, model, params)
            if cond:
                out.append(cond)
    return "".join(f" AND {c}" for c in out)


def grid_order(sort_model: list | None) -> str:
    """AG Grid's sortModel as ORDER BY over whitelisted columns; ties broken by voucher_no."""
    items = []
    for s in (sort_model or DEFAULT_SORT)[:3]:
        if isinstance(s, dict) and s.get("colId") in VOUCHER_COLUMNS and s.get("colId") != "voucher_no":
            direction = "DESC" if s.get("sort") == "desc" else "ASC"
            items.append(f"{VOUCHER_COLUMNS[s['colId']][1]} {direction}")
    tie = "DESC" if any(isinstance(s, dict) and s.get("colId") == "voucher_no" and s.get("sort") == "desc"
                        for s in (sort_model or [])) else "ASC"
    return ", ".join(items + [f"x.voucher_no {tie}"])


def _voucher_from(node: Node, year: int, as_of: dt.date, filter_model: dict | None,
                  voucher: str | None, project: str | None = None) -> tuple[str, dict]:
    """FROM … WHERE … for the vouchers of a node (of one project's, when given), and all its parameters."""
    params = _Params()
    where, node_params = _node_where(node)
    extra = grid_filters(filter_model, params)
    if voucher:
        extra += f" AND x.voucher_no = {params.add(str(voucher)[:_MAX_FILTER_TEXT])}"
    if project:
        extra += f" AND x.project_code = {params.add(str(project)[:_MAX_FILTER_TEXT])}"
    sql = f"""{_with(node)}
        SELECT {{select}}
        FROM payments x {_join(node)}
        LEFT JOIN departments d ON d.dept_code = x.dept_code
        WHERE x.pay_date BETWEEN make_date($year, 1, 1) AND $as_of{where}{extra}"""
    return sql, {**_period(year, as_of), **node_params, **params.values}


_VOUCHER_SELECT = """x.voucher_no, x.pay_date, x.dept_code, coalesce(d.dept_name, x.dept_code) AS unit,
               x.func_code, x.econ_code, x.fund_type, x.payee, CAST(x.amount AS DOUBLE) AS amount,
               x.purpose"""


def vouchers_page(con: duckdb.DuckDBPyConnection, node: Node, year: int, as_of: dt.date, *,
                  start: int = 0, end: int = 100, sort_model: list | None = None,
                  filter_model: dict | None = None, voucher: str | None = None,
                  project: str | None = None) -> tuple[pd.DataFrame, int]:
    """Rows ``start``…``end`` of the node's payments (sorted, filtered) and how many match;
    ``project``: only those charged to that 项目库 code (the project page's grid)."""
    start = max(0, int(start or 0))
    limit = max(0, min(int(end or 0) - start, PAGE_MAX_ROWS))
    base, params = _voucher_from(node, year, as_of, filter_model, voucher, project)
    total = int(query(con, base.format(select="count(*) AS n"), params)["n"].iloc[0])
    if total == 0 or limit == 0 or start >= total:
        return _empty_vouchers(), total
    frame = query(con, base.format(select=_VOUCHER_SELECT)
                  + f"\n        ORDER BY {grid_order(sort_model)}\n        LIMIT $limit OFFSET $offset",
                  {**params, "limit": limit, "offset": start})
    return frame, total


def vouchers_total(con: duckdb.DuckDBPyConnection, node: Node, year: int, as_of: dt.date, *,
                   filter_model: dict | None = None, voucher: str | None = None) -> tuple[int, float]:
    """How many payments the filtered grid holds and their total amount (yuan)."""
    base, params = _voucher_from(node, year, as_of, filter_model, voucher)
    row = query(con, base.format(select="count(*) AS n, CAST(coalesce(sum(x.amount), 0) AS DOUBLE) AS amount"),
                params).iloc[0]
    return int(row["n"]), float(row["amount"])


def vouchers_all(con: duckdb.DuckDBPyConnection, node: Node, year: int, as_of: dt.date, *,
                 sort_model: list | None = None, filter_model: dict | None = None,
                 voucher: str | None = None, max_rows: int = EXPORT_MAX_ROWS,
                 project: str | None = None) -> pd.DataFrame:
    """Every payment of the node matching the filters, up to ``max_rows`` (for downloads)."""
    base, params = _voucher_from(node, year, as_of, filter_model, voucher, project)
    return query(con, base.format(select=_VOUCHER_SELECT) + f"\n        ORDER BY {grid_order(sort_model)}",
                 params, max_rows=max_rows)


def _empty_vouchers() -> pd.DataFrame:
    return pd.DataFrame(columns=["voucher_no", "pay_date", "dept_code", "unit", "func_code", "econ_code",
                                 "fund_type", "payee", "amount", "purpose"])


@dataclass(frozen=True)
class DrillData:
    """What the execution page asks the data for one view (before tables and figures)."""
    period: Period | None                 # None: no budget or payment data at all
    frame: pd.DataFrame | None            # ``level``
    names: list[str]                      # ``node_names``
    monthly: pd.DataFrame | None          # ``monthly``
    n_vouchers: int | None                # with ``voucher``: how many payments match it


def drill_data(store, node: Node, year: int | None, as_of: dt.date | None, voucher: str | None = None,
               *, today: dt.date | None = None) -> DrillData:
    """One drill step's questions, computed once per generation and scope for every member
    asking the same view (``page_cache``): the period, the level, the breadcrumb names, the
    monthly curve and, for one voucher, its count."""
    today = today or dt.date.today()

    def compute(con) -> DrillData:
        period = resolve_period(con, year, as_of, today=today)
        if period is None:
            return DrillData(None, None, [], None, None)
        y, day = period.year, period.as_of
        n = vouchers_page(con, node, y, day, start=0, end=0, voucher=voucher)[1] if voucher else None
        return DrillData(period, level(con, node, y, day), node_names(con, node), monthly(con, node, y, day), n)

    return page_cache.cached(store, "execution.drill", (node.by, node.key, year, as_of, voucher or None, today),
                             compute)


def _models_key(model) -> str:
    return json.dumps(model or None, sort_keys=True, ensure_ascii=False, default=str)


def vouchers_block(store, node: Node, year: int, as_of: dt.date, *, start: int, end: int,
                   sort_model: list | None = None, filter_model: dict | None = None,
                   voucher: str | None = None, project: str | None = None) -> tuple[pd.DataFrame, int]:
    """``vouchers_page`` through the page cache: members scrolling the same grid share blocks."""
    return page_cache.cached(
        store, "execution.vouchers",
        (node.by, node.key, year, as_of, int(start), int(end), _models_key(sort_model), _models_key(filter_model),
         voucher or None, project or None),
        lambda con: vouchers_page(con, node, year, as_of, start=start, end=end, sort_model=sort_model,
                                  filter_model=filter_model, voucher=voucher, project=project))


def vouchers_summary(store, node: Node, year: int, as_of: dt.date, *, filter_model: dict | None = None,
                     voucher: str | None = None) -> tuple[int, float]:
    """``vouchers_total`` through the page cache."""
    return page_cache.cached(
        store, "execution.vouchers_total", (node.by, node.key, year, as_of, _models_key(filter_model), voucher or None),
        lambda con: vouchers_total(con, node, year, as_of, filter_model=filter_model, voucher=voucher))
