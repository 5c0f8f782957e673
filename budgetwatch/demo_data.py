"""The demo city: six feed files of a generated 湘江市 (Hunan), in the shapes real exports come in.

`write_demo_feeds(out_dir)` writes a fictional but plausible prefecture-level city — 湘江市,
region code 430100 (the code is borrowed from 长沙市 so that it is a real Hunan city code;
names, people and companies are invented) — as the six feeds of ../shared/FEEDS.md:

* departments  ``01_departments.xlsx``  title row above a Chinese header, codes as text cells
* budget       ``02_budget_<year>.csv``  GB18030, title + ``单位：万元`` lines, alias headers,
                                          amounts like ``"1,234.567800"``, a trailing 合计 row
* payments     ``03_payments_<year>.csv`` UTF-8 with BOM; the previous year with a title row,
                                          Chinese alias headers, ``2024/3/7`` dates, ``"1,234.50"``
                                          and ``(1,200.00)`` amounts; the current year with English
                                          headers and ISO dates. Above scale 5 both are plain
                                          UTF-8 (no BOM, no title, ISO dates, plain numbers).
* assets_enterprise ``04_assets_enterprise.xlsx`` data on the first sheet (in 万元), 说明 second
* assets_admin ``05_assets_admin.csv``   GBK, English headers
* audit_findings ``06_audit_findings.xlsx`` Excel date cells, Chinese statuses, a 总计 row
* suggestions  ``07_suggestions.csv``     GB18030, title row, reply classes as B/B类/words, mixed
                                          dates (budgetwatch/demo_suggestions.py)
* debt         ``10_debt.xlsx``          title + ``单位：亿元``, the city's code as ``4301``, a 合计 row
                                          (budgetwatch/demo_debt.py: 市本级 and districts, three years)

Years: the *current year* is the year of ``today``. ``today`` defaults to 2025-12-31 — a fixed
date, not the real one, so that a seed always gives the same files — and must be on or after
1 March. Budgets and payments cover the current year and the one before; current-year payments
stop at ``today``; enterprises cover three years, administrative assets two, audit findings five.

How the money is made up:

* Payments: per unit, scheduled ones (salaries 30101/30102 on the 10th, 绩效工资 30107 on the
  25th, social contributions 30108/30110/30113, electricity monthly, water/telephone/property
  quarterly, rent 30214 on a fixed calendar day with the same amount and landlord, year-end
  bonuses, pensions of the social insurance fund, capital injections of the SASAC), plus a
  random stream: lognormal amounts per economic code, skewed towards each unit's usual
  suppliers, staff reimbursed by name, month weights with a December bulge for projects and
  capital, a few refunds (negative). Scale N writes ≈ N × 60,000 payments a year.
* Budgets are derived from the spending: each line's adjusted budget is its year's spending ÷
  an execution rate of 88–98.5% (so nothing is over budget by accident), except the planted
  lagging departments and over-spent line.
* Quiet-by-construction: December is held to ≤ 20% of any unit's year and ≤ 2× its monthly
  mean, a unit's 三公经费 growth is held down where the draw would have flagged it, and each
  unit's amounts are nudged by a few percent onto a stratified mantissa grid so that its first
  digits follow Benford's law closely (only the planted unit departs from it).

Every warning rule of ../shared/RULES.md is planted at least once on the current year, beside
look-alikes that must stay quiet; `planted_anomalies()` lists both (`Planted.fires`), and
``ANOMALIES.md`` / ``anomalies.json`` are written next to the feeds. Department- and unit-level
entries carry the numbers computed from the generated data (a department that lags only
because ``today`` is mid-year is listed too). The list was checked to be exactly what the rules
flag for the default seed at scales 0.2 to 17 with a December ``today``; at very large scales the
payment-level rules (duplicates, splits) may also find natural coincidences, as in real data.

All randomness comes from ``numpy.random.default_rng(seed)``, split into independent child
streams so that the city's structure (names, enterprises, assets, audit) does not depend on
the scale. Payments are generated with numpy and written with pyarrow's CSV writer in
1-million-row chunks, one thread per year.

The generator lives in ``budgetwatch/demo/``: ``world`` (the city's fixed facts), ``parts``
(building blocks), ``payees``, ``registers`` (enterprises, assets, audit problems), ``payments``
(the payment stream and its plants), ``feeds`` (budgets, enterprises, assets, findings),
``city`` (``generate_city``) and ``files`` (writing them). This module is its front door.
"""
from __future__ import annotations

from budgetwatch.demo.city import DemoCity, generate_city
from budgetwatch.demo.files import DemoResult, WrittenFile, planted_anomalies, write_demo, write_demo_feeds
from budgetwatch.demo.world import (CITY, DEFAULT_SEED, DEFAULT_TODAY, DEPARTMENTS, ECON_NAMES, FEED_ORDER, FUNC_NAMES,
                                    PAYMENTS_PER_SCALE, REGION_CODE, SANGONG)
from budgetwatch.demo_planted import Planted

__all__ = ["CITY", "DEFAULT_SEED", "DEFAULT_TODAY", "DEPARTMENTS", "DemoCity", "DemoResult", "ECON_NAMES", "FEED_ORDER",
           "FUNC_NAMES", "PAYMENTS_PER_SCALE", "Planted", "REGION_CODE", "SANGONG", "WrittenFile", "generate_city",
           "planted_anomalies", "write_demo", "write_demo_feeds"]
