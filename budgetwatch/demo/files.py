"""Writing the city as files in the shapes real exports come in (xlsx with title rows, GB18030
CSV, Chinese headers), and the list of planted anomalies beside them."""
from __future__ import annotations

import csv
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from budgetwatch.demo_planted import Planted
from budgetwatch import demo_debt
from budgetwatch.demo.city import DemoCity, generate_city
from budgetwatch.demo.parts import Calendar
from budgetwatch.demo.world import (CHUNK_ROWS, CITY, DEFAULT_SEED, FEED_ORDER, PLAIN_CSV_ABOVE_SCALE,
                                    REGION_CODE)


# ---------------------------------------------------------------------------------------
# Writing the files
# ---------------------------------------------------------------------------------------
@dataclass
class WrittenFile:
    feed: str
    path: Path
    rows: int
    shape: str


@dataclass
class DemoResult:
    city: DemoCity
    files: list[WrittenFile]
    seconds: float

    def by_feed(self) -> dict[str, list[Path]]:
        out: dict[str, list[Path]] = {f: [] for f in FEED_ORDER}
        for w in self.files:
            out[w.feed].append(w.path)
        return out


def write_demo(out_dir: Path, scale: float = 1.0, seed: int = DEFAULT_SEED, today: date | None = None) -> DemoResult:
    """Generate the city and write its six feeds (and ANOMALIES.md, anomalies.json) under out_dir."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    city = generate_city(scale=scale, seed=seed, today=today)
    prev, cur = city.years
    files = [_write_departments(out_dir / "01_departments.xlsx", city)]
    for y, headers in ((prev, BUDGET_HEADERS_PREV), (cur, BUDGET_HEADERS_CUR)):
        files.append(_write_budget(out_dir / f"02_budget_{y}.csv", city, y, headers))
    plain = scale > PLAIN_CSV_ABOVE_SCALE
    city._dims()        # built once, before the two writer threads share it
    with ThreadPoolExecutor(max_workers=2) as pool:     # pyarrow releases the GIL: one core per year
        jobs = [pool.submit(_write_payments, out_dir / f"03_payments_{y}.csv", city, y, y == prev, not plain)
                for y in (prev, cur)]
        rest = [_write_enterprises(out_dir / "04_assets_enterprise.xlsx", city),
                _write_admin_assets(out_dir / "05_assets_admin.csv", city),
                _write_audit(out_dir / "06_audit_findings.xlsx", city)]
        rest.append(_write_suggestions(out_dir, city))
        rest.append(_write_debt(out_dir / "10_debt.xlsx", city))
        _write_anomalies(out_dir, city)
        files += [j.result() for j in jobs] + rest
    from budgetwatch.demo_projects import write_files
    files += [WrittenFile(*f) for f in write_files(out_dir, city, _save_workbook, _sheet_title, _header_row)]
    return DemoResult(city, files, time.perf_counter() - started)


def write_demo_feeds(out_dir: Path, scale: float = 1.0, seed: int = DEFAULT_SEED,
                     today: date | None = None) -> dict[str, list[Path]]:
    """Write the demo city's feeds; feed name -> files, in the order they must be loaded.

    ``today`` defaults to 2025-12-31 (not the real date), so a seed always gives the same files.
    """
    return write_demo(out_dir, scale=scale, seed=seed, today=today).by_feed()


def planted_anomalies(scale: float = 1.0, seed: int = DEFAULT_SEED, today: date | None = None) -> list[Planted]:
    """What `write_demo_feeds` with the same arguments plants: anomalies (fires) and look-alikes (quiet)."""
    return generate_city(scale=scale, seed=seed, today=today).planted


def _save_workbook(wb, path: Path) -> None:
    """Save an openpyxl workbook byte-for-byte reproducibly (fixed document and zip timestamps)."""
    import re
    import zipfile

    wb.properties.created = datetime(2025, 1, 1, 8, 0, 0)
    wb.properties.creator = "budgetwatch demo-data"
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T08:00:00Z", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 8, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


def _sheet_title(ws, title: str, width: int) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append([title])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    cell = ws.cell(row=ws.max_row, column=1)
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center")


def _header_row(ws, headers) -> None:
    from openpyxl.styles import Font, PatternFill

    ws.append(list(headers))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")


def _text_cell(ws, row: int, col: int) -> None:
    ws.cell(row=row, column=col).number_format = "@"


def _write_departments(path: Path, city: DemoCity) -> WrittenFile:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "预算单位"
    headers = ("单位编码", "单位名称", "主管部门编码", "区划代码")
    _sheet_title(ws, f"{CITY}预算单位名录", len(headers))
    _header_row(ws, headers)
    for u in city.units:
        ws.append([u.code, u.name, u.parent or None, REGION_CODE])
        r = ws.max_row
        for c in (1, 3, 4):
            _text_cell(ws, r, c)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 12
    _save_workbook(wb, path)
    return WrittenFile("departments", path, len(city.units), "xlsx, title row, codes as text cells")


BUDGET_HEADERS_PREV = ("预算年度", "单位编码", "支出功能分类科目编码", "部门经济分类编码", "资金性质名称",
                       "年初预算批复金额", "调整后预算数")
BUDGET_HEADERS_CUR = ("年度", "预算单位编码", "功能分类科目编码", "经济分类科目编码", "资金性质", "年初预算数",
                      "调整预算数")


def _wan(yuan: float) -> str:
    """Yuan as 万元 with 6 decimals and thousands separators, exactly: 12345678.9 -> '1,234.567890'."""
    cents = int(round(yuan * 100))
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 1_000_000:,}.{cents % 1_000_000:06d}"


def _write_budget(path: Path, city: DemoCity, year: int, headers) -> WrittenFile:
    df = city.budget[year]
    headers = tuple(headers) + ("项目编码",)
    width = len(headers)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([f"{year}年部门预算指标表"] + [""] * (width - 1))
    w.writerow(["单位：万元"] + [""] * (width - 1))
    w.writerow(headers)
    for r in df.itertuples(index=False):
        w.writerow([r.year, r.dept_code, r.func_code, r.econ_code, r.fund_type, _wan(r.original_amount),
                    _wan(r.adjusted_amount), city.projects.budget_code(r) if city.projects is not None else ""])
    w.writerow(["合计", "", "", "", "", _wan(df["original_amount"].sum()), _wan(df["adjusted_amount"].sum()), ""])
    path.write_bytes(buf.getvalue().encode("gb18030"))
    return WrittenFile("budget", path, len(df), "csv GB18030, title + 单位：万元, alias headers, 合计 row")


PAYMENT_HEADERS_CN = ("支付凭证号", "支付日期", "预算单位编码", "功能分类科目编码", "经济分类科目编码", "资金性质",
                      "收款人全称", "支付金额", "收款人账号", "用途", "项目编码")


def _fancy_amounts(cents: np.ndarray) -> pa.Array:
    """'1,234.50', and refunds in accounting brackets '(1,200.00)'."""
    out = []
    for c in cents.tolist():
        s = f"{abs(c) // 100:,}.{abs(c) % 100:02d}"
        out.append(f"({s})" if c < 0 else s)
    return pa.array(out)


def _write_payments(path: Path, city: DemoCity, year: int, chinese: bool, fancy: bool) -> WrittenFile:
    n = len(city.payments[year]["day"])
    p = city.payments[year]
    opts = pacsv.WriteOptions(include_header=True)
    with pa.OSFile(str(path), "wb") as sink:
        if fancy:
            sink.write(b"\xef\xbb\xbf")
            if chinese:
                sink.write(f"{year}年国库集中支付明细表{',' * 10}\r\n".encode("utf-8"))
        writer = None
        date_text = None
        if fancy and chinese:
            cal = Calendar(year)
            date_text = pa.array([f"{d.year}/{d.month}/{d.day}" for d in (cal.date(i) for i in range(cal.ndays))])
        for lo in range(0, max(n, 1), CHUNK_ROWS):
            hi = min(lo + CHUNK_ROWS, n)
            t = city.payments_table(year, lo, hi)
            if date_text is not None:
                t = t.set_column(1, "pay_date", date_text.take(pa.array(p["day"][lo:hi].astype(np.int32))))
            if fancy and chinese:
                t = t.set_column(7, "amount", _fancy_amounts(p["cents"][lo:hi]))
            if chinese:
                t = t.rename_columns(list(PAYMENT_HEADERS_CN))
            if writer is None:
                writer = pacsv.CSVWriter(sink, t.schema, write_options=opts)
            writer.write_table(t)
        if writer is not None:
            writer.close()
    shape = ("csv UTF-8 BOM, title row, Chinese alias headers, 2024/3/7 dates, 1,234.50 and (1,200.00) amounts"
             if fancy and chinese else "csv UTF-8 BOM, English headers, ISO dates" if fancy
             else "csv plain UTF-8, " + ("Chinese" if chinese else "English") + " headers, ISO dates")
    return WrittenFile("payments", path, n, shape)


def _write_enterprises(path: Path, city: DemoCity) -> WrittenFile:
    from openpyxl import Workbook

    df = city.enterprises
    wb = Workbook()
    ws = wb.active
    ws.title = "企业资产"
    headers = ("年度", "统一社会信用代码", "企业名称", "监管单位编码", "资产总额", "负债总额", "所有者权益",
               "营业收入", "利润总额")
    _sheet_title(ws, f"{CITY}市属国有企业资产负债情况表（{df['year'].min()}—{df['year'].max()}年）", len(headers))
    ws.append(["单位：万元"])
    _header_row(ws, headers)
    for r in df.itertuples(index=False):
        ws.append([int(r.year), r.enterprise_code, r.enterprise_name, r.supervisor_code, r.total_assets,
                   r.total_liabilities, r.owner_equity, r.revenue, r.profit])
        row = ws.max_row
        _text_cell(ws, row, 2)
        _text_cell(ws, row, 4)
        for c in range(5, 10):
            ws.cell(row=row, column=c).number_format = "#,##0.00"
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 34
    notes = wb.create_sheet("说明")
    for line in (f"{CITY}市属国有企业资产负债情况（演示数据，纯属虚构）",
                 "金额单位：万元；资产负债率 = 负债总额 ÷ 资产总额",
                 "监管单位编码为履行出资人职责的部门的单位编码"):
        notes.append([line])
    _save_workbook(wb, path)
    return WrittenFile("assets_enterprise", path, len(df), "xlsx, data on the first sheet in 万元, 说明 sheet second")


def _write_admin_assets(path: Path, city: DemoCity) -> WrittenFile:
    df = city.assets_admin
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["year", "dept_code", "asset_category", "quantity", "book_value", "idle_value"])
    for r in df.itertuples(index=False):
        idle = "" if r.idle_value == 0 else f"{r.idle_value:.2f}"
        w.writerow([r.year, r.dept_code, r.asset_category, r.quantity, f"{r.book_value:.2f}", idle])
    path.write_bytes(buf.getvalue().encode("gbk"))
    return WrittenFile("assets_admin", path, len(df), "csv GBK, English headers, empty idle = 0")


def _write_audit(path: Path, city: DemoCity) -> WrittenFile:
    from openpyxl import Workbook

    df = city.audit
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    headers = ("问题编号", "审计年度", "审计项目", "责任单位编码", "问题类别", "问题描述", "涉及金额", "整改期限",
               "整改状态", "已整改金额", "整改完成日期")
    _sheet_title(ws, f"{CITY}审计查出问题整改台账", len(headers))
    _header_row(ws, headers)
    for r in df.itertuples(index=False):
        ws.append([r.finding_id, int(r.audit_year), r.audit_project, r.dept_code, r.category, r.description,
                   float(r.amount_involved), r.deadline, r.status, float(r.amount_rectified),
                   r.rectified_date if isinstance(r.rectified_date, date) else None])
        row = ws.max_row
        _text_cell(ws, row, 4)
        for c in (8, 11):
            ws.cell(row=row, column=c).number_format = "yyyy-mm-dd"
        for c in (7, 10):
            ws.cell(row=row, column=c).number_format = "#,##0.00"
    ws.append(["总计", None, None, None, None, None, float(df["amount_involved"].sum()), None, None,
               float(df["amount_rectified"].sum()), None])
    for col, width in (("A", 12), ("C", 40), ("F", 50), ("H", 12), ("K", 12)):
        ws.column_dimensions[col].width = width
    _save_workbook(wb, path)
    return WrittenFile("audit_findings", path, len(df), "xlsx, Excel date cells, Chinese statuses, 总计 row")


def _write_suggestions(out_dir: Path, city: DemoCity) -> WrittenFile:
    from budgetwatch import demo_suggestions

    path = out_dir / demo_suggestions.FILE_NAME
    n = demo_suggestions.write(path, city.suggestions, title=f"{CITY}人大代表建议办理台账（{city.year - 1}—{city.year}年）")
    return WrittenFile("suggestions", path, n, "GB18030, title row, 办理方式/答复时间 aliases, B/B类/words, mixed dates")


def _write_debt(path: Path, city: DemoCity) -> WrittenFile:
    _save_workbook(demo_debt.debt_workbook(city.debt, city.year), path)
    return WrittenFile("debt", path, len(city.debt), "xlsx, title + 单位：亿元, city code 4301, 合计 row")


def _write_anomalies(out_dir: Path, city: DemoCity) -> None:
    rows = [asdict(p) for p in city.planted]
    (out_dir / "anomalies.json").write_text(json.dumps(
        {"city": CITY, "year": city.year, "today": city.today.isoformat(), "as_of": city.as_of.isoformat(),
         "scale": city.scale, "seed": city.seed, "planted": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [f"# {CITY} demo: planted anomalies ({city.year}, seed {city.seed}, scale {city.scale:g})", "",
             f"Current year {city.year}; today {city.today}; as-of date (latest payment) {city.as_of}.",
             "`fires` = the rule must flag this entity with the default thresholds; "
             "`quiet` = a look-alike it must not flag.", "",
             "| rule | entity key | expect | severity | note |", "|---|---|---|---|---|"]
    for p in city.planted:
        expect = "fires" if p.fires else "quiet"
        lines.append(f"| {p.rule} | `{p.entity_key}` | {expect} | {p.severity or ''} | {p.note} |")
    if city.projects is not None:
        from budgetwatch.demo_projects import anomaly_lines
        lines += anomaly_lines(city.projects)
    (out_dir / "ANOMALIES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
