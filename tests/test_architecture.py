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
