"""Money in 万元/亿元 with the unit, percentages, dates; every string in both languages; URL state."""
from __future__ import annotations

import datetime as dt

import pytest

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard import urls
from budgetwatch.dashboard.i18n import STRINGS, data_label, t


@pytest.mark.parametrize("yuan, text", [
    (123_456_789, "1.23 亿元"),
    (100_000_000, "1.00 亿元"),
    (99_990_000, "9,999.00 万元"),
    (15_000, "1.50 万元"),
    (-250_000_000, "-2.50 亿元"),
    (None, "—"),
    (float("nan"), "—"),
])
def test_money_chooses_the_unit_by_magnitude(yuan, text):
    assert fmt.money(yuan) == text


def test_money_unit_for_a_series_follows_its_largest_value_and_is_shown():
    unit = fmt.money_unit([5e6, 2.5e8])
    assert unit is fmt.YI
    assert fmt.money(5e6, unit=unit) == "0.05 亿元"
    assert fmt.money(5e6, "en") == "500.00 CNY 10k"
    assert fmt.money(3_498_000_000, "en") == "34.98 CNY 100m"
    assert fmt.axis_title("累计支出", unit.label("zh")) == "累计支出（亿元）"


def test_money_rounds_half_up_as_the_flags_messages_do():
    """126,350 yuan is 12.635 万元: a binary float holds 12.63499…, which Python's round and
    '%.2f' make 12.63; the flag's message says 12.64. Every place rounds the one way now."""
    from budgetwatch.queries.rules.base import fmt_wan
    assert fmt.money(126_350) == "12.64 万元" == fmt_wan(126_350).replace("万元", " 万元")
    assert fmt.cell(126_350) == 12.64 and fmt.cell(-126_350) == -12.64
    assert fmt.cell(99_995, fmt.WAN) == 10.0 and fmt.cell(None) is None
    assert fmt.money(1_234_567_890_123.45, "en") == "12,345.68 CNY 100m"


def test_percent_points_and_dates():
    assert fmt.percent(0.49589) == "49.6%"
    assert fmt.percent(None) == "—"
    assert fmt.points(-0.153) == "-15.3 个百分点"
    assert fmt.date(dt.date(2025, 6, 30)) == "2025年6月30日"
    assert fmt.date("2025-06-30", "en") == "2025-06-30"
    assert fmt.datetime_(dt.datetime(2025, 7, 1, 9, 5), "en") == "2025-07-01 09:05"


def test_every_string_has_chinese_and_english():
    for key, entry in STRINGS.items():
        assert set(entry) == {"zh", "en"}, key
        assert all(v.strip() for v in entry.values()), key


def test_lookup_defaults_to_chinese_and_translates_known_data_values():
    assert t("nav.overview", None) == "总览"
    assert t("nav.overview", "fr") == "总览"
    assert t("nav.overview", "en") == "Overview"
    assert data_label("fund", "政府性基金预算", "en") == "Government fund budget"
    assert data_label("fund", "其他资金", "en") == "其他资金"


def test_url_state_round_trips():
    search = urls.build_search({"year": 2025, "as_of": "2025-06-30", "lang": "zh"})
    assert search == "?year=2025&as_of=2025-06-30&lang=zh"
    assert urls.parse_search(search) == {"year": "2025", "as_of": "2025-06-30", "lang": "zh"}
    assert urls.with_params(search, lang="en") == "?year=2025&as_of=2025-06-30&lang=en"
    assert urls.with_params(search, as_of=None) == "?year=2025&lang=zh"
    assert urls.lang_of("?lang=en") == "en" and urls.lang_of("") == "zh"
    assert urls.int_param("x") is None and urls.date_param("2025-13-01") is None
    assert urls.date_param("2025-06-30T00:00:00") == dt.date(2025, 6, 30)
