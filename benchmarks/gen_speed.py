"""Time the demo city generator: `python3 benchmarks/gen_speed.py [SCALE] [--out DIR] [--keep]`.

Prints the time to generate and write all six feeds and the payment rows written per second.
Scale 1 ≈ 60,000 payments a year (two years are written), scale 170 ≈ 10 million a year.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from budgetwatch.demo_data import generate_city, write_demo  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("scale", nargs="?", type=float, default=17.0)
    ap.add_argument("--seed", type=int, default=20251)
    ap.add_argument("--out", type=Path, help="folder to write to (default: a temporary folder, removed after)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bw-gen-"))
    try:
        t0 = time.perf_counter()
        generate_city(scale=args.scale, seed=args.seed)
        gen_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = write_demo(out, scale=args.scale, seed=args.seed)
        total_s = time.perf_counter() - t0
        rows = sum(f.rows for f in result.files if f.feed == "payments")
        size = sum(f.path.stat().st_size for f in result.files) / 1e6
        print(f"scale {args.scale:g}: {rows:,} payment rows ({size:,.0f} MB of files) in {total_s:.1f}s "
              f"(generation alone {gen_s:.1f}s) = {rows / total_s:,.0f} rows/s")
        for f in result.files:
            print(f"  {f.path.name:<28} {f.rows:>12,} rows {f.path.stat().st_size / 1e6:>9.1f} MB")
    finally:
        if args.out is None and not args.keep:
            shutil.rmtree(out, ignore_errors=True)
        elif args.keep:
            print(f"kept {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
