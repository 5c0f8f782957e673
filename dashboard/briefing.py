"""监督简报 — the supervision briefing: one document for a year and as-of date, for the whole
budget or one department, to print or hand round at a meeting.

    briefing = collect(store, year=2025, as_of=date(2025, 6, 30), dept=None, top=10)
    html_text = to_html(briefing)          # self-contained: charts embedded as SVG
    pdf_bytes = to_pdf(html_text)          # Debian's headless Chromium prints it (A4)

Sections: 一、总体情况 (headline figures, the four budgets), 二、预算执行与序时进度 (departments
against the time schedule, spending by month), 三、预警情况 (the top warnings with their
one-sentence explanations), 四、审计整改 (overdue rectifications), 五、国有企业 (debt ratio
above the LEVERAGE threshold, loss-making enterprises), 六、代表建议办理 (overdue replies, broken
promises, unsatisfied deputies, units below the satisfaction line: ``briefing_suggestions``), 九、政府债务
(balances against the limits, 债务率 against the tiers in force, the debt warnings; ``briefing_debt.py``;
whole budget only). Each chart is the dashboard's own
(``dashboard.views``), rendered by kaleido; a chart whose view is not available is left out,
never redrawn differently.

Which warnings are counted: the active flags of the year at the as-of date (``queries.flags``,
the same computation as ``budgetwatch flags``), red (high) and orange (medium), less those a
reviewer dismissed (排除). On data without reviews the number equals the high + medium flags
``budgetwatch flags`` lists. The table shows the first ``top`` of them by severity, then
amount (largest first).

All data goes into the HTML through ``html.escape``.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import logging
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import pandas as pd

from budgetwatch.errors import BudgetwatchError
from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import briefing_debt, briefing_projects, inquiry_briefing, snapshot, views
from budgetwatch.queries import briefing as qb
from budgetwatch.queries import flags as qflags
from budgetwatch.queries import overview as q
from budgetwatch.queries.exports import dept_name
from budgetwatch.queries.rules import RULES_BY_ID
from budgetwatch.queries.rules.base import SEVERITY_CN
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.store import Store

log = logging.getLogger("budgetwatch.briefing")

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
SECTIONS = ("一、总体情况", "二、预算执行与序时进度", "三、预警情况", "四、审计整改", "五、国有企业",
            "六、代表建议办理",
            inquiry_briefing.HEADING, briefing_projects.TITLE, "九、政府债务")
DEFAULT_TOP = 10
LIST_MAX = 15        # rows of the overdue / enterprise tables (the rest counted, not listed)


class BriefingError(BudgetwatchError, RuntimeError):
    """The briefing cannot be made as asked; the message is fit to show a person."""


@dataclass
class Chart:
    section: int             # index into SECTIONS
    view: str
    svg: bytes
    title: str


@dataclass
class Briefing:
    year: int
    as_of: dt.date
    schedule: float
    dept_code: str | None
    dept_name: str | None
    generated_at: dt.datetime
    headline: dict
    departments: pd.DataFrame          # department_execution (whole budget) or the one row
    lagging: pd.DataFrame              # departments more than 15 points behind schedule
    counts: dict[str, int]             # active flags by severity (all levels)
    dismissed: int                     # high/medium flags reviewed as dismissed (not counted)
    warnings_total: int                # high + medium, active, not dismissed
    warnings: pd.DataFrame             # the first ``top`` of them
    overdue: pd.DataFrame
    overdue_total: int
    leverage: pd.DataFrame
    losses: pd.DataFrame
    max_ratio_pct: float
    enterprises: int = 0               # enterprises of the year in scope
    suggestions: object = None         # briefing_suggestions.SuggestionSection, or None
    debt: briefing_debt.DebtSection | None = None   # whole budget only (debt belongs to regions)
    charts: list[Chart] = field(default_factory=list)
    inquiries: dict | None = None      # 七、询问督办 (dashboard/inquiry_briefing.py)
    projects: dict | None = None       # 民生实事与重大项目 (dashboard/briefing_projects.py); None: no projects

    @property
    def scope(self) -> str:
        return f"{self.dept_name}（{self.dept_code}）" if self.dept_code else "全市预算"

    @property
    def title(self) -> str:
        who = f"{self.dept_name}" if self.dept_code else ""
        return f"{self.year}年{who}预算执行监督简报"


# -- collecting ------------------------------------------------------------------------------
def collect(store: Store, year: int | None = None, as_of: dt.date | None = None, dept: str | None = None,
            top: int = DEFAULT_TOP, *, charts: bool = True, lang: str = "zh") -> Briefing:
    """Everything the briefing says, from the store (queries and the flags' own computation)."""
    dept = (dept or "").strip() or None
    with store.reader() as con:
        period = q.resolve_period(con, year, as_of)
        if period is None:
            raise BriefingError("还没有预算或支付数据，无法生成简报 / no budget or payment data loaded yet")
        if year is not None and period.year != year:
            raise BriefingError(f"{year}年没有预算或支付数据 / no budget or payment data for {year}")
        depts = q.department_execution(con, period.year, period.as_of)
        funds = q.fund_totals(con, period.year, period.as_of)
        name = None
        units = None
        if dept:
            name = dept_name(con, dept)
            if name is None or dept not in set(depts["dept_code"]):
                raise BriefingError(f"{dept} 不是一个主管部门 / {dept} is not a top-level department")
            units = qb.department_units(con, dept)
        ancestors, _names = qflags.unit_ancestors(con)

    flags = qflags.flags_with_reviews(store, period.year, period.as_of.isoformat())
    if dept:
        flags = flags[[dept in ancestors.get(str(c), {str(c)}) for c in flags["dept_code"]]]
    active = flags[flags["state"] == "active"]
    counts = {s: int((active["severity"] == s).sum()) for s in SEVERITY_ORDER}
    serious = active[active["severity"].isin(["high", "medium"])]
    dismissed = serious["review_status"].eq("dismissed")
    shown = serious[~dismissed].copy()
    shown["_sev"] = shown["severity"].map(SEVERITY_ORDER)
    shown = shown.sort_values(["_sev", "amount", "rule", "entity_key"], ascending=[True, False, True, True],
                              kind="stable").drop(columns="_sev")

    thresholds = load_thresholds(store.data_dir)
    max_ratio = float(thresholds.value("LEVERAGE", "max_ratio_pct"))
    overdue_flags = active[active["rule"] == "AUDIT_OVERDUE"]
    lev_flags = active[active["rule"] == "LEVERAGE"]
    with store.reader() as con:
        overdue = qb.findings_by_id(con, list(overdue_flags["entity_key"]), period.as_of)
        ents = qb.enterprises(con, period.year, units)
    overdue = overdue.merge(overdue_flags[["entity_key", "severity", "message"]],
                            left_on="finding_id", right_on="entity_key").drop(columns="entity_key")
    leverage = ents[ents["enterprise_code"].isin(set(lev_flags["entity_key"]))]
    losses = ents[ents["profit"] < 0].sort_values("profit", kind="stable")
    consecutive = set(active.loc[active["rule"] == "CONSECUTIVE_LOSS", "entity_key"])
    losses = losses.assign(consecutive=losses["enterprise_code"].isin(consecutive))

    if dept:
        rows = depts[depts["dept_code"] == dept]
        adjusted, original, spent = (float(rows[c].sum()) for c in ("adjusted", "original", "spent"))
    else:
        rows = depts
        adjusted, original, spent = (float(funds[c].sum()) for c in ("adjusted", "original", "spent"))
    measured = depts[depts["rate"].notna()]
    lagging = measured[period.schedule - measured["rate"] > 0.15].sort_values("rate", kind="stable")
    headline = {"original": original, "adjusted": adjusted, "spent": spent,
                "rate": spent / adjusted if adjusted > 0 else None,
                "departments": int(len(measured)), "lagging": int(len(lagging))}

    brief = Briefing(
        year=period.year, as_of=period.as_of, schedule=period.schedule, dept_code=dept, dept_name=name,
        generated_at=dt.datetime.now().replace(microsecond=0), headline=headline, departments=rows,
        lagging=lagging if not dept else lagging[lagging["dept_code"] == dept], counts=counts,
        dismissed=int(dismissed.sum()), warnings_total=len(shown), warnings=shown.head(max(0, top)),
        overdue=overdue.head(LIST_MAX), overdue_total=len(overdue), leverage=leverage.head(LIST_MAX),
        losses=losses.head(LIST_MAX), max_ratio_pct=max_ratio, enterprises=len(ents))
    from budgetwatch.dashboard import briefing_suggestions
    brief.suggestions = briefing_suggestions.collect(
        store, period.year, period.as_of, active[~active["review_status"].eq("dismissed")],
        units=units)
    brief.inquiries = inquiry_briefing.collect(store, period.year, units)
    brief.projects = briefing_projects.collect(store, period.year, period.as_of, active, units)
    if not dept:
        brief.debt = briefing_debt.collect(store, period.year)
    if charts:
        brief.charts = render_charts(store, brief, lang)
    return brief


def chart_plan(brief: Briefing) -> list[tuple[int, str, dict]]:
    """(section, view, URL query) of every chart, whole budget or one department."""
    base = {"year": str(brief.year), "as_of": brief.as_of.isoformat()}
    if brief.dept_code:
        d = {**base, "dept": brief.dept_code}
        return [(1, "overview.monthly", d), (2, "warnings.counts", d), (4, "assets.debt_ratio", d)]
    return [(0, "overview.funds", base), (1, "overview.departments", base), (1, "overview.monthly", base),
            (2, "warnings.counts", base), (3, "audit.status", base), (4, "assets.debt_ratio", base),
            (7, "projects.status", base),
            (8, "debt.ratio", {"year": str(brief.year)}), (8, "debt.limits", {"year": str(brief.year)})]


def render_charts(store: Store, brief: Briefing, lang: str = "zh") -> list[Chart]:
    out = []
    for section, name, query in chart_plan(brief):
        if name not in views.VIEWS or (name == "assets.debt_ratio" and not brief.enterprises) or (
                name == "warnings.counts" and not sum(brief.counts.values())) or (
                name.startswith("projects.") and not brief.projects) or (
                name.startswith("debt.") and (brief.debt is None or not brief.debt.held)):
            continue    # a view not registered, or a chart that would only say "no data"
        try:
            vf = views.render(store, name, query, lang)
        except (ImportError, KeyError, views.ViewError) as exc:   # a page not built yet
            log.warning("briefing: chart %s left out: %s", name, exc)
            continue
        fig = snapshot.for_print(vf.figure, title=vf.title, as_of=vf.as_of, unit=vf.unit, lang=lang,
                                 exported_at=brief.generated_at)
        out.append(Chart(section, name, snapshot.image_bytes(fig, "svg", width=snapshot.PRINT_WIDTH), vf.title))
    return out


# -- HTML ------------------------------------------------------------------------------------
CSS = """
@page { size: A4; margin: 16mm 15mm 16mm 15mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC", sans-serif;
       font-size: 10.5pt; line-height: 1.6; color: #1f2933; margin: 0; }
h1 { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 20pt; text-align: center;
     color: #b71c1c; margin: 0 0 4pt; letter-spacing: 1pt; }
.sub { text-align: center; color: #616e7c; margin: 0 0 6pt; }
.rule { border: 0; border-top: 2px solid #b71c1c; margin: 4pt 0 12pt; }
h2 { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 14pt; margin: 14pt 0 6pt;
     break-after: avoid; }
p { margin: 4pt 0; text-align: justify; }
.cards { display: flex; gap: 8pt; margin: 6pt 0 8pt; }
.card { flex: 1; border: 1px solid #d9dee3; border-radius: 4pt; padding: 6pt 8pt; }
.card .k { color: #616e7c; font-size: 9pt; }
.card .v { font-size: 14pt; font-weight: 700; }
.card .n { color: #616e7c; font-size: 8.5pt; }
table { width: 100%; border-collapse: collapse; margin: 4pt 0 8pt; font-size: 9pt; }
th, td { border: 1px solid #d9dee3; padding: 3pt 5pt; vertical-align: top; }
th { background: #f1f3f5; font-weight: 700; text-align: left; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nw { white-space: nowrap; }
tr { break-inside: avoid; }
.sev { display: inline-block; padding: 0 4pt; border-radius: 3pt; color: #fff; font-size: 8.5pt; white-space: nowrap; }
.sev.high { background: #d62828; } .sev.medium { background: #f08c00; } .sev.low { background: #c99a06; }
figure { margin: 6pt 0 10pt; break-inside: avoid; }
figure img { width: 100%; display: block; }
.note { color: #616e7c; font-size: 8.5pt; }
footer { margin-top: 14pt; color: #616e7c; font-size: 8.5pt; border-top: 1px solid #d9dee3; padding-top: 4pt; }
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>$title</title>
<style>$css</style></head>
<body>
<h1>$title</h1>
<p class="sub">$sub</p>
<hr class="rule">
$body
<footer>$footer</footer>
</body></html>
""")


def _e(value) -> str:
    return html.escape(fmt.text(value))


def _sev(severity: str) -> str:
    return f'<span class="sev {html.escape(severity)}">{html.escape(SEVERITY_CN.get(severity, severity))}</span>'


def _charts(brief: Briefing, section: int) -> str:
    out = []
    for c in brief.charts:
        if c.section == section:
            data = base64.b64encode(c.svg).decode("ascii")
            out.append(f'<figure><img alt="{html.escape(c.title)}" src="data:image/svg+xml;base64,{data}"></figure>')
    return "\n".join(out)


def _table(head: list[tuple[str, str]], rows: list[list[str]]) -> str:
    """``head``: (label, css class); ``rows``: cells already escaped."""
    th = "".join(f'<th class="{cls}">{html.escape(label)}</th>' for label, cls in head)
    body = "".join("<tr>" + "".join(f'<td class="{cls}">{cell}</td>' for (_, cls), cell in zip(head, r)) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _section_overall(b: Briefing) -> str:
    h = b.headline
    unit = fmt.money_unit([h["adjusted"], h["original"], h["spent"]])
    rate = h["rate"]
    diff = (rate - b.schedule) if rate is not None else None
    cards = [
        ("调整预算", fmt.money(h["adjusted"], "zh", unit), f"年初预算 {fmt.money(h['original'], 'zh', unit)}"),
        ("已支出", fmt.money(h["spent"], "zh", unit), f"截至 {fmt.date(b.as_of)}"),
        ("执行进度", fmt.percent(rate), f"序时进度 {fmt.percent(b.schedule)}，" +
         (f"{'快于' if diff >= 0 else '慢于'}序时 {abs(diff) * 100:.1f} 个百分点" if diff is not None else "无调整预算")),
        ("预警", f"{b.warnings_total} 条", f"红色 {b.counts['high']}、橙色 {b.counts['medium']}、黄色 {b.counts['low']}"),
    ]
    html_cards = "".join(f'<div class="card"><div class="k">{html.escape(k)}</div><div class="v">{html.escape(v)}</div>'
                         f'<div class="n">{html.escape(n)}</div></div>' for k, v, n in cards)
    if b.dept_code:
        text = (f"截至{fmt.date(b.as_of)}，{_e(b.dept_name)}（含下属单位）{b.year}年调整预算"
                f"{fmt.money(h['adjusted'], 'zh', unit)}，已支出{fmt.money(h['spent'], 'zh', unit)}，"
                f"执行进度{fmt.percent(rate)}，序时进度{fmt.percent(b.schedule)}。")
    else:
        text = (f"截至{fmt.date(b.as_of)}，全市{b.year}年四本预算调整预算合计{fmt.money(h['adjusted'], 'zh', unit)}"
                f"（年初预算{fmt.money(h['original'], 'zh', unit)}），已支出{fmt.money(h['spent'], 'zh', unit)}，"
                f"执行进度{fmt.percent(rate)}，序时进度{fmt.percent(b.schedule)}。{h['departments']}个部门中"
                f"{h['lagging']}个落后序时进度超过15个百分点。")
    return f"<h2>{SECTIONS[0]}</h2><p>{text}</p><div class=\"cards\">{html_cards}</div>{_charts(b, 0)}"


def _section_execution(b: Briefing) -> str:
    parts = [f"<h2>{SECTIONS[1]}</h2>"]
    lag = b.lagging
    if b.dept_code:
        row = b.departments.iloc[0] if len(b.departments) else None
        if row is not None and pd.notna(row["rate"]):
            gap = b.schedule - row["rate"]
            parts.append(f"<p>{_e(b.dept_name)}执行进度{fmt.percent(row['rate'])}，"
                         f"{'落后' if gap > 0 else '快于'}序时进度{abs(gap) * 100:.1f}个百分点。</p>")
    elif lag.empty:
        parts.append("<p>没有部门落后序时进度超过15个百分点。</p>")
    else:
        unit = fmt.money_unit(list(lag["adjusted"]) + list(lag["spent"]))
        parts.append(f"<p>以下{len(lag)}个部门执行进度落后序时进度超过15个百分点，资金可能闲置，建议重点询问：</p>")
        rows = [[_e(r.dept_name), fmt.money(r.adjusted, "zh", unit), fmt.money(r.spent, "zh", unit),
                 fmt.percent(r.rate), f"{(b.schedule - r.rate) * 100:.1f}"] for r in lag.itertuples()]
        parts.append(_table([("部门", ""), ("调整预算", "num"), ("已支出", "num"), ("执行进度", "num"),
                             ("落后序时（百分点）", "num")], rows))
    parts.append(_charts(b, 1))
    return "\n".join(parts)


def _section_warnings(b: Briefing) -> str:
    c = b.counts
    text = (f"截至{fmt.date(b.as_of)}，{'该部门' if b.dept_code else '系统'}共产生预警{sum(c.values())}条，"
            f"其中红色预警{c['high']}条、橙色预警{c['medium']}条、黄色预警{c['low']}条。"
            f"红色、橙色预警共{b.warnings_total}条")
    text += (f"（另有{b.dismissed}条经复核排除，未计入）" if b.dismissed else "")
    shown = len(b.warnings)
    text += (f"，按等级和金额排列，前{shown}条如下：" if shown < b.warnings_total else "，如下：") if shown else "。"
    rows = [[str(i), _sev(r.severity), html.escape(RULES_BY_ID[r.rule].title_cn if r.rule in RULES_BY_ID else r.rule),
             html.escape(fmt.money(r.amount)), _e(r.message)]
            for i, r in enumerate(b.warnings.itertuples(), 1)]
    table = _table([("序号", "num"), ("等级", "nw"), ("预警类型", "nw"), ("涉及金额", "num"), ("说明", "")], rows) if rows else ""
    return f"<h2>{SECTIONS[2]}</h2><p>{text}</p>{table}{_charts(b, 2)}"


def _section_audit(b: Briefing) -> str:
    parts = [f"<h2>{SECTIONS[3]}</h2>"]
    if b.overdue_total == 0:
        parts.append(f"<p>截至{fmt.date(b.as_of)}，没有逾期未整改的审计查出问题。</p>")
    else:
        involved = b.overdue["involved"].sum()
        more = f"（列出逾期最久的{len(b.overdue)}个）" if len(b.overdue) < b.overdue_total else ""
        parts.append(f"<p>截至{fmt.date(b.as_of)}，审计查出问题中已过整改期限仍未完成整改的有{b.overdue_total}个{more}，"
                     f"涉及金额{fmt.money(involved)}：</p>")
        rows = [[_e(r.finding_id), _e(r.dept_name), _e(r.category), fmt.money(r.involved),
                 _e(fmt.date(r.deadline)), f"{int(r.days_overdue)}", _e(r.status)] for r in b.overdue.itertuples()]
        parts.append(_table([("问题编号", "nw"), ("责任单位", ""), ("问题类别", ""), ("涉及金额", "num"),
                             ("整改期限", "nw"), ("逾期天数", "num"), ("整改状态", "nw")], rows))
    parts.append(_charts(b, 3))
    return "\n".join(parts)


def _section_enterprises(b: Briefing) -> str:
    parts = [f"<h2>{SECTIONS[4]}</h2>"]
    if b.leverage.empty:
        parts.append(f"<p>{b.year}年没有资产负债率高于{b.max_ratio_pct:g}%的国有企业。</p>")
    else:
        parts.append(f"<p>{b.year}年资产负债率高于{b.max_ratio_pct:g}%的国有企业{len(b.leverage)}户：</p>")
        rows = [[_e(r.enterprise_name), _e(r.supervisor_name), fmt.money(r.assets), fmt.money(r.liabilities),
                 fmt.percent(r.debt_ratio)] for r in b.leverage.itertuples()]
        parts.append(_table([("企业", ""), ("监管单位", ""), ("资产总额", "num"), ("负债总额", "num"),
                             ("资产负债率", "num")], rows))
    if b.losses.empty:
        parts.append(f"<p>{b.year}年没有亏损的国有企业。</p>")
    else:
        parts.append(f"<p>{b.year}年亏损的国有企业{len(b.losses)}户"
                     f"（其中连续亏损{int(b.losses['consecutive'].sum())}户）：</p>")
        rows = [[_e(r.enterprise_name), _e(r.supervisor_name), fmt.money(r.profit),
                 "是" if r.consecutive else "否"] for r in b.losses.itertuples()]
        parts.append(_table([("企业", ""), ("监管单位", ""), ("利润总额", "num"), ("连续亏损", "nw")], rows))
    parts.append(_charts(b, 4))
    return "\n".join(parts)


def _section_suggestions(b: Briefing) -> str:
    from budgetwatch.dashboard import briefing_suggestions
    return briefing_suggestions.to_html(b.suggestions, SECTIONS[5])


def _section_debt(b: Briefing) -> str:
    if b.dept_code:
        return ""
    return briefing_debt.section_html(b.debt, SECTIONS[8], _table, _charts(b, 8))


def to_html(b: Briefing) -> str:
    body = "\n".join(f(b) for f in (_section_overall, _section_execution, _section_warnings, _section_audit,
                                    _section_enterprises, _section_suggestions))
    body += "\n" + inquiry_briefing.section(b.inquiries, b.year)
    body += "\n" + briefing_projects.section(b, _table, _sev) + _charts(b, 7)
    body += "\n" + _section_debt(b)
    sub = (f"{html.escape(b.scope)} · 数据截至 {fmt.date(b.as_of)} · 序时进度 {fmt.percent(b.schedule)}")
    footer = (f"本简报由预算联网监督系统（budgetwatch）于 {b.generated_at:%Y-%m-%d %H:%M} 生成。"
              f"预警由系统规则自动产生，需经人工复核；金额单位见各表。")
    return PAGE.substitute(title=html.escape(b.title), css=CSS, sub=sub, body=body, footer=footer)


# -- PDF -------------------------------------------------------------------------------------
def to_pdf(html_text: str, *, timeout: float = 90) -> bytes:
    """Print the HTML to an A4 PDF with Debian's headless Chromium (no network, no header/footer)."""
    browser = snapshot.browser_path()
    if browser is None:
        raise BriefingError("找不到 Chromium，请安装 Debian 的 chromium 软件包 / no Chromium found: install "
                            "Debian's chromium")
    with tempfile.TemporaryDirectory(prefix="bw-briefing-") as tmp:
        src, out = Path(tmp) / "briefing.html", Path(tmp) / "briefing.pdf"
        src.write_text(html_text, encoding="utf-8")
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--no-first-run", "--no-pdf-header-footer",
               f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", src.as_uri()]
        env = {**os.environ, "HOME": tmp}
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired as exc:
            raise BriefingError("生成 PDF 超时 / printing the PDF timed out") from exc
        if not out.exists() or out.stat().st_size == 0:
            raise BriefingError(f"生成 PDF 失败 / Chromium did not print the PDF: {res.stderr.strip()[-300:]}")
        return out.read_bytes()


def build(store: Store, fmt_: str, year: int | None = None, as_of: dt.date | None = None,
          dept: str | None = None, top: int = DEFAULT_TOP) -> tuple[Briefing, bytes]:
    """The briefing as ``pdf`` or ``html`` bytes (the CLI and the dashboard's route call this)."""
    if fmt_ not in ("pdf", "html"):
        raise BriefingError(f"简报格式须为 pdf 或 html / format must be pdf or html, not {fmt_!r}")
    brief = collect(store, year, as_of, dept, top)
    text = to_html(brief)
    return brief, (to_pdf(text) if fmt_ == "pdf" else text.encode("utf-8"))


def file_name(brief: Briefing, ext: str) -> str:
    who = f"_{brief.dept_code}" if brief.dept_code else ""
    return f"budgetwatch_briefing_{brief.year}{who}_{brief.as_of:%Y%m%d}.{ext}"
