"""`budgetwatch refresh-flags`: publish the flags a load left to the background worker.

Started by ``ingest`` itself after publishing a large load's data; run it by hand after a
worker was killed (the pages compute those flags live until then)."""
from __future__ import annotations

import argparse
import json
import logging

from budgetwatch.cli import add_data_dir
from budgetwatch.queries import flag_worker
from budgetwatch.queries.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("refresh-flags", help="publish the flags a load left to be computed in the background",
                       description="Compute and publish the warning flags the live data generation still owes "
                                   "(left by a large load, or by a worker that was stopped). Nothing to do: exit 0.")
    add_data_dir(p)
    p.set_defaults(func=run_refresh_flags)


def run_refresh_flags(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    report = flag_worker.run(Store(args.data_dir))
    print(json.dumps(report, ensure_ascii=False, default=str))
    return 3 if report["failed"] else 0
