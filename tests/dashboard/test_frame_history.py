"""Back and Forward walk the pages: a page's defaults replace the address, a reader's step pushes one."""
from __future__ import annotations

import dash

from budgetwatch.dashboard.frame import route, write_url
from budgetwatch.dashboard.pages import PAGES, PLANNED


def test_a_freshly_drawn_page_fills_in_its_defaults_without_a_history_entry():
    drawn = route(PAGES, PLANNED, "/", "", None)
    assert drawn["fresh"] == ""                                   # drawn from the bare address
    out = write_url(["?year=2025&as_of=2025-12-31&lang=zh"], "", drawn["fresh"])
    assert out["search"] is dash.no_update                        # no push …
    assert out["replace"] == "?year=2025&as_of=2025-12-31&lang=zh"   # … the address is replaced
    assert out["written"] == "?year=2025&as_of=2025-12-31&lang=zh" and out["fresh"] is None


def test_after_the_defaults_each_step_of_the_reader_is_a_history_entry():
    out = write_url(["?year=2024&lang=zh"], "?year=2025&lang=zh", None)
    assert out == {"search": "?year=2024&lang=zh", "written": "?year=2024&lang=zh"}


def test_a_permalink_already_complete_writes_nothing_and_ends_the_fresh_state():
    out = write_url(["?year=2025&lang=zh"], "?year=2025&lang=zh", "?year=2025&lang=zh")
    assert out["search"] is dash.no_update and out["replace"] is dash.no_update and out["fresh"] is None


def test_the_router_marks_a_page_fresh_only_when_it_draws_it():
    first = route(PAGES, PLANNED, "/execution", "?by=func", None)
    assert first["fresh"] == "?by=func"
    same = route(PAGES, PLANNED, "/execution", "?year=2025&by=func&lang=zh", first["rendered"],
                 "?year=2025&by=func&lang=zh")
    assert same["page"] is dash.no_update and same["fresh"] is dash.no_update


def test_a_write_after_the_reader_moved_on_is_a_step_even_if_a_fresh_mark_is_left():
    # the mark belongs to the address the page was drawn from; once the address moved, push
    out = write_url(["?year=2024&lang=zh"], "?year=2025&lang=zh", "")
    assert out["search"] == "?year=2024&lang=zh"


def test_a_page_left_behind_never_writes_its_query_onto_the_next_path():
    """After Back or Forward the page left behind may answer once more; its query written onto
    the new path would push an entry and cut off every Forward step (seen on /execution)."""
    from budgetwatch.dashboard.frame import views_of

    paths = {"overview": "/", "execution": "/execution"}
    views = ["?year=2025&as_of=2025-12-31", None]
    assert views_of(views, ["overview", "execution"], "/execution", paths) == [None]
    assert views_of(views, ["overview", "execution"], "/", paths) == ["?year=2025&as_of=2025-12-31"]
    assert views_of(views, [], "/execution", paths) == views          # ids unknown: as before
