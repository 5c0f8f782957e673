"""The 监督简报's 政府债务 section: balances against the limits, 债务率 against the warning line,
and the debt warnings of the year, from the 政府债务 page's own model (amounts in 亿元).

Kept apart from briefing.py, which calls ``collect`` and ``section_html``. The section
speaks for the whole budget: a briefing for one department leaves it out (debt belongs to
regions, not to budget units).
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from budgetwatch.dashboard import format as fmt
from budgetwatch.queries.rules.base import SEVERITY_CN

UNIT = fmt.YI
RULE_ORDER = {"DEBT_OVER_LIMIT": 0, "DEBT_RATIO": 1, "DEBT_ISSUE_OVER_QUOTA": 2}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class DebtSection:
    year: int                  # the debt year shown: the briefing's year
    held: bool                 # whether that year's debt rows are loaded
    totals: dict
    max_ratio: float           # the tiers in force (shares)
    high_ratio: float
    regions: pd.DataFrame      # regions above the warning line, highest 债务率 first
    flags: pd.DataFrame        # the year's debt flags, by rule then severity then amount


def collect(store, year: int) -> DebtSection | None:
    """The section for the briefing's year; None when no debt data is loaded at all."""
    import budgetwatch.dashboard.pages.debt.model as model

    data = model.load(store, year)
    if data is None:
        return None
    th = model.load_thresholds(store.data_dir).values
    if data.year != year:
        return DebtSection(year, False, {}, th["DEBT_RATIO"]["max_ratio_pct"] / 100,
                           th["DEBT_RATIO"]["high_ratio_pct"] / 100, pd.DataFrame(), pd.DataFrame())
    regions = data.regions[data.regions["ratio"] > data.max_ratio]
    flags = data.flags.copy()
    if len(flags):
        flags["_r"] = flags["rule"].map(RULE_ORDER)
        flags["_s"] = flags["severity"].map(SEVERITY_ORDER)
        flags = flags.sort_values(["_r", "_s", "amount"], ascending=[True, True, False], kind="stable")
    return DebtSection(year, True, model.totals(data), data.max_ratio, data.high_ratio, regions, flags)


def _money(yuan) -> str:
    return fmt.money(yuan, "zh", UNIT)


def _e(value) -> str:
    return html.escape(fmt.text(value))


def section_html(section: DebtSection | None, title: str, table, charts: str) -> str:
    """``table(head, rows)`` and ``charts`` are the briefing's own table maker and charts."""
    parts = [f"<h2>{html.escape(title)}</h2>"]
    if section is None:
        parts.append("<p>尚未导入政府债务数据（debt）。</p>")
        return "\n".join(parts)
    if not section.held:
        parts.append(f"<p>尚未导入{section.year}年政府债务数据。</p>")
        return "\n".join(parts)
    s, warn, high = section.totals, f"{section.max_ratio * 100:g}%", f"{section.high_ratio * 100:g}%"
    text = (f"{section.year}年末，政府债务余额{_money(s['balance'])}，债务限额{_money(s['limit'])}，"
            f"限额使用率{fmt.percent(s['usage'])}，剩余限额空间{_money(s['headroom'])}")
    if s["ratio"] is not None:
        text += f"；债务率{fmt.percent(s['ratio'])}（警戒线{warn}）"
    text += "。"
    if not fmt.missing(s["new_issued"]):
        text += f"当年发行新增债券{_money(s['new_issued'])}"
        if not fmt.missing(s["new_quota"]):
            text += f"，新增债务限额{_money(s['new_quota'])}"
        text += "。"
    if not fmt.missing(s["principal"]) or not fmt.missing(s["interest"]):
        text += f"还本{_money(s['principal'])}，付息{_money(s['interest'])}。"
    parts.append(f"<p>{text}</p>")
    if section.regions.empty:
        parts.append(f"<p>没有地区债务率高于{warn}。</p>")
    else:
        parts.append(f"<p>债务率高于{warn}的地区{len(section.regions)}个（其中高于{high}的"
                     f"{int((section.regions['ratio'] > section.high_ratio).sum())}个）：</p>")
        rows = [[_e(r.region_name), _e(r.region_code), _money(r.balance), _money(r.fiscal_capacity),
                 fmt.percent(r.ratio)] for r in section.regions.itertuples()]
        parts.append(table([("地区", ""), ("区划代码", "nw"), ("债务余额", "num"), ("综合财力", "num"),
                            ("债务率", "num")], rows))
    if section.flags.empty:
        parts.append("<p>没有债务余额超过限额或新增债券超过新增限额的情况。</p>")
    else:
        from budgetwatch.queries.rules import RULES_BY_ID

        parts.append(f"<p>政府债务预警{len(section.flags)}条：</p>")
        rows = [[f'<span class="sev {html.escape(r.severity)}">{html.escape(SEVERITY_CN.get(r.severity, r.severity))}'
                 f"</span>", html.escape(RULES_BY_ID[r.rule].title_cn), _e(r.message)]
                for r in section.flags.itertuples()]
        parts.append(table([("等级", "nw"), ("预警类型", "nw"), ("说明", "")], rows))
    parts.append(charts)
    return "\n".join(parts)
