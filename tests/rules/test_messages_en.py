"""Every rule says why it fired in English too: the same sentence, the same numbers, no Chinese
but the names the feeds give (units, payees, projects, categories, titles, deputies, regions)."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from budgetwatch.queries import flags as qf
from budgetwatch.queries.rules import RULES
from budgetwatch.queries.rules.base import render
from budgetwatch.queries.store import Store
from tests.conftest import cli, rows

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”]")
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
# Open lists: the feeds' own names, shown as given in either language.
FEED_NAMES = ("SELECT dept_name FROM departments UNION SELECT payee FROM payments "
              "UNION SELECT enterprise_name FROM assets_enterprise UNION SELECT asset_category FROM assets_admin "
              "UNION SELECT category FROM audit_findings UNION SELECT title FROM suggestions "
              "UNION SELECT lead_deputy FROM suggestions UNION SELECT region_name FROM debt "
              "UNION SELECT project_name FROM projects")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo city (its planted anomalies fire every rule of the generation) and its names."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    done = cli("demo", "--no-serve", "--scale", "0.2", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    names = sorted({r[0] for r in rows(data_dir, FEED_NAMES) if r[0]}, key=len, reverse=True)
    store = Store(data_dir)
    flags = [qf.flags_with_reviews(store, year) for year in (2025, 2024)]
    return flags, names


def numbers(text: str) -> Counter:
    return Counter(n.replace(",", "") for n in NUMBER.findall(text))


def without(text: str, names) -> str:
    for name in names:
        text = text.replace(name, "·")
    return text


def check(zh: str, en: str, names, where: str) -> None:
    en_plain, zh_plain = without(en, names), without(zh, names)
    assert not CJK.search(en_plain), f"{where}: Chinese left in English: {en}"
    # months are named in English (December, January–November): their numbers are left out
    zh_plain = re.sub(r"\d+(?:—\d+)?月", "", zh_plain)
    en_plain = re.sub(r"CNY 10(?:k|0m)\b", "CNY", en_plain)      # the unit's own digits
    assert numbers(en_plain) == numbers(zh_plain), f"{where}:\n  {zh}\n  {en}"


def test_every_rule_of_the_generation_says_it_in_english_with_the_same_numbers(demo):
    flags, names = demo
    seen = set()
    for frame in flags:
        for r in frame.to_dict("records"):
            seen.add(r["rule"])
            check(r["message"], r["message_en"], names, f"{r['rule']} {r['entity_key']}")
    generation = {rule.id for rule in RULES if rule.scope != "state"}
    assert generation <= seen, f"no flag to check for {generation - seen}"


def test_the_state_rule_says_it_in_english_too():
    rule = next(r for r in RULES if r.id == "INQUIRY_OVERDUE")
    row = {"entity_key": "询〔2026〕3号", "name": "湘江市教育局", "flags": 2, "due_date": "2026-01-31",
           "today": dt.date(2026, 3, 4), "days": 32, "amount": 1_000.0}
    zh, en = render(rule.message, row), render(rule.message_en, row, "en")
    check(zh, en, ["询〔2026〕3号", "湘江市教育局"], rule.id)


def test_money_in_english_messages_reads_cny_10k_rounded_as_in_chinese(demo):
    flags, _ = demo
    frame = flags[0]
    dup = frame[frame["rule"] == "DUPLICATE_PAYMENT"].iloc[0]
    wan = re.search(r"支付([\d.]+)万元", dup["message"]).group(1)
    assert f"paid {float(wan):,.2f} CNY 10k to" in dup["message_en"]
