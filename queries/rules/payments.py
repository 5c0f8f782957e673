"""Single payments and groups of them: duplicates, split payments, 三公经费 growth."""
from __future__ import annotations

import datetime as dt

from budgetwatch.queries.rules.base import UNIT_NAMES, Param, Rule, fmt_wan_en, iso


def _days_between(earlier, later) -> int:
    return (dt.date.fromisoformat(iso(later)) - dt.date.fromisoformat(iso(earlier))).days


DUPLICATE_PAYMENT = Rule(
    id="DUPLICATE_PAYMENT",
    title_cn="疑似重复支付",
    title_en="Possible duplicate payment",
    entity_type="payment",
    severity="high",
    params=(
        Param("max_days", 3, "同一单位向同一收款人支付相同金额，与前一笔相隔不超过此天数（含当天）",
              "same unit, payee and amount within this many days of the previous one (0 = same day)"),
        Param("min_amount", 0, "只检查金额不低于此数（元）的支付",
              "only payments of at least this amount (yuan)"),
    ),
    doc="""Within one unit (dept_code), one payee (exact text) and one amount, payments of
the year up to the as-of date are ordered by date, then voucher number; a payment is flagged
when the previous one in that order lies 0 to `max_days` days before it (both ends count).
Every payment of such a run but the first is flagged, each pointing at the one before it.
Only positive amounts are considered (refunds and reversals are not duplicates); a payment
of the same amount a month later (monthly rent) is not a duplicate. Amount: the payment.""",
    sql=f"""
WITH {UNIT_NAMES},
pay AS (
    SELECT voucher_no, pay_date, dept_code, payee, amount,
           hash(dept_code, payee, amount) AS h
    FROM payments
    WHERE pay_date BETWEEN $year_start AND $as_of AND amount > 0 AND amount >= $min_amount),
twice AS (  -- only (unit, payee, amount) seen twice or more need ordering; grouping on a
            -- hash is faster than on the texts, and a collision only adds a candidate
    SELECT h FROM pay GROUP BY h HAVING count(*) > 1),
seq AS (
    SELECT p.*, lag(p.voucher_no) OVER w AS prev_voucher, lag(p.pay_date) OVER w AS prev_date
    FROM pay p SEMI JOIN twice t ON t.h = p.h
    WINDOW w AS (PARTITION BY p.dept_code, p.payee, p.amount ORDER BY p.pay_date, p.voucher_no))
SELECT s.voucher_no AS entity_key, s.dept_code, coalesce(nm.dept_name, s.dept_code) AS name,
       s.pay_date, s.payee, s.amount, s.prev_voucher, s.prev_date,
       CASE WHEN s.pay_date = s.prev_date THEN '同日'
            ELSE CAST(date_diff('day', s.prev_date, s.pay_date) AS VARCHAR) || '天前' END AS gap_text,
       CAST(to_json({{vouchers: [s.prev_voucher, s.voucher_no]}}) AS VARCHAR) AS evidence
FROM seq s LEFT JOIN names nm ON nm.dept_code = s.dept_code
WHERE s.prev_date IS NOT NULL AND date_diff('day', s.prev_date, s.pay_date) <= $max_days
""",
    message=("{name}于{pay_date}向{payee}支付{amount:wan}（凭证{entity_key}），{gap_text}"
             "（{prev_date}，凭证{prev_voucher}）已向同一收款人支付相同金额，疑似重复支付"),
    message_en=lambda r: (f"{r['name']} paid {fmt_wan_en(r['amount'])} to {r['payee']} on {iso(r['pay_date'])} "
                          f"(voucher {r['entity_key']}) and the same amount to the same payee "
                          + ("the same day" if iso(r['pay_date']) == iso(r['prev_date'])
                             else f"{_days_between(r['prev_date'], r['pay_date'])} days before")
                          + f" ({iso(r['prev_date'])}, voucher {r['prev_voucher']}): a possible duplicate payment"),
)

SPLIT_PAYMENT = Rule(
    id="SPLIT_PAYMENT",
    title_cn="疑似拆分支付",
    title_en="Possible split payment",
    entity_type="payment",
    severity="high",
    params=(
        Param("approval_threshold", 1_000_000, "审批限额（元）：每笔低于此数、合计超过此数",
              "approval threshold (yuan): each payment below it, together above it"),
        Param("min_share_pct", 80.0, "每笔至少为审批限额的此百分比",
              "each payment at least this percentage of the threshold"),
        Param("min_count", 3, "一组至少有此笔数", "at least this many payments in a group"),
        Param("max_span_days", 7, "一组支付的日期跨度不超过此天数",
              "the dates of a group span at most this many days"),
    ),
    doc="""Payments of the year up to the as-of date qualify when their amount is at least
`min_share_pct`% of `approval_threshold` and below it. Groups are formed set-wise: for each
qualifying payment (the anchor), its group is every qualifying payment of the same unit to
the same payee dated from the anchor's date to `max_span_days` days after it (so a group's
dates span at most that many days). A group with at least `min_count` payments whose total
is above the threshold fires, and every payment in it is flagged; a payment in several
groups is reported once, with the group of the earliest anchor as its evidence. Amount: the
payment (so the amounts of a group's flags add up to the group total).""",
    sql=f"""
WITH {UNIT_NAMES},
q AS (
    SELECT voucher_no, pay_date, dept_code, payee, amount FROM payments
    WHERE pay_date BETWEEN $year_start AND $as_of
      AND amount * 100 >= CAST($approval_threshold AS DECIMAL(38,2)) * $min_share_pct
      AND amount < $approval_threshold),
win AS (
    SELECT a.voucher_no AS anchor, a.pay_date AS anchor_date, b.*
    FROM q a JOIN q b
      ON b.dept_code = a.dept_code AND b.payee = a.payee
     AND b.pay_date BETWEEN a.pay_date AND a.pay_date + $max_span_days),
grp AS (
    SELECT anchor, any_value(anchor_date) AS anchor_date, count(*) AS n, sum(amount) AS total,
           min(pay_date) AS first_date, max(pay_date) AS last_date,
           list_transform(list_sort(list(struct_pack(d := pay_date, v := voucher_no))), lambda e: e.v) AS vouchers
    FROM win GROUP BY anchor
    HAVING count(*) >= $min_count AND sum(amount) > $approval_threshold),
member AS (
    SELECT w.voucher_no, arg_min(g.anchor, (g.anchor_date, g.anchor)) AS anchor
    FROM win w JOIN grp g ON g.anchor = w.anchor GROUP BY w.voucher_no)
SELECT q.voucher_no AS entity_key, q.dept_code, coalesce(nm.dept_name, q.dept_code) AS name,
       q.pay_date, q.payee, q.amount, g.n, g.total, g.first_date, g.last_date,
       date_diff('day', g.first_date, g.last_date) AS span,
       CAST($approval_threshold AS DOUBLE) * $min_share_pct / 100 AS low,
       CAST(to_json({{vouchers: g.vouchers}}) AS VARCHAR) AS evidence
FROM member m JOIN q USING (voucher_no) JOIN grp g ON g.anchor = m.anchor
LEFT JOIN names nm ON nm.dept_code = q.dept_code
""",
    message=("{name}在{first_date}至{last_date}（{span}天内）向{payee}支付{n}笔、合计{total:wan}，"
             "每笔在{low:wan}至{approval_threshold:wan}之间，疑似拆分支付规避{approval_threshold:wan}"
             "审批限额（本笔凭证{entity_key}，{amount:wan}）"),
    message_en=("{name} paid {payee} {n} times from {first_date} to {last_date} (within {span} days), "
                "{total:wan} in all, each between {low:wan} and {approval_threshold:wan}: possibly split to "
                "avoid the {approval_threshold:wan} approval threshold (this voucher {entity_key}, {amount:wan})"),
)

SANGONG_GROWTH = Rule(
    id="SANGONG_GROWTH",
    title_cn="三公经费增长过快",
    title_en="Three public expenses (sangong) growing fast",
    entity_type="unit",
    severity="medium",
    params=(
        Param("econ_codes", ["30212", "30217", "30231", "31013"],
              "三公经费的经济分类款级编码：因公出国（境）、公务接待、公务用车运行维护、公务用车购置",
              "economic codes (款, 5 digits) of the three public expenses: travel abroad, "
              "official reception, official car running, official car purchase"),
        Param("min_growth_pct", 20.0, "比上年同期增长超过此百分比",
              "more than this percentage above the same period of the year before"),
        Param("min_increase", 50_000, "且增加额超过此数（元）",
              "and more than this many yuan above it"),
    ),
    doc="""A unit's (any dept_code, not rolled up) payments whose economic code's first five
digits are one of `econ_codes`, in the year up to the as-of date, compared with the same
period of the year before (1 January to the same day a year earlier; 29 February maps to
28 February). Fires when they grew by more than `min_growth_pct`% and by more than
`min_increase` yuan. A unit with no (or no positive net) 三公 spending in that period of the
year before is not flagged. Amount: the increase.""",
    sql=f"""
WITH {UNIT_NAMES},
s AS (
    SELECT dept_code,
           coalesce(sum(amount) FILTER (WHERE pay_date >= $year_start), 0) AS cur,
           coalesce(sum(amount) FILTER (WHERE pay_date <= $prev_as_of), 0) AS prev
    FROM payments
    WHERE pay_date BETWEEN $prev_year_start AND $as_of
      AND (pay_date >= $year_start OR pay_date <= $prev_as_of)
      AND list_contains($econ_codes, left(econ_code, 5))
    GROUP BY dept_code)
SELECT s.dept_code AS entity_key, s.dept_code, coalesce(nm.dept_name, s.dept_code) AS name,
       s.cur, s.prev, s.cur - s.prev AS amount,
       CAST(s.cur - s.prev AS DOUBLE) / CAST(s.prev AS DOUBLE) AS growth,
       CAST(to_json({{dept_code: s.dept_code, econ_codes: $econ_codes, year: $year,
                      as_of: $as_of, compare_from: $prev_year_start, compare_to: $prev_as_of}})
            AS VARCHAR) AS evidence
FROM s LEFT JOIN names nm ON nm.dept_code = s.dept_code
WHERE s.prev > 0 AND s.cur - s.prev > $min_increase
  AND s.cur * 100 > s.prev * (100 + $min_growth_pct)
""",
    message=("{name}截至{as_of}三公经费支出{cur:wan}，比上年同期{prev:wan}增长{growth:pct}"
             "（增加{amount:wan}）"),
    message_en=("{name}: the three public expenses (sangong) were {cur:wan} as of {as_of}, {growth:pct} above "
                "{prev:wan} in the same period of the year before (up {amount:wan})"),
)
