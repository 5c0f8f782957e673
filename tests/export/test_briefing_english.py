"""The 监督简报 in English (`budgetwatch briefing --lang en`, `/briefing.pdf?lang=en`): every
heading, sentence and column in English, warnings with their English sentences and money in
CNY 10k/100m; only the feeds' own names (units, enterprises, projects, regions, categories,
titles, deputies) stay as the feeds give them."""
from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess

import pytest

from budgetwatch.dashboard import briefing
from tests.conftest import cli, rows

YEAR, AS_OF = 2025, "2025-06-30"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
FEED_NAMES = ("SELECT dept_name FROM departments UNION SELECT payee FROM payments "
              "UNION SELECT enterprise_name FROM assets_enterprise UNION SELECT asset_category FROM assets_admin "
              "UNION SELECT category FROM audit_findings UNION SELECT title FROM suggestions "
              "UNION SELECT lead_deputy FROM suggestions UNION SELECT region_name FROM debt "
              "UNION SELECT project_name FROM projects")
ENGLISH_HEADINGS = ["1. Overview", "2. Budget execution against the time schedule", "3. Warnings",
                    "4. Audit rectification", "5. State-owned enterprises", "6. Deputies' suggestions",
                    "8. Livelihood and major projects", "9. Government debt"]


@pytest.fixture(scope="module")
def english(demo_store, kaleido_server):
    return briefing.collect(demo_store, YEAR, dt.date.fromisoformat(AS_OF), lang="en")


def names(store) -> list[str]:
    return sorted({r[0] for r in rows(store.data_dir, FEED_NAMES) if r[0]}, key=len, reverse=True)


def leftover_chinese(text: str, feed_names: list[str]) -> list[str]:
    """Lines that hold Chinese once the feeds' names are taken out (PDF text may break a name)."""
    for name in feed_names:
        text = text.replace(name, " ")
    return [line for line in text.splitlines() if CJK.search(line)]


def test_the_html_is_english_but_for_the_feeds_names(demo_store, english):
    text = briefing.to_html(english)
    assert '<html lang="en">' in text and "Budget execution supervision briefing 2025" in text
    for heading in ENGLISH_HEADINGS:
        assert f"<h2>{html.escape(heading)}</h2>" in text, heading
    body = re.sub(r"<style>.*?</style>|<[^>]+>|data:[^\"]+", "\n", text, flags=re.S)
    assert leftover_chinese(html.unescape(body), names(demo_store)) == []
    assert "CNY 10k" in body and "万元" not in body and "2025-06-30" in body
    first = english.warnings.iloc[0]
    assert html.escape(first["message_en"]) in text and first["message"] not in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (scripts/setup.sh) not installed")
def test_cli_prints_the_english_pdf_with_english_headings(demo_store, tmp_path):
    out = tmp_path / "briefing.pdf"
    res = cli("briefing", "--year", YEAR, "--as-of", AS_OF, "--lang", "en", "--output", out, data_dir=demo_store.data_dir)
    assert res.returncode == 0, res.stderr
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for heading in ENGLISH_HEADINGS:
        assert heading in flat, heading
    headings = [line.strip() for line in text.splitlines() if re.match(r"\s*\d\. [A-Z]", line)]
    assert headings and not any(CJK.search(h) for h in headings), headings
    assert "一、总体情况" not in flat and "预警情况" not in flat


def test_the_route_serves_english_when_asked(demo_store, kaleido_server):
    from budgetwatch.dashboard import auth
    from budgetwatch.dashboard.briefing_route import briefing_href
    from tests.export.test_briefing import _client_as

    assert briefing_href("?year=2025&as_of=2025-06-30&lang=en") == "/briefing.pdf?year=2025&as_of=2025-06-30&lang=en"
    client, user = _client_as(demo_store, "briefing_english", "member")
    with auth.acting_as(user):
        res = client.get("/briefing.pdf?year=2025&as_of=2025-06-30&format=html&lang=en")
        assert res.status_code == 200 and "3. Warnings" in res.get_data(as_text=True)
        zh = client.get("/briefing.pdf?year=2025&as_of=2025-06-30&format=html")
        assert "三、预警情况" in zh.get_data(as_text=True)
