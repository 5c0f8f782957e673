"""Statistical screens over all payments: extreme amounts, Benford's law."""
from __future__ import annotations

from budgetwatch.queries.rules.base import UNIT_NAMES, Param, Rule

AMOUNT_OUTLIER = Rule(
    id="AMOUNT_OUTLIER",
    title_cn="支付金额异常",
    title_en="Extreme payment amount",
    entity_type="payment",
    severity="medium",
    params=(
        Param("max_z", 4.5, "稳健Z值（对数金额）超过此数时预警",
              "fires when the robust z-score of ln(amount) is above this"),
        Param("min_count", 30, "该经济科目当年至少有此笔正数支付才检验",
              "only economic codes with at least this many positive payments in the year"),
    ),
    doc="""For each economic code (exact code) with at least `min_count` positive payments in
the year up to the as-of date: x = ln(amount), median m, MAD = median of |x − m|, robust
z = 0.6745 × (x − m) ÷ MAD. A payment fires when z is above `max_z`: only the upper tail
(unusually large amounts); a very small payment is not a concern here. A code whose MAD is
zero (at least half its payments have the same amount) is not tested, since z is undefined.
Medians are interpolated (the mean of the two middle values for an even count). Amount: the
payment.""",
    sql=f"""
WITH {UNIT_NAMES},
p AS (
    SELECT voucher_no, pay_date, dept_code, econ_code, payee, amount,
           ln(CAST(amount AS DOUBLE)) AS x
    FROM payments WHERE pay_date BETWEEN $year_start AND $as_of AND amount > 0),
m AS (
    SELECT econ_code, median(x) AS med, count(*) AS n FROM p
    GROUP BY econ_code HAVING count(*) >= $min_count),
d AS (
    SELECT p.econ_code, median(abs(p.x - m.med)) AS mad
    FROM p JOIN m USING (econ_code) GROUP BY p.econ_code),
z AS (
    SELECT p.*, m.med, m.n, d.mad, 0.6745 * (p.x - m.med) / d.mad AS z
    FROM p JOIN m USING (econ_code) JOIN d USING (econ_code)
    WHERE d.mad > 0)
SELECT z.voucher_no AS entity_key, z.dept_code, coalesce(nm.dept_name, z.dept_code) AS name,
       z.pay_date, z.payee, z.econ_code, z.amount, z.n, z.z, exp(z.med) AS median_amount,
       CAST(to_json({{vouchers: [z.voucher_no], econ_code: z.econ_code, year: $year,
                      as_of: $as_of}}) AS VARCHAR) AS evidence
FROM z LEFT JOIN names nm ON nm.dept_code = z.dept_code
WHERE z.z > $max_z
""",
    message=("{name}于{pay_date}向{payee}支付{amount:wan}（凭证{entity_key}），在经济科目{econ_code}"
             "当年{n}笔支付中异常偏大：稳健Z值{z:.2f}，高于{max_z:g}（该科目支付金额中位数"
             "{median_amount:wan}）"),
    message_en=("{name} paid {amount:wan} to {payee} on {pay_date} (voucher {entity_key}), extreme among {n} payments "
                "of economic code {econ_code} in the year: robust z-score {z:.2f}, above {max_z:g} (median payment "
                "of the code {median_amount:wan})"),
)

BENFORD = Rule(
    id="BENFORD",
    title_cn="首位数字分布异常（本福特定律）",
    title_en="First digits depart from Benford's law",
    entity_type="unit",
    severity="low",
    params=(
        Param("max_mad", 0.015, "各首位数字实际占比与本福特理论占比之差的绝对值的平均数超过此数时预警",
              "fires when the mean absolute deviation of first-digit shares from Benford's law is above this"),
        Param("min_count", 1000, "单位当年至少有此笔正数支付才检验",
              "only units with at least this many positive payments in the year"),
    ),
    doc="""A unit (any dept_code) with at least `min_count` positive payments in the year up
to the as-of date (999 are not tested). The first digit is the first significant digit of
the amount in yuan (0.50 → 5). For d = 1…9, observed share = count of d ÷ count of
payments; the mean over the nine digits of |observed − log10(1 + 1/d)| above `max_mad`
fires. The message names the digit that departs most. Amount: the unit's positive payments
in the period.""",
    sql=f"""
WITH {UNIT_NAMES},
p AS (
    SELECT dept_code, amount,
           CAST(left(CAST(CAST(amount * 100 AS BIGINT) AS VARCHAR), 1) AS INTEGER) AS digit
    FROM payments WHERE pay_date BETWEEN $year_start AND $as_of AND amount > 0),
u AS (
    SELECT dept_code, count(*) AS n, sum(amount) AS total FROM p
    GROUP BY dept_code HAVING count(*) >= $min_count),
c AS (
    SELECT p.dept_code, p.digit, count(*) AS k FROM p SEMI JOIN u ON u.dept_code = p.dept_code
    GROUP BY ALL),
digits AS (SELECT digit FROM (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS t(digit)),
dev AS (
    SELECT u.dept_code, u.n, u.total, d.digit,
           coalesce(c.k, 0) / u.n AS obs, log10(1 + 1 / d.digit) AS expected
    FROM u CROSS JOIN digits d
    LEFT JOIN c ON c.dept_code = u.dept_code AND c.digit = d.digit),
score AS (
    SELECT dept_code, any_value(n) AS n, any_value(total) AS total,
           avg(abs(obs - expected)) AS mad,
           arg_max(digit, abs(obs - expected)) AS worst_digit,
           arg_max(obs, abs(obs - expected)) AS worst_obs,
           arg_max(expected, abs(obs - expected)) AS worst_expected
    FROM dev GROUP BY dept_code)
SELECT s.dept_code AS entity_key, s.dept_code, coalesce(nm.dept_name, s.dept_code) AS name,
       s.n, s.total AS amount, s.mad, s.worst_digit, s.worst_obs, s.worst_expected,
       CAST(to_json({{dept_code: s.dept_code, series: 'first_digit', year: $year, as_of: $as_of}})
            AS VARCHAR) AS evidence
FROM score s LEFT JOIN names nm ON nm.dept_code = s.dept_code
WHERE s.mad > $max_mad
""",
    message=("{name}{year}年{n}笔支付的首位数字分布偏离本福特定律：平均绝对偏差{mad:.4f}，高于{max_mad:g}；"
             "偏离最大的是首位数字{worst_digit}（实际{worst_obs:pct}，理论{worst_expected:pct}）"),
    message_en=("{name}: the first digits of {n} payments in {year} depart from Benford's law: mean absolute "
                "deviation {mad:.4f}, above {max_mad:g}; digit {worst_digit} departs most (observed {worst_obs:pct}, "
                "expected {worst_expected:pct})"),
)
