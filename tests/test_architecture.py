"""The house's shape, checked: no SQL in the dashboard, no page importing another, no import cycle.

(Import cycles: ``scripts/import_graph.py`` lists them; the rules' cycle is gone and the test
below keeps it gone.)
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import import_graph  # noqa: E402

_SQL = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE\s+(TEMP\s+)?(TABLE|VIEW))\b[^\n]*\b(FROM|INTO|SET|AS|WHERE)\b")


def test_no_sql_in_the_dashboard():
    found = []
    for path in (ROOT / "dashboard").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _SQL.search(line) or ".execute(" in line:
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not found, "SQL belongs in queries/:\n" + "\n".join(found)


def test_pages_do_not_import_each_other():
    # What two pages share lives in a shared module (page_tables, links, components, vouchers).
    assert import_graph.cross_page_imports(import_graph.graph(top_level_only=False)) == []


def test_no_module_imports_itself_back_even_inside_a_function():
    assert import_graph.cycles(import_graph.graph(top_level_only=False)) == []


def test_nothing_has_an_import_time_cycle():
    assert import_graph.cycles(import_graph.graph(top_level_only=True)) == []


# Modules whose connection is SQLite's state.sqlite3 (queries/state.py is its door), not DuckDB.
_SQLITE = {"accounts.py", "digest.py", "inquiries.py", "notices.py", "reviews.py", "state.py", "rules/inquiry.py"}
# The store's own inside (opening, sealing and checking generations) and the loader's side,
# which runs statements in its writer's transaction (the after-load refresh, the flag worker).
_STORE_INSIDE = {"store.py", "generations.py", "refresh.py", "flag_worker.py"}
# The other engine's door: rules run on Spark over the Parquet lake (queries/spark.py).
_OTHER_ENGINES = {"spark.py"}


def test_duckdb_statements_of_queries_go_through_the_gateway():
    """Every DuckDB statement a reader runs goes through queries/store.py (time limit, row cap,
    errors naming the statement): no ``con.execute``/``con.sql`` elsewhere in queries/."""
    found = []
    for path in (ROOT / "queries").rglob("*.py"):
        rel = path.relative_to(ROOT / "queries").as_posix()
        if rel in _SQLITE or rel in _STORE_INSIDE or rel in _OTHER_ENGINES:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.(execute|sql)\(", line):
                found.append(f"queries/{rel}:{n}: {line.strip()[:100]}")
    assert not found, "run it through queries.store (run/query/rows/scalar/stream):\n" + "\n".join(found)


def test_duckdb_statements_of_ingest_go_through_the_gateway():
    """The loader too (issue 10): every statement of ingest/ goes through ingest/db.py, i.e.
    queries/store.py, so a failed load names the statement and its parameters. No exceptions."""
    found = []
    for path in (ROOT / "ingest").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.(execute|executemany|sql|query)\(", line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not found, "run it through ingest.db (do/one/value), i.e. queries.store:\n" + "\n".join(found)
