"""Budget execution (预算执行): lagging departments, over-spent and unbudgeted payments, the
December rush."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from budgetwatch.queries.rules.base import BUDGET_MATCH, UNIT_NAMES, Param, Rule, fmt_wan, fmt_wan_en
from budgetwatch.queries.units import TOPS as UNIT_TREE

EXEC_LAG = Rule(
    id="EXEC_LAG",
    title_cn="预算执行进度滞后",
    title_en="Budget execution behind schedule",
    entity_type="department",
    severity="medium",
    params=(
        Param("min_budget", 1_000_000, "只检查调整预算不低于此数（元）的部门",
              "only departments whose adjusted budget is at least this (yuan)"),
        Param("max_gap_points", 15.0, "执行进度低于序时进度超过此百分点数时预警",
              "fires when execution is more than this many percentage points behind schedule"),
        Param("high_gap_points", 30.0, "落后超过此百分点数时为红色（高）预警",
              "high severity when more than this many points behind schedule"),
        Param("min_month", 3, "截止日期在此月份或以后才检查（1月、2月支出少，不看）",
              "only when the as-of date is in this month or later"),
    ),
    doc="""A top-level department (no parent_code) whose units' adjusted budgets of the year,
rolled up through the parent chain however deep, add up to at least `min_budget`, and whose
execution rate (payments of its units in the year up to the as-of date, net of refunds,
÷ adjusted budget) is more than `max_gap_points` percentage points below the time schedule
(day of year of the as-of date ÷ days in the year), when the as-of date is in month
`min_month` or later. High beyond `high_gap_points`. The comparison is exact (no rounding):
exactly 15 points behind does not fire. A unit code missing from the departments table
counts as its own department. Amount: the money behind schedule, adjusted budget × time
schedule − spent.""",
    sql=f"""
WITH RECURSIVE {UNIT_TREE}, {UNIT_NAMES},
bud AS (
    SELECT coalesce(t.top_code, b.dept_code) AS dept, sum(b.adjusted_amount) AS budget
    FROM budget b LEFT JOIN tops t ON t.dept_code = b.dept_code
    WHERE b.year = $year GROUP BY 1),
paid AS (
    SELECT coalesce(t.top_code, p.dept_code) AS dept, sum(p.spent) AS spent
    FROM (SELECT dept_code, sum(amount) AS spent FROM payments
          WHERE pay_date BETWEEN $year_start AND $as_of GROUP BY dept_code) p
    LEFT JOIN tops t ON t.dept_code = p.dept_code GROUP BY 1),
j AS (
    SELECT b.dept, CAST(b.budget AS DECIMAL(38,2)) AS budget,
           CAST(coalesce(p.spent, 0) AS DECIMAL(38,2)) AS spent
    FROM bud b LEFT JOIN paid p USING (dept)
    WHERE b.budget >= $min_budget AND b.budget > 0 AND month($as_of) >= $min_month),
k AS (  -- gap in points × days × budget, exactly: 100 × (doy × budget − spent × days)
    SELECT *, 100 * ($doy * budget - $days_in_year * spent) AS lag_x,
           $days_in_year * budget AS scale
    FROM j)
SELECT k.dept AS entity_key, k.dept AS dept_code, coalesce(n.dept_name, k.dept) AS name,
       k.budget, k.spent,
       CAST(k.spent AS DOUBLE) / CAST(k.budget AS DOUBLE) AS rate,
       $doy / $days_in_year AS schedule,
       CAST(k.lag_x AS DOUBLE) / CAST(k.scale AS DOUBLE) AS gap,
       CAST(k.budget AS DOUBLE) * $doy / $days_in_year - CAST(k.spent AS DOUBLE) AS amount,
       CASE WHEN k.lag_x > $high_gap_points * k.scale THEN 'high' ELSE 'medium' END AS severity,
       CAST(to_json({{dept_code: k.dept, rollup: true, series: 'monthly', year: $year,
                      as_of: $as_of}}) AS VARCHAR) AS evidence
FROM k LEFT JOIN names n ON n.dept_code = k.dept
WHERE k.lag_x > $max_gap_points * k.scale
""",
    message=("{name}截至{as_of}执行进度{rate:pct}，低于序时进度{schedule:pct}共{gap:.1f}个百分点"
             "（调整预算{budget:wan}，已支出{spent:wan}）"),
    message_en=("{name}: execution {rate:pct} as of {as_of}, {gap:.1f} points below the time schedule "
                "{schedule:pct} (adjusted budget {budget:wan}, spent {spent:wan})"),
)

OVER_BUDGET = Rule(
    id="OVER_BUDGET",
    title_cn="超预算支出",
    title_en="Spending above the budget line",
    entity_type="budget_line",
    severity="high",
    params=(
        Param("min_excess", 0, "超出调整预算的金额（元）大于此数才预警；0 表示超出即预警",
              "fires when payments exceed the adjusted budget by more than this (yuan); 0 = any excess"),
    ),
    doc="""A budget line of the year (key dept_code|func_code|econ_code|fund_type) whose
payments in the year up to the as-of date, net of refunds, exceed its adjusted budget by
more than `min_excess` (default 0: any excess; spending exactly the budget does not fire).
A payment is charged to the most specific line of its own unit and fund type whose function
and economic codes equal the payment's or are a higher level of them (line 20502 covers
payment 2050202; when 20502 and 2050202 both exist, 2050202 takes the payment). Amount:
the excess.""",
    sql=f"""
WITH {BUDGET_MATCH}, {UNIT_NAMES},
charged AS (
    SELECT m.dept_code, m.line_func AS func_code, m.line_econ AS econ_code, m.fund_type,
           sum(c.spent) AS spent, sum(c.n) AS n
    FROM matched m JOIN combos c USING (dept_code, func_code, econ_code, fund_type)
    GROUP BY ALL)
SELECT concat_ws('|', l.dept_code, l.func_code, l.econ_code, l.fund_type) AS entity_key,
       l.dept_code, coalesce(nm.dept_name, l.dept_code) AS name,
       l.func_code, l.econ_code, l.fund_type, l.budget, c.spent, c.n,
       c.spent - l.budget AS amount,
       CAST(to_json({{line: {{dept_code: l.dept_code, func_code: l.func_code,
                             econ_code: l.econ_code, fund_type: l.fund_type}},
                      year: $year, as_of: $as_of}}) AS VARCHAR) AS evidence
FROM lines l JOIN charged c USING (dept_code, func_code, econ_code, fund_type)
LEFT JOIN names nm ON nm.dept_code = l.dept_code
WHERE c.spent - l.budget > $min_excess
""",
    message=("{name}预算指标（功能科目{func_code}、经济科目{econ_code}、{fund_type}）截至{as_of}"
             "支出{spent:wan}，超过调整预算{budget:wan}共{amount:wan}"),
    message_en=("{name}: the budget line (function {func_code}, economic {econ_code}, {fund_type:word}) spent "
                "{spent:wan} as of {as_of}, {amount:wan} above its adjusted budget {budget:wan}"),
)

NO_BUDGET = Rule(
    id="NO_BUDGET",
    title_cn="无预算支出",
    title_en="Payment without a budget line",
    entity_type="payment",
    severity="high",
    params=(
        Param("min_amount", 0, "只检查金额（绝对值）不低于此数（元）的支付",
              "only payments whose absolute amount is at least this (yuan)"),
    ),
    doc="""A payment of the year up to the as-of date that no budget line of the year
covers: no line of the same unit and fund type whose function and economic codes equal the
payment's or are a higher level of them (see OVER_BUDGET). Refunds are flagged like any
payment. When the budget feed holds no line at all for the year the rule stays silent
(otherwise every payment would fire before the budget is loaded). Amount: the payment.""",
    sql=f"""
WITH {BUDGET_MATCH}, {UNIT_NAMES},
orphan AS (
    SELECT c.dept_code, c.func_code, c.econ_code, c.fund_type
    FROM combos c ANTI JOIN matched m USING (dept_code, func_code, econ_code, fund_type)
    WHERE EXISTS (SELECT 1 FROM lines))
SELECT p.voucher_no AS entity_key, p.dept_code, coalesce(nm.dept_name, p.dept_code) AS name,
       p.pay_date, p.payee, p.func_code, p.econ_code, p.fund_type, p.amount,
       CAST(to_json({{vouchers: [p.voucher_no]}}) AS VARCHAR) AS evidence
FROM payments p JOIN orphan o USING (dept_code, func_code, econ_code, fund_type)
LEFT JOIN names nm ON nm.dept_code = p.dept_code
WHERE p.pay_date BETWEEN $year_start AND $as_of AND abs(p.amount) >= $min_amount
""",
    message=("{name}于{pay_date}向{payee}支付{amount:wan}（凭证{entity_key}，功能科目{func_code}、"
             "经济科目{econ_code}、{fund_type}），{year}年预算中没有对应指标"),
    message_en=("{name} paid {amount:wan} to {payee} on {pay_date} (voucher {entity_key}, function {func_code}, "
                "economic {econ_code}, {fund_type:word}); no budget line of {year} covers it"),
)


def _rush_message(row: Mapping[str, Any]) -> str:
    head = (f"{row['name']}{row['year']}年12月支出{fmt_wan(row['dec'])}，"
            f"占全年支出{fmt_wan(row['annual'])}的{float(row['share']) * 100:.1f}%，")
    if row.get("times") is None or row["times"] != row["times"]:
        return head + "而1—11月没有净支出"
    return head + f"是1—11月月均支出{fmt_wan(row['mean'])}的{float(row['times']):.1f}倍"


def _rush_message_en(row: Mapping[str, Any]) -> str:
    head = (f"{row['name']} spent {fmt_wan_en(row['dec'])} in December {row['year']}, "
            f"{float(row['share']) * 100:.1f}% of the year's {fmt_wan_en(row['annual'])}")
    if row.get("times") is None or row["times"] != row["times"]:
        return head + ", with no net spending in January–November"
    return head + f", {float(row['times']):.1f} times the January–November monthly mean of {fmt_wan_en(row['mean'])}"


YEAR_END_RUSH = Rule(
    id="YEAR_END_RUSH",
    title_cn="年底突击花钱",
    title_en="Year-end spending rush",
    entity_type="unit",
    severity="medium",
    params=(
        Param("min_annual", 1_000_000, "全年支出不低于此数（元）的单位才检查",
              "only units whose spending in the year is at least this (yuan)"),
        Param("min_dec_share_pct", 25.0, "12月支出占全年支出的比例超过此百分比",
              "December is more than this percentage of the year's spending"),
        Param("min_dec_to_mean", 2.5, "且12月支出超过1—11月月均支出的此倍数",
              "and December is more than this multiple of the January–November monthly mean"),
    ),
    doc="""Only when the as-of date is in December. A unit (any dept_code, not rolled up)
whose net spending in the year up to the as-of date is at least `min_annual`, whose December
spending is more than `min_dec_share_pct`% of it, and more than `min_dec_to_mean` × the mean
of January–November (their total ÷ 11: months without payments count as zero). A unit with
no January–November spending and December spending fires on the multiple. Amount: December
spending.""",
    sql=f"""
WITH {UNIT_NAMES},
m AS (
    SELECT dept_code, sum(amount) AS annual,
           coalesce(sum(amount) FILTER (WHERE month(pay_date) = 12), 0) AS dec,
           coalesce(sum(amount) FILTER (WHERE month(pay_date) < 12), 0) AS jan_nov
    FROM payments
    WHERE pay_date BETWEEN $year_start AND $as_of AND month($as_of) = 12
    GROUP BY dept_code)
SELECT m.dept_code AS entity_key, m.dept_code, coalesce(nm.dept_name, m.dept_code) AS name,
       m.annual, m.dec, m.jan_nov, m.dec AS amount,
       CAST(m.jan_nov AS DOUBLE) / 11 AS mean,
       CAST(m.dec AS DOUBLE) / CAST(m.annual AS DOUBLE) AS share,
       CASE WHEN m.jan_nov > 0 THEN CAST(m.dec AS DOUBLE) * 11 / CAST(m.jan_nov AS DOUBLE) END AS times,
       CAST(to_json({{dept_code: m.dept_code, series: 'monthly', year: $year}}) AS VARCHAR) AS evidence
FROM m LEFT JOIN names nm ON nm.dept_code = m.dept_code
WHERE m.annual >= $min_annual AND m.annual > 0
  AND m.dec * 100 > m.annual * $min_dec_share_pct
  AND m.dec * 11 > m.jan_nov * $min_dec_to_mean
""",
    message=_rush_message,
    message_en=_rush_message_en,
)
