"""The 询问督办 room without a browser: its callbacks as functions, the warnings hook, the letter
and file routes behind the door, the briefing's section."""
from __future__ import annotations

import dash
import pytest

from budgetwatch.dashboard import auth
from budgetwatch.dashboard import briefing
from budgetwatch.dashboard.app import create_app
from budgetwatch.dashboard.pages import warnings as warnings_page
from budgetwatch.dashboard.pages.inquiries import callbacks as cb
from budgetwatch.queries import inquiries as qi
from tests.conftest import signed_in_client
from tests.inquiries.conftest import LAG, OVER, PW, pdf_bytes, user

OVER_ID = "|".join(map(str, OVER))


def _text(component) -> str:
    return str(component)


def test_staff_open_an_inquiry_from_the_form_and_the_list_keeps_the_view_in_the_url(city):
    with auth.acting_as(user(city, "staff1")):
        form = cb.update_open_form(city, [OVER_ID], "")
        assert form["style"] == {} and form["unit"] == "001001001" and "超预算支出" in _text(form["flags"])
        done = cb.act(city, "inq-open-submit", {"opening": [OVER_ID], "questions": "请说明。", "unit": "001001001",
                                                "due": form["due"]}, 0, "")
        assert done["changed"] == 1 and done["opening"] == [] and "已发起" in _text(done["result"])
        out = cb.update_list(city, "draft", None, [], done["selected"], [], 1, "?lang=en")
    assert out["view"] == f"?lang=en&state=draft&inquiry={done['selected']}"
    assert [r["state"] for r in out["rows"]] == ["Draft"] and out["rows"][0]["selected"]
    assert "1 still drafts" in _text(out["cards"])


def test_a_member_reads_but_every_step_is_refused(city):
    qi.open_inquiry(city, user(city, "staff1"), [OVER], questions="?", as_of="2025-06-30")
    with auth.acting_as(user(city, "member1")):
        for step in ("inq-open-submit", "inq-send", "inq-answer", "inq-close"):
            out = cb.act(city, step, {"opening": [OVER_ID], "questions": "x", "selected": 1}, 0, "")
            assert out["changed"] is dash.no_update and "只有工作人员" in _text(out["result"])
        detail = cb.update_detail(city, 1, 0, "")
        assert detail["style"] == {} and detail["send"] == {"display": "none"}
        assert "请说明" not in _text(detail["body"]) and "?" in _text(detail["body"])
    assert qi.get(city, None, 1)["state"] == "draft"


def test_the_warnings_detail_offers_the_form_to_staff_and_lists_attached_inquiries(city):
    key = OVER[1]
    with auth.acting_as(user(city, "staff1")):
        out = warnings_page.update_detail(city, f"OVER_BUDGET|{key}", 2025, "2025-06-30", "")
        assert "warnings-open-inquiry" in _text(out["links"]) and "/inquiries?open=OVER_BUDGET" in _text(out["links"])
    row = qi.open_inquiry(city, user(city, "staff1"), [OVER], questions="?", as_of="2025-06-30")
    with auth.acting_as(user(city, "member1")):
        out = warnings_page.update_detail(city, f"OVER_BUDGET|{key}", 2025, "2025-06-30", "")
        assert row["ref"] in _text(out["links"]) and "warnings-open-inquiry" not in _text(out["links"])
    with auth.acting_as(user(city, "member002")):
        out = warnings_page.update_detail(city, f"EXEC_LAG|002", 2025, "2025-06-30", "")
        assert row["ref"] not in _text(out["links"])


def _login(app, data_dir, name):
    client = app.server.test_client()
    client.get("/login")
    with client.session_transaction() as s:
        token = s["csrf"]
    assert client.post("/login", data={"username": name, "password": PW, "csrf": token, "next": "/"}).status_code == 302
    return client


def test_the_letter_and_the_file_are_behind_the_door_and_the_scope(city):
    staff = user(city, "staff1")
    row = qi.open_inquiry(city, staff, [OVER], questions="<b>粗体</b>?", as_of="2025-06-30")
    qi.send(city, staff, row["ref"])
    qi.answer(city, staff, row["ref"], text="答", attachment=qi.Attachment("答复.pdf", pdf_bytes()))
    app = create_app(city.data_dir)
    anon = app.server.test_client()
    assert anon.get(f"/inquiries/letter/{row['inquiry_id']}.html").status_code == 401
    member = _login(app, city.data_dir, "member1")
    r = member.get(f"/inquiries/letter/{row['inquiry_id']}.html")
    assert r.status_code == 200 and "&lt;b&gt;粗体&lt;/b&gt;" in r.get_data(as_text=True)
    f = member.get("/inquiries/file/1")
    assert f.status_code == 200 and f.data == pdf_bytes() and f.headers["Content-Disposition"].startswith("attachment")
    other = _login(app, city.data_dir, "member002")
    assert other.get(f"/inquiries/letter/{row['inquiry_id']}.html").status_code == 404
    assert other.get("/inquiries/file/1").status_code == 404


def test_the_briefing_has_an_inquiries_section(city):
    staff = user(city, "staff1")
    a = qi.open_inquiry(city, staff, [OVER], questions="?", as_of="2025-06-30")
    b = qi.open_inquiry(city, staff, [LAG], questions="?", as_of="2025-06-30")
    qi.send(city, staff, a["ref"])
    qi.send(city, staff, b["ref"])
    qi.answer(city, staff, a["ref"], text="答")
    qi.close(city, staff, a["ref"], judgement="不满意", note="不清楚")
    brief = briefing.collect(city, 2025, charts=False)
    text = briefing.to_html(brief)
    assert "七、询问督办" in text
    assert "已发出询问函2件，收到答复1件" in text and "不满意1件" in text
    dept = briefing.to_html(briefing.collect(city, 2025, dept="002", charts=False))
    assert "已发出询问函1件，收到答复0件" in dept


def test_the_form_finds_and_freezes_the_flag_at_the_as_of_date_the_warnings_page_showed(city):
    with auth.acting_as(user(city, "staff1")):
        out = warnings_page.update_detail(city, f"OVER_BUDGET|{OVER[1]}", 2025, "2025-06-30", "")
        assert "as_of=2025-06-30" in _text(out["links"])
        form = cb.update_open_form(city, [OVER_ID], "", "2025-06-30")
        assert "40.00万元" in _text(form["flags"])                  # as seen on 30 June, not at the latest date
        done = cb.act(city, "inq-open-submit", {"opening": [OVER_ID], "open_as_of": "2025-06-30", "questions": "?",
                                                "unit": "001001001", "due": None}, 0, "")
        assert done["open_as_of"] is None
    assert qi.get(city, None, done["selected"])["flags"][0]["amount"] == 400_000
