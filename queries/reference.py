"""Code → name look-ups for the classification codes every screen shows.

Feeds carry bare codes (2050202, 30217); people read names. The tables are shipped,
read-only CSVs under ``data/reference/`` (built by ``data/reference/build_reference.py``,
sources in ``data/reference/SOURCES.md``), so they are read once per process and cached.
Codes are always text: ``205`` and ``0205`` are different things, and a float never is a code.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import pandas as pd

# Shipped as package data (budgetwatch.data), so a wheel installed anywhere reads the same files.
REFERENCE_DIR = Path(str(files("budgetwatch.data") / "reference"))

# Parent of a code by its length: 项 (7) → 款 (5) → 类 (3); econ 款 (5) → 类 (3).
_PARENT_LEN = {7: 5, 5: 3}


@lru_cache(maxsize=None)
def _table(name: str) -> pd.DataFrame:
    # keep_default_na=False: an empty parent_code stays "" rather than NaN.
    return pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def _names(name: str) -> dict[str, str]:
    df = _table(name)
    return dict(zip(df["code"], df["name"]))


def _norm(code) -> str:
    # Excel hands codes over as numbers ("2010101.0"); ingest should have fixed that, but a
    # label must never fail on it.
    text = "" if code is None else str(code).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def _lookup(names: dict[str, str], code) -> tuple[str, str | None, bool]:
    """(code, name, exact): name is the code's own, else the nearest known parent's."""
    code = _norm(code)
    if code in names:
        return code, names[code], True
    probe = code
    while len(probe) in _PARENT_LEN:
        probe = probe[: _PARENT_LEN[len(probe)]]
        if probe in names:
            return code, names[probe], False
    return code, None, False


def func_names() -> dict[str, str]:
    """支出功能分类: every known code → its current name (a copy; safe to modify)."""
    return dict(_names("func_classification"))


def econ_names() -> dict[str, str]:
    """部门预算支出经济分类 (2018+ edition): code → name (a copy)."""
    return dict(_names("econ_classification"))


def fund_types() -> list[str]:
    """The four budgets in their official order, as the feeds spell them."""
    return list(_table("fund_types")["name"])


def _name(names: dict[str, str], code) -> str:
    # An unlisted code still shows where it belongs: "普通教育·2050288".
    code, name, exact = _lookup(names, code)
    if name is None:
        return code
    return name if exact else f"{name}·{code}"


def func_name(code) -> str:
    """Name of a functional code; unlisted codes fall back to their nearest listed parent."""
    return _name(_names("func_classification"), code)


def econ_name(code) -> str:
    """Name of an economic code; unlisted codes fall back to their listed 类."""
    return _name(_names("econ_classification"), code)


_KINDS = {"func": "func_classification", "econ": "econ_classification"}


def label(code, kind: str) -> str:
    """"2050202 小学教育"; an unlisted code reads "2050288（普通教育）", never a blank."""
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {sorted(_KINDS)}, not {kind!r}")
    code, name, exact = _lookup(_names(_KINDS[kind]), code)
    if name is None:
        return code
    return f"{code} {name}" if exact else f"{code}（{name}）"


def func_tree() -> pd.DataFrame:
    """The functional tree for drill-down (code, name, level, parent_code; roots have "").

    A fresh copy each call: the cached frame is shared by every caller.
    """
    df = _table("func_classification")[["code", "name", "level", "parent_code"]].copy()
    df["level"] = df["level"].astype(int)
    return df
