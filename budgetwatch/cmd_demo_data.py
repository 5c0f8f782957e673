"""`budgetwatch demo-data --out DIR`: write the generated demo city as six feed files."""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from budgetwatch.demo_data import DEFAULT_SEED, DEFAULT_TODAY, PAYMENTS_PER_SCALE


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("scale must be above 0")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo-data", help="write a generated demo city (湘江市) as feed files",
        description="Generate the demo city's six feeds (departments, budget, payments, assets_enterprise, "
                    "assets_admin, audit_findings) in the shapes real exports come in, with every warning rule "
                    "planted; the list is written to ANOMALIES.md beside them.")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder to write the files to")
    p.add_argument("--scale", type=_positive, default=1.0, metavar="N",
                   help=f"payments scale: 1 ≈ {PAYMENTS_PER_SCALE:,} payments a year, 170 ≈ 10 million (default 1)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("--today", type=_day, default=None, metavar="YYYY-MM-DD",
                   help=f"the demo's 'today': current year and last payment date (default {DEFAULT_TODAY})")
    p.set_defaults(func=run_demo_data)


def run_demo_data(args: argparse.Namespace) -> int:
    from budgetwatch.demo_data import write_demo

    result = write_demo(args.out, scale=args.scale, seed=args.seed, today=args.today)
    city = result.city
    print(f"演示城市 {len(city.units)} 个预算单位，当前年度 {city.year}，截至 {city.as_of} "
          f"(scale {city.scale:g}, seed {city.seed}) → {args.out}")
    for f in result.files:
        print(f"  {f.path.name:<28} {f.feed:<18} {f.rows:>12,} rows  {f.shape}")
    fires = sum(p.fires for p in city.planted)
    print(f"  {'ANOMALIES.md':<28} {'':<18} {fires:>12,} planted anomalies, "
          f"{len(city.planted) - fires} look-alikes")
    payments = sum(f.rows for f in result.files if f.feed == "payments")
    print(f"完成 done in {result.seconds:.1f}s ({payments / max(result.seconds, 1e-9):,.0f} payment rows/s overall)")
    return 0
