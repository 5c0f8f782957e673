"""The package's import graph, from the source (no imports run): cycles and page-to-page imports.

Used by tests/test_architecture.py; run it by hand to see the graph's problems:
``python3 scripts/import_graph.py``.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Import name prefix → folder, as pyproject.toml's package-dir maps them.
PACKAGES = {"budgetwatch.dashboard": "dashboard", "budgetwatch.ingest": "ingest",
            "budgetwatch.queries": "queries", "budgetwatch.data": "data", "budgetwatch": "budgetwatch"}


def modules() -> dict[str, Path]:
    found = {}
    for name, folder in PACKAGES.items():
        base = ROOT / folder
        for path in base.rglob("*.py"):
            rel = path.relative_to(base).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            if folder == "budgetwatch" and parts and parts[0] in ("dashboard", "ingest", "queries", "data"):
                continue
            found[".".join([name, *parts])] = path
    return found


def graph(top_level_only: bool = True) -> dict[str, set[str]]:
    """module → the package modules it imports (at import time when ``top_level_only``)."""
    mods = modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_pkg = path.name == "__init__.py"
        nodes = tree.body if top_level_only else list(ast.walk(tree))
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if top_level_only and isinstance(node, (ast.If, ast.Try)):
                stack.extend(node.body + getattr(node, "orelse", []) + getattr(node, "finalbody", []))
                for h in getattr(node, "handlers", []):
                    stack.extend(h.body)
                continue
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    pkg = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    pkg = pkg[: len(pkg) - node.level + 1]
                    base = ".".join(pkg + ([base] if base else []))
                names = [base] + [f"{base}.{a.name}" for a in node.names]
            for n in names:
                if n in mods and n != mod:
                    edges[mod].add(n)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    sys.setrecursionlimit(10_000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    return out


def page_of(mod: str) -> str | None:
    prefix = "budgetwatch.dashboard.pages."
    return mod[len(prefix):].split(".")[0] if mod.startswith(prefix) else None


def cross_page_imports(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, bs in edges.items() for b in bs
                  if page_of(a) and page_of(b) and page_of(a) != page_of(b))


if __name__ == "__main__":
    for label, top in (("import-time", True), ("any (incl. imports inside functions)", False)):
        g = graph(top)
        print(f"{label} cycles:")
        for c in cycles(g):
            print("  " + " ↔ ".join(c))
    print("pages importing other pages:")
    for a, b in cross_page_imports(graph(False)):
        print(f"  {a} → {b}")
