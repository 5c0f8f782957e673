"""Pieces of the view made from query results (pure): labels, crumbs, cards, rows, filters.
"""
from __future__ import annotations



import pandas as pd
from dash import dcc

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.components import breadcrumbs, card
from budgetwatch.dashboard.figures import execution as figs
from budgetwatch.dashboard.i18n import t
from budgetwatch.dashboard.urls import date_param, int_param
from budgetwatch.queries import execution as q
from budgetwatch.queries.overview import Period, day_of_year, resolve_period

from budgetwatch.dashboard.links import compare_href
from budgetwatch.dashboard.vouchers import describe_filters
import budgetwatch.dashboard.pages.execution.yoy as yoy
from budgetwatch.dashboard.pages.execution.state import link


# -- pieces of the view (pure) ------------------------------------------------------------------
def step_labels(node: q.Node, names: list[str]) -> list[str]:
    """``205 教育支出`` for classification codes, the unit's name for departments."""
    out = []
    for i, (code, name) in enumerate(zip(node.path, names)):
        out.append(name if node.by == "dept" and i < 2 else f"{code} {name}")
    return out


def node_label(node: q.Node, labels: list[str], lang: str) -> str:
    return labels[node.depth - 1] if node.depth else t(f"exec.root.{node.by}", lang)


def crumbs(state: dict, node: q.Node, labels: list[str], lang: str) -> list:
    """全部支出 › 205 教育支出 › 20502 普通教育: links up, the current step in bold."""
    return breadcrumbs([t(f"exec.root.{node.by}", lang)] + labels,
                       [link(state, lang, path=".".join(node.path[:i]) or None, vouchers=None, voucher=None)
                        for i in range(len(labels))])


def actions(state: dict, node: q.Node, lang: str) -> list:
    out = []
    if node.depth:
        out.append(dcc.Link(t("exec.up", lang), className="bw-button",
                            href=link(state, lang, path=node.up().key or None, vouchers=None, voucher=None)))
    if not node.is_leaf:
        showing = bool(state.get("vouchers"))
        out.append(dcc.Link(t("exec.hide_vouchers" if showing else "exec.show_vouchers", lang),
                            className="bw-button" + (" is-on" if showing else ""),
                            href=link(state, lang, vouchers=None if showing else "1", voucher=None)))
    on = yoy.wanted(state)
    out.append(dcc.Link(t("yoy.toggle_off" if on else "yoy.toggle", lang), className="bw-button" + (" is-on" if on else ""),
                        href=link(state, lang, yoy=None if on else "1")))
    out.append(dcc.Link(t("yoy.compare", lang), className="bw-button", id="exec-compare-years",
                        href=compare_href(lang, by=node.by, path=node.key or None, year=state.get("year"),
                                          as_of=state.get("as_of"))))
    return out


def vouchers_title(grid_query: dict, lang: str, shown: tuple[int, float] | None = None,
                   filtered: bool = False) -> str:
    """The vouchers grid's title: node, period and count (``grid_query`` carries ``node`` and
    ``n``, as the page drew it); once the grid has answered (``shown``: the count and total of
    what it holds), the total too, and under the grid's filters, how many they leave of how many."""
    words = {"node": grid_query.get("node", ""), "year": grid_query.get("year"),
             "date": fmt.date(date_param(grid_query.get("as_of")), lang)}
    every = f"{int(grid_query.get('n') or 0):,}"
    if shown is None:
        return t("exec.vouchers.title", lang, n=every, **words)
    n, amount = shown
    if filtered:
        return t("exec.vouchers.title_filtered", lang, n=f"{n:,}", amount=fmt.money(amount, lang), all=every, **words)
    return t("exec.vouchers.title_sum", lang, n=f"{n:,}", amount=fmt.money(amount, lang), **words)


def headline(totals: dict, schedule: float, lang: str, yoy_note: str | None = None) -> list:
    unit = fmt.money_unit([totals["adjusted"], totals["original"], totals["spent"]])
    rate = totals["rate"]
    tone = f"is-{figs.lag_band(rate, schedule)}" if rate is not None else ""
    return [
        card(t("exec.col.original", lang), fmt.money(totals["original"], lang, unit)),
        card(t("exec.col.adjusted", lang), fmt.money(totals["adjusted"], lang, unit)),
        card(t("exec.col.spent", lang), fmt.money(totals["spent"], lang, unit),
             f"{totals['payments']:,} " + ("笔" if lang == "zh" else "payments")
             + (f" · {yoy_note}" if yoy_note else "")),
        card(t("exec.col.rate", lang), fmt.percent(rate),
             t("headline.rate_note", lang, diff=fmt.points(rate - schedule, lang)) if rate is not None else "",
             tone),
    ]


def level_rows(frame: pd.DataFrame, schedule: float, unit: fmt.MoneyUnit) -> list[dict]:
    """The grid's rows; with 上年同期 too when the frame carries it (``yoy.with_prior``)."""
    with_prior = "prior" in frame.columns
    rows = []
    for r in frame.itertuples():
        rate = None if pd.isna(r.rate) else float(r.rate)
        rows.append({"code": r.code, "name": r.name, "original": round(r.original / unit.divisor, 2),
                     "adjusted": round(r.adjusted / unit.divisor, 2), "spent": round(r.spent / unit.divisor, 2),
                     "rate": rate, "gap": None if rate is None else round((rate - schedule) * 100, 1),
                     "payments": int(r.payments), "drillable": bool(r.drillable)})
        if with_prior:
            rows[-1].update(yoy.row_values(r, unit))
    return rows


def level_export_frame(frame: pd.DataFrame, schedule: float, lang: str, held: bool | None = None) -> pd.DataFrame:
    """The level as a person reads it: the unit in every money column's header."""
    unit = fmt.money_unit(list(frame["adjusted"]) + list(frame["spent"]) + list(frame["original"]))
    u = unit.label(lang)
    rows = level_rows(frame, schedule, unit)
    out = pd.DataFrame(rows, columns=["code", "name", "original", "adjusted", "spent", "rate", "gap", "payments"])
    out["rate"] = out["rate"].map(lambda v: None if v is None or pd.isna(v) else round(v * 100, 1))
    extra = yoy.export_columns(frame, rows, unit, bool(held), lang) if "prior" in frame.columns else {}
    return out.rename(columns={
        "code": t("exec.col.code", lang), "name": t("exec.col.name", lang),
        "original": fmt.axis_title(t("exec.col.original", lang), u, lang),
        "adjusted": fmt.axis_title(t("exec.col.adjusted", lang), u, lang),
        "spent": fmt.axis_title(t("exec.col.spent", lang), u, lang),
        "rate": fmt.axis_title(t("exec.col.rate", lang), "%", lang),
        "gap": t("exec.col.gap", lang), "payments": t("exec.col.payments", lang)}).assign(**extra)


def _schedule_text(period: Period, lang: str) -> str:
    day, days = day_of_year(period.as_of)
    return t("overview.schedule", lang, pct=fmt.percent(period.schedule), date=fmt.date(period.as_of, lang),
             day=day, days=days)


def _period(con, state: dict) -> Period | None:
    return resolve_period(con, int_param(state.get("year")), date_param(state.get("as_of")))




def _filters(period: Period, node: q.Node, labels: list[str], lang: str) -> list[tuple[str, str]]:
    return [(t("exec.f.year", lang), str(period.year)),
            (t("overview.as_of", lang), period.as_of.isoformat()),
            (t("exec.by", lang), t(f"exec.by.{node.by}", lang)),
            (t("exec.f.node", lang), " › ".join([t(f"exec.root.{node.by}", lang)] + labels))]


VOUCHER_EXPORT_COLUMNS = ("voucher_no", "pay_date", "dept_code", "unit", "func", "econ", "fund_type", "payee",
                          "amount", "purpose")


def vouchers_heading(period: Period, node: q.Node, labels: list[str], state: dict, filter_model: dict | None,
                     lang: str) -> tuple[str, list[tuple[str, str]]]:
    """The vouchers download's title and context block (year, node, the one voucher, the grid's
    filters): the same for the in-memory and the streamed download."""
    filters = _filters(period, node, labels, lang)
    if state.get("voucher"):
        filters.append((t("exec.f.voucher", lang), state["voucher"]))
    if filter_model:
        filters.append((t("exec.f.grid", lang), describe_filters(filter_model, lang)))
    return t("exec.export.vouchers", lang, year=period.year, node=node_label(node, labels, lang)), filters
