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

In Chinese by default; ``lang="en"`` writes it in English (words in i18n_briefing.py, each flag's
``message_en``, money in CNY 10k/100m, ISO dates): only the feeds' own names stay Chinese.
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

import pandas as pd

from budgetwatch.errors import BudgetwatchError
from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import briefing_debt, briefing_projects, inquiry_briefing, snapshot, views
from budgetwatch.dashboard.briefing_page import CSS, PAGE
from budgetwatch.dashboard.i18n import data_label, t
from budgetwatch.queries import briefing as qb
from budgetwatch.queries import flags as qflags
from budgetwatch.queries import overview as q
from budgetwatch.queries.exports import dept_name
from budgetwatch.queries.rules import RULES_BY_ID
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
    lang: str = "zh"                   # the language the document is written in (zh or en)

    @property
    def scope(self) -> str:
        if not self.dept_code:
            return t("brief.scope.all", self.lang)
        return f"{self.dept_name}（{self.dept_code}）" if self.lang == "zh" else f"{self.dept_name} ({self.dept_code})"

    @property
    def title(self) -> str:
        who = (self.dept_name or "") if self.dept_code else ""
        return t("brief.title", self.lang, year=self.year, who=who if self.lang == "zh" or not who else f", {who}")


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
        losses=losses.head(LIST_MAX), max_ratio_pct=max_ratio, enterprises=len(ents),
        lang="en" if lang == "en" else "zh")
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
def _e(value) -> str:
    return html.escape(fmt.text(value))


def _sev(severity: str, lang: str = "zh") -> str:
    label = t(f"brief.sev.{severity}", lang) if severity in SEVERITY_ORDER else severity
    return f'<span class="sev {html.escape(severity)}">{html.escape(label)}</span>'


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


def section_title(i: int, lang: str = "zh") -> str:
    """The heading of section ``i`` (0 = 一、总体情况 … 8 = 九、政府债务) in ``lang``."""
    return t(f"brief.s{i}", lang)


def _section_overall(b: Briefing) -> str:
    h, lang = b.headline, b.lang
    unit = fmt.money_unit([h["adjusted"], h["original"], h["spent"]])
    rate = h["rate"]
    diff = (rate - b.schedule) if rate is not None else None
    pace = (t("brief.card.ahead" if diff >= 0 else "brief.card.behind", lang, points=f"{abs(diff) * 100:.1f}")
            if diff is not None else t("brief.card.no_budget", lang))
    cards = [
        (t("brief.card.adjusted", lang), fmt.money(h["adjusted"], lang, unit),
         t("brief.card.original", lang, v=fmt.money(h['original'], lang, unit))),
        (t("brief.card.spent", lang), fmt.money(h["spent"], lang, unit), t("brief.card.as_of", lang, date=fmt.date(b.as_of, lang))),
        (t("brief.card.rate", lang), fmt.percent(rate), t("brief.card.schedule", lang, pct=fmt.percent(b.schedule)) + pace),
        (t("brief.card.warnings", lang), t("brief.card.n", lang, n=b.warnings_total),
         t("brief.card.by_sev", lang, high=b.counts['high'], medium=b.counts['medium'], low=b.counts['low'])),
    ]
    html_cards = "".join(f'<div class="card"><div class="k">{html.escape(k)}</div><div class="v">{html.escape(v)}</div>'
                         f'<div class="n">{html.escape(n)}</div></div>' for k, v, n in cards)
    money = {"adjusted": fmt.money(h["adjusted"], lang, unit), "spent": fmt.money(h["spent"], lang, unit),
             "rate": fmt.percent(rate), "schedule": fmt.percent(b.schedule), "year": b.year,
             "date": fmt.date(b.as_of, lang)}
    if b.dept_code:
        text = t("brief.overall.dept", lang, name=_e(b.dept_name), **money)
    else:
        text = t("brief.overall.all", lang, original=fmt.money(h['original'], lang, unit), n=h['departments'],
                 lagging=h['lagging'], **money)
    return f"<h2>{section_title(0, lang)}</h2><p>{text}</p><div class=\"cards\">{html_cards}</div>{_charts(b, 0)}"


def _section_execution(b: Briefing) -> str:
    lang = b.lang
    parts = [f"<h2>{section_title(1, lang)}</h2>"]
    lag = b.lagging
    if b.dept_code:
        row = b.departments.iloc[0] if len(b.departments) else None
        if row is not None and pd.notna(row["rate"]):
            gap = b.schedule - row["rate"]
            parts.append("<p>" + t("brief.exec.dept", lang, name=_e(b.dept_name), rate=fmt.percent(row['rate']),
                                   way=t("brief.exec.behind" if gap > 0 else "brief.exec.ahead", lang),
                                   points=f"{abs(gap) * 100:.1f}") + "</p>")
    elif lag.empty:
        parts.append(f"<p>{t('brief.exec.none', lang)}</p>")
    else:
        unit = fmt.money_unit(list(lag["adjusted"]) + list(lag["spent"]))
        parts.append(f"<p>{t('brief.exec.lagging', lang, n=len(lag))}</p>")
        rows = [[_e(r.dept_name), fmt.money(r.adjusted, lang, unit), fmt.money(r.spent, lang, unit),
                 fmt.percent(r.rate), f"{(b.schedule - r.rate) * 100:.1f}"] for r in lag.itertuples()]
        parts.append(_table([(t("brief.col.dept", lang), ""), (t("brief.col.adjusted", lang), "num"),
                             (t("brief.col.spent", lang), "num"), (t("brief.col.rate", lang), "num"),
                             (t("brief.col.gap", lang), "num")], rows))
    parts.append(_charts(b, 1))
    return "\n".join(parts)


def rule_title(rule: str, lang: str = "zh") -> str:
    r = RULES_BY_ID.get(rule)
    return (r.title_cn if lang == "zh" else r.title_en) if r else rule


def _section_warnings(b: Briefing) -> str:
    c, lang = b.counts, b.lang
    text = t("brief.warn.text", lang, date=fmt.date(b.as_of, lang), total=sum(c.values()), high=c['high'],
             medium=c['medium'], low=c['low'], serious=b.warnings_total,
             who=t("brief.warn.who.dept" if b.dept_code else "brief.warn.who.all", lang))
    text += t("brief.warn.dismissed", lang, n=b.dismissed) if b.dismissed else ""
    shown = len(b.warnings)
    text += (t("brief.warn.first", lang, n=shown) if shown < b.warnings_total else t("brief.warn.all", lang)) \
        if shown else t("brief.warn.end", lang)
    rows = [[str(i), _sev(r.severity, lang), html.escape(rule_title(r.rule, lang)),
             html.escape(fmt.money(r.amount, lang)), _e(fmt.flag_message(r._asdict(), lang))]
            for i, r in enumerate(b.warnings.itertuples(), 1)]
    table = _table([(t(k, lang), cls) for k, cls in (("brief.col.no", "num"), ("brief.col.sev", "nw"),
                    ("brief.col.rule", "nw"), ("brief.col.amount", "num"), ("brief.col.why", ""))], rows) if rows else ""
    return f"<h2>{section_title(2, lang)}</h2><p>{text}</p>{table}{_charts(b, 2)}"


def _section_audit(b: Briefing) -> str:
    lang = b.lang
    parts = [f"<h2>{section_title(3, lang)}</h2>"]
    if b.overdue_total == 0:
        parts.append(f"<p>{t('brief.audit.none', lang, date=fmt.date(b.as_of, lang))}</p>")
    else:
        involved = b.overdue["involved"].sum()
        more = t("brief.audit.more", lang, n=len(b.overdue)) if len(b.overdue) < b.overdue_total else ""
        parts.append("<p>" + t("brief.audit.text", lang, date=fmt.date(b.as_of, lang), n=b.overdue_total, more=more,
                               amount=fmt.money(involved, lang)) + "</p>")
        rows = [[_e(r.finding_id), _e(r.dept_name), _e(r.category), fmt.money(r.involved, lang),
                 _e(fmt.date(r.deadline, lang)), f"{int(r.days_overdue)}", _e(data_label("status", r.status, lang))]
                for r in b.overdue.itertuples()]
        parts.append(_table([(t(k, lang), cls) for k, cls in (
            ("brief.col.finding", "nw"), ("brief.col.unit", ""), ("brief.col.category", ""), ("brief.col.amount", "num"),
            ("brief.col.deadline", "nw"), ("brief.col.days", "num"), ("brief.col.status", "nw"))], rows))
    parts.append(_charts(b, 3))
    return "\n".join(parts)


def _section_enterprises(b: Briefing) -> str:
    lang = b.lang
    parts = [f"<h2>{section_title(4, lang)}</h2>"]
    pct = f"{b.max_ratio_pct:g}"
    if b.leverage.empty:
        parts.append(f"<p>{t('brief.ent.none', lang, year=b.year, pct=pct)}</p>")
    else:
        parts.append(f"<p>{t('brief.ent.leverage', lang, year=b.year, pct=pct, n=len(b.leverage))}</p>")
        rows = [[_e(r.enterprise_name), _e(r.supervisor_name), fmt.money(r.assets, lang), fmt.money(r.liabilities, lang),
                 fmt.percent(r.debt_ratio)] for r in b.leverage.itertuples()]
        parts.append(_table([(t(k, lang), cls) for k, cls in (
            ("brief.col.enterprise", ""), ("brief.col.supervisor", ""), ("brief.col.assets", "num"),
            ("brief.col.liabilities", "num"), ("brief.col.debt_ratio", "num"))], rows))
    if b.losses.empty:
        parts.append(f"<p>{t('brief.ent.no_loss', lang, year=b.year)}</p>")
    else:
        parts.append("<p>" + t("brief.ent.losses", lang, year=b.year, n=len(b.losses),
                               k=int(b.losses['consecutive'].sum())) + "</p>")
        rows = [[_e(r.enterprise_name), _e(r.supervisor_name), fmt.money(r.profit, lang),
                 t("brief.yes" if r.consecutive else "brief.no", lang)] for r in b.losses.itertuples()]
        parts.append(_table([(t(k, lang), cls) for k, cls in (
            ("brief.col.enterprise", ""), ("brief.col.supervisor", ""), ("brief.col.profit", "num"),
            ("brief.col.consecutive", "nw"))], rows))
    parts.append(_charts(b, 4))
    return "\n".join(parts)


def _section_suggestions(b: Briefing) -> str:
    from budgetwatch.dashboard import briefing_suggestions
    return briefing_suggestions.to_html(b.suggestions, section_title(5, b.lang), b.lang)


def _section_debt(b: Briefing) -> str:
    if b.dept_code:
        return ""
    return briefing_debt.section_html(b.debt, section_title(8, b.lang), _table, _charts(b, 8), b.lang)


def to_html(b: Briefing) -> str:
    body = "\n".join(f(b) for f in (_section_overall, _section_execution, _section_warnings, _section_audit,
                                    _section_enterprises, _section_suggestions))
    body += "\n" + inquiry_briefing.section(b.inquiries, b.year, b.lang)
    body += "\n" + briefing_projects.section(b, _table, _sev) + _charts(b, 7)
    body += "\n" + _section_debt(b)
    sub = t("brief.sub", b.lang, scope=html.escape(b.scope), date=fmt.date(b.as_of, b.lang),
            schedule=fmt.percent(b.schedule))
    footer = t("brief.footer", b.lang, at=f"{b.generated_at:%Y-%m-%d %H:%M}")
    return PAGE.substitute(title=html.escape(b.title), css=CSS, sub=sub, body=body, footer=footer,
                           html_lang="en" if b.lang == "en" else "zh-CN")


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
          dept: str | None = None, top: int = DEFAULT_TOP, lang: str = "zh") -> tuple[Briefing, bytes]:
    """The briefing as ``pdf`` or ``html`` bytes in ``lang`` (the CLI and the dashboard's route call this)."""
    if fmt_ not in ("pdf", "html"):
        raise BriefingError(f"简报格式须为 pdf 或 html / format must be pdf or html, not {fmt_!r}")
    brief = collect(store, year, as_of, dept, top, lang=lang)
    text = to_html(brief)
    return brief, (to_pdf(text) if fmt_ == "pdf" else text.encode("utf-8"))


def file_name(brief: Briefing, ext: str) -> str:
    who = f"_{brief.dept_code}" if brief.dept_code else ""
    return f"budgetwatch_briefing_{brief.year}{who}_{brief.as_of:%Y%m%d}.{ext}"
