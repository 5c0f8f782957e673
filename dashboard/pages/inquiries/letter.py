"""询问函 — the inquiry letter, as HTML and as an A4 PDF (printed by the briefing's Chromium).

Laid out like an official letter without a letterhead: the title, the reference number, the
unit addressed, the committee's questions, the flags with their one-sentence explanations and
their evidence tables (the numbers frozen when the inquiry was opened), the due date, the
sender and the date. Every piece of text from people or feeds — questions, unit and payee
names, purposes — goes in through ``html.escape``: it is shown as text, never as markup.
"""
from __future__ import annotations

import datetime as dt
import html
import os
from string import Template
from typing import Any

from budgetwatch.dashboard import format as fmt
from budgetwatch.dashboard.i18n import STRINGS
from budgetwatch.queries.inquiries import STATES
from budgetwatch.queries.rules.base import SEVERITY_CN

SENDER_ENV = "BUDGETWATCH_COMMITTEE_NAME"
DEFAULT_SENDER = "人大常委会预算工作委员会"
ROWS_SHOWN = 40
NUMERALS = "一二三四五六七八九十"
_MONEY = {"amount", "total_assets", "total_liabilities", "owner_equity", "revenue", "profit", "amount_involved",
          "amount_rectified", "book_value", "idle_value", "previous", "current", "spent"}
_SHARE = {"debt_ratio", "idle_share", "observed", "expected"}
_HIDDEN = {"dept_code"}

CSS = """
@page { size: A4; margin: 30mm 26mm 28mm 28mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 12pt; line-height: 1.9;
       color: #111; margin: 0; }
h1 { font-size: 19pt; text-align: center; margin: 0 0 10pt; letter-spacing: 1pt; font-weight: 700; }
.ref { text-align: center; margin: 0 0 18pt; font-family: "Noto Sans CJK SC", sans-serif; font-size: 11pt; }
.to { margin: 0 0 4pt; }
p { margin: 0 0 4pt; text-indent: 2em; text-align: justify; white-space: pre-wrap; }
p.flat { text-indent: 0; }
h2 { font-family: "Noto Sans CJK SC", sans-serif; font-size: 12.5pt; margin: 12pt 0 4pt; text-indent: 2em; }
h3 { font-size: 12pt; margin: 8pt 0 2pt; text-indent: 2em; font-weight: 700; }
table { width: 100%; border-collapse: collapse; margin: 4pt 0 8pt; font-family: "Noto Sans CJK SC", sans-serif;
        font-size: 8.5pt; line-height: 1.4; }
th, td { border: 1px solid #555; padding: 2pt 4pt; vertical-align: top; word-break: break-all; }
th { background: #eee; font-weight: 700; text-align: center; }
td.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
.note { font-family: "Noto Sans CJK SC", sans-serif; font-size: 8.5pt; color: #444; text-indent: 0; }
.sign { margin-top: 28pt; text-align: right; text-indent: 0; line-height: 1.8; }
.stale { color: #8a1c1c; }
footer { margin-top: 24pt; border-top: 1px solid #999; padding-top: 4pt; font-family: "Noto Sans CJK SC", sans-serif;
         font-size: 8pt; color: #555; }
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>$title</title><style>$css</style></head>
<body>
<h1>$title</h1>
<div class="ref">$ref</div>
$body
<footer>$footer</footer>
</body></html>
""")


def _e(value: Any) -> str:
    return html.escape(fmt.text(value))


def cn_date(day: Any) -> str:
    """2026-12-02 → 2026年12月2日."""
    if not day:
        return "—"
    d = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def numeral(i: int) -> str:
    return NUMERALS[i] if i < len(NUMERALS) else str(i + 1)


def sender() -> str:
    return os.environ.get(SENDER_ENV, "").strip() or DEFAULT_SENDER


def title_of(row: dict) -> str:
    kind = "追问函" if row.get("parent") else "询问函"
    return f"关于{row['dept_name'] or row['dept_code']}{row['year']}年预算执行有关问题的{kind}"


def _label(column: str) -> str:
    entry = STRINGS.get(f"ev.{column}")
    return entry["zh"] if entry else column


def _cell(column: str, value: Any) -> tuple[str, str]:
    if fmt.missing(value):
        return "—", ""
    if column in _MONEY:
        return f"{fmt.cell(value):,.2f}", "num"
    if column in _SHARE:
        return f"{float(value) * 100:.1f}%", "num"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip("."), "num"
    return _e(str(value)[:10] if column.endswith("date") or column == "deadline" else value), ""


def evidence_table(ev: dict) -> str:
    """The frozen evidence rows as a table (money in 万元); '' when there are none."""
    cols = [c for c in ev.get("columns") or [] if c not in _HIDDEN]
    rows = ev.get("rows") or []
    if not cols or not rows:
        return ""
    index = {c: i for i, c in enumerate(ev["columns"])}
    head = "".join(f"<th>{html.escape(_label(c))}{'（万元）' if c in _MONEY else ''}</th>" for c in cols)
    body = []
    for r in rows[:ROWS_SHOWN]:
        cells = [_cell(c, r[index[c]]) for c in cols]
        body.append("<tr>" + "".join(f'<td class="{cls}">{text}</td>' for text, cls in cells) + "</tr>")
    total = int(ev.get("total_rows") or len(rows))
    more = f'<p class="note">共{total}条，列出前{min(ROWS_SHOWN, len(rows))}条。</p>' if total > ROWS_SHOWN else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _budget_line(ev: dict) -> str:
    extra = ev.get("extra") or {}
    if ev.get("kind") != "budget_line" or extra.get("budget") is None:
        return ""
    line = extra.get("line") or {}
    return (f'<p class="note">预算指标：功能科目{_e(line.get("func_code"))}、经济科目{_e(line.get("econ_code"))}、'
            f'{_e(line.get("fund_type"))}；调整预算{fmt.money(extra.get("budget"))}，截至{_e(extra.get("as_of"))}'
            f'已支出{fmt.money(extra.get("spent"))}。</p>')


def to_html(row: dict, *, live: set[tuple[str, str, int]] | None = None) -> str:
    """The letter for one inquiry (``queries.inquiries.get``). ``live``, when given, holds the
    flags firing at the current data; the others are marked as no longer firing."""
    unit = row["dept_name"] or row["dept_code"]
    flags = row.get("flags") or []
    intro = (f"根据预算联网监督工作安排，本委员会在对{row['year']}年预算执行情况的联网监督中发现以下情况"
             f"（共{len(flags)}条预警），现函请你单位予以说明。")
    if row.get("parent"):
        intro = (f"你单位对本委员会{_e(row['parent']['ref'])}的答复经审议不满意。根据预算联网监督工作安排，"
                 f"现就以下情况再次函询，请予以进一步说明。")
    parts = [f'<p class="flat to">{_e(unit)}：</p>', f"<p>{intro if row.get('parent') else _e(intro)}</p>",
             "<h2>一、请说明的问题</h2>"]
    for para in [x for x in str(row.get("questions") or "").split("\n") if x.strip()]:
        parts.append(f"<p>{_e(para.strip())}</p>")
    parts.append("<h2>二、相关预警及数据</h2>")
    for i, f in enumerate(flags):
        sev = SEVERITY_CN.get(f.get("severity") or "", "")
        gone = ""
        if live is not None and (f["rule"], f["entity_key"], int(f["year"])) not in live:
            gone = '<span class="stale">（按当前数据已不再触发）</span>'
        parts.append(f"<h3>（{numeral(i)}）{_e(f.get('title') or f['rule'])}"
                     f"{'·' + html.escape(sev) if sev else ''}{gone}</h3>")
        parts.append(f"<p>{_e(f.get('message'))}。</p>" if not str(f.get("message") or "").endswith("。")
                     else f"<p>{_e(f.get('message'))}</p>")
        ev = f.get("evidence") or {}
        parts.append(_budget_line(ev))
        parts.append(evidence_table(ev))
        parts.append(f'<p class="note">预警编号：{_e(f["rule"])} {_e(f["entity_key"])}（{f["year"]}年，'
                     f'数据截至{_e(f.get("as_of"))}）。</p>')
    parts.append("<h2>三、答复要求</h2>")
    parts.append(f"<p>请你单位于{cn_date(row['due_date'])}前将书面答复及相关证明材料报送本委员会。"
                 f"逾期未答复的，本委员会将予以督办。</p>")
    parts.append(f'<p class="sign">{html.escape(sender())}<br>{cn_date(row.get("sent_on") or dt.date.today())}</p>')
    body = "\n".join(p for p in parts if p)
    footer = (f"{_e(row['ref'])} · 状态：{STATES.get(row['state'], row['state'])} · 所附预警及数据为发起询问时"
              f"（{_e(str(row.get('created_at'))[:16])}）的数据，此后数据更新不改变本函内容。"
              f" · budgetwatch 生成于 {dt.datetime.now():%Y-%m-%d %H:%M}")
    return PAGE.substitute(title=_e(title_of(row)), css=CSS, ref=_e(row["ref"]), body=body, footer=footer)


def to_pdf(html_text: str) -> bytes:
    from budgetwatch.dashboard.briefing import to_pdf as print_pdf
    return print_pdf(html_text)


def build(row: dict, fmt_: str, *, live: set[tuple[str, str, int]] | None = None) -> bytes:
    """The letter as ``pdf`` or ``html`` bytes (the CLI and the page's route call this)."""
    text = to_html(row, live=live)
    return to_pdf(text) if fmt_ == "pdf" else text.encode("utf-8")


def file_name(row: dict, ext: str) -> str:
    return f"budgetwatch_inquiry_{row['seq_year']}_{row['seq']:03d}.{ext}"
