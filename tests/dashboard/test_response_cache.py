"""A crowd shares finished callback answers (dashboard/response_cache.py) — never across scopes
or roles, never after the state file changed, never for outputs that show who is signed in."""
from __future__ import annotations

import json

import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.app import create_app
from budgetwatch.queries import accounts, page_cache
from tests.conftest import signed_in_client
from tests.dashboard import sample
from tests.security.dash_http import dependency, payload


@pytest.fixture
def app(data_dir, monkeypatch):
    monkeypatch.delenv("BUDGETWATCH_RESPONSE_CACHE_S", raising=False)
    monkeypatch.delenv("BUDGETWATCH_PAGE_CACHE_MB", raising=False)
    sample.build(data_dir)
    page_cache.CACHE.clear()
    yield create_app(data_dir)
    page_cache.CACHE.clear()


def kept() -> int:
    return sum(1 for k in page_cache.CACHE._entries if k[3] == "response")


OVERVIEW = {f"{ids.Overview.YEAR}.value": 2025, f"{ids.Overview.AS_OF}.date": "2025-06-30", f"{ids.Frame.URL}.search": ""}


def ask(client, part=f"{ids.Overview.SCHEDULE}.children", values=OVERVIEW):
    res = client.post("/_dash-update-component", json=payload(dependency(client, part), values))
    assert res.status_code in (200, 204), res.get_data(as_text=True)[:300]
    return res


def test_two_members_share_one_answer(app, data_dir):
    one = signed_in_client(app, data_dir, "m1", "member")
    two = signed_in_client(app, data_dir, "m2", "member")
    first = ask(one)
    assert kept() == 1
    hits = page_cache.CACHE.stats.hits
    second = ask(two)
    assert kept() == 1 and page_cache.CACHE.stats.hits == hits + 1          # served, not built again
    assert json.loads(second.get_data()) == json.loads(first.get_data())
    assert second.headers["X-Content-Type-Options"] == "nosniff"            # the door's headers still on


def test_never_shared_across_scopes_or_roles(app, data_dir):
    ask(signed_in_client(app, data_dir, "all", "member"))
    limited = ask(signed_in_client(app, data_dir, "district", "member", depts=["002"]))
    body = json.dumps(json.loads(limited.get_data()), ensure_ascii=False)
    assert "市卫生健康委员会" in body and "市教育局" not in body               # its own answer, not the first one
    ask(signed_in_client(app, data_dir, "staffer", "staff"))
    assert kept() == 3


def test_a_write_to_the_state_file_starts_afresh(app, data_dir):
    client = signed_in_client(app, data_dir, "m1", "member")
    ask(client)
    accounts.add_user(data_dir, "someone-new", "Another-pass-1", "member")    # any write: reviews, inquiries, accounts
    ask(client)
    assert kept() == 2


def test_the_router_shows_who_is_signed_in_and_is_never_shared(app, data_dir):
    client = signed_in_client(app, data_dir, "m1", "member")
    for _ in range(2):
        ask(client, f"{ids.Frame.PAGE}.children", {f"{ids.Frame.URL}.pathname": "/", f"{ids.Frame.URL}.search": ""})
    assert kept() == 0


def test_off_when_the_window_is_zero(app, data_dir, monkeypatch):
    monkeypatch.setenv("BUDGETWATCH_RESPONSE_CACHE_S", "0")
    ask(signed_in_client(app, data_dir, "m1", "member"))
    assert kept() == 0
