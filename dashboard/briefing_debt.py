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
from budgetwatch.dashboard.i18n import t

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


def _e(value) -> str:
    return html.escape(fmt.text(value))


def section_html(section: DebtSection | None, title: str, table, charts: str, lang: str = "zh") -> str:
    """``table(head, rows)`` and ``charts`` are the briefing's own table maker and charts."""
    def money(yuan) -> str:
        return fmt.money(yuan, lang, UNIT)

    parts = [f"<h2>{html.escape(title)}</h2>"]
    if section is None:
        parts.append(f"<p>{t('brief.debt.none_loaded', lang)}</p>")
        return "\n".join(parts)
    if not section.held:
        parts.append(f"<p>{t('brief.debt.year_missing', lang, year=section.year)}</p>")
        return "\n".join(parts)
    s, warn, high = section.totals, f"{section.max_ratio * 100:g}%", f"{section.high_ratio * 100:g}%"
    text = t("brief.debt.text", lang, year=section.year, balance=money(s['balance']), limit=money(s['limit']),
             usage=fmt.percent(s['usage']), headroom=money(s['headroom']))
    if s["ratio"] is not None:
        text += t("brief.debt.ratio", lang, ratio=fmt.percent(s['ratio']), warn=warn)
    text += t("brief.debt.end", lang)
    if not fmt.missing(s["new_issued"]):
        text += t("brief.debt.issued", lang, v=money(s['new_issued']))
        if not fmt.missing(s["new_quota"]):
            text += t("brief.debt.quota", lang, v=money(s['new_quota']))
        text += t("brief.debt.end", lang)
    if not fmt.missing(s["principal"]) or not fmt.missing(s["interest"]):
        text += t("brief.debt.service", lang, principal=money(s['principal']), interest=money(s['interest']))
    parts.append(f"<p>{text}</p>")
    if section.regions.empty:
        parts.append(f"<p>{t('brief.debt.no_regions', lang, warn=warn)}</p>")
    else:
        parts.append("<p>" + t("brief.debt.regions", lang, warn=warn, n=len(section.regions), high=high,
                               k=int((section.regions['ratio'] > section.high_ratio).sum())) + "</p>")
        rows = [[_e(r.region_name), _e(r.region_code), money(r.balance), money(r.fiscal_capacity),
                 fmt.percent(r.ratio)] for r in section.regions.itertuples()]
        parts.append(table([(t(k, lang), cls) for k, cls in (
            ("brief.col.region", ""), ("brief.col.region_code", "nw"), ("brief.col.balance", "num"),
            ("brief.col.capacity", "num"), ("brief.col.ratio", "num"))], rows))
    if section.flags.empty:
        parts.append(f"<p>{t('brief.debt.no_flags', lang)}</p>")
    else:
        from budgetwatch.queries.rules import RULES_BY_ID

        parts.append(f"<p>{t('brief.debt.flags', lang, n=len(section.flags))}</p>")
        rows = [[f'<span class="sev {html.escape(r.severity)}">{html.escape(t(f"brief.sev.{r.severity}", lang))}'
                 f"</span>", html.escape(RULES_BY_ID[r.rule].title_cn if lang == "zh" else RULES_BY_ID[r.rule].title_en),
                 _e(fmt.flag_message(r._asdict(), lang))]
                for r in section.flags.itertuples()]
        parts.append(table([(t(k, lang), cls) for k, cls in (
            ("brief.col.sev", "nw"), ("brief.col.rule", "nw"), ("brief.col.why", ""))], rows))
    parts.append(charts)
    return "\n".join(parts)
