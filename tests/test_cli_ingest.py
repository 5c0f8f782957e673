"""The CLI contract of FEEDS.md, end to end on small files in tests/data/."""
from __future__ import annotations

import json

from tests.conftest import TEST_DATA, cli, rows


def test_ingest_gb18030_budget_with_title_unit_and_total(data_dir):
    p = cli("ingest", "budget", TEST_DATA / "budget_2025_gb18030.csv", data_dir=data_dir)
    assert p.returncode == 0, p.stderr
    assert "已导入 applied" in p.stdout and "万元" in p.stdout
    assert rows(data_dir, "SELECT dept_code, econ_code, original_amount::DOUBLE, adjusted_amount::DOUBLE "
                          "FROM budget ORDER BY 1, 2") == [
        ("001001", "30201", 12005000.0, 12005000.0), ("001001", "30211", 350000.0, 400000.0),
        ("002", "30101", 20000000.0, 21000000.0)]


def test_refused_file_exits_non_zero_and_says_where(data_dir):
    p = cli("ingest", "payments", TEST_DATA / "payments_messy.csv", data_dir=data_dir)
    assert p.returncode != 0
    assert "payments_messy.csv, 第5行 row 5, 列 column “功能科目编码”" in p.stderr
    assert "不是有效金额 / not a valid amount" in p.stderr
    assert "Traceback" not in p.stderr
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(0,)]


def test_accept_partial_loads_good_rows_still_non_zero(data_dir):
    p = cli("ingest", "payments", TEST_DATA / "payments_messy.csv", "--accept-partial", data_dir=data_dir)
    assert p.returncode != 0  # something was refused
    assert rows(data_dir, "SELECT count(*) FROM payments") == [(3,)]
    # hostile text is just data
    assert rows(data_dir, "SELECT payee, purpose FROM payments WHERE voucher_no = '20250000003'") == [
        ("<script>alert(1)</script>", "'); DROP TABLE payments; --")]


def test_status_json_contract(data_dir):
    cli("ingest", "budget", TEST_DATA / "budget_2025_gb18030.csv", data_dir=data_dir)
    p = cli("status", "--format", "json", data_dir=data_dir)
    assert p.returncode == 0, p.stderr
    status = json.loads(p.stdout)
    from budgetwatch.ingest.spec import FEEDS
    assert set(status["feeds"]) == set(FEEDS) >= {"departments", "budget", "payments", "assets_enterprise",
                                                  "assets_admin", "audit_findings", "suggestions", "projects",
                                                  "project_progress", "project_evaluation", "debt"}
    assert status["feeds"]["budget"]["rows"] == 3 and status["feeds"]["budget"]["last_loaded"]
    assert status["feeds"]["budget"]["as_of"] == "2025"
    assert status["feeds"]["payments"] == {**status["feeds"]["payments"], "rows": 0, "last_loaded": None}


def test_data_dir_from_environment(tmp_path):
    env_dir = tmp_path / "from-env"
    p = cli("ingest", "budget", TEST_DATA / "budget_2025_gb18030.csv", env={"BUDGETWATCH_DATA_DIR": str(env_dir)})
    assert p.returncode == 0, p.stderr
    assert (env_dir / "db" / "CURRENT").exists()


def test_bad_files_never_show_a_traceback(tmp_path, data_dir):
    binary = tmp_path / "x.csv"
    binary.write_bytes(bytes(range(256)))
    p = cli("ingest", "payments", binary, tmp_path / "missing.csv", data_dir=data_dir)
    assert p.returncode != 0 and "Traceback" not in p.stderr
    assert "binary" in p.stderr and "file not found" in p.stderr


def test_unknown_feed_is_a_usage_error(data_dir):
    p = cli("ingest", "paymentz", TEST_DATA / "payments_messy.csv", data_dir=data_dir)
    assert p.returncode == 2 and "invalid choice" in p.stderr
