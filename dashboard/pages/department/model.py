"""What the page shows, asked of the store once per view (``load``): the department, its units
(rolled up through the parent chain), their execution, lines, months, 三公经费, flags, audit
findings and assets."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pandas as pd

from budgetwatch.dashboard.page_tables import enterprise_frame, load_rule_thresholds
from budgetwatch.queries import assets as qa
from budgetwatch.queries import audit as qu
from budgetwatch.queries import department as qd
from budgetwatch.queries import overview as q
from budgetwatch.queries import reviews as rv
from budgetwatch.queries.rules.base import empty_flags
from budgetwatch.queries.summary import FlagsUpdating
from budgetwatch.queries.store import Store


def cached_flags(store: Store, con, year: int, as_of: dt.date, thresholds: dict):
    """compute_flags for the year and as-of date from ``queries.flags``' cache (per data
    generation, shared with the warnings page, and the flag set made at load for the default
    view): flipping between departments runs the rules at most once."""
    from budgetwatch.queries import flags as qf
    th = load_rule_thresholds(store)
    if json.dumps(th.values, sort_keys=True, default=str) != json.dumps(thresholds, sort_keys=True, default=str):
        from budgetwatch.queries.rules import compute_flags    # thresholds other than those in force: as asked
        return compute_flags(con, year, as_of, thresholds)
    return qf.computed_flags(store, year, as_of, thresholds=th)[0]


@dataclass
class DeptData:
    period: q.Period
    depts: pd.DataFrame                     # top-level departments with execution (the picker)
    dept: str | None = None
    units: pd.DataFrame | None = None       # department_units
    execution: pd.DataFrame | None = None
    lines: pd.DataFrame | None = None
    monthly: pd.DataFrame | None = None
    sangong: pd.DataFrame | None = None
    units_yoy: pd.DataFrame | None = None   # execution with 上年同期, 增减, 增幅 (the units table)
    prior_held: bool = True                 # the year before holds payments (else 上年同期 reads 无上年数据)
    flags: pd.DataFrame | None = None
    flags_updating: bool = False            # recomputed in the background after a load: said, not shown stale
    findings: pd.DataFrame | None = None
    admin: pd.DataFrame | None = None
    enterprises: pd.DataFrame | None = None
    asset_year: int | None = None
    thresholds: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        if self.units is not None and len(self.units):
            return str(self.units["dept_name"].iloc[0])
        return self.dept or ""


def load(store: Store, year: int | None, as_of: dt.date | None, dept: str | None) -> DeptData | None:
    """Everything the page shows; None when there is no budget or payment data at all."""
    th = load_rule_thresholds(store).values
    with store.reader() as con:
        period = q.resolve_period(con, year, as_of)
        if period is None:
            return None
        data = DeptData(period, q.department_execution(con, period.year, period.as_of), thresholds=th)
        if not dept:
            return data
        data.dept = dept
        data.units = qd.department_units(con, dept)
        if data.units.empty:
            return data
        codes = list(data.units["dept_code"])
        y, day = period.year, period.as_of
        data.execution = qd.unit_execution(con, dept, y, day)
        data.lines = qd.budget_lines(con, dept, y, day)
        data.monthly = qd.monthly_cumulative(con, dept, y, day)
        data.sangong = qd.sangong(con, dept, y, day, th.get("SANGONG_GROWTH", {}).get("econ_codes", qd.SANGONG_CODES))
        data.prior_held = q.latest_payment_date(con, y - 1) is not None
        data.lines = qd.lines_with_prior(data.lines, con, dept, y, day, data.prior_held)
        data.units_yoy = qd.with_prior(data.execution, qd.unit_prior(con, dept, y, day) if data.prior_held
                                       else pd.DataFrame(columns=["dept_code", "prior"]), data.prior_held)
        try:
            flags = cached_flags(store, con, y, day, th)
        except FlagsUpdating:
            flags, data.flags_updating = empty_flags(), True
        # each flag with its latest review: a flag dismissed on review (排除) is not counted
        data.flags = rv.attach_reviews(qd.department_flags(flags, codes), rv.latest_reviews(store.data_dir, y),
                                       year=y, rules=())
        data.findings = qu.findings(con, y, qu.audit_as_of(con, y, day), codes)
        years = qa.asset_years(con)
        data.asset_year = y if y in years else next((v for v in years if v <= y), years[0] if years else None)
        if data.asset_year is not None:
            data.admin = qa.admin_assets(con, data.asset_year, codes)
            ents = qa.enterprises(con, data.asset_year, codes)
            marks = qa.enterprise_marks(qa.asset_flags(con, data.asset_year, th))
            data.enterprises = enterprise_frame(ents, marks)
    return data


def threshold(data: DeptData, rule: str, name: str, default: float) -> float:
    """A rule's threshold in force for this view (the page colours cards and bars by them)."""
    return float(data.thresholds.get(rule, {}).get(name, default))
