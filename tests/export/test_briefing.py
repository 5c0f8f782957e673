"""The supervision briefing (监督简报): warnings counted as `budgetwatch flags` counts them, the
PDF holds the Chinese headings, the dashboard's route serves it."""
from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from budgetwatch.dashboard import briefing
from budgetwatch.queries.rules import compute_flags

YEAR, AS_OF = 2025, "2025-06-30"


@pytest.fixture(scope="module")
def brief(demo_store, kaleido_server):
    import datetime as dt

    return briefing.collect(demo_store, YEAR, dt.date.fromisoformat(AS_OF))


def test_the_briefing_counts_the_high_and_medium_flags(demo_store, brief):
    with demo_store.reader() as con:
        flags = compute_flags(con, YEAR, as_of=AS_OF)
    expected = int(flags["severity"].isin(["high", "medium"]).sum())
    assert expected > 0
    assert brief.warnings_total == expected
    assert len(brief.warnings) == min(briefing.DEFAULT_TOP, expected)
    assert brief.counts == {s: int((flags["severity"] == s).sum()) for s in ("high", "medium", "low")}
    # severity first, then amount, largest first
    order = [(briefing.SEVERITY_ORDER[s], -a) for s, a in zip(brief.warnings["severity"], brief.warnings["amount"])]
    assert order == sorted(order)
    assert f"红色、橙色预警共{expected}条" in briefing.to_html(brief)


def test_overdue_rectifications_and_enterprises_come_from_the_rules(demo_store, brief):
    with demo_store.reader() as con:
        flags = compute_flags(con, YEAR, as_of=AS_OF, rules=["AUDIT_OVERDUE", "LEVERAGE"])
    assert brief.overdue_total == int((flags["rule"] == "AUDIT_OVERDUE").sum())
    assert set(brief.leverage["enterprise_code"]) == set(flags.loc[flags["rule"] == "LEVERAGE", "entity_key"])
    assert (brief.losses["profit"] < 0).all()


def test_html_escapes_data_and_embeds_every_chart(brief):
    text = briefing.to_html(brief)
    for heading in briefing.SECTIONS:
        assert heading in text
    assert text.count("data:image/svg+xml;base64,") == len(brief.charts) >= 3
    assert "<script" not in text


def test_data_cannot_inject_markup(brief):
    import copy

    evil = copy.copy(brief)
    evil.warnings = brief.warnings.copy()
    evil.warnings.loc[evil.warnings.index[0], "message"] = "<script>alert(1)</script>"
    text = briefing.to_html(evil)
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (scripts/setup.sh) not installed")
def test_pdf_text_holds_the_chinese_headings(brief, tmp_path):
    path = tmp_path / "b.pdf"
    path.write_bytes(briefing.to_pdf(briefing.to_html(brief)))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    compact = unicodedata.normalize("NFKC", "".join(text.split()))
    assert "2025年预算执行监督简报" in compact
    for heading in briefing.SECTIONS:
        assert heading in compact, heading
    assert "数据截至2025年6月30日" in compact


def test_cli_briefing_for_one_department_as_html(demo_store, tmp_path):
    from tests.conftest import cli

    out = tmp_path / "b.html"
    res = cli("briefing", "--year", YEAR, "--as-of", AS_OF, "--dept", "001", "--top", "3", "--output", out,
              data_dir=demo_store.data_dir)
    assert res.returncode == 0, res.stderr
    text = out.read_text(encoding="utf-8")
    assert "湘江市教育局" in text and "一、总体情况" in text
    res = cli("briefing", "--year", YEAR, "--dept", "001001", "--output", tmp_path / "x.pdf",
              data_dir=demo_store.data_dir)
    assert res.returncode == 2 and "top-level department" in res.stderr


def _client_as(store, username: str, role: str, depts: tuple[str, ...] = ()):
    """A test client signed in as a real account (the door reads the session), and that user."""
    import time

    from budgetwatch.dashboard.app import create_app
    from budgetwatch.queries import accounts

    if accounts.get_user(store.data_dir, username) is None:
        accounts.add_user(store.data_dir, username, "Briefing-Test-Pass-2025!", role, depts=list(depts) or None)
    client = create_app(store.data_dir).server.test_client()
    sid = accounts.authenticate(store.data_dir, username, "Briefing-Test-Pass-2025!").session
    try:
        with client.session_transaction() as sess:
            sess.update({"user": username, "sid": sid, "seen": time.time(), "since": time.time()})
    except RuntimeError:    # no session secret: the door (dashboard/security.py) is not installed
        pass
    return client, accounts.get_user(store.data_dir, username)


def test_dashboard_route_serves_the_pdf(demo_store, kaleido_server):
    from budgetwatch.dashboard import auth
    from budgetwatch.dashboard.briefing_route import briefing_href

    client, user = _client_as(demo_store, "briefing_member", "member")
    href = briefing_href("?year=2025&as_of=2025-06-30&lang=zh")
    assert href == "/briefing.pdf?year=2025&as_of=2025-06-30"
    with auth.acting_as(user):
        res = client.get(href)
        assert res.status_code == 200 and res.mimetype == "application/pdf" and res.data[:5] == b"%PDF-"
        assert "budgetwatch_briefing_2025_20250630.pdf" in res.headers["Content-Disposition"]
        bad = client.get("/briefing.pdf?year=2025&dept=nope")
        assert bad.status_code == 400 and "top-level department" in bad.get_data(as_text=True)


def test_an_account_limited_to_departments_gets_only_theirs(demo_store, kaleido_server):
    from budgetwatch.dashboard import auth

    client, user = _client_as(demo_store, "briefing_edu", "member", ("001",))
    with auth.acting_as(user):
        assert client.get("/briefing.pdf?year=2025&dept=003").status_code == 403
        res = client.get("/briefing.pdf?year=2025&as_of=2025-06-30&format=html")
        assert res.status_code == 200 and "湘江市教育局预算执行监督简报" in res.get_data(as_text=True)


def test_section_three_has_the_warnings_chart(demo_store, brief):
    """预警情况 carries the warnings page's chart: active warnings by rule and severity."""
    from budgetwatch.dashboard import views

    assert [c.section for c in brief.charts if c.view == "warnings.counts"] == [2]
    vf = views.render(demo_store, "warnings.counts", {"year": str(YEAR), "as_of": AS_OF})
    bars = [tr for tr in vf.figure.data if tr.type == "bar"]
    by_sev = {tr.marker.color: sum(tr.x) for tr in bars}
    assert sum(by_sev.values()) == sum(brief.counts.values()) - brief.dismissed > 0
    assert vf.title == "2025年预警数量（按规则和等级）" and vf.as_of == AS_OF
    assert views.unused_keys("warnings.counts", {"year": "2025", "as_of": AS_OF, "dept": "001"}) == []
    one = views.render(demo_store, "warnings.counts", {"year": str(YEAR), "as_of": AS_OF, "dept": "001"})
    assert sum(sum(tr.x) for tr in one.figure.data if tr.type == "bar") <= sum(by_sev.values())


def test_debt_section_carries_the_debt_rules_and_tiers(brief):
    assert brief.debt is not None and brief.debt.held
    text = briefing.to_html(brief)
    section = text.split("<h2>九、政府债务</h2>", 1)[1]
    assert "债务率高于100%的地区3个（其中高于120%的1个）" in section
    assert "湘江市雨湖区" in section and "债务余额超限额" in section and "新增债券超新增限额" in section
    assert "湘江市开元区" not in section.split("政府债务预警", 1)[0].split("<table>", 1)[1]  # exactly 100%: not listed
    assert {c.view for c in brief.charts if c.section == 8} == {"debt.ratio", "debt.limits"}


def test_a_department_briefing_leaves_debt_out(demo_store):
    import datetime as dt

    one = briefing.collect(demo_store, YEAR, dt.date.fromisoformat(AS_OF), dept="001", charts=False)
    assert one.debt is None and "九、政府债务" not in briefing.to_html(one)
