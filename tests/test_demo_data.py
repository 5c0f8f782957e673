"""The demo city generator: reproducible files in real-world shapes, with every warning rule planted.

The rules are re-computed here, straight from RULES.md, on the generated frames (not through
queries/rules), so the demo is checked against the rule text itself.
"""
from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from budgetwatch.demo_data import (ECON_NAMES, FEED_ORDER, FUNC_NAMES, PAYMENTS_PER_SCALE, SANGONG, generate_city,
                                   planted_anomalies, write_demo, write_demo_feeds)
from budgetwatch.ingest.headers import normalize
from budgetwatch.ingest.spec import AUDIT_STATUS, FEEDS, FUND_TYPES

ROOT = Path(__file__).resolve().parent.parent
RULES = ("EXEC_LAG", "OVER_BUDGET", "NO_BUDGET", "YEAR_END_RUSH", "DUPLICATE_PAYMENT", "SPLIT_PAYMENT",
         "SANGONG_GROWTH", "AMOUNT_OUTLIER", "BENFORD", "LEVERAGE", "CONSECUTIVE_LOSS", "EQUITY_DECLINE",
         "IDLE_ASSETS", "AUDIT_OVERDUE", "AUDIT_REPEAT", "AUDIT_HOLLOW", "DEBT_OVER_LIMIT", "DEBT_RATIO",
         "DEBT_ISSUE_OVER_QUOTA")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return write_demo(out)


# -- reading the files back ---------------------------------------------------------------

def csv_rows(path: Path, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


def xlsx_rows(path: Path, sheet: int = 0) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(sheet).to_python()


def header_of(rows: list[list], feed: str) -> tuple[int, list[str]]:
    """The first row whose cells name at least three of the feed's columns."""
    known = {normalize(h) for c in FEEDS[feed].columns for h in c.headers}
    for i, row in enumerate(rows[:30]):
        cells = [str(c) for c in row if str(c).strip()]
        if sum(normalize(c) in known for c in cells) >= 3:
            return i, cells
    raise AssertionError(f"no header found for {feed}")


def spec_column(feed: str, header: str) -> str | None:
    h = "".join(header.split())
    for col in FEEDS[feed].columns:
        if h in {"".join(x.split()) for x in col.headers}:
            return col.name
    return None


# -- the rules of RULES.md, computed directly ----------------------------------------------

def fired(city) -> dict[str, dict[str, str]]:
    """rule -> {entity key: severity} for the current year with the default thresholds."""
    year = city.year
    pay = city.payments_frame(year)
    prev = city.payments_frame(year - 1)
    budget = city.budget[year]
    depts = city.departments_frame()
    as_of = pay["pay_date"].max()
    out: dict[str, dict[str, str]] = {r: {} for r in RULES}
    parent = dict(zip(depts.dept_code, depts.parent_code))
    top = {c: (p if isinstance(p, str) and p else c) for c, p in parent.items()}

    # EXEC_LAG
    days = 366 if (year % 4 == 0 and year % 100) or year % 400 == 0 else 365
    schedule = as_of.day_of_year / days
    adj = budget.groupby(budget.dept_code.map(top)).adjusted_amount.sum()
    spent = pay.groupby(pay.dept_code.map(top)).amount.sum()
    for d, a in adj.items():
        lag = schedule - spent.get(d, 0.0) / a
        if a >= 1_000_000 and as_of.month >= 3 and lag > 0.15:
            out["EXEC_LAG"][d] = "high" if lag > 0.30 else "medium"
    # OVER_BUDGET / NO_BUDGET
    key = ["dept_code", "func_code", "econ_code", "fund_type"]
    lines = pay.groupby(key).amount.sum().reset_index().merge(budget, on=key, how="left")
    for r in lines[lines.adjusted_amount.notna() & (lines.amount > lines.adjusted_amount + 0.005)].itertuples():
        out["OVER_BUDGET"]["|".join((r.dept_code, r.func_code, r.econ_code, r.fund_type))] = "high"
    nb = pay.merge(budget[key].assign(ok=1), on=key, how="left")
    out["NO_BUDGET"] = {v: "high" for v in nb[nb.ok.isna()].voucher_no}
    # YEAR_END_RUSH
    if as_of.month == 12:
        for u, g in pay.groupby("dept_code"):
            total = g.amount.sum()
            dec = g[g.pay_date.dt.month == 12].amount.sum()
            if total >= 1_000_000 and dec > 0.25 * total and dec > 2.5 * (total - dec) / 11:
                out["YEAR_END_RUSH"][u] = "medium"
    # DUPLICATE_PAYMENT
    s = pay.sort_values(["pay_date", "voucher_no"])
    g = s.groupby(["dept_code", "payee", "amount"])
    gap = (s.pay_date - g.pay_date.shift()).dt.days
    out["DUPLICATE_PAYMENT"] = {v: "high" for v in s[gap.notna() & (gap <= 3)].voucher_no}
    # SPLIT_PAYMENT
    band = pay[(pay.amount >= 800_000) & (pay.amount < 1_000_000)]
    for _, g in band.groupby(["dept_code", "payee"]):
        if len(g) < 3:
            continue
        d = g.pay_date.values
        for start in d:
            win = g[(d >= start) & (d <= start + np.timedelta64(7, "D"))]
            if len(win) >= 3 and win.amount.sum() > 1_000_000:
                out["SPLIT_PAYMENT"].update({v: "high" for v in win.voucher_no})
    # SANGONG_GROWTH (same period the year before)
    prev_cut = pd.Timestamp(year - 1, as_of.month, min(as_of.day, 28 if as_of.month == 2 else as_of.day))
    now = pay[pay.econ_code.isin(SANGONG)].groupby("dept_code").amount.sum()
    before = prev[prev.econ_code.isin(SANGONG) & (prev.pay_date <= prev_cut)].groupby("dept_code").amount.sum()
    for u, b in before.items():
        n = now.get(u, 0.0)
        if b > 0 and n > 1.2 * b and n - b > 50_000:
            out["SANGONG_GROWTH"][u] = "medium"
    # AMOUNT_OUTLIER (both tails are checked, so a two-sided implementation is covered too)
    pos = pay[pay.amount > 0]
    for _, g in pos.groupby("econ_code"):
        if len(g) < 30:
            continue
        x = np.log(g.amount.values)
        med = np.median(x)
        mad = np.median(np.abs(x - med))
        if mad > 0:
            z = 0.6745 * (x - med) / mad
            out["AMOUNT_OUTLIER"].update({v: "medium" for v in g.voucher_no.values[np.abs(z) > 4.5]})
    # BENFORD
    expected = np.log10(1 + 1 / np.arange(1, 10))
    for u, g in pos.groupby("dept_code"):
        if len(g) >= 1000:
            first = g.amount.map(lambda a: int(f"{a:e}"[0]))
            observed = np.bincount(first, minlength=10)[1:] / len(g)
            if np.abs(observed - expected).mean() > 0.015:
                out["BENFORD"][u] = "low"
    # enterprises (amounts in 万元; only ratios matter)
    ent = city.enterprises
    cur = ent[ent.year == year].set_index("enterprise_code")
    last = ent[ent.year == year - 1].set_index("enterprise_code")
    for c, r in cur.iterrows():
        ratio = r.total_liabilities / r.total_assets
        if ratio > 0.70:
            out["LEVERAGE"][c] = "high" if ratio > 0.85 else "medium"
        if r.profit < 0 and c in last.index and last.loc[c, "profit"] < 0:
            out["CONSECUTIVE_LOSS"][c] = "high"
        if c in last.index and r.owner_equity < 0.9 * last.loc[c, "owner_equity"]:
            out["EQUITY_DECLINE"][c] = "medium"
    # IDLE_ASSETS
    adm = city.assets_admin[city.assets_admin.year == year]
    for r in adm[adm.idle_value > 0.2 * adm.book_value].itertuples():
        out["IDLE_ASSETS"][f"{r.dept_code}|{r.asset_category}"] = "medium"
    # audit
    audit = city.audit[city.audit.audit_year <= year]
    as_of_d = as_of.date()
    for r in audit.itertuples():
        if r.status in ("部分整改", "未整改") and r.deadline < as_of_d:
            out["AUDIT_OVERDUE"][r.finding_id] = "high" if (as_of_d - r.deadline).days > 90 else "medium"
        if r.status == "已整改" and r.amount_rectified < 0.5 * r.amount_involved:
            out["AUDIT_HOLLOW"][r.finding_id] = "medium"
    years = audit.groupby(["dept_code", "category"]).audit_year.nunique()
    out["AUDIT_REPEAT"] = {f"{d}|{c}": "medium" for (d, c), n in years.items() if n >= 2}
    # debt: exact decimals (the file's 亿元 figures have at most four decimals)
    exact = lambda v: Decimal(str(v))  # noqa: E731
    debt = city.debt[city.debt.year == year]
    for r in debt.itertuples():
        key = f"{r.region_code}|{r.debt_type}"
        if exact(r.balance) > exact(r.limit_amount):
            out["DEBT_OVER_LIMIT"][key] = "high"
        if pd.notna(r.new_quota) and pd.notna(r.new_issued) and exact(r.new_issued) > exact(r.new_quota):
            out["DEBT_ISSUE_OVER_QUOTA"][key] = "medium"
    for code, g in debt.groupby("region_code"):
        balance, capacity = sum(exact(b) for b in g.balance), exact(g.fiscal_capacity.max())
        if capacity > 0 and balance > capacity:
            out["DEBT_RATIO"][code] = "high" if balance > capacity * Decimal("1.2") else "medium"
    return out


# -- tests ----------------------------------------------------------------------------------

def test_feeds_in_load_order_and_files_exist(demo):
    files = demo.by_feed()
    assert tuple(files) == FEED_ORDER
    for feed, paths in files.items():
        assert paths, feed
        for p in paths:
            assert p.is_file() and p.stat().st_size > 0, p
    assert [p.name for p in files["budget"]] == ["02_budget_2024.csv", "02_budget_2025.csv"]
    assert [p.name for p in files["payments"]] == ["03_payments_2024.csv", "03_payments_2025.csv"]
    out = files["departments"][0].parent
    assert (out / "ANOMALIES.md").is_file() and (out / "anomalies.json").is_file()


def test_same_seed_same_files(demo, tmp_path):
    again = write_demo_feeds(tmp_path, seed=demo.city.seed)
    for (feed, paths), mine in zip(again.items(), demo.by_feed().values()):
        for a, b in zip(paths, mine):
            assert a.read_bytes() == b.read_bytes(), a.name
    other = generate_city(scale=0.2, seed=7)
    assert other.payments[2025]["cents"][:50].tolist() != demo.city.payments[2025]["cents"][:50].tolist()


def test_departments_xlsx_keeps_codes_as_text(demo):
    rows = xlsx_rows(demo.by_feed()["departments"][0])
    assert rows[0][0] == "湘江市预算单位名录"
    i, header = header_of(rows, "departments")
    data = rows[i + 1:]
    codes = [r[0] for r in data]
    assert "001" in codes and "001001" in codes and all(isinstance(c, str) for c in codes)
    assert len(data) == len(demo.city.units)
    tops = [r for r in data if not r[2]]
    assert 12 <= len(tops) <= 15
    for r in data:
        assert isinstance(r[3], str) and len(r[3]) == 6 and r[3].isdigit()
        if r[2]:
            assert r[0].startswith(r[2]) and r[2] in codes
    per_dept = pd.Series([r[2] for r in data if r[2]]).value_counts()
    assert per_dept.between(2, 6).all()


def test_budget_csv_gb18030_in_wan_with_total_row(demo):
    for path in demo.by_feed()["budget"]:
        raw = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        rows = csv_rows(path, "gb18030")
        assert rows[0][0].endswith("年部门预算指标表") and rows[1][0] == "单位：万元"
        i, header = header_of(rows, "budget")
        assert i == 2
        body = rows[i + 1:]
        assert body[-1][0] == "合计"
        amounts = [r[5] for r in body[:-1]]
        assert any("," in a for a in amounts)
        assert all(len(a.split(".")[1]) == 6 for a in amounts)
        assert {r[4] for r in body[:-1]} <= set(FUND_TYPES)
        assert {len(r[2]) for r in body[:-1]} == {7} and {len(r[3]) for r in body[:-1]} == {5}
        total = sum(float(a.replace(",", "")) for a in amounts)
        assert math.isclose(total, float(body[-1][5].replace(",", "")), rel_tol=1e-9)
        year = int(path.stem[-4:])
        assert len(body) - 1 == len(demo.city.budget[year])
    funds = set(demo.city.budget[2025].fund_type)
    assert funds == set(FUND_TYPES)


def test_payments_csv_shapes(demo):
    prev, cur = demo.by_feed()["payments"]
    raw = prev.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and cur.read_bytes()[:3] == b"\xef\xbb\xbf"
    rows = csv_rows(prev, "utf-8-sig")
    assert rows[0][0] == "2024年国库集中支付明细表"
    i, header = header_of(rows, "payments")
    assert "支付金额" in header and "收款人全称" in header
    body = rows[i + 1:]
    assert len(body) == len(demo.city.payments[2024]["day"])
    dates = [r[1] for r in body]
    assert all("/" in d for d in dates) and any(d.count("/") == 2 and len(d) < 10 for d in dates)
    amounts = [r[7] for r in body]
    assert any("," in a for a in amounts) and any(a.startswith("(") for a in amounts)
    rows = csv_rows(cur, "utf-8-sig")
    i, header = header_of(rows, "payments")
    assert i == 0 and header[:3] == ["voucher_no", "pay_date", "dept_code"]
    body = rows[1:]
    assert all(len(r[1]) == 10 and r[1][4] == "-" for r in body[:1000])
    assert any(float(r[7]) < 0 for r in body)            # refunds
    assert all(r[2][:3].isdigit() for r in body[:1000])   # leading zeros kept


def test_payments_plain_above_scale_5(tmp_path, monkeypatch):
    import budgetwatch.demo.files as writing

    monkeypatch.setattr(writing, "PLAIN_CSV_ABOVE_SCALE", 0.1)
    files = write_demo_feeds(tmp_path, scale=0.2)
    for path in files["payments"]:
        raw = path.read_bytes()[:4096]
        assert not raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8", errors="ignore")
        first = text.splitlines()[0]
        assert "国库集中支付明细表" not in first
        second = next(csv.reader([text.splitlines()[1]]))
        assert len(second[1]) == 10 and second[1][4] == "-"


def test_other_feeds_shapes(demo):
    files = demo.by_feed()
    ent = CalamineWorkbook.from_path(str(files["assets_enterprise"][0]))
    assert ent.sheet_names == ["企业资产", "说明"]
    rows = ent.get_sheet_by_index(0).to_python()
    assert any(r and r[0] == "单位：万元" for r in rows[:5])
    i, _ = header_of(rows, "assets_enterprise")
    body = [r for r in rows[i + 1:] if r[0] != ""]
    assert len(body) == len(demo.city.enterprises) and len({r[1] for r in body}) >= 15
    assert all(isinstance(r[1], str) and len(r[1]) == 18 and r[1].startswith("91430100") for r in body)
    assert sorted({int(r[0]) for r in body}) == [2023, 2024, 2025]

    raw = files["assets_admin"][0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = csv_rows(files["assets_admin"][0], "gbk")
    assert rows[0] == ["year", "dept_code", "asset_category", "quantity", "book_value", "idle_value"]
    assert {r[2] for r in rows[1:]} == {"房屋", "土地", "车辆", "通用设备", "专用设备", "无形资产"}
    assert any(r[5] == "" for r in rows[1:])

    rows = xlsx_rows(files["audit_findings"][0])
    i, header = header_of(rows, "audit_findings")
    body = rows[i + 1:]
    assert body[-1][0] == "总计"
    body = body[:-1]
    col = {h: k for k, h in enumerate(header)}
    assert all(isinstance(r[col["整改期限"]], date) for r in body)
    assert any(isinstance(r[col["整改完成日期"]], date) for r in body)
    assert {r[col["整改状态"]] for r in body} == set(AUDIT_STATUS)
    assert sorted({int(r[col["审计年度"]]) for r in body}) == [2021, 2022, 2023, 2024, 2025]
    assert {r[col["问题类别"]] for r in body} == {"预算管理", "专项资金", "政府采购", "国有资产管理", "财务管理", "债务管理"}


def test_debt_xlsx_as_published(demo):
    [path] = demo.by_feed()["debt"]
    rows = xlsx_rows(path)
    assert rows[0][0].startswith("湘江市政府债务限额及余额情况表") and rows[1][0] == "单位：亿元"
    i, header = header_of(rows, "debt")
    body = rows[i + 1:]
    assert body[0][1] == 4301 and isinstance(body[-2][1], str)    # the city as published: 4301
    assert body[-1][2] == "合计"
    assert {r[0] for r in body[:-1]} == {2023, 2024, 2025}
    assert len(body) - 1 == len(demo.city.debt) == 3 * 9 * 2


def test_every_header_maps_to_the_spec(demo):
    readers = {".xlsx": lambda p: xlsx_rows(p), ".csv": None}
    for feed, paths in demo.by_feed().items():
        for path in paths:
            if path.suffix == ".csv":
                raw = path.read_bytes()
                enc = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "gb18030"
                rows = csv_rows(path, enc)[:40]
            else:
                rows = readers[".xlsx"](path)[:40]
            _, header = header_of(rows, feed)
            mapped = [spec_column(feed, h) for h in header]
            assert None not in mapped, (path.name, header)
            assert len(set(mapped)) == len(mapped), (path.name, header)
            required = {c.name for c in FEEDS[feed].required}
            assert required <= set(mapped), (path.name, required - set(mapped))


def test_codes_are_real_classification_codes(demo):
    b = demo.city.budget[2025]
    funcs, econs = set(b.func_code), set(b.econ_code)
    pay = demo.city.payments_frame(2025)
    assert set(pay.func_code) | funcs <= set(FUNC_NAMES)      # only codes of the 2025 list we name
    assert set(pay.econ_code) | econs <= set(ECON_NAMES)
    for code in ("2050101", "2050202", "2050203", "2050204", "2100201", "2040201", "2010101", "2010104",
                 "2010601", "2140101", "2120101", "2120399", "2130101", "2080505", "2110101", "2070101",
                 "2060101", "2060499"):
        assert code in funcs, code
    for code in ("30101", "30102", "30108", "30113", "30201", "30205", "30206", "30207", "30209", "30211",
                 "30212", "30213", "30214", "30215", "30216", "30217", "30226", "30227", "30231", "30299",
                 "31002", "31003", "31013"):
        assert code in econs, code


def test_vouchers_unique_per_year_and_dates_in_range(demo):
    city = demo.city
    for y in city.years:
        v = city.payments[y]["voucher"]
        assert len(np.unique(v)) == len(v)
        text = pd.Series(v).astype(str)
        assert text.str.len().eq(14).all() and text.str.startswith(str(y)).all()
    pay = city.payments_frame(2025)
    assert pay.pay_date.max() <= pd.Timestamp(city.today)
    assert city.as_of == date(2025, 12, 31)
    assert (pay.amount < 0).sum() >= 3


def test_december_bulge_and_salary_rhythm(demo):
    pay = demo.city.payments_frame(2025)
    monthly = pay.groupby(pay.pay_date.dt.month).amount.sum()
    assert monthly[12] > 1.4 * monthly[1:12].mean()
    rent = pay[(pay.econ_code == "30214") & pay.purpose.str.contains("办公用房租金")]
    for _, g in rent.groupby("dept_code"):
        assert g.amount.nunique() == 1 and g.payee.nunique() == 1 and g.pay_date.dt.day.nunique() == 1
        assert len(g) == 12
    med = pay[pay.amount > 0].groupby("econ_code").amount.median()
    assert 1_000 < med["30211"] < 5_000 and med["31005"] > 100_000 and med["30101"] > 50_000


def test_planted_anomalies_fire_and_look_alikes_stay_quiet(demo):
    city = demo.city
    flags = fired(city)
    planted = city.planted
    for rule in RULES:
        assert any(p.rule == rule and p.fires for p in planted), rule
        assert flags[rule], f"{rule} does not fire on the demo"
    for p in planted:
        if p.rule not in RULES:     # rules of other feeds are checked by their own tests (test_demo_suggestions.py)
            continue
        got = flags[p.rule].get(p.entity_key)
        if p.fires:
            assert got == p.severity, (p, got)
        else:
            assert got is None, p
    # nothing fires that was not planted (default seed, scale 1)
    for rule in RULES:
        expected = {p.entity_key for p in planted if p.rule == rule and p.fires}
        assert set(flags[rule]) == expected, (rule, set(flags[rule]) ^ expected)


def test_anomaly_list_is_written_and_matches(demo):
    out = demo.by_feed()["departments"][0].parent
    md = (out / "ANOMALIES.md").read_text(encoding="utf-8")
    for p in demo.city.planted:
        assert f"`{p.entity_key}`" in md
    assert planted_anomalies(scale=0.2) == generate_city(scale=0.2).planted


def test_scale_changes_payment_counts_proportionally(demo):
    small = generate_city(scale=0.2)
    for y in demo.city.years:
        big_n = len(demo.city.payments[y]["day"])
        small_n = len(small.payments[y]["day"])
        assert abs(big_n - PAYMENTS_PER_SCALE) < 0.02 * PAYMENTS_PER_SCALE
        assert abs(small_n / big_n - 0.2) < 0.01
    flags = fired(small)
    for rule in RULES:
        assert flags[rule], rule


def test_cli_demo_data(tmp_path):
    out = tmp_path / "feeds"
    proc = subprocess.run([sys.executable, "-m", "budgetwatch", "demo-data", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "03_payments_2025.csv" in proc.stdout
    assert (out / "01_departments.xlsx").is_file() and (out / "ANOMALIES.md").is_file()
