"""Charts by name, for exports: ``overview.departments`` → the figure the page draws.

A *view* turns the same URL query the page reads (``year=2025&as_of=2025-06-30&dept=001``)
into one chart, through the page's own query → frames → figures step, so an exported image
is the chart on screen, never a re-drawing of it. ``budgetwatch export --view`` and the
briefing (监督简报) look views up here.

A page adds its charts with one line each::

    register("audit.status", _audit_view("status"), keys=("year", "as_of"))

where the function is ``(store, query, lang) -> ViewFigure``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.urls import date_param, int_param
from budgetwatch.dashboard.view_base import ViewError, ViewFigure, figure_title  # noqa: F401  (re-exported)

DEFAULT_KEYS = ("year", "as_of")


@dataclass(frozen=True)
class View:
    name: str
    build: Callable[[object, dict, str], ViewFigure]
    keys: tuple[str, ...]     # URL keys the view reads; others are reported as unused
    help: str = ""


VIEWS: dict[str, View] = {}


def register(name: str, build: Callable[[object, dict, str], ViewFigure], *,
             keys: Iterable[str] = DEFAULT_KEYS, help: str = "") -> None:
    VIEWS[name] = View(name, build, tuple(keys), help)


def get(name: str) -> View:
    try:
        return VIEWS[name]
    except KeyError:
        raise ViewError(f"没有视图 {name}；可用：{', '.join(sorted(VIEWS))} / no view {name!r}; "
                        f"known: {', '.join(sorted(VIEWS))}") from None


def render(store, name: str, query: dict, lang: str = "zh") -> ViewFigure:
    """The view's figure for a URL query (a dict of text values)."""
    return get(name).build(store, query, lang)


def unused_keys(name: str, query: dict) -> list[str]:
    """Filters given that the view does not read (``lang`` is always read)."""
    return [k for k in query if k not in get(name).keys and k != "lang"]


# -- overview (总览) ---------------------------------------------------------------------
def _overview(graph: str) -> Callable[[object, dict, str], ViewFigure]:
    def build(store, query: dict, lang: str) -> ViewFigure:
        from budgetwatch.dashboard.figures.overview import overview_figures
        from budgetwatch.queries import overview as q
        from budgetwatch.queries.department import monthly_cumulative as monthly_of_department
        from budgetwatch.queries.exports import dept_name

        dept = (query.get("dept") or "").strip() if graph.endswith("monthly") else ""
        with store.reader() as con:
            period = q.resolve_period(con, int_param(query.get("year")), date_param(query.get("as_of")))
            if period is None:
                raise ViewError("还没有预算或支付数据 / no budget or payment data loaded yet")
            depts, funds, monthly = q.overview_frames(con, period)
            if dept:
                name = dept_name(con, dept)
                if name is None:
                    raise ViewError(f"没有部门 {dept} / no department {dept}")
                monthly = monthly_of_department(con, dept, period.year, period.as_of)
        fig = overview_figures(period, depts, funds, monthly, lang)[graph]
        if dept:   # a fresh figure from the builder: name the department in its title
            from budgetwatch.dashboard.figures.common import plain
            fig.update_layout(title={"text": f"{plain(name)}：{figure_title(fig)}" if lang == "zh"
                                     else f"{plain(name)}: {figure_title(fig)}"})
        # the monthly curve is in 万元/亿元; the other two show execution rates
        unit = fmt.money_unit(monthly["cumulative"]).label(lang) if graph.endswith("monthly") else "%"
        return ViewFigure(fig, figure_title(fig), period.as_of.isoformat(), unit)
    return build


def _register_builtin() -> None:
    from budgetwatch.dashboard import ids

    register("overview.departments", _overview(ids.Overview.DEPARTMENTS),
             help="各部门预算执行进度与序时进度 / departments against the time schedule")
    register("overview.funds", _overview(ids.Overview.FUNDS),
             help="四本预算执行情况 / the four budgets")
    register("overview.monthly", _overview(ids.Overview.MONTHLY), keys=("year", "as_of", "dept"),
             help="逐月累计支出与上年对比（可按部门） / cumulative spending by month (a department with --dept)")
    register("audit.status", _audit_status, keys=("year", "as_of"),
             help="审计查出问题整改情况 / audit findings by rectification status")
    register("assets.debt_ratio", _debt_ratio, keys=("year", "dept"),
             help="国有企业资产负债率 / enterprises' debt ratio against the thresholds")
    register("warnings.counts", _warning_counts, keys=("year", "as_of", "dept"),
             help="预警数量（按规则和等级） / warnings by rule and severity")
    for chart, text in (("field", "代表建议各领域办理阶段 / suggestions by field and stage"),
                        ("class", "代表建议答复类别 / suggestions by reply class"),
                        ("satisfaction", "代表满意度测评 / deputies' ratings"),
                        ("timeline", "一件建议的办理时间线（suggestion=编号） / one suggestion's timeline")):
        register(f"suggestions.{chart}", _suggestions(chart),
                 keys=("year", "as_of", "suggestion") if chart == "timeline" else ("year", "as_of"), help=text)
    from budgetwatch.dashboard.pages.projects.views import register_views
    register_views(register)     # projects.status, .ranking, .units, .progress, .money
    register("debt.limits", _debt(ids.Debt.LIMITS), keys=("year",),
             help="各地区政府债务余额与限额（亿元） / debt balance against the limit by region")
    register("debt.ratio", _debt(ids.Debt.RATIO), keys=("year",),
             help="各地区政府债务率与预警线 / debt ratio by region against the tiers in force")
    register("debt.issuance", _debt(ids.Debt.ISSUANCE), keys=("year",),
             help="新增债券发行与新增债务限额 / new bonds against the new limit")
    register("debt.trend", _debt(ids.Debt.TREND), keys=("year", "region"),
             help="历年债务余额、限额与债务率（可按地区） / balance, limit and debt ratio over the years")
    register("debt.repayments", _debt(ids.Debt.REPAYMENTS), keys=("year", "region"),
             help="历年还本付息与再融资债券（可按地区） / repayments and interest over the years")


# -- audit (审计整改) and state assets (国有资产): the pages' own queries and builders -----------
def _year(con, query: dict, table: str) -> int:
    from budgetwatch.queries.status import latest_year

    year = int_param(query.get("year"))
    if year is None:
        year = latest_year(con, table)
        if year is None:
            raise ViewError("没有可用的年度数据 / no data for any year")
    return year


def _audit_status(store, query: dict, lang: str) -> ViewFigure:
    from budgetwatch.dashboard.figures.audit import status_figure
    from budgetwatch.queries.audit import audit_as_of, counts_by

    with store.reader() as con:
        year = _year(con, query, "audit_findings")
        as_of = date_param(query.get("as_of"))
        day = audit_as_of(con, year, as_of if as_of is not None and as_of.year == year else None)
        counts = counts_by(con, year, "status", day)
    fig = status_figure(counts, year=year, lang=lang)
    unit = fmt.money_unit(list(counts["involved"])).label(lang) if not counts.empty else None
    return ViewFigure(fig, figure_title(fig), day.isoformat(), unit)


def _suggestions(chart: str) -> Callable[[object, dict, str], ViewFigure]:
    """代表建议's charts: the page's model (queries.suggestions.load) and figure builders."""
    def build(store, query: dict, lang: str) -> ViewFigure:
        from budgetwatch.dashboard.figures import suggestions as figs
        from budgetwatch.queries import suggestions as qs

        data = qs.load(store, int_param(query.get("year")), date_param(query.get("as_of")))
        if data is None:
            raise ViewError("还没有代表建议数据 / no suggestions loaded yet")
        if chart != "timeline":
            fig = figs.year_figures(data.suggestions, year=data.year, lang=lang)[chart]
            return ViewFigure(fig, figure_title(fig), data.as_of.isoformat(), None)
        no = (query.get("suggestion") or "").strip()
        if not no:
            raise ViewError("请用 suggestion=编号 指定建议 / name the suggestion with suggestion=NUMBER")
        rows = qs.one(store, data, no)
        if rows.empty:
            raise ViewError(f"没有建议 {no} / no suggestion {no}")
        fig = figs.timeline_figure(rows, qs.flags_of(data, no), as_of=data.as_of, lang=lang,
                                   title=figs.title_of(no, rows.iloc[0]["title"], lang))
        return ViewFigure(fig, figure_title(fig), data.as_of.isoformat(), None)
    return build


def _warning_counts(store, query: dict, lang: str) -> ViewFigure:
    """Active warnings at the as-of date by rule and severity — those the briefing counts
    (reviewed as dismissed left out), for the whole budget or one department with its units."""
    import pandas as pd

    from budgetwatch.dashboard.figures.warnings import counts_figure
    from budgetwatch.queries import flags as qflags
    from budgetwatch.queries import overview as q
    from budgetwatch.queries.rules import RULES_BY_ID

    dept = (query.get("dept") or "").strip()
    with store.reader() as con:
        period = q.resolve_period(con, int_param(query.get("year")), date_param(query.get("as_of")))
        if period is None:
            raise ViewError("还没有预算或支付数据 / no budget or payment data loaded yet")
        ancestors = qflags.unit_ancestors(con)[0] if dept else {}
    flags = qflags.flags_with_reviews(store, period.year, period.as_of.isoformat())
    if dept:
        flags = flags[[dept in ancestors.get(str(c), {str(c)}) for c in flags["dept_code"]]]
    active = flags[(flags["state"] == "active") & ~flags["review_status"].eq("dismissed")]
    counts = active.groupby(["rule", "severity"]).size().rename("n").reset_index() if len(active) else \
        pd.DataFrame({"rule": [], "severity": [], "n": []})

    def title(rule: str) -> str:
        r = RULES_BY_ID.get(rule)
        return (r.title_cn if lang == "zh" else r.title_en) if r else rule

    counts["title"] = [title(r) for r in counts["rule"]]
    fig = counts_figure(counts, year=period.year, lang=lang)
    return ViewFigure(fig, figure_title(fig), period.as_of.isoformat(), None)


def _debt_ratio(store, query: dict, lang: str) -> ViewFigure:
    from budgetwatch.dashboard.figures.assets import debt_ratio_figure
    from budgetwatch.queries.assets import enterprises
    from budgetwatch.queries.briefing import department_units
    from budgetwatch.queries.rules.config import load_thresholds

    thresholds = load_thresholds(store.data_dir)
    dept = (query.get("dept") or "").strip()
    with store.reader() as con:
        year = _year(con, query, "assets_enterprise")
        frame = enterprises(con, year, department_units(con, dept) if dept else None)
    fig = debt_ratio_figure(frame, max_ratio=float(thresholds.value("LEVERAGE", "max_ratio_pct")) / 100,
                            high_ratio=float(thresholds.value("LEVERAGE", "high_ratio_pct")) / 100,
                            year=year, lang=lang)
    return ViewFigure(fig, figure_title(fig), str(year), "%")


def _debt(graph: str) -> Callable[[object, dict, str], ViewFigure]:
    """A chart of the 政府债务 page, through the page's own model (amounts in 亿元)."""
    def build(store, query: dict, lang: str) -> ViewFigure:
        from budgetwatch.dashboard import ids
        import budgetwatch.dashboard.pages.debt.model as model

        data = model.load(store, int_param(query.get("year")), (query.get("region") or "").strip() or None)
        if data is None:
            raise ViewError("还没有政府债务数据 / no government debt data loaded yet")
        fig = model.figures(data, lang)[graph]
        unit = "%" if graph == ids.Debt.RATIO else model.UNIT.label(lang)
        return ViewFigure(fig, figure_title(fig), str(data.year), unit)
    return build


_register_builtin()
