"""The page's constants and the words it shows for rules, severities, states and units.
"""
from __future__ import annotations

from typing import Any


from budgetwatch.dashboard import ids
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.queries import reviews as rv
from budgetwatch.queries.rules import RULES_BY_ID
from budgetwatch.queries.rules.base import SEVERITIES

PATH = "/warnings"
NAV_KEY = "nav.warnings"
VIEW = "warnings"
W = ids.Warnings
STATUS_FILTERS = ("open", "confirmed", "dismissed", "referred", "resolved")
REVIEW_STATUSES = tuple(rv.STATUSES)
MAX_LINKS = 20


def severity_label(sev: str | None, lang: str) -> str:
    return t(f"warn.sev.{sev}", lang) if sev in SEVERITIES else "—"


def rule_title(rule: str, lang: str) -> str:
    r = RULES_BY_ID.get(rule)
    return (r.title_cn if lang == "zh" else r.title_en) if r else rule


def status_label(row: dict, lang: str) -> str:
    status = row.get("review_status")
    text = t(f"warn.status.{status}", lang) if isinstance(status, str) and status in rv.STATUSES \
        else t("warn.status.open", lang)
    return text + (t("warn.resolved_suffix", lang) if row.get("state") == "resolved" else "")


def entity_label(entity_type: str | None, lang: str) -> str:
    """A known entity type in the reader's language; an unknown one as text; nothing as —."""
    return data_label("warn.entity", entity_type, lang) if isinstance(entity_type, str) and entity_type else "—"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_flag(value: str | None) -> tuple[str, str] | None:
    """``RULE|ENTITY_KEY`` → (rule, key); None when absent or not of that shape."""
    if not value or "|" not in value:
        return None
    rule, key = value.split("|", 1)
    rule = rule.strip().upper()
    return (rule, key) if rule in RULES_BY_ID and key else None


def unit_name(code: str | None, names: dict[str, str]) -> str:
    if not isinstance(code, str) or not code:
        return "—"
    return names.get(code, code)
