"""The generated city: ``generate_city`` draws every feed's rows from one seed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from budgetwatch.demo_planted import Planted
from budgetwatch import demo_debt
from budgetwatch.demo.feeds import (admin_asset_rows, audit_finding_rows, budget_frame, enterprise_rows,
                                    plan_unit_rules)
from budgetwatch.demo.parts import Calendar, Lines, Registry, Unit, take, build_units
from budgetwatch.demo.payees import build_payees
from budgetwatch.demo.payments import PaymentGenerator, PaymentPlants
from budgetwatch.demo.world import DEFAULT_SEED, DEFAULT_TODAY, EPOCH, REGION_CODE


# ---------------------------------------------------------------------------------------
# The generated city
# ---------------------------------------------------------------------------------------
@dataclass
class DemoCity:
    year: int
    today: date
    as_of: date
    scale: float
    seed: int
    units: list[Unit]
    lines: Lines
    payees: Registry
    purposes: Registry
    payments: dict[int, dict[str, np.ndarray]]     # year -> arrays (sorted, with "voucher")
    budget: dict[int, pd.DataFrame]                 # year -> budget lines, yuan
    enterprises: pd.DataFrame                       # amounts in 万元, as the file gives them
    assets_admin: pd.DataFrame
    audit: pd.DataFrame
    planted: list[Planted] = field(default_factory=list)
    suggestions: pd.DataFrame | None = None         # budgetwatch/demo_suggestions.py
    projects: object = None                         # budgetwatch.demo_projects.ProjectPlan
    debt: pd.DataFrame = field(default_factory=pd.DataFrame)   # demo_debt.debt_frame: 亿元, three years

    @property
    def years(self) -> tuple[int, int]:
        return (self.year - 1, self.year)

    def departments_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"dept_code": [u.code for u in self.units], "dept_name": [u.name for u in self.units],
                             "parent_code": [u.parent for u in self.units],
                             "region_code": [REGION_CODE] * len(self.units)})

    def payments_table(self, year: int, lo: int = 0, hi: int | None = None) -> pa.Table:
        """Canonical payments (English names, ISO dates, DECIMAL(18,2) yuan) of rows lo:hi."""
        p = self.payments[year]
        hi = len(p["day"]) if hi is None else hi
        line = pa.array(p["line"][lo:hi])
        payee = pa.array(p["payee"][lo:hi])
        cal_offset = (date(year, 1, 1) - EPOCH).days
        dates = pa.array(p["day"][lo:hi].astype(np.int32) + cal_offset, type=pa.int32()).cast(pa.date32())
        amount = pa.array(p["cents"][lo:hi]).cast(pa.decimal128(20, 0))
        amount = pa.Array.from_buffers(pa.decimal128(20, 2), len(amount), amount.buffers())
        dims = self._dims()
        return pa.table({
            "voucher_no": pa.array(p["voucher"][lo:hi]).cast(pa.string()),
            "pay_date": dates,
            "dept_code": dims["dept"].take(line),
            "func_code": dims["func"].take(line),
            "econ_code": dims["econ"].take(line),
            "fund_type": dims["fund"].take(line),
            "payee": dims["payee"].take(payee),
            "amount": amount,
            "payee_account": dims["account"].take(payee),
            "purpose": dims["purpose"].take(pa.array(p["purpose"][lo:hi])),
            "project_code": self.projects.payment_codes(self, year, lo, hi) if self.projects is not None
            else pa.nulls(hi - lo, pa.string()),
        })

    def payments_frame(self, year: int) -> pd.DataFrame:
        """One year's payments as a DataFrame (amount as float yuan); for tests and small scales."""
        df = self.payments_table(year).to_pandas()
        df["amount"] = df["amount"].astype(float)
        df["pay_date"] = df["pay_date"].astype("datetime64[s]")
        return df

    def _dims(self) -> dict[str, pa.Array]:
        if not hasattr(self, "_dim_cache"):
            keys = self.lines.keys
            self._dim_cache = {
                "dept": pa.array([self.units[k[0]].code for k in keys]),
                "func": pa.array([k[1] for k in keys]),
                "econ": pa.array([k[2] for k in keys]),
                "fund": pa.array([k[3] for k in keys]),
                "payee": pa.array(self.payees.names),
                "account": pa.array(self.payees.extra),
                "purpose": pa.array(self.purposes.names),
            }
        return self._dim_cache


def generate_city(scale: float = 1.0, seed: int = DEFAULT_SEED, today: date | None = None) -> DemoCity:
    """Build the whole city in memory (payments as numpy arrays, the small feeds as DataFrames)."""
    today = today or DEFAULT_TODAY
    if today < date(today.year, 3, 1):
        raise ValueError("today must be on or after 1 March: the demo plants need two months of the year")
    if scale <= 0:
        raise ValueError("scale must be positive")
    year = today.year
    root = np.random.default_rng(seed)
    r_names, r_ent, r_assets, r_audit, r_prev, r_cur, r_plant, r_budget, r_units = root.spawn(9)
    units = build_units()
    by_code = {u.code: u for u in units}
    payees, pools = build_payees(r_names)
    purposes = Registry()
    lines = Lines(units)
    cals = {y: Calendar(y) for y in (year - 1, year)}
    cut = {year - 1: cals[year - 1].ndays - 1, year: cals[year].doy(today)}
    gen = PaymentGenerator(units, by_code, lines, payees, pools, purposes, scale, r_units)
    planted: list[Planted] = []
    plants = PaymentPlants(gen, cals[year], cut[year], r_plant, planted)
    pays = {year - 1: gen.year_payments(r_prev, cals[year - 1], staff_factor=0.97),
            year: gen.year_payments(r_cur, cals[year], staff_factor=1.0)}
    pays[year] = plants.plant(pays[year])
    gen.repair_year_end(pays[year], cals[year], cut[year], skip={plants.rush_unit, plants.rush_lookalike})
    last_day = int(pays[year]["day"][pays[year]["day"] <= cut[year]].max())
    gen.rescale_sangong(pays, cals, cals[year].date(last_day), plants)     # the as-of date the rules will use
    # full-year and to-date totals per line drive the budgets
    budgets = {}
    for y in (year - 1, year):
        p = pays[y]
        gross = np.where(p["cents"] > 0, p["cents"], 0)   # refunds do not shrink the budget
        full = np.bincount(p["line"], weights=gross, minlength=len(lines.keys)) / 100.0
        todate_mask = p["day"] <= cut[y]
        todate = np.bincount(p["line"][todate_mask], weights=p["cents"][todate_mask],
                             minlength=len(lines.keys)) / 100.0
        budgets[y] = budget_frame(y, y == year, units, lines, full, todate, r_budget, plants, planted)
    # cut the current year at today, sort by date and number the vouchers
    for y in (year - 1, year):
        p = pays[y]
        keep = np.flatnonzero(p["day"] <= cut[y])
        p = take(p, keep[np.argsort(p["day"][keep], kind="stable")])
        rng = r_prev if y < year else r_cur
        steps = 1 + (rng.random(len(p["day"])) < 0.02).astype(np.int64)   # voided numbers leave gaps
        p["voucher"] = np.int64(y) * 10_000_000_000 + np.cumsum(steps)
        pays[y] = p
    as_of = cals[year].date(int(pays[year]["day"].max()))
    plants.resolve(pays[year], year)
    enterprises = enterprise_rows(year, r_ent, planted)
    assets = admin_asset_rows(year, units, r_assets, planted)
    audit = audit_finding_rows(year, as_of, units, r_audit, planted)
    plan_unit_rules(year, cals, as_of, planted, plants, gen, pays, budgets[year])
    from budgetwatch import demo_suggestions   # its own stream: the other feeds do not change
    suggestions, plants = demo_suggestions.generate(year, as_of, units, np.random.default_rng([seed, 7]))
    planted += [Planted(*p) for p in plants]
    debt = demo_debt.debt_frame(year, seed, planted, Planted)
    city = DemoCity(year=year, today=today, as_of=as_of, scale=scale, seed=seed, units=units, lines=lines,
                    payees=payees, purposes=purposes, payments=pays, budget=budgets, enterprises=enterprises,
                    assets_admin=assets, audit=audit, planted=planted, suggestions=suggestions, debt=debt)
    from budgetwatch.demo_projects import plan_projects
    city.projects = plan_projects(city)     # ties projects to existing capital lines; no amount changes
    return city
