"""The English view's own words hold no Chinese (the language switch, which names 中文, aside)."""
from __future__ import annotations

import re

from budgetwatch.dashboard.i18n import STRINGS

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def test_no_english_string_holds_chinese():
    chinese = {k: v["en"] for k, v in STRINGS.items() if CJK.search(v["en"]) and not k.startswith("lang.switch")}
    assert chinese == {}
