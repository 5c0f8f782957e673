"""`budgetwatch flags`, `rules` and `review` as a person (or another tool) runs them."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ["rule", "severity", "entity_type", "entity_key", "year", "amount", "message"]


def _fixture():
    name = "budgetwatch_rules_fixture"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "rules" / "fixture.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def bw(*args, check=True, encoding="ascii"):
    # what flags/rules/review print must not depend on the terminal's encoding
    env = {**os.environ, "USER": "tester", "PYTHONIOENCODING": encoding}
    env.pop("BUDGETWATCH_DATA_DIR", None)
    proc = subprocess.run([sys.executable, "-m", "budgetwatch", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, timeout=120)
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    if check:
        assert proc.returncode == 0, err
    return proc.returncode, out, err


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def data(tmp_path):
    d = _fixture().Data(tmp_path / "data")
    d.dept("001", "市教育局").dept("001001", "第一中学", "001").dept("002", "市卫健委")
    d.budget("001", 3_550_000).budget("001001", 100_000).budget("002", 3_650_000)
    d.pay("V1", "2025-06-30", "001001", 100_000)     # 001 (rolled up): 46.8 points behind -> high
    d.pay("V2", "2025-06-30", "002", 1_000_000)      # 002 (with V3, V4): 22.1 points behind -> medium
    d.pay("V3", "2025-06-28", "002", 1_000, econ="30299")   # no budget line
    d.pay("V4", "2025-06-30", "002", 1_000, econ="30299")   # ... and a duplicate of V3
    d.enterprise("91330100MA2000000A", 2025, assets=100, liabilities=75, name="市城投集团")
    return d.publish()


def test_csv_header_keys_and_amounts(data):
    _, out, _ = bw("flags", "--year", 2025, "--format", "csv", "--data-dir", data.path)
    assert not out.startswith("\ufeff")
    header = out.splitlines()[0].split(",")
    assert header[:7] == CONTRACT
    assert header[7:] == ["title", "dept_code", "state", "review_status", "reviewer", "reviewed_at",
                          "review_note", "evidence", "as_of", "message_en"]
    got = {(r["rule"], r["entity_key"]): r for r in rows(out)}
    assert set(got) == {("EXEC_LAG", "001"), ("EXEC_LAG", "002"), ("NO_BUDGET", "V3"),
                        ("NO_BUDGET", "V4"), ("DUPLICATE_PAYMENT", "V4"),
                        ("LEVERAGE", "91330100MA2000000A")}
    lag = got[("EXEC_LAG", "001")]
    assert (lag["severity"], lag["entity_type"], lag["year"], lag["state"]) == ("high", "department", "2025", "active")
    assert lag["message"].startswith("市教育局截至2025-06-30执行进度2.7%，低于序时进度49.6%共46.8个百分点")
    assert lag["message_en"].startswith("市教育局: execution 2.7% as of 2025-06-30, 46.8 points below the time "
                                        "schedule 49.6%")
    assert got[("EXEC_LAG", "002")]["severity"] == "medium"
    for r in got.values():
        assert re.fullmatch(r"-?\d+\.\d\d", r["amount"]), r["amount"]
        json.loads(r["evidence"])
    assert got[("NO_BUDGET", "V3")]["amount"] == "1000.00"


def test_the_table_reads_in_english_when_asked(data):
    _, out, _ = bw("flags", "--year", 2025, "--format", "table", "--lang", "en", "--data-dir", data.path)
    assert out.startswith("Warnings of 2025 as of 2025-06-30: ")
    assert "市教育局: execution 2.7% as of 2025-06-30" in out and "CNY 10k" in out and "万元" not in out


def test_output_file_json_and_rule_filter(data, tmp_path):
    target = tmp_path / "flags.csv"
    _, out, _ = bw("flags", "--year", 2025, "--as-of", "2025-06-30", "--output", target,
                   "--data-dir", data.path)
    assert out == "" and target.read_text(encoding="utf-8").startswith(",".join(CONTRACT))
    _, out, _ = bw("flags", "--year", 2025, "--format", "json", "--rule", "LEVERAGE", "NO_BUDGET",
                   "--data-dir", data.path)
    items = json.loads(out)
    assert {i["rule"] for i in items} == {"LEVERAGE", "NO_BUDGET"}
    assert items[0]["evidence"] and isinstance(items[0]["amount"], float)
    _, out, _ = bw("flags", "--year", 2025, "--format", "table", "--data-dir", data.path)
    assert "市城投集团" in out and "[红]" in out


def test_thresholds_from_config_and_data_dir_change_what_fires(data, tmp_path):
    cfg = tmp_path / "strict.toml"
    cfg.write_text("[EXEC_LAG]\nmax_gap_points = 25.0\n[NO_BUDGET]\nenabled = false\n", encoding="utf-8")
    _, out, _ = bw("flags", "--year", 2025, "--format", "csv", "--config", cfg, "--data-dir", data.path)
    keys = {(r["rule"], r["entity_key"]) for r in rows(out)}
    assert ("EXEC_LAG", "001") in keys and ("EXEC_LAG", "002") not in keys
    assert not any(rule == "NO_BUDGET" for rule, _ in keys)

    (data.path / "rules.toml").write_text("[LEVERAGE]\nmax_ratio_pct = 80\n", encoding="utf-8")
    _, out, _ = bw("flags", "--year", 2025, "--format", "csv", "--data-dir", data.path)
    assert "LEVERAGE" not in {r["rule"] for r in rows(out)}
    # --config wins over the data folder's file
    cfg.write_text("[LEVERAGE]\nmax_ratio_pct = 70\n", encoding="utf-8")
    _, out, _ = bw("flags", "--year", 2025, "--format", "csv", "--config", cfg, "--data-dir", data.path)
    assert "LEVERAGE" in {r["rule"] for r in rows(out)}


def test_unknown_threshold_is_refused(data, tmp_path):
    cfg = tmp_path / "typo.toml"
    cfg.write_text("[EXEC_LAG]\nmax_gap_pionts = 25\n", encoding="utf-8")
    code, out, err = bw("flags", "--year", 2025, "--config", cfg, "--data-dir", data.path, check=False)
    assert code != 0 and out == ""
    assert "max_gap_pionts" in err and "Traceback" not in err
    code, _, err = bw("rules", "--config", cfg, check=False)
    assert code != 0 and "max_gap_pionts" in err


def test_rules_prints_thresholds_in_force(data, tmp_path):
    (data.path / "rules.toml").write_text("[SPLIT_PAYMENT]\napproval_threshold = 500000\n",
                                          encoding="utf-8")
    _, out, _ = bw("rules", "--data-dir", data.path)
    for rule in ("EXEC_LAG", "BENFORD", "AUDIT_HOLLOW"):
        assert rule in out
    assert "max_gap_points = 15.0" in out and "approval_threshold = 500000" in out
    assert str(data.path / "rules.toml") in out
    _, out, _ = bw("rules", "--format", "json", "--data-dir", data.path)
    info = {r["id"]: r for r in json.loads(out)["rules"]}
    from budgetwatch.queries.rules import RULES
    assert list(info) == [r.id for r in RULES]
    split = {p["name"]: p for p in info["SPLIT_PAYMENT"]["params"]}
    assert split["approval_threshold"]["value"] == 500000
    assert split["approval_threshold"]["default"] == 1000000
    assert split["approval_threshold"]["source"].endswith("rules.toml")
    assert split["min_count"]["source"] == "default" and split["min_count"]["help_cn"]


def test_review_survives_reload_and_threshold_change_then_resolves(data, tmp_path):
    bw("review", "--rule", "EXEC_LAG", "--key", "002", "--year", 2025, "--status", "属实",
       "--note", "执行慢，已约谈", "--data-dir", data.path)
    bw("review", "--rule", "DUPLICATE_PAYMENT", "--key", "V4", "--year", 2025, "--status", "dismissed",
       "--note", "分两次付款", "--by", "李四", "--data-dir", data.path)

    # reload: publish a new generation of the data
    data.pay("V5", "2025-06-30", "001", 1)
    data.publish()
    _, out, _ = bw("flags", "--year", 2025, "--format", "csv", "--data-dir", data.path)
    got = {(r["rule"], r["entity_key"]): r for r in rows(out)}
    lag = got[("EXEC_LAG", "002")]
    assert (lag["state"], lag["review_status"], lag["reviewer"], lag["review_note"]) == (
        "active", "confirmed", "tester", "执行慢，已约谈")
    assert lag["reviewed_at"]
    assert got[("DUPLICATE_PAYMENT", "V4")]["reviewer"] == "李四"
    assert got[("EXEC_LAG", "001")]["review_status"] == ""

    # a threshold change that stops 002 firing: still listed, as resolved
    cfg = tmp_path / "t.toml"
    cfg.write_text("[EXEC_LAG]\nmax_gap_points = 25.0\n", encoding="utf-8")
    _, out, _ = bw("flags", "--year", 2025, "--format", "csv", "--config", cfg, "--data-dir", data.path)
    got = {(r["rule"], r["entity_key"]): r for r in rows(out)}
    lag = got[("EXEC_LAG", "002")]
    assert (lag["state"], lag["review_status"], lag["severity"]) == ("resolved", "confirmed", "medium")
    assert lag["message"].startswith("市卫健委截至2025-06-30执行进度27.5%")

    # data that makes it stop firing: resolved too
    data.pay("V6", "2025-06-30", "002", 2_000_000)
    data.publish()
    _, out, _ = bw("flags", "--year", 2025, "--format", "csv", "--data-dir", data.path)
    got = {(r["rule"], r["entity_key"]): r for r in rows(out)}
    assert got[("EXEC_LAG", "002")]["state"] == "resolved"

    _, out, _ = bw("review", "--list", "--year", 2025, "--data-dir", data.path)
    assert "EXEC_LAG" in out and "属实" in out and "DUPLICATE_PAYMENT" in out
    _, out, _ = bw("review", "--list", "--history", "--format", "json", "--data-dir", data.path)
    assert len(json.loads(out)) == 2


def test_review_of_a_flag_that_does_not_exist(data):
    code, _, err = bw("review", "--rule", "EXEC_LAG", "--key", "999", "--year", 2025,
                      "--status", "confirmed", "--data-dir", data.path, check=False)
    assert code != 0 and "999" in err and "Traceback" not in err
    bw("review", "--rule", "EXEC_LAG", "--key", "999", "--year", 2025, "--status", "confirmed",
       "--force", "--data-dir", data.path)
    code, _, err = bw("review", "--rule", "EXEC_LAG", "--key", "001", "--year", 2025,
                      "--status", "maybe", "--data-dir", data.path, check=False)
    assert code != 0 and "confirmed" in err
    code, _, err = bw("review", "--rule", "NOPE", "--key", "001", "--year", 2025,
                      "--status", "confirmed", "--data-dir", data.path, check=False)
    assert code != 0 and "NOPE" in err


def test_errors_are_one_sentence(data, tmp_path):
    for args in (("flags", "--year", 2025, "--as-of", "2025/06/30", "--data-dir", data.path),
                 ("flags", "--year", 2025, "--as-of", "2024-06-30", "--data-dir", data.path),
                 ("flags", "--year", 2025, "--data-dir", tmp_path / "empty")):
        code, out, err = bw(*args, check=False, encoding="utf-8")
        assert code != 0 and out == "" and "Traceback" not in err
        assert re.search(r"[\u4e00-\u9fff]", err) and re.search(r"[a-z]{4}", err)
    assert not (tmp_path / "empty").exists()
