"""监督简报 section 六、代表建议办理: overdue replies, broken promises, unsatisfied deputies and units
below the satisfaction line, exactly the suggestion rules' flags; escaped; per department."""
from __future__ import annotations

import datetime as dt

from budgetwatch.dashboard import briefing, briefing_suggestions
from budgetwatch.queries.store import Store
from tests.dashboard import sample, sample_suggestions

AS_OF = dt.date(2025, 6, 30)


def test_the_section_lists_what_the_rules_found(data_dir):
    store = Store(sample_suggestions.build(data_dir))
    brief = briefing.collect(store, 2025, AS_OF, charts=False)
    s = brief.suggestions
    assert s.total == 6 and s.stages == {"overdue": 1, "within": 1, "replied": 3, "closed": 1}
    assert list(s.lists["SUGGESTION_OVERDUE"]["entity_key"]) == ["2025-0001|002", "2025-0002|002"]
    assert list(s.lists["SUGGESTION_PROMISE_DUE"]["entity_key"]) == ["2025-0001|001"]
    assert list(s.lists["SUGGESTION_UNSATISFIED"]["entity_key"]) == ["2025-0003|003"]
    assert s.lists["SUGGESTION_UNIT_SATISFACTION"].empty and s.proxy_rated == 1
    text = briefing.to_html(brief)
    assert "六、代表建议办理" in text
    assert "2025年代表建议6件，截至2025年6月30日：办理期限内1件，已答复3件，已办结1件，逾期未答复1件。" in text
    assert "B类答复承诺到期未办结</b>：1条" in text and "没有满意率低于预警线的承办单位" in text
    assert "另有1条满意度由承办单位代填" in text


def test_one_departments_briefing_keeps_its_own_suggestions(data_dir):
    store = Store(sample_suggestions.build(data_dir))
    brief = briefing.collect(store, 2025, AS_OF, dept="003", charts=False)
    s = brief.suggestions
    assert s.total == 2                                       # 2025-0003 and 2025-0005
    assert list(s.lists["SUGGESTION_UNSATISFIED"]["entity_key"]) == ["2025-0003|003"]
    assert s.lists["SUGGESTION_OVERDUE"].empty


def test_feed_text_is_escaped_and_no_suggestions_is_said(data_dir, tmp_path):
    rows = [r[:2] + ("<script>alert(1)</script>",) + r[3:] for r in sample_suggestions.ROWS]
    store = Store(sample_suggestions.build(data_dir, rows=rows))
    text = briefing.to_html(briefing.collect(store, 2025, AS_OF, charts=False))
    assert "<script>" not in text and "&lt;script&gt;" in text
    empty = briefing.collect(Store(sample.build(tmp_path / "none")), 2025, AS_OF, charts=False)
    assert empty.suggestions is None
    assert "尚未导入代表建议办理台账" in briefing_suggestions.to_html(None, "六、代表建议办理")
