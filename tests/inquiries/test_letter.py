"""The 询问函: questions, flags with their sentences, frozen evidence numbers, due date — in the
HTML and in the PDF Chromium prints; hostile text stays text."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from budgetwatch.dashboard.pages.inquiries import letter
from budgetwatch.queries import inquiries as qi
from tests.inquiries.conftest import NO_BUDGET, OVER, user

HOSTILE = "请说明<script>alert(1)</script>超支原因 & 审批依据"


def _inquiry(city):
    staff = user(city, "staff1")
    row = qi.open_inquiry(city, staff, [OVER, NO_BUDGET], questions=HOSTILE + "\n第二个问题：资金是否已收回？",
                          as_of="2025-06-30", due_date="2099-01-31", dept_code="001001001")
    qi.send(city, staff, row["ref"])
    return qi.get(city, staff, row["ref"])


def test_the_html_letter_says_everything_as_text(city):
    row = _inquiry(city)
    text = letter.to_html(row)
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&amp; 审批依据" in text and "第二个问题" in text
    assert row["ref"] in text and "市第一中学附属小学：" in text and "2099年1月31日前" in text
    assert "超预算支出" in text and "无预算支出" in text
    assert "140.00万元" in text                      # the flag's sentence
    assert "1,400,000".replace(",", "") not in text and "140.00" in text     # V2503 in 万元 in the table
    assert "V2503" in text and "V2508" in text and "1.00" in text
    assert text.count("<table>") == 2


def test_a_flag_no_longer_firing_is_marked(city):
    row = _inquiry(city)
    text = letter.to_html(row, live={("NO_BUDGET", "V2508", 2025)})
    assert text.count("已不再触发") == 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_holds_the_questions_and_the_evidence_numbers(city, tmp_path):
    row = _inquiry(city)
    pdf = letter.build(row, "pdf")
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "请说明<script>alert(1)</script>超支原因&审批依据" in flat
    assert "资金是否已收回" in flat and row["ref"] in flat
    assert "V2503" in flat and "140.00" in flat and "V2508" in flat and "100.00万元" in flat
    assert "2099年1月31日" in flat
