"""No chart offers to send its data off the machine (issue 16, item 1).

Plotly.js 3 shows a "Share chart" button by default (``showSendToCloud`` true,
``plotlyServerURL`` Plotly Cloud). Every chart config any page builds is checked here: the
charts in each page's layout and the configs each page's callback sends with its figures.
"""
from __future__ import annotations

import pytest

from budgetwatch.dashboard.figures.common import image_config
from budgetwatch.dashboard.pages import PAGES
from budgetwatch.dashboard.pages import assets, audit, department, execution, overview, warnings
from budgetwatch.queries.store import Store
from tests.dashboard import sample_pages

SENDING_BUTTONS = {"sendChartToCloud", "sendDataToCloud", "editInChartStudio"}


def ways_out(config: dict) -> list[str]:
    """What in a dcc.Graph config would let the figure leave the machine (empty: nothing)."""
    found = []
    if config.get("showSendToCloud") is not False:          # Plotly.js 3 default: true
        found.append("showSendToCloud")
    if config.get("showEditInChartStudio"):
        found.append("showEditInChartStudio")
    if config.get("plotlyServerURL", "https://cloud.plotly.com/newchart") != "":
        found.append("plotlyServerURL")
    if config.get("showLink") or config.get("linkText"):
        found.append("showLink/linkText")
    if config.get("sendData", True) is not False:
        found.append("sendData")
    missing = SENDING_BUTTONS - set(config.get("modeBarButtonsToRemove") or [])
    if missing:
        found.append(f"buttons not removed: {sorted(missing)}")
    added = str(config.get("modeBarButtonsToAdd", "")) + str(config.get("modeBarButtons", ""))
    found += [f"button added: {b}" for b in SENDING_BUTTONS if b in added]
    return found


def graphs(component):
    """Every dcc.Graph under a component tree."""
    if getattr(component, "_type", None) == "Graph":
        yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and hasattr(child, "_type"):
            yield from graphs(child)


def configs_in(out: dict) -> list[dict]:
    return [v for k, v in out.items() if "config" in k and isinstance(v, dict)]


def test_the_shared_config_sends_nothing():
    assert ways_out(image_config("budgetwatch_overview_departments_2025")) == []


def test_the_check_sees_plotly_defaults_as_a_way_out():
    """The checker itself: a config left at Plotly's defaults is caught."""
    assert {"showSendToCloud", "plotlyServerURL", "sendData"} <= set(ways_out({"displaylogo": False}))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_in_every_page_layout_sends_nothing(lang):
    seen = 0
    for page in PAGES:
        for graph in graphs(page.layout({}, lang)):
            seen += 1
            assert ways_out(graph.config or {}) == [], (page.__name__, graph.id)
    assert seen >= 10                              # the pages do have charts to check


def test_every_chart_config_a_page_callback_sends_sends_nothing(data_dir):
    store = Store(sample_pages.build(data_dir))
    outs = [
        overview.update_overview(store, 2025, "2025-06-30", ""),
        department.update_department(store, 2025, "2025-06-30", "001", ""),
        assets.update_assets(store, 2025, None, None, ""),
        audit.update_audit(store, 2025, "2025-06-30", ""),
        execution.update_execution(store, {"year": "2025", "as_of": "2025-06-30"}, ""),
    ]
    listed = warnings.update_warnings(store, 2025, "2025-06-30", "EXEC_LAG", None, None, None, None, "")
    outs.append(warnings.update_detail(store, listed["rows"][0]["flag_id"], 2025, "2025-06-30", ""))
    configs = [c for out in outs for c in configs_in(out)]
    assert len(configs) >= 10 and all("toImageButtonOptions" in c for c in configs)
    for config in configs:
        assert ways_out(config) == [], config
