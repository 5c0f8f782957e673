"""Audit rectification (审计整改): overdue, repeated and hollow rectification."""
from __future__ import annotations

from budgetwatch.queries.rules.base import UNIT_NAMES, Param, Rule, fmt_wan_en

# Findings of audit years up to the flags' year, with the status in one spelling
# (the feed allows 已整改 / 部分整改 / 未整改 or rectified / partial / open).
# Findings as they stood at the audit as-of date: a rectification dated after it was not yet
# known then, so such a finding counts as 未整改 with nothing rectified (and no date).
FINDINGS = f"""
{UNIT_NAMES},
f AS (
    SELECT a.finding_id, a.audit_year, a.audit_project, a.dept_code, a.category, a.description,
           a.amount_involved, a.deadline, a.status,
           CASE WHEN a.rectified_date > $audit_as_of THEN 0 ELSE a.amount_rectified END AS amount_rectified,
           CASE WHEN a.rectified_date > $audit_as_of THEN NULL ELSE a.rectified_date END AS rectified_date,
           coalesce(nm.dept_name, a.dept_code) AS name,
           CASE WHEN a.rectified_date > $audit_as_of THEN '未整改'
                WHEN lower(trim(a.status)) IN ('已整改', 'rectified') THEN '已整改'
                WHEN lower(trim(a.status)) IN ('部分整改', 'partial') THEN '部分整改'
                WHEN lower(trim(a.status)) IN ('未整改', 'open') THEN '未整改' END AS status_cn
    FROM audit_findings a LEFT JOIN names nm ON nm.dept_code = a.dept_code
    WHERE a.audit_year <= $year)
"""

AUDIT_OVERDUE = Rule(
    id="AUDIT_OVERDUE",
    title_cn="审计整改逾期",
    title_en="Audit rectification overdue",
    entity_type="finding",
    severity="medium",
    scope="audit",
    params=(
        Param("grace_days", 0, "超过整改期限此天数以上才预警；0 表示期限一过即预警",
              "fires when the deadline passed more than this many days before the as-of date; 0 = any"),
        Param("high_days", 90, "逾期超过此天数为红色（高）预警",
              "high severity when overdue by more than this many days"),
    ),
    doc="""A finding of an audit year up to the flags' year, marked 部分整改 or 未整改
(partial / open), whose deadline lies before the as-of date (the as-of date of the flags,
or today when the year has no payments and no date was given): overdue days = as-of date −
deadline > `grace_days` (on the deadline itself it is not overdue). High beyond
`high_days` days. The same finding is flagged under each year it is checked for; its
review belongs to that year. Amount: the amount involved.""",
    sql=f"""
WITH {FINDINGS}
SELECT finding_id AS entity_key, dept_code, name, category, audit_year, deadline,
       status_cn AS status, amount_involved AS amount, amount_rectified AS rectified,
       date_diff('day', deadline, $audit_as_of) AS days,
       CASE WHEN date_diff('day', deadline, $audit_as_of) > $high_days THEN 'high'
            ELSE 'medium' END AS severity,
       CAST(to_json({{finding_id: finding_id}}) AS VARCHAR) AS evidence
FROM f
WHERE status_cn IN ('部分整改', '未整改')
  AND date_diff('day', deadline, $audit_as_of) > $grace_days
  AND deadline < $audit_as_of
""",
    message=("{name}“{category}”问题（{entity_key}，{audit_year}年审计）整改期限{deadline}，"
             "截至{audit_as_of}已逾期{days}天，状态为{status}（涉及金额{amount:wan}，"
             "已整改{rectified:wan}）"),
    message_en=("{name}: the \"{category}\" finding ({entity_key}, audit of {audit_year}) was due for rectification "
                "on {deadline} and is {days} days overdue as of {audit_as_of}, {status:word} (amount involved "
                "{amount:wan}, rectified {rectified:wan})"),
)

AUDIT_REPEAT = Rule(
    id="AUDIT_REPEAT",
    title_cn="屡审屡犯",
    title_en="Same problem audit after audit",
    entity_type="unit_category",
    severity="medium",
    scope="year",
    params=(
        Param("min_years", 2, "同一单位同一类别的问题在至少此数个审计年度被查出时预警",
              "fires when one unit has findings of one category in at least this many audit years"),
        Param("within_years", 0, "只看最近此数个审计年度（截至本年）；0 表示全部年度",
              "only the last this-many audit years up to the flags' year; 0 = all years"),
    ),
    doc="""Findings of one unit (exact dept_code, not rolled up) in one category (exact
text), audit years up to the flags' year (or only the last `within_years` of them), found
in at least `min_years` distinct audit years, whatever their rectification status. Several
findings of one audit year count as one year. Amount: the total amount involved.""",
    sql=f"""
WITH {FINDINGS}
SELECT concat_ws('|', dept_code, category) AS entity_key, dept_code, any_value(name) AS name,
       category, count(*) AS n, count(DISTINCT audit_year) AS years,
       array_to_string(list_sort(list(DISTINCT CAST(audit_year AS VARCHAR))), '、') AS years_text,
       sum(amount_involved) AS amount,
       CAST(to_json({{dept_code: dept_code, category: category,
                      finding_ids: list_transform(list_sort(list(struct_pack(y := audit_year, f := finding_id))),
                                                  lambda e: e.f)}}) AS VARCHAR) AS evidence
FROM f
WHERE $within_years = 0 OR audit_year > $year - $within_years
GROUP BY dept_code, category
HAVING count(DISTINCT audit_year) >= $min_years
""",
    message=("{name}“{category}”类问题在{years_text}年共{years}个审计年度均被查出（屡审屡犯），"
             "共{n}个问题，涉及金额{amount:wan}"),
    message_en=lambda r: (f"{r['name']}: \"{r['category']}\" findings in {r['years']} audit years "
                          f"({str(r['years_text']).replace('、', ', ')}), a repeated problem: {r['n']} findings, "
                          f"amount involved {fmt_wan_en(r['amount'])}"),
)

AUDIT_HOLLOW = Rule(
    id="AUDIT_HOLLOW",
    title_cn="虚假整改",
    title_en="Rectification claimed but not real",
    entity_type="finding",
    severity="medium",
    scope="year",
    params=(
        Param("min_rectified_pct", 50.0, "标为已整改但已整改金额低于涉及金额的此百分比时预警",
              "fires when marked rectified but the amount rectified is below this percentage of the amount involved"),
    ),
    doc="""A finding of an audit year up to the flags' year marked 已整改 (rectified) whose
amount rectified is below `min_rectified_pct`% of the amount involved (exactly half does not
fire). Findings with no amount involved are not rated. Amount: the amount not rectified
(involved − rectified).""",
    sql=f"""
WITH {FINDINGS}
SELECT finding_id AS entity_key, dept_code, name, category, audit_year,
       amount_involved AS involved, amount_rectified AS rectified,
       amount_involved - amount_rectified AS amount,
       CAST(amount_rectified AS DOUBLE) / CAST(amount_involved AS DOUBLE) AS share,
       CAST(to_json({{finding_id: finding_id}}) AS VARCHAR) AS evidence
FROM f
WHERE status_cn = '已整改' AND amount_involved > 0
  AND amount_rectified * 100 < amount_involved * $min_rectified_pct
""",
    message=("{name}“{category}”问题（{entity_key}，{audit_year}年审计）标为已整改，但已整改金额"
             "{rectified:wan}仅为涉及金额{involved:wan}的{share:pct}，低于{min_rectified_pct:g}%"),
    message_en=("{name}: the \"{category}\" finding ({entity_key}, audit of {audit_year}) is marked rectified, but "
                "{rectified:wan} rectified is only {share:pct} of the {involved:wan} involved, below {min_rectified_pct:g}%"),
)
