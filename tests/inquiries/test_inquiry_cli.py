"""`budgetwatch inquiry`: the same steps as the page, from the terminal, as a user runs it."""
from __future__ import annotations

import json

from budgetwatch.queries import accounts
from tests.conftest import cli
from tests.inquiries.conftest import pdf_bytes

FLAG = "OVER_BUDGET|001001001|2050202|30201|一般公共预算|2025"


def test_open_send_answer_close_follow_up_list_and_show(city, tmp_path):
    d = city.data_dir
    r = cli("inquiry", "open", "--flag", FLAG, "--questions", "请说明超支原因<script>", "--as-of", "2025-06-30",
            "--by", "staff1", data_dir=d)
    assert r.returncode == 0, r.stderr
    assert "询〔" in r.stdout and "草稿" in r.stdout
    r = cli("inquiry", "answer", "1", "--text", "x", "--by", "staff1", data_dir=d)
    assert r.returncode == 2 and "不能记录答复" in r.stderr                  # not sent yet
    assert cli("inquiry", "send", "1", "--by", "staff1", data_dir=d).returncode == 0
    answer = tmp_path / "答复.pdf"
    answer.write_bytes(pdf_bytes())
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"#!/bin/sh\necho hi\n")
    r = cli("inquiry", "answer", "1", "--text", "已收回", "--file", fake, "--by", "staff1", data_dir=d)
    assert r.returncode == 2 and "不符" in r.stderr
    r = cli("inquiry", "answer", "1", "--text", "已收回", "--file", answer, "--by", "staff1", data_dir=d)
    assert r.returncode == 0, r.stderr
    r = cli("inquiry", "close", "1", "--judgement", "不满意", "--note", "未说明审批", "--follow-up", "请补充审批文件。",
            "--by", "staff1", data_dir=d)
    assert r.returncode == 0, r.stderr
    assert "追问" in r.stdout
    listed = json.loads(cli("inquiry", "list", "--format", "json", data_dir=d).stdout)
    assert [(x["inquiry_id"], x["state"], x["parent_id"]) for x in listed] == [(2, "draft", 1), (1, "closed", None)]
    shown = json.loads(cli("inquiry", "show", "1", "--format", "json", data_dir=d).stdout)
    assert shown["questions"] == "请说明超支原因<script>" and shown["judgement"] == "unsatisfied"
    assert shown["files"][0]["name"] == "答复.pdf" and shown["flags"][0]["amount"] == 400_000
    assert [f["ref"] for f in shown["follow_ups"]] == [listed[0]["ref"]]
    text = cli("inquiry", "show", "1", data_dir=d).stdout
    assert "不满意" in text and "答复.pdf" in text
    log = accounts.audit_events(d, action="inquiry.")
    assert set(log["action"]) == {"inquiry.open", "inquiry.send", "inquiry.answer", "inquiry.close"}


def test_a_member_or_an_unknown_name_is_refused_and_a_limited_account_sees_its_own(city):
    d = city.data_dir
    r = cli("inquiry", "open", "--flag", FLAG, "--questions", "?", "--by", "member1", data_dir=d)
    assert r.returncode == 2 and "只有工作人员" in r.stderr
    r = cli("inquiry", "open", "--flag", FLAG, "--questions", "?", "--by", "nobody", data_dir=d)
    assert r.returncode == 2 and "没有账号" in r.stderr
    assert cli("inquiry", "open", "--flag", FLAG, "--questions", "?", "--as-of", "2025-06-30", "--by", "staff1",
               data_dir=d).returncode == 0
    mine = cli("inquiry", "list", "--format", "json", "--by", "member002", data_dir=d)
    assert json.loads(mine.stdout) == []
    r = cli("inquiry", "show", "1", "--by", "member002", data_dir=d)
    assert r.returncode == 2 and "没有这个询问事项" in r.stderr
