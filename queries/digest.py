"""The opt-in daily digest e-mail: for each staff account that subscribed, what is new since its
previous digest — red warnings that appeared, inquiries that fell due unanswered, answers
recorded (the same three things as the header's notice, ``queries/notices.py``).

Off unless an SMTP server is configured: ``BUDGETWATCH_SMTP_HOST`` (and ``_PORT``, ``_FROM``,
``_USER``, ``_PASSWORD``, ``_STARTTLS=1``) in the environment, else ``[smtp]`` in
``DATA_DIR/smtp.toml`` (``host``, ``port``, ``from``, ``user``, ``password``, ``starttls``).
Run ``budgetwatch digest send`` once a day (cron, a systemd timer). The mail is plain text:
names and questions from people and feeds are shown as they are, never as markup. Nothing is
sent anywhere but the configured server.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import smtplib
import tomllib
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from budgetwatch.errors import BudgetwatchError
from budgetwatch.queries import accounts, notices, state
from budgetwatch.queries.store import Store, resolve_data_dir

_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
_SUBSCRIPTIONS = """CREATE TABLE IF NOT EXISTS digest_subscriptions (
    username  TEXT PRIMARY KEY,
    email     TEXT NOT NULL,
    enabled   INTEGER NOT NULL DEFAULT 1,
    last_sent TEXT
)"""


class DigestError(BudgetwatchError, ValueError):
    """A refused subscription or a digest that cannot be sent, in Chinese and English."""


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int = 25
    sender: str = "budgetwatch@localhost"
    user: str = ""
    password: str = ""
    starttls: bool = False


def smtp_settings(data_dir) -> Smtp | None:
    """The SMTP server from the environment, else DATA_DIR/smtp.toml; None = digests are off."""
    env = os.environ
    if env.get("BUDGETWATCH_SMTP_HOST"):
        return Smtp(env["BUDGETWATCH_SMTP_HOST"], int(env.get("BUDGETWATCH_SMTP_PORT") or 25),
                    env.get("BUDGETWATCH_SMTP_FROM") or "budgetwatch@localhost", env.get("BUDGETWATCH_SMTP_USER", ""),
                    env.get("BUDGETWATCH_SMTP_PASSWORD", ""), env.get("BUDGETWATCH_SMTP_STARTTLS", "") in ("1", "true"))
    path = resolve_data_dir(data_dir) / "smtp.toml"
    if not path.exists():
        return None
    try:
        cfg = tomllib.loads(path.read_text(encoding="utf-8")).get("smtp", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DigestError(f"无法读取 {path}：{exc} / cannot read {path}: {exc}") from None
    if not cfg.get("host"):
        return None
    return Smtp(str(cfg["host"]), int(cfg.get("port", 25)), str(cfg.get("from", "budgetwatch@localhost")),
                str(cfg.get("user", "")), str(cfg.get("password", "")), bool(cfg.get("starttls", False)))


def _connect(data_dir):
    con = notices.connect(data_dir)
    con.execute(_SUBSCRIPTIONS)
    return con


def subscribe(data_dir, username: str, email: str, *, actor: str = "system") -> None:
    """Opt a staff account in (or change its address)."""
    user = accounts.get_user(data_dir, username)
    if user is None or user.disabled:
        raise DigestError(f"没有账号 {username} / no account {username}")
    if not user.can("staff"):
        raise DigestError("每日摘要只发给工作人员 / the daily digest is for staff accounts")
    if not _EMAIL.match(email or "") or len(email) > 200:
        raise DigestError(f"邮件地址不正确：{email!r} / not an e-mail address: {email!r}")
    con = _connect(data_dir)
    try:
        with state.transaction(con):
            con.execute("""INSERT INTO digest_subscriptions (username, email, enabled) VALUES (?, ?, 1)
                           ON CONFLICT (username) DO UPDATE SET email = excluded.email, enabled = 1""",
                        [username, email])
            accounts.record(con, actor, "digest.subscribe", username, {"email": email})
    finally:
        con.close()


def unsubscribe(data_dir, username: str, *, actor: str = "system") -> None:
    con = _connect(data_dir)
    try:
        with state.transaction(con):
            con.execute("UPDATE digest_subscriptions SET enabled = 0 WHERE username = ?", [username])
            accounts.record(con, actor, "digest.unsubscribe", username, {})
    finally:
        con.close()


def compose(store: Store, user: accounts.User, email: str, sender: str, *, now: dt.datetime | None = None) -> EmailMessage | None:
    """The digest for one account (None when nothing is new). The baseline is the account's
    previous digest: one 'visit' per day under the name ``digest:USER``."""
    now = now or dt.datetime.now().replace(microsecond=0)
    new = notices.whats_new(store, replace(user, username=f"digest:{user.username}"), f"digest-{now.date()}", now=now)
    red, due, answered = new["red"], new["due"], new["answered"]
    if new["since"] is None or (red.empty and due.empty and answered.empty):
        return None
    lines = [f"{user.display_name or user.username}：", "",
             f"自上次摘要（{str(new['since'])[:16]}）以来 / since the previous digest:", "",
             f"新增红色预警 {len(red)} 条 / new red warnings: {len(red)}"]
    for r in red.head(20).to_dict("records"):     # each red flag's sentence in both languages
        lines.append(f"  · {r['rule']} {r['entity_key']}：{r['message']}")
        if isinstance(r.get("message_en"), str) and r["message_en"]:
            lines.append(f"    {r['message_en']}")
    lines += ["", f"到期未答复询问 {len(due)} 件 / inquiries fallen due unanswered: {len(due)}"]
    lines += [f"  · {r['ref']} 致 {r['dept_name']}，答复期限 {r['due_date']}" for r in due.head(20).to_dict("records")]
    lines += ["", f"收到答复 {len(answered)} 件 / answers recorded: {len(answered)}"]
    lines += [f"  · {r['ref']} 致 {r['dept_name']}，答复日期 {r['answered_on']}" for r in answered.head(20).to_dict("records")]
    lines += ["", "—— 预算联网监督 budgetwatch（退订：budgetwatch digest unsubscribe）"]
    msg = EmailMessage()
    msg["Subject"] = f"预算联网监督每日摘要 {now.date()} / budgetwatch daily digest"
    msg["From"] = sender
    msg["To"] = email
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="budgetwatch.local")
    msg.set_content("\n".join(lines), charset="utf-8")
    return msg


def send_all(data_dir, *, now: dt.datetime | None = None, dry_run: bool = False) -> list[tuple[str, int]]:
    """Send every enabled subscriber its digest; returns (username, lines of news) per mail sent.
    Raises DigestError when no SMTP server is configured."""
    smtp = smtp_settings(data_dir)
    if smtp is None and not dry_run:
        raise DigestError("未配置邮件服务器（BUDGETWATCH_SMTP_HOST 或 DATA_DIR/smtp.toml），每日摘要未启用 / "
                          "no SMTP server configured: the daily digest is off")
    store = Store(data_dir)
    con = _connect(data_dir)
    try:
        subs = [dict(r) for r in con.execute("SELECT * FROM digest_subscriptions WHERE enabled = 1 ORDER BY username")]
    finally:
        con.close()
    sent = []
    for sub in subs:
        user = accounts.get_user(data_dir, sub["username"])
        if user is None or user.disabled or not user.can("staff"):
            continue
        if sub["last_sent"] and sub["last_sent"][:10] == (now or dt.datetime.now()).date().isoformat():
            continue        # one digest a day, however often the job runs
        msg = compose(store, user, sub["email"], smtp.sender if smtp else "budgetwatch@localhost", now=now)
        if msg is None:
            continue
        if not dry_run:
            with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as server:
                if smtp.starttls:
                    server.starttls()
                if smtp.user:
                    server.login(smtp.user, smtp.password)
                server.send_message(msg)
            con = _connect(data_dir)
            try:
                with state.transaction(con):
                    con.execute("UPDATE digest_subscriptions SET last_sent = ? WHERE username = ?",
                                [(now or dt.datetime.now()).isoformat(sep=" ", timespec="seconds"), sub["username"]])
                    accounts.record(con, "system", "digest.send", sub["username"], {"email": sub["email"]})
            finally:
                con.close()
        sent.append((sub["username"], len(msg.get_content().splitlines())))
    return sent
