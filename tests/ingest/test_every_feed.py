"""Every feed, every shape: the same record read from each shape real systems export.

Each feed has one sample record; it is written as UTF-8 CSV with BOM under a title and a
`单位：万元` line with a trailing total, as GB18030 CSV, as English-header CSV, and as an xlsx
with real number and date cells — and must load to the same typed values every time.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.ingest.spec import AMOUNT, BOOL, COUNT, DATE, FEEDS, NUMBER, PERCENT
from budgetwatch.queries.store import Store
from tests.conftest import rows
from tests.ingest.files import write_csv, write_xlsx

SAMPLES = {
    "departments": {"dept_code": "001", "dept_name": "市教育局", "parent_code": None, "region_code": "430100"},
    "budget": {"year": 2025, "dept_code": "001001", "func_code": "2050202", "econ_code": "30201",
               "fund_type": "一般公共预算", "original_amount": Decimal("1234.5"), "adjusted_amount": Decimal("1300"),
               "project_code": "430100-25-0007"},
    "payments": {"voucher_no": "20250000001", "pay_date": dt.date(2025, 3, 7), "dept_code": "001001",
                 "func_code": "2050202", "econ_code": "30201", "fund_type": "政府性基金预算", "payee": "湖南某某公司",
                 "amount": Decimal("-12.25"), "payee_account": "6217000000000001", "purpose": "办公费",
                 "project_code": "430100-25-0007"},
    "assets_enterprise": {"year": 2025, "enterprise_code": "91430100MA4L00000X", "enterprise_name": "湘江城投集团",
                          "supervisor_code": "009", "total_assets": Decimal("1000"),
                          "total_liabilities": Decimal("800"), "owner_equity": Decimal("200"),
                          "revenue": Decimal("50"), "profit": Decimal("-3.5")},
    "assets_admin": {"year": 2025, "dept_code": "001001", "asset_category": "车辆", "quantity": Decimal("3"),
                     "book_value": Decimal("90"), "idle_value": Decimal("20")},
    "audit_findings": {"finding_id": "SJ2023-001", "audit_year": 2023, "audit_project": "2023年预算执行审计",
                       "dept_code": "001001", "category": "预算管理", "description": "超预算支出",
                       "amount_involved": Decimal("10"), "deadline": dt.date(2024, 6, 30), "status": "部分整改",
                       "amount_rectified": Decimal("4"), "rectified_date": None},
    "suggestions": {"suggestion_no": "2025-0123", "year": 2025, "title": "关于加快老旧小区改造的建议",
                    "field": "城建环资", "lead_deputy": "王建国", "co_deputies": "李红、张伟", "priority": "是",
                    "dept_code": "001001", "role": "主办", "assigned_date": dt.date(2025, 3, 20),
                    "extended_to": None, "replied_date": dt.date(2025, 6, 10), "reply_class": "B",
                    "promised_date": dt.date(2025, 12, 31), "satisfaction": "基本满意", "rating_source": "代表本人",
                    "rated_date": dt.date(2025, 6, 30), "second_reply_date": None, "closed_date": None},
    "projects": {"project_code": "430100-25-0007", "project_name": "湘江市第一中学扩建工程", "dept_code": "001001",
                 "category": "教育", "livelihood_year": 2025, "is_investment": True, "target": "新增学位7000个",
                 "total_investment": Decimal("12000"), "approved_estimate": Decimal("12500"),
                 "planned_start": dt.date(2025, 3, 1), "planned_finish": dt.date(2026, 8, 31),
                 "actual_start": dt.date(2025, 3, 15), "actual_finish": None, "funding_source": "专项债券"},
    "project_progress": {"project_code": "430100-25-0007", "report_date": dt.date(2025, 6, 30),
                         "year_plan": Decimal("6000"), "year_completed": Decimal("1800.5"),
                         "total_completed": Decimal("1800.5"), "physical_progress": Decimal("45"), "status": "在建",
                         "note": "主体结构施工"},
    "project_evaluation": {"year": 2025, "project_code": "430100-25-0007", "members": 35, "present": 33,
                           "satisfied": 20, "basically_satisfied": 10, "unsatisfied": 2, "abstained": 1},
    "debt": {"year": 2025, "region_code": "430102", "region_name": "湘江市芙蓉区", "debt_type": "专项债务",
             "limit_amount": Decimal("2500000000"), "balance": Decimal("2399999999.99"),
             "new_quota": Decimal("300000000"), "new_issued": Decimal("280000000"),
             "refinancing_issued": Decimal("50000000"), "principal_repaid": Decimal("60000000"),
             "interest_paid": Decimal("7250000.5"), "fiscal_capacity": Decimal("2000000000")},
}
# Feeds whose rows name a row of another feed: that feed's sample is loaded first.
NEEDS = {f.name: [ref[1] for ref in f.refs] for f in FEEDS.values()}


def cell_text(value, kind, wan: bool) -> str:
    if value is None:
        return ""
    if kind == AMOUNT:
        v = value / 10000 if wan else value
        return f"({abs(v):,.6f})" if v < 0 else f"{v:,.6f}"
    if kind == DATE:
        return f"{value.year}年{value.month}月{value.day}日"
    if kind == BOOL:
        return "是" if value else "否"
    if kind == PERCENT:
        return f"{value}%"
    return str(value)


def expected(feed):
    return tuple(SAMPLES[feed.name][c.name] for c in feed.columns)


def check(data_dir, feed):
    cols = ", ".join(c.name for c in feed.columns)
    [got] = rows(data_dir, f"SELECT {cols} FROM {feed.name}")
    assert got == expected(feed)


@pytest.fixture(params=list(FEEDS))
def feed(request):
    return FEEDS[request.param]


def prerequisites(tmp_path, data_dir, feed):
    for name in NEEDS[feed.name]:
        need = FEEDS[name]
        rec = [cell_text(SAMPLES[name][c.name], c.kind, wan=False) for c in need.columns]
        f = write_csv(tmp_path / f"{name}.csv", [rec], header=[c.name for c in need.columns])
        [r] = ingest_files(Store(data_dir), name, [f], who="t")
        assert r.status == "applied", [p.line() for p in r.problems]


def load(data_dir, feed, path, **kw):
    prerequisites(path.parent, data_dir, feed)
    [r] = ingest_files(Store(data_dir), feed.name, [path], who="t", **kw)
    assert r.status == "applied", [p.line() for p in r.problems]
    return r


def test_csv_bom_title_unit_wan_total(tmp_path, data_dir, feed):
    rec = [cell_text(SAMPLES[feed.name][c.name], c.kind, wan=True) for c in feed.columns]
    f = write_csv(tmp_path / "f.csv", [rec], header=[c.cn for c in feed.columns], encoding="utf-8-sig",
                  above=[f"2025年{feed.cn}表", "单位：万元"], below=[["合计"] + [""] * (len(rec) - 1)])
    r = load(data_dir, feed, f)
    assert r.unit == "万元" and r.total_rows_dropped == 1
    check(data_dir, feed)


def test_gb18030_csv(tmp_path, data_dir, feed):
    rec = [cell_text(SAMPLES[feed.name][c.name], c.kind, wan=False) for c in feed.columns]
    f = write_csv(tmp_path / "f.csv", [rec], header=[c.cn for c in feed.columns], encoding="gb18030")
    load(data_dir, feed, f)
    check(data_dir, feed)


def test_english_headers(tmp_path, data_dir, feed):
    rec = [cell_text(SAMPLES[feed.name][c.name], c.kind, wan=False) for c in feed.columns]
    f = write_csv(tmp_path / "f.csv", [rec], header=[c.name for c in feed.columns])
    load(data_dir, feed, f)
    check(data_dir, feed)


def test_xlsx_with_typed_cells(tmp_path, data_dir, feed):
    def cell(c):
        v = SAMPLES[feed.name][c.name]
        if c.kind in (AMOUNT, NUMBER, COUNT, PERCENT) and v is not None:
            return float(v)
        if c.name in ("func_code", "econ_code", "year", "audit_year"):
            return float(v)  # Excel turned codes and years into numbers
        return v
    f = write_xlsx(tmp_path / "f.xlsx", [[cell(c) for c in feed.columns]], header=[c.cn for c in feed.columns],
                   above=[[f"{feed.cn}"]])
    load(data_dir, feed, f)
    check(data_dir, feed)


@pytest.mark.parametrize("feed_name,column", [(f.name, c.name) for f in FEEDS.values() for c in f.required])
def test_each_required_column_missing_is_named(tmp_path, data_dir, feed_name, column):
    feed = FEEDS[feed_name]
    cols = [c for c in feed.columns if c.name != column]
    rec = [cell_text(SAMPLES[feed.name][c.name], c.kind, wan=False) for c in cols]
    f = write_csv(tmp_path / "f.csv", [rec], header=[c.cn for c in cols])
    prerequisites(tmp_path, data_dir, feed)
    [r] = ingest_files(Store(data_dir), feed.name, [f], who="t")
    assert r.status == "refused"
    assert [(p.code, p.column) for p in r.problems] == [("missing_column", feed.column(column).cn)]
