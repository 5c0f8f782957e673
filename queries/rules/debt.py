"""Government debt (政府债务): balances within the limits the congress approved, 债务率 against
the warning line, new bonds within the year's new limit.

Under the 2015 NPC decision local government debt is managed by limits (限额): the balance at
year end must stay within the approved limit, per region and type (一般债务 / 专项债务), and
new bonds may not exceed the new limit granted for the year. 债务率 = the region's balance of
both types ÷ its 综合财力; 100% is the warning line. The rules look at the flags' year's rows.
Debt belongs to a region, not a budget unit, so flags carry no dept_code.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from budgetwatch.numbers import grouped
from budgetwatch.queries.rules.base import Param, Rule, en_word, fmt_wan, fmt_wan_en

YI = Decimal(100_000_000)


def fmt_money(yuan: Any) -> str:
    """Debt reads in 亿元 (two decimals, half up) from 1亿 up; smaller sums in 万元."""
    if yuan is None or (isinstance(yuan, float) and yuan != yuan):
        return "—"
    value = yuan if isinstance(yuan, Decimal) else Decimal(repr(float(yuan)))
    if abs(value) < YI:
        return fmt_wan(value)
    return f"{(value / YI).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}亿元"


def _pct(share: Any) -> str:
    return "—" if share is None else f"{float(share) * 100:.1f}%"


def _over_limit(row: Mapping[str, Any]) -> str:
    return (f"{row['region_name']}{row['year']}年{row['debt_type']}余额{fmt_money(row['balance'])}，"
            f"超过债务限额{fmt_money(row['limit_amount'])}，超出{fmt_money(row['amount'])}"
            f"（限额使用率{_pct(row['use'])}）")


def _ratio(row: Mapping[str, Any]) -> str:
    text = (f"{row['region_name']}{row['year']}年政府债务率{_pct(row['ratio'])}，"
            f"高于{row['max_ratio_pct']:g}%警戒线")
    if row["severity"] == "high":
        text += f"并超过{row['high_ratio_pct']:g}%"
    return text + f"（债务余额{fmt_money(row['balance'])}，综合财力{fmt_money(row['capacity'])}）"


def fmt_money_en(yuan: Any) -> str:
    """``fmt_money`` in English: 'CNY 100m' from 1亿 up, 'CNY 10k' below (the same numbers)."""
    text = fmt_money(yuan)
    if text.endswith("亿元"):
        return f"{grouped(Decimal(text[:-2]))} CNY 100m"
    return fmt_wan_en(yuan)


def _over_limit_en(row: Mapping[str, Any]) -> str:
    return (f"{row['region_name']}: {en_word(row['debt_type'])} balance {fmt_money_en(row['balance'])} in {row['year']}, "
            f"above the debt limit {fmt_money_en(row['limit_amount'])} by {fmt_money_en(row['amount'])} "
            f"(limit used {_pct(row['use'])})")


def _ratio_en(row: Mapping[str, Any]) -> str:
    text = (f"{row['region_name']}: government debt ratio {_pct(row['ratio'])} in {row['year']}, "
            f"above the {row['max_ratio_pct']:g}% warning line")
    if row["severity"] == "high":
        text += f" and above {row['high_ratio_pct']:g}%"
    return text + f" (debt balance {fmt_money_en(row['balance'])}, fiscal capacity {fmt_money_en(row['capacity'])})"


def _over_quota_en(row: Mapping[str, Any]) -> str:
    return (f"{row['region_name']}: new {en_word(row['debt_type'])} bonds issued {fmt_money_en(row['new_issued'])} "
            f"in {row['year']}, above the new debt quota {fmt_money_en(row['new_quota'])} by {fmt_money_en(row['amount'])}")


def _over_quota(row: Mapping[str, Any]) -> str:
    return (f"{row['region_name']}{row['year']}年{row['debt_type']}新增债券发行{fmt_money(row['new_issued'])}，"
            f"超过新增债务限额{fmt_money(row['new_quota'])}，超出{fmt_money(row['amount'])}")


DEBT_OVER_LIMIT = Rule(
    id="DEBT_OVER_LIMIT",
    title_cn="债务余额超限额",
    title_en="Debt balance above the limit",
    entity_type="region_debt",
    severity="high",
    scope="year",
    params=(
        Param("min_excess", 0, "债务余额超出债务限额的金额（元）大于此数才预警；0 表示超出即预警",
              "fires when the balance exceeds the limit by more than this (yuan); 0 = any excess"),
    ),
    doc="""A region's row of one debt type in the flags' year (key region_code|debt_type) whose
balance at year end exceeds its approved limit by more than `min_excess` yuan (a balance equal
to the limit does not fire). Amount: balance − limit.""",
    sql="""
SELECT concat_ws('|', region_code, debt_type) AS entity_key, NULL::VARCHAR AS dept_code,
       region_name, debt_type, balance, limit_amount, balance - limit_amount AS amount,
       CASE WHEN limit_amount > 0 THEN CAST(balance AS DOUBLE) / CAST(limit_amount AS DOUBLE) END AS use,
       CAST(to_json({region_code: region_code, debt_type: debt_type, year: $year}) AS VARCHAR) AS evidence
FROM debt
WHERE year = $year AND balance - limit_amount > $min_excess
""",
    message=_over_limit,
    message_en=_over_limit_en,
)

DEBT_RATIO = Rule(
    id="DEBT_RATIO",
    title_cn="债务率超警戒线",
    title_en="Debt ratio above the warning line",
    entity_type="region",
    severity="medium",
    scope="year",
    params=(
        Param("max_ratio_pct", 100.0, "债务率（一般债务与专项债务余额之和÷综合财力）超过此百分比时预警",
              "fires when the debt ratio (balance of both debt types ÷ fiscal capacity) is above this percentage"),
        Param("high_ratio_pct", 120.0, "债务率超过此百分比为红色（高）预警",
              "high severity above this percentage"),
    ),
    doc="""A region in the flags' year whose 债务率 — the balance of its rows of both debt
types ÷ its 综合财力 (fiscal_capacity, the same on both rows; a region without it, or with
it zero, is not rated) — is above `max_ratio_pct`% (exactly 100% does not fire), high above
`high_ratio_pct`% (exactly 120% is medium). Amount: the balance.""",
    sql="""
WITH r AS (
    SELECT region_code, any_value(region_name) AS region_name, sum(balance) AS balance,
           max(fiscal_capacity) AS capacity
    FROM debt WHERE year = $year GROUP BY region_code)
SELECT region_code AS entity_key, NULL::VARCHAR AS dept_code, region_name, balance, capacity,
       balance AS amount, CAST(balance AS DOUBLE) / CAST(capacity AS DOUBLE) AS ratio,
       CASE WHEN balance * 100 > capacity * $high_ratio_pct THEN 'high' ELSE 'medium' END AS severity,
       CAST(to_json({region_code: region_code, year: $year}) AS VARCHAR) AS evidence
FROM r
WHERE capacity > 0 AND balance * 100 > capacity * $max_ratio_pct
""",
    message=_ratio,
    message_en=_ratio_en,
)

DEBT_ISSUE_OVER_QUOTA = Rule(
    id="DEBT_ISSUE_OVER_QUOTA",
    title_cn="新增债券超新增限额",
    title_en="New bonds above the new limit",
    entity_type="region_debt",
    severity="medium",
    scope="year",
    params=(
        Param("min_excess", 0, "新增债券发行额超出新增债务限额的金额（元）大于此数才预警；0 表示超出即预警",
              "fires when new bonds exceed the new limit by more than this (yuan); 0 = any excess"),
    ),
    doc="""A region's row of one debt type in the flags' year (key region_code|debt_type)
whose new_quota is given and whose new bonds issued exceed it by more than `min_excess` yuan
(issuing exactly the new limit does not fire; a row without new_quota or new_issued is not
rated). Amount: new_issued − new_quota.""",
    sql="""
SELECT concat_ws('|', region_code, debt_type) AS entity_key, NULL::VARCHAR AS dept_code,
       region_name, debt_type, new_issued, new_quota, new_issued - new_quota AS amount,
       CAST(to_json({region_code: region_code, debt_type: debt_type, year: $year}) AS VARCHAR) AS evidence
FROM debt
WHERE year = $year AND new_quota IS NOT NULL AND new_issued IS NOT NULL
  AND new_issued - new_quota > $min_excess
""",
    message=_over_quota,
    message_en=_over_quota_en,
)
