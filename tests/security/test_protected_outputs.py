"""The real app's callbacks that change things or show the audit log are closed below their role.

Named here by what they do (not read from ``PROTECTED_OUTPUTS``), so taking one out of the
protected set in ``dashboard/app.py`` turns this red without a browser.
"""
from __future__ import annotations

import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.app import create_app
from budgetwatch.queries import accounts
from tests.conftest import signed_in_client

# (what the callback does, an id among its outputs, the least role that may call it)
GUARDED = [
    ("saving a review", ids.Warnings.SAVED, "staff"),
    ("uploading a feed file", ids.Data.REPORT, "staff"),
    ("reading the audit log", ids.Admin.LOG, "admin"),
    ("listing accounts", ids.Admin.USERS, "admin"),
    ("taking an inquiry step", ids.Inquiries.CHANGED, "staff"),
]
BELOW = {"staff": ["member"], "admin": ["member", "staff"]}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("protected") / "data"
    data_dir.mkdir()
    return create_app(data_dir), data_dir


def _bodies(app, output_id: str) -> list[dict]:
    """The update request the browser sends for each real callback with ``output_id`` among its outputs."""
    keys = [k for k in app.callback_map if f"{output_id}." in k]
    assert keys, f"no callback writes {output_id}: the test no longer guards anything"
    return [{"output": k, "outputs": [], "inputs": [], "changedPropIds": []} for k in keys]


@pytest.mark.parametrize("what,output_id,role", GUARDED, ids=[g[0] for g in GUARDED])
def test_callbacks_that_change_things_refuse_lower_roles(app, what, output_id, role):
    dash_app, data_dir = app
    for lower in BELOW[role]:
        client = signed_in_client(dash_app, data_dir, f"{lower}_for_{output_id}", lower)
        for body in _bodies(dash_app, output_id):
            r = client.post("/_dash-update-component", json=body)
            assert r.status_code == 403, f"{what}: a {lower} got {r.status_code}"
    events = accounts.audit_events(data_dir, action="forbidden")
    assert len(events) > 0
