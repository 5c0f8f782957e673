"""Find anything: one small table of every searchable name, built at the end of each load.

Why a dimension table and not a text index: DuckDB's ``fts`` extension cannot be installed
offline, and SQLite's FTS5 trigram tokenizer needs three characters while Chinese names are
typed two at a time (``教育``, ``保安``). What people look for is a *name* — a payee, a unit, a
class — and there are few distinct names (3,198 payees in the demo city's 120k payments; a few
hundred thousand at 20M). A substring scan over that many short strings takes milliseconds,
so ``search_index`` holds each name once per unit that owns it, with a normalised form
(``normalise``: full-width → half-width, case, punctuation, brackets and spaces dropped,
有限责任公司 → 有限公司) so the same company written two ways is found by either spelling.

Rows are per unit (``dept_code``) so that a department-limited reader's scoped view
(queries/store.py) sees only its own units' payees, purposes and classes; the search sums a
name's rows over the units it may see. Kinds:

* payee, purpose — from payments, with count and amount (all years);
* dept (top level), unit — from departments by name and code; amount = their payments;
* func (类/款/项 prefixes), econ (类/款) — the codes the unit's payments and budget use, named
  from the reference tables, matched by name or code prefix;
* enterprise (by name or credit code, owned by its supervising department), finding (audit
  findings by id, project, category or description);
* suggestion, project, region — only when those tables exist in the generation (checked in
  DuckDB's catalog, so the index works before and after those modules land).

``build`` writes it in the loader's new generation (``after_load``, called by the pipeline
next to the summaries) and stamps it in ``meta`` with the generation's file name. A
generation made any other way has no stamp, and ``ensure`` then builds the same rows into a
temporary table on the reader's connection (from the reader's own, possibly scoped, tables):
slower, never stale. Voucher numbers are not names: ``suggest`` looks them up in payments by
prefix when the query looks like one.
"""
from __future__ import annotations

import logging
import re
import time
import unicodedata

import duckdb
import pandas as pd

from budgetwatch.queries import reference
from budgetwatch.queries.store import QueryError, generation_file, query, rows, scalar, stamped

log = logging.getLogger("budgetwatch.search")

KINDS = ("voucher", "payee", "dept", "unit", "func", "econ", "purpose", "enterprise", "finding",
         "project", "suggestion", "region")
PER_KIND = 6                    # suggestions shown per kind
MAX_QUERY = 100
META_KEY = "search_index"
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_CODE = re.compile(r"^[0-9A-Za-z\-]{1,40}$")
_VOUCHER = re.compile(r"^[0-9A-Za-z\-_/]{6,60}$")     # shorter digits are codes, not vouchers
_FORMS = (("有限责任公司", "有限公司"),)


def normalise(text) -> str:
    """The matching form of a name: NFKC (（）→(), Ａ→a), lower case, every character that is
    not a letter or digit dropped (spaces, brackets, dots, dashes), company-form variants made one."""
    s = unicodedata.normalize("NFKC", str(text or "")).lower()
    s = _NOT_WORD.sub("", s)
    for a, b in _FORMS:
        s = s.replace(a, b)
    return s


def _stamp(con: duckdb.DuckDBPyConnection) -> str:
    return generation_file(con)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """Columns of a table or view visible to this connection (scoped temp views included)."""
    return {r[0] for r in rows(con, "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table],
                               name="search_columns", max_rows=None)}


# -- what each kind is made of: fixed SQL over the generation's tables ---------------------------
# Each yields kind, key, name, code, top_code, dept_code, year_from, year_to, payments, amount.
_TOP = """RECURSIVE tops(dept_code, top_code) AS (
        SELECT dept_code, dept_code FROM departments WHERE parent_code IS NULL OR parent_code = ''
        UNION
        SELECT d.dept_code, t.top_code FROM departments d JOIN tops t ON d.parent_code = t.dept_code
    )"""

_CORE = {
    "payee": """SELECT 'payee' AS kind, payee AS key, payee AS name, NULL AS code, NULL AS top_code, dept_code,
                       min(year(pay_date)) AS year_from, max(year(pay_date)) AS year_to,
                       count(*) AS payments, sum(amount) AS amount
                FROM payments GROUP BY payee, dept_code""",
    "purpose": """SELECT 'purpose', purpose, purpose, NULL, NULL, dept_code, min(year(pay_date)), max(year(pay_date)),
                         count(*), sum(amount)
                  FROM payments WHERE coalesce(purpose, '') <> '' GROUP BY purpose, dept_code""",
    "dept": """SELECT CASE WHEN d.parent_code IS NULL OR d.parent_code = '' THEN 'dept' ELSE 'unit' END,
                      d.dept_code, d.dept_name, d.dept_code, t.top_code, d.dept_code, p.year_from, p.year_to,
                      coalesce(p.n, 0), coalesce(p.amount, 0)
               FROM departments d LEFT JOIN tops t USING (dept_code)
               LEFT JOIN (SELECT dept_code, min(year(pay_date)) AS year_from, max(year(pay_date)) AS year_to,
                                 count(*) AS n, sum(amount) AS amount FROM payments GROUP BY 1) p USING (dept_code)""",
    # classification codes used by a unit's payments or budget lines, at each prefix length
    "func": """SELECT 'func', left(c.code, l.len), NULL, left(c.code, l.len), NULL, c.dept_code,
                      min(c.year), max(c.year), sum(c.n), sum(c.amount)
               FROM _codes c, (VALUES (3), (5), (7)) l(len)
               WHERE c.tree = 'func' AND length(c.code) >= l.len GROUP BY ALL""",
    "econ": """SELECT 'econ', left(c.code, l.len), NULL, left(c.code, l.len), NULL, c.dept_code,
                      min(c.year), max(c.year), sum(c.n), sum(c.amount)
               FROM _codes c, (VALUES (3), (5)) l(len)
               WHERE c.tree = 'econ' AND length(c.code) >= l.len GROUP BY ALL""",
    "enterprise": """SELECT 'enterprise', enterprise_code, arg_max(enterprise_name, year), enterprise_code,
                            NULL, supervisor_code, min(year), max(year), count(*), max(total_assets)
                     FROM assets_enterprise GROUP BY enterprise_code, supervisor_code""",
    "finding": """SELECT 'finding', finding_id,
                         concat_ws(' · ', category, description, audit_project), finding_id, NULL, dept_code,
                         min(audit_year), max(audit_year), count(*), sum(amount_involved)
                  FROM audit_findings GROUP BY finding_id, category, description, audit_project, dept_code""",
}
# Tables other modules add; each used only when the generation has them with these columns.
_OPTIONAL = {
    "suggestion": ({"suggestions": {"suggestion_no", "title", "dept_code", "year"}},
                   """SELECT 'suggestion', suggestion_no, any_value(title), suggestion_no, NULL, dept_code,
                             min(year), max(year), count(*), 0 FROM suggestions GROUP BY suggestion_no, dept_code"""),
    "project": ({"projects": {"project_code", "project_name", "dept_code"}},
                """SELECT 'project', project_code, any_value(project_name), project_code, NULL, dept_code,
                          NULL, NULL, count(*), 0 FROM projects GROUP BY project_code, dept_code"""),
    "region": ({"debt": {"region_code", "region_name", "year"}},
               """SELECT 'region', region_code, any_value(region_name), region_code, NULL, NULL,
                         min(year), max(year), count(*), 0 FROM debt GROUP BY region_code"""),
}
_COLS = "kind, key, name, code, top_code, dept_code, year_from, year_to, payments, amount"


def _parts(con: duckdb.DuckDBPyConnection) -> list[str]:
    parts = list(_CORE.values())
    for _kind, (needs, sql) in _OPTIONAL.items():
        if all(cols <= _columns(con, table) for table, cols in needs.items()):
            parts.append(sql)
    return parts


def _fill(con: duckdb.DuckDBPyConnection, target: str, temp: bool) -> int:
    """Write the index rows into ``target`` (a fixed name) from the connection's tables."""
    rows(con, """CREATE OR REPLACE TEMP TABLE _codes AS
        SELECT 'func' AS tree, dept_code, func_code AS code, year(pay_date) AS year, count(*) AS n, sum(amount) AS amount
        FROM payments GROUP BY ALL
        UNION ALL SELECT 'econ', dept_code, econ_code, year(pay_date), count(*), sum(amount) FROM payments GROUP BY ALL
        UNION ALL SELECT 'func', dept_code, func_code, year, 0, 0 FROM budget GROUP BY ALL
        UNION ALL SELECT 'econ', dept_code, econ_code, year, 0, 0 FROM budget GROUP BY ALL""", name="search_codes",
         timeout_s=None)
    union = "\nUNION ALL\n".join(f"({p})" for p in _parts(con))
    rows(con, f"""CREATE OR REPLACE TEMP TABLE _search_rows AS
        WITH {_TOP}
        SELECT {_COLS} FROM ({union}) u({_COLS})""", name="search_rows", timeout_s=None)
    # names of the classification codes, and every name's matching form (the same Python
    # function the query text goes through, so both sides are normalised alike)
    codes = rows(con, "SELECT DISTINCT kind, key FROM _search_rows WHERE kind IN ('func', 'econ')",
                 name="search_class_codes", max_rows=None)
    named = pd.DataFrame([(k, c, reference.func_name(c) if k == "func" else reference.econ_name(c)) for k, c in codes],
                         columns=["kind", "key", "name"]) if codes else pd.DataFrame(columns=["kind", "key", "name"])
    con.register("_class_names", named)
    rows(con, """UPDATE _search_rows r SET name = n.name FROM _class_names n
                 WHERE r.kind = n.kind AND r.key = n.key""", name="search_class_names")
    con.unregister("_class_names")
    names = [r[0] for r in rows(con, "SELECT DISTINCT name FROM _search_rows WHERE name IS NOT NULL",
                                name="search_names", max_rows=None)]
    con.register("_norms", pd.DataFrame({"name": names, "norm": [normalise(n) for n in names]}))
    kind = "TEMP TABLE" if temp else "TABLE"
    rows(con, f"""CREATE OR REPLACE {kind} {target} AS
        SELECT r.kind, r.key, r.name, n.norm, r.code, r.top_code, r.dept_code,
               CAST(r.year_from AS INTEGER) AS year_from, CAST(r.year_to AS INTEGER) AS year_to,
               CAST(r.payments AS BIGINT) AS payments, CAST(r.amount AS DOUBLE) AS amount
        FROM _search_rows r LEFT JOIN _norms n USING (name)
        ORDER BY r.kind, n.norm""", name="search_index", timeout_s=None)
    con.unregister("_norms")
    count = scalar(con, f"SELECT count(*) FROM {target}", name="search_count")
    rows(con, "DROP TABLE IF EXISTS _search_rows")
    rows(con, "DROP TABLE IF EXISTS _codes")
    return count


def build(con: duckdb.DuckDBPyConnection) -> dict:
    """Write ``search_index`` into the (writable) generation ``con`` is on, and stamp it."""
    started = time.perf_counter()
    n = _fill(con, "search_index", temp=False)
    rows(con, "INSERT OR REPLACE INTO meta VALUES (?, ?)", [META_KEY, _stamp(con)], name="search_stamp")
    rows(con, "DELETE FROM meta WHERE key = ?", [OWED_KEY], name="search_owed_paid")
    seconds = time.perf_counter() - started
    log.info("search index: %d rows in %.2f s", n, seconds)
    return {"rows": n, "seconds": seconds}


OWED_KEY = "search_owed"        # meta: the generation whose index the background worker rebuilds


def after_load(writer, carry: bool = False) -> list:
    """The loader's step next to the summaries; never fails the load (readers then build live),
    and never hides that it did not finish: the load's report names it.

    ``carry`` (a large load whose flags follow in the background): the copied index of the
    previous generation is kept for this one — names and totals one load behind for the
    minute until the background worker (queries/flag_worker.py) publishes the rebuilt one —
    instead of scanning every payment again before the data may be published."""
    from budgetwatch.queries.steps import Unfinished
    if not (writer.changed or writer.first):
        return []
    source = getattr(writer, "source", None)
    if carry and source is not None:
        moved = rows(writer.con, "UPDATE meta SET value = ? WHERE key = ? AND value = ? RETURNING key",
                     [_stamp(writer.con), META_KEY, source.name], name="search_carry")
        if moved:
            rows(writer.con, "INSERT OR REPLACE INTO meta VALUES (?, ?)", [OWED_KEY, _stamp(writer.con)],
                 name="search_owed")
            return []
    try:
        build(writer.con)
    except Exception as exc:
        log.exception("search index failed; searches will build it live")
        try:
            rows(writer.con, "DELETE FROM meta WHERE key = ?", [META_KEY], name="search_unstamp")
        except QueryError:
            pass
        why = " ".join(str(exc).split())[:200] or type(exc).__name__
        return [Unfinished("search", f"搜索索引未能生成（{why}）；数据已导入，搜索将现场建立索引，会较慢",
                           f"the search index was not made ({why}); the data was loaded and searches "
                           f"build it live, more slowly")]
    return []


def owed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this generation's index was carried from the one before and is owed a rebuild."""
    return stamped(con, OWED_KEY)


def ensure(con: duckdb.DuckDBPyConnection) -> str:
    """The name of the index to read on this connection: the stamped table (through the scoped
    view, if any), else a temporary one built now from this connection's own tables."""
    if stamped(con, META_KEY):      # stamped: the table is there (schema.sql)
        return "search_index"
    if not _columns(con, "_search_live"):
        _fill(con, "_search_live", temp=True)
    return "_search_live"


_INDEXES = ("search_index", "_search_live")      # the only names ``ensure`` returns


# -- asking -------------------------------------------------------------------------------------
def clean_query(text) -> str:
    return " ".join(str(text or "").split())[:MAX_QUERY]


def suggest(con: duckdb.DuckDBPyConnection, text: str, per_kind: int = PER_KIND) -> pd.DataFrame:
    """Everything matching ``text``, grouped by kind and ranked within each.

    Names match as substrings of their normalised form; codes by prefix. Rank: exact, then
    prefix, then substring; then amount and count, largest first. Columns: kind, key, name,
    code, top_code, year_from, year_to, payments, amount, rank (0 exact, 1 prefix, 2 inside),
    total (how many of this kind matched). At most ``per_kind`` rows of each kind.
    """
    text = clean_query(text)
    norm = normalise(text)
    if not norm:
        return _empty()
    code = text.replace(" ", "") if _CODE.match(text.replace(" ", "")) else None
    table = ensure(con)
    assert table in _INDEXES
    frame = query(con, f"""
        WITH hit AS (
            SELECT kind, key, name, code, top_code, payments, amount, year_from, year_to,
                   CASE WHEN norm = $norm OR code = $code THEN 0
                        WHEN starts_with(norm, $norm) OR starts_with(code, $code) THEN 1 ELSE 2 END AS rank
            FROM {table}
            WHERE contains(norm, $norm) OR starts_with(code, $code)
        ),
        one AS (   -- a name's rows over the units this reader may see
            SELECT kind, key, any_value(name) AS name, any_value(code) AS code, any_value(top_code) AS top_code,
                   min(year_from) AS year_from, max(year_to) AS year_to,
                   sum(payments) AS payments, sum(amount) AS amount, min(rank) AS rank
            FROM hit GROUP BY kind, key
        ),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY kind ORDER BY rank, amount DESC NULLS LAST,
                                         payments DESC, name, key) AS pos,
                   count(*) OVER (PARTITION BY kind) AS total
            FROM one
        )
        SELECT kind, key, name, code, top_code, year_from, year_to, CAST(payments AS BIGINT) AS payments,
               amount, rank, total
        FROM ranked WHERE pos <= $per_kind
        ORDER BY kind, pos""", {"norm": norm, "code": code, "per_kind": int(per_kind)})
    vouchers = find_vouchers(con, text, per_kind)
    if len(vouchers):
        frame = pd.concat([vouchers, frame], ignore_index=True) if len(frame) else vouchers
    order = {k: i for i, k in enumerate(KINDS)}
    frame["_k"] = frame["kind"].map(order).fillna(len(KINDS))
    return frame.sort_values(["_k"], kind="stable").drop(columns="_k").reset_index(drop=True)


def suggestions(store, text: str, per_kind: int = PER_KIND) -> pd.DataFrame:
    """``suggest`` through the page cache (per generation, reader scope and normalised text):
    what many members type — the same two characters, the same unit — is answered once, and a
    repeated keystroke never opens a connection."""
    from budgetwatch.queries import page_cache

    text = clean_query(text)
    return page_cache.cached(store, "search.suggest", (text, int(per_kind)), lambda con: suggest(con, text, per_kind))


def find_vouchers(con: duckdb.DuckDBPyConnection, text: str, limit: int = PER_KIND) -> pd.DataFrame:
    """Vouchers whose number starts with ``text`` (only for text shaped like a voucher number)."""
    text = clean_query(text).replace(" ", "")
    if not _VOUCHER.match(text) or not any(ch.isdigit() for ch in text):
        return _empty()
    return query(con, """
        WITH hit AS (
            SELECT voucher_no, payee, pay_date, amount, dept_code FROM payments
            WHERE voucher_no >= $q AND voucher_no < $q || chr(1114111)
        )
        SELECT 'voucher' AS kind, voucher_no AS key, payee AS name, voucher_no AS code,
               dept_code AS top_code, CAST(year(pay_date) AS INTEGER) AS year_from,
               CAST(year(pay_date) AS INTEGER) AS year_to, CAST(1 AS BIGINT) AS payments,
               CAST(amount AS DOUBLE) AS amount, CASE WHEN voucher_no = $q THEN 0 ELSE 1 END AS rank,
               count(*) OVER () AS total
        FROM hit ORDER BY rank, voucher_no LIMIT $limit""", {"q": text, "limit": int(limit)})


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["kind", "key", "name", "code", "top_code", "year_from", "year_to", "payments",
                                 "amount", "rank", "total"])


def same_payee_names(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """Payee names the reader may see whose normalised form equals ``name``'s (the same company
    written another way), with their counts and amounts; ``name`` itself excluded."""
    norm = normalise(name)
    if not norm:
        return pd.DataFrame(columns=["name", "payments", "amount"])
    table = ensure(con)
    assert table in _INDEXES
    return query(con, f"""
        SELECT key AS name, CAST(sum(payments) AS BIGINT) AS payments, sum(amount) AS amount
        FROM {table} WHERE kind = 'payee' AND norm = $norm AND key <> $name
        GROUP BY key ORDER BY amount DESC, name""", {"norm": norm, "name": str(name)})
