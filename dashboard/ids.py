"""Every component id in the dashboard, in one place.

Plain ids are string constants grouped by where they live. Graphs and their download buttons
use pattern-matching ids (``graph(name)``, ``svg_button(name)``) so one clientside callback in
the frame serves every chart of every page.
"""
from __future__ import annotations


class Frame:
    URL = "frame-url"
    RENDERED = "frame-rendered"          # dcc.Store: the (path, lang) the page was drawn for
    HEADER = "frame-header"
    LANG = "frame-lang-toggle"
    PAGE = "frame-page"


class Overview:
    YEAR = "overview-year"
    AS_OF = "overview-as-of"
    SCHEDULE = "overview-schedule"
    MESSAGE = "overview-message"
    BODY = "overview-body"
    HEADLINE = "overview-headline"
    FRESHNESS = "overview-freshness"
    # graph names (see graph())
    FUNDS = "overview-funds"
    DEPARTMENTS = "overview-departments"
    MONTHLY = "overview-monthly"


GRAPH = "bw-graph"
SVG_BUTTON = "bw-svg"


def graph(name: str) -> dict:
    return {"type": GRAPH, "name": name}


def svg_button(name: str) -> dict:
    return {"type": SVG_BUTTON, "name": name}
