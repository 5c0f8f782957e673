"""`budgetwatch flags`, `budgetwatch rules`, `budgetwatch review`: warnings and their review.

    budgetwatch flags --year 2025 [--as-of 2025-06-30] [--format csv|json|table] [--lang zh|en]
                      [--output FILE] [--config FILE] [--rule ID ...]
                      [--engine duckdb|spark [--lake PATH] [--spark-master URL]]
    budgetwatch rules [--config FILE] [--format table|json]
    budgetwatch review --rule ID --key KEY --year YEAR --status confirmed|dismissed|referred
                       [--note TEXT] [--by NAME]
    budgetwatch review --list [--year YEAR] [--history]

The CSV of ``flags`` starts with the stable columns
``rule,severity,entity_type,entity_key,year,amount,message`` (other tools read them), then
title, dept_code, state, review_status, reviewer, reviewed_at, review_note, evidence, as_of,
message_en (the same sentence in English, with the same numbers). ``--lang en`` prints the
table in English.
"""
from __future__ import annotations

import argparse
import getpass
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from budgetwatch.errors import BudgetwatchError
from budgetwatch.cli import add_data_dir
from budgetwatch.dashboard import formula_guard
from budgetwatch.queries import flags as qflags
from budgetwatch.queries import reviews as rv
from budgetwatch.queries import state
from budgetwatch.queries.rules import RULES, compute_flags, fmt_wan
from budgetwatch.queries.rules.base import SEVERITY_CN, RuleError, fmt_wan_en
from budgetwatch.queries.rules.engine import select_rules
from budgetwatch.queries.rules.config import load_thresholds
from budgetwatch.queries.store import QueryError, Store

CSV_COLUMNS = ("rule", "severity", "entity_type", "entity_key", "year", "amount", "message",
               "title", "dept_code", "state", "review_status", "reviewer", "reviewed_at",
               "review_note", "evidence", "as_of", "message_en")
_SEV_MARK = {"high": "红", "medium": "橙", "low": "黄"}
_SEV_MARK_EN = {"high": "R", "medium": "O", "low": "Y"}
_ERRORS = (RuleError, rv.ReviewError, QueryError)


class CommandError(BudgetwatchError, RuntimeError):
    """One sentence in Chinese and English for the person at the terminal."""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "flags", help="预警：按年度计算并列出全部预警 / compute and list the warning flags of a year",
        description="计算一个年度的全部预警（含复核状态） / compute every warning flag of a year, "
                    "with its review status")
    p.add_argument("--year", type=int, required=True, help="年度 / budget year")
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help="截止日期 YYYY-MM-DD（默认：该年最后支付日期） / as-of date "
                        "(default: the latest payment date of the year)")
    p.add_argument("--format", choices=("csv", "json", "table"),
                   help="输出格式（终端默认 table，否则 csv） / output format (table on a terminal, else csv)")
    p.add_argument("--output", "-o", metavar="FILE", help="写入文件而不是标准输出 / write to FILE")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="表格的语言（CSV、JSON 两种说明都有） / the table's language (CSV and JSON carry both messages)")
    p.add_argument("--config", metavar="FILE", help="阈值配置文件（TOML） / thresholds file (TOML)")
    p.add_argument("--rule", action="extend", nargs="+", metavar="ID",
                   help="只计算这些规则 / only these rules")
    p.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                   help="计算引擎：duckdb（默认，当前数据）或 spark（数据湖） / engine: duckdb (default, the live "
                        "data) or spark (the lake written by budgetwatch lake export)")
    p.add_argument("--lake", metavar="PATH",
                   help="与 --engine spark 一起：数据湖文件夹（默认 DATA_DIR/lake） / with --engine spark: the lake "
                        "(default DATA_DIR/lake)")
    p.add_argument("--spark-master", dest="spark_master", metavar="URL",
                   help="与 --engine spark 一起：Spark 集群地址（默认 $SPARK_MASTER 或 Spark 配置，否则 local[2]） / "
                        "with --engine spark: the cluster (default $SPARK_MASTER or Spark's configuration, else local[2])")
    add_data_dir(p)
    p.set_defaults(func=cmd_flags)

    p = subparsers.add_parser(
        "rules", help="列出预警规则及现行阈值 / list the warning rules and thresholds in force")
    p.add_argument("--config", metavar="FILE", help="阈值配置文件（TOML） / thresholds file (TOML)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    add_data_dir(p)
    p.set_defaults(func=cmd_rules)

    p = subparsers.add_parser(
        "review", help="复核预警：属实、排除或转交询问 / review a flag: confirmed, dismissed or referred",
        description="记录对一条预警的复核结论，或用 --list 列出复核记录 / record the review of a "
                    "flag, or list reviews with --list")
    p.add_argument("--rule", metavar="ID", help="规则编号，如 EXEC_LAG / rule id")
    p.add_argument("--key", metavar="KEY", help="预警对象编码（entity_key） / the flag's entity key")
    p.add_argument("--year", type=int, help="年度 / year")
    p.add_argument("--status", help="confirmed（属实）| dismissed（排除）| referred（转交询问）")
    p.add_argument("--note", default="", help="说明 / note")
    p.add_argument("--by", metavar="NAME", help="复核人（默认 $USER） / reviewer (default $USER)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help="核对预警时使用的截止日期 / as-of date used to look the flag up")
    p.add_argument("--config", metavar="FILE", help="阈值配置文件（TOML） / thresholds file (TOML)")
    p.add_argument("--force", action="store_true",
                   help="即使该预警当前不存在也记录 / record even if the flag does not fire now")
    p.add_argument("--list", action="store_true", help="列出复核记录 / list reviews")
    p.add_argument("--history", action="store_true",
                   help="与 --list 一起：列出全部历史而非每条预警的最新结论 / with --list: every review, "
                            "not just the latest per flag")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    add_data_dir(p)
    p.set_defaults(func=cmd_review)


# -- helpers ------------------------------------------------------------------------------
def _fail(exc: Exception) -> int:
    print(f"错误 / error: {exc}", file=sys.stderr)
    return 2


def _emit(text: str, output: str | None = None) -> None:
    """Write UTF-8 (no BOM) to FILE or standard output, whatever the locale."""
    data = text.encode("utf-8")
    if output:
        try:
            Path(output).expanduser().write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror} / cannot write {output}: "
                               f"{exc.strerror}") from None
        return
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        sys.stdout.write(text)
    else:
        sys.stdout.flush()
        out.write(data)
        out.flush()


def _store(data_dir: str | None) -> Store:
    store = Store(data_dir)
    if store.current_path() is None:
        raise CommandError(f"数据目录 {store.data_dir} 中还没有数据，请先导入 / no data loaded in "
                           f"{store.data_dir} yet: load feeds first")
    return store


def _reviewer(name: str | None) -> str:
    if name:
        return name
    user = os.environ.get("USER") or os.environ.get("USERNAME")
    if not user:
        try:
            user = getpass.getuser()
        except Exception:  # no user name to be found on this machine
            user = ""
    return user or "unknown"


def flags_with_reviews(data_dir: str | None, year: int, as_of: str | None = None,
                       config: str | None = None, rule_ids: list[str] | None = None) -> pd.DataFrame:
    """What ``flags`` prints, as a frame (queries/flags.py; the warnings page calls it too)."""
    return qflags.flags_with_reviews(_store(data_dir), year, as_of, config, rule_ids)


def _csv(frame: pd.DataFrame) -> str:
    out = frame.reindex(columns=list(CSV_COLUMNS)).copy()
    out["amount"] = [("" if pd.isna(v) else f"{float(v):.2f}") for v in out["amount"]]
    out["year"] = out["year"].astype("Int64")
    buf = io.StringIO()
    formula_guard.csv_frame(out).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _json_records(frame: pd.DataFrame, columns: tuple[str, ...]) -> str:
    records = []
    for row in frame.reindex(columns=list(columns)).to_dict("records"):
        rec = {k: (None if (isinstance(v, float) and v != v) or v is pd.NA else v)
               for k, v in row.items()}
        if "evidence" in rec:
            rec["evidence"] = rv.evidence_of(rec)
        if rec.get("amount") is not None:
            rec["amount"] = round(float(rec["amount"]), 2)
        if rec.get("year") is not None:
            rec["year"] = int(rec["year"])
        records.append(rec)
    return json.dumps(records, ensure_ascii=False, indent=1, default=str) + "\n"


def _table_en(frame: pd.DataFrame, year: int) -> str:
    active = frame[frame["state"] == "active"]
    counts = active["severity"].value_counts()
    as_of = next((a for a in active.get("as_of", []) if isinstance(a, str)), None)
    lines = [f"Warnings of {year}" + (f" as of {as_of}" if as_of else "") + f": {len(active)} "
             f"({counts.get('high', 0)} red, {counts.get('medium', 0)} orange, {counts.get('low', 0)} yellow), "
             f"{int(frame['review_status'].notna().sum())} reviewed, {int((frame['state'] == 'resolved').sum())} resolved", ""]
    for row in frame.to_dict("records"):
        review = f"  [{row['review_status']} by {row['reviewer']}]" if isinstance(row.get("review_status"), str) else ""
        gone = "  [resolved]" if row.get("state") == "resolved" else ""
        lines.append(f"[{_SEV_MARK_EN.get(row.get('severity'), '?')}] {row['rule']:<18} {row['entity_key']}  "
                     f"{fmt_wan_en(row['amount'])}{review}{gone}")
        message = row.get("message_en")
        lines.append(f"     {message if isinstance(message, str) and message else row['message']}")
    return "\n".join(lines) + "\n"


def _table(frame: pd.DataFrame, year: int, lang: str = "zh") -> str:
    if frame.empty:
        return f"{year}年没有预警 / no flags for {year}\n"
    if lang == "en":
        return _table_en(frame, year)
    active = frame[frame["state"] == "active"]
    counts = active["severity"].value_counts()
    as_of = next((a for a in active.get("as_of", []) if isinstance(a, str)), None)
    head = (f"{year}年预警" + (f"（截至{as_of}）" if as_of else "") + f"：{len(active)}条"
            f"（红色{counts.get('high', 0)}、橙色{counts.get('medium', 0)}、黄色{counts.get('low', 0)}），"
            f"已复核{int(frame['review_status'].notna().sum())}条，已消除{int((frame['state'] == 'resolved').sum())}条")
    lines = [head, ""]
    for row in frame.to_dict("records"):
        mark = _SEV_MARK.get(row.get("severity"), "?")
        review = ""
        if isinstance(row.get("review_status"), str):
            review = f"  [{rv.STATUSES.get(row['review_status'], row['review_status'])}·{row['reviewer']}]"
        gone = "  [已消除 resolved]" if row.get("state") == "resolved" else ""
        lines.append(f"[{mark}] {row['rule']:<18} {row['entity_key']}  {fmt_wan(row['amount'])}"
                     f"{review}{gone}")
        lines.append(f"     {row['message']}")
    return "\n".join(lines) + "\n"


# -- flags --------------------------------------------------------------------------------
def _spark_flags(args: argparse.Namespace) -> pd.DataFrame:
    """The flags with every generation rule run on Spark over the lake (queries/spark.py)."""
    from budgetwatch.queries import spark as qspark
    from budgetwatch.queries.lake import read_manifest

    store = _store(args.data_dir)
    lake = Path(args.lake).expanduser() if args.lake else store.data_dir / "lake"
    manifest = read_manifest(lake)
    live = store.generation()
    if manifest.get("generation") != live:
        print(f"注意 / note: 数据湖写于第 {manifest.get('generation')} 代，当前为第 {live} 代（重新运行 budgetwatch lake "
              f"export 以更新） / the lake was written from generation {manifest.get('generation')}, the live one is "
              f"{live} (run budgetwatch lake export to refresh it)", file=sys.stderr)
    return qspark.flag_set(store, lake, args.year, args.as_of, args.config, args.rule,
                           master=args.spark_master).frame


def cmd_flags(args: argparse.Namespace) -> int:
    from budgetwatch.queries.lake import LakeError
    from budgetwatch.queries.spark import SparkQueryError, SparkUnavailable

    if args.engine != "spark" and (args.lake or args.spark_master):
        return _fail(CommandError("--lake 与 --spark-master 只用于 --engine spark / --lake and --spark-master "
                                  "go with --engine spark"))
    try:
        if args.engine == "spark":
            frame = _spark_flags(args)
        else:
            frame = flags_with_reviews(args.data_dir, args.year, args.as_of, args.config, args.rule)
        fmt = args.format
        if fmt is None:
            if args.output:
                fmt = "json" if str(args.output).lower().endswith(".json") else "csv"
            else:
                fmt = "table" if sys.stdout.isatty() else "csv"
        if fmt == "csv":
            text = _csv(frame)
        elif fmt == "json":
            text = _json_records(frame, CSV_COLUMNS)
        else:
            text = _table(frame, args.year, getattr(args, "lang", "zh"))
        _emit(text, args.output)
    except (*_ERRORS, CommandError, LakeError, SparkQueryError, SparkUnavailable) as exc:
        return _fail(exc)
    return 0


# -- rules --------------------------------------------------------------------------------
def cmd_rules(args: argparse.Namespace) -> int:
    try:
        thresholds = load_thresholds(Store(args.data_dir).data_dir, args.config)
    except _ERRORS as exc:
        return _fail(exc)
    if args.format == "json":
        out = []
        for rule in RULES:
            settings = thresholds.settings[rule.id]
            out.append({
                "id": rule.id, "title_cn": rule.title_cn, "title_en": rule.title_en,
                "entity_type": rule.entity_type, "severity": rule.severity,
                "enabled": bool(settings["enabled"].value),
                "params": [{"name": s.name, "value": s.value, "default": s.default,
                            "source": s.source, "help_cn": s.help_cn, "help_en": s.help_en}
                           for s in settings.values() if s.name != "enabled"],
            })
        _emit(json.dumps({"files": thresholds.files, "rules": out}, ensure_ascii=False,
                         indent=1) + "\n")
        return 0
    lines = ["阈值来源 / sources: default (defaults.toml)"
             + "".join(f" → {f}" for f in thresholds.files), ""]
    for rule in RULES:
        settings = thresholds.settings[rule.id]
        on = "启用 enabled" if settings["enabled"].value else "停用 DISABLED"
        lines.append(f"{rule.id}  {rule.title_cn} / {rule.title_en}  "
                     f"[{SEVERITY_CN[rule.severity]} {rule.severity}; {on}]")
        for s in settings.values():
            if s.name == "enabled":
                continue
            changed = "" if s.source == "default" else f"  (默认 default {s.default}; 来自 from {s.source})"
            lines.append(f"    {s.name} = {s.value}{changed}")
            lines.append(f"        {s.help_cn} / {s.help_en}")
        lines.append("")
    _emit("\n".join(lines))
    return 0


# -- review -------------------------------------------------------------------------------
def cmd_review(args: argparse.Namespace) -> int:
    try:
        if args.list:
            return _list_reviews(args)
        return _add_review(args)
    except (*_ERRORS, CommandError) as exc:
        return _fail(exc)


def _list_reviews(args: argparse.Namespace) -> int:
    data_dir = Store(args.data_dir).data_dir
    if not state.path_for(data_dir).exists():
        frame = pd.DataFrame()
    elif args.history:
        frame = rv.review_history(data_dir, year=args.year)
    else:
        frame = rv.latest_reviews(data_dir, args.year)
    columns = ("rule", "entity_key", "year", "status", "note", "reviewer", "reviewed_at",
               "flag_message", "flag_message_en")
    if args.format == "json":
        _emit(_json_records(frame, columns))
    elif args.format == "csv":
        buf = io.StringIO()
        formula_guard.csv_frame(frame.reindex(columns=list(columns))).to_csv(buf, index=False, lineterminator="\n")
        _emit(buf.getvalue())
    else:
        if frame.empty:
            _emit("还没有复核记录 / no reviews yet\n")
            return 0
        lines = []
        for r in frame.to_dict("records"):
            lines.append(f"{r['year']} {r['rule']:<18} {r['entity_key']}  "
                         f"{rv.STATUSES[r['status']]}（{r['status']}）  {r['reviewer']}  "
                         f"{r['reviewed_at']}" + (f"  {r['note']}" if r["note"] else ""))
        _emit("\n".join(lines) + "\n")
    return 0


def _add_review(args: argparse.Namespace) -> int:
    missing = [opt for opt, v in (("--rule", args.rule), ("--key", args.key),
                                  ("--year", args.year), ("--status", args.status)) if v is None]
    if missing:
        raise CommandError(f"缺少 {' '.join(missing)}（或用 --list 列出复核） / missing "
                           f"{' '.join(missing)} (or use --list)")
    status = rv.normalize_status(args.status)
    rule = select_rules([args.rule], RULES)[0]
    store = Store(args.data_dir)
    flag: dict[str, Any] | None = None
    if store.current_path() is not None:
        thresholds = load_thresholds(store.data_dir, args.config)
        with store.reader() as con:
            flags = compute_flags(con, args.year, as_of=args.as_of, thresholds=thresholds.values,
                                  rules=[rule.id] if thresholds.enabled(rule.id) else [])
        hit = flags[flags["entity_key"] == str(args.key).strip()]
        if not hit.empty:
            flag = hit.iloc[0].to_dict()
    if flag is None and not args.force:
        earlier = rv.review_history(store.data_dir, rule=rule.id, entity_key=args.key,
                                    year=args.year)
        if earlier.empty:
            raise CommandError(
                f"{args.year}年规则 {rule.id} 没有对象 {args.key} 的预警（确需记录请加 --force） / "
                f"rule {rule.id} has no flag for {args.key} in {args.year} (add --force to record "
                f"it anyway)")
    saved = rv.add_review(store.data_dir, rule.id, args.key, args.year, status, args.note,
                          _reviewer(args.by), flag=flag)
    now = "" if flag is not None else "（该预警当前未触发 / the flag does not fire now）"
    _emit(f"已记录复核 / review recorded: {saved['rule']} {saved['entity_key']} {saved['year']} → "
          f"{rv.STATUSES[saved['status']]}（{saved['status']}），{saved['reviewer']}，"
          f"{saved['reviewed_at']}{now}\n")
    return 0
