"""The registry of warning rules (预警规则), in the order pages and reports list them.

Adding a rule = one new ``Rule`` (with ``message`` and ``message_en``) in a domain module + one line in ``RULES`` below + its table
in ``defaults.toml`` (tests/rules/test_registry.py checks that the three agree) and its
section in docs/rules.md.
"""
from __future__ import annotations

from budgetwatch.queries.rules.assets import CONSECUTIVE_LOSS, EQUITY_DECLINE, IDLE_ASSETS, LEVERAGE
from budgetwatch.queries.rules.audit import AUDIT_HOLLOW, AUDIT_OVERDUE, AUDIT_REPEAT
from budgetwatch.queries.rules.base import Rule
from budgetwatch.queries.rules.inquiry import INQUIRY_OVERDUE
from budgetwatch.queries.rules.debt import DEBT_ISSUE_OVER_QUOTA, DEBT_OVER_LIMIT, DEBT_RATIO
from budgetwatch.queries.rules.execution import EXEC_LAG, NO_BUDGET, OVER_BUDGET, YEAR_END_RUSH
from budgetwatch.queries.rules.projects import (LIVELIHOOD_UNSATISFIED, PROJECT_LAG, PROJECT_NOT_STARTED,
                                                PROJECT_OVER_ESTIMATE, PROJECT_OVERDUE, PROJECT_OVERPAID,
                                                PROJECT_STALE)
from budgetwatch.queries.rules.payments import DUPLICATE_PAYMENT, SANGONG_GROWTH, SPLIT_PAYMENT
from budgetwatch.queries.rules.statistics import AMOUNT_OUTLIER, BENFORD
from budgetwatch.queries.rules.suggestions import (SUGGESTION_OVERDUE, SUGGESTION_PROMISE_DUE, SUGGESTION_PROXY_RATED,
                                                   SUGGESTION_UNIT_SATISFACTION, SUGGESTION_UNSATISFIED)

RULES: tuple[Rule, ...] = (
    EXEC_LAG,
    OVER_BUDGET,
    NO_BUDGET,
    YEAR_END_RUSH,
    DUPLICATE_PAYMENT,
    SPLIT_PAYMENT,
    SANGONG_GROWTH,
    AMOUNT_OUTLIER,
    BENFORD,
    LEVERAGE,
    CONSECUTIVE_LOSS,
    EQUITY_DECLINE,
    IDLE_ASSETS,
    AUDIT_OVERDUE,
    AUDIT_REPEAT,
    AUDIT_HOLLOW,
    SUGGESTION_OVERDUE,
    SUGGESTION_UNSATISFIED,
    SUGGESTION_PROMISE_DUE,
    SUGGESTION_PROXY_RATED,
    SUGGESTION_UNIT_SATISFACTION,
    INQUIRY_OVERDUE,
    PROJECT_LAG,
    PROJECT_NOT_STARTED,
    PROJECT_OVERDUE,
    PROJECT_OVER_ESTIMATE,
    PROJECT_STALE,
    PROJECT_OVERPAID,
    LIVELIHOOD_UNSATISFIED,
    DEBT_OVER_LIMIT,
    DEBT_RATIO,
    DEBT_ISSUE_OVER_QUOTA,
)
RULES_BY_ID = {r.id: r for r in RULES}
