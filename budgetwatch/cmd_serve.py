"""`budgetwatch serve`: the dashboard on waitress, a production WSGI server.

Each request runs on one of waitress's threads and opens its own read-only connection to the
live data generation, so several people can use the dashboard while staff load new data.
"""
from __future__ import annotations

import argparse
import os
import sys

from budgetwatch.cli import add_data_dir

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
DEFAULT_THREADS = 8


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the dashboard (总览 and the pages to come) over HTTP")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}; 0.0.0.0 for every interface)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                   help=f"requests served at once (default {DEFAULT_THREADS})")
    add_data_dir(p)
    p.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    serve(args.data_dir, host=args.host, port=args.port, threads=args.threads)
    return 0


def serve(data_dir: str | os.PathLike | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          threads: int = DEFAULT_THREADS) -> None:
    """Build the app over the data folder and serve it until interrupted."""
    import waitress

    from budgetwatch.dashboard.app import create_app
    from budgetwatch.queries.store import Store

    store = Store(data_dir)
    app = create_app(store.data_dir)
    from budgetwatch.queries import flag_worker
    flag_worker.resume(store)       # flags a killed worker left owed follow again
    if os.environ.get("BUDGETWATCH_WARM", "1") != "0":
        from budgetwatch.dashboard import warmer
        warmer.start(store, app.server)     # the default views built as soon as a load publishes
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    print(f"预算联网监督 budgetwatch: http://{shown}:{port}/  (数据 data: {store.data_dir})", flush=True)
    print("按 Ctrl+C 停止 / press Ctrl+C to stop", file=sys.stderr, flush=True)
    waitress.serve(app.server, host=host, port=port, threads=threads, ident="budgetwatch")
