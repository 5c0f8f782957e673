"""`budgetwatch digest`: the opt-in daily digest e-mail (off unless an SMTP server is configured).

    budgetwatch digest subscribe NAME --email 王敏@example.gov.cn     # a staff account opts in
    budgetwatch digest unsubscribe NAME
    budgetwatch digest send [--dry-run]                               # run once a day (cron)

The server: BUDGETWATCH_SMTP_HOST/_PORT/_FROM/_USER/_PASSWORD/_STARTTLS, else DATA_DIR/smtp.toml
(``queries/digest.py``).
"""
from __future__ import annotations

import argparse
import sys

from budgetwatch.cli import add_data_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("digest", help="每日摘要邮件（需配置邮件服务器） / the daily digest e-mail (needs SMTP)")
    sub = p.add_subparsers(dest="digest_command", metavar="STEP", required=True)
    q = sub.add_parser("subscribe", help="为工作人员账号订阅 / opt a staff account in")
    q.add_argument("username")
    q.add_argument("--email", required=True)
    add_data_dir(q)
    q.set_defaults(func=cmd_digest)
    q = sub.add_parser("unsubscribe", help="退订 / opt out")
    q.add_argument("username")
    add_data_dir(q)
    q.set_defaults(func=cmd_digest)
    q = sub.add_parser("send", help="发送每日摘要 / send the digests")
    q.add_argument("--dry-run", action="store_true", help="只列出将发送的邮件 / list, do not send")
    add_data_dir(q)
    q.set_defaults(func=cmd_digest)


def cmd_digest(args: argparse.Namespace) -> int:
    import smtplib

    from budgetwatch.queries import digest
    from budgetwatch.queries.store import Store

    data_dir = Store(args.data_dir).data_dir
    try:
        if args.digest_command == "subscribe":
            digest.subscribe(data_dir, args.username, args.email, actor="cli")
            print(f"已订阅 / subscribed: {args.username} <{args.email}>")
        elif args.digest_command == "unsubscribe":
            digest.unsubscribe(data_dir, args.username, actor="cli")
            print(f"已退订 / unsubscribed: {args.username}")
        else:
            sent = digest.send_all(data_dir, dry_run=args.dry_run)
            verb = "将发送 / would send" if args.dry_run else "已发送 / sent"
            print(f"{verb}: {len(sent)} " + " ".join(name for name, _ in sent))
    except (digest.DigestError, smtplib.SMTPException, OSError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    return 0
