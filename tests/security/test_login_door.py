"""Issue 17 items 4–6 and issue 16 item 2: where the login sends you, what it accepts, what is
open without a session.

* ``next`` is followed only to a same-site absolute path — after decoding — else to ``/``;
  nothing a person can put in it gives a 500;
* a shared link opened while signed out lands, after the login, on its exact view (the whole
  path and query, not cut at the first ``&``);
* a login POST without a CSRF token is refused;
* ``/favicon.ico`` without a session is a small icon, not the app's index page.
"""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from budgetwatch.dashboard.app import create_app
from budgetwatch.queries import accounts
from tests.conftest import TEST_PASSWORD
from tests.dashboard import sample

PAGE = {"Accept": "text/html,application/xhtml+xml"}
ATTACKS = [                                   # as they appear in the query string of /login
    "/%09/evil.example/phish", "/%0a/x", "/%0d%0aSet-Cookie:%20x=1", "//evil.example", "%2F%2Fevil.example",
    "/%2F/evil.example", "/%252F%252Fevil.example", "https:%2F%2Fevil.example", "/%5Cevil.example",
    "%5C%5Cevil.example", "javascript:alert(1)", "http://evil.example", "/%E3%80%80/evil.example", "evil.example",
]


@pytest.fixture
def app(data_dir):
    sample.build(data_dir)
    accounts.add_user(data_dir, "member1", TEST_PASSWORD, "member")
    return create_app(data_dir)


def token_of(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]*)"', page).group(1)


def lands_on_this_site(location: str) -> bool:
    parts = urlsplit(location)
    return not parts.scheme and not parts.netloc and location.startswith("/") and not location.startswith("//")


@pytest.mark.parametrize("attack", ATTACKS)
def test_next_never_leaves_the_site(app, attack):
    client = app.server.test_client()
    page = client.get(f"/login?next={attack}")                 # the form, carrying next along
    assert page.status_code == 200
    token = token_of(client)
    res = client.post(f"/login?next={attack}", data={"username": "member1", "password": TEST_PASSWORD,
                                                      "csrf": token})
    assert res.status_code == 302, res.get_data(as_text=True)[:300]
    assert res.headers["Location"] == "/"
    again = client.get(f"/login?next={attack}")                # signed in: sent straight on
    assert again.status_code == 302 and again.headers["Location"] == "/"


def test_next_from_the_form_too(app):
    client = app.server.test_client()
    token = token_of(client)
    res = client.post("/login", data={"username": "member1", "password": TEST_PASSWORD, "csrf": token,
                                      "next": "/\t/evil.example/phish"})
    assert res.status_code == 302 and res.headers["Location"] == "/"


def test_a_shared_link_survives_the_login(app):
    view = {"year": "2025", "as_of": "2025-06-30", "by": "dept", "node": "001|001001", "lang": "en"}
    link = "/execution?" + urlencode(view)
    client = app.server.test_client()
    to_login = client.get(link, headers=PAGE)
    assert to_login.status_code == 302 and urlsplit(to_login.headers["Location"]).path == "/login"
    form = client.get(to_login.headers["Location"]).get_data(as_text=True)
    nxt = html.unescape(re.search(r'name="next" value="([^"]*)"', form).group(1))
    res = client.post("/login", data={"username": "member1", "password": TEST_PASSWORD,
                                      "csrf": token_of(client), "next": nxt})
    assert res.status_code == 302
    landed = urlsplit(res.headers["Location"])
    assert lands_on_this_site(res.headers["Location"])
    assert landed.path == "/execution"
    assert {k: v[0] for k, v in parse_qs(landed.query).items()} == view


def test_a_login_without_a_token_is_refused(app):
    bare = app.server.test_client()                            # no cookie, no token: curl -X POST
    res = bare.post("/login", data={"username": "member1", "password": TEST_PASSWORD})
    assert res.status_code == 400
    assert bare.get("/_dash-layout").status_code == 401
    empty = app.server.test_client()                           # an empty token against no session token
    res = empty.post("/login", data={"username": "member1", "password": TEST_PASSWORD, "csrf": ""})
    assert res.status_code == 400 and empty.get("/_dash-layout").status_code == 401
    wrong = app.server.test_client()
    token_of(wrong)
    res = wrong.post("/login", data={"username": "member1", "password": TEST_PASSWORD, "csrf": "forged"})
    assert res.status_code == 400
    good = app.server.test_client()                            # the look-alike: the real form
    res = good.post("/login", data={"username": "member1", "password": TEST_PASSWORD, "csrf": token_of(good)})
    assert res.status_code == 302 and good.get("/_dash-layout").status_code == 200


def test_favicon_without_a_session_is_an_icon_not_the_app(app):
    res = app.server.test_client().get("/favicon.ico")
    body = res.get_data(as_text=True)
    assert res.status_code in (200, 401)
    assert len(res.get_data()) < 2000
    assert "_dash-config" not in body and "dash_renderer" not in body and "<html" not in body.lower()
    if res.status_code == 200:
        assert res.mimetype.startswith("image/")
