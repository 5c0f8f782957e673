"""预警 Warnings: every flag of a year (active and resolved), filtered by rule, severity,
unit and review status; the thresholds in force; one flag's evidence and its review.

The view is the URL query::

    /warnings?year=2025&as_of=2025-12-31&rule=DUPLICATE_PAYMENT&severity=high&dept=002
             &status=open&flag=DUPLICATE_PAYMENT|20250000032626&lang=zh

``status`` is ``open`` (not reviewed), ``confirmed``, ``dismissed``, ``referred`` or
``resolved`` (reviewed earlier, no longer fires). ``dept`` keeps the flags of that unit and of
every unit under it. ``flag`` is ``RULE|ENTITY_KEY`` (entity keys may hold ``|`` themselves).

Flags come from ``queries.flags.flag_set`` — ``compute_flags`` with the thresholds in force,
cached per data generation, joined with the reviews in state.sqlite3. Four callbacks, each a
plain function here: ``update_warnings`` (filters → list, counts, thresholds, URL),
``select_flag`` (a click in the list → ``flag``), ``update_detail`` (the flag's evidence and
review history) and ``save_review`` (the form → ``queries.reviews.add_review``).

The room: ``words`` (constants and labels), ``layout`` (components and column definitions),
``listing`` (the list and its counts), ``detail`` (one flag), ``review`` (the form), ``callbacks``.
"""
from __future__ import annotations

from budgetwatch.dashboard.pages.warnings.callbacks import register_callbacks
from budgetwatch.dashboard.pages.warnings.detail import (detail_body, evidence_frame, fetch_evidence, fetch_history, find_flag, history_rows,
                       update_detail, voucher_links)
from budgetwatch.dashboard.pages.warnings.layout import history_columns, layout, list_columns, rule_options, threshold_columns
from budgetwatch.dashboard.pages.warnings.listing import (counts, fetch_list, fetch_thresholds, filter_flags, list_rows, resolve, select_flag,
                        threshold_rows, update_warnings)
from budgetwatch.dashboard.pages.warnings.review import save_review
from budgetwatch.dashboard.pages.warnings.words import (NAV_KEY, PATH, STATUS_FILTERS, VIEW, W, entity_label, parse_flag, rule_title, severity_label,
                      status_label, unit_name)

__all__ = ["NAV_KEY", "PATH", "STATUS_FILTERS", "VIEW", "W", "counts", "detail_body", "entity_label",
           "evidence_frame", "fetch_evidence", "fetch_history", "fetch_list", "fetch_thresholds", "filter_flags",
           "find_flag", "history_columns", "history_rows", "layout", "list_columns", "list_rows", "parse_flag",
           "register_callbacks", "resolve", "rule_options", "rule_title", "save_review", "select_flag",
           "severity_label", "status_label", "threshold_columns", "threshold_rows", "unit_name", "update_detail",
           "update_warnings", "voucher_links"]
