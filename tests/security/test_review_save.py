"""Issue 17.2: a review is saved only for a flag that exists in the reviewer's departments, and
a bad review row already stored can never take the warnings page or its downloads down."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from budgetwatch.dashboard import auth, ids
from budgetwatch.dashboard.app import create_app
from budgetwatch.dashboard.pages import warnings as page
from budgetwatch.dashboard.tables import to_csv_bytes, to_xlsx_bytes
from budgetwatch.queries import reviews as rv
from budgetwatch.queries import state
from budgetwatch.queries.accounts import User
from budgetwatch.queries.store import Store
from tests.conftest import signed_in_client
from tests.dashboard import sample
from tests.dashboard.test_warnings_callbacks import DUP, plant_duplicate
from tests.dashboard.test_warnings_callbacks import text as component_text
from tests.security.dash_http import call, text

W = ids.Warnings
PHANTOM = "DUPLICATE_PAYMENT|PHANTOM-0001"


@pytest.fixture
def store(data_dir):
    return Store(plant_duplicate(sample.build(data_dir, loaded_at=dt.datetime(2025, 7, 16, 8, 0))))


def save(client, flag: str, note: str):
    return call(client, f"{W.SAVED}.data", {
        f"{W.REVIEW_SAVE}.n_clicks": 1, f"{W.FLAG}.data": flag, f"{W.YEAR}.value": 2025,
        f"{W.AS_OF}.date": "2025-07-15", f"{W.REVIEW_STATUS}.value": "confirmed",
        f"{W.REVIEW_NOTE}.value": note, f"{W.SAVED}.data": 0, f"{ids.Frame.URL}.search": ""})


def test_staff_limited_to_a_department_cannot_review_anothers_flag(store):
    app = create_app(store.data_dir)
    transport = signed_in_client(app, store.data_dir, "transport-staff", "staff", depts=["003"])
    status, decoded, _ = save(transport, DUP, "越权复核")
    assert status == 200
    assert "没有可复核的预警" in text(decoded)
    assert rv.review_history(store.data_dir).empty
    # the look-alike: staff of 002 reviews its own department's flag
    health = signed_in_client(app, store.data_dir, "health-staff", "staff", depts=["002"])
    status, decoded, _ = save(health, DUP, "本部门复核")
    assert status == 200 and "已保存" in text(decoded)
    assert list(rv.review_history(store.data_dir)["note"]) == ["本部门复核"]


def test_a_phantom_flag_is_refused(store):
    app = create_app(store.data_dir)
    staff = signed_in_client(app, store.data_dir, "any-staff", "staff")
    status, decoded, _ = save(staff, PHANTOM, "不存在的预警")
    assert status == 200 and "没有可复核的预警" in text(decoded)
    assert rv.review_history(store.data_dir).empty
    # the same refusal for a real rule with a real-looking key of another year's flag
    with auth.acting_as(User("any-staff", "staff")):
        out = page.save_review(store, DUP, 2024, "2024-12-31", "confirmed", "", "", 0, "")
    assert "没有可复核的预警" in component_text(out["result"]) and rv.review_history(store.data_dir).empty


BAD_ROWS = [
    # a phantom saved by an older version: nothing known about the flag
    ("DUPLICATE_PAYMENT", "PHANTOM-0001", None, None, None, None, None, None, None),
    # written by hand: every field of the wrong kind
    ("DUPLICATE_PAYMENT", "PHANTOM-0002", "critical", "nan", "abc", 42, "not-a-date", "{broken", ""),
]


def plant_bad_reviews(data_dir) -> None:
    state.connect(data_dir).close()
    con = sqlite3.connect(state.path_for(data_dir))
    with con:
        con.executemany(
            """INSERT INTO flag_reviews (rule, entity_key, year, status, note, reviewer, reviewed_at, flag_severity,
                   flag_entity_type, flag_amount, flag_message, flag_as_of, flag_evidence, flag_dept_code)
               VALUES (?, ?, 2025, 'confirmed', '', '某人', '2025-07-01T10:00:00+08:00', ?, ?, ?, ?, ?, ?, ?)""",
            BAD_ROWS)
    con.close()


def test_bad_stored_reviews_do_not_take_the_page_down(store):
    plant_bad_reviews(store.data_dir)
    out = page.update_warnings(store, 2025, "2025-07-15", None, None, None, None, None, "")
    phantoms = [r for r in out["rows"] if r["flag_id"].startswith("DUPLICATE_PAYMENT|PHANTOM")]
    assert len(phantoms) == 2 and all(r["state"] == "resolved" for r in phantoms)
    assert {r["entity"] for r in phantoms} == {"— PHANTOM-0001", "nan PHANTOM-0002"}
    assert [r["message"] for r in phantoms] == ["", "42"]            # SQLite kept the 42 as text
    assert all(r["severity_label"] == "—" and r["amount"] is None and r["unit"] == "—" for r in phantoms)
    assert any(r["flag_id"] == DUP for r in out["rows"])          # the real flags are still there
    for flag in ("DUPLICATE_PAYMENT|PHANTOM-0001", "DUPLICATE_PAYMENT|PHANTOM-0002"):
        detail = page.update_detail(store, flag, 2025, "2025-07-15", "")
        assert "已不再触发" in component_text(detail["body"])
    export = page.fetch_list(store, {"year": "2025", "as_of": "2025-07-15"}, "zh")
    assert "PHANTOM-0002" in to_csv_bytes(export).decode("utf-8-sig")
    assert to_xlsx_bytes(export, "zh")[:2] == b"PK"


def test_bad_stored_reviews_over_http(store):
    plant_bad_reviews(store.data_dir)
    app = create_app(store.data_dir)
    member = signed_in_client(app, store.data_dir, "reader", "member")
    status, decoded, _ = call(member, f"{ids.table(W.LIST)}.rowData",
                              {f"{W.YEAR}.value": 2025, f"{W.AS_OF}.date": "2025-07-15",
                               f"{ids.Frame.URL}.search": ""})
    assert status == 200 and "PHANTOM-0002" in text(decoded)
    for kind in ("csv", "xlsx"):
        res = member.get(f"/download/warnings-list.{kind}?year=2025&as_of=2025-07-15")
        assert res.status_code == 200, res.get_data(as_text=True)[:300]
