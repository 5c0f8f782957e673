"""State assets (国有资产): enterprises' debt, losses and equity; idle administrative assets."""
from __future__ import annotations

from budgetwatch.queries.rules.base import UNIT_NAMES, Param, Rule

LEVERAGE = Rule(
    id="LEVERAGE",
    title_cn="资产负债率过高",
    title_en="High debt ratio",
    entity_type="enterprise",
    severity="medium",
    scope="year",
    params=(
        Param("max_ratio_pct", 70.0, "资产负债率（负债÷资产）超过此百分比时预警",
              "fires when the debt ratio (liabilities ÷ assets) is above this percentage"),
        Param("high_ratio_pct", 85.0, "超过此百分比为红色（高）预警",
              "high severity above this percentage"),
    ),
    doc="""An enterprise's row of the year: total liabilities ÷ total assets above
`max_ratio_pct`% (exactly 70% does not fire), high above `high_ratio_pct`%. An enterprise
with total assets zero or below is not rated (the ratio is undefined). dept_code is the
supervising unit (supervisor_code), empty when not given. Amount: total liabilities.""",
    sql="""
SELECT enterprise_code AS entity_key, nullif(trim(supervisor_code), '') AS dept_code,
       enterprise_name AS name, total_assets AS assets, total_liabilities AS liabilities,
       total_liabilities AS amount,
       CAST(total_liabilities AS DOUBLE) / CAST(total_assets AS DOUBLE) AS ratio,
       CASE WHEN total_liabilities * 100 > total_assets * $high_ratio_pct
            THEN 'high' ELSE 'medium' END AS severity,
       CAST(to_json({enterprise_code: enterprise_code, year: $year}) AS VARCHAR) AS evidence
FROM assets_enterprise
WHERE year = $year AND total_assets > 0
  AND total_liabilities * 100 > total_assets * $max_ratio_pct
""",
    message=("{name}{year}年资产负债率{ratio:pct}，高于{max_ratio_pct:g}%（负债{liabilities:wan}，"
             "资产{assets:wan}）"),
    message_en=("{name}: debt ratio {ratio:pct} in {year}, above {max_ratio_pct:g}% (liabilities {liabilities:wan}, "
                "assets {assets:wan})"),
)

CONSECUTIVE_LOSS = Rule(
    id="CONSECUTIVE_LOSS",
    title_cn="连续亏损",
    title_en="Consecutive losses",
    entity_type="enterprise",
    severity="high",
    scope="year",
    params=(
        Param("min_years", 2, "截至本年连续亏损（利润总额小于零）的年数达到此数时预警",
              "fires when profit is below zero in each of this many years up to this one"),
    ),
    doc="""An enterprise whose total profit is below zero (zero is not a loss) in the year
and in each of the `min_years` − 1 years before it; each of those years must be in the
feed (a missing year breaks the run). A loss in one year only, or losses two years apart
with a profit between, do not fire. Amount: this year's loss (a positive number).""",
    sql="""
WITH run AS (
    SELECT enterprise_code, count(*) AS loss_years
    FROM assets_enterprise
    WHERE year BETWEEN $year - $min_years + 1 AND $year AND profit < 0
    GROUP BY enterprise_code)
SELECT e.enterprise_code AS entity_key, nullif(trim(e.supervisor_code), '') AS dept_code,
       e.enterprise_name AS name, e.profit, -e.profit AS amount, p.profit AS prev_profit,
       CAST(to_json({enterprise_code: e.enterprise_code, years: range($year - $min_years + 1, $year + 1)})
            AS VARCHAR) AS evidence
FROM assets_enterprise e
JOIN run r ON r.enterprise_code = e.enterprise_code AND r.loss_years >= $min_years
LEFT JOIN assets_enterprise p ON p.enterprise_code = e.enterprise_code AND p.year = $year - 1
WHERE e.year = $year AND e.profit < 0
""",
    message=("{name}{year}年利润总额{profit:wan}，已连续{min_years}年亏损"
             "（{prev_year}年利润总额{prev_profit:wan}）"),
    message_en=("{name}: total profit {profit:wan} in {year}, a loss for {min_years} years in a row "
                "(total profit {prev_profit:wan} in {prev_year})"),
)

EQUITY_DECLINE = Rule(
    id="EQUITY_DECLINE",
    title_cn="国有资本减值",
    title_en="Owner equity declining",
    entity_type="enterprise",
    severity="medium",
    scope="year",
    params=(
        Param("min_decline_pct", 10.0, "所有者权益比上年下降超过此百分比时预警",
              "fires when owner equity fell by more than this percentage on the year before"),
    ),
    doc="""An enterprise with rows for the year and the year before, positive owner equity
the year before, and equity this year more than `min_decline_pct`% below it (a fall of
exactly 10% does not fire; 国有资本保值增值率 below 90%). Equity zero or negative the year
before gives no meaningful percentage and is not rated. Amount: the fall in equity.""",
    sql="""
SELECT e.enterprise_code AS entity_key, nullif(trim(e.supervisor_code), '') AS dept_code,
       e.enterprise_name AS name, e.owner_equity AS equity, p.owner_equity AS prev_equity,
       p.owner_equity - e.owner_equity AS amount,
       CAST(p.owner_equity - e.owner_equity AS DOUBLE) / CAST(p.owner_equity AS DOUBLE) AS decline,
       CAST(e.owner_equity AS DOUBLE) / CAST(p.owner_equity AS DOUBLE) AS keep_ratio,
       CAST(to_json({enterprise_code: e.enterprise_code, years: [$year - 1, $year]}) AS VARCHAR) AS evidence
FROM assets_enterprise e
JOIN assets_enterprise p ON p.enterprise_code = e.enterprise_code AND p.year = $year - 1
WHERE e.year = $year AND p.owner_equity > 0
  AND (p.owner_equity - e.owner_equity) * 100 > p.owner_equity * $min_decline_pct
""",
    message=("{name}{year}年所有者权益{equity:wan}，比上年{prev_equity:wan}下降{decline:pct}"
             "（国有资本保值增值率{keep_ratio:pct}）"),
    message_en=("{name}: owner equity {equity:wan} in {year}, down {decline:pct} from {prev_equity:wan} "
                "the year before (state capital preservation ratio {keep_ratio:pct})"),
)

IDLE_ASSETS = Rule(
    id="IDLE_ASSETS",
    title_cn="资产闲置",
    title_en="Idle administrative assets",
    entity_type="asset_line",
    severity="medium",
    scope="year",
    params=(
        Param("max_idle_pct", 20.0, "闲置资产价值占账面价值超过此百分比时预警",
              "fires when idle value is above this percentage of book value"),
    ),
    doc="""An administrative asset line of the year (key dept_code|asset_category) whose idle
value is above `max_idle_pct`% of its book value (exactly 20% does not fire). A line with
book value zero or below is not rated. Amount: the idle value.""",
    sql=f"""
WITH {UNIT_NAMES}
SELECT concat_ws('|', a.dept_code, a.asset_category) AS entity_key, a.dept_code,
       coalesce(nm.dept_name, a.dept_code) AS name, a.asset_category,
       a.book_value AS book, a.idle_value AS idle, a.idle_value AS amount,
       CAST(a.idle_value AS DOUBLE) / CAST(a.book_value AS DOUBLE) AS share,
       CAST(to_json({{dept_code: a.dept_code, asset_category: a.asset_category, year: $year}})
            AS VARCHAR) AS evidence
FROM assets_admin a LEFT JOIN names nm ON nm.dept_code = a.dept_code
WHERE a.year = $year AND a.book_value > 0
  AND a.idle_value * 100 > a.book_value * $max_idle_pct
""",
    message=("{name}{asset_category}类资产闲置{idle:wan}，占账面价值{book:wan}的{share:pct}，"
             "高于{max_idle_pct:g}%"),
    message_en=("{name}: {idle:wan} of {asset_category} assets idle, {share:pct} of the book value {book:wan}, "
                "above {max_idle_pct:g}%"),
)
