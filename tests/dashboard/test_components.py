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


def _said(component) -> str:
    return str(component.to_plotly_json())


def test_failure_says_why_a_rule_could_not_run():
    from budgetwatch.dashboard.components import failure
    from budgetwatch.queries.rules.base import RuleError

    shown = failure(RuleError("阈值 max_idle_pct 须为数字 / max_idle_pct must be a number"), "zh", "test")
    assert "数据查询未能完成" in _said(shown) and "max_idle_pct 须为数字" in _said(shown)
    assert "is-error" in shown.className and "Traceback" not in _said(shown)


def test_failure_keeps_its_other_answers():
    from budgetwatch.dashboard.components import failure
    from budgetwatch.queries.store import QueryError
    from budgetwatch.queries.summary import FlagsUpdating

    query = failure(QueryError("查询超时（超过 60 秒）/ query timed out"), "en", "test")
    assert "query timed out" in _said(query) and "is-error" in query.className
    assert "is-error" not in failure(FlagsUpdating(2025), "zh", "test").className
    odd = failure(KeyError("secret internals"), "zh", "test")
    assert "页面出错了" in _said(odd) and "secret internals" not in _said(odd)


def test_choice_field_titles_and_labels_its_choices_from_one_key():
    from budgetwatch.dashboard.components import choice_field

    field = choice_field("x-by", "cmp.by", "econ", ("dept", "func", "econ"), "en")
    title, radios = field.children
    assert isinstance(title, html.Span)
    assert radios.id == "x-by" and radios.value == "econ" and radios.className == "bw-exec-by"
    assert [o["value"] for o in radios.options] == ["dept", "func", "econ"]
    from budgetwatch.dashboard.i18n import t
    assert title.children == t("cmp.by", "en") and radios.options[2]["label"] == t("cmp.by.econ", "en")
    bare = choice_field("x-view", "proj.view", "investment", ("investment",), "zh", titled=False)
    assert len(bare.children) == 1 and bare.children[0].options[0]["label"] == t("proj.view.investment", "zh")
