"""The dashboard's words, Chinese first, English by ``?lang=en``.

``t(key, lang, **values)`` looks a string up and fills ``{placeholders}``. Department names,
payees and other data stay as the feeds give them.
"""
from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

STRINGS: dict[str, dict[str, str]] = {
    # frame
    "app.name": {"zh": "预算联网监督", "en": "Budget Online Supervision"},
    "nav.overview": {"zh": "总览", "en": "Overview"},
    "nav.execution": {"zh": "预算执行", "en": "Budget execution"},
    "nav.departments": {"zh": "部门", "en": "Departments"},
    "nav.assets": {"zh": "国有资产", "en": "State assets"},
    "nav.audit": {"zh": "审计整改", "en": "Audit rectification"},
    "nav.warnings": {"zh": "预警", "en": "Warnings"},
    "nav.data": {"zh": "数据", "en": "Data"},
    "nav.soon": {"zh": "即将推出", "en": "coming soon"},
    "nav.label": {"zh": "页面导航", "en": "Pages"},
    "lang.switch": {"zh": "English", "en": "中文"},
    "lang.switch_title": {"zh": "Switch to English", "en": "切换为中文"},
    "page.not_found": {"zh": "没有这个页面：{path}。", "en": "There is no page at {path}."},
    "page.back_home": {"zh": "回到总览", "en": "Back to the overview"},
    "svg.download": {"zh": "下载 SVG", "en": "Download SVG"},
    "svg.title": {"zh": "下载矢量图（SVG），适合报告和幻灯片；PNG 请用图表右上角的相机按钮",
                  "en": "Download as vector image (SVG) for reports and slides; for PNG use the camera in the chart's toolbar"},
    # table downloads (tables.py)
    "export.csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "export.xlsx": {"zh": "下载 Excel", "en": "Download Excel"},
    "export.hint": {"zh": "下载整张表（不只是当前页），文件开头注明筛选条件、数据截至日期和导出时间",
                    "en": "Download the whole table (not just this page); the file starts with its filters, "
                          "the data's as-of date and the export time"},
    "export.title": {"zh": "表名", "en": "Table"},
    "export.filter": {"zh": "筛选：{name}", "en": "Filter: {name}"},
    "export.as_of": {"zh": "数据截至", "en": "Data as of"},
    "export.exported_at": {"zh": "导出时间", "en": "Exported at"},
    "export.rows": {"zh": "行数", "en": "Rows"},
    # units
    "unit.wan": {"zh": "万元", "en": "10k yuan"},
    "unit.yi": {"zh": "亿元", "en": "100M yuan"},
    "unit.points": {"zh": "个百分点", "en": "points"},
    # fund types (四本预算)
    "fund.一般公共预算": {"zh": "一般公共预算", "en": "General public budget"},
    "fund.政府性基金预算": {"zh": "政府性基金预算", "en": "Government fund budget"},
    "fund.国有资本经营预算": {"zh": "国有资本经营预算", "en": "State capital operation budget"},
    "fund.社会保险基金预算": {"zh": "社会保险基金预算", "en": "Social insurance fund budget"},
    # feeds
    "feed.departments": {"zh": "预算单位", "en": "Budget units"},
    "feed.budget": {"zh": "预算指标", "en": "Budget lines"},
    "feed.payments": {"zh": "国库集中支付", "en": "Treasury payments"},
    "feed.assets_enterprise": {"zh": "国有企业资产", "en": "State enterprise assets"},
    "feed.assets_admin": {"zh": "行政事业性国有资产", "en": "Administrative assets"},
    "feed.audit_findings": {"zh": "审计整改台账", "en": "Audit findings"},
    # overview: controls
    "overview.title": {"zh": "总览", "en": "Overview"},
    "overview.year": {"zh": "年度", "en": "Year"},
    "overview.as_of": {"zh": "截至日期", "en": "As of"},
    "overview.schedule": {"zh": "序时进度 {pct}（截至 {date}，全年已过 {day}/{days} 天）",
                          "en": "Time schedule {pct} (as of {date}, day {day} of {days})"},
    # overview: headline
    "headline.adjusted": {"zh": "调整预算", "en": "Adjusted budget"},
    "headline.original": {"zh": "年初预算 {amount}", "en": "Original budget {amount}"},
    "headline.spent": {"zh": "已支出", "en": "Spent"},
    "headline.spent_note": {"zh": "截至 {date}", "en": "as of {date}"},
    "headline.rate": {"zh": "执行进度", "en": "Execution rate"},
    "headline.rate_note": {"zh": "较序时进度 {diff}", "en": "{diff} against the time schedule"},
    "headline.lagging": {"zh": "明显滞后的部门", "en": "Departments lagging"},
    "headline.lagging_value": {"zh": "{n} / {total} 个", "en": "{n} of {total}"},
    "headline.lagging_note": {"zh": "执行进度低于序时进度 15 个百分点以上",
                              "en": "more than 15 points behind the time schedule"},
    # overview: figures
    "fig.departments.title": {"zh": "{year}年各部门预算执行进度（截至 {date}）",
                              "en": "Budget execution by department, {year} (as of {date})"},
    "fig.departments.x": {"zh": "执行进度", "en": "Execution rate"},
    "fig.departments.schedule": {"zh": "序时进度 {pct}", "en": "Time schedule {pct}"},
    "fig.departments.hover": {"zh": "执行进度 {rate}<br>已支出 {spent}<br>调整预算 {adjusted}",
                              "en": "Execution {rate}<br>Spent {spent}<br>Adjusted budget {adjusted}"},
    "fig.departments.no_budget": {"zh": "另有 {n} 个部门有支出但无预算：{names}",
                                  "en": "{n} more with spending but no budget: {names}"},
    "fig.band.ahead": {"zh": "达到序时进度", "en": "On or ahead of schedule"},
    "fig.band.behind": {"zh": "落后 15 个百分点以内", "en": "Behind by up to 15 points"},
    "fig.band.medium": {"zh": "落后 15–30 个百分点", "en": "Behind by 15–30 points"},
    "fig.band.high": {"zh": "落后 30 个百分点以上", "en": "Behind by more than 30 points"},
    "fig.funds.title": {"zh": "{year}年四本预算执行情况（截至 {date}）",
                        "en": "The four budgets, {year} (as of {date})"},
    "fig.funds.sub": {"zh": "已支出 {spent} / 调整预算 {adjusted}（{unit}）",
                      "en": "spent {spent} of {adjusted} ({unit})"},
    "fig.funds.none": {"zh": "无预算", "en": "no budget"},
    "fig.monthly.title": {"zh": "{year}年逐月累计支出与上年对比", "en": "Cumulative spending by month, {year} against {prev}"},
    "fig.monthly.x": {"zh": "月份", "en": "Month"},
    "fig.monthly.y": {"zh": "累计支出", "en": "Cumulative spending"},
    "fig.monthly.year": {"zh": "{year}年", "en": "{year}"},
    "fig.monthly.hover": {"zh": "{year}年{month}月<br>累计 {cumulative}<br>当月 {spent}",
                          "en": "{month}/{year}<br>cumulative {cumulative}<br>month {spent}"},
    "fig.empty": {"zh": "暂无数据", "en": "No data"},
    # overview: freshness
    "fresh.title": {"zh": "数据截至", "en": "Data as of"},
    "fresh.feed": {"zh": "数据", "en": "Feed"},
    "fresh.rows": {"zh": "行数", "en": "Rows"},
    "fresh.as_of": {"zh": "数据截至", "en": "Data as of"},
    "fresh.loaded": {"zh": "最近导入", "en": "Last loaded"},
    "fresh.file": {"zh": "文件", "en": "File"},
    "fresh.state": {"zh": "状态", "en": "State"},
    "fresh.ok": {"zh": "正常", "en": "Current"},
    "fresh.stale": {"zh": "需更新（超过 {days} 天未导入）", "en": "Stale (not loaded for over {days} days)"},
    "fresh.empty": {"zh": "未导入", "en": "Not loaded"},
    # overview: messages
    "empty.none": {"zh": "尚未导入任何数据，总览暂时无从显示。",
                   "en": "No data has been loaded yet, so there is nothing to show."},
    "empty.no_budget": {"zh": "已导入的数据中还没有预算指标或国库支付明细，总览无从计算执行进度。",
                        "en": "The data loaded so far holds no budget lines or treasury payments, "
                              "so budget execution cannot be shown."},
    "empty.how": {"zh": "导入数据请运行 {ingest}（例如 {example}），或运行 {demo} 载入一座演示城市。",
                  "en": "To load data run {ingest} (for example {example}), or run {demo} to load a demo city."},
    "error.query": {"zh": "数据查询未能完成，请稍后再试；如仍失败，请联系系统管理员。",
                    "en": "The data query did not complete. Please try again; if it keeps failing, "
                          "tell the system administrator."},
    "error.unexpected": {"zh": "页面出错了，未能显示数据。请稍后再试；如仍失败，请联系系统管理员。",
                         "en": "Something went wrong and the data could not be shown. Please try again; "
                               "if it keeps failing, tell the system administrator."},
    # execution (预算执行) drill-down
    "exec.title": {"zh": "预算执行", "en": "Budget execution"},
    "exec.by": {"zh": "下钻方式", "en": "Drill down by"},
    "exec.by.func": {"zh": "按功能分类", "en": "Function"},
    "exec.by.dept": {"zh": "按部门", "en": "Department"},
    "exec.root.func": {"zh": "全部支出", "en": "All spending"},
    "exec.root.dept": {"zh": "全部部门", "en": "All departments"},
    "exec.level.func.0": {"zh": "类", "en": "class"},
    "exec.level.func.1": {"zh": "款", "en": "subclass"},
    "exec.level.func.2": {"zh": "项", "en": "item"},
    "exec.level.dept.0": {"zh": "部门", "en": "department"},
    "exec.level.dept.1": {"zh": "预算单位", "en": "budget unit"},
    "exec.level.dept.2": {"zh": "经济分类（款）", "en": "economic item"},
    "exec.level.title": {"zh": "{node}：各{level}执行情况", "en": "{node}: execution by {level}"},
    "exec.treemap.title": {"zh": "{year}年{node}：各{level}执行情况（截至 {date}）",
                           "en": "{node}: execution by {level}, {year} (as of {date})"},
    "exec.treemap.note": {"zh": "面积：调整预算（{unit}）；颜色：与序时进度差",
                          "en": "Area: adjusted budget ({unit}); colour: gap to the time schedule"},
    "exec.treemap.no_budget": {"zh": "另有 {n} 项有支出但无预算：{names}",
                               "en": "{n} more with spending but no budget: {names}"},
    "exec.tile": {"zh": "执行 {rate}　{gap}", "en": "{rate} spent, {gap}"},
    "exec.hover": {"zh": "执行进度 {rate}（较序时进度 {gap}）<br>调整预算 {adjusted}<br>已支出 {spent}",
                   "en": "Execution {rate} ({gap} against schedule)<br>Adjusted budget {adjusted}<br>Spent {spent}"},
    "exec.monthly.title": {"zh": "{node}：{year}年逐月累计支出与上年对比",
                           "en": "{node}: cumulative spending by month, {year} against {prev}"},
    "exec.crumbs": {"zh": "当前位置", "en": "You are here"},
    "exec.up": {"zh": "← 返回上一级", "en": "← Up one level"},
    "exec.show_vouchers": {"zh": "查看凭证", "en": "Vouchers"},
    "exec.hide_vouchers": {"zh": "收起凭证", "en": "Hide vouchers"},
    "exec.hint": {"zh": "点击色块或表中名称逐级下钻，最末一级显示支付凭证；浏览器“后退”返回上一步。",
                  "en": "Click a tile or a name in the table to drill down; the last level shows the payment "
                        "vouchers. The browser's Back button goes back one step."},
    "exec.vouchers.title": {"zh": "{node}：支付凭证（{year}年1月1日至 {date}，共 {n} 笔）",
                            "en": "{node}: payment vouchers (1 Jan {year} to {date}, {n} in all)"},
    "exec.vouchers.only": {"zh": "只显示凭证 {no}。", "en": "Showing voucher {no} only."},
    "exec.vouchers.all": {"zh": "显示全部凭证", "en": "Show all vouchers"},
    "exec.vouchers.hint": {"zh": "表头可排序、筛选（金额、日期可按范围）；下载的文件包含全部符合条件的凭证（最多 100 万笔）。",
                           "en": "Sort and filter by the column headers (amounts and dates by range); downloads "
                                 "hold every matching voucher (up to 1 million)."},
    "exec.empty": {"zh": "{year}年{node}没有预算指标，也没有截至 {date} 的支付记录。",
                   "en": "{node} has no budget lines and no payments up to {date} in {year}."},
    "exec.col.code": {"zh": "编码", "en": "Code"},
    "exec.col.name": {"zh": "名称", "en": "Name"},
    "exec.col.original": {"zh": "年初预算", "en": "Original budget"},
    "exec.col.adjusted": {"zh": "调整预算", "en": "Adjusted budget"},
    "exec.col.spent": {"zh": "已支出", "en": "Spent"},
    "exec.col.rate": {"zh": "执行进度", "en": "Execution rate"},
    "exec.col.gap": {"zh": "与序时进度差（个百分点）", "en": "Gap to schedule (points)"},
    "exec.col.payments": {"zh": "支付笔数", "en": "Payments"},
    "exec.vcol.voucher_no": {"zh": "凭证号", "en": "Voucher"},
    "exec.vcol.pay_date": {"zh": "支付日期", "en": "Date"},
    "exec.vcol.unit": {"zh": "预算单位", "en": "Budget unit"},
    "exec.vcol.dept_code": {"zh": "单位编码", "en": "Unit code"},
    "exec.vcol.func": {"zh": "功能分类", "en": "Function"},
    "exec.vcol.econ": {"zh": "经济分类", "en": "Economic class"},
    "exec.vcol.fund_type": {"zh": "资金性质", "en": "Budget"},
    "exec.vcol.payee": {"zh": "收款人", "en": "Payee"},
    "exec.vcol.amount": {"zh": "金额（元）", "en": "Amount (yuan)"},
    "exec.vcol.purpose": {"zh": "用途", "en": "Purpose"},
    "exec.export.level": {"zh": "{year}年{node}各{level}预算执行", "en": "{node}: execution by {level}, {year}"},
    "exec.export.vouchers": {"zh": "{year}年{node}支付凭证", "en": "{node}: payment vouchers, {year}"},
    "exec.f.year": {"zh": "年度", "en": "Year"},
    "exec.f.node": {"zh": "位置", "en": "Node"},
    "exec.f.voucher": {"zh": "凭证号", "en": "Voucher"},
    "exec.f.grid": {"zh": "表格筛选", "en": "Grid filter"},
    "months.short": {"zh": "1月,2月,3月,4月,5月,6月,7月,8月,9月,10月,11月,12月",
                     "en": "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec"},
}


def norm_lang(lang: str | None) -> str:
    """``en`` or the default ``zh``; anything else is the default."""
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **values: object) -> str:
    """The string for ``key`` in ``lang``, with ``values`` filled in. A missing key is a bug: KeyError."""
    text = STRINGS[key][norm_lang(lang)]
    return text.format(**values) if values else text


def months(lang: str | None) -> list[str]:
    return t("months.short", lang).split(",")


def data_label(kind: str, value: str, lang: str | None) -> str:
    """A known data value in the reader's language (``fund``, ``feed``); unknown ones as they are."""
    entry = STRINGS.get(f"{kind}.{value}")
    return entry[norm_lang(lang)] if entry else value
