"""The page's charts as exportable views (``budgetwatch export --view suggestions.field``, the
briefing, ``dashboard/views.py``): the same model and figure builders the page draws with."""
from __future__ import annotations

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.views import ViewError, ViewFigure, figure_title
from budgetwatch.dashboard.urls import date_param, int_param
from budgetwatch.dashboard.figures import suggestions as figs
from budgetwatch.queries import suggestions as qs

S = ids.Suggestions
KEYS = {"field": ("year", "as_of"), "class": ("year", "as_of"), "satisfaction": ("year", "as_of"),
        "timeline": ("year", "as_of", "suggestion")}


def view(store, query: dict, lang: str, chart: str) -> ViewFigure:
    import budgetwatch.dashboard.pages.suggestions.callbacks as cb
    import budgetwatch.dashboard.pages.suggestions.data as model

    data = model.load(store, int_param(query.get("year")), date_param(query.get("as_of")))
    if data is None:
        raise ViewError("还没有代表建议数据 / no suggestions loaded yet")
    if chart == "timeline":
        no = (query.get("suggestion") or "").strip()
        if not no:
            raise ViewError("请用 suggestion=编号 指定建议 / name the suggestion with suggestion=NUMBER")
        with store.reader() as con:
            rows = qs.rows_of(con, [no], data.as_of, **data.months)
        if rows.empty:
            raise ViewError(f"没有建议 {no} / no suggestion {no}")
        fig = figs.timeline_figure(rows, model.flags_of(data, no), as_of=data.as_of, lang=lang,
                                   title=figs.title_of(no, rows.iloc[0]["title"], lang))
    else:
        fig = cb.figures(data, lang)[{"field": S.FIELD, "class": S.CLASS, "satisfaction": S.SATISFACTION}[chart]]
    return ViewFigure(fig, figure_title(fig), data.as_of.isoformat(), None)
