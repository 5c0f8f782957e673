"""The demo city's projects (项目监督): the 2025 voted livelihood projects (民生实事) and government
investment projects in every state, their monthly progress reports, the year-end satisfaction
vote, and the project codes its capital budget lines and payments carry.

Built after the rest of the city (budgetwatch/demo_data.py calls ``plan_projects`` and the
writers below), without touching any payment or budget amount: a project is tied to one of the
city's existing capital lines (unit, function, 310xx economic code, fund), so its budget line
and every payment on that line carry its code, and its reports are set against the money the
line actually paid. So the other rules' planted anomalies are unchanged.

Planted anomalies (fires) and look-alikes (quiet) of the seven project rules are computed from
the actual numbers, as the other planted unit rules are, and listed in ANOMALIES.md.
"""
from __future__ import annotations

import calendar
import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from budgetwatch.demo_planted import Planted

PREFIX = "430100"   # 湘江市's 区划: project codes read like the 项目库's, 430100-2025-001

# code suffix, name, line (unit code, func, econ, fund) or lead unit code, category, livelihood?,
# investment?, target, plan: how the project stands (see _SCENARIOS)
_PROJECTS = (
    ("001", "老旧小区改造提质", ("007001", "2120399", "31005", "一般公共预算"), "城市更新", True, False,
     "改造老旧小区42个、惠及1.2万户", "lag_high"),
    ("002", "高标准农田建设", ("008003", "2130153", "31005", "一般公共预算"), "农业农村", True, False,
     "建成高标准农田3.5万亩", "overpaid"),
    ("003", "保障性租赁住房筹建", ("007002", "2210108", "31005", "一般公共预算"), "住房保障", True, False,
     "筹建保障性租赁住房1500套", "overpaid_lookalike"),
    ("004", "第一中学教学楼改扩建", ("001001", "2050204", "31003", "一般公共预算"), "教育", True, False,
     "新增学位1200个", "lag_lookalike"),
    ("005", "第十一中学风雨操场建设", ("001003", "2050203", "31003", "一般公共预算"), "教育", True, False,
     "建成风雨操场1座", "halted"),
    ("006", "社会福利院养老床位提质", ("009001", "2296002", "31003", "政府性基金预算"), "养老", True, False,
     "提质改造养老床位400张", "finished_unsatisfied"),
    ("007", "第一人民医院门急诊综合楼", ("002001", "2100201", "31003", "一般公共预算"), "医疗卫生", True, True,
     "新增门急诊服务能力2000人次/日", "on_schedule_satisfied"),
    ("008", "育才小学运动场改造", ("001005", "2050202", "31003", "一般公共预算"), "教育", True, False,
     "改造塑胶运动场1.2万平方米", "on_schedule_basic"),
    ("009", "城东公交首末站", "006", "交通", True, False, "建成公交首末站2座", "not_started"),
    ("010", "滨江公园智慧驿站", "007", "城市更新", True, False, "建成智慧驿站6座", "not_started_lookalike"),
    ("011", "农贸市场标准化改造", "008", "民生服务", True, False, "改造农贸市场8个", "overdue"),
    ("012", "社区卫生服务中心提质", "002", "医疗卫生", True, False, "提质社区卫生服务中心10个", "overdue_lookalike"),
    ("013", "城区排水管网改造", "007", "城市更新", True, False, "改造雨污管网36公里", "stale"),
    ("014", "社区居家养老服务站", "009", "养老", True, False, "建成居家养老服务站20个", "stale_lookalike"),
    ("101", "湘江大道快速化改造", ("006001", "2140104", "31005", "一般公共预算"), "交通", False, True,
     "快速化改造6.8公里", "over_estimate"),
    ("102", "湘江二桥维修加固", "006", "交通", False, True, "维修加固桥梁1座", "over_estimate_lookalike"),
)
_VOTES = {   # members 30: satisfied, basically, unsatisfied, abstained (present 29)
    "on_schedule_satisfied": (16, 8, 4, 1),     # 16 > 15: 满意 (look-alike of 基本满意)
    "on_schedule_basic": (15, 9, 4, 1),          # exactly half satisfied: 基本满意
    "finished_unsatisfied": (9, 5, 14, 1),       # 9 + 5 ≤ 15: 不满意
    "overpaid": (22, 6, 1, 0),
    "lag_high": (17, 9, 3, 0),
}
MEMBERS = 30


@dataclass
class ProjectPlan:
    projects: pd.DataFrame
    progress: pd.DataFrame
    evaluation: pd.DataFrame
    line_code: dict[tuple[str, str, str, str], str]           # (dept, func, econ, fund) -> project code
    planted: list[Planted] = field(default_factory=list)
    first_year: dict[str, int] = field(default_factory=dict)  # project code -> the year it started

    def code_of(self, key: tuple[str, str, str, str], year: int) -> str | None:
        """The project a line's money of ``year`` is charged to: none before the project began."""
        code = self.line_code.get(key)
        return code if code is not None and self.first_year.get(code, year) <= year else None

    def payment_codes(self, city, year: int, lo: int, hi: int) -> pa.Array:
        """project_code of payments lo:hi of the year (null for a payment on no project line)."""
        keys = city.lines.keys
        per_line = pa.array([self.code_of((city.units[k[0]].code, k[1], k[2], k[3]), year) for k in keys],
                            type=pa.string())
        return per_line.take(pa.array(city.payments[year]["line"][lo:hi]))

    def budget_code(self, row) -> str:
        return self.code_of((row.dept_code, row.func_code, row.econ_code, row.fund_type), int(row.year)) or ""


def _expected(start: date, finish: date, as_of: date) -> float:
    """PROJECT_LAG's expected share of the year at ``as_of``."""
    ws, we = max(start, date(as_of.year, 1, 1)), min(finish, date(as_of.year, 12, 31))
    if as_of < ws:
        return 0.0
    if we < ws:
        return 1.0
    return min(1.0, ((as_of - ws).days + 1) / ((we - ws).days + 1))


def _month_ends(first: date, last: date) -> list[date]:
    out, y, m = [], first.year, first.month
    while True:
        d = date(y, m, calendar.monthrange(y, m)[1])
        if d > last:
            break
        out.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def plan_projects(city) -> ProjectPlan:
    year, as_of = city.year, city.as_of
    p = city.payments[year]
    keys = city.lines.keys
    by_key = {(city.units[k[0]].code, k[1], k[2], k[3]): i for i, k in enumerate(keys)}
    paid = np.bincount(p["line"], weights=p["cents"], minlength=len(keys)) / 100
    names = {u.code: u.name for u in city.units}
    rows, reports, votes, line_code, planted = [], [], [], {}, []
    jan1, dec31 = date(year, 1, 1), date(year, 12, 31)

    def plant(rule, code, fires, severity=None, note=""):
        planted.append(Planted(rule, code, year, fires, severity if fires else None,
                                      note if fires else "look-alike: " + note))

    for suffix, name, where, category, livelihood, investment, target, scenario in _PROJECTS:
        code = f"{PREFIX}-{year}-{suffix}" if livelihood else f"{PREFIX}-{year - 1}-{suffix}"
        if isinstance(where, tuple):
            dept = where[0]
            line_code[where] = code
            money = round(float(paid[by_key[where]]), 2) if where in by_key else 0.0
        else:
            dept, money = where, 0.0
        start, finish = jan1, dec31
        a_start, a_finish = date(year, 1, 15), None
        status, last_report, estimate = "在建", as_of, None
        total = round(max(money * 1.6, 5_000_000), -4)
        prior = 0.0                               # completed before this year
        done = money                              # this year's completed investment at the last report
        if scenario == "lag_high":
            plan = round(money * 2, 2)                               # half done against a full year
        elif scenario == "overpaid":
            done = round(money / 2, 2)
            plan = done
        elif scenario == "overpaid_lookalike":
            done = round(money / 1.19, 2)                            # paid 19% ahead: quiet
            plan = done
        elif scenario == "lag_lookalike":
            plan = round(done / (_expected(start, finish, as_of) - 0.095), 2)   # 9.5 points behind
        elif scenario == "halted":
            plan = round(money / 0.3, 2)
            status = "停工"
        elif scenario == "finished_unsatisfied":
            finish, a_finish, status, last_report = date(year, 11, 30), date(year, 11, 20), "已完工", date(year, 11, 30)
            plan = done
        elif scenario in ("on_schedule_satisfied", "on_schedule_basic"):
            plan = round(done / max(_expected(start, finish, as_of) - 0.02, 0.01), 2)
        elif scenario == "not_started":
            start, a_start, last_report, plan, done = date(year, 9, 1), None, None, 3_000_000.0, 0.0
            total = 8_000_000.0
        elif scenario == "not_started_lookalike":
            start, a_start, last_report, plan, done = as_of - timedelta(days=30), None, None, 1_000_000.0, 0.0
            total = 2_400_000.0
        elif scenario == "overdue":
            start, finish, plan, done, total = date(year, 3, 1), date(year, 10, 31), 5_000_000.0, 4_800_000.0, 5_200_000.0
            a_start = date(year, 3, 10)
        elif scenario == "overdue_lookalike":
            start, finish, a_finish, plan, done, total = (date(year, 2, 1), date(year, 9, 30), date(year, 9, 26),
                                                          2_000_000.0, 2_000_000.0, 2_000_000.0)
            status, last_report, a_start = "已完工", date(year, 9, 30), date(year, 2, 10)
        elif scenario == "stale":
            plan, done, total, last_report = 12_000_000.0, 11_400_000.0, 30_000_000.0, date(year, 9, 30)
        elif scenario == "stale_lookalike":
            plan, done, total, last_report = 3_000_000.0, 2_940_000.0, 6_000_000.0, as_of - timedelta(days=60)
        elif scenario == "over_estimate":
            start, finish, a_start = date(year - 1, 3, 1), date(year + 1, 12, 31), date(year - 1, 3, 10)
            plan = round(money / max(_expected(start, finish, as_of) - 0.03, 0.01), 2)
            prior = round(money * 1.5, 2)
            total = round(prior + money * 1.2, -4)
            estimate = total                       # within the estimate on paper; the work runs past it
        elif scenario == "over_estimate_lookalike":
            start, finish, a_start = date(year - 1, 5, 1), date(year + 1, 6, 30), date(year - 1, 5, 20)
            plan, done, prior, total = 20_000_000.0, 19_000_000.0, 15_000_000.0, 60_000_000.0
            estimate = total                                                 # exactly the estimate: quiet
        else:   # pragma: no cover - every scenario is listed above
            raise ValueError(scenario)

        rows.append({"project_code": code, "project_name": name, "dept_code": dept, "category": category,
                     "livelihood_year": year if livelihood else None, "is_investment": investment,
                     "target": target, "total_investment": total, "approved_estimate": estimate,
                     "planned_start": start, "planned_finish": finish, "actual_start": a_start,
                     "actual_finish": a_finish,
                     "funding_source": "专项债券" if investment else "一般公共预算"})
        # monthly reports from the start month to the last one (2024 ones for a project begun then)
        if last_report is not None:
            first = max(start, date(year - 1, 1, 1))
            ends = [d for d in _month_ends(first, last_report)] or [last_report]
            if ends[-1] != last_report:
                ends.append(last_report)
            for d in ends:
                this_year = d.year == year
                share = (ends.index(d) + 1) / len(ends)
                if this_year:
                    year_ends = [e for e in ends if e.year == year]
                    share = (year_ends.index(d) + 1) / len(year_ends)
                    y_done, y_plan = round(done * share, 2), plan
                else:
                    y_plan = round(prior, 2)
                    y_done = round(prior * min(1.0, _expected(start, finish, d) + 0.02), 2)
                st = status if d == last_report else ("在建" if status in ("已完工", "停工") else status)
                if status == "停工" and this_year and share > 0.6:
                    st = "停工"
                physical = min(100.0, round(100 * (prior + y_done) / total, 1)) if total else None
                if st == "已完工":
                    physical = 100.0
                reports.append({"project_code": code, "report_date": d, "year_plan": y_plan,
                                "year_completed": y_done,
                                "total_completed": round(prior + y_done if this_year else y_done, 2),
                                "physical_progress": physical, "status": st,
                                "note": _NOTES.get(st, "")})
        if scenario == "over_estimate" and reports:
            # the latest report's completed-since-start runs past the approved estimate
            last = reports[-1]
            last["total_completed"] = round(estimate + 18_000_000, 2)
        v = _VOTES.get(scenario)
        if v and livelihood:
            votes.append({"year": year, "project_code": code, "members": MEMBERS, "present": MEMBERS - 1,
                          "satisfied": v[0], "basically_satisfied": v[1], "unsatisfied": v[2], "abstained": v[3]})
        _plant(plant, code, name, names.get(dept, dept), scenario, money, done, plan, start, finish, as_of,
               last_report, total, estimate, reports, v)

    first = {r["project_code"]: r["planned_start"].year for r in rows}
    return ProjectPlan(pd.DataFrame(rows), pd.DataFrame(reports), pd.DataFrame(votes), line_code, planted, first)


_NOTES = {"在建": "按计划推进", "停工": "征地拆迁未完成，暂停施工", "已完工": "已完成竣工验收"}


def _plant(plant, code, name, unit, scenario, money, done, plan, start, finish, as_of, last_report, total,
           estimate, reports, vote) -> None:
    """The planted entries of one project, with the actual numbers (as the rules will see them)."""
    exp = _expected(start, finish, as_of)
    if scenario in ("lag_high", "lag_lookalike", "halted", "on_schedule_satisfied") and plan > 0:
        gap = (exp - done / plan) * 100
        fires = gap > 10
        plant("PROJECT_LAG", code, fires, "high" if gap > 30 else "medium",
              f"{name}（{unit}）本年完成投资占年度计划{done / plan:.1%}，应完成{exp:.1%}，落后{gap:.1f}个百分点")
    if scenario in ("overpaid", "overpaid_lookalike"):
        fires = money * 100 > done * 120 and money - done > 500_000
        plant("PROJECT_OVERPAID", code, fires, "medium",
              f"{name}本年支付{money:,.2f}元，报送本年完成投资{done:,.2f}元"
              + (f"（超{money / done - 1:.1%}）" if done else ""))
    if scenario in ("not_started", "not_started_lookalike"):
        days = (as_of - start).days
        plant("PROJECT_NOT_STARTED", code, days > 30, "high" if days > 90 else "medium",
              f"{name}计划{start}开工，截至{as_of}已过{days}天仍未开工")
        if days > 60:
            plant("PROJECT_STALE", code, True, "low", f"{name}开工以来从未报送进度")
    if scenario in ("overdue", "overdue_lookalike"):
        days = (as_of - finish).days
        fires = scenario == "overdue" and days > 0
        plant("PROJECT_OVERDUE", code, fires, "high" if days > 90 else "medium",
              f"{name}计划{finish}完工，截至{as_of}逾期{days}天" + ("仍未完工" if fires else "，已于计划前完工"))
    if scenario in ("stale", "stale_lookalike"):
        days = (as_of - last_report).days
        plant("PROJECT_STALE", code, days > 60, "low", f"{name}最近一次报送截至{last_report}，距截止日期{days}天")
    if scenario in ("over_estimate", "over_estimate_lookalike"):
        biggest = max(total, reports[-1]["total_completed"]) if reports else total
        plant("PROJECT_OVER_ESTIMATE", code, biggest > estimate, "high",
              f"{name}批复概算{estimate:,.0f}元，总投资{total:,.0f}元，开工以来累计完成{biggest:,.0f}元")
    if vote:
        grade = "满意" if vote[0] * 2 > MEMBERS else "基本满意" if (vote[0] + vote[1]) * 2 > MEMBERS else "不满意"
        plant("LIVELIHOOD_UNSATISFIED", code, grade != "满意", "high" if grade == "不满意" else "low",
              f"{name}满意度测评：应到{MEMBERS}人，满意{vote[0]}票、基本满意{vote[1]}票、不满意{vote[2]}票，为“{grade}”")


# -- files ----------------------------------------------------------------------------------------
PROJECT_HEADERS = ("项目编码", "项目名称", "牵头单位编码", "项目类别", "票决年度", "是否政府投资项目", "量化目标",
                   "项目总投资", "批复概算", "计划开工日期", "计划竣工日期", "实际开工日期", "实际完工日期", "资金来源")
PROGRESS_HEADERS = ("项目编码", "报送截至日期", "年度计划投资", "本年累计完成投资", "开工以来累计完成投资",
                    "形象进度（%）", "项目状态", "进度说明")
EVALUATION_HEADERS = ("年度", "项目编码", "应到人数", "实到人数", "满意票", "基本满意票", "不满意票", "弃权票")


def _wan(yuan) -> float | None:
    return None if yuan is None or pd.isna(yuan) else round(float(yuan) / 10_000, 6)


def _cn_date(d) -> str:
    return "" if d is None or pd.isna(d) else f"{d.year}年{d.month}月{d.day}日"


def write_files(out_dir: Path, city, save_workbook, sheet_title, header_row) -> list[tuple[str, Path, int, str]]:
    """07_projects.xlsx (title row, 单位：万元, 是/否, Chinese dates), 08_project_progress.csv (GB18030,
    percent strings) and 09_project_evaluation.csv: (feed, path, rows, shape) of each, for demo_data's
    list of written files (its writing helpers are passed in, so this module does not import it)."""
    from openpyxl import Workbook

    plan: ProjectPlan = city.projects
    wb = Workbook()
    ws = wb.active
    ws.title = "项目库"
    sheet_title(ws, f"{city.year}年民生实事及政府投资项目清单", len(PROJECT_HEADERS))
    ws.append(["单位：万元"])
    header_row(ws, PROJECT_HEADERS)
    for r in plan.projects.itertuples(index=False):
        ws.append([r.project_code, r.project_name, r.dept_code, r.category,
                   None if pd.isna(r.livelihood_year) else int(r.livelihood_year), "是" if r.is_investment else "否",
                   r.target, _wan(r.total_investment), _wan(r.approved_estimate), _cn_date(r.planned_start),
                   _cn_date(r.planned_finish), _cn_date(r.actual_start), _cn_date(r.actual_finish), r.funding_source])
    for row in ws.iter_rows(min_row=4, min_col=3, max_col=3):     # unit codes stay text
        for cell in row:
            cell.number_format = "@"
    p1 = out_dir / "07_projects.xlsx"
    save_workbook(wb, p1)

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([f"{city.year}年重点项目进度报送表"] + [""] * (len(PROGRESS_HEADERS) - 1))
    w.writerow(["单位：万元"] + [""] * (len(PROGRESS_HEADERS) - 1))
    w.writerow(PROGRESS_HEADERS)
    for r in plan.progress.itertuples(index=False):
        w.writerow([r.project_code, f"{r.report_date.year}/{r.report_date.month}/{r.report_date.day}",
                    f"{_wan(r.year_plan):,.6f}", f"{_wan(r.year_completed):,.6f}", f"{_wan(r.total_completed):,.6f}",
                    "" if r.physical_progress is None or pd.isna(r.physical_progress) else f"{r.physical_progress:g}%",
                    r.status, r.note])
    p2 = out_dir / "08_project_progress.csv"
    p2.write_bytes(buf.getvalue().encode("gb18030"))

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(EVALUATION_HEADERS)
    for r in plan.evaluation.itertuples(index=False):
        w.writerow([f"{r.year}年", r.project_code, r.members, r.present, r.satisfied, r.basically_satisfied,
                    r.unsatisfied, r.abstained])
    p3 = out_dir / "09_project_evaluation.csv"
    p3.write_bytes(("\ufeff" + buf.getvalue()).encode("utf-8"))
    return [("projects", p1, len(plan.projects), "xlsx, title row, 单位：万元, 是/否, 2025年3月1日 dates"),
            ("project_progress", p2, len(plan.progress), "csv GB18030, title + 单位：万元, 45% strings"),
            ("project_evaluation", p3, len(plan.evaluation), "csv UTF-8 BOM, 2025年 years")]


def anomaly_lines(plan: ProjectPlan) -> list[str]:
    """ANOMALIES.md's section for the project rules."""
    lines = ["", "## 项目监督 (projects, project_progress, project_evaluation)", "",
             "Budget lines and payments of each project's capital line carry its code (项目编码); the project "
             "rules' planted anomalies and look-alikes:", "",
             "| rule | entity key | expect | severity | note |", "|---|---|---|---|---|"]
    for p in plan.planted:
        lines.append(f"| {p.rule} | `{p.entity_key}` | {'fires' if p.fires else 'quiet'} | {p.severity or ''} | {p.note} |")
    return lines
