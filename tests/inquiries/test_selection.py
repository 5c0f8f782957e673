"""Several flags ticked in the warnings list open one inquiry: the list offers tick boxes to
staff, the link carries every ticked flag (capped at what the form takes), and the room's open
form shows them all."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from budgetwatch.dashboard import auth
from budgetwatch.dashboard.inquiry_links import MAX_SELECTED, selection_link
from budgetwatch.dashboard.pages import warnings as warnings_page
from budgetwatch.dashboard.pages.inquiries import callbacks as cb
from budgetwatch.dashboard.pages.inquiries.page_layout import opening
from tests.inquiries.conftest import LAG, OVER, user


def _href(links) -> str:
    (link,) = [c for c in links if getattr(c, "id", None) == "warnings-open-selected"]
    return link.href


def test_staff_open_one_inquiry_about_the_flags_they_ticked(city):
    rows = [{"flag_id": f"{OVER[0]}|{OVER[1]}"}, {"flag_id": f"{LAG[0]}|{LAG[1]}"}]
    with auth.acting_as(user(city, "staff1")):
        links = selection_link(rows, 2025, "2025-06-30", "zh")
        href = _href(links)
        assert "2 条" in str(links)
        query = parse_qs(urlsplit(href).query)
        assert urlsplit(href).path == "/inquiries" and query["as_of"] == ["2025-06-30"]
        flags = opening(query["open"][0])
        assert flags == [f"{OVER[0]}|{OVER[1]}|2025", f"{LAG[0]}|{LAG[1]}|2025"]
        form = cb.update_open_form(city, flags, "", "2025-06-30")
    assert form["style"] == {}
    text = str(form["flags"])
    assert OVER[1] in text and LAG[1] in text                     # both flags on the one form


def test_one_ticked_flag_opens_the_form_for_it_and_none_gives_a_hint(city):
    with auth.acting_as(user(city, "staff1")):
        one = _href(selection_link([{"flag_id": f"{OVER[0]}|{OVER[1]}"}], 2025, None, "en"))
        assert opening(parse_qs(urlsplit(one).query)["open"][0]) == [f"{OVER[0]}|{OVER[1]}|2025"]
        assert "lang=en" in one and "Open one inquiry about the 1 selected flags" in str(
            selection_link([{"flag_id": f"{OVER[0]}|{OVER[1]}"}], 2025, None, "en"))
        hint = selection_link([], 2025, None, "zh")
        assert "勾选" in str(hint) and "warnings-open-selected" not in str(hint)


def test_more_than_the_form_takes_are_capped_and_said(city):
    rows = [{"flag_id": f"DUPLICATE_PAYMENT|2025{i:010d}"} for i in range(MAX_SELECTED + 7)]
    with auth.acting_as(user(city, "staff1")):
        links = selection_link(rows, 2025, None, "zh")
    taken = json.loads(parse_qs(urlsplit(_href(links)).query)["open"][0])
    assert len(taken) == MAX_SELECTED and len(opening(json.dumps(taken))) == MAX_SELECTED
    assert f"最多 {MAX_SELECTED} 条" in str(links)


def test_members_get_no_tick_boxes_and_no_link(city):
    rows = [{"flag_id": f"{OVER[0]}|{OVER[1]}"}]
    with auth.acting_as(user(city, "member1")):
        assert selection_link(rows, 2025, None, "zh") == []
        out = warnings_page.update_warnings(city, 2025, "2025-06-30", None, None, None, None, None, "")
        assert not any(c.get("checkboxSelection") for c in out["columns"])
    with auth.acting_as(user(city, "staff1")):
        out = warnings_page.update_warnings(city, 2025, "2025-06-30", None, None, None, None, None, "")
        assert out["columns"][0].get("checkboxSelection") is True
