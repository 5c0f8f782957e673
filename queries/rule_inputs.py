"""Which tables each warning rule reads — so a load recomputes only the rules it can change.

A rule's flags for a year depend on the tables its SQL reads and on the year's as-of date.
A load that changed only the ``debt`` table cannot change a payments rule's flags, so the
flag cache keeps those (``queries/refresh.py``). The tables are found in the rule's own SQL
(every name of a table of ``schema.sql`` that appears as a word in it) rather than declared by
hand beside it, so a rule edited to read one more table cannot be forgotten; a word that is
only an alias (``AS budget``) errs on the side of recomputing. ``tests/rules/test_rule_inputs.py``
proves the reverse on the demo city: each rule runs, with the same flags, when every table
outside its set is hidden.

A ``compute`` rule (Python) cannot be read this way: it counts as reading every table,
unless it is a ``state`` rule (not from the generation, never cached).
"""
from __future__ import annotations

import functools
import re

from budgetwatch.queries.rules.base import Rule
from budgetwatch.queries.store import SCHEMA_SQL

_CREATE = re.compile(r"CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)", re.IGNORECASE)
# Made by the loader for the pages, never read by a rule: not inputs.
_DERIVED = frozenset({"meta", "loads", "payments_daily", "search_index"})


@functools.cache
def data_tables() -> frozenset[str]:
    """The tables a load can change: one per feed, from ``schema.sql``."""
    return frozenset(_CREATE.findall(SCHEMA_SQL)) - _DERIVED


def tables_read(rule: Rule) -> frozenset[str]:
    if rule.scope == "state":
        return frozenset()
    if rule.sql is None:
        return data_tables()
    return _in_sql(rule.sql)


@functools.lru_cache(maxsize=256)
def _in_sql(sql: str) -> frozenset[str]:
    return frozenset(t for t in data_tables() if re.search(rf"\b{t}\b", sql))


def rules_reading(tables, rules) -> list[Rule]:
    """The rules (in their order) that read any of ``tables``."""
    tables = frozenset(tables)
    return [r for r in rules if tables_read(r) & tables]
