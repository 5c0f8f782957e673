"""`budgetwatch user add|passwd|disable|enable|role|logout|list` and `budgetwatch audit-log`.

A new password, a new role and disabling end every session of the account at once (the
dashboard checks a server-side session record on each request); `logout` does only that.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys

from budgetwatch.cli import add_data_dir
from budgetwatch.dashboard import formula_guard
from budgetwatch.cmd_ingest import who_default
from budgetwatch.queries import accounts


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", aliases=["users"], help="accounts: add, passwd, disable, enable, role, logout, list")
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = acts.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=accounts.ROLES)
    add.add_argument("--depts", default="", help="limit to these top-level department codes, comma separated")
    add.add_argument("--display-name", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=run_add)

    pw = acts.add_parser("passwd", help="set an account's password")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    pw.set_defaults(func=run_passwd)

    for name, disabled in (("disable", True), ("enable", False)):
        d = acts.add_parser(name, help=f"{name} an account")
        d.add_argument("name")
        d.set_defaults(func=run_disable, disabled=disabled)

    role = acts.add_parser("role", help="change an account's role and department limit")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=accounts.ROLES)
    role.add_argument("--depts", default="")
    role.set_defaults(func=run_role)

    out = acts.add_parser("logout", help="end every signed-in session of an account")
    out.add_argument("name")
    out.set_defaults(func=run_logout)

    ls = acts.add_parser("list", help="list accounts")
    ls.add_argument("--format", choices=["table", "json"], default="table")
    ls.set_defaults(func=run_list)
    for parser in (add, pw, role, ls, *[a for a in acts.choices.values()]):
        if not any(a.dest == "data_dir" for a in parser._actions):
            add_data_dir(parser)

    log = sub.add_parser("audit-log", help="who did what: logins, loads, reviews, exports, account changes")
    log.add_argument("--limit", type=int, default=200)
    log.add_argument("--action", help="e.g. login, user, ingest, review, export")
    log.add_argument("--actor")
    log.add_argument("--format", choices=["table", "csv", "json"], default="table")
    log.add_argument("--output")
    add_data_dir(log)
    log.set_defaults(func=run_log)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 password: ")
    if getpass.getpass("再次输入 again: ") != first:
        raise accounts.AccountError("两次输入的密码不一致 / the passwords differ")
    return first


def _depts(text: str) -> list[str]:
    return [d.strip() for d in text.split(",") if d.strip()]


def _guard(fn):
    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except accounts.AccountError as exc:
            print(f"✗ {exc}", file=sys.stderr)
            return 2
    return run


@_guard
def run_add(args):
    user = accounts.add_user(args.data_dir, args.name, _password(args), args.role, depts=_depts(args.depts),
                             display_name=args.display_name, actor=who_default())
    print(f"已创建 created {user.username} ({user.role}{', ' + ','.join(user.depts) if user.depts else ''})")
    return 0


@_guard
def run_passwd(args):
    accounts.set_password(args.data_dir, args.name, _password(args), actor=who_default())
    print(f"已更新密码 password changed: {args.name}{_ENDED}")
    return 0


@_guard
def run_disable(args):
    accounts.set_disabled(args.data_dir, args.name, args.disabled, actor=who_default())
    print(f"{'已停用 disabled' if args.disabled else '已启用 enabled'}: {args.name}{_ENDED if args.disabled else ''}")
    return 0


@_guard
def run_role(args):
    accounts.set_role(args.data_dir, args.name, args.role, _depts(args.depts), actor=who_default())
    print(f"已更新 updated {args.name}: {args.role}{_ENDED}")
    return 0


@_guard
def run_logout(args):
    n = accounts.end_sessions(args.data_dir, args.name, actor=who_default())
    print(f"已结束 {args.name} 的 {n} 个会话 / ended {n} session(s) of {args.name}")
    return 0


_ENDED = "（其已登录的会话均已结束 / signed-in sessions ended）"


def run_list(args):
    users = accounts.list_users(args.data_dir)
    if args.format == "json":
        print(json.dumps([u.as_dict() for u in users], ensure_ascii=False, indent=2))
        return 0
    print(f"{'user':<20}{'role':<8}{'status':<10}departments")
    for u in users:
        print(f"{u.username:<20}{u.role:<8}{'disabled' if u.disabled else 'active':<10}{','.join(u.depts) or '全部 all'}")
    return 0


def run_log(args):
    frame = accounts.audit_events(args.data_dir, limit=args.limit, action=args.action, actor=args.actor)
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        if args.format == "csv":
            formula_guard.csv_frame(frame).to_csv(out, index=False)
        elif args.format == "json":
            out.write(frame.to_json(orient="records", force_ascii=False, indent=2) + "\n")
        else:
            for r in frame.itertuples():
                out.write(f"{r.at}  {r.actor:<14} {r.action:<14} {r.outcome:<8} {r.target}  {r.detail}  {r.ip}\n")
    finally:
        if args.output:
            out.close()
    return 0
