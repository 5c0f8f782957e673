"""The daily digest reaches a local SMTP server started by the test (aiosmtpd), never a real one."""
from __future__ import annotations

import datetime as dt
import email
import socket
from email import policy

import pytest

from budgetwatch.queries import digest
from budgetwatch.queries import inquiries as qi
from tests.inquiries.conftest import LAG, user

aiosmtpd = pytest.importorskip("aiosmtpd.controller")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("BUDGETWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BUDGETWATCH_SMTP_PORT", str(port))
    monkeypatch.setenv("BUDGETWATCH_SMTP_FROM", "budgetwatch@test.local")
    yield inbox
    controller.stop()


def test_off_by_default(city, monkeypatch):
    monkeypatch.delenv("BUDGETWATCH_SMTP_HOST", raising=False)
    assert digest.smtp_settings(city.data_dir) is None
    with pytest.raises(digest.DigestError, match="未配置"):
        digest.send_all(city.data_dir)


def test_only_staff_with_an_address_may_subscribe(city):
    with pytest.raises(digest.DigestError, match="工作人员"):
        digest.subscribe(city.data_dir, "member1", "m@example.org")
    with pytest.raises(digest.DigestError, match="邮件地址"):
        digest.subscribe(city.data_dir, "staff1", "not an address <x>")


def test_the_digest_is_received_with_what_is_new_as_plain_text(city, smtp):
    digest.subscribe(city.data_dir, "staff1", "staff1@example.org")
    day1 = dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=2)
    assert digest.send_all(city.data_dir, now=day1) == []            # the first run sets the baseline
    staff = user(city, "staff1")
    row = qi.open_inquiry(city, staff, [LAG], questions="?", as_of="2025-06-30", dept_code="002001")
    qi.send(city, staff, row["ref"])
    qi.answer(city, staff, row["ref"], text="<b>已整改</b>")
    day2 = dt.datetime.now().replace(microsecond=0) + dt.timedelta(seconds=1)
    sent = digest.send_all(city.data_dir, now=day2)
    assert [name for name, _ in sent] == ["staff1"]
    [(to, raw)] = smtp.messages
    assert to == ["staff1@example.org"]
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg.get_content_type() == "text/plain" and "每日摘要" in msg["Subject"]
    body = msg.get_content()
    assert "收到答复 1 件" in body and row["ref"] in body and "市人民医院" in body
    assert digest.send_all(city.data_dir, now=day2) == [] and len(smtp.messages) == 1    # one a day


def test_a_red_flag_reads_in_chinese_and_english(city, monkeypatch):
    import pandas as pd

    from budgetwatch.queries import notices

    red = pd.DataFrame([{"rule": "NO_BUDGET", "entity_key": "V9", "year": 2025, "dept_code": "001",
                         "message": "市教育局于2025-03-01向某公司支付12.64万元",
                         "message_en": "市教育局 paid 12.64 CNY 10k to 某公司 on 2025-03-01"}])
    empty = pd.DataFrame(columns=["ref", "dept_name", "due_date", "answered_on"])
    monkeypatch.setattr(notices, "whats_new", lambda *a, **k: {"since": "2025-03-01 08:00", "red": red,
                                                               "due": empty, "answered": empty})
    msg = digest.compose(city, user(city, "staff1"), "staff1@example.org", "bw@example.org")
    body = msg.get_content()
    assert "NO_BUDGET V9：市教育局于2025-03-01向某公司支付12.64万元\n    市教育局 paid 12.64 CNY 10k to 某公司" in body
