"""`budgetwatch demo`: a generated city written as feed files, loaded as staff would, then served."""
from __future__ import annotations

import argparse
import sys

from budgetwatch.cli import add_data_dir
from budgetwatch.cmd_ingest import STATUS_TEXT, TerminalProgress
from budgetwatch.ingest.pipeline import ingest_files
from budgetwatch.queries.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="generate a demo city, load it through the normal ingest path, serve it")
    p.add_argument("--scale", type=float, default=1.0, help="payments scale (1 ≈ 60k payments a year)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--no-serve", action="store_true", help="load the demo data and stop")
    add_data_dir(p)
    p.set_defaults(func=run_demo)


def load_demo(store: Store, scale: float = 1.0, out=sys.stdout) -> bool:
    """Write the demo feeds under the data folder and ingest them in dependency order."""
    from budgetwatch.demo_data import write_demo_feeds

    feeds_dir = store.data_dir / "demo-feeds"
    print(f"生成演示数据 writing demo feeds to {feeds_dir} …", file=out)
    files = write_demo_feeds(feeds_dir, scale=scale)
    ok = True
    progress = TerminalProgress()
    for feed, paths in files.items():
        reports = ingest_files(store, feed, paths, who="demo", progress=progress)
        progress.done()
        for r in reports:
            print(f"  {r.file:<32} {feed:<18} {STATUS_TEXT[r.status]:<22} "
                  f"{r.rows_read:>9,} rows  {r.seconds:5.1f}s", file=out)
            for p in r.problems[:5]:
                print(f"    ✗ {p.line()}", file=out)
            ok = ok and r.ok
    return ok


DEMO_USER, DEMO_PASSWORD = "demo", "budgetwatch-demo-2025"


def ensure_demo_account(store: Store, out=sys.stdout) -> None:
    """An administrator account for the demo, so every page (accounts and audit log too) can be tried."""
    from budgetwatch.queries import accounts

    if accounts.get_user(store.data_dir, DEMO_USER) is None:
        accounts.add_user(store.data_dir, DEMO_USER, DEMO_PASSWORD, "admin", display_name="演示账号", actor="demo")
    print(f"登录 log in: 用户名 user {DEMO_USER} / 密码 password {DEMO_PASSWORD}", file=out)


def run_demo(args: argparse.Namespace) -> int:
    store = Store(args.data_dir)
    if not load_demo(store, scale=args.scale):
        print("演示数据未能全部导入 / the demo data did not load cleanly", file=sys.stderr)
        return 1
    ensure_demo_account(store)
    if args.no_serve:
        return 0
    from budgetwatch.cmd_serve import serve

    serve(store.data_dir, host=args.host, port=args.port)
    return 0
