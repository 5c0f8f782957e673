"""The other feeds' rows: budgets derived from spending, enterprises, administrative assets and
audit findings, each with its planted cases."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from budgetwatch.demo_planted import Planted
from budgetwatch.demo.parts import ceil_yuan, floor_yuan
from budgetwatch.demo.payments import PaymentGenerator, PaymentPlants
from budgetwatch.demo.registers import (ASSET_CATEGORIES, AUDIT_CATEGORIES, AUDIT_PROBLEMS, ENTERPRISES,
                                        IDLE_LOOKALIKE, IDLE_PLANTS, credit_code)
from budgetwatch.demo.world import GENERAL, SANGONG


def budget_frame(year, current, units, lines, full, todate, rng, plants: PaymentPlants, planted):
    rate_ranges = {"012": (0.42, 0.50), "011": (0.74, 0.80), "010": (0.855, 0.875)} if current else {}
    rows = []
    keys = lines.keys
    for i, (u, func, econ, fund) in enumerate(keys):
        if current and i in plants.nobudget_lines:
            continue
        spent = full[i]
        if spent <= 0:
            continue
        dept = units[u].parent or units[u].code
        lo, hi = rate_ranges.get(dept, (0.88, 0.985))
        adjusted = ceil_yuan(spent / rng.uniform(lo, hi))
        if current and i == plants.over_line:
            adjusted = floor_yuan(todate[i] * 0.9)
        elif current and i == plants.near_line:
            adjusted = ceil_yuan(todate[i] / 0.995)
        change = 0.0 if rng.random() < 0.7 else rng.uniform(-0.08, 0.15)
        original = ceil_yuan(adjusted / (1 + change)) if not (current and i == plants.over_line) else adjusted
        rows.append((year, units[u].code, func, econ, fund, original, adjusted))
    # a few lines budgeted and not spent at all
    for u in units[::7]:
        key = (u.idx, u.func, "30216", GENERAL)
        if key not in lines.index or full[lines.index[key]] <= 0:
            amount = ceil_yuan(rng.uniform(20_000, 120_000))
            rows.append((year, u.code, u.func, "30216", GENERAL, amount, amount))
    df = pd.DataFrame(rows, columns=["year", "dept_code", "func_code", "econ_code", "fund_type",
                                     "original_amount", "adjusted_amount"])
    if current:
        planted.append(Planted("OVER_BUDGET", lines.key_text(plants.over_line), year, True, "high",
                               "支出超过调整预算数约11%"))
        planted.append(Planted("OVER_BUDGET", lines.key_text(plants.near_line), year, False, None,
                               "look-alike: 执行99.5%，未超预算"))
    return df.sort_values(["dept_code", "func_code", "econ_code", "fund_type"], ignore_index=True)


def plan_unit_rules(city_year: int, cals, as_of: date, planted, plants: PaymentPlants, gen: PaymentGenerator,
                     pays, budget) -> None:
    """Planted entries of the department- and unit-level payment rules, with their actual numbers."""
    year = city_year
    cal = cals[year]
    units = gen.units
    line_unit = gen.lines.arrays()["unit"]
    line_econ = gen.lines.arrays()["econ"]
    p = pays[year]
    unit = line_unit[p["line"]]
    dept_of = np.array([gen.by_code[u.parent].idx if u.parent else u.idx for u in units])
    # EXEC_LAG
    spent = np.bincount(dept_of[unit], weights=p["cents"], minlength=len(units)) / 100
    adjusted = budget.groupby(budget["dept_code"].str[:3])["adjusted_amount"].sum()
    schedule = (cal.doy(as_of) + 1) / cal.ndays
    planned = {"012": (True, "市科学技术局执行率远低于序时进度"),
               "011": (True, "市文化旅游广电局执行率落后序时进度"),
               "010": (False, "look-alike: 市生态环境局落后序时进度不到15个百分点")}
    for u in units:
        if u.parent:
            continue
        rate = spent[u.idx] / float(adjusted[u.code])
        lag = schedule - rate
        fires = bool(as_of.month >= 3 and lag > 0.15 and adjusted[u.code] >= 1_000_000)
        expect, text = planned.get(u.code, (None, "（未专门设置）资本性项目集中在下半年支付，年中执行偏慢"))
        if expect is None and not fires:
            continue
        planted.append(Planted("EXEC_LAG", u.code, year, fires, ("high" if lag > 0.30 else "medium") if fires else None,
                               f"{text}：执行率{rate:.1%}，序时进度{schedule:.1%}"
                               + ("" if expect is None or fires == expect else "（本次日期下不触发）")))
    # YEAR_END_RUSH
    if as_of.month == 12:
        dec0 = cal.doy(date(year, 12, 1))
        for u, expect in ((plants.rush_unit, True), (plants.rush_lookalike, False)):
            mine = unit == u
            total = p["cents"][mine].sum()
            dec = p["cents"][mine & (p["day"] >= dec0)].sum()
            share = dec / total
            ratio = dec / ((total - dec) / 11)
            fires = bool(total >= 100_000_000 and share > 0.25 and ratio > 2.5)
            note = f"12月支出占全年{share:.1%}，为1–11月月均的{ratio:.1f}倍"
            planted.append(Planted("YEAR_END_RUSH", units[u].code, year, fires, "medium" if fires else None,
                                   note if expect else "look-alike: " + note))
    # SANGONG_GROWTH (same period of both years)
    prev_cut = cals[year - 1].doy(date(year - 1, as_of.month, min(as_of.day, 28 if as_of.month == 2 else as_of.day)))
    totals = {}
    for y, cut in ((year - 1, prev_cut), (year, cal.doy(as_of))):
        q = pays[y]
        m = np.isin(line_econ, SANGONG)[q["line"]] & (q["day"] <= cut)
        totals[y] = np.bincount(line_unit[q["line"][m]], weights=q["cents"][m], minlength=len(units)) / 100
    for code, expect in (("003", True), ("005002", False), ("003001", False)):
        if code in plants.sangong_skipped:
            continue
        u = gen.by_code[code].idx
        before, now = totals[year - 1][u], totals[year][u]
        fires = bool(before > 0 and now > before * 1.2 and now - before > 50_000)
        note = f"三公经费{before:,.0f}元→{now:,.0f}元（{now / before - 1:+.1%}，{now - before:+,.0f}元）"
        planted.append(Planted("SANGONG_GROWTH", code, year, fires, "medium" if fires else None,
                               note if expect else "look-alike: " + note))
    # BENFORD
    planted.append(Planted("BENFORD", plants.benford_unit, year, True, "low",
                           "大量金额集中在4,800–4,999元和9,500–9,999元"))
    counts = np.bincount(unit[p["cents"] > 0], minlength=len(units))
    counts[gen.by_code[plants.benford_unit].idx] = -1
    big = int(np.argmax(counts))
    planted.append(Planted("BENFORD", units[big].code, year, False, None,
                           f"look-alike: 支付笔数最多的普通单位（{counts[big]:,}笔），首位数字符合本福特定律"))


def enterprise_rows(year, rng, planted):
    years = (year - 2, year - 1, year)
    rows = []
    for name, sup, plan in ENTERPRISES:
        code = credit_code(rng)
        equity0 = round(float(np.exp(rng.normal(np.log(300_000), 0.8))), 2)      # 万元
        ratio = plan.get("ratio") or tuple(np.round(rng.uniform(0.35, 0.65) + rng.normal(0, 0.01, 3), 4))
        growth = plan.get("growth") or tuple(np.round(rng.uniform(0.99, 1.10, 2), 4))
        margin = plan.get("margin") or tuple(np.round(rng.uniform(0.02, 0.12, 3), 4))
        turnover = rng.uniform(0.08, 0.4)
        equity = [equity0, equity0 * growth[0], equity0 * growth[0] * growth[1]]
        for k, y in enumerate(years):
            e = round(equity[k], 2)
            assets = round(e / (1 - ratio[k]), 2)
            liab = round(assets - e, 2)
            revenue = round(assets * turnover * (1 + rng.normal(0, 0.03)), 2)
            profit = round(revenue * margin[k], 2)
            rows.append((y, code, name, sup, assets, liab, e, revenue, profit))
        if name == "湘江城市建设投资集团有限公司":
            planted.append(Planted("LEVERAGE", code, year, True, "medium", f"{name} 资产负债率约78%"))
        elif name == "湘江交通投资集团有限公司":
            planted.append(Planted("LEVERAGE", code, year, True, "high", f"{name} 资产负债率约88%"))
        elif name == "湘江市住房保障投资建设有限公司":
            planted.append(Planted("LEVERAGE", code, year, False, None, f"look-alike: {name} 资产负债率69.5%"))
        elif name == "湘江文化旅游产业集团有限公司":
            planted.append(Planted("CONSECUTIVE_LOSS", code, year, True, "high", f"{name} 连续两年亏损"))
        elif name == "湘江公共交通集团有限责任公司":
            planted.append(Planted("CONSECUTIVE_LOSS", code, year, False, None,
                                   f"look-alike: {name} {year - 2}年、{year}年亏损，{year - 1}年盈利"))
        elif name == "湘江市燃气有限责任公司":
            planted.append(Planted("CONSECUTIVE_LOSS", code, year, False, None, f"look-alike: {name} 仅{year - 1}年亏损"))
        elif name == "湘江农业发展投资有限公司":
            planted.append(Planted("EQUITY_DECLINE", code, year, True, "medium", f"{name} 所有者权益下降18%"))
        elif name == "湘江产业投资集团有限公司":
            planted.append(Planted("EQUITY_DECLINE", code, year, False, None, f"look-alike: {name} 所有者权益下降7%"))
    return pd.DataFrame(rows, columns=["year", "enterprise_code", "enterprise_name", "supervisor_code",
                                       "total_assets", "total_liabilities", "owner_equity", "revenue", "profit"])


def admin_asset_rows(year, units, rng, planted):
    rows = []
    traits = rng.random((len(units), len(ASSET_CATEGORIES), 4))   # stable per unit and category
    for y in (year - 1, year):
        for u in units:
            staff = u.staff
            cats = ["房屋", "车辆", "通用设备"]
            if u.sector in ("edu", "health") or u.code in ("006001", "009001", "009003", "011001"):
                cats.insert(1, "土地")
            if u.sector in ("health", "police", "env") or u.parent in ("001", "008") or u.code in ("011001", "011002"):
                cats.append("专用设备")
            if u.parent is None or u.code in ("003004", "004001", "013001"):
                cats.append("无形资产")
            for cat in ASSET_CATEGORIES:
                if cat not in cats:
                    continue
                # a stable per-unit base, then the year's small change
                t = traits[u.idx, ASSET_CATEGORIES.index(cat)]
                f = (0.7 + 0.7 * t[0]) * (1.0 if y == year else 0.93 + 0.06 * t[1])
                if cat == "房屋":
                    qty = round(staff * 28 * f, 2)
                    value = qty * 3_600
                elif cat == "土地":
                    qty = round(staff * 60 * f, 2)
                    value = qty * 1_200
                elif cat == "车辆":
                    qty = max(int(round(staff / 25 * f)), 1)
                    value = qty * 185_000 * (0.8 + 0.4 * t[2])
                elif cat == "通用设备":
                    qty = int(round(staff * 2.4 * f))
                    value = qty * 6_200
                elif cat == "专用设备":
                    qty = int(round(staff * 0.8 * f)) + 1
                    value = qty * 58_000 * (0.6 + 1.0 * t[2])
                else:
                    qty = 2 + int(t[3] * 10)
                    value = qty * 95_000 * f
                value = round(value, 2)
                key = (u.code, cat)
                if key in IDLE_PLANTS:
                    idle_share = IDLE_PLANTS[key]
                elif key in IDLE_LOOKALIKE:
                    idle_share = IDLE_LOOKALIKE[key]
                elif rng.random() < 0.7:
                    idle_share = 0.0
                else:
                    idle_share = rng.uniform(0.005, 0.08)
                idle = round(value * idle_share, 2) if y == year or key not in IDLE_PLANTS else round(value * 0.05, 2)
                rows.append((y, u.code, cat, qty, value, idle))
    for (code, cat), share in IDLE_PLANTS.items():
        planted.append(Planted("IDLE_ASSETS", f"{code}|{cat}", year, True, "medium", f"闲置资产占账面价值{share:.0%}"))
    for (code, cat), share in IDLE_LOOKALIKE.items():
        planted.append(Planted("IDLE_ASSETS", f"{code}|{cat}", year, False, None, f"look-alike: 闲置占{share:.0%}"))
    return pd.DataFrame(rows, columns=["year", "dept_code", "asset_category", "quantity", "book_value", "idle_value"])


def audit_finding_rows(year, as_of: date, units, rng, planted):
    years = tuple(range(year - 4, year + 1))
    by_code = {u.code: u for u in units}
    rows = []
    seq = {y: 0 for y in years}

    def project(y: int, code: str, cat: str) -> str:
        dept = by_code[by_code[code].parent or code]
        if cat == "债务管理":
            return f"{y - 1}年度政府债务管理情况专项审计"
        if cat == "政府采购":
            return f"{y - 1}年度政府采购管理情况专项审计调查"
        if cat == "专项资金":
            return f"{y - 1}年度重点民生专项资金审计"
        return f"{y - 1}年度{dept.name}部门预算执行和其他财政收支审计"

    def add(y, code, cat, status, deadline, involved, rectified=None, done=None, text=None) -> str:
        seq[y] += 1
        fid = f"SJ{y}-{seq[y]:03d}"
        problems = AUDIT_PROBLEMS[cat]
        desc = text or problems[int(rng.integers(0, len(problems)))]
        if rectified is None and status == "部分整改":
            rectified = round(involved * rng.uniform(0.1, 0.6), 2)
        elif rectified is None:
            rectified = involved if status == "已整改" else 0.0
        if done is None and status == "已整改":
            done = min(deadline - timedelta(days=int(rng.integers(5, 120))), as_of)
        rows.append((fid, y, project(y, code, cat), code, cat, f"{by_code[code].name}{desc}", involved, deadline,
                     status, rectified, done))
        return fid

    planted_pairs = {("001002", "政府采购"), ("002001", "专项资金"), ("006001", "财务管理"), ("003", "预算管理"),
                     ("003", "财务管理"), ("008003", "专项资金"), ("009003", "财务管理"), ("007001", "债务管理"),
                     ("004002", "政府采购"), ("010001", "国有资产管理"), ("012001", "专项资金"), ("013002", "专项资金")}
    pool = [(u.code, c) for u in units for c in AUDIT_CATEGORIES if (u.code, c) not in planted_pairs]
    order = rng.permutation(len(pool))
    k = 0
    for y in years:
        for _ in range(20):
            code, cat = pool[order[k]]
            k += 1
            involved = 0.0 if rng.random() < 0.2 else round(float(np.exp(rng.normal(np.log(600_000), 1.2))), 2)
            if y < year:
                deadline = date(y, 12, 31) if rng.random() < 0.5 else date(y + 1, 6, 30)
                add(y, code, cat, "已整改", min(deadline, as_of - timedelta(days=1)), involved)
            else:
                status = ("已整改", "部分整改", "未整改")[int(rng.choice(3, p=(0.4, 0.35, 0.25)))]
                deadline = date(y + 1, 6, 30) if rng.random() < 0.6 else date(y + 1, 3, 31)
                deadline = max(deadline, as_of + timedelta(days=30))
                if status == "已整改":
                    add(y, code, cat, status, deadline, involved, done=as_of - timedelta(days=int(rng.integers(1, 60))))
                else:
                    add(y, code, cat, status, deadline, involved)
    # AUDIT_OVERDUE
    f = add(year - 1, "008003", "专项资金", "未整改", as_of - timedelta(days=184), 3_260_000.00)
    planted.append(Planted("AUDIT_OVERDUE", f, year, True, "high", "未整改，逾期184天"))
    f = add(year, "009003", "财务管理", "部分整改", as_of - timedelta(days=46), 418_000.00, rectified=120_000.00)
    planted.append(Planted("AUDIT_OVERDUE", f, year, True, "medium", "部分整改，逾期46天"))
    f = add(year - 3, "007001", "债务管理", "部分整改", date(year - 2, 6, 30), 25_000_000.00, rectified=9_000_000.00)
    planted.append(Planted("AUDIT_OVERDUE", f, year, True, "high", f"部分整改，整改期限{year - 2}年6月30日"))
    f = add(year, "012001", "专项资金", "未整改", as_of + timedelta(days=90), 760_000.00)
    planted.append(Planted("AUDIT_OVERDUE", f, year, False, None, "look-alike: 未整改但未到整改期限"))
    # AUDIT_REPEAT (屡审屡犯)
    for y in (year - 3, year - 1):
        add(y, "001002", "政府采购", "已整改", date(y, 12, 31), round(float(rng.uniform(2e5, 9e5)), 2),
            text="化整为零规避公开招标")
    planted.append(Planted("AUDIT_REPEAT", "001002|政府采购", year, True, "medium", f"{year - 3}、{year - 1}年均查出"))
    for y in (year - 2, year - 1, year):
        status = "已整改" if y < year else "部分整改"
        deadline = date(y, 12, 31) if y < year else as_of + timedelta(days=120)
        add(y, "002001", "专项资金", status, min(deadline, as_of - timedelta(days=1)) if y < year else deadline,
            round(float(rng.uniform(5e5, 3e6)), 2), text="挤占挪用专项资金用于日常经费")
    planted.append(Planted("AUDIT_REPEAT", "002001|专项资金", year, True, "medium", f"{year - 2}—{year}年连续查出"))
    for _ in range(2):
        add(year, "006001", "财务管理", "部分整改", as_of + timedelta(days=150), round(float(rng.uniform(1e5, 5e5)), 2))
    planted.append(Planted("AUDIT_REPEAT", "006001|财务管理", year, False, None, "look-alike: 同一年度两条"))
    add(year - 2, "003", "预算管理", "已整改", date(year - 2, 12, 31), 0.0)
    add(year, "003", "财务管理", "已整改", as_of + timedelta(days=60), 350_000.00, done=as_of - timedelta(days=10))
    planted.append(Planted("AUDIT_REPEAT", "003|预算管理", year, False, None, "look-alike: 不同年度不同类别"))
    # AUDIT_HOLLOW
    f = add(year - 1, "004002", "政府采购", "已整改", min(date(year, 6, 30), as_of - timedelta(days=1)),
            2_360_000.00, rectified=680_000.00)
    planted.append(Planted("AUDIT_HOLLOW", f, year, True, "medium", "标为已整改，整改金额仅占29%"))
    f = add(year, "010001", "国有资产管理", "已整改", as_of + timedelta(days=100), 1_150_000.00, rectified=300_000.00,
            done=as_of - timedelta(days=20))
    planted.append(Planted("AUDIT_HOLLOW", f, year, True, "medium", "标为已整改，整改金额仅占26%"))
    f = add(year, "013002", "专项资金", "已整改", as_of + timedelta(days=100), 800_000.00, rectified=440_000.00,
            done=as_of - timedelta(days=30))
    planted.append(Planted("AUDIT_HOLLOW", f, year, False, None, "look-alike: 已整改55%"))
    df = pd.DataFrame(rows, columns=["finding_id", "audit_year", "audit_project", "dept_code", "category",
                                     "description", "amount_involved", "deadline", "status", "amount_rectified",
                                     "rectified_date"])
    return df.sort_values(["audit_year", "finding_id"], ignore_index=True)
