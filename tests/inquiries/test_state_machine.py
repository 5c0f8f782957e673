"""Inquiries: every step allowed and refused, by role and by state; frozen evidence; files; scope."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from budgetwatch.queries import accounts
from budgetwatch.queries import flags as qf
from budgetwatch.queries import inquiries as qi
from budgetwatch.queries.store import Store
from tests.inquiries.conftest import LAG, NO_BUDGET, OVER, docx_bytes, pdf_bytes, user, xlsx_bytes

TODAY = dt.date.today()


def _open(store, who="staff1", flags=(OVER,), **kw):
    kw.setdefault("questions", "请说明超出预算的原因。")
    kw.setdefault("as_of", "2025-06-30")
    return qi.open_inquiry(store, user(store, who), list(flags), **kw)


def _to(store, state_, who="staff1"):
    """An inquiry brought to ``state_`` by the allowed steps."""
    row = _open(store, who)
    if state_ in ("sent", "answered", "closed"):
        qi.send(store, user(store, who), row["ref"])
    if state_ in ("answered", "closed"):
        qi.answer(store, user(store, who), row["ref"], text="已整改。")
    if state_ == "closed":
        qi.close(store, user(store, who), row["ref"], judgement="满意")
    return qi.get(store, user(store, who), row["ref"])


@pytest.mark.parametrize("who", ["staff1", "admin1"])
def test_staff_and_admin_take_an_inquiry_through_every_step(city, who):
    row = _open(city, who)
    assert row["state"] == "draft" and row["ref"] == f"询〔{TODAY.year}〕1号"
    assert row["dept_code"] == "001001001" and row["dept_name"] == "市第一中学附属小学"
    assert row["due_date"] == (TODAY + dt.timedelta(days=30)).isoformat()
    assert qi.send(city, user(city, who), row["ref"])["state"] == "sent"
    assert qi.answer(city, user(city, who), row["inquiry_id"], text="已收回超支款项。")["state"] == "answered"
    closed = qi.close(city, user(city, who), row["ref"], judgement="satisfied", note="答复清楚")
    assert (closed["state"], closed["judgement"], closed["close_note"]) == ("closed", "satisfied", "答复清楚")
    got = qi.get(city, user(city, "member1"), row["ref"])          # a member reads it
    assert [e["action"] for e in got["events"]] == ["open", "send", "answer", "close"]
    log = accounts.audit_events(city.data_dir, action="inquiry.")
    assert list(log["action"])[::-1] == ["inquiry.open", "inquiry.send", "inquiry.answer", "inquiry.close"]
    assert set(log["actor"]) == {who} and set(log["target"]) == {row["ref"]}


@pytest.mark.parametrize("step", ["open", "send", "answer", "close"])
def test_a_member_may_not_change_anything(city, step):
    need = {"open": None, "send": "draft", "answer": "sent", "close": "answered"}[step]
    row = _to(city, need) if need else None
    member = user(city, "member1")
    before = accounts.audit_events(city.data_dir, action="inquiry.")
    with pytest.raises(qi.NotAllowed):
        if step == "open":
            qi.open_inquiry(city, member, [OVER], questions="?")
        elif step == "send":
            qi.send(city, member, row["ref"])
        elif step == "answer":
            qi.answer(city, member, row["ref"], text="x")
        else:
            qi.close(city, member, row["ref"], judgement="满意")
    with pytest.raises(qi.NotAllowed):
        qi.send(city, None, "1")                                  # nobody signed in
    if row:
        assert qi.get(city, member, row["ref"])["state"] == need
    assert len(accounts.audit_events(city.data_dir, action="inquiry.")) == len(before)


_STEPS = {
    "send": lambda s, u, ref: qi.send(s, u, ref),
    "answer": lambda s, u, ref: qi.answer(s, u, ref, text="答复"),
    "close": lambda s, u, ref: qi.close(s, u, ref, judgement="满意"),
}


@pytest.mark.parametrize("state_", ["draft", "sent", "answered", "closed"])
@pytest.mark.parametrize("action", ["send", "answer", "close"])
def test_only_the_next_step_is_allowed_from_each_state(city, state_, action):
    row = _to(city, state_)
    allowed = qi.TRANSITIONS[action][0] == state_
    if allowed:
        assert _STEPS[action](city, user(city, "staff1"), row["ref"])["state"] == qi.TRANSITIONS[action][1]
    else:
        with pytest.raises(qi.InquiryError, match="不能"):
            _STEPS[action](city, user(city, "staff1"), row["ref"])
        assert qi.get(city, None, row["ref"])["state"] == state_


def test_an_unsatisfied_close_opens_a_linked_follow_up_with_the_same_frozen_evidence(city):
    first = _to(city, "answered")
    staff = user(city, "staff1")
    with pytest.raises(qi.InquiryError, match="办结意见"):     # unsatisfied needs a note
        qi.close(city, staff, first["ref"], judgement="不满意")
    with pytest.raises(qi.InquiryError, match="只有不满意"):
        qi.close(city, staff, first["ref"], judgement="满意", follow_up="再问")
    closed = qi.close(city, staff, first["ref"], judgement="不满意", note="未说明原因", follow_up="请补充说明超支的审批过程。")
    follow = closed["follow_up"]
    assert closed["judgement"] == "unsatisfied" and follow["state"] == "draft"
    assert follow["parent_id"] == first["inquiry_id"] and follow["ref"] == f"询〔{TODAY.year}〕2号"
    a, b = qi.get(city, staff, first["ref"]), qi.get(city, staff, follow["ref"])
    assert [f["evidence"] for f in a["flags"]] == [f["evidence"] for f in b["flags"]]
    assert a["follow_ups"][0]["ref"] == follow["ref"] and b["parent"]["ref"] == first["ref"]


def test_frozen_evidence_survives_a_reload_that_changes_the_payments(city):
    row = _open(city)
    with city.writer("test") as w:               # a new generation: the voucher grew by 200,000
        w.con.execute("UPDATE payments SET amount = 1600000 WHERE voucher_no = 'V2503'")
        w.touch()
    qf.clear_cache()
    live = qf.flags_with_reviews(city, 2025, "2025-06-30")
    assert float(live.loc[live["rule"] == "OVER_BUDGET", "amount"].iloc[0]) == 600_000
    got = qi.get(city, user(city, "member1"), row["ref"])
    [flag] = got["flags"]
    assert flag["amount"] == 400_000 and "共40.00万元" in flag["message"]
    ev = flag["evidence"]
    assert ev["kind"] == "budget_line" and ev["extra"]["budget"] == 1_000_000
    amounts = dict(zip([r[ev["columns"].index("voucher_no")] for r in ev["rows"]],
                       [r[ev["columns"].index("amount")] for r in ev["rows"]]))
    assert amounts == {"V2503": 1_400_000}


def test_the_unit_defaults_to_the_flags_and_may_be_any_unit(city):
    assert _open(city, flags=[NO_BUDGET])["dept_code"] == "X99"          # a unit missing from the feed
    other = _open(city, flags=[OVER], dept_code="001")
    assert other["dept_code"] == "001" and other["dept_name"] == "市教育局"
    with pytest.raises(qi.InquiryError, match="没有这个单位"):
        _open(city, flags=[OVER], dept_code="999")
    with pytest.raises(qi.InquiryError, match="没有这条预警"):
        _open(city, flags=[("OVER_BUDGET", "nope", 2025)])
    with pytest.raises(qi.InquiryError, match="问题"):
        _open(city, questions="  ")
    with pytest.raises(qi.InquiryError, match="早于今天"):
        _open(city, due_date=TODAY - dt.timedelta(days=1))


def test_a_limited_account_sees_and_reaches_only_its_units_inquiries(city):
    school = _open(city)                                          # 001 subtree
    hospital = _open(city, flags=[LAG])                           # 002
    mine = qi.list_inquiries(city, user(city, "member002"))
    assert list(mine["ref"]) == [hospital["ref"]]
    assert set(qi.list_inquiries(city, user(city, "member1"))["ref"]) == {school["ref"], hospital["ref"]}
    with pytest.raises(qi.InquiryError, match="没有这个询问事项"):
        qi.get(city, user(city, "member002"), school["ref"])
    with pytest.raises(qi.InquiryError, match="没有这个询问事项"):
        qi.send(city, user(city, "staff002"), school["ref"])
    assert qi.get(city, None, school["ref"])["state"] == "draft"
    assert qi.send(city, user(city, "staff002"), hospital["ref"])["state"] == "sent"
    with pytest.raises(qi.InquiryError):                          # nor open one on another department's flag
        _open(city, "staff002", flags=[OVER])
    with pytest.raises(qi.InquiryError, match="没有这个单位"):     # nor address a unit outside
        _open(city, "staff002", flags=[LAG], dept_code="001")


def test_answer_files_are_checked_by_their_bytes_and_kept_with_their_hash(city):
    staff = user(city, "staff1")
    refs = []
    for _ in range(3):
        r = _to(city, "sent")
        refs.append(r["ref"])
    data = pdf_bytes()
    done = qi.answer(city, staff, refs[0], text="见附件", attachment=qi.Attachment("../../答复<b>.pdf", data))
    got = qi.get(city, staff, done["ref"])
    [f] = got["files"]
    assert f["name"] == "答复<b>.pdf" and f["kind"] == "pdf" and f["sha256"] == hashlib.sha256(data).hexdigest()
    stored = qi.files_dir(city.data_dir) / f"{f['sha256']}.bin"
    assert stored.read_bytes() == data and (stored.stat().st_mode & 0o777) == 0o600
    meta, back = qi.read_file(city, user(city, "member1"), f["file_id"])
    assert back == data
    with pytest.raises(qi.InquiryError, match="没有这个询问事项"):
        qi.read_file(city, user(city, "member002"), f["file_id"])
    qi.answer(city, staff, refs[1], text="表", attachment=qi.Attachment("答复.xlsx", xlsx_bytes()))
    qi.answer(city, staff, refs[2], text="文", attachment=qi.Attachment("答复.docx", docx_bytes()))


@pytest.mark.parametrize("name,data,why", [
    ("答复.pdf", b"MZ\x90\x00 this is a program", "不符"),
    ("答复.pdf", docx_bytes(), "不符"),
    ("答复.docx", pdf_bytes(), "不符"),
    ("答复.docm", docx_bytes(macro=True), "只能是"),
    ("答复.docx", docx_bytes(macro=True), "不符"),
    ("答复.exe", pdf_bytes(), "只能是"),
    ("答复.pdf", b"", "空文件"),
])
def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_changes(city, name, data, why):
    row = _to(city, "sent")
    with pytest.raises(qi.InquiryError, match=why):
        qi.answer(city, user(city, "staff1"), row["ref"], text="x", attachment=qi.Attachment(name, data))
    assert qi.get(city, None, row["ref"])["state"] == "sent"
    assert not qi.files_dir(city.data_dir).exists() or not any(qi.files_dir(city.data_dir).iterdir())


def test_a_file_above_the_limit_is_refused(city, monkeypatch):
    monkeypatch.setattr(qi, "MAX_FILE_BYTES", 100)
    row = _to(city, "sent")
    with pytest.raises(qi.InquiryError, match="过大"):
        qi.answer(city, user(city, "staff1"), row["ref"], text="x", attachment=qi.Attachment("a.pdf", pdf_bytes("x" * 200)))


def test_inquiries_outlive_reloads_and_a_failed_load(city):
    row = _to(city, "answered")
    with pytest.raises(RuntimeError):
        with city.writer("test") as w:
            w.con.execute("DELETE FROM payments")
            raise RuntimeError("killed half-way")
    with city.writer("test") as w:
        w.con.execute("DELETE FROM payments WHERE voucher_no = 'V2503'")
        w.touch()
    got = qi.get(city, None, row["ref"])
    assert got["state"] == "answered" and got["flags"][0]["amount"] == 400_000
    ev = got["flags"][0]["evidence"]
    assert ev["extra"]["spent"] == 1_400_000 and [r[0] for r in ev["rows"]] == ["V2503"]
