"""The 截至日期 picker: a bare URL must not make the page's main callback run twice."""
from __future__ import annotations

import datetime as dt

from budgetwatch.dashboard.components import as_of_field


def picker_props(label) -> dict:
    return label.children[1].to_plotly_json()["props"]


def test_a_bare_url_gives_the_picker_no_date_prop_at_all():
    # Dash 4's DatePickerSingle answers a null date with setProps({date: undefined}) on its first
    # render; null != undefined, so Dash fires the main callback again for the same view.
    assert "date" not in picker_props(as_of_field("x-as-of", None, "zh"))


def test_a_date_in_the_url_is_the_picker_s_date():
    assert picker_props(as_of_field("x-as-of", dt.date(2025, 6, 30), "zh"))["date"] == "2025-06-30"
