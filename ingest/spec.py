"""The feeds, declared once: columns, aliases, types, keys and checks.

Everything that reads, validates or loads a feed works from these declarations, so adding
a column or an alias is a change here and nowhere else. Names follow ../shared/FEEDS.md;
aliases come from the column titles real finance, asset and audit systems export
(../shared/reference/format_field_lists.csv).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds. Each has one parser in ingest/validate.py.
TEXT = "text"        # free text, trimmed
CODE = "code"        # an identifier: trimmed, `2010101.0` -> `2010101`, leading zeros kept
YEAR = "year"        # 4-digit year, `2025年` accepted
AMOUNT = "amount"    # yuan, DECIMAL(18,2); `1,234.50`, `(1,200.00)`, scaled by the file's unit
NUMBER = "number"    # a plain quantity, not scaled by the money unit
DATE = "date"        # many spellings and Excel serials
ENUM = "enum"        # one of a closed list, with synonyms mapped to the canonical value
BOOL = "bool"        # 是/否, yes/no, true/false, 1/0
PERCENT = "percent"  # 0–100; `45%`, `45％` and `45` all mean 45
COUNT = "count"      # a whole number of people or votes: `35`, `35人`, `35.0`

FUND_TYPES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算")
FUND_TYPE_SYNONYMS = {
    "一般公共预算": "一般公共预算", "一般预算": "一般公共预算", "公共预算": "一般公共预算",
    "一般公共预算资金": "一般公共预算", "general": "一般公共预算", "general public budget": "一般公共预算",
    "政府性基金预算": "政府性基金预算", "政府性基金": "政府性基金预算", "基金预算": "政府性基金预算",
    "government fund": "政府性基金预算", "government funds": "政府性基金预算",
    "国有资本经营预算": "国有资本经营预算", "国有资本经营": "国有资本经营预算",
    "state capital": "国有资本经营预算", "state capital operation": "国有资本经营预算",
    "社会保险基金预算": "社会保险基金预算", "社会保险基金": "社会保险基金预算", "社保基金": "社会保险基金预算",
    "social insurance": "社会保险基金预算", "social insurance fund": "社会保险基金预算",
}
AUDIT_STATUS = ("已整改", "部分整改", "未整改")
AUDIT_STATUS_SYNONYMS = {
    "已整改": "已整改", "整改完成": "已整改", "已完成整改": "已整改", "rectified": "已整改", "done": "已整改",
    "部分整改": "部分整改", "正在整改": "部分整改", "整改中": "部分整改", "partial": "部分整改",
    "partially rectified": "部分整改",
    "未整改": "未整改", "尚未整改": "未整改", "open": "未整改", "not rectified": "未整改",
}
DEBT_TYPES = ("一般债务", "专项债务")
DEBT_TYPE_SYNONYMS = {
    "一般债务": "一般债务", "一般": "一般债务", "一般债": "一般债务", "一般债券": "一般债务",
    "一般政府债务": "一般债务", "general": "一般债务", "general debt": "一般债务",
    "general obligation": "一般债务", "general bonds": "一般债务",
    "专项债务": "专项债务", "专项": "专项债务", "专项债": "专项债务", "专项债券": "专项债务",
    "专项政府债务": "专项债务", "special": "专项债务", "special debt": "专项债务",
    "special purpose": "专项债务", "special-purpose": "专项债务", "special bonds": "专项债务",
}


@dataclass(frozen=True)
class Column:
    name: str                      # English name: the column in DuckDB
    cn: str                        # Chinese name as FEEDS.md gives it
    kind: str = TEXT
    required: bool = False         # the header must have it and every row must fill it
    aliases: tuple[str, ...] = ()  # other header spellings seen in real exports
    digits: tuple[int, ...] = ()   # CODE: allowed lengths, all digits
    length: int | None = None      # CODE: exact length (any characters)
    nonneg: bool = False           # AMOUNT: must be >= 0
    nonzero: bool = False          # AMOUNT: must not be 0
    synonyms: dict[str, str] = field(default_factory=dict)  # ENUM: spelling -> canonical
    default_from: str | None = None  # when empty, take this column's value
    default_zero: bool = False     # when empty, 0
    default_value: str | None = None  # when empty, this value (ENUM: a canonical value)
    pad_to: int | None = None      # CODE: a shorter code of allowed digits is padded with zeros to this length

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name, self.cn, *self.aliases)


@dataclass(frozen=True)
class Feed:
    name: str
    cn: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Columns whose value must name a row of another column of the same feed
    # (held already or in the same file), e.g. a department's parent.
    self_refs: tuple[tuple[str, str], ...] = ()
    # Columns whose value must name a row of another feed's table (held, or applied earlier in
    # the same load): (column, table, column of that table).
    refs: tuple[tuple[str, str, str], ...] = ()
    # Checks across the columns of one row: (column blamed, SQL condition over the typed
    # columns that is TRUE for a bad row, problem code). Fixed text of ours, never input.
    row_checks: tuple[tuple[str, str, str], ...] = ()
    # (column, group columns): the rows of one group must give the same value of the column
    # (empty cells aside), in the file and against the rows held, e.g. a region's 综合财力.
    agree: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


DEPT_CODE_ALIASES = ("预算单位编码", "单位代码", "部门编码", "部门代码", "预算单位代码", "agency_code")

DEPARTMENTS = Feed(
    name="departments", cn="预算单位",
    columns=(
        Column("dept_code", "单位编码", CODE, True, DEPT_CODE_ALIASES),
        Column("dept_name", "单位名称", TEXT, True, ("预算单位名称", "部门名称", "预算单位", "agency_name")),
        Column("parent_code", "主管部门编码", CODE, False, ("上级单位编码", "主管部门代码", "上级编码", "parent")),
        Column("region_code", "行政区划代码", CODE, False, ("区划代码", "区划编码", "财政区划代码", "mof_div_code"),
               digits=(6,)),
    ),
    key=("dept_code",),
    self_refs=(("parent_code", "dept_code"),),
)

_FUNC = Column("func_code", "功能科目编码", CODE, True,
               ("支出功能分类科目编码", "支出功能科目编码", "功能分类编码", "功能分类科目编码", "功能科目代码",
                "exp_func_code"), digits=(3, 5, 7))
_ECON = Column("econ_code", "经济科目编码", CODE, True,
               ("部门经济分类编码", "支出经济分类科目编码", "经济分类编码", "经济分类科目编码", "部门支出经济分类编码",
                "经济科目代码", "dep_bgt_eco_code"), digits=(3, 5))
_FUND = Column("fund_type", "资金性质", ENUM, True, ("资金性质名称", "预算类型", "预算种类"),
               synonyms=FUND_TYPE_SYNONYMS)
PROJECT_CODE_ALIASES = ("项目代码", "项目编号", "项目库编码", "项目库代码", "pro_code")
# Budget lines and payments may carry the 项目库 code they are charged to (预算管理一体化);
# a code that is not in `projects` is kept as it is (the 项目库 holds many more projects).
_PROJECT_REF = Column("project_code", "项目编码", CODE, False, PROJECT_CODE_ALIASES)
_YEAR = Column("year", "年度", YEAR, True, ("预算年度", "财政年度", "fiscal_year"))

BUDGET = Feed(
    name="budget", cn="预算指标",
    columns=(
        _YEAR,
        Column("dept_code", "单位编码", CODE, True, DEPT_CODE_ALIASES),
        _FUNC, _ECON, _FUND,
        Column("original_amount", "年初预算数", AMOUNT, True, ("年初预算", "年初预算批复金额", "预算数", "预算金额"),
               nonneg=True),
        Column("adjusted_amount", "调整预算数", AMOUNT, False, ("调整后预算数", "调整预算", "变动预算金额（当年预算金额）"),
               nonneg=True, default_from="original_amount"),
        _PROJECT_REF,
    ),
    key=("year", "dept_code", "func_code", "econ_code", "fund_type"),
)

PAYMENTS = Feed(
    name="payments", cn="国库集中支付明细",
    columns=(
        Column("voucher_no", "支付凭证号", CODE, True, ("凭证号", "支付凭证编号", "凭证编号", "pay_cert_no", "voucherno")),
        Column("pay_date", "支付日期", DATE, True, ("付款日期", "凭证日期", "凭证时间", "xpay_date")),
        Column("dept_code", "单位编码", CODE, True, DEPT_CODE_ALIASES),
        Column("func_code", "功能科目编码", CODE, True, _FUNC.aliases, digits=(3, 5, 7)),
        Column("econ_code", "经济科目编码", CODE, True, _ECON.aliases, digits=(3, 5)),
        _FUND,
        Column("payee", "收款人", TEXT, True, ("收款人全称", "收款人名称", "收款方账户名称", "收款单位", "payee_acct_name")),
        Column("amount", "金额", AMOUNT, True, ("支付金额", "支出金额", "实付金额", "pay_app_amt"), nonzero=True),
        Column("payee_account", "收款账号", CODE, False, ("收款人账号", "收款方账号", "payee_acct_no")),
        Column("purpose", "用途", TEXT, False, ("资金用途", "摘要", "use_des")),
        _PROJECT_REF,
    ),
    key=("voucher_no",),
)

ASSETS_ENTERPRISE = Feed(
    name="assets_enterprise", cn="国有企业资产",
    columns=(
        _YEAR,
        Column("enterprise_code", "统一社会信用代码", CODE, True, ("企业代码", "信用代码", "credit_code"), length=18),
        Column("enterprise_name", "企业名称", TEXT, True, ("企业全称", "corp_name")),
        Column("supervisor_code", "监管单位编码", CODE, False, ("主管部门编码", "出资人编码", "履行出资人职责机构编码")),
        Column("total_assets", "资产总额", AMOUNT, True, ("资产合计", "总资产")),
        Column("total_liabilities", "负债总额", AMOUNT, True, ("负债合计", "总负债")),
        Column("owner_equity", "所有者权益", AMOUNT, True, ("所有者权益合计", "净资产", "权益合计")),
        Column("revenue", "营业收入", AMOUNT, False, ("营业总收入", "主营业务收入")),
        Column("profit", "利润总额", AMOUNT, True, ("利润", "净利润")),
    ),
    key=("year", "enterprise_code"),
)

ASSETS_ADMIN = Feed(
    name="assets_admin", cn="行政事业性国有资产",
    columns=(
        _YEAR,
        Column("dept_code", "单位编码", CODE, True, DEPT_CODE_ALIASES),
        Column("asset_category", "资产类别", TEXT, True, ("资产分类", "资产类型", "类别")),
        Column("quantity", "数量", NUMBER, False, ("资产数量", "数量/面积")),
        Column("book_value", "账面价值", AMOUNT, True, ("账面原值", "资产原值", "原值"), nonneg=True),
        Column("idle_value", "闲置资产价值", AMOUNT, False, ("闲置价值", "闲置资产", "闲置资产账面价值"),
               nonneg=True, default_zero=True),
    ),
    key=("year", "dept_code", "asset_category"),
)

AUDIT_FINDINGS = Feed(
    name="audit_findings", cn="审计查出问题整改台账",
    columns=(
        Column("finding_id", "问题编号", CODE, True, ("问题序号", "问题代码", "编号")),
        Column("audit_year", "审计年度", YEAR, True, ("审计年份",)),
        Column("audit_project", "审计项目", TEXT, False, ("审计项目名称", "项目名称")),
        Column("dept_code", "责任单位编码", CODE, True, ("被审计单位编码", "整改责任单位编码", *DEPT_CODE_ALIASES)),
        Column("category", "问题类别", TEXT, True, ("问题类型", "问题分类")),
        Column("description", "问题描述", TEXT, False, ("问题内容", "问题摘要")),
        Column("amount_involved", "涉及金额", AMOUNT, False, ("问题金额", "涉及资金"), nonneg=True, default_zero=True),
        Column("deadline", "整改期限", DATE, True, ("整改时限", "整改截止日期", "整改结束日期")),
        Column("status", "整改状态", ENUM, True, ("整改情况", "整改进度"), synonyms=AUDIT_STATUS_SYNONYMS),
        Column("amount_rectified", "已整改金额", AMOUNT, False, ("整改金额", "已整改资金"), nonneg=True,
               default_zero=True),
        Column("rectified_date", "整改完成日期", DATE, False, ("完成整改日期", "整改完成时间")),
    ),
    key=("finding_id",),
)

# -- suggestions: 代表建议办理台账 ------------------------------------------------------------
SUGGESTION_ROLES = ("主办", "协办", "分办")
SUGGESTION_ROLE_SYNONYMS = {
    "主办": "主办", "主办单位": "主办", "main": "主办", "lead": "主办", "main unit": "主办",
    "协办": "协办", "协办单位": "协办", "co-handling": "协办", "cohandling": "协办", "co-handler": "协办",
    "co": "协办", "assisting": "协办",
    "分办": "分办", "分办单位": "分办", "separately handled": "分办", "separate": "分办", "separately": "分办",
}
REPLY_CLASSES = ("A", "B", "C", "D")
REPLY_CLASS_WORDS = {"A": "已解决或基本解决", "B": "正在解决或列入计划", "C": "因条件限制待以后解决", "D": "留作参考"}
REPLY_CLASS_SYNONYMS: dict[str, str] = {}
for _c, _words in REPLY_CLASS_WORDS.items():
    _full = chr(ord(_c) + 0xFEE0)   # the full-width letter (Ａ) some exports type
    for _k in (_c, f"{_c}类", _full, f"{_full}类", _words, f"{_c}类{_words}", f"{_c}类（{_words}）",
               f"{_c}类({_words})", f"{_c}（{_words}）", f"{_c}({_words})", f"{_c}{_words}", f"{_c}类：{_words}"):
        REPLY_CLASS_SYNONYMS[_k] = _c
REPLY_CLASS_SYNONYMS.update({"已解决": "A", "基本解决": "A", "正在解决": "B", "列入计划": "B",
                             "待以后解决": "C", "留作参考": "D"})
SATISFACTION = ("满意", "基本满意", "不满意")
SATISFACTION_SYNONYMS = {
    "满意": "满意", "satisfied": "满意",
    "基本满意": "基本满意", "basically satisfied": "基本满意", "basically": "基本满意", "fairly satisfied": "基本满意",
    "不满意": "不满意", "unsatisfied": "不满意", "dissatisfied": "不满意", "not satisfied": "不满意",
}
RATING_SOURCES = ("代表本人", "承办单位代填")
RATING_SOURCE_SYNONYMS = {
    "代表本人": "代表本人", "代表": "代表本人", "本人": "代表本人", "代表本人测评": "代表本人", "deputy": "代表本人",
    "the deputy": "代表本人", "self": "代表本人",
    "承办单位代填": "承办单位代填", "单位代填": "承办单位代填", "代填": "承办单位代填", "承办单位": "承办单位代填",
    "handling unit": "承办单位代填", "unit": "承办单位代填", "filled in by the handling unit": "承办单位代填",
    "proxy": "承办单位代填",
}
YES_NO_SYNONYMS = {"是": "是", "否": "否", "yes": "是", "no": "否", "y": "是", "n": "否", "true": "是", "false": "否",
                   "1": "是", "0": "否", "重点督办": "是", "√": "是", "✓": "是"}

SUGGESTIONS = Feed(
    name="suggestions", cn="代表建议办理台账",
    columns=(
        Column("suggestion_no", "建议编号", CODE, True, ("建议号", "议案建议编号", "编号", "建议序号")),
        Column("year", "年度", YEAR, True, ("会议年度", "届次年度", "建议年度")),
        Column("title", "建议标题", TEXT, True, ("建议题目", "建议名称", "标题", "案由")),
        Column("field", "建议领域", TEXT, False, ("领域", "建议类别", "内容分类", "分类")),
        Column("lead_deputy", "领衔代表", TEXT, True, ("领衔人", "提出代表", "代表姓名", "领衔代表姓名")),
        Column("co_deputies", "附议代表", TEXT, False, ("附议人", "联名代表", "附议代表姓名")),
        Column("priority", "重点督办", ENUM, False, ("是否重点督办", "重点督办建议", "重点建议"),
               synonyms=YES_NO_SYNONYMS, default_value="否"),
        Column("dept_code", "承办单位编码", CODE, True, ("承办单位代码", "办理单位编码", *DEPT_CODE_ALIASES)),
        Column("role", "承办方式", ENUM, True, ("办理方式", "承办类型", "主协办", "承办角色"),
               synonyms=SUGGESTION_ROLE_SYNONYMS),
        Column("assigned_date", "交办日期", DATE, True, ("交办时间", "交办日")),
        Column("extended_to", "延期至", DATE, False, ("延期答复日期", "批准延期至", "延期日期")),
        Column("replied_date", "答复日期", DATE, False, ("答复时间", "办复日期", "书面答复日期")),
        Column("reply_class", "答复类别", ENUM, False, ("答复分类", "办理结果类别", "答复类型"),
               synonyms=REPLY_CLASS_SYNONYMS),
        Column("promised_date", "承诺办结日期", DATE, False, ("承诺完成日期", "承诺办结时间", "承诺解决日期")),
        Column("satisfaction", "代表满意度", ENUM, False, ("满意度", "代表意见", "测评结果", "满意度测评"),
               synonyms=SATISFACTION_SYNONYMS),
        Column("rating_source", "测评来源", ENUM, False, ("测评方式", "满意度来源", "填报方式"),
               synonyms=RATING_SOURCE_SYNONYMS, default_value="代表本人"),
        Column("rated_date", "测评日期", DATE, False, ("测评时间", "反馈日期", "满意度测评日期")),
        Column("second_reply_date", "再次答复日期", DATE, False, ("二次答复日期", "重新答复日期", "再答复日期")),
        Column("closed_date", "办结日期", DATE, False, ("办结时间", "完成日期")),
    ),
    key=("suggestion_no", "dept_code"),
)


# -- 项目监督: the livelihood projects the deputies voted (民生实事) and the government investment
# projects (政府投资项目): the 项目库, the monthly progress reports and the year-end vote. Aliases are
# the column titles the development-and-reform (项目库, 重大项目调度), finance (预算管理一体化) and
# congress offices (满意度测评) export.
PROJECT_STATUS = ("未开工", "在建", "已完工", "停工")
PROJECT_STATUS_SYNONYMS = {
    "未开工": "未开工", "尚未开工": "未开工", "前期": "未开工", "前期工作": "未开工", "not started": "未开工",
    "在建": "在建", "建设中": "在建", "施工中": "在建", "续建": "在建", "新开工": "在建", "已开工": "在建",
    "under construction": "在建", "in progress": "在建", "ongoing": "在建",
    "已完工": "已完工", "完工": "已完工", "竣工": "已完工", "已竣工": "已完工", "已完成": "已完工",
    "finished": "已完工", "completed": "已完工", "done": "已完工",
    "停工": "停工", "暂停": "停工", "停建": "停工", "缓建": "停工", "halted": "停工", "suspended": "停工",
}

_CODE = Column("project_code", "项目编码", CODE, True, PROJECT_CODE_ALIASES)

PROJECTS = Feed(
    name="projects", cn="项目库",
    columns=(
        _CODE,
        Column("project_name", "项目名称", TEXT, True, ("项目全称", "民生实事项目名称", "pro_name")),
        Column("dept_code", "责任单位编码", CODE, True,
               ("牵头单位编码", "项目单位编码", "实施单位编码", "责任单位代码", "牵头单位代码", *DEPT_CODE_ALIASES)),
        Column("category", "项目类别", TEXT, False, ("项目类型", "所属领域", "行业类别", "项目分类")),
        Column("livelihood_year", "票决年度", YEAR, False, ("票决年份", "民生实事年度", "民生实事项目年度")),
        Column("is_investment", "政府投资项目", BOOL, False, ("是否政府投资项目", "是否重大项目", "政府投资"),
               default_zero=True),
        Column("target", "量化目标", TEXT, False, ("建设内容及目标", "建设规模及内容", "目标任务", "绩效目标")),
        Column("total_investment", "总投资", AMOUNT, True, ("项目总投资", "计划总投资", "总投资额"), nonneg=True),
        Column("approved_estimate", "批复概算", AMOUNT, False, ("概算总投资", "批复概算总投资", "概算金额", "概算"),
               nonneg=True),
        Column("planned_start", "计划开工日期", DATE, True, ("计划开工时间", "计划开工")),
        Column("planned_finish", "计划完工日期", DATE, True, ("计划竣工日期", "计划完工时间", "计划竣工时间", "计划完工")),
        Column("actual_start", "实际开工日期", DATE, False, ("实际开工时间", "开工日期")),
        Column("actual_finish", "实际完工日期", DATE, False, ("实际竣工日期", "实际完工时间", "竣工日期", "完工日期")),
        Column("funding_source", "资金来源", TEXT, False, ("资金渠道", "资金来源渠道")),
    ),
    key=("project_code",),
    row_checks=(("planned_finish", "planned_finish < planned_start", "finish_before_start"),),
)

PROJECT_PROGRESS = Feed(
    name="project_progress", cn="项目进度报送",
    columns=(
        _CODE,
        Column("report_date", "报送截至日期", DATE, True,
               ("截至日期", "截止日期", "数据截止日期", "统计截止日期", "报送日期", "填报日期")),
        Column("year_plan", "年度计划投资", AMOUNT, True, ("本年计划投资", "年度投资计划", "年度计划完成投资"), nonneg=True),
        Column("year_completed", "本年累计完成投资", AMOUNT, True,
               ("本年完成投资", "年度完成投资", "本年累计完成", "年初至今完成投资"), nonneg=True),
        Column("total_completed", "开工以来累计完成投资", AMOUNT, False,
               ("累计完成投资", "自开工累计完成投资", "开累完成投资"), nonneg=True),
        Column("physical_progress", "形象进度", PERCENT, False, ("形象进度(%)", "形象进度（%）", "工程形象进度", "工程进度", "完成进度")),
        Column("status", "项目状态", ENUM, True, ("建设状态", "进展状态", "项目进展状态"), synonyms=PROJECT_STATUS_SYNONYMS),
        Column("note", "进度说明", TEXT, False, ("进展情况", "进度情况说明", "存在问题", "备注")),
    ),
    key=("project_code", "report_date"),
    refs=(("project_code", "projects", "project_code"),),
)

PROJECT_EVALUATION = Feed(
    name="project_evaluation", cn="民生实事满意度测评",
    columns=(
        Column("year", "年度", YEAR, True, ("测评年度", "预算年度", "票决年度")),
        _CODE,
        Column("members", "应到人数", COUNT, True, ("应到", "应参加测评人数", "组成人员数"), nonneg=True, nonzero=True),
        Column("present", "实到人数", COUNT, True, ("实到", "参加测评人数", "实际参加人数"), nonneg=True, nonzero=True),
        Column("satisfied", "满意票", COUNT, True, ("满意", "满意票数"), nonneg=True),
        Column("basically_satisfied", "基本满意票", COUNT, True, ("基本满意", "基本满意票数"), nonneg=True),
        Column("unsatisfied", "不满意票", COUNT, True, ("不满意", "不满意票数"), nonneg=True),
        Column("abstained", "弃权票", COUNT, False, ("弃权", "弃权票数"), nonneg=True, default_zero=True),
    ),
    key=("year", "project_code"),
    refs=(("project_code", "projects", "project_code"),),
    row_checks=(
        ("present", "present > members", "present_over_members"),
        ("satisfied", "satisfied + basically_satisfied + unsatisfied + abstained > present", "votes_over_present"),
    ),
)


# Amounts of the debt tables finance bureaus publish usually come in 亿元 (a `单位：亿元` line).
DEBT = Feed(
    name="debt", cn="政府债务限额与余额",
    columns=(
        Column("year", "年度", YEAR, True, ("预算年度", "财政年度", "年份", "fiscal_year")),
        Column("region_code", "行政区划代码", CODE, True,
               ("区划代码", "区划编码", "行政区划编码", "财政区划代码", "地区编码", "地区代码", "mof_div_code",
                "admdiv_code"), digits=(2, 4, 6), pad_to=6),
        Column("region_name", "地区名称", TEXT, True, ("地区", "区划名称", "行政区划名称", "地区名", "mof_div_name",
                                                   "region")),
        Column("debt_type", "债务类型", ENUM, True, ("债务类别", "债务种类", "债务分类", "type"),
               synonyms=DEBT_TYPE_SYNONYMS),
        Column("limit_amount", "债务限额", AMOUNT, True,
               ("限额", "政府债务限额", "年末债务限额", "债务限额数", "debt_limit", "limit"), nonneg=True),
        Column("balance", "债务余额", AMOUNT, True,
               ("余额", "政府债务余额", "年末债务余额", "债务余额数", "debt_balance"), nonneg=True),
        Column("new_quota", "新增债务限额", AMOUNT, False, ("新增限额", "当年新增债务限额", "新增债务限额数", "new_limit"),
               nonneg=True),
        Column("new_issued", "新增债券发行额", AMOUNT, False,
               ("新增债券发行", "新增债券", "新增债券发行规模", "新增债务发行额", "new_bonds", "new_issuance"),
               nonneg=True),
        Column("refinancing_issued", "再融资债券发行额", AMOUNT, False,
               ("再融资债券", "再融资债券发行", "再融资债券发行规模", "refinancing", "refinancing_bonds"), nonneg=True),
        Column("principal_repaid", "还本额", AMOUNT, False, ("还本", "债务还本", "还本支出", "偿还本金", "principal"),
               nonneg=True),
        Column("interest_paid", "付息额", AMOUNT, False, ("付息", "债务付息", "付息支出", "利息支出", "interest"),
               nonneg=True),
        Column("fiscal_capacity", "综合财力", AMOUNT, False,
               ("地方综合财力", "综合财力合计", "fiscal_resources"), nonneg=True),
    ),
    key=("year", "region_code", "debt_type"),
    agree=(("fiscal_capacity", ("year", "region_code")),),
)

FEEDS: dict[str, Feed] = {f.name: f for f in (DEPARTMENTS, BUDGET, PAYMENTS, ASSETS_ENTERPRISE, ASSETS_ADMIN,
                                              AUDIT_FINDINGS, SUGGESTIONS, PROJECTS, PROJECT_PROGRESS,
                                              PROJECT_EVALUATION, DEBT)}
