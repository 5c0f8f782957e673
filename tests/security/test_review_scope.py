"""Issue 17.1: an account limited to departments never sees another department's flags
through reviews — not in the list, not in the flag's detail, not in any download.

The reviews live in state.sqlite3, outside the scoped data database, so each path that reads
them is attacked here: a reviewed flag of 市人民医院 (002001, under 002) against a member
limited to 003 (市交通运输局), with a member limited to 002 as the look-alike that must see it.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest

from budgetwatch.dashboard import ids
from budgetwatch.dashboard.app import create_app
from budgetwatch.queries import flags as qf
from budgetwatch.queries import reviews as rv
from budgetwatch.queries.store import Store, scoped
from tests.conftest import signed_in_client
from tests.dashboard import sample
from tests.dashboard.test_warnings_callbacks import DUP, plant_duplicate
from tests.security.dash_http import call, text

W = ids.Warnings
NOTE = "机密：卫健委院长批示追回"
PAYEE = "湖南重复医疗器械有限公司"
VIEW = {f"{W.YEAR}.value": 2025, f"{W.AS_OF}.date": "2025-07-15", f"{ids.Frame.URL}.search": ""}


def find(fs, rule: str, key: str) -> dict | None:
    hit = fs.frame[(fs.frame["rule"] == rule) & (fs.frame["entity_key"] == key)]
    return hit.iloc[0].to_dict() if not hit.empty else None


def review_dup(store: Store, *, gone: bool) -> None:
    """An unlimited admin reviews 002001's duplicate payment; ``gone``: it then stops firing."""
    fs = qf.flag_set(store, 2025, "2025-07-15")
    rv.add_review(store.data_dir, "DUPLICATE_PAYMENT", "D0002", 2025, "confirmed", NOTE, "总管理员",
                  flag=find(fs, "DUPLICATE_PAYMENT", "D0002"))
    if gone:
        with store.writer("test") as w:
            w.con.execute("DELETE FROM payments WHERE voucher_no = 'D0002'")
            w.touch()


@pytest.fixture(params=["active", "resolved"])
def city(request, data_dir):
    store = Store(plant_duplicate(sample.build(data_dir, loaded_at=dt.datetime(2025, 7, 16, 8, 0))))
    review_dup(store, gone=request.param == "resolved")
    return store


def test_the_flag_set_of_a_limited_account_holds_only_its_units(city):
    with scoped(["003"]):
        frame = qf.flag_set(city, 2025, "2025-07-15").frame
        assert find(qf.flag_set(city, 2025, "2025-07-15"), "DUPLICATE_PAYMENT", "D0002") is None
        assert qf.flag_history(city, "DUPLICATE_PAYMENT", "D0002", 2025, "2025-07-15").empty
    assert "D0002" not in set(frame["entity_key"])
    assert set(frame["dept_code"].dropna()) <= {"003"}
    with scoped(["002"]):                                  # the look-alike: its own department
        mine = find(qf.flag_set(city, 2025, "2025-07-15"), "DUPLICATE_PAYMENT", "D0002")
        history = qf.flag_history(city, "DUPLICATE_PAYMENT", "D0002", 2025, "2025-07-15")
    assert mine is not None and mine["review_note"] == NOTE
    assert list(history["note"]) == [NOTE]


def _list_rows(decoded) -> list[dict]:
    rows = decoded["response"][ids.table(W.LIST)]["rowData"]
    return rows


def test_the_warnings_list_over_http(city):
    app = create_app(city.data_dir)
    other = signed_in_client(app, city.data_dir, "transport", "member", depts=["003"])
    status, decoded, _ = call(other, f"{ids.table(W.LIST)}.rowData", VIEW)
    assert status == 200 and decoded is not None
    assert all(r["flag_id"] != DUP for r in _list_rows(decoded))
    everything = text(decoded)
    assert NOTE not in everything and "D0002" not in everything and "总管理员" not in everything
    assert "市人民医院" not in everything                  # not even in the unit filter's options
    own = signed_in_client(app, city.data_dir, "health", "member", depts=["002"])
    status, decoded, _ = call(own, f"{ids.table(W.LIST)}.rowData", VIEW)
    assert [r["flag_id"] for r in _list_rows(decoded) if r["flag_id"] == DUP] == [DUP]


def test_a_forged_flag_in_the_detail_callback(city):
    app = create_app(city.data_dir)
    other = signed_in_client(app, city.data_dir, "transport", "member", depts=["003"])
    forged = {**VIEW, f"{W.FLAG}.data": DUP}
    status, decoded, _ = call(other, f"{ids.table(W.HISTORY)}.rowData", forged)
    assert status == 200 and decoded is not None
    response = decoded["response"]
    assert response[ids.table(W.HISTORY)]["rowData"] == []
    everything = text(decoded)
    assert NOTE not in everything and "总管理员" not in everything and PAYEE not in everything
    own = signed_in_client(app, city.data_dir, "health", "member", depts=["002"])
    _, decoded, _ = call(own, f"{ids.table(W.HISTORY)}.rowData", forged)
    assert [r["note"] for r in decoded["response"][ids.table(W.HISTORY)]["rowData"]] == [NOTE]


@pytest.mark.parametrize("table", ["warnings-list", "warnings-history", "warnings-evidence"])
def test_downloads_of_another_departments_flag(city, table):
    app = create_app(city.data_dir)
    other = signed_in_client(app, city.data_dir, "transport", "member", depts=["003"])
    url = f"/download/{table}.csv?year=2025&as_of=2025-07-15&flag={quote(DUP)}"
    res = other.get(url)
    assert res.status_code == 200, res.get_data(as_text=True)[:300]
    body = res.get_data().decode("utf-8-sig")
    for secret in (NOTE, "总管理员", PAYEE, "126400", "12.64"):
        assert secret not in body, (table, secret)
    own = signed_in_client(app, city.data_dir, "health", "member", depts=["002"])
    mine = own.get(url).get_data().decode("utf-8-sig")
    assert SEEN_BY_OWN[table] in mine, mine[:400]


SEEN_BY_OWN = {"warnings-list": NOTE, "warnings-history": NOTE, "warnings-evidence": "D0002"}
