"""The payment stream of a year: scheduled and random payments, and the planted anomalies."""
from __future__ import annotations

import math
from datetime import date

import numpy as np

from budgetwatch.demo_planted import Planted
from budgetwatch.demo.parts import Calendar, Rows, concat, pay_arrays
from budgetwatch.demo.world import (BANKS, BASE_WEIGHTS, ECON_NAMES, GENERAL, GOVFUND, HOUSING_FUND,
                                    MEDICAL_INS, PAYMENTS_PER_SCALE, PENSION, POOL_SIZES, POWER, PROFILES,
                                    RANDOM_ECON, RENT, ROUTINE, SANGONG, SECTOR_LINES, SECTOR_POOL, SOCIAL,
                                    STAFF_PER_UNIT, STATECAP, TELECOMS, UNIT_LINES, WATER)


class PaymentGenerator:
    """Ordinary payments of a year: the scheduled ones and the random stream, plus the repairs."""

    def __init__(self, units, by_code, lines, payees, pools, purposes, scale, rng):
        self.units, self.by_code, self.lines = units, by_code, lines
        nu = len(units)     # stable per-unit traits (the same in both years)
        self.wage_f = np.clip(np.exp(rng.normal(0, 0.15, (nu, 3))), 0.8, 1.2)
        big = np.array([u.staff > 300 for u in units])
        self.wage_f[big] = np.minimum(self.wage_f[big], 1.0)     # big units: pay levels no higher than most
        self.util_f = np.clip(np.exp(rng.normal(0, 0.2, (nu, 3))), 0.7, 1.4)
        self.prop_f = rng.uniform(0.8, 1.25, nu)
        self.sangong_growth = rng.uniform(0.88, 1.12, nu)
        self.payees, self.pools, self.purposes = payees, pools, purposes
        self.scale = scale
        self.target = max(int(round(PAYMENTS_PER_SCALE * scale)), 1)
        self.min_count: dict[str, int] = {}
        self._build_random_lines()

    # -- the random stream's lines -----------------------------------------------------
    def _build_random_lines(self) -> None:
        specs = []   # (unit idx, line id, weight, econ, pool class a, class b, p_a)
        for u in self.units:
            items: dict[tuple[str, str, str], float] = {}
            for econ, w in BASE_WEIGHTS.items():
                items[(u.func, econ, GENERAL)] = items.get((u.func, econ, GENERAL), 0) + w
            extras = list(SECTOR_LINES.get(u.sector, ())) if u.parent else []
            extras += list(UNIT_LINES.get(u.code, ()))
            for econ, w, func, fund in extras:
                key = (func or u.func, econ, fund)
                items[key] = items.get(key, 0) + w
            for (func, econ, fund), w in items.items():
                line = self.lines.get(u.idx, func, econ, fund)
                classes = RANDOM_ECON[econ][3]
                ca = classes[0][0]
                cb = classes[1][0] if len(classes) > 1 else ca
                pa_ = classes[0][1]
                ca = SECTOR_POOL[u.sector] if ca == "sector" else ca
                cb = SECTOR_POOL[u.sector] if cb == "sector" else cb
                specs.append((u.idx, line, w, econ, ca, cb, pa_))
        self.class_names = ["person", *POOL_SIZES]
        cls_id = {c: i for i, c in enumerate(self.class_names)}
        self.pool_start = np.array([self.pools[c][0] for c in self.class_names], dtype=np.int64)
        self.pool_size = np.array([self.pools[c][1] for c in self.class_names], dtype=np.int64)
        r = self.rl = {}
        r["unit"] = np.array([s[0] for s in specs], dtype=np.int32)
        r["line"] = np.array([s[1] for s in specs], dtype=np.int32)
        r["weight"] = np.array([s[2] for s in specs], dtype=np.float64)
        econs = [s[3] for s in specs]
        r["mu"] = np.log([RANDOM_ECON[e][0] for e in econs])
        r["sigma"] = np.array([RANDOM_ECON[e][1] for e in econs])
        r["profile"] = np.array([RANDOM_ECON[e][2] for e in econs], dtype=np.int8)
        r["cls_a"] = np.array([cls_id[s[4]] for s in specs], dtype=np.int16)
        r["cls_b"] = np.array([cls_id[s[5]] for s in specs], dtype=np.int16)
        r["p_a"] = np.array([s[6] for s in specs])
        starts, counts = [], []
        for e in econs:
            opts = RANDOM_ECON[e][4]
            starts.append(self.purposes.add(opts[0]))
            for o in opts[1:]:
                self.purposes.add(o)
            counts.append(len(opts))
        r["purp_start"] = np.array(starts, dtype=np.int32)
        r["purp_count"] = np.array(counts, dtype=np.int32)
        r["econ"] = np.array(econs)
        self.refund_purpose = {e: self.purposes.add(f"退回{ECON_NAMES[e]}") for e in RANDOM_ECON}
        # payments a unit makes grow less than proportionally with its staff
        self.unit_weight = np.array([u.staff ** 0.6 for u in self.units])

    # -- one year ------------------------------------------------------------------------
    def year_payments(self, rng: np.random.Generator, cal: Calendar, staff_factor: float) -> dict[str, np.ndarray]:
        sched = self._scheduled(rng, cal, staff_factor)
        n_random = max(self.target - len(sched["day"]), 0)
        rand = self._random(rng, cal, n_random)
        refunds = self._refunds(rng, cal, rand)
        return concat([sched, rand, refunds])

    def _scheduled(self, rng: np.random.Generator, cal: Calendar, staff_factor: float) -> dict[str, np.ndarray]:
        rows = Rows()
        P, L = self.payees.add, self.lines.get
        purpose = self.purposes.add
        season_w = (0.9, 0.85, 0.9, 0.95, 1.05, 1.15, 1.25, 1.25, 1.1, 1.0, 0.9, 0.95)
        season_e = (1.25, 1.1, 0.9, 0.85, 0.95, 1.2, 1.45, 1.5, 1.15, 0.9, 0.95, 1.2)
        y = cal.year
        for u in self.units:
            staff = max(int(round(u.staff * staff_factor)), 5)
            bank = P(BANKS[u.idx % len(BANKS)])
            health_func = "2101101" if u.kind == "admin" else "2101102"
            wf, uf = self.wage_f[u.idx], self.util_f[u.idx]
            property_amount = round(staff ** 0.7 * 900.0 * self.prop_f[u.idx], -1)
            property_co = self.pools["property"][0] + (u.idx * 7) % self.pools["property"][1]
            for m in range(1, 13):
                d_pay = cal.work_on_or_after(m, 10)
                base = staff * 3300 * wf[0] * (1 + rng.normal(0, 0.004))
                allow = staff * 2700 * wf[1] * (1 + rng.normal(0, 0.01))
                rows.add(d_pay, L(u.idx, u.func, "30101"), bank, base, purpose(f"{m}月基本工资"))
                rows.add(d_pay, L(u.idx, u.func, "30102"), bank, allow, purpose(f"{m}月津贴补贴"))
                wages = base + allow
                if u.kind == "inst":
                    perf = staff * 2900 * wf[2] * (1 + rng.normal(0, 0.02))   # after the month's assessment
                    rows.add(cal.work_on_or_after(m, 25), L(u.idx, u.func, "30107"), bank, perf,
                             purpose(f"{m}月绩效工资"))
                    wages += perf
                d_soc = cal.work_on_or_after(m, 20)
                rows.add(d_soc, L(u.idx, "2080505", "30108"), P(PENSION), wages * 0.16,
                         purpose(f"{m}月机关事业单位基本养老保险缴费"))
                rows.add(d_soc, L(u.idx, health_func, "30110"), P(MEDICAL_INS), wages * 0.08,
                         purpose(f"{m}月职工基本医疗保险缴费"))
                rows.add(d_soc, L(u.idx, "2210201", "30113"), P(HOUSING_FUND), wages * 0.12,
                         purpose(f"{m}月住房公积金"))
                d_util = cal.work_on_or_after(m, 25)
                rows.add(d_util, L(u.idx, u.func, "30206"), P(POWER),
                         staff ** 0.75 * 300 * uf[0] * season_e[m - 1] * (1 + rng.normal(0, 0.08)), purpose(f"{m}月电费"))
                if m % 3 == 0:      # water and telephone bills come quarterly
                    q = m // 3
                    rows.add(d_util, L(u.idx, u.func, "30205"), P(WATER),
                             staff ** 0.75 * 90 * uf[1] * sum(season_w[m - 3:m]) * (1 + rng.normal(0, 0.08)),
                             purpose(f"第{q}季度水费"))
                    rows.add(d_util, L(u.idx, u.func, "30207"), P(TELECOMS[u.idx % 3]),
                             staff ** 0.75 * 420 * uf[2] * (1 + rng.normal(0, 0.05)), purpose(f"第{q}季度通信费"))
                if m % 3 == 1:   # property management paid a quarter in advance
                    rows.add(cal.work_on_or_after(m, 5), L(u.idx, u.func, "30209"), property_co, property_amount,
                             purpose(f"第{m // 3 + 1}季度物业管理费"))
                if u.code in RENT:
                    amount, dom = RENT[u.code]
                    landlord = self.pools["property"][0] + (u.idx * 11 + 3) % self.pools["property"][1]
                    rows.add(cal.doy(date(y, m, dom)), L(u.idx, u.func, "30214"), landlord, amount,
                             purpose(f"{m}月办公用房租金"))
                if u.code == "013001":   # the social insurance fund pays pensions
                    rows.add(cal.work_on_or_after(m, 15), L(u.idx, "2090101", "30302", SOCIAL), P(BANKS[0]),
                             28_000_000 * (1 + 0.004 * m + rng.normal(0, 0.005)), purpose(f"{m}月企业职工基本养老金发放"))
            d_dec = cal.work_on_or_after(12, 21)
            if u.kind == "admin":
                rows.add(d_dec, L(u.idx, u.func, "30103"), bank, staff * 9000 * (1 + rng.normal(0, 0.02)),
                         purpose("年终一次性奖金"))
            else:
                rows.add(d_dec, L(u.idx, u.func, "30107"), bank, staff * 6000 * (1 + rng.normal(0, 0.02)),
                         purpose("年终绩效奖励"))
        # state capital injections (国有资本经营预算) from the SASAC to its enterprises
        soe = self.by_code["014"]
        for k, (name, month) in enumerate((("湘江科技创新投资有限公司", 4), ("湘江农业发展投资有限公司", 7),
                                           ("湘江文化旅游产业集团有限公司", 11))):
            payee = self.payees.add(name, "43050" + "0" * 5 + f"{1000000000 + k * 7919:010d}")
            rows.add(cal.work_on_or_after(month, 12), L(soe.idx, "2230201", "31201", STATECAP), payee,
                     round(rng.uniform(5e6, 3e7), -4), purpose("国有企业资本金注入"))
        return rows.arrays()

    def _random(self, rng: np.random.Generator, cal: Calendar, n: int) -> dict[str, np.ndarray]:
        r = self.rl
        w = self.unit_weight / self.unit_weight.sum()
        counts = np.floor(n * w).astype(np.int64)
        counts[: max(n - int(counts.sum()), 0)] += 1
        forced = np.zeros(len(counts), dtype=bool)
        for code, minimum in self.min_count.items():
            i = self.by_code[code].idx
            if counts[i] < minimum:
                counts[i], forced[i] = minimum, True
        excess = int(counts.sum()) - n          # taken back from the other units, keeping the total
        if excess > 0 and counts[~forced].sum() > excess:
            others = np.flatnonzero(~forced)
            cut = np.floor(counts[others] * excess / counts[others].sum()).astype(np.int64)
            cut[: excess - int(cut.sum())] += 1
            counts[others] -= cut
        parts = []
        for u in range(len(self.units)):
            sel = np.flatnonzero(r["unit"] == u)
            p = r["weight"][sel] / r["weight"][sel].sum()
            parts.append(sel[rng.choice(len(sel), size=int(counts[u]), p=p)])
        rl = np.concatenate(parts)             # index into the random-line arrays, one per payment
        total = len(rl)
        # month by profile, then a working day of the month
        month = np.empty(total, dtype=np.int64)
        u = rng.random(total)
        prof = r["profile"][rl]
        for k in range(len(PROFILES)):
            m = prof == k
            cdf = np.cumsum(PROFILES[k]) / PROFILES[k].sum()
            month[m] = np.minimum(np.searchsorted(cdf, u[m], side="right"), 11)
        pick = cal.month_start[month] + (rng.random(total) * cal.month_count[month]).astype(np.int64)
        day = cal.workdays[pick]
        z = np.clip(rng.standard_normal(total), -3.3, 3.3)
        amount = np.exp(r["mu"][rl] + r["sigma"][rl] * z)
        # Nudge each unit's mantissas (log10 amount mod 1) onto a stratified grid, keeping their order:
        # amounts move by a few percent, and an ordinary unit's first digits follow Benford's law
        # closely instead of only up to sampling noise (which alone nears BENFORD's 0.015 at 1,000).
        unit_of = r["unit"][rl].astype(np.int64)
        lg = np.log10(amount)
        decade = np.floor(lg)
        order = np.argsort(unit_of * 2.0 + (lg - decade))
        n_u = np.bincount(unit_of, minlength=len(self.units))
        first = np.cumsum(n_u) - n_u
        rank = np.empty(total, dtype=np.int64)
        rank[order] = np.arange(total) - first[unit_of[order]]
        mantissa = (rank + rng.random(total)) / n_u[unit_of]
        cents = np.round(10.0 ** (decade + mantissa) * 100).astype(np.int64)
        cls = np.where(rng.random(total) < r["p_a"][rl], r["cls_a"][rl], r["cls_b"][rl])
        unit = r["unit"][rl].astype(np.int64)
        v = rng.random(total)
        size = self.pool_size[cls]
        is_person = cls == 0
        rank = np.where(is_person, (v * STAFF_PER_UNIT).astype(np.int64) + unit * STAFF_PER_UNIT,
                        (size * v ** 2).astype(np.int64) + unit * 7)
        payee = self.pool_start[cls] + rank % size
        purpose = r["purp_start"][rl] + (rng.random(total) * r["purp_count"][rl]).astype(np.int32)
        return pay_arrays(day, r["line"][rl], payee, cents, purpose, np.zeros(total, dtype=np.int16))

    def _refunds(self, rng: np.random.Generator, cal: Calendar, rand: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        n = min(max(int(round(len(rand["day"]) * 0.002)), 3), len(rand["day"]))
        if n == 0:
            return pay_arrays([], [], [], [], [], [])
        src = rng.choice(len(rand["day"]), size=n, replace=False)
        day = np.minimum(rand["day"][src].astype(np.int64) + rng.integers(3, 30, n), cal.ndays - 1)
        day = cal.next_work[day]
        frac = np.where(rng.random(n) < 0.5, 1.0, rng.uniform(0.05, 0.6, n))
        cents = -np.maximum(np.round(rand["cents"][src] * frac), 1).astype(np.int64)
        econ_of_line = np.array([k[2] for k in self.lines.keys])
        purpose = np.array([self.refund_purpose[e] for e in econ_of_line[rand["line"][src]]], dtype=np.int32)
        return pay_arrays(day, rand["line"][src], rand["payee"][src], cents, purpose, np.zeros(n, dtype=np.int16))

    # -- repairs that keep look-alike-free units quiet -----------------------------------
    def repair_year_end(self, p: dict[str, np.ndarray], cal: Calendar, cut: int, skip: set) -> None:
        """Move December's largest random payments of a unit to earlier months until December is
        at most 20% of its year and at most 2× its January–November mean (no natural YEAR_END_RUSH)."""
        if cal.date(cut).month != 12:
            return
        dec0 = cal.doy(date(cal.year, 12, 1))
        unit = self.lines.arrays()["unit"][p["line"]]
        live = (p["day"] <= cut) & (p["cents"] > 0)
        nu = len(self.units)
        total_u = np.bincount(unit[live], weights=p["cents"][live], minlength=nu)
        in_dec = live & (p["day"] >= dec0)
        dec_u = np.bincount(unit[in_dec], weights=p["cents"][in_dec], minlength=nu)
        for u in np.flatnonzero((dec_u > 0.20 * total_u) | (dec_u > 2.0 * (total_u - dec_u) / 11)):
            if u in skip:
                continue
            mine = np.flatnonzero((unit == u) & live)
            dec = mine[p["day"][mine] >= dec0]
            total = p["cents"][mine].sum()
            d = p["cents"][dec].sum()
            movable = dec[(p["tag"][dec] == 0)]
            movable = movable[np.argsort(-p["cents"][movable])]
            k = 0
            while k < len(movable) and (d > 0.20 * total or d > 2.0 * (total - d) / 11):
                i = movable[k]
                span = int(cal.month_start[11] - cal.month_start[2])      # March … November
                p["day"][i] = cal.workdays[int(cal.month_start[2]) + (k * 37) % span]
                d -= p["cents"][i]
                k += 1

    def rescale_sangong(self, pays, cals, as_of: date, plants: "PaymentPlants") -> None:
        """Scale the 三公经费 of the planted units to their plan, and of any other unit whose drawn amounts
        would grow by more than 20% and 50,000 yuan (same period, year on year) to a growth of 0.88–1.12."""
        year = as_of.year
        prev_cut_date = date(year - 1, as_of.month, min(as_of.day, 28 if as_of.month == 2 else as_of.day))
        cut = {year: cals[year].doy(as_of), year - 1: cals[year - 1].doy(prev_cut_date)}
        line_unit = self.lines.arrays()["unit"]
        line_econ = self.lines.arrays()["econ"]
        is_sg = np.isin(line_econ, SANGONG)
        totals, masks = {}, {}
        for y in (year - 1, year):
            p = pays[y]
            sg = is_sg[p["line"]] & (p["tag"] == 0)
            masks[y] = sg
            m = sg & (p["day"] <= cut[y])
            totals[y] = np.bincount(line_unit[p["line"][m]], weights=p["cents"][m], minlength=len(self.units))
        growth = self.sangong_growth
        f_prev = np.ones(len(self.units))
        f_cur = np.ones(len(self.units))
        for u in range(len(self.units)):
            tp, tc = totals[year - 1][u], totals[year][u]
            if tp <= 0 or tc <= 0:
                continue
            code = self.units[u].code
            g, base = growth[u], math.sqrt(tp * tc)
            if code not in plants.sangong and not (tc > 1.2 * tp and tc - tp > 5_000_000):
                continue            # would not fire: leave the amounts as drawn
            if code in plants.sangong:
                g_plan, min_base, max_base = plants.sangong[code]
                base_plan = min(max(tp, min_base * 100), max_base * 100)
                if code in plants.sangong_fires or 0.6 <= base_plan / tp <= 2.0:
                    g, base = g_plan, base_plan
                else:       # a look-alike that would distort this scale's amounts too much: left out
                    plants.sangong_skipped.add(code)
            f_prev[u] = base / tp
            f_cur[u] = g * base / tc        # a planted car purchase (tagged) comes on top
        self.sangong_factors = (f_prev, f_cur)
        for y, f in ((year - 1, f_prev), (year, f_cur)):
            p = pays[y]
            idx = np.flatnonzero(masks[y])
            fu = f[line_unit[p["line"][idx]]]
            p["cents"][idx] = np.round(p["cents"][idx] * fu).astype(np.int64)


class PaymentPlants:
    """The payment-level anomalies planted into the current year, and their look-alikes."""

    def __init__(self, gen: PaymentGenerator, cal: Calendar, cut: int, rng: np.random.Generator,
                 planted: list[Planted]):
        self.gen, self.cal, self.cut, self.rng, self.planted = gen, cal, cut, rng, planted
        self.tags: dict[int, dict] = {}
        self.rows = Rows()
        U = gen.by_code
        self.rush_unit = U["011001"].idx
        self.rush_lookalike = U["002003"].idx
        self.benford_unit = "008002"
        # enough payments by `today` for BENFORD (at least 1,000 positive ones)
        month = cal.date(cut).month
        weights = PROFILES[ROUTINE]
        share = (weights[:month - 1].sum() + weights[month - 1] * cal.date(cut).day / 31) / weights.sum()
        gen.min_count[self.benford_unit] = int(math.ceil(1300 / share))
        # 三公 plans: unit -> (growth, min base, max base) in yuan, on the same-period basis
        self.sangong_fires = {"003"}
        self.sangong_skipped: set[str] = set()
        self.sangong = {"003": (1.55, 150_000, 10**12),     # fires
                        "005002": (1.30, 0, 120_000),        # +30% but under 50,000 more: quiet
                        "003001": (1.15, 400_000, 10**12)}   # +15%, over 50,000 more: quiet
        self.over_line = gen.lines.get(U["003001"].idx, "2040220", "30231")
        self.near_line = gen.lines.get(U["002003"].idx, "2100401", "30227")
        self.nobudget_lines: set[int] = set()

    def _tag(self, rule: str, fires: bool, note: str, kind: str = "all", severity: str | None = None) -> int:
        t = len(self.tags) + 1
        self.tags[t] = dict(rule=rule, fires=fires, note=note, kind=kind, severity=severity)
        return t

    def _company(self, cls: str, k: int) -> int:
        start, size = self.gen.pools[cls]
        return start + (size - 1 - k) % size      # from the tail of a pool: rarely paid otherwise

    def plant(self, p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        gen, cal, cut, rng = self.gen, self.cal, self.cut, self.rng
        L, U, purpose = gen.lines.get, gen.by_code, gen.purposes.add
        lo = cal.doy(date(cal.year, 1, 15))
        add = self.rows.add
        # DUPLICATE_PAYMENT: same unit, payee and amount one day apart and the same day
        t = self._tag("DUPLICATE_PAYMENT", True, "同一单位同一收款人同一金额相隔1天重复支付", "dup", "high")
        d = cal.find_run(0.30, (0, 1), lo, cut)
        line, payee = L(U["001002"].idx, "2050204", "30227"), self._company("tech", 1)
        for k in range(2):
            add(d + k, line, payee, 48_600.00, purpose("智慧校园平台技术服务费"), t)
        t = self._tag("DUPLICATE_PAYMENT", True, "同一单位同一收款人同一金额同日重复支付", "dup", "high")
        d = cal.find_run(0.55, (0,), lo, cut)
        line, payee = L(U["002001"].idx, "2100201", "31003"), self._company("medical", 1)
        for _ in range(2):
            add(d, line, payee, 126_350.00, purpose("采购医用监护设备"), t)
        t = self._tag("DUPLICATE_PAYMENT", False, "look-alike: 同一金额相隔4天，超出0–3天窗口")
        d = cal.find_run(0.40, (0, 4), lo, cut)
        line, payee = L(U["004001"].idx, "2010650", "30213"), self._company("repair", 1)
        for k in (0, 4):
            add(d + k, line, payee, 23_800.00, purpose("办公楼维修"), t)
        # SPLIT_PAYMENT: three payments just under the 1,000,000 approval threshold within 5 days
        t = self._tag("SPLIT_PAYMENT", True, "5天内向同一收款人支付3笔80–100万元，合计超过100万元", "all", "high")
        d = cal.find_run(0.60, (0, 2, 4), lo, cut)
        line, payee = L(U["007001"].idx, "2120399", "31005"), self.gen.payees.add("湖南湘建市政工程有限公司", "430501" + "8" * 14)
        for k, amount in zip((0, 2, 4), (968_500.00, 955_200.00, 987_300.00)):
            add(d + k, line, payee, amount, purpose("道路提质改造工程进度款"), t)
        t = self._tag("SPLIT_PAYMENT", False, "look-alike: 3笔90余万元但跨度14天")
        d = cal.find_run(0.35, (0, 7, 14), lo, cut)
        line = L(U["006001"].idx, "2140106", "31003")
        payee = self.gen.payees.add("湖南路通公路养护设备有限公司", "190121" + "6" * 13)
        for k, amount in zip((0, 7, 14), (932_000.00, 918_400.00, 941_700.00)):
            add(d + k, line, payee, amount, purpose("公路养护专用设备采购"), t)
        t = self._tag("SPLIT_PAYMENT", False, "look-alike: 3笔之一低于80万元，只有2笔在区间内")
        d = cal.find_run(0.70, (0, 1, 2), lo, cut)
        line = L(U["008003"].idx, "2130153", "30227")
        payee = self.gen.payees.add("湖南沃土农田水利工程咨询有限公司", "181001" + "5" * 13)
        for k, amount in zip((0, 1, 2), (921_000.00, 760_000.00, 905_500.00)):
            add(d + k, line, payee, amount, purpose("高标准农田建设项目监理及技术服务费"), t)
        # NO_BUDGET: payments on lines without a budget
        t = self._tag("NO_BUDGET", True, "无预算支出：该功能科目/经济科目无预算指标", "all", "high")
        nb1 = L(U["008001"].idx, "2130199", "30227")
        nb2 = L(U["007"].idx, "2120101", "30211", GOVFUND)
        self.nobudget_lines = {nb1, nb2}
        for frac, line, amount, text in ((0.25, nb1, 86_400.00, "农产品质量检测委托服务费"),
                                         (0.65, nb1, 132_000.00, "执法辅助服务委托费"),
                                         (0.45, nb2, 6_830.00, "报销差旅费")):
            staff_member = gen.pools["person"][0] + U["007"].idx * STAFF_PER_UNIT
            payee = self._company("consult", 2) if line == nb1 else staff_member
            add(cal.find_run(frac, (0,), lo, cut), line, payee, amount, purpose(text), t)
        # AMOUNT_OUTLIER: amounts extreme for their economic code
        t = self._tag("AMOUNT_OUTLIER", True, "金额在该经济科目中极端偏高", "all", "medium")
        for frac, code, func, econ, cls, amount, text in (
                (0.20, "004002", "2010699", "30211", "travel", 1_286_000.00, "差旅费"),
                (0.50, "004001", "2010650", "30201", "office", 2_350_000.00, "办公用品采购"),
                (0.75, "009003", "2081004", "30213", "repair", 8_650_000.00, "殡仪馆维修改造")):
            add(cal.find_run(frac, (0,), lo, cut), L(U[code].idx, func, econ), self._company(cls, 3), amount,
                purpose(text), t)
        # SANGONG_GROWTH: a car bought this year on top of higher running costs
        t_car = self._tag("SANGONG_GROWTH", True, "", "none")
        add(cal.find_run(0.55, (0,), lo, cut), L(U["003"].idx, "2040201", "31013"), self._company("auto", 4),
            268_000.00, purpose("公务用车购置（执法执勤用车）"), t_car)
        # OVER_BUDGET / near look-alike lines get ordinary payments; the budget is set from them later
        # YEAR_END_RUSH: December purchases of a museum, and a look-alike below 25%
        parts = [self.rows.arrays()]
        if cal.date(cut).month == 12:
            parts.append(self._rush(p, self.rush_unit, 0.45,
                                    ((U["011001"].func, "31003", "edu_equip"), (U["011001"].func, "30227", "culture")),
                                    ("展陈设备采购", "展陈提升改造服务费"), self._tag("YEAR_END_RUSH", True, "", "none")))
            parts.append(self._rush(p, self.rush_lookalike, 0.22,
                                    ((U["002003"].func, "31003", "medical"),), ("检测设备采购",),
                                    self._tag("YEAR_END_RUSH", False, "", "none")))
        # BENFORD: amounts of one unit crowd just below 5,000 and 10,000
        self._benford(p)
        return concat([p, *parts])

    def _rush(self, p, unit: int, share: float, lines, texts, tag: int) -> dict[str, np.ndarray]:
        gen, cal, cut, rng = self.gen, self.cal, self.cut, self.rng
        line_unit = gen.lines.arrays()["unit"]
        dec0 = cal.doy(date(cal.year, 12, 1))
        mine = (line_unit[p["line"]] == unit) & (p["day"] <= cut) & (p["cents"] > 0)
        total = p["cents"][mine].sum() / 100
        dec = p["cents"][mine & (p["day"] >= dec0)].sum() / 100
        x = max((share * total - dec) / (1 - share), 0.0)
        rows = Rows()
        n = max(int(math.ceil(x / 550_000)), 6)
        amounts = rng.uniform(0.75, 1.25, n)          # all below 800,000: no SPLIT_PAYMENT look-alike
        amounts = amounts / amounts.sum() * x
        days = cal.workdays[(cal.workdays >= dec0) & (cal.workdays <= cut)]
        for k, a in enumerate(amounts):
            func, econ, cls = lines[k % len(lines)]
            rows.add(int(days[k % len(days)]), gen.lines.get(unit, func, econ), self._company(cls, 5 + k),
                     round(float(a), 2), gen.purposes.add(texts[k % len(texts)]), tag)
        return rows.arrays()

    def _benford(self, p) -> None:
        gen, rng = self.gen, self.rng
        u = gen.by_code[self.benford_unit].idx
        line_unit = gen.lines.arrays()["unit"]
        line_econ = gen.lines.arrays()["econ"]
        sel = np.flatnonzero((line_unit[p["line"]] == u) & (p["tag"] == 0) & (p["cents"] > 0)
                             & np.isin(line_econ, ("30201", "30211", "30213", "30226", "30227", "30299"))[p["line"]])
        sel = sel[rng.random(len(sel)) < 0.6]
        low = rng.random(len(sel)) < 0.5
        p["cents"][sel] = np.where(low, rng.integers(480_000, 500_000, len(sel)),
                                   rng.integers(950_000, 1_000_000, len(sel)))

    def resolve(self, p: dict[str, np.ndarray], year: int) -> None:
        """After sorting and numbering: the vouchers of each tagged plant."""
        for t, spec in self.tags.items():
            idx = np.flatnonzero(p["tag"] == t)
            if spec["kind"] == "none" or len(idx) == 0:
                continue
            idx = idx[np.lexsort((p["voucher"][idx], p["day"][idx]))]
            for n, i in enumerate(idx):
                fires = spec["fires"] and not (spec["kind"] == "dup" and n == 0)
                note = spec["note"] if fires or not spec["fires"] else "重复支付的第一笔（不预警）"
                self.planted.append(Planted(spec["rule"], str(int(p["voucher"][i])), year, fires,
                                            spec["severity"] if fires else None, note))
