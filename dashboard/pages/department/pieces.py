"""Pure parts of a department's view: the headline cards and the picker's options."""
from __future__ import annotations

import pandas as pd

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.components import card
from budgetwatch.dashboard.figures.overview import lag_band
from budgetwatch.dashboard.i18n import t
from budgetwatch.queries import department as qd

from budgetwatch.dashboard.pages.department.model import DeptData, threshold


def headline(data: DeptData, lang: str) -> list:
    tot = qd.totals(data.execution)
    period = data.period
    unit = fmt.money_unit([tot["adjusted"], tot["original"], tot["spent"]])
    rate, schedule = tot["rate"], period.schedule
    counted = data.flags
    if counted is not None and "review_status" in counted:      # dismissed on review: not counted,
        counted = counted[counted["review_status"].ne("dismissed")]   # as on the warnings page
    sev = counted["severity"].value_counts() if counted is not None else pd.Series(dtype=int)
    n_flags = int(sev.sum()) if len(sev) else 0
    sg = data.sangong
    sg_cur, sg_prev = float(sg["cur"].sum()), float(sg["prev"].sum())
    sg_growth = (sg_cur - sg_prev) / sg_prev if sg_prev > 0 and data.prior_held else None
    sg_note = (t("dept.sangong_note", lang, prev=fmt.money(sg_prev, lang),
                 growth=fmt.percent(sg_growth) if sg_growth is not None else "—")
               if data.prior_held else t("yoy.none", lang))      # not 上年同期 0.00 万元
    return [
        card(t("headline.adjusted", lang), fmt.money(tot["adjusted"], lang, unit),
             t("headline.original", lang, amount=fmt.money(tot["original"], lang, unit))),
        card(t("headline.rate", lang), fmt.percent(rate),
             t("dept.rate_note", lang, spent=fmt.money(tot["spent"], lang, unit),
               diff=fmt.points(rate - schedule, lang)) if rate is not None else t("dept.no_budget", lang),
             f"is-{lag_band(rate, schedule)}" if rate is not None else ""),
        card(t("dept.sangong", lang), fmt.money(sg_cur, lang), sg_note,
             "is-medium" if sg_growth is not None
             and sg_growth > threshold(data, "SANGONG_GROWTH", "min_growth_pct", 20) / 100
             else ""),
        card(t("dept.flag_count", lang), t("dept.flag_value", lang, n=n_flags),
             t("dept.flag_note", lang, high=int(sev.get("high", 0)), medium=int(sev.get("medium", 0)),
               low=int(sev.get("low", 0))),
             "is-high" if sev.get("high", 0) else "is-medium" if n_flags else ""),
    ]


def dept_options(data: DeptData, lang: str) -> list[dict]:
    options = [{"label": f"{n}（{c}）", "value": c} for c, n in zip(data.depts["dept_code"], data.depts["dept_name"])]
    options.sort(key=lambda o: o["value"])
    if data.dept and data.dept not in {o["value"] for o in options}:
        options.insert(0, {"label": f"{data.name}（{data.dept}）", "value": data.dept})
    return options
