"""A sample city (tests/dashboard/sample.py) with accounts of every role, and small files."""
from __future__ import annotations

import io
import zipfile

import pytest

from budgetwatch.queries import accounts
from budgetwatch.queries.store import Store
from tests.dashboard import sample

PW = "Test-password-1"
OVER = ("OVER_BUDGET", "001001001|2050202|30201|一般公共预算", 2025)   # 市第一中学附属小学, 400,000 over
NO_BUDGET = ("NO_BUDGET", "V2508", 2025)                              # X99, no budget line
LAG = ("EXEC_LAG", "002", 2025)                                        # 市卫生健康委员会


@pytest.fixture
def city(data_dir, monkeypatch):
    from werkzeug.security import generate_password_hash
    monkeypatch.setattr(accounts, "generate_password_hash",      # fast hashes: five accounts per test
                        lambda pw: generate_password_hash(pw, method="pbkdf2:sha256:1000"))
    sample.build(data_dir)
    for name, role, depts in (("member1", "member", None), ("staff1", "staff", None), ("admin1", "admin", None),
                              ("staff002", "staff", ["002"]), ("member002", "member", ["002"])):
        accounts.add_user(data_dir, name, PW, role, depts=depts)
    return Store(data_dir)


def user(store, name):
    return accounts.get_user(store.data_dir, name)


def pdf_bytes(text: str = "answer") -> bytes:
    return (b"%PDF-1.4\n1 0 obj<<>>endobj\n% " + text.encode() + b"\ntrailer<<>>\n%%EOF\n")


def docx_bytes(macro: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        kind = "application/vnd.ms-word.document.macroEnabled.main+xml" if macro else \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        z.writestr("[Content_Types].xml", f'<Types><Override PartName="/word/document.xml" ContentType="{kind}"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
        if macro:
            z.writestr("word/vbaProject.bin", b"\x00" * 10)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"] = "答复"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
