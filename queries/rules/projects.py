"""项目监督: livelihood projects the deputies voted (民生实事) and government investment projects —
behind schedule, not started, overdue, above the approved estimate, silent, paid ahead of the
work, and a vote that was not satisfied.

All seven look at the projects against the as-of date of the flags (as the audit rules do: the
latest payment date of the year, or today when the year has no payments and none was given).
"""
from __future__ import annotations

from budgetwatch.queries.rules.base import UNIT_NAMES, Param, Rule, en_word

# Each project with its lead unit's name and where it stands at the as-of date:
# ``last_*``: its latest report on or before the as-of date (any year); ``finished``: its
# actual_finish is on or before the as-of date, or its latest report says 已完工; ``started``:
# its actual_start is on or before the as-of date, or a report on or before it says 在建, 已完工
# or 停工 (a finished project has started, whatever its dates say).
PROJECT_STATE = f"""
{UNIT_NAMES},
reports AS (SELECT * FROM project_progress WHERE report_date <= $audit_as_of),
latest AS (
    SELECT project_code, report_date AS last_date, year_plan, year_completed, total_completed,
           physical_progress, status AS last_status
    FROM reports
    QUALIFY row_number() OVER (PARTITION BY project_code ORDER BY report_date DESC) = 1),
begun AS (
    SELECT DISTINCT project_code FROM reports WHERE status IN ('在建', '已完工', '停工')),
ps AS (
    SELECT p.*, coalesce(nm.dept_name, p.dept_code) AS unit_name, l.last_date, l.year_plan, l.year_completed,
           l.total_completed, l.physical_progress, l.last_status,
           coalesce(p.actual_finish <= $audit_as_of, false) OR coalesce(l.last_status = '已完工', false) AS finished,
           coalesce(p.actual_start <= $audit_as_of, false) OR b.project_code IS NOT NULL
               OR coalesce(p.actual_finish <= $audit_as_of, false) AS started
    FROM projects p
    LEFT JOIN names nm ON nm.dept_code = p.dept_code
    LEFT JOIN latest l ON l.project_code = p.project_code
    LEFT JOIN begun b ON b.project_code = p.project_code)
"""
_EVIDENCE = "CAST(to_json({project_code: project_code, year: $year}) AS VARCHAR) AS evidence"


PROJECT_LAG = Rule(
    id="PROJECT_LAG",
    title_cn="项目投资进度滞后",
    title_en="Project investment behind schedule",
    entity_type="project",
    severity="medium",
    scope="audit",
    params=(
        Param("max_gap_points", 10.0, "本年完成投资占年度计划的比例低于应完成进度超过此百分点数时预警",
              "fires when the share of the year's plan completed is more than this many points behind the expected share"),
        Param("high_gap_points", 30.0, "落后超过此百分点数时为红色（高）预警",
              "high severity when more than this many points behind"),
        Param("min_days", 60, "截止日期在本年建设期开始后至少此天数才检查",
              "only when the as-of date is at least this many days after the start of the year's window"),
    ),
    doc="""A project not finished at the as-of date whose latest report (on or before the
as-of date) is of the flags' year and has year_plan > 0, and whose rate year_completed ÷
year_plan is more than `max_gap_points` percentage points below the expected share. The
year's window runs from max(planned_start, 1 January) to min(planned_finish, 31 December);
expected share = (as-of − window start + 1 day) ÷ (window end − window start + 1 day), at most
1 (and 1 when planned_finish lies before 1 January: the project should be done). Checked only
when the as-of date is at least `min_days` days after the window start. The comparison is
exact (no rounding): exactly 10 points behind does not fire. High beyond `high_gap_points`.
A project whose latest report is of an earlier year is left to PROJECT_STALE. Amount: expected
share × year_plan − year_completed (the investment behind schedule).""",
    sql=f"""
WITH {PROJECT_STATE},
w AS (
    SELECT *, greatest(planned_start, $year_start) AS ws, least(planned_finish, $year_end) AS we
    FROM ps
    WHERE NOT finished AND year(last_date) = $year AND year_plan > 0),
k AS (   -- expected share = num ÷ den exactly; gap × den × plan = 100 × (num × plan − done × den)
    SELECT *,
           CASE WHEN we < ws THEN 1 ELSE date_diff('day', ws, we) + 1 END AS den,
           CASE WHEN we < ws THEN 1 ELSE least(date_diff('day', ws, $audit_as_of) + 1,
                                               date_diff('day', ws, we) + 1) END AS num
    FROM w
    WHERE date_diff('day', ws, $audit_as_of) >= $min_days),
g AS (
    SELECT *, 100 * (num * CAST(year_plan AS DECIMAL(38,2)) - CAST(year_completed AS DECIMAL(38,2)) * den) AS gap_x,
           den * CAST(year_plan AS DECIMAL(38,2)) AS scale
    FROM k)
SELECT project_code AS entity_key, dept_code, project_name AS name, unit_name, year_plan, year_completed,
       last_date, num / den AS expected,
       CAST(year_completed AS DOUBLE) / CAST(year_plan AS DOUBLE) AS rate,
       CAST(gap_x AS DOUBLE) / CAST(scale AS DOUBLE) AS gap,
       num / den * CAST(year_plan AS DOUBLE) - CAST(year_completed AS DOUBLE) AS amount,
       CASE WHEN gap_x > $high_gap_points * scale THEN 'high' ELSE 'medium' END AS severity,
       {_EVIDENCE}
FROM g
WHERE gap_x > $max_gap_points * scale
""",
    message=("{name}截至{last_date}本年完成投资{year_completed:wan}，为年度计划{year_plan:wan}的{rate:pct}，"
             "落后应完成进度（{expected:pct}）{gap:.1f}个百分点"),
    message_en=("{name}: {year_completed:wan} invested this year as of {last_date}, {rate:pct} of the year's plan "
                "{year_plan:wan}, {gap:.1f} points behind the expected progress ({expected:pct})"),
)

PROJECT_NOT_STARTED = Rule(
    id="PROJECT_NOT_STARTED",
    title_cn="项目未按期开工",
    title_en="Project not started on time",
    entity_type="project",
    severity="medium",
    scope="audit",
    params=(
        Param("grace_days", 30, "计划开工日期已过此天数以上仍未开工时预警",
              "fires when the project has not started more than this many days after its planned start"),
        Param("high_days", 90, "超过此天数为红色（高）预警", "high severity beyond this many days"),
    ),
    doc="""A project not started at the as-of date (no actual_start on or before it, no report on
or before it saying 在建, 已完工 or 停工, not finished) whose planned_start lies more than
`grace_days` days before the as-of date (exactly 30 days late does not fire). High beyond
`high_days` days. Amount: total_investment.""",
    sql=f"""
WITH {PROJECT_STATE}
SELECT project_code AS entity_key, dept_code, project_name AS name, unit_name, planned_start,
       date_diff('day', planned_start, $audit_as_of) AS days, total_investment AS amount,
       coalesce(last_status, '无报送') AS status,
       CASE WHEN date_diff('day', planned_start, $audit_as_of) > $high_days THEN 'high' ELSE 'medium' END AS severity,
       {_EVIDENCE}
FROM ps
WHERE NOT started AND date_diff('day', planned_start, $audit_as_of) > $grace_days
""",
    message=("{name}（{unit_name}牵头）计划{planned_start}开工，截至{audit_as_of}已过{days}天仍未开工"
             "（最新报送状态：{status}；总投资{amount:wan}）"),
    message_en=("{name} (led by {unit_name}) was to start on {planned_start} and has not started {days} days later, "
                "as of {audit_as_of} (latest reported status: {status:word}; total investment {amount:wan})"),
)

PROJECT_OVERDUE = Rule(
    id="PROJECT_OVERDUE",
    title_cn="项目逾期未完工",
    title_en="Project overdue",
    entity_type="project",
    severity="medium",
    scope="audit",
    params=(
        Param("grace_days", 0, "超过计划完工日期此天数以上仍未完工时预警；0 表示期限一过即预警",
              "fires when the project is unfinished more than this many days after its planned finish; 0 = any"),
        Param("high_days", 90, "逾期超过此天数为红色（高）预警", "high severity when overdue by more than this many days"),
    ),
    doc="""A project not finished at the as-of date (no actual_finish on or before it and its
latest report does not say 已完工) whose planned_finish lies more than `grace_days` days before
the as-of date (on the planned finish itself it is not overdue). High beyond `high_days` days
(exactly 90 is medium). Amount: total_investment.""",
    sql=f"""
WITH {PROJECT_STATE}
SELECT project_code AS entity_key, dept_code, project_name AS name, unit_name, planned_finish,
       date_diff('day', planned_finish, $audit_as_of) AS days, total_investment AS amount,
       coalesce(last_status, '无报送') AS status, physical_progress,
       CASE WHEN date_diff('day', planned_finish, $audit_as_of) > $high_days THEN 'high' ELSE 'medium' END AS severity,
       {_EVIDENCE}
FROM ps
WHERE NOT finished AND planned_finish < $audit_as_of
  AND date_diff('day', planned_finish, $audit_as_of) > $grace_days
""",
    message=lambda r: (f"{r['name']}（{r['unit_name']}牵头）计划{_d(r['planned_finish'])}完工，截至{_d(r['audit_as_of'])}"
                       f"已逾期{r['days']}天仍未完工（最新报送状态：{r['status']}"
                       + (f"，形象进度{float(r['physical_progress']):.1f}%" if _given(r.get('physical_progress')) else "")
                       + "）"),
    message_en=lambda r: (f"{r['name']} (led by {r['unit_name']}) was to finish on {_d(r['planned_finish'])} and is "
                          f"{r['days']} days overdue, unfinished, as of {_d(r['audit_as_of'])} (latest reported status: "
                          f"{en_word(r['status'])}"
                          + (f", physical progress {float(r['physical_progress']):.1f}%" if _given(r.get('physical_progress')) else "")
                          + ")"),
)

PROJECT_OVER_ESTIMATE = Rule(
    id="PROJECT_OVER_ESTIMATE",
    title_cn="项目投资超概算",
    title_en="Project above its approved estimate",
    entity_type="project",
    severity="high",
    scope="audit",
    params=(
        Param("min_excess", 0, "超出批复概算的金额（元）大于此数才预警；0 表示超出即预警",
              "fires when the investment exceeds the approved estimate by more than this (yuan); 0 = any excess"),
    ),
    doc="""A project with approved_estimate > 0 whose total_investment, or the total_completed of
its latest report on or before the as-of date, exceeds the approved estimate by more than
`min_excess` yuan (政府投资条例 art. 23: investment above the approved estimate needs the
approving authority's consent). Amount: the larger of the two − approved_estimate.""",
    sql=f"""
WITH {PROJECT_STATE},
o AS (SELECT *, greatest(total_investment, coalesce(total_completed, 0)) AS biggest FROM ps
      WHERE approved_estimate > 0)
SELECT project_code AS entity_key, dept_code, project_name AS name, unit_name, approved_estimate,
       total_investment, total_completed, biggest, biggest - approved_estimate AS amount,
       CASE WHEN coalesce(total_completed, 0) > total_investment THEN '开工以来累计完成投资' ELSE '总投资' END AS what,
       {_EVIDENCE}
FROM o
WHERE biggest - approved_estimate > $min_excess
""",
    message="{name}{what}{biggest:wan}，超过批复概算{approved_estimate:wan}共{amount:wan}（超概算须报原审批部门核定）",
    message_en=("{name}: {what:word} {biggest:wan}, {amount:wan} above the approved estimate {approved_estimate:wan} "
                "(an overrun needs the approving department's consent)"),
)

PROJECT_STALE = Rule(
    id="PROJECT_STALE",
    title_cn="项目进度未按期报送",
    title_en="Project progress not reported",
    entity_type="project",
    severity="low",
    scope="audit",
    params=(
        Param("max_days", 60, "最近一次报送早于截止日期超过此天数时预警（无报送时按计划开工日期算）",
              "fires when the latest report is more than this many days before the as-of date (planned start when there is none)"),
    ),
    doc="""A project not finished at the as-of date, with planned_start on or before it, whose
latest report is dated more than `max_days` days before the as-of date — or, with no report on
or before it, whose planned_start is more than `max_days` days before it (exactly 60 days does
not fire). Amount: total_investment.""",
    sql=f"""
WITH {PROJECT_STATE}
SELECT project_code AS entity_key, dept_code, project_name AS name, unit_name, last_date, planned_start,
       date_diff('day', coalesce(last_date, planned_start), $audit_as_of) AS days, total_investment AS amount,
       {_EVIDENCE}
FROM ps
WHERE NOT finished AND planned_start <= $audit_as_of
  AND date_diff('day', coalesce(last_date, planned_start), $audit_as_of) > $max_days
""",
    message=lambda r: (f"{r['name']}（{r['unit_name']}牵头）"
                       + (f"最近一次进度报送截至{_d(r['last_date'])}" if _given(r.get('last_date'))
                          else f"计划{_d(r['planned_start'])}开工以来从未报送进度")
                       + f"，截至{_d(r['audit_as_of'])}已{r['days']}天未报送"),
    message_en=lambda r: (f"{r['name']} (led by {r['unit_name']}): "
                          + (f"the latest progress report is of {_d(r['last_date'])}" if _given(r.get('last_date'))
                             else f"no progress report since the planned start on {_d(r['planned_start'])}")
                          + f"; none for {r['days']} days as of {_d(r['audit_as_of'])}"),
)

PROJECT_OVERPAID = Rule(
    id="PROJECT_OVERPAID",
    title_cn="项目资金支付超进度",
    title_en="Project paid ahead of the work",
    entity_type="project",
    severity="medium",
    scope="audit",
    params=(
        Param("min_excess_pct", 20.0, "本年支付超过本年完成投资的此百分比以上",
              "payments of the year exceed the investment completed this year by more than this percentage"),
        Param("min_excess", 500_000, "且超出金额大于此数（元）", "and by more than this many yuan"),
    ),
    doc="""Payments charged to the project (payments.project_code, any fund type, dated from
1 January of the flags' year to the as-of date, refunds netted) exceed the year_completed of
its latest report on or before the as-of date by more than `min_excess_pct`% of it and by more
than `min_excess` yuan (both strict). year_completed counts as 0 when that report is not of the
flags' year or there is none. Money paid ahead of the work reported is prepaid, misreported or
diverted. Amount: payments − year_completed.""",
    sql=f"""
WITH {PROJECT_STATE},
paid AS (
    SELECT project_code, sum(amount) AS paid, count(*) AS n FROM payments
    WHERE project_code IS NOT NULL AND pay_date BETWEEN $year_start AND $audit_as_of GROUP BY project_code),
j AS (
    SELECT ps.*, pd.paid, pd.n,
           CASE WHEN year(ps.last_date) = $year THEN ps.year_completed ELSE 0 END AS done
    FROM ps JOIN paid pd USING (project_code))
SELECT project_code AS entity_key, dept_code, project_name AS name, unit_name, paid, n, done,
       paid - done AS amount,
       {_EVIDENCE}
FROM j
WHERE paid * 100 > done * (100 + $min_excess_pct) AND paid - done > $min_excess
""",
    message=("{name}本年已支付{paid:wan}（{n}笔），超过截至{audit_as_of}报送的本年完成投资{done:wan}共{amount:wan}"),
    message_en=("{name}: {paid:wan} paid this year ({n} payments), {amount:wan} above the {done:wan} invested this "
                "year as reported by {audit_as_of}"),
)

LIVELIHOOD_UNSATISFIED = Rule(
    id="LIVELIHOOD_UNSATISFIED",
    title_cn="民生实事满意度测评未达满意",
    title_en="Livelihood project not rated satisfied",
    entity_type="project",
    severity="high",
    scope="year",
    params=(
        Param("majority_pct", 50.0, "满意票超过应到人数的此百分比为满意；满意与基本满意票合计超过为基本满意",
              "满意 when satisfied votes are more than this percentage of the members; 基本满意 when satisfied + basically are"),
    ),
    doc="""The year's satisfaction vote on a project (project_evaluation of the flags' year) is
graded: 满意 when satisfied > members × `majority_pct`% (more than half, strictly: exactly
half is not enough); 基本满意 when not, but satisfied + basically_satisfied is; 不满意
otherwise. Fires on 不满意 (high) and 基本满意 (low). The denominator is the members (应到人数),
not those present. Amount: total_investment.""",
    sql=f"""
WITH {UNIT_NAMES},
e AS (
    SELECT v.*, p.project_name AS name, p.dept_code, coalesce(nm.dept_name, p.dept_code) AS unit_name,
           p.total_investment,
           CASE WHEN v.satisfied * 100 > v.members * $majority_pct THEN '满意'
                WHEN (v.satisfied + v.basically_satisfied) * 100 > v.members * $majority_pct THEN '基本满意'
                ELSE '不满意' END AS grade
    FROM project_evaluation v JOIN projects p USING (project_code)
    LEFT JOIN names nm ON nm.dept_code = p.dept_code
    WHERE v.year = $year)
SELECT project_code AS entity_key, dept_code, name, unit_name, grade, members, present, satisfied,
       basically_satisfied, unsatisfied, total_investment AS amount,
       CASE WHEN grade = '不满意' THEN 'high' ELSE 'low' END AS severity,
       {_EVIDENCE}
FROM e
WHERE grade <> '满意'
""",
    message=("{name}（{unit_name}牵头）{year}年满意度测评为“{grade}”：应到{members}人，实到{present}人，"
             "满意{satisfied}票、基本满意{basically_satisfied}票、不满意{unsatisfied}票"),
    message_en=("{name} (led by {unit_name}) was rated \"{grade:word}\" in {year}: {members} members, {present} present; "
                "{satisfied} satisfied, {basically_satisfied} basically satisfied, {unsatisfied} dissatisfied"),
)


def _given(v) -> bool:
    return v is not None and v == v and str(v) not in ("NaT", "<NA>")


def _d(v) -> str:
    return str(v)[:10] if _given(v) else "—"
