"""A department and all its units: the one definition of the unit tree.

A department is a top-level budget unit: no parent_code, or a parent the departments feed does
not hold. A unit rolls up through the parent chain however deep; the chain is followed at most
``MAX_DEPTH`` levels, which also stops a malformed cycle. A code missing from the departments
feed (a payment's unit not loaded yet) counts as its own department.

Two shapes of fixed SQL text (never built from input), for a ``WITH RECURSIVE`` clause:

* ``TOPS`` defines ``tops(dept_code, top_code)``: every unit → its department (roll-ups; also
  ``walk(dept_code, top_code, parent_code, depth)``: every unit with each of its ancestors).
* ``below(start)`` defines ``units(dept_code, depth)``: the starting units (depth 0) and every
  unit under them, with the depth it was first reached at.

Rules, pages, exports and the department scope of accounts all use these, so "a department
and its units" means the same everywhere.
"""
from __future__ import annotations

MAX_DEPTH = 32

TOPS = f"""
dept AS (
    SELECT dept_code, any_value(dept_name) AS dept_name,
           any_value(nullif(trim(parent_code), '')) AS parent_code
    FROM departments GROUP BY dept_code),
walk(dept_code, top_code, parent_code, depth) AS (
    SELECT dept_code, dept_code, parent_code, 0 FROM dept
    UNION ALL
    SELECT w.dept_code, d.dept_code, d.parent_code, w.depth + 1
    FROM walk w JOIN dept d ON d.dept_code = w.parent_code
    WHERE w.depth < {MAX_DEPTH}),
tops AS (SELECT dept_code, arg_max(top_code, depth) AS top_code FROM walk GROUP BY dept_code)
"""


def below(start: str = "SELECT CAST($dept AS VARCHAR)", departments: str = "departments") -> str:
    """``units(dept_code, depth)``: the codes ``start`` selects and every unit under them.

    ``start`` and ``departments`` are fixed SQL text from this package (a parameter such as
    ``$dept`` or ``$depts`` carries the value); ``departments`` may name the table in another
    schema (the scope views shadow it on a reader)."""
    return f"""
units(dept_code, depth) AS (
    SELECT code, 0 FROM ({start}) AS s(code)
    UNION
    SELECT d.dept_code, u.depth + 1
    FROM {departments} d JOIN units u ON nullif(trim(d.parent_code), '') = u.dept_code
    WHERE u.depth < {MAX_DEPTH})"""


# The codes of department ``$dept`` and all its units, as a subquery for ``dept_code IN …``.
UNITS_OF_DEPT = f"(WITH RECURSIVE {below()} SELECT DISTINCT dept_code FROM units)"
