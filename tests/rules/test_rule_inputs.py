"""Each rule reads only the tables ``queries/rule_inputs.py`` finds in it — the promise the
load's partial flag refresh rests on: hide every other table and the rule still runs, with
the same flags, on the demo city."""
from __future__ import annotations

import io

import duckdb
import pandas as pd
import pytest

from budgetwatch.queries.rule_inputs import data_tables, tables_read
from budgetwatch.queries.rules import RULES
from budgetwatch.queries.rules.engine import params_in_force, resolve_context, run_rule
from budgetwatch.queries.store import Store


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The demo city's tables in a writable in-memory database (renames are rolled back)."""
    from budgetwatch.cmd_demo import load_demo
    store = Store(tmp_path_factory.mktemp("demo"))
    assert load_demo(store, out=io.StringIO())
    con = duckdb.connect()
    con.execute("ATTACH ? AS src (READ_ONLY)", [str(store.current_path())])
    for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'src'").fetchall():
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM src."{name}"')
    con.execute("DETACH src")
    yield con
    con.close()


@pytest.mark.parametrize("rule", [r for r in RULES if r.scope != "state"], ids=lambda r: r.id)
def test_a_rule_needs_no_table_outside_what_it_is_said_to_read(copy, rule):
    reads = tables_read(rule)
    assert reads, "every rule of the generation reads something"
    params = params_in_force(rule, None)
    for year in (2025, 2024):
        ctx = resolve_context(copy, year)
        want = run_rule(copy, rule, ctx, params)
        copy.execute("BEGIN TRANSACTION")
        try:
            for table in sorted(data_tables() - reads):
                copy.execute(f"ALTER TABLE {table} RENAME TO {table}__hidden")
            got = run_rule(copy, rule, ctx, params)
        finally:
            copy.execute("ROLLBACK")
        pd.testing.assert_frame_equal(_sorted(got), _sorted(want))   # rules give rows in no set order


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame.astype(str).sort_values(list(frame.columns)).index
    return frame.loc[order].reset_index(drop=True)
