"""The project page's charts by name, for ``budgetwatch export --view projects.…`` and the briefing:
the same load → figure step the page runs, so an exported image is the chart on screen."""
from __future__ import annotations

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.urls import date_param, int_param

KEYS = ("year", "as_of", "view")
PROJECT_KEYS = ("year", "as_of", "view", "project")


def _build(graph: str):
    def build(store, query: dict, lang: str):
        from budgetwatch.dashboard.figures import projects as figs
        import budgetwatch.dashboard.pages.projects.data as pd_
        from budgetwatch.dashboard.view_base import ViewError, ViewFigure, figure_title
        from budgetwatch.queries.projects import unit_ranking

        project = (query.get("project") or "").strip() or None
        data = pd_.load(store, int_param(query.get("year")), date_param(query.get("as_of")), query.get("view"),
                        project)
        if data is None:
            raise ViewError("还没有项目数据 / no project data loaded yet")
        y, day = data.year, data.as_of
        if graph in ("progress", "money"):
            if data.project is None:
                raise ViewError(f"请用 --query project=项目编码 指定项目；没有项目 {project or '—'} / "
                                f"name a project with project=CODE; no project {project or '—'}")
            name = data.project["project_name"]
            if graph == "progress":
                fig, unit = figs.progress_figure(data.reports, name=name, year=y, lang=lang), "%"
            else:
                budget = float(data.budget["adjusted"].sum()) if len(data.budget) else None
                fig = figs.money_figure(data.paid, data.reports, budget, name=name, year=y, lang=lang)
                values = list(data.paid["cumulative"]) + list(data.reports["year_completed"].dropna()) + [budget or 0]
                unit = fmt.money_unit(values).label(lang)
        elif graph == "status":
            fig = figs.status_figure(pd_.headline_numbers(data)["status"], year=y, view=data.view, lang=lang)
            unit = None
        else:
            frame = data.projects if graph == "ranking" else unit_ranking(data.projects)
            fig = figs.ranking_figure(frame, year=y, as_of=day, kind="projects" if graph == "ranking" else "units",
                                      lang=lang, thresholds=data.lag_bands)
            unit = None
        return ViewFigure(fig, figure_title(fig), day.isoformat(), unit)
    return build


def register_views(register) -> None:
    register("projects.status", _build("status"), keys=KEYS,
             help="项目建设状态（view=livelihood|investment） / projects by status")
    register("projects.ranking", _build("ranking"), keys=KEYS,
             help="项目投资进度差距排名 / projects ranked by gap to schedule")
    register("projects.units", _build("units"), keys=KEYS,
             help="牵头单位投资进度差距排名 / lead units ranked by gap to schedule")
    register("projects.progress", _build("progress"), keys=PROJECT_KEYS,
             help="单个项目投资完成进度与应完成进度（project=编码） / one project's progress against schedule")
    register("projects.money", _build("money"), keys=PROJECT_KEYS,
             help="单个项目资金支付与投资完成（project=编码） / one project's money paid and work done")
