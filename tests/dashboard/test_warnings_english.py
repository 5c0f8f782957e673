"""The warnings page in English: each flag's sentence in English with the numbers of the Chinese
one, money in CNY 10k, and the list's amount rounded as its message rounds it."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from budgetwatch.dashboard import auth
from budgetwatch.dashboard.pages import warnings as page
from budgetwatch.queries.accounts import User
from budgetwatch.queries.store import Store
from tests.conftest import rows
from tests.dashboard import sample

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(autouse=True)
def signed_in_staff():
    with auth.acting_as(User("王敏", "staff")):
        yield


@pytest.fixture
def store(data_dir):
    """Two payments of 126,350 yuan (12.635 万元: a float rounds it 12.63, half up 12.64)."""
    sample.build(data_dir, loaded_at=dt.datetime(2025, 7, 16, 8, 0))
    with Store(data_dir).writer("test") as w:
        w.con.executemany(
            "INSERT INTO payments VALUES (?, ?, '002001', '2050202', '30201', ?, 'Acme Medical', 126350, "
            "NULL, '采购设备', 3, NULL, NULL)",
            [("D0001", "2025-07-01", sample.SOCIAL), ("D0002", "2025-07-02", sample.SOCIAL)])
        w.touch()
    return Store(data_dir)


def test_the_english_list_and_detail_say_it_in_english(store):
    en = page.update_warnings(store, 2025, "2025-07-15", None, None, None, None, None, "?lang=en")
    zh = page.update_warnings(store, 2025, "2025-07-15", None, None, None, None, None, "?lang=zh")
    assert len(en["rows"]) == len(zh["rows"]) > 3
    names = sorted((r[0] for r in rows(store.data_dir, "SELECT dept_name FROM departments UNION "
                                                    "SELECT enterprise_name FROM assets_enterprise UNION SELECT payee FROM payments")),
                   key=len, reverse=True)
    for row in en["rows"]:
        message = row["message"]
        for name in names:      # the feeds' names are shown as given
            message = message.replace(name, "")
        assert not CJK.search(message), row["message"]
    dup = next(r for r in en["rows"] if r["flag_id"] == "DUPLICATE_PAYMENT|D0002")
    assert "paid 12.64 CNY 10k to Acme Medical on 2025-07-02" in dup["message"]
    detail = page.update_detail(store, "DUPLICATE_PAYMENT|D0002", 2025, "2025-07-15", "?lang=en")
    assert "paid 12.64 CNY 10k" in json.dumps(detail["body"], default=lambda c: c.to_plotly_json())


def test_the_list_rounds_the_amount_as_its_message_does(store):
    zh = page.update_warnings(store, 2025, "2025-07-15", "DUPLICATE_PAYMENT", None, None, None, None, "?lang=zh")
    dup = next(r for r in zh["rows"] if r["flag_id"] == "DUPLICATE_PAYMENT|D0002")
    assert "支付12.64万元" in dup["message"] and dup["amount"] == 12.64


def test_the_evidence_names_closed_lists_in_english(store):
    from budgetwatch.dashboard.pages.warnings.detail import evidence_frame
    from budgetwatch.queries import flags as qf

    fs = qf.flag_set(store, 2025, "2025-07-15")
    row = qf.find(fs, "DUPLICATE_PAYMENT", "D0002")
    with store.reader() as con:
        frame = evidence_frame(qf.evidence(con, row), "en")
    assert set(frame["Fund"]) <= {"General public budget", "Government fund budget", "State capital operation budget",
                                  "Social insurance fund budget"}
    assert list(frame["Amount (CNY 10k)"]) == [12.64, 12.64]
