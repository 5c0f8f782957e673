"""A load whose data was applied but whose later steps did not finish says so (issue 19).

At 100M payments the flag refresh hit the query time limit and the load still reported plain
success while the flag cache was silently dropped. Each step after the data now reports."""
from __future__ import annotations

import argparse

from budgetwatch import cmd_ingest
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries import refresh, search, summary
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.rules.registry import RULES
from budgetwatch.queries.store import QueryError, Store
from tests.ingest.files import pay_row, write_csv

EVERY = [r.id for r in RULES]


def _two_years(tmp_path):
    return write_csv(tmp_path / "p.csv", [pay_row("V1", date="2024-05-02"), pay_row("V2", date="2024-05-02"),
                                          pay_row("V3", date="2025-03-07"), pay_row("V4", date="2025-03-08")])


def _rule_times_out(monkeypatch, rule_id="DUPLICATE_PAYMENT", year=2025):
    real = refresh.run_rule

    def slow(con, rule, ctx, params):
        if rule.id == rule_id and ctx.year == year:
            raise QueryError("查询超时（超过 60 秒）/ query timed out")
        return real(con, rule, ctx, params)
    monkeypatch.setattr(refresh, "run_rule", slow)


def test_a_rule_timing_out_in_the_flag_refresh_is_reported_not_hidden(tmp_path, data_dir, monkeypatch):
    _rule_times_out(monkeypatch)
    [report] = ingest_files(Store(data_dir), "payments", [_two_years(tmp_path)], who="t")
    assert report.status == "applied" and report.inserted == 4        # the data is in
    [step] = report.unfinished
    assert step.step == "flags" and "DUPLICATE_PAYMENT" in step.zh and "2025" in step.en
    assert "timed out" in step.en and "超时" in step.zh
    assert report.as_dict()["unfinished"][0]["step"] == "flags"
    values = load_thresholds(data_dir).values
    with Store(data_dir).reader() as con:
        assert summary.years(con) == [2025, 2024]                       # the summary still stands
        assert summary.cached_flags(con, 2025, None, values, EVERY) is None    # not half a cache: live
        assert summary.cached_flags(con, 2024, None, values, EVERY) is not None


def test_a_clean_load_has_nothing_unfinished(tmp_path, data_dir):
    [report] = ingest_files(Store(data_dir), "payments", [_two_years(tmp_path)], who="t")
    assert report.unfinished == []


def test_the_search_index_failing_is_reported(tmp_path, data_dir, monkeypatch):
    def broken(_con):
        raise RuntimeError("disk full")
    monkeypatch.setattr(search, "build", broken)
    [report] = ingest_files(Store(data_dir), "payments", [_two_years(tmp_path)], who="t")
    assert [u.step for u in report.unfinished] == ["search"] and "disk full" in report.unfinished[0].en


def test_the_cli_exits_3_and_names_the_step(tmp_path, data_dir, monkeypatch, capsys):
    _rule_times_out(monkeypatch)
    args = argparse.Namespace(data_dir=str(data_dir), feed="payments", files=[_two_years(tmp_path)],
                              by="t", accept_partial=False, sheet=None, format="text")
    assert cmd_ingest.run_ingest(args) == 3
    err = capsys.readouterr().err
    assert "未完成" in err and "DUPLICATE_PAYMENT" in err


def test_the_upload_report_on_the_data_page_lists_unfinished_steps():
    from budgetwatch.dashboard.pages.data import report_view
    from budgetwatch.ingest.pipeline import FileReport
    from budgetwatch.queries.steps import Unfinished

    report = FileReport(file="p.csv", feed="payments", status="applied", rows_read=4, inserted=4)
    assert "is-ok" in report_view(report, "en").className
    report.unfinished = [Unfinished("flags", "2025年预警缓存未完成", "the 2025 flag cache did not finish")]
    view = report_view(report, "en")
    assert "is-error" in view.className
    assert "the 2025 flag cache did not finish" in str(view.to_plotly_json())
    assert "2025年预警缓存未完成" in str(report_view(report, "zh").to_plotly_json())
