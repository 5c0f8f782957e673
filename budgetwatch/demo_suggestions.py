"""The demo city's 代表建议办理台账: two sessions of deputies' suggestions, with planted anomalies.

``generate(year, as_of, units, rng)`` makes the handling rows (one per suggestion and
unit) of the sessions ``year - 1`` and ``year``; ``write(path, frame)`` writes them as the
congress office's system exports them: GB18030 CSV under a title row, Chinese headers with a
few aliases (办理方式, 答复时间), reply classes written ``B``, ``B类`` or in words, dates in
three spellings, co-signers separated by 、 or commas.

Ordinary rows are quiet by construction: every main unit replies within three months and
every co-handler within one, a B-class promise already due was kept, ratings are the deputy's
own and 满意 or 基本满意. Against that the planted ones (``Planted``: fires or a look-alike
that must stay quiet) are, with the as-of date A of the demo (its latest payment):

* SUGGESTION_OVERDUE: a main unit that never replied (high), one 20 days late (medium), a
  co-handler whose views are a month overdue (medium) while its main unit is still within
  time; quiet: an approved extension beyond A, a reply on the deadline itself (31 May + 3
  months = 31 August), a co-handler's views exactly one month after 31 March (30 April).
* SUGGESTION_UNSATISFIED: 不满意 45 days before A and no second reply; quiet: one answered
  again, one rated exactly 30 days before A.
* SUGGESTION_PROMISE_DUE: a B promise due on 30 September not kept, one of last session's
  due 30 June; quiet: one closed two days early, one due on A itself.
* SUGGESTION_PROXY_RATED: a rating filled in by the handling unit; quiet: a blank source
  (the deputy by default).
* SUGGESTION_UNIT_SATISFACTION: a unit with 8 rated main rows, 2 不满意 (75%); quiet: a unit
  with 4 rated (too few to judge) and the busiest unit at exactly 98% (49 of 50).
"""
from __future__ import annotations

import calendar
import csv
import io
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

FILE_NAME = "07_suggestions.csv"
FIELDS = ("财政经济", "农业农村", "城建环资", "教科文卫", "社会建设", "法制监察")
# main department by field (codes of demo_data.DEPARTMENTS), co-handlers drawn from all of them
FIELD_UNITS = {
    "财政经济": ("004", "014", "013"), "农业农村": ("008",), "城建环资": ("007", "010", "006"),
    "教科文卫": ("001", "002", "011", "012"), "社会建设": ("009", "013", "002"), "法制监察": ("003",),
}
TOPICS = {
    "财政经济": ("优化营商环境", "加强政府债务管理", "支持中小企业融资", "规范政府采购", "盘活闲置国有资产"),
    "农业农村": ("推进高标准农田建设", "发展乡村特色产业", "改善农村人居环境", "加强农产品质量监管"),
    "城建环资": ("加快老旧小区改造", "治理城区内涝", "优化公交线路", "加强湘江水质保护", "增设充电桩",
                 "建设城市绿道", "规范建筑垃圾处置"),
    "教科文卫": ("增加中小学学位", "规范校外培训", "加强基层医疗卫生服务", "扩大公共文化服务",
                 "支持科技成果转化", "改善医院就医环境"),
    "社会建设": ("发展社区养老服务", "加强困难群众救助", "扩大城镇就业", "完善托育服务体系"),
    "法制监察": ("加强校园周边交通安全", "整治电信网络诈骗", "规范停车管理"),
}
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ("建国", "红", "伟", "敏", "强", "芳", "军", "静", "磊", "丽", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀英", "华", "平", "刚", "桂英", "志强", "海燕", "湘平", "湘云", "卫东", "春华", "晓东", "丹")
HEADER = ("建议编号", "年度", "建议标题", "建议领域", "领衔代表", "附议代表", "重点督办", "承办单位编码", "办理方式",
          "交办日期", "延期至", "答复时间", "答复类别", "承诺办结日期", "代表满意度", "测评来源", "测评日期",
          "再次答复日期", "办结日期")
CLASS_WORDS = {"A": "已解决或基本解决", "B": "正在解决或列入计划", "C": "因条件限制待以后解决", "D": "留作参考"}


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's end (31 May + 3 = 31 August), as DuckDB counts."""
    m = day.month - 1 + months
    y, m = day.year + m // 12, m % 12 + 1
    return date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


class _Book:
    """The rows being made, and numbering per session."""

    def __init__(self, rng: np.random.Generator, units, as_of: date):
        self.rng, self.as_of = rng, as_of
        self.rows: list[dict] = []
        self.seq: dict[int, int] = {}
        self.names = {u.code: u.name for u in units}
        self.tops = [u.code for u in units if u.parent is None]
        self.deputies = self._deputies(64)

    def _deputies(self, n: int) -> list[str]:
        out: list[str] = []
        while len(out) < n:
            name = SURNAMES[self.rng.integers(len(SURNAMES))] + GIVEN[self.rng.integers(len(GIVEN))]
            if name not in out:
                out.append(name)
        return out

    def number(self, year: int) -> str:
        self.seq[year] = self.seq.get(year, 0) + 1
        return f"{year}-{self.seq[year]:04d}"

    def signers(self) -> tuple[str, str]:
        picks = self.rng.choice(len(self.deputies), size=1 + int(self.rng.integers(0, 5)), replace=False)
        lead, co = self.deputies[picks[0]], [self.deputies[i] for i in picks[1:]]
        sep = "、" if self.rng.random() < 0.7 else ","
        return lead, sep.join(co)

    def suggestion(self, year: int, field: str, main: str, assigned: date, *, co: tuple[str, ...] = (),
                   priority: bool = False, title: str | None = None, no: str | None = None) -> dict:
        lead, co_deputies = self.signers()
        topic = TOPICS[field][int(self.rng.integers(len(TOPICS[field])))]
        head = {"suggestion_no": no or self.number(year), "year": year, "title": title or f"关于{topic}的建议",
                "field": field, "lead_deputy": lead, "co_deputies": co_deputies, "priority": "是" if priority else "否",
                "assigned_date": assigned}
        self.add(head, main, "主办")
        for c in co:
            self.add(head, c, "协办")
        return head

    def add(self, head: dict, dept: str, role: str, **values) -> dict:
        row = {**head, "dept_code": dept, "role": role, "extended_to": None, "replied_date": None,
               "reply_class": None, "promised_date": None, "satisfaction": None, "rating_source": "代表本人",
               "rated_date": None, "second_reply_date": None, "closed_date": None, **values}
        self.rows.append(row)
        return row

    def find(self, no: str, dept: str) -> dict:
        return next(r for r in self.rows if r["suggestion_no"] == no and r["dept_code"] == dept)

    # -- ordinary handling, quiet by construction --------------------------------------------
    def handle_ordinary(self, row: dict, *, sat: str | None = None, cls: str | None = None) -> None:
        a, rng = row["assigned_date"], self.rng
        if row["role"] == "协办":
            deadline = add_months(a, 1)
            row["replied_date"] = min(a + timedelta(days=int(rng.integers(8, 27))), deadline)
            return
        deadline = add_months(a, 3)
        replied = min(a + timedelta(days=int(rng.integers(35, 86))), deadline)
        if replied > self.as_of:            # a late batch still within its time: no reply yet
            return
        row["replied_date"] = replied
        cls = cls or str(rng.choice(["A", "B", "C", "D"], p=[0.45, 0.35, 0.15, 0.05]))
        row["reply_class"] = cls
        if cls == "B":
            promised = replied + timedelta(days=int(rng.integers(60, 300)))
            row["promised_date"] = promised
            if promised < self.as_of:        # a promise already due was kept
                row["closed_date"] = promised - timedelta(days=int(rng.integers(0, 20)))
        elif cls == "A":
            row["closed_date"] = min(replied + timedelta(days=int(rng.integers(0, 30))), self.as_of)
        else:
            row["closed_date"] = replied
        rated = replied + timedelta(days=int(rng.integers(5, 26)))
        if rated <= self.as_of:
            row["rated_date"] = rated
            row["satisfaction"] = sat or ("满意" if rng.random() < 0.8 else "基本满意")
            if rng.random() < 0.25:
                row["rating_source"] = None   # blank in the export: the deputy, by default


def _plant(rule: str, entity_key: str, year: int, fires: bool, severity: str | None, note: str) -> tuple:
    """A plant as demo_data.Planted's fields (that class wraps them; no import back to it)."""
    return (rule, entity_key, year, fires, severity, note)


def generate(year: int, as_of: date, units, rng: np.random.Generator) -> tuple[pd.DataFrame, list[tuple]]:
    """Handling rows of the sessions ``year - 1`` and ``year`` at ``as_of``, and what is planted
    in them: (rule, entity key, year, fires, severity, note) each."""
    planted: list[tuple] = []
    b = _Book(rng, units, as_of)
    # Plants on fixed calendar dates (31 May, 30 September...) go into this session while the
    # as-of date is late in the year (the default demo's 31 December), else into the last one,
    # whose dates have all passed; the unit satisfaction plants need this session's ratings.
    s = year if as_of >= date(year, 10, 15) else year - 1
    busy = "007"       # 住房和城乡建设局: the unit with most suggestions as main unit (exactly 98%)
    low = "009"        # 民政局: 8 rated main rows, 2 不满意 (75%)
    few = "012"        # 科学技术局: 4 rated main rows, 1 不满意 (too few to judge)
    special = {busy, low, few}
    for session, batch in ((year - 1, date(year - 1, 3, 14)), (year, date(year, 3, 14))):
        n = 60 if session < year else 110
        for _ in range(n):
            field = FIELDS[int(rng.integers(len(FIELDS)))]
            main = str(rng.choice(FIELD_UNITS[field]))
            if main in special:
                main = "004"
            others = [c for c in b.tops if c != main and c not in special]
            k = int(rng.choice([0, 1, 2], p=[0.5, 0.35, 0.15]))
            co = tuple(str(c) for c in rng.choice(others, size=k, replace=False))
            assigned = batch if rng.random() < 0.85 else batch + timedelta(days=int(rng.integers(20, 90)))
            head = b.suggestion(session, field, main, assigned, co=co, priority=rng.random() < 0.08)
            for r in [r for r in b.rows if r["suggestion_no"] == head["suggestion_no"]]:
                b.handle_ordinary(r)
    # the busiest unit: 50 rated main rows this session, one 不满意 answered again: exactly 98%
    for i in range(50 if s == year else 0):
        head = b.suggestion(year, "城建环资", busy, date(year, 3, 14))
        row = b.find(head["suggestion_no"], busy)
        b.handle_ordinary(row, sat="不满意" if i == 0 else None, cls="A" if i == 0 else None)
        if i == 0:
            row["second_reply_date"] = row["rated_date"] + timedelta(days=20)
        if row["satisfaction"] is None:       # make sure all fifty are rated
            row["rated_date"], row["satisfaction"] = row["replied_date"] + timedelta(days=5), "满意"
    if s == year:
        planted.append(_plant("SUGGESTION_UNIT_SATISFACTION", busy, year, False, None,
                               "look-alike: 50件已测评，满意和基本满意49件，恰为98%"))
    # a unit below the line: 8 rated, 2 不满意 (each answered again, so no UNSATISFIED flag)
    for i in range(8 if s == year else 0):
        head = b.suggestion(year, "社会建设", low, date(year, 3, 14))
        row = b.find(head["suggestion_no"], low)
        b.handle_ordinary(row, sat="不满意" if i < 2 else "满意", cls="C" if i < 2 else "A")
        if i < 2:
            row["second_reply_date"] = row["rated_date"] + timedelta(days=25)
    if s == year:
        planted.append(_plant("SUGGESTION_UNIT_SATISFACTION", low, year, True, "low",
                               "8件已测评，不满意2件，满意率75.0%，低于98%"))
    # too few to judge: 4 rated, 1 不满意 (answered again)
    for i in range(4 if s == year else 0):
        head = b.suggestion(year, "教科文卫", few, date(year, 3, 14))
        row = b.find(head["suggestion_no"], few)
        b.handle_ordinary(row, sat="不满意" if i == 0 else "满意", cls="A")
        if i == 0:
            row["second_reply_date"] = row["rated_date"] + timedelta(days=10)
    if s == year:
        planted.append(_plant("SUGGESTION_UNIT_SATISFACTION", few, year, False, None,
                               "look-alike: 仅4件已测评（不足5件），其中不满意1件"))

    def plant(rule: str, row: dict, fires: bool, severity: str | None, note: str) -> None:
        planted.append(_plant(rule, f"{row['suggestion_no']}|{row['dept_code']}", year, fires, severity, note))

    A = as_of
    # -- SUGGESTION_OVERDUE ---------------------------------------------------------------------
    head = b.suggestion(s, "城建环资", "006", date(s, 3, 14), priority=True, title="关于治理城区内涝的建议")
    plant("SUGGESTION_OVERDUE", b.find(head["suggestion_no"], "006"), True, "high",
          f"主办单位至今未答复，期限{add_months(date(s, 3, 14), 3)}")
    late_deadline = A - timedelta(days=20)
    assigned = add_months(late_deadline, -3)
    head = b.suggestion(year, "教科文卫", "002", assigned, title="关于增设社区卫生服务站的建议")
    row = b.find(head["suggestion_no"], "002")
    days = (A - add_months(assigned, 3)).days
    plant("SUGGESTION_OVERDUE", row, True, "medium", f"主办单位逾期{days}天未答复")
    co_assigned = add_months(A - timedelta(days=30), -1)
    head = b.suggestion(year, "农业农村", "008", co_assigned, co=("010",), title="关于治理农村面源污染的建议")
    co_row = b.find(head["suggestion_no"], "010")
    plant("SUGGESTION_OVERDUE", co_row, True, "medium",
          f"协办单位逾期{(A - add_months(co_assigned, 1)).days}天未提出协办意见")
    plant("SUGGESTION_OVERDUE", b.find(head["suggestion_no"], "008"), False, None,
          "look-alike: 同一建议的主办单位仍在3个月办理期限内")
    head = b.suggestion(year, "城建环资", "007", add_months(A, -4), title="关于建设地下综合管廊的建议")
    row = b.find(head["suggestion_no"], "007")
    row["extended_to"] = A + timedelta(days=45)
    plant("SUGGESTION_OVERDUE", row, False, None, f"look-alike: 已批准延期至{row['extended_to']}")
    head = b.suggestion(s, "财政经济", "004", date(s, 5, 31), title="关于规范财政专项资金管理的建议")
    row = b.find(head["suggestion_no"], "004")
    row.update(replied_date=date(s, 8, 31), reply_class="A", closed_date=date(s, 9, 10),
               satisfaction="满意", rated_date=date(s, 9, 5))
    plant("SUGGESTION_OVERDUE", row, False, None, "look-alike: 5月31日交办，8月31日（期限当天）答复")
    head = b.suggestion(s, "社会建设", "013", date(s, 3, 31), co=("009",), title="关于扩大城镇就业的建议")
    b.handle_ordinary(b.find(head["suggestion_no"], "013"))
    co_row = b.find(head["suggestion_no"], "009")
    co_row["replied_date"] = date(s, 4, 30)
    plant("SUGGESTION_OVERDUE", co_row, False, None, "look-alike: 3月31日交办，协办意见4月30日（满一个月当天）提出")
    # -- SUGGESTION_UNSATISFIED -------------------------------------------------------------------
    for days, second, fires, note in ((45, None, True, "代表测评不满意45天，未再次答复"),
                                      (60, 20, False, "look-alike: 不满意后已再次答复"),
                                      (30, None, False, "look-alike: 不满意恰30天")):
        rated = A - timedelta(days=days)
        head = b.suggestion(year, "城建环资", "006", add_months(rated - timedelta(days=20), -2))
        row = b.find(head["suggestion_no"], "006")
        # 分办: the unit replies on its own, and its ratings do not count in a main unit's rate
        row.update(role="分办", replied_date=rated - timedelta(days=20), reply_class="C", closed_date=rated - timedelta(days=20),
                   satisfaction="不满意", rated_date=rated,
                   second_reply_date=rated + timedelta(days=second) if second else None)
        plant("SUGGESTION_UNSATISFIED", row, fires, "medium" if fires else None, note)
    # -- SUGGESTION_PROMISE_DUE -------------------------------------------------------------------
    for session, promised, closed, fires, note in (
            (s, date(s, 9, 30), None, True, "B类答复承诺9月30日前办结，未办结"),
            (s - 1, date(s, 6, 30), None, True, "上届会议建议，B类承诺6月30日前办结，未办结"),
            (s, date(s, 9, 30), date(s, 9, 28), False, "look-alike: 承诺日期前两天办结"),
            (year - 1, A, None, False, "look-alike: 承诺日期恰为截至日")):
        assigned = date(session, 3, 14)
        head = b.suggestion(session, "教科文卫", "001", assigned)
        row = b.find(head["suggestion_no"], "001")
        replied = assigned + timedelta(days=70)
        row.update(replied_date=replied, reply_class="B", promised_date=promised, closed_date=closed,
                   satisfaction="基本满意", rated_date=replied + timedelta(days=10))
        planted.append(_plant("SUGGESTION_PROMISE_DUE", f"{row['suggestion_no']}|001", year, fires,
                               "medium" if fires else None, note))
    # -- SUGGESTION_PROXY_RATED -------------------------------------------------------------------
    for source, fires, note in (("承办单位代填", True, "满意度由承办单位代填（被满意）"),
                                (None, False, "look-alike: 测评来源空白，按代表本人")):
        head = b.suggestion(year, "法制监察", "003", date(year, 3, 14))
        row = b.find(head["suggestion_no"], "003")
        b.handle_ordinary(row, sat="满意", cls="A")
        if row["rated_date"] is None:
            row["rated_date"] = row["replied_date"] + timedelta(days=5)
        row["rating_source"] = source
        plant("SUGGESTION_PROXY_RATED", row, fires, "low" if fires else None, note)
    frame = pd.DataFrame(b.rows)
    frame["dept_name"] = [b.names.get(c, c) for c in frame["dept_code"]]
    return frame, planted


def _date_text(day, i: int) -> str:
    if day is None or (not isinstance(day, date) and pd.isna(day)):
        return ""
    return (day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日")[i % 3]


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _class_text(cls, i: int) -> str:
    if not isinstance(cls, str):
        return ""
    return (cls, f"{cls}类", CLASS_WORDS[cls])[i % 3]


def write(path: Path, frame: pd.DataFrame, *, title: str) -> int:
    """The export: GB18030, a title row, Chinese headers; returns the number of rows."""
    buf = io.StringIO()
    buf.write(title + "\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for i, r in enumerate(frame.itertuples(index=False)):
        w.writerow([r.suggestion_no, r.year, r.title, r.field, r.lead_deputy, _text(r.co_deputies), r.priority,
                    r.dept_code, r.role, _date_text(r.assigned_date, i), _date_text(r.extended_to, i),
                    _date_text(r.replied_date, i), _class_text(r.reply_class, i), _date_text(r.promised_date, i),
                    _text(r.satisfaction), _text(r.rating_source), _date_text(r.rated_date, i),
                    _date_text(r.second_reply_date, i), _date_text(r.closed_date, i)])
    path.write_bytes(buf.getvalue().encode("gb18030"))
    return len(frame)
