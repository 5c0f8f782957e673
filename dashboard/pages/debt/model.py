"""What the 政府债务 page shows, from the store: the year's rows and regions, the trend, the
flags of the three debt rules and the thresholds in force. Pure functions of their inputs;
nothing is kept between calls."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.figures import debt as figs
from budgetwatch.dashboard.i18n import t
from budgetwatch.queries import debt as qd
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.store import Store

UNIT = figs.UNIT


@dataclass
class DebtData:
    years: list[int]
    year: int
    rows: pd.DataFrame           # queries.debt.debt_rows
    regions: pd.DataFrame        # queries.debt.debt_regions, with the rules' marks
    flags: pd.DataFrame
    region: str | None           # the region the trend is drawn for (None: every top region)
    region_names: dict[str, str]
    trend: pd.DataFrame
    thresholds: dict = field(default_factory=dict)

    def th(self, rule: str, name: str, default: float) -> float:
        return float(self.thresholds.get(rule, {}).get(name, default))

    @property
    def max_ratio(self) -> float:
        return self.th("DEBT_RATIO", "max_ratio_pct", 100) / 100

    @property
    def high_ratio(self) -> float:
        return self.th("DEBT_RATIO", "high_ratio_pct", 120) / 100

    def region_label(self, lang: str) -> str:
        if self.region is None:
            return t("debt.all_regions", lang)
        return self.region_names.get(self.region, self.region)


def load(store: Store, year: int | None, region: str | None = None) -> DebtData | None:
    """The page's data for a year (the latest held when not given or not held) and a region
    for the trend (every top region when not given or not held); None without debt rows."""
    thresholds = load_thresholds(store.data_dir).values
    with store.reader() as con:
        years = qd.debt_years(con)
        if not years:
            return None
        year = year if year in years else years[0]
        names = qd.region_names(con)
        region = region if region in names else None
        flags = qd.debt_flags(con, year, thresholds)
        rows = qd.debt_rows(con, year)
        regions = qd.debt_regions(con, year).merge(qd.flag_marks(flags), on="region_code", how="left")
        trend = qd.debt_trend(con, region)
    return DebtData(years, year, rows, regions, flags, region, names, trend, thresholds)


def totals(data: DebtData) -> dict:
    """The headline sums over the top regions (a city's row already holds its districts')."""
    top = data.regions[data.regions["top"]]
    rated = top[top["fiscal_capacity"].notna() & (top["fiscal_capacity"] > 0)]
    limit, balance = top["limit_amount"].sum(), top["balance"].sum()
    return {
        "regions": len(top), "limit": limit, "balance": balance, "headroom": limit - balance,
        "usage": balance / limit if limit > 0 else None,
        "ratio": rated["balance"].sum() / rated["fiscal_capacity"].sum() if len(rated) else None,
        "new_quota": top["new_quota"].sum(min_count=1), "new_issued": top["new_issued"].sum(min_count=1),
        "principal": top["principal_repaid"].sum(min_count=1), "interest": top["interest_paid"].sum(min_count=1),
        "over_limit": int((data.rows["balance"] > data.rows["limit_amount"]).sum()),
        "above_warn": int((data.regions["ratio"] > data.max_ratio).sum()),
        "above_high": int((data.regions["ratio"] > data.high_ratio).sum()),
    }


def warnings_text(rec: dict, lang: str) -> str:
    from budgetwatch.queries.rules import RULES_BY_ID

    hits = [RULES_BY_ID[r].title_cn if lang == "zh" else RULES_BY_ID[r].title_en
            for r in qd.DEBT_RULES if not fmt.missing(rec.get(r))]
    return ("、" if lang == "zh" else "; ").join(hits)


def regions_table(data: DebtData, lang: str) -> pd.DataFrame:
    frame = data.regions.copy()
    frame["warnings"] = [warnings_text(rec, lang) for rec in frame.to_dict("records")]
    return frame


def rows_table(data: DebtData, lang: str) -> pd.DataFrame:
    frame = data.rows.copy()
    frame["debt_type_text"] = [figs.type_label(x, lang) for x in frame["debt_type"]]
    over = frame["balance"] > frame["limit_amount"]
    quota = frame["new_issued"].fillna(0) > frame["new_quota"].fillna(float("inf"))
    frame["over"] = ["high" if o else None for o in over]
    frame["quota"] = ["medium" if q else None for q in quota]
    return frame


def figures(data: DebtData, lang: str) -> dict:
    """Every chart of the page by its graph name (ids.Debt)."""
    from budgetwatch.dashboard import ids

    D = ids.Debt
    region = data.region_label(lang)
    return {
        D.LIMITS: figs.limit_balance_figure(data.rows, year=data.year, lang=lang),
        D.RATIO: figs.ratio_figure(data.regions, max_ratio=data.max_ratio, high_ratio=data.high_ratio,
                                   year=data.year, lang=lang),
        D.ISSUANCE: figs.issuance_figure(data.rows, year=data.year, lang=lang),
        D.TREND: figs.trend_figure(data.trend, title=t("debt.trend_title", lang, region=region), lang=lang),
        D.REPAYMENTS: figs.repayment_figure(data.trend, title=t("debt.repay_title", lang, region=region),
                                            lang=lang),
    }


def thresholds_text(data: DebtData, lang: str) -> str:
    def excess(rule: str) -> str:
        amount = data.th(rule, "min_excess", 0)
        return t("debt.excess_more", lang, amount=fmt.money(amount, lang)) if amount > 0 else ""
    return t("debt.thresholds", lang, warn=f"{data.max_ratio * 100:g}%",
             high=f"{data.high_ratio * 100:g}%", over=excess("DEBT_OVER_LIMIT"), quota=excess("DEBT_ISSUE_OVER_QUOTA"))
