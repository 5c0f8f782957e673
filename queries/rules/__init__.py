"""Warning rules (预警规则): what callers use, in one import.

The registry is ``registry.RULES`` (add a rule there); what a rule is lives in ``base``;
``engine.compute_flags`` runs them.
"""
from __future__ import annotations

from budgetwatch.queries.rules.base import FLAG_COLUMNS, Param, Rule, RuleError, fmt_wan
from budgetwatch.queries.rules.engine import compute_flags
from budgetwatch.queries.rules.registry import RULES, RULES_BY_ID

__all__ = ["FLAG_COLUMNS", "Param", "RULES", "RULES_BY_ID", "Rule", "RuleError",
           "compute_flags", "fmt_wan"]
