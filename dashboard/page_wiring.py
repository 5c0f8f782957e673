"""The wiring every section page shares, written once: its controls' outputs, its one main
callback, its downloads, and the charts put into the callback's answer.

A section page (assets, audit, debt, suggestions, projects) has a year picker (and often an
as-of date), a message line, a body shown once there is data, a row of headline cards, the
view store that writes the URL, and charts and grids keyed ``fig:``/``config:``/``style:``/
``table:`` (``components.section_outputs``). Only what is its own is written in the page.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import dash
from dash import Input, Output, State

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.components import section_outputs
from budgetwatch.dashboard.figures.common import image_config, image_filename
from budgetwatch.dashboard.page_tables import graph_style
from budgetwatch.dashboard.tables import Export, register_export


def page_outputs(room, graphs: Iterable[str], tables: Iterable[str], *, view: str | None = None,
                 as_of: bool = False, as_of_note: bool = False, **own: Output) -> dict:
    """The outputs of a page's main callback: the shared controls of ``room`` (an ``ids`` class
    with YEAR, MESSAGE, BODY, HEADLINE and, with ``as_of``, AS_OF), the page's ``own``, and its
    charts and grids."""
    out: dict = {
        "year_options": Output(room.YEAR, "options"), "year": Output(room.YEAR, "value"),
        "message": Output(room.MESSAGE, "children"), "body_style": Output(room.BODY, "style"),
        "headline": Output(room.HEADLINE, "children"),
    }
    if view is not None:
        out["view"] = Output(ids.view(view), "data")
    if as_of:
        out.update(as_of=Output(room.AS_OF, "date"), as_of_min=Output(room.AS_OF, "min_date_allowed"),
                   as_of_max=Output(room.AS_OF, "max_date_allowed"))
    if as_of_note:
        out["as_of_note"] = Output(room.AS_OF_NOTE, "children")
    out.update(own)
    out.update(section_outputs(graphs, tables))
    return out


def register_page(app: dash.Dash, store, *, outputs: dict, inputs: Mapping[str, Input],
                  update: Callable[..., dict], exports: Mapping[str, Callable[..., Export]] = {}) -> None:
    """The page's main callback — ``update(store, **inputs, search=…)`` with the URL's query as
    ``search`` — and one download per grid."""
    @app.callback(output=outputs, inputs=dict(inputs), state={"search": State(ids.Frame.URL, "search")})
    def _update(**values):
        return update(store, **values)

    for name, fetch in exports.items():
        register_export(app, store, name, fetch)


def put_figures(out: dict, figures: Mapping[str, object], page: str, file_part: Mapping[str, str], year) -> None:
    """Each chart into the answer: the figure, its style (hidden when empty) and its toolbar
    config with the file name a download gets."""
    for name, fig in figures.items():
        out[f"fig:{name}"] = fig
        out[f"style:{name}"] = graph_style(fig)
        out[f"config:{name}"] = image_config(image_filename(page, file_part[name], year))
