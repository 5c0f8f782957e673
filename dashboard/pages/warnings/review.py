"""The review form saved: who may review, what is required, the sentence that answers.
"""
from __future__ import annotations

import logging

import dash

from budgetwatch.dashboard import auth
from budgetwatch.dashboard.components import notice
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.urls import date_param, lang_of
from budgetwatch.queries import flags as qf
from budgetwatch.queries import reviews as rv
from budgetwatch.queries.state import StateError
from budgetwatch.queries.rules.base import RuleError
from budgetwatch.queries.store import QueryError, Store

from budgetwatch.dashboard.pages.warnings.words import parse_flag

log = logging.getLogger("budgetwatch.dashboard")


def save_review(store: Store, flag: str | None, year, as_of, status, note, name, saved: int | None,
                search: str | None) -> dict:
    """Record the form as a review; the list and history refresh through ``saved``."""
    lang = lang_of(search)
    out = {"saved": dash.no_update, "result": None, "note": dash.no_update}
    picked = parse_flag(flag)
    user = auth.current_user()
    reviewer = user or (name or "").strip()

    def say(key, tone="is-error", **kw):
        out["result"] = notice(t(key, lang, **kw), tone=tone)
        return out

    if picked is None or year is None:
        return say("warn.review.no_flag")
    if not auth.can_review(user):
        return say("warn.review.not_allowed")
    if status not in rv.STATUSES:
        return say("warn.review.need_status")
    if not reviewer:
        return say("warn.review.need_name")
    rule, key = picked
    try:
        saved_row = qf.review_flag(store, rule, key, int(year), date_param(as_of), status, (note or "").strip(),
                                   reviewer)
    except (rv.ReviewError, RuleError, QueryError, StateError) as exc:
        out["result"] = notice(t("warn.review.failed", lang), detail=str(exc), tone="is-error")
        return out
    except Exception:
        log.exception("saving a review failed")
        out["result"] = notice(t("error.unexpected", lang), tone="is-error")
        return out
    out.update(saved=(saved or 0) + 1, note="")
    out["result"] = notice(t("warn.review.saved", lang, status=t(f"warn.status.{saved_row['status']}", lang),
                             who=saved_row["reviewer"], at=str(saved_row["reviewed_at"])[:16].replace("T", " ")),
                           tone="is-ok")
    return out
