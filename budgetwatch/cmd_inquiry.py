"""`budgetwatch inquiry`: inquiries (询问/督办事项) from the command line — the same steps as
the 询问督办 page.

    budgetwatch inquiry list [--state draft|sent|answered|closed] [--dept CODE] [--overdue] [--year Y]
                             [--format table|csv|json]
    budgetwatch inquiry show REF|ID [--format table|json]
    budgetwatch inquiry open --flag RULE|KEY|YEAR [--flag …] --questions TEXT [--dept CODE] [--due DATE]
    budgetwatch inquiry send REF|ID [--on DATE]
    budgetwatch inquiry answer REF|ID --text TEXT [--file 答复.pdf] [--on DATE]
    budgetwatch inquiry close REF|ID --judgement 满意|不满意 [--note TEXT] [--follow-up QUESTIONS] [--follow-up-due DATE]
    budgetwatch inquiry letter REF|ID -o 询问函.pdf|.html

Who acts: ``--by NAME`` (default: $USER) names an account (``budgetwatch user``); changes need
the staff role, and an account limited to departments reaches only its units' inquiries.
Reading without an account is the operator of the machine reading the data folder: everything.
``--text``/``--questions``/``--note`` take ``@FILE`` to read the text from a UTF-8 file.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
from pathlib import Path

from budgetwatch.errors import BudgetwatchError
from budgetwatch.cli import add_data_dir
from budgetwatch.queries import accounts
from budgetwatch.queries import inquiries as qi
from budgetwatch.queries.rules.base import RuleError
from budgetwatch.queries.store import QueryError, Store


class CommandError(BudgetwatchError, RuntimeError):
    """One sentence in Chinese and English for the person at the terminal."""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "inquiry", help="询问督办：就预警向责任单位发询问函并跟踪答复 / inquiries to the responsible unit",
        description="询问/督办事项：列出、查看、发起、发出、记录答复、办结，生成询问函 / inquiries: list, show, "
                    "open, send, record the answer, close, and write the letter")
    sub = p.add_subparsers(dest="inquiry_command", metavar="STEP", required=True)

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--by", metavar="NAME", help="办理人的账号（默认 $USER） / the acting account (default $USER)")
        add_data_dir(q)

    q = sub.add_parser("list", help="列出询问事项 / list inquiries")
    q.add_argument("--state", choices=tuple(qi.STATES), help="状态 / state")
    q.add_argument("--dept", metavar="CODE", help="被询问单位 / unit addressed")
    q.add_argument("--overdue", action="store_true", help="只列逾期未答复的 / only overdue ones")
    q.add_argument("--year", type=int, help="预警年度 / the flags' year")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    common(q)
    q.set_defaults(func=cmd_list)

    q = sub.add_parser("show", help="查看一件询问事项 / show one inquiry")
    q.add_argument("inquiry", metavar="REF|ID")
    q.add_argument("--format", choices=("table", "json"), default="table")
    common(q)
    q.set_defaults(func=cmd_show)

    q = sub.add_parser("open", help="就预警发起询问（草稿） / open an inquiry about flags (a draft)")
    q.add_argument("--flag", action="append", required=True, metavar="RULE|KEY|YEAR",
                   help="预警（可多次） / a flag (repeatable)")
    q.add_argument("--year", type=int, help="--flag 只写 RULE|KEY 时的年度 / the year when --flag is RULE|KEY")
    q.add_argument("--questions", required=True, help="委员会的问题（或 @文件） / the committee's questions (or @FILE)")
    q.add_argument("--dept", metavar="CODE", help="被询问单位（默认：预警所属单位） / unit addressed (default: the flag's)")
    q.add_argument("--due", metavar="DATE", help="答复期限（默认：30天后） / due date (default: in 30 days)")
    q.add_argument("--as-of", dest="as_of", metavar="DATE", help="查找预警的截止日期 / as-of date to find the flags at")
    common(q)
    q.set_defaults(func=cmd_open)

    q = sub.add_parser("send", help="发出询问函 / mark the letter sent")
    q.add_argument("inquiry", metavar="REF|ID")
    q.add_argument("--on", metavar="DATE", help="发出日期（默认今天） / date sent (default today)")
    common(q)
    q.set_defaults(func=cmd_send)

    q = sub.add_parser("answer", help="记录单位的答复 / record the unit's answer")
    q.add_argument("inquiry", metavar="REF|ID")
    q.add_argument("--text", required=True, help="答复内容（或 @文件） / the answer (or @FILE)")
    q.add_argument("--file", metavar="PATH", help="答复附件：PDF、Word 或 Excel / the answer's file")
    q.add_argument("--on", metavar="DATE", help="答复日期（默认今天） / date answered (default today)")
    common(q)
    q.set_defaults(func=cmd_answer)

    q = sub.add_parser("close", help="办结：满意或不满意 / close: satisfied or unsatisfied")
    q.add_argument("inquiry", metavar="REF|ID")
    q.add_argument("--judgement", required=True, help="满意|不满意 (satisfied|unsatisfied)")
    q.add_argument("--note", default="", help="办结意见（不满意时必填；或 @文件） / note (required when unsatisfied)")
    q.add_argument("--follow-up", dest="follow_up", metavar="QUESTIONS",
                   help="不满意时追加询问的问题 / questions of a follow-up inquiry (unsatisfied only)")
    q.add_argument("--follow-up-due", dest="follow_up_due", metavar="DATE", help="追问的答复期限 / its due date")
    common(q)
    q.set_defaults(func=cmd_close)

    q = sub.add_parser("letter", help="生成询问函（PDF/HTML） / write the letter as PDF or HTML")
    q.add_argument("inquiry", metavar="REF|ID")
    q.add_argument("--output", "-o", required=True, metavar="FILE", help="输出文件 .pdf 或 .html / output file")
    q.add_argument("--format", choices=("pdf", "html"), help="默认取扩展名 / default: the output's extension")
    common(q)
    q.set_defaults(func=cmd_letter)


# -- helpers ---------------------------------------------------------------------------------
def _text(value: str | None) -> str | None:
    if value and value.startswith("@") and len(value) > 1:
        try:
            return Path(value[1:]).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取 {value[1:]}：{exc} / cannot read {value[1:]}") from None
    return value


def _actor(args: argparse.Namespace, *, needed: bool) -> accounts.User | None:
    store = Store(args.data_dir)
    name = args.by or os.environ.get("USER") or os.environ.get("USERNAME") or ""
    user = accounts.get_user(store.data_dir, name) if name else None
    if user is not None and user.disabled:
        raise CommandError(f"账号 {name} 已停用 / the account {name} is disabled")
    if user is None and (needed or args.by):
        raise CommandError(f"没有账号 {name or '（空）'}：请用 --by 指定一个工作人员账号 / no account {name!r}: "
                           f"name a staff account with --by")
    return user


def _emit(text: str) -> None:
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        sys.stdout.write(text)
    else:
        sys.stdout.flush()
        out.write(text.encode("utf-8"))
        out.flush()


def _run(fn):
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return fn(args) or 0
        except (qi.InquiryError, CommandError, QueryError, RuleError, accounts.AccountError) as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            return 2
    return wrapped


def _summary(row: dict) -> str:
    return (f"{row['ref']}（#{row['inquiry_id']}）致 {row['dept_name']}（{row['dept_code']}） "
            f"{qi.STATES[row['state']]}（{row['state']}），答复期限 {row['due_date']}")


# -- steps -----------------------------------------------------------------------------------
@_run
def cmd_list(args: argparse.Namespace) -> int:
    store = Store(args.data_dir)
    frame = qi.list_inquiries(store, _actor(args, needed=False), state_=args.state, dept=args.dept,
                              overdue=True if args.overdue else None, year=args.year)
    cols = ["inquiry_id", "ref", "year", "dept_code", "dept_name", "state", "due_date", "sent_on", "answered_on",
            "judgement", "days_overdue", "days_to_answer", "flags", "parent_id"]
    if args.format == "json":
        recs = json.loads(frame.reindex(columns=cols).to_json(orient="records", force_ascii=False))
        _emit(json.dumps(recs, ensure_ascii=False, indent=1) + "\n")
    elif args.format == "csv":
        buf = io.StringIO()
        out = frame.reindex(columns=cols).copy()
        for c in ("dept_name",):     # a unit named "=cmd()" stays text in a spreadsheet
            out[c] = [("'" + v) if isinstance(v, str) and v[:1] in "=+-@\t\r" else v for v in out[c]]
        out.to_csv(buf, index=False, lineterminator="\n")
        _emit(buf.getvalue())
    elif frame.empty:
        _emit("没有询问事项 / no inquiries\n")
    else:
        lines = []
        for r in frame.to_dict("records"):
            late = f"  逾期{r['days_overdue']}天 overdue" if r["days_overdue"] else ""
            lines.append(_summary(r) + late)
        _emit("\n".join(lines) + "\n")
    return 0


@_run
def cmd_show(args: argparse.Namespace) -> int:
    store = Store(args.data_dir)
    row = qi.get(store, _actor(args, needed=False), args.inquiry)
    if args.format == "json":
        _emit(json.dumps(row, ensure_ascii=False, indent=1, default=str) + "\n")
        return 0
    lines = [_summary(row), f"年度 year: {row['year']}", "", "问题 questions:", row["questions"], ""]
    if row["parent"]:
        lines.append(f"追问自 follow-up of: {row['parent']['ref']}")
    for f in row["follow_ups"]:
        lines.append(f"追问 follow-up: {f['ref']}（{qi.STATES[f['state']]}）")
    lines.append(f"预警 flags（{len(row['flags'])}）:")
    for f in row["flags"]:
        ev = f["evidence"]
        lines.append(f"  {f['rule']} {f['entity_key']} {f['year']}: {f['message']}")
        lines.append(f"     证据 evidence: {ev.get('kind')}，{ev.get('total_rows', 0)} 行 rows（发起时冻结 frozen when opened）")
    if row.get("answer_text"):
        lines += ["", f"答复 answer（{row['answered_on']}）:", row["answer_text"]]
    for f in row["files"]:
        lines.append(f"  附件 file #{f['file_id']}: {f['name']}（{f['kind']}，{f['size']} 字节，sha256 {f['sha256']}）")
    if row.get("judgement"):
        lines += ["", f"办结 closed {row['closed_on']}: {qi.JUDGEMENTS[row['judgement']]}（{row['judgement']}）"
                      f" {row.get('close_note') or ''}"]
    lines += ["", "经过 timeline:"]
    for e in row["events"]:
        lines.append(f"  {e['at']}  {e['actor']}  {e['action']}")
    _emit("\n".join(lines) + "\n")
    return 0


@_run
def cmd_open(args: argparse.Namespace) -> int:
    store = Store(args.data_dir)
    actor = _actor(args, needed=True)
    flags = [qi.parse_flag_id(f, args.year) for f in args.flag]
    row = qi.open_inquiry(store, actor, flags, questions=_text(args.questions) or "", dept_code=args.dept,
                          due_date=args.due, as_of=args.as_of)
    _emit(f"已发起询问（草稿） / inquiry opened (draft): {_summary(row)}\n")
    return 0


@_run
def cmd_send(args: argparse.Namespace) -> int:
    row = qi.send(Store(args.data_dir), _actor(args, needed=True), args.inquiry, sent_on=args.on)
    _emit(f"已发出 / sent: {_summary(row)}，发出日期 {row['sent_on']}\n")
    return 0


@_run
def cmd_answer(args: argparse.Namespace) -> int:
    att = None
    if args.file:
        path = Path(args.file).expanduser()
        try:
            size = path.stat().st_size
            if size > qi.MAX_FILE_BYTES:
                raise qi.InquiryError(f"附件过大：{path.name} / the attached file is too large: {path.name}")
            att = qi.Attachment(path.name, path.read_bytes())
        except OSError as exc:
            raise CommandError(f"无法读取 {path}：{exc.strerror} / cannot read {path}") from None
    row = qi.answer(Store(args.data_dir), _actor(args, needed=True), args.inquiry, text=_text(args.text) or "",
                    answered_on=args.on, attachment=att)
    _emit(f"已记录答复 / answer recorded: {_summary(row)}\n")
    return 0


@_run
def cmd_close(args: argparse.Namespace) -> int:
    row = qi.close(Store(args.data_dir), _actor(args, needed=True), args.inquiry, judgement=args.judgement,
                   note=_text(args.note) or "", follow_up=_text(args.follow_up), follow_up_due=args.follow_up_due)
    text = f"已办结 / closed: {_summary(row)}：{qi.JUDGEMENTS[row['judgement']]}"
    if row.get("follow_up"):
        text += f"\n已发起追问（草稿） / follow-up opened (draft): {_summary(row['follow_up'])}"
    _emit(text + "\n")
    return 0


@_run
def cmd_letter(args: argparse.Namespace) -> int:
    from budgetwatch.dashboard.pages.inquiries import letter

    fmt = args.format or ("html" if str(args.output).lower().endswith((".html", ".htm")) else "pdf")
    store = Store(args.data_dir)
    actor = _actor(args, needed=False)
    row = qi.get(store, actor, args.inquiry)
    data = letter.build(row, fmt)
    out = Path(args.output)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    accounts.log_event(store.data_dir, actor.username if actor else (os.environ.get("USER") or "cli"), "export",
                       "inquiry.letter", {"ref": row["ref"], "format": fmt})
    print(f"已生成询问函 {row['ref']} → {out} / letter written", file=sys.stderr)
    return 0
