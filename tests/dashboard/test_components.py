"""The shared building blocks pages draw with: one breadcrumb trail, one failure sentence."""
from __future__ import annotations

from dash import dcc, html

from budgetwatch.dashboard.components import breadcrumbs


def test_breadcrumbs_link_every_step_but_the_last():
    out = breadcrumbs(["全部支出", "205 教育支出", "[x](http://evil) 20502"], ["/execution?a", "/execution?b"])
    links = [c for c in out if isinstance(c, dcc.Link)]
    assert [(c.children, c.href) for c in links] == [("全部支出", "/execution?a"), ("205 教育支出", "/execution?b")]
    seps = [c for c in out if isinstance(c, html.Span) and c.className == "bw-crumb-sep"]
    assert len(seps) == 2 and all(s.children == "›" for s in seps)
    current = out[-1]
    assert isinstance(current, html.Span) and current.className == "bw-crumb is-current"
    assert current.children == "[x](http://evil) 20502"          # text, as it came
    assert current.to_plotly_json()["props"]["aria-current"] == "page"


def test_one_step_is_only_the_current_page():
    out = breadcrumbs(["全部部门"], [])
    assert len(out) == 1 and out[0].className == "bw-crumb is-current"
