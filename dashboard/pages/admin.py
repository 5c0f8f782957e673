"""管理 Administration: accounts and the audit log (who did what), for administrators only.

Accounts are managed from the command line (``budgetwatch user …``); this page shows them and
the audit log — logins and failures, loads, reviews, exports, account changes — filterable by
action and person, and downloadable with its filters like every table.
"""
from __future__ import annotations

import json

import dash
import pandas as pd
from dash import Input, Output, dcc, html

from budgetwatch.dashboard import auth, ids
from budgetwatch.dashboard.components import notice, view_store
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.tables import Export, register_export, table_card
from budgetwatch.queries import accounts
from budgetwatch.queries.store import Store

PATH = "/admin"
NAV_KEY = "nav.admin"
ROLE = "admin"          # the frame shows the page only to administrators
VIEW = "admin"
A = ids.Admin
ACTIONS = ("login", "logout", "forbidden", "ingest", "review", "export", "user")


def layout(query: dict[str, str], lang: str) -> html.Div:
    return html.Div(className="bw-page bw-admin", children=[
        view_store(VIEW),
        html.Div(className="bw-toolbar", children=[
            html.H1(t("admin.title", lang), className="bw-page-title"),
            html.Label(className="bw-field", children=[
                html.Span(t("admin.action", lang)),
                dcc.Dropdown(id=A.ACTION, value=query.get("action") or None, clearable=True, searchable=False,
                             style={"width": "200px"}, placeholder=t("admin.all", lang),
                             options=[{"label": t(f"admin.action.{a}", lang), "value": a} for a in ACTIONS]),
            ]),
            html.Label(className="bw-field", children=[
                html.Span(t("admin.actor", lang)),
                dcc.Input(id=A.ACTOR, value=query.get("actor") or "", debounce=True, className="bw-input",
                          placeholder=t("admin.all", lang)),
            ]),
        ]),
        html.Div(id=A.MESSAGE),
        html.H2(t("admin.accounts", lang)),
        html.P(t("admin.accounts_hint", lang), className="bw-detail"),
        table_card(A.USERS, lang, style={"height": "260px", "width": "100%"}),
        html.H2(t("admin.log", lang)),
        table_card(A.LOG, lang),
    ])


def users_frame(data_dir, lang: str) -> pd.DataFrame:
    rows = [{t("admin.col.user", lang): u.username,
             t("admin.col.role", lang): accounts.ROLE_NAMES[u.role][0 if lang == "zh" else 1],
             t("admin.col.depts", lang): "、".join(u.depts) or t("admin.all_depts", lang),
             t("admin.col.state", lang): t("admin.disabled" if u.disabled else "admin.active", lang)}
            for u in accounts.list_users(data_dir)]
    return pd.DataFrame(rows)


def log_frame(data_dir, action: str | None, actor: str | None, lang: str, limit: int = 5000) -> pd.DataFrame:
    events = accounts.audit_events(data_dir, limit=limit, action=action or None,
                                   actor=(actor or "").strip() or None)
    return pd.DataFrame({
        t("admin.col.at", lang): events["at"],
        t("admin.col.user", lang): events["actor"],
        t("admin.col.action", lang): events["action"],
        t("admin.col.target", lang): events["target"],
        t("admin.col.outcome", lang): events["outcome"],
        t("admin.col.detail", lang): [_detail(d) for d in events["detail"]],
        t("admin.col.ip", lang): events["ip"],
    })


def _detail(text: str) -> str:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return text
    return "; ".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else str(value)


def _columns(frame: pd.DataFrame) -> list[dict]:
    return [{"field": c, "headerName": c} for c in frame.columns]


def update(data_dir, action: str | None, actor: str | None, lang: str) -> dict:
    """The callback's body: both tables, or a refusal for anyone but an administrator."""
    out = {"users": [], "users_cols": [], "log": [], "log_cols": [], "message": None,
           "view": "?" + "&".join(f"{k}={v}" for k, v in (("action", action), ("actor", actor),
                                                          ("lang", lang if lang != "zh" else None)) if v)}
    if not auth.can_admin(auth.current_user()):
        out["message"] = notice(t("admin.not_allowed", lang), tone="is-error")
        out["view"] = dash.no_update
        return out
    users, log = users_frame(data_dir, lang), log_frame(data_dir, action, actor, lang)
    out.update(users=users.to_dict("records"), users_cols=_columns(users), log=log.to_dict("records"),
               log_cols=_columns(log))
    if out["view"] == "?":
        out["view"] = ""
    return out


def register_callbacks(app: dash.Dash, store: Store) -> None:
    from budgetwatch.dashboard.urls import lang_of

    @app.callback(
        output={"users": Output(ids.table(A.USERS), "rowData"), "users_cols": Output(ids.table(A.USERS), "columnDefs"),
                "log": Output(ids.table(A.LOG), "rowData"), "log_cols": Output(ids.table(A.LOG), "columnDefs"),
                "message": Output(A.MESSAGE, "children"), "view": Output(ids.view(VIEW), "data")},
        inputs={"action": Input(A.ACTION, "value"), "actor": Input(A.ACTOR, "value"),
                "search": Input(ids.Frame.URL, "search")},
    )
    def _update(action, actor, search):
        return update(store.data_dir, action, actor, lang_of(search))

    def fetch_log(_store, query: dict, lang: str) -> Export:
        if not auth.can_admin(auth.current_user()):
            return Export(pd.DataFrame(), t("admin.not_allowed", lang))
        action, actor = query.get("action"), query.get("actor")
        filters = [(t("admin.action", lang), action)] if action else []
        filters += [(t("admin.actor", lang), actor)] if actor else []
        return Export(log_frame(store.data_dir, action, actor, lang, limit=1_000_000), t("admin.log", lang), filters)

    def fetch_users(_store, query: dict, lang: str) -> Export:
        if not auth.can_admin(auth.current_user()):
            return Export(pd.DataFrame(), t("admin.not_allowed", lang))
        return Export(users_frame(store.data_dir, lang), t("admin.accounts", lang))

    register_export(app, store, A.LOG, fetch_log, role="admin")
    register_export(app, store, A.USERS, fetch_users, role="admin")
