"""Deputies' suggestions (代表建议办理): late replies, unanswered discontent, broken promises,
self-rated satisfaction and units whose deputies are not satisfied.

Like the audit rules they look at handling rows (one per suggestion and unit) of suggestion
years up to the flags' year against the audit as-of date (the given date, else the year's
latest payment, else today): a suggestion of last year still unanswered is still late.
Months are calendar months, clamped to the month's end as a person counts (31 May + 3 months
= 31 August, 30 November + 3 months = 28 February): what DuckDB's ``date + to_months(n)`` and
Spark's ``add_months`` do, written in a form both engines read (``DEADLINE_SQL``).
"""
from __future__ import annotations

from budgetwatch.queries.rules.base import UNIT_NAMES, Param, Rule, en_word, iso

# Handling rows of suggestion years up to the flags' year, with the unit's name.
ROWS = f"""
{UNIT_NAMES},
s AS (
    SELECT g.*, coalesce(nm.dept_name, g.dept_code) AS name
    FROM suggestions g LEFT JOIN names nm ON nm.dept_code = g.dept_code
    WHERE g.year <= $year)
"""

# The reply deadline of a handling row: an approved extension, else the statutory months
# after assignment (a co-handler gives its views to the main unit within co_months).
# Written without DuckDB's ``to_months`` so that Spark reads the same text (queries/spark.py):
# the month index m = year × 12 + month − 1 + n, its first day, then the same day of the month
# or the month's last day when that month is shorter — exactly ``date + to_months(n)``.
_MONTHS = "(CASE WHEN role = '协办' THEN $co_months ELSE $main_months END)"
_INDEX = f"(year(assigned_date) * 12 + month(assigned_date) - 1 + {_MONTHS})"
_FIRST = f"make_date(CAST(floor({_INDEX} / 12) AS INTEGER), CAST({_INDEX} % 12 + 1 AS INTEGER), 1)"
DEADLINE_SQL = f"coalesce(extended_to, least({_FIRST} + CAST(day(assigned_date) - 1 AS INTEGER), last_day({_FIRST})))"

_EVIDENCE = "CAST(to_json({suggestion_no: suggestion_no, dept_code: dept_code}) AS VARCHAR) AS evidence"

SUGGESTION_OVERDUE = Rule(
    id="SUGGESTION_OVERDUE",
    title_cn="建议答复逾期",
    title_en="Suggestion reply overdue",
    entity_type="suggestion",
    severity="medium",
    scope="audit",
    params=(
        Param("main_months", 3, "主办、分办单位自交办之日起答复期限（月）",
              "reply deadline of a main or separately handling unit, in calendar months after assignment"),
        Param("co_months", 1, "协办单位自交办之日起向主办单位提出协办意见的期限（月）",
              "deadline of a co-handling unit's views to the main unit, in calendar months after assignment"),
        Param("high_days", 90, "超过期限此天数以上为红色（高）预警",
              "high severity when more than this many days past the deadline"),
    ),
    doc="""A handling row of a suggestion year up to the flags' year with no reply dated on or
before the as-of date (replied_date empty or later), when the as-of date is after its
deadline: `extended_to` when an extension was approved, else assigned_date plus
`co_months` calendar months for 协办 and `main_months` for 主办 and 分办 (a month-end date
stays at the month's end: 31 May + 3 months = 31 August, 30 November + 3 months = 28
February). A reply on the deadline itself is on time; on the deadline the row is not yet
overdue. High when more than `high_days` days past the deadline. Amount: 0.""",
    sql=f"""
WITH {ROWS},
d AS (SELECT *, {DEADLINE_SQL} AS deadline FROM s)
SELECT suggestion_no || '|' || dept_code AS entity_key, dept_code, name, suggestion_no, title, role,
       lead_deputy, deadline, 0 AS amount,
       CASE WHEN role = '协办' THEN '协办意见' ELSE '答复' END AS what,
       CASE WHEN role = '协办' THEN '未提出协办意见' ELSE '未答复' END AS missing,
       CASE WHEN extended_to IS NOT NULL THEN '（已批准延期）' ELSE '' END AS extended,
       date_diff('day', deadline, $audit_as_of) AS days,
       CASE WHEN date_diff('day', deadline, $audit_as_of) > $high_days THEN 'high' ELSE 'medium' END AS severity,
       {_EVIDENCE}
FROM d
WHERE (replied_date IS NULL OR replied_date > $audit_as_of) AND deadline < $audit_as_of
""",
    message=("{name}（{role}）办理{lead_deputy}代表领衔的建议{suggestion_no}“{title}”，{what}期限{deadline}"
             "{extended}，截至{audit_as_of}已逾期{days}天{missing}"),
    message_en=lambda r: (f"{r['name']} ({en_word(r['role'])}) handles suggestion {r['suggestion_no']} \"{r['title']}\" "
                          f"led by deputy {r['lead_deputy']}: its "
                          + ("co-handling opinion" if r['role'] == '协办' else "reply")
                          + f" was due on {iso(r['deadline'])}"
                          + (" (extension approved)" if r.get('extended') else "")
                          + f" and is {r['days']} days overdue as of {iso(r['audit_as_of'])}, "
                          + ("no co-handling opinion given" if r['role'] == '协办' else "no reply yet")),
)

SUGGESTION_UNSATISFIED = Rule(
    id="SUGGESTION_UNSATISFIED",
    title_cn="代表不满意未再次答复",
    title_en="Deputy unsatisfied, no second reply",
    entity_type="suggestion",
    severity="medium",
    scope="audit",
    params=(
        Param("wait_days", 30, "代表测评不满意后超过此天数仍未再次答复时预警",
              "fires when more than this many days after an unsatisfied rating there is no second reply"),
    ),
    doc="""A handling row rated 不满意 (unsatisfied) with no second reply dated on or before
the as-of date, when the as-of date is more than `wait_days` days after rated_date (after
replied_date when rated_date is empty). Exactly `wait_days` days does not fire. Amount: 0.""",
    sql=f"""
WITH {ROWS}
SELECT suggestion_no || '|' || dept_code AS entity_key, dept_code, name, suggestion_no, title, role,
       lead_deputy, coalesce(rated_date, replied_date) AS rated, 0 AS amount,
       date_diff('day', coalesce(rated_date, replied_date), $audit_as_of) AS days,
       {_EVIDENCE}
FROM s
WHERE satisfaction = '不满意'
  AND (second_reply_date IS NULL OR second_reply_date > $audit_as_of)
  AND date_diff('day', coalesce(rated_date, replied_date), $audit_as_of) > $wait_days
""",
    message=("{lead_deputy}代表对{name}（{role}）办理的建议{suggestion_no}“{title}”测评不满意（{rated}），"
             "截至{audit_as_of}已{days}天未再次答复"),
    message_en=("Deputy {lead_deputy} rated the handling of suggestion {suggestion_no} \"{title}\" by {name} "
                "({role:word}) dissatisfied ({rated}); no second reply in {days} days as of {audit_as_of}"),
)

SUGGESTION_PROMISE_DUE = Rule(
    id="SUGGESTION_PROMISE_DUE",
    title_cn="B类答复承诺到期未办结",
    title_en="B-class promise due, not delivered",
    entity_type="suggestion",
    severity="medium",
    scope="audit",
    params=(
        Param("grace_days", 0, "承诺办结日期过后超过此天数仍未办结时预警；0 表示一过期即预警",
              "fires when the promised date passed more than this many days before the as-of date; 0 = any"),
    ),
    doc="""A handling row replied as class B (正在解决或列入计划: being solved or planned)
whose promised_date lies before the as-of date by more than `grace_days` days, and which is
not closed on or before the as-of date (closed_date empty or later). On the promised date
itself it does not fire. Amount: 0.""",
    sql=f"""
WITH {ROWS}
SELECT suggestion_no || '|' || dept_code AS entity_key, dept_code, name, suggestion_no, title, role,
       lead_deputy, promised_date, replied_date, 0 AS amount,
       date_diff('day', promised_date, $audit_as_of) AS days,
       {_EVIDENCE}
FROM s
WHERE reply_class = 'B' AND promised_date < $audit_as_of
  AND date_diff('day', promised_date, $audit_as_of) > $grace_days
  AND (closed_date IS NULL OR closed_date > $audit_as_of)
""",
    message=("{name}（{role}）对{lead_deputy}代表领衔的建议{suggestion_no}“{title}”答复为B类（正在解决或列入计划），"
             "承诺{promised_date}前办结，截至{audit_as_of}已过期{days}天仍未办结"),
    message_en=("{name} ({role:word}) replied class B (being solved or planned) to suggestion {suggestion_no} \"{title}\" "
                "led by deputy {lead_deputy}, promising to close it by {promised_date}; {days} days past that as of "
                "{audit_as_of}, it is still not closed"),
)

SUGGESTION_PROXY_RATED = Rule(
    id="SUGGESTION_PROXY_RATED",
    title_cn="满意度由承办单位代填",
    title_en="Satisfaction filled in by the handling unit",
    entity_type="suggestion",
    severity="low",
    scope="audit",
    params=(),
    doc="""A handling row of a suggestion year up to the flags' year with a satisfaction rating
whose rating_source is 承办单位代填: the unit rated its own reply (被满意) instead of the
deputy. Amount: 0.""",
    sql=f"""
WITH {ROWS}
SELECT suggestion_no || '|' || dept_code AS entity_key, dept_code, name, suggestion_no, title, role,
       lead_deputy, satisfaction, 0 AS amount, {_EVIDENCE}
FROM s
WHERE satisfaction IS NOT NULL AND rating_source = '承办单位代填'
""",
    message=("{name}（{role}）办理的建议{suggestion_no}“{title}”满意度“{satisfaction}”由承办单位代填，"
             "不是{lead_deputy}代表本人测评"),
    message_en=("{name} ({role:word}) filled in the satisfaction \"{satisfaction:word}\" of suggestion {suggestion_no} "
                "\"{title}\" itself, not deputy {lead_deputy}"),
)

SUGGESTION_UNIT_SATISFACTION = Rule(
    id="SUGGESTION_UNIT_SATISFACTION",
    title_cn="承办单位满意率偏低",
    title_en="Handling unit's satisfaction rate low",
    entity_type="unit",
    severity="low",
    scope="audit",
    params=(
        Param("min_rated", 5, "本年作为主办单位至少有此数件已测评建议才评价",
              "a unit is judged only with at least this many rated rows as main unit in the year"),
        Param("min_satisfied_pct", 98.0, "满意和基本满意占已测评件数低于此百分比时预警",
              "fires when rows rated satisfied or basically satisfied are below this percentage of rated rows"),
    ),
    doc="""A unit with at least `min_rated` rows as 主办 (main unit) among suggestions of the
flags' year that carry a satisfaction rating, of which less than `min_satisfied_pct`% are
rated 满意 or 基本满意 (exactly the percentage does not fire). Ratings filled in by the
unit count as given (SUGGESTION_PROXY_RATED speaks for them). Amount: 0.""",
    sql=f"""
WITH {ROWS}
SELECT dept_code AS entity_key, dept_code, any_value(name) AS name, count(*) AS n,
       count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意')) AS ok,
       count(*) FILTER (WHERE satisfaction = '不满意') AS bad,
       count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意')) / count(*) AS share,
       0 AS amount,
       CAST(to_json({{dept_code: dept_code, year: $year,
                      suggestion_nos: list_sort(list(suggestion_no))}}) AS VARCHAR) AS evidence
FROM s
WHERE year = $year AND role = '主办' AND satisfaction IS NOT NULL
GROUP BY dept_code
HAVING count(*) >= $min_rated
   AND count(*) FILTER (WHERE satisfaction IN ('满意', '基本满意')) * 100 < count(*) * $min_satisfied_pct
""",
    message=("{name}作为主办单位的{year}年建议已测评{n}件，满意和基本满意{ok}件（{share:pct}），"
             "低于{min_satisfied_pct:g}%，不满意{bad}件"),
    message_en=("{name} as lead unit: {n} suggestions of {year} rated, {ok} satisfied or basically satisfied "
                "({share:pct}), below {min_satisfied_pct:g}%; {bad} dissatisfied"),
)

RULES = (SUGGESTION_OVERDUE, SUGGESTION_UNSATISFIED, SUGGESTION_PROMISE_DUE, SUGGESTION_PROXY_RATED,
         SUGGESTION_UNIT_SATISFACTION)
