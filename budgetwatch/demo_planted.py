"""What the demo city plants: an anomaly a rule must find, or a look-alike it must leave alone.

One small module so that the feeds' generators (demo_data, demo_projects, demo_debt,
demo_suggestions) share the class without importing each other.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Planted:
    """One planted anomaly (fires=True) or look-alike that must stay quiet (fires=False)."""
    rule: str
    entity_key: str
    year: int
    fires: bool = True
    severity: str | None = None
    note: str = ""
