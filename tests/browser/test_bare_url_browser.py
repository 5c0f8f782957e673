"""A bare URL (/execution, no query) draws its page with one run of the main callback, not two."""
from __future__ import annotations

import json

import pytest

from budgetwatch.dashboard import ids
from tests.dashboard.test_execution_queries import build

pytestmark = pytest.mark.browser

PAGES = {"/": ids.Overview.AS_OF, "/execution": ids.Execution.AS_OF, "/warnings": ids.Warnings.AS_OF,
         "/compare": ids.Compare.AS_OF}


def test_each_bare_url_runs_its_main_callback_once(live_server, page, data_dir):
    build(data_dir)
    base = live_server(data_dir)
    for path, as_of in PAGES.items():
        calls: list[dict] = []

        def seen(request, calls=calls):
            if "_dash-update-component" in request.url:
                calls.append(json.loads(request.post_data or "{}"))
        page.on("request", seen)
        page.goto(base + path)
        page.wait_for_url(lambda url: "as_of=" in url)      # the defaults written into the URL
        page.wait_for_load_state("networkidle")
        page.remove_listener("request", seen)
        # the main callback is the one that writes the picker's date
        main = [c.get("changedPropIds") for c in calls if f"{as_of}.date" in c.get("output", "")]
        assert len(main) == 1, f"{path}: the main callback ran {len(main)} times ({main})"
