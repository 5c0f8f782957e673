"""Typing and checking a feed's rows in one set-based pass over the ``raw`` table.

From the feed's declaration (ingest/spec.py) this module writes the SQL that turns text cells
into typed values (`1,234.50` → 1234.50, `(1,200.00)` → -1200, `2025年3月7日` → 2025-03-07,
`2010101.0` → '2010101', amounts × the file's unit) and gives every failing cell a reason
code. Only fixed spellings from the spec are written into the SQL text; anything from the
file (header texts for the kept-aside extra columns) is passed as a bound parameter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from budgetwatch.ingest import db
from budgetwatch.ingest.headers import HeaderMatch
from budgetwatch.ingest.problems import Problem, problem
from budgetwatch.ingest.read import TOTAL_CELLS, TOTAL_WORDS
from budgetwatch.ingest.spec import AMOUNT, BOOL, CODE, COUNT, DATE, ENUM, NUMBER, PERCENT, TEXT, YEAR, Column, Feed
from budgetwatch.queries.store import QueryError

MAX_PROBLEMS = 1000  # rows reported in full; beyond this, only counted
_DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S",
                 "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M"]
_NULLISH = "('-', '--', '—', '——', '/', 'null', 'NULL', 'None', '无')"


def lit(text: str) -> str:
    """A SQL string literal for a fixed spelling of our own (never for file content)."""
    return "'" + text.replace("'", "''") + "'"


_PADS = (" ", "\t", "\u3000")
_FEED_CN = {"projects": "项目库"}


def _clean(src: str, padded: bool) -> str:
    return f"nullif(trim({src}, ' \t\u3000'), '')" if padded else f"nullif({src}, '')"


def _padded_columns(con: duckdb.DuckDBPyConnection, indexes: list[int]) -> set[int]:
    """Which columns have cells with surrounding spaces: trimming every cell of every column
    costs more than reading the file, and most exports have none."""
    if not indexes:
        return set()
    checks = ", ".join(
        "bool_or(" + " OR ".join(f"c{i} LIKE '{p}%' OR c{i} LIKE '%{p}'" for p in _PADS) + ")" for i in indexes)
    flags = db.one(con, "ingest.validate.padded", f"SELECT {checks} FROM raw")
    return {i for i, f in zip(indexes, flags) if f}


def _parse(col: Column, v: str, scale: Decimal) -> tuple[str, str]:
    """(typed expression, error-code expression for a present value) for one column."""
    if col.kind == CODE:
        fixed = f"ltrim({v}, '''')"
        fixed = (f"CASE WHEN regexp_full_match({fixed}, '[0-9]+\\.0+') "
                 f"THEN regexp_replace({fixed}, '\\.0+$', '') ELSE {fixed} END")
        if col.digits:
            # "2050202 小学教育" or "[2050202]小学教育": the code is the leading digits
            fixed = (f"coalesce(nullif(regexp_extract({fixed}, '^\\[?([0-9]+)\\]?[\\s\\-_:：|]*[^0-9\\s].*$', 1), ''), "
                     f"{fixed})")
        # the common case first: plain digits need none of the repairs
        expr = f"CASE WHEN regexp_full_match({v}, '[0-9]+') THEN {v} ELSE {fixed} END"
        if col.pad_to:
            # a province `43` or city `4301` as published tables write them: 430000, 430100
            short = "|".join(f"[0-9]{{{d}}}" for d in col.digits if d < col.pad_to)
            expr = f"CASE WHEN regexp_full_match({expr}, '{short}') THEN rpad({expr}, {col.pad_to}, '0') ELSE {expr} END"
        if col.digits:
            pattern = "|".join(f"[0-9]{{{d}}}" for d in col.digits)
            return expr, f"CASE WHEN NOT regexp_full_match(p, '{pattern}') THEN 'bad_digits' END"
        if col.length:
            return expr, f"CASE WHEN length(p) <> {col.length} THEN 'bad_length' END"
        return expr, "NULL"
    if col.kind == TEXT:
        return v, "NULL"
    if col.kind == YEAR:
        expr = f"TRY_CAST(regexp_replace({v}, '(年度|年|\\.0+)$', '') AS INTEGER)"
        return expr, "CASE WHEN p IS NULL OR p NOT BETWEEN 1949 AND 2200 THEN 'bad_year' END"
    if col.kind in (AMOUNT, NUMBER):
        s = f"regexp_replace({v}, '[,，\\s¥￥元]', '', 'g')"
        num = (f"TRY_CAST(CASE WHEN regexp_full_match({s}, '[(（].*[)）]') "
               f"THEN '-' || trim({s}, '()（）') ELSE {s} END AS DECIMAL(38,12))")
        # the common case first: a plain number casts directly
        num = f"coalesce(TRY_CAST({v} AS DECIMAL(38,12)), {num})"
        if col.kind == NUMBER or scale == 1:
            # and a plain number with at most two decimals is exactly its DECIMAL(18,2) (no rounding)
            expr = (f"CASE WHEN regexp_full_match({v}, '-?[0-9]{{1,15}}(\\.[0-9]{{1,2}})?') "
                    f"THEN CAST({v} AS DECIMAL(18,2)) ELSE TRY_CAST(round({num}, 2) AS DECIMAL(18,2)) END")
        else:
            expr = f"TRY_CAST(round({num} * {scale}, 2) AS DECIMAL(18,2))"
        code = "bad_amount" if col.kind == AMOUNT else "bad_number"
        checks = [f"WHEN p IS NULL THEN CASE WHEN {num} IS NULL THEN '{code}' ELSE 'too_large' END"]
        if col.nonneg:
            checks.append("WHEN p < 0 THEN 'negative'")
        if col.nonzero:
            checks.append("WHEN p = 0 THEN 'zero'")
        return expr, f"CASE {' '.join(checks)} END"
    if col.kind == DATE:
        fmts = "[" + ", ".join(lit(f) for f in _DATE_FORMATS) + "]"
        serial = (f"CASE WHEN regexp_full_match({v}, '[0-9]{{5}}(\\.[0-9]+)?') "
                  f"THEN DATE '1899-12-30' + CAST(floor(CAST({v} AS DOUBLE)) AS INTEGER) END")
        expr = f"coalesce(TRY_CAST({v} AS DATE), CAST(try_strptime({v}, {fmts}) AS DATE), {serial})"
        return expr, "CASE WHEN p IS NULL OR year(p) NOT BETWEEN 1949 AND 2200 THEN 'bad_date' END"
    if col.kind == ENUM:
        norm = f"lower(replace({v}, ' ', ''))"
        whens = " ".join(f"WHEN {lit(k.replace(' ', '').lower())} THEN {lit(val)}"
                         for k, val in col.synonyms.items())
        # the common case first: a canonical spelling, which maps to itself
        same = sorted({val for k, val in col.synonyms.items() if k.replace(" ", "").lower() == val})
        shortcut = f"WHEN {v} IN ({', '.join(lit(x) for x in same)}) THEN {v} " if same else ""
        mapped = f"CASE {norm} {whens} END"
        expr = f"CASE {shortcut}ELSE {mapped} END" if shortcut else mapped
        return expr, "CASE WHEN p IS NULL THEN 'bad_enum' END"
    if col.kind == BOOL:
        norm = f"lower(trim({v}))"
        return (f"CASE WHEN {norm} IN ({', '.join(lit(x) for x in _TRUE)}) THEN true "
                f"WHEN {norm} IN ({', '.join(lit(x) for x in _FALSE)}) THEN false END",
                "CASE WHEN p IS NULL THEN 'bad_bool' END")
    if col.kind == PERCENT:
        s = f"regexp_replace({v}, '[%％\\s]', '', 'g')"
        expr = f"TRY_CAST(round(TRY_CAST({s} AS DECIMAL(38,8)), 2) AS DECIMAL(18,2))"
        return expr, "CASE WHEN p IS NULL OR p < 0 OR p > 100 THEN 'bad_percent' END"
    if col.kind == COUNT:
        s = f"regexp_replace({v}, '[,，\\s人票张名]', '', 'g')"
        num = f"TRY_CAST({s} AS DECIMAL(38,8))"
        expr = f"CASE WHEN {num} = floor({num}) AND abs({num}) < 1000000000 THEN CAST({num} AS INTEGER) END"
        checks = ["WHEN p IS NULL THEN 'bad_count'"]
        if col.nonneg:
            checks.append("WHEN p < 0 THEN 'negative'")
        if col.nonzero:
            checks.append("WHEN p = 0 THEN 'zero'")
        return expr, f"CASE {' '.join(checks)} END"
    raise ValueError(f"unknown column kind {col.kind}")


_TRUE = ("是", "y", "yes", "true", "t", "1", "1.0", "√", "✓", "是的")
_FALSE = ("否", "n", "no", "false", "f", "0", "0.0", "×", "不是")


@dataclass
class Validation:
    rows: int                  # data rows read (after a total row was set aside)
    bad_rows: int              # rows with at least one problem
    problems: list[Problem]    # at most MAX_PROBLEMS, in file order
    problem_count: int         # all of them
    extra_columns: list[str]


def _staging_sql(feed: Feed, header: HeaderMatch, padded: set[int], source: str, row: str, where: str = "",
                 carry: dict[str, str] | None = None, keep_errors: bool = True) -> tuple[str, list]:
    """The one statement that types and checks every cell: CREATE TEMP TABLE ``staged`` from
    ``source`` (a table of text cells c0, c1, …), and its parameters (the extra columns' headers,
    bound ahead of any parameters ``source`` has). ``carry``: more columns (name → expression over
    the cells) kept as they are. ``keep_errors=False`` keeps only ``_ok``, not each cell's reason."""
    inner, parsed, errors, params = [], [], [], []
    for col in feed.columns:
        idx = header.mapping.get(col.name)
        if idx is None:
            inner.append(f"NULL::VARCHAR AS v_{col.name}")
        else:
            inner.append(f"{_clean(f'c{idx}', idx in padded)} AS v_{col.name}")
    for col in feed.columns:
        v = f"v_{col.name}"
        expr, err = _parse(col, v, header.scale(col.name))
        parsed.append(f"{expr} AS p_{col.name}")
        missing = "NULL"
        if col.required and not (col.default_from or col.default_zero):
            missing = "'required'"
        errors.append(f"CAST(CASE WHEN {v} IS NULL THEN {missing} ELSE {err} END AS VARCHAR) AS e_{col.name}")
    extras = list(header.extras.items())
    if extras:
        pairs = ", ".join(f"?, c{i}" for i, _ in extras)
        params = [h for _, h in extras]
        extra_sql = f"json_object({pairs})"
    else:
        extra_sql = "NULL::JSON"
    # `p` inside error templates is the typed value; re-point it per column without touching
    # other identifiers (templates only ever say `p` as a whole word).
    errors = [_fix_p(e, c.name) for e, c in zip(errors, feed.columns)]
    finals = []
    for col in feed.columns:
        value = f"p_{col.name}"
        if col.default_from:
            value = f"coalesce(p_{col.name}, p_{col.default_from})"
        elif col.default_zero:
            value = f"coalesce(p_{col.name}, {'false' if col.kind == BOOL else '0'})"
        elif col.default_value is not None:
            value = f"coalesce(p_{col.name}, {lit(col.default_value)})"
        finals.append(f"{value} AS {col.name}")
    err_cols = "".join(f", e_{c.name}" for c in feed.columns) if keep_errors else ""
    carry = carry or {}
    carried = "".join(f", {expr} AS {name}" for name, expr in carry.items())
    kept = "".join(f", {name}" for name in carry)
    sql = f"""
        CREATE OR REPLACE TEMP TABLE staged AS
        SELECT _row, {', '.join(finals)}, extra{err_cols},
               ({' AND '.join(f'e_{c.name} IS NULL' for c in feed.columns)}) AS _ok{kept}
        FROM (
            SELECT *, {', '.join(errors)}
            FROM (
                SELECT _row, {', '.join(f"v_{c.name}" for c in feed.columns)}, extra{kept}, {', '.join(parsed)}
                FROM (SELECT {row} AS _row, {', '.join(inner)}, {extra_sql} AS extra{carried}
                      FROM {source} {where}) AS v
            )
        )"""
    return sql, params


def stage(con: duckdb.DuckDBPyConnection, feed: Feed, header: HeaderMatch, file: str,
          skip_rows: list[int] = ()) -> Validation:
    """Build TEMP table ``staged`` (typed columns + ``_ok``) from ``raw``; collect the problems."""
    padded = _padded_columns(con, sorted(header.mapping.values()))
    skip = f"WHERE _row NOT IN ({', '.join(str(int(r)) for r in skip_rows)})" if skip_rows else ""
    sql, params = _staging_sql(feed, header, padded, "raw", "_row", skip)
    db.do(con, "ingest.validate.stage", sql, params)
    _check_keys(con, feed)
    _check_self_refs(con, feed)
    _check_rows(con, feed)
    _check_agreement(con, feed)
    return _collect(con, feed, header, file, list(header.extras.values()))


def stage_clean(con: duckdb.DuckDBPyConnection, feed: Feed, header: HeaderMatch, source: str,
                source_params: list, expected: int, width: int) -> Validation | None:
    """The fast path for a file that turns out clean: type and check straight from the reader.

    ``source`` reads the file's data lines as text cells (ingest.read.csv_source); the caller
    knows no cell is padded. No table of text cells is made and no row numbers are kept, so
    this answers only for a file with nothing to report: every line read as one record, no
    row refused, no duplicate key, no total row. Then TEMP table ``staged`` holds the rows as
    ``stage`` would have made them (``_row`` NULL) and the Validation is returned; otherwise
    nothing is left behind and None is returned — read the file the exact way instead.
    """
    # any cell that could mark a total row sends the file the exact way (read.total_rows)
    total = " OR ".join(f"contains(c{i}, {lit(w)})" for i in range(min(width, TOTAL_CELLS)) for w in TOTAL_WORDS)
    # each cell's reason is needed only by the checks across rows and feeds (small files)
    sql, params = _staging_sql(feed, header, set(), source, "NULL::BIGINT", "",
                               carry={"_total": f"coalesce({total}, false)"},
                               keep_errors=bool(feed.self_refs or feed.refs or feed.row_checks or feed.agree))
    try:
        db.do(con, "ingest.validate.stage_clean", sql, params + list(source_params))
        got, bad, totals = db.one(con, "ingest.validate.clean_counts",
                                  "SELECT count(*), count(*) FILTER (NOT _ok), count(*) FILTER (_total) FROM staged")
        rejects = db.value(con, "ingest.validate.clean_rejects", "SELECT count(*) FROM raw_rejects")
    except QueryError:      # anything DuckDB's reader cannot do goes the exact way
        got, bad, totals, rejects = -1, -1, -1, -1
    finally:
        db.do(con, "ingest.validate.drop_rejects", "DROP TABLE IF EXISTS raw_rejects")
        db.do(con, "ingest.validate.drop_scan", "DROP TABLE IF EXISTS raw_scan")
    clean = rejects == 0 and got == expected and got > 0 and bad == 0 and totals == 0
    if clean:
        key = ", ".join(feed.key)
        clean = db.value(con, "ingest.validate.clean_keys",
                         f"SELECT count(*) FROM (SELECT 1 FROM staged GROUP BY {key} HAVING count(*) > 1 LIMIT 1)") == 0
    if clean and (feed.self_refs or feed.refs or feed.row_checks or feed.agree):
        _check_self_refs(con, feed)
        _check_rows(con, feed)
        _check_agreement(con, feed)
        clean = db.value(con, "ingest.validate.clean_checks", "SELECT count(*) FROM staged WHERE NOT _ok") == 0
    if not clean:
        db.do(con, "ingest.validate.drop_staged", "DROP TABLE IF EXISTS staged")
        return None
    return Validation(got, 0, [], 0, list(header.extras.values()))


def _fix_p(expr: str, name: str) -> str:
    return re.sub(r"(?<![\w'])p(?![\w'])", f"p_{name}", expr)


def _check_keys(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    """Two rows with one key in a file: every such row is refused, each naming the others."""
    key = ", ".join(feed.key)
    key_ok = " AND ".join(f"e_{k} IS NULL" for k in feed.key)
    db.do(con, "ingest.validate.dup_keys", f"""
        CREATE OR REPLACE TEMP TABLE dup_keys AS
        SELECT {key}, list(_row ORDER BY _row) AS rows FROM staged WHERE {key_ok}
        GROUP BY {key} HAVING count(*) > 1""")
    if db.value(con, "ingest.validate.dup_count", "SELECT count(*) FROM dup_keys"):
        db.do(con, "ingest.validate.mark_dups", f"""
            UPDATE staged SET _ok = false, e_{feed.key[0]} = 'duplicate_key'
            FROM dup_keys WHERE {' AND '.join(f'staged.{k} = dup_keys.{k}' for k in feed.key)}""")


def _check_self_refs(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    for ref, target in feed.self_refs:
        db.do(con, "ingest.validate.self_refs", f"""
            UPDATE staged SET _ok = false, e_{ref} = 'unknown_parent'
            WHERE {ref} IS NOT NULL AND e_{ref} IS NULL
              AND {ref} NOT IN (SELECT {target} FROM staged WHERE {target} IS NOT NULL)
              AND {ref} NOT IN (SELECT {target} FROM {feed.name})""")


def _check_rows(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    """Checks across a row's columns and references to another feed's rows (held, or applied
    earlier in the same load: the writer's connection sees them)."""
    for column, condition, code in feed.row_checks:
        db.do(con, "ingest.validate.row_check", f"UPDATE staged SET _ok = false, e_{column} = {lit(code)} "
                                                f"WHERE e_{column} IS NULL AND ({condition})")
    for column, table, target in feed.refs:
        db.do(con, "ingest.validate.refs", f"""
            UPDATE staged SET _ok = false, e_{column} = 'unknown_ref'
            WHERE {column} IS NOT NULL AND e_{column} IS NULL
              AND {column} NOT IN (SELECT {target} FROM {table})""")


def _check_agreement(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    """Rows of one group that give different values of a column that must agree (a region's
    综合财力 on its 一般债务 and 专项债务 rows): each such row is refused, naming the others —
    in the file, or held already under a key the file does not replace. Table ``agree_info``
    keeps, per refused row, the rows or the held row it disagrees with."""
    db.do(con, "ingest.validate.agree_table", "CREATE OR REPLACE TEMP TABLE agree_info (_row BIGINT, rows BIGINT[], "
                                               "held VARCHAR, held_value DECIMAL(18,2))")
    for col, group in feed.agree:
        group_ok = " AND ".join(f"e_{k} IS NULL" for k in group)
        same = " AND ".join(f"staged.{k} = g.{k}" for k in group)
        mine = f"staged.{col} IS NOT NULL AND staged.e_{col} IS NULL"
        db.do(con, "ingest.validate.agree_in_file", f"""
            INSERT INTO agree_info
            SELECT staged._row, g.rows, NULL, NULL
            FROM staged JOIN (
                SELECT {', '.join(group)}, list(_row ORDER BY _row) AS rows FROM staged
                WHERE {group_ok} AND {col} IS NOT NULL AND e_{col} IS NULL
                GROUP BY ALL HAVING count(DISTINCT {col}) > 1) g ON {same}
            WHERE {mine}""")
        others = [k for k in feed.key if k not in group]
        not_replaced = " AND ".join(f"s.{k} = h.{k}" for k in feed.key)
        db.do(con, "ingest.validate.agree_held", f"""
            INSERT INTO agree_info
            SELECT staged._row, NULL, concat_ws('、', {', '.join(f'g.{k}' for k in others) or "''"}), g.{col}
            FROM staged JOIN (
                SELECT h.* FROM {feed.name} h
                WHERE h.{col} IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM staged s WHERE {not_replaced})) g ON {same}
            WHERE {mine} AND staged.{col} <> g.{col}
              AND staged._row NOT IN (SELECT _row FROM agree_info WHERE _row IS NOT NULL)""")
        db.do(con, "ingest.validate.mark_disagree", f"""
            UPDATE staged SET _ok = false,
                   e_{col} = CASE WHEN g.rows IS NULL THEN 'disagree_held' ELSE 'disagree' END
            FROM agree_info g WHERE staged._row IS NOT DISTINCT FROM g._row AND {mine}""")


def _agree_lookup(con: duckdb.DuckDBPyConnection) -> dict[int, tuple]:
    if db.temp_kind(con, "agree_info") is None:
        return {}
    rows = db.do(con, "ingest.validate.agree_rows", "SELECT _row, rows, held, held_value FROM agree_info LIMIT 10000")
    return {r[0]: r[1:] for r in rows}


def _collect(con: duckdb.DuckDBPyConnection, feed: Feed, header: HeaderMatch, file: str,
             extra_columns: list[str]) -> Validation:
    total, bad = db.one(con, "ingest.validate.counts", "SELECT count(*), count(*) FILTER (NOT _ok) FROM staged")
    problems: list[Problem] = []
    count = 0
    if bad:
        db.do(con, "ingest.validate.bad_rows", """CREATE OR REPLACE TEMP TABLE bad AS
                       SELECT s.*, r.* EXCLUDE (_row) FROM staged s JOIN raw r USING (_row) WHERE NOT s._ok""")
        unions = []
        for col in feed.columns:
            idx = header.mapping.get(col.name)
            value = f"c{idx}" if idx is not None else "NULL::VARCHAR"
            unions.append(f"SELECT _row, {lit(col.name)} AS col, e_{col.name} AS code, {value} AS value "
                          f"FROM bad WHERE e_{col.name} IS NOT NULL")
        union = " UNION ALL ".join(unions)
        count = db.value(con, "ingest.validate.problem_count", f"SELECT count(*) FROM ({union})")
        rows = db.do(con, "ingest.validate.problems", f"SELECT * FROM ({union}) ORDER BY _row, col LIMIT {MAX_PROBLEMS}")
        dup_rows = _dup_lookup(con, feed)
        agree = _agree_lookup(con)
        for row_no, name, code, value in rows:
            col = feed.column(name)
            idx = header.mapping.get(name)
            shown = header.cells[idx].strip() if idx is not None else col.cn
            problems.append(_problem(file, feed, col, shown, row_no, code, value, dup_rows, agree))
    return Validation(total, bad, problems, count, extra_columns)


def _dup_lookup(con: duckdb.DuckDBPyConnection, feed: Feed) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for (rows,) in db.do(con, "ingest.validate.dup_rows", "SELECT rows FROM dup_keys LIMIT 10000"):
        for r in rows:
            out[r] = [x for x in rows if x != r]
    return out


def _problem(file: str, feed: Feed, col: Column, shown: str, row: int, code: str, value: str | None,
             dup_rows: dict[int, list[int]], agree: dict[int, tuple] | None = None) -> Problem:
    detail: dict[str, object] = {}
    if code == "bad_digits":
        digits = list(map(str, col.digits))
        detail = {"digits": "、".join(digits[:-1]) + "或" + digits[-1] if len(digits) > 1 else digits[0],
                  "digits_en": ", ".join(digits[:-1]) + " or " + digits[-1] if len(digits) > 1 else digits[0]}
    elif code == "bad_length":
        detail = {"length": col.length}
    elif code == "bad_enum":
        detail = {"allowed": "、".join(dict.fromkeys(col.synonyms.values()))}
    elif code == "duplicate_key":
        detail = {"key": "+".join(feed.column(k).cn for k in feed.key),
                  "rows": "、".join(map(str, dup_rows.get(row, [])))}
    elif code == "unknown_parent":
        detail = {"parent": value}
    elif code == "unknown_ref":
        ref = next(r for r in feed.refs if r[0] == col.name)
        detail = {"ref_code": value, "feed": ref[1], "feed_cn": _FEED_CN.get(ref[1], ref[1])}
    elif code in ("disagree", "disagree_held"):
        rows, held, held_value = (agree or {}).get(row, ([], "", None))
        group = next(g for c, g in feed.agree if c == col.name)
        detail = {"cn": col.cn, "name": col.name, "group": "+".join(feed.column(k).cn for k in group),
                  "group_en": "+".join(group)}
        if code == "disagree":
            detail["rows"] = "、".join(str(r) for r in rows or [] if r != row)
        else:
            detail.update(held=held, held_value=f"{held_value:,.2f}")
    return problem(file, code, row=row, column=shown, value=value, **detail)
