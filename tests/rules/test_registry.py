"""The registry, the thresholds files, the flag frame's contract, and the docs keeping up."""
from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import pytest

from budgetwatch.queries.rules import FLAG_COLUMNS, RULES, RULES_BY_ID, Param, Rule, compute_flags, fmt_wan
from budgetwatch.queries.rules.base import RuleError, bind_params
from budgetwatch.queries.rules.config import DEFAULTS_FILE, ConfigError, load_thresholds
from budgetwatch.queries.store import Store

ROOT = Path(__file__).resolve().parents[2]
RULES_MD_IDS = ("EXEC_LAG OVER_BUDGET NO_BUDGET YEAR_END_RUSH DUPLICATE_PAYMENT SPLIT_PAYMENT "
                "SANGONG_GROWTH AMOUNT_OUTLIER BENFORD LEVERAGE CONSECUTIVE_LOSS EQUITY_DECLINE "
                "IDLE_ASSETS AUDIT_OVERDUE AUDIT_REPEAT AUDIT_HOLLOW "
                "SUGGESTION_OVERDUE SUGGESTION_UNSATISFIED SUGGESTION_PROMISE_DUE SUGGESTION_PROXY_RATED "
                "SUGGESTION_UNIT_SATISFACTION INQUIRY_OVERDUE "
                "PROJECT_LAG PROJECT_NOT_STARTED PROJECT_OVERDUE PROJECT_OVER_ESTIMATE PROJECT_STALE "
                "PROJECT_OVERPAID LIVELIHOOD_UNSATISFIED "
                "DEBT_OVER_LIMIT DEBT_RATIO DEBT_ISSUE_OVER_QUOTA").split()


def test_every_rule_of_rules_md_is_registered_once():
    assert [r.id for r in RULES] == RULES_MD_IDS
    assert len(RULES_BY_ID) == len(RULES)


def test_rule_severities_match_rules_md():
    expected = {"EXEC_LAG": "medium", "OVER_BUDGET": "high", "NO_BUDGET": "high",
                "YEAR_END_RUSH": "medium", "DUPLICATE_PAYMENT": "high", "SPLIT_PAYMENT": "high",
                "SANGONG_GROWTH": "medium", "AMOUNT_OUTLIER": "medium", "BENFORD": "low",
                "LEVERAGE": "medium", "CONSECUTIVE_LOSS": "high", "EQUITY_DECLINE": "medium",
                "IDLE_ASSETS": "medium", "AUDIT_OVERDUE": "medium", "AUDIT_REPEAT": "medium",
                "AUDIT_HOLLOW": "medium",
                "SUGGESTION_OVERDUE": "medium", "SUGGESTION_UNSATISFIED": "medium", "SUGGESTION_PROMISE_DUE": "medium",
                "SUGGESTION_PROXY_RATED": "low", "SUGGESTION_UNIT_SATISFACTION": "low", "INQUIRY_OVERDUE": "medium",
                "PROJECT_LAG": "medium", "PROJECT_NOT_STARTED": "medium",
                "PROJECT_OVERDUE": "medium", "PROJECT_OVER_ESTIMATE": "high", "PROJECT_STALE": "low",
                "PROJECT_OVERPAID": "medium", "LIVELIHOOD_UNSATISFIED": "high",
                "DEBT_OVER_LIMIT": "high", "DEBT_RATIO": "medium", "DEBT_ISSUE_OVER_QUOTA": "medium"}
    assert {r.id: r.severity for r in RULES} == expected


def test_every_sql_parameter_is_declared():
    from budgetwatch.queries.rules.base import CONTEXT_NAMES
    for rule in RULES:
        if rule.sql is None:        # a compute rule (INQUIRY_OVERDUE) has no SQL to check
            continue
        names = set(re.findall(r"\$([A-Za-z_]\w*)", rule.sql or ""))
        declared = {p.name for p in rule.params} | set(CONTEXT_NAMES)
        assert names <= declared, (rule.id, names - declared)
        unused = {p.name for p in rule.params} - names
        assert not unused, (rule.id, unused)


def test_shipped_defaults_file_matches_the_rules_and_explains_every_key():
    text = DEFAULTS_FILE.read_text(encoding="utf-8")
    shipped = tomllib.loads(text)
    assert list(shipped) == [r.id for r in RULES]
    for rule in RULES:
        assert shipped[rule.id] == rule.defaults(), rule.id
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[a-z_]+ = ", line):
            comment = lines[i - 1]
            assert comment.startswith("# ") and re.search(r"[\u4e00-\u9fff]", comment) \
                and re.search(r"[a-z]{3}", comment), f"no bilingual comment above: {line}"


def test_docs_describe_every_rule_and_parameter():
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"## {rule.id}" in doc, rule.id
        section = doc.split(f"## {rule.id}", 1)[1].split("\n## ", 1)[0]
        for p in rule.params:
            assert f"`{p.name}`" in section, (rule.id, p.name)


@pytest.mark.parametrize("yuan,text", [(1_325_000, "132.50万元"), (0, "0.00万元"), (49.99, "0.00万元"),
                                       (50, "0.01万元"), (-2_000, "-0.20万元"),
                                       (123_456_789.01, "12345.68万元"), (None, "—")])
def test_fmt_wan(yuan, text):
    assert fmt_wan(yuan) == text


def test_bind_params_binds_only_what_the_sql_names():
    assert bind_params("SELECT $a + $b", {"a": 1, "b": 2.5, "c": 3}) == {"a": 1, "b": __import__("decimal").Decimal("2.5")}
    with pytest.raises(RuleError):
        bind_params("SELECT $zz", {})


# -- the flag frame ---------------------------------------------------------------------------
def small(data):
    d = data
    d.dept("001", "市教育局")
    d.budget("001", 3_650_000)
    d.pay("V1", "2025-06-30", "001", 100, econ="30299")
    d.pay("V2", "2025-06-30", "001", 100, econ="30299")
    d.enterprise("E" * 18, 2025, assets=100, liabilities=90)
    d.finding("F1", "001", deadline="2025-01-01")
    return d.publish()


def test_flag_frame_columns_and_values(data):
    f = small(data).flags()
    assert tuple(f.columns) == FLAG_COLUMNS
    assert set(f["rule"]) == {"EXEC_LAG", "NO_BUDGET", "DUPLICATE_PAYMENT", "LEVERAGE", "AUDIT_OVERDUE"}
    assert set(f["severity"]) <= {"high", "medium", "low"}
    assert (f["year"] == 2025).all()
    for ev in f["evidence"]:
        assert isinstance(json.loads(ev), dict)
    assert f["title"].tolist()[0] and f["message"].str.len().min() > 10
    # sorted: high first
    assert f["severity"].tolist() == sorted(f["severity"], key=["high", "medium", "low"].index)


def test_disabled_rule_and_rule_selection(data):
    d = small(data)
    assert "LEVERAGE" not in set(d.flags(thresholds={"LEVERAGE": {"enabled": False}})["rule"])
    assert set(d.flags(["leverage", "NO_BUDGET"])["rule"]) == {"LEVERAGE", "NO_BUDGET"}
    with pytest.raises(RuleError, match="NOPE"):
        d.flags("NOPE")
    with pytest.raises(RuleError, match="typo"):
        d.flags(thresholds={"LEVERAGE": {"typo": 1}})


def test_as_of_must_lie_in_the_year(data):
    d = small(data)
    with pytest.raises(RuleError):
        d.flags(as_of="2024-12-31")
    with pytest.raises(RuleError):
        d.flags(as_of="30/06/2025")


def test_payment_rules_stay_silent_in_a_year_without_payments(data):
    d = small(data)
    f = d.flags(year=2026)
    assert set(f["rule"]) == {"AUDIT_OVERDUE"}  # audit rules still run, against today
    assert f["as_of"].tolist() == [dt.date.today().isoformat()]


def test_a_new_rule_plugs_in_without_touching_the_others(data):
    d = small(data)
    big = Rule(id="BIG_PAYMENT", title_cn="大额支付", title_en="Large payment", entity_type="payment",
               params=(Param("min_amount", 50, "金额不低于此数", "at least this"),),
               doc="A payment of at least min_amount.",
               sql="""SELECT voucher_no AS entity_key, dept_code, amount,
                             '{}' AS evidence FROM payments
                      WHERE pay_date BETWEEN $year_start AND $as_of AND amount >= $min_amount""",
               message="凭证{entity_key}金额{amount:wan}", message_en="Voucher {entity_key}: {amount:wan}")
    with Store(d.path).reader() as con:
        f = compute_flags(con, 2025, rules=[big], thresholds={"BIG_PAYMENT": {"min_amount": 100}})
    assert f["entity_key"].tolist() == ["V1", "V2"] and f["message"][0] == "凭证V1金额0.01万元"
    assert f["message_en"][0] == "Voucher V1: 0.01 CNY 10k"


# -- thresholds files -------------------------------------------------------------------------
def test_thresholds_load_order_and_sources(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "rules.toml").write_text("[EXEC_LAG]\nmax_gap_points = 20\nmin_month = 4\n",
                                         encoding="utf-8")
    cfg = tmp_path / "mine.toml"
    cfg.write_text("[EXEC_LAG]\nmin_month = 5.0\n[BENFORD]\nenabled = false\n", encoding="utf-8")
    t = load_thresholds(data_dir, cfg)
    s = t.settings["EXEC_LAG"]
    assert (s["max_gap_points"].value, s["max_gap_points"].source) == (20, str(data_dir / "rules.toml"))
    assert (s["min_month"].value, s["min_month"].source) == (5, str(cfg))
    assert isinstance(s["min_month"].value, int)
    assert (s["min_budget"].value, s["min_budget"].source) == (1_000_000, "default")
    assert s["max_gap_points"].default == 15.0
    assert t.enabled("BENFORD") is False and t.enabled("EXEC_LAG") is True
    assert t.files == [str(data_dir / "rules.toml"), str(cfg)]
    assert t.values["EXEC_LAG"]["max_gap_points"] == 20


@pytest.mark.parametrize("content,named", [
    ("[EXEC_LAGG]\nmax_gap_points = 20\n", "EXEC_LAGG"),
    ("[EXEC_LAG]\nmax_gap_point = 20\n", "max_gap_point"),
    ("[EXEC_LAG]\nmax_gap_points = \"20\"\n", "max_gap_points"),
    ("[EXEC_LAG]\nmin_month = 3.5\n", "min_month"),
    ("[EXEC_LAG]\nmax_gap_points = -1\n", "max_gap_points"),
    ("[EXEC_LAG]\nenabled = 1\n", "enabled"),
    ("[SANGONG_GROWTH]\necon_codes = \"30217\"\n", "econ_codes"),
    ("EXEC_LAG = 3\n", "EXEC_LAG"),
    ("[EXEC_LAG\n", "TOML"),
])
def test_bad_thresholds_are_refused_by_name(tmp_path, content, named):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(named)) as exc:
        load_thresholds(tmp_path / "data", cfg)
    assert str(cfg) in str(exc.value)


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_thresholds(tmp_path, tmp_path / "nope.toml")
