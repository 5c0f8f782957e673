"""A place in one of the trees the drill-downs walk, and the one way to read it from a URL.

* ``func`` — the functional classification: 类 (3 digits) → 款 (5) → 项 (7), each the prefix
  of the next.
* ``dept`` — top-level department → budget unit (any under it) → economic 款 (5 digits).
* ``econ`` — the economic classification: 类 (3 digits) → 款 (5); the comparison page's third
  tree.

A node's path is its codes from the top (``("205", "20502", "2050202")``); at its tree's depth
it is a leaf, whose level shows its siblings. The execution page walks ``func`` and ``dept``
(``queries.execution``), the comparison page all three (``queries.compare``): one ``Node`` for both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_DEPTH = 3                     # func and dept
FUNC_LENGTHS = (3, 5, 7)          # 类, 款, 项
ECON_LENGTH = 5                   # 款: the dept tree's last step
ECON_LENGTHS = (3, 5)             # the econ tree: 类, 款
DEPTHS = {"func": MAX_DEPTH, "dept": MAX_DEPTH, "econ": len(ECON_LENGTHS)}

DEPT_CODE = re.compile(r"^[0-9A-Za-z_\-]{1,40}$")
_ECON_CODE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Node:
    """A place in a tree: which tree and the codes from its top."""
    by: str = "func"
    path: tuple[str, ...] = ()

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def is_leaf(self) -> bool:
        return self.depth >= DEPTHS[self.by]

    @property
    def key(self) -> str:
        """The URL form: ``205.20502.2050202``."""
        return ".".join(self.path)

    def up(self) -> "Node":
        return Node(self.by, self.path[:-1])

    def child(self, code: str) -> "Node":
        """The node one step down; from a leaf, the sibling ``code``."""
        base = self.path[:-1] if self.is_leaf else self.path
        return tree_node(self.by, ".".join(base + (str(code),)))

    @property
    def level_parent(self) -> "Node":
        """The node whose children the level shows: itself, or its parent for a leaf."""
        return self.up() if self.is_leaf else self


def _prefix_code(code: str, length: int, kept: list[str]) -> bool:
    """A classification code: ASCII digits of the step's length, extending the step above."""
    return code.isdigit() and code.isascii() and len(code) == length and (not kept or code.startswith(kept[-1]))


def tree_node(by: str, path: str | None) -> Node:
    """The node of tree ``by`` (one of ``DEPTHS``) from URL text; whatever does not fit the
    tree is cut off (never an error).

    func: 3, 5 and 7 digits, each the prefix of the next. dept: a department code, a unit
    code, then an economic 款 (5 digits). econ: 3 then 5 digits, the prefix of the next.
    """
    parts = [p.strip() for p in (path or "").split(".")][:DEPTHS[by]]
    kept: list[str] = []
    for i, code in enumerate(parts):
        if by == "func":
            ok = _prefix_code(code, FUNC_LENGTHS[i], kept)
        elif by == "econ":
            ok = _prefix_code(code, ECON_LENGTHS[i], kept)
        elif i < 2:
            ok = bool(DEPT_CODE.match(code))
        else:
            ok = bool(_ECON_CODE.match(code))
        if not ok:
            break
        kept.append(code)
    return Node(by, tuple(kept))
