"""What is wrong with a file, said so a person can fix it: file, row, column, value, why (中文/English)."""
from __future__ import annotations

from dataclasses import dataclass

from budgetwatch.errors import BudgetwatchError

# code -> (中文, English); {placeholders} filled from Problem.detail.
MESSAGES: dict[str, tuple[str, str]] = {
    "empty_file": ("文件为空", "the file is empty"),
    "no_file": ("找不到文件", "file not found"),
    "binary": ("不是CSV或Excel文件（二进制内容）", "not a CSV or Excel file (binary content)"),
    "text_as_excel": ("扩展名是{ext}，但内容是文本（CSV）；请改名为 .csv 后再导入",
                      "named {ext} but the content is text (CSV); rename it to .csv and load again"),
    "excel_as_text": ("扩展名是{ext}，但内容是Excel工作簿；请改名为 .xlsx 后再导入",
                      "named {ext} but the content is an Excel workbook; rename it to .xlsx and load again"),
    "html_as_excel": ("内容是网页（HTML），不是Excel文件；请用Excel打开后另存为 .xlsx",
                      "the content is a web page (HTML), not an Excel file; open it in Excel and save as .xlsx"),
    "bad_excel": ("无法读取Excel文件：{reason}", "cannot read the Excel file: {reason}"),
    "xlsx_too_big": ("Excel工作簿解压后有{size} MB，超过上限{limit} MB，未读取；请把数据拆成几个较小的文件，"
                     "或另存为CSV后再导入",
                     "the Excel workbook unzips to {size} MB, over the {limit} MB limit, and was not read: split "
                     "the data into smaller files, or save it as CSV, and load again"),
    "xlsx_bomb": ("Excel工作簿中的“{member}”压缩比异常（{ratio}倍，上限{limit}倍），可能是恶意构造的文件，未读取；"
                  "请用Excel打开检查后另存为CSV再导入",
                  "the part '{member}' of the Excel workbook is compressed {ratio} times (limit {limit}), as "
                  "crafted files are, and was not read: open it in Excel, check it, save it as CSV and load again"),
    "no_sheet": ("找不到工作表“{sheet}”；现有：{sheets}", "no sheet named '{sheet}'; the workbook has: {sheets}"),
    "bad_encoding": ("无法识别文件编码（不是UTF-8或GB18030），第{byte}字节附近",
                     "cannot decode the file (neither UTF-8 nor GB18030) near byte {byte}"),
    "bad_encoding_at": ("这一行无法按{enc}解码（第{byte}字节附近）；请用Excel或记事本把文件另存为UTF-8编码的CSV后再导入",
                        "this row cannot be decoded as {enc} (near byte {byte}): save the file as a UTF-8 CSV "
                        "(Excel or Notepad: Save As) and load again"),
    "mixed_encoding": ("文件开头是UTF-8编码，但从这一行起不是（可能是GB18030，例如从另一个文件粘贴而来）；"
                       "请把整个文件另存为同一种编码（UTF-8或GB18030）后再导入",
                       "the file starts in UTF-8 but from this row on it is not (probably GB18030, e.g. pasted "
                       "from another file): save the whole file in one encoding (UTF-8 or GB18030) and load again"),
    "bom_mixed": ("文件以UTF-8标记（BOM）开头，但从这一行起不是UTF-8（可能是GB18030）；"
                  "请把整个文件另存为同一种编码（UTF-8或GB18030）后再导入",
                  "the file starts with a UTF-8 byte-order mark but from this row on it is not UTF-8 (probably "
                  "GB18030): save the whole file in one encoding (UTF-8 or GB18030) and load again"),
    "line_too_long": ("从这一行起的一行或一个单元格过长（超过{limit}个字符），通常是引号未闭合，或文件不是CSV；"
                      "请检查这一行的引号（\"）后再导入",
                      "a line or cell starting at this row is too long (over {limit} characters) — usually an "
                      "unclosed quote (\"), or the file is not a CSV: check the quotes in this row and load again"),
    "bad_csv": ("CSV格式错误（{reason}）；请检查这一行的引号和分隔符后再导入",
                "malformed CSV ({reason}): check the quotes and separators in this row and load again"),
    "read_failed": ("读取或导入此文件时出错（{reason}），数据未作任何改动；请检查文件是否完整、能否用Excel打开，"
                    "如仍失败请联系系统管理员",
                    "reading or loading this file failed ({reason}); nothing was changed. Check that the file "
                    "is complete and opens in Excel; if it keeps failing, tell the system administrator"),
    "no_header": ("前{n}行中找不到表头；应包含：{expected}",
                  "no header row in the first {n} rows; expected columns such as: {expected}"),
    "no_header_sheet": ("工作表“{sheet}”前{n}行中找不到表头；应包含：{expected}。其他工作表：{others}（可用 --sheet 指定）",
                        "no header row in the first {n} rows of sheet '{sheet}'; expected columns such as: "
                        "{expected}. Other sheets: {others} (choose one with --sheet)"),
    "missing_column": ("缺少必需列“{cn}”（{name}）", "required column '{name}' ({cn}) is missing"),
    "duplicate_column": ("列“{cn}”出现多次（第{cols}列）", "column '{name}' appears more than once (columns {cols})"),
    "no_rows": ("表头下没有数据行", "there are no data rows under the header"),
    "ragged": ("本行有{found}个单元格，表头只有{expected}列", "the row has {found} cells but the header has {expected}"),
    "required": ("必填项为空", "required value is empty"),
    "bad_amount": ("不是有效金额", "not a valid amount"),
    "bad_number": ("不是有效数字", "not a valid number"),
    "bad_date": ("不是有效日期", "not a valid date"),
    "bad_year": ("不是有效年度", "not a valid year"),
    "bad_digits": ("应为{digits}位数字", "must be {digits_en} digits"),
    "bad_length": ("应为{length}位", "must be {length} characters long"),
    "bad_enum": ("应为以下之一：{allowed}", "must be one of: {allowed}"),
    "negative": ("不能为负数", "must not be negative"),
    "zero": ("不能为0", "must not be zero"),
    "too_large": ("金额超出范围", "amount out of range"),
    "duplicate_key": ("与第{rows}行的关键字段（{key}）重复", "same key ({key}) as row(s) {rows}"),
    "bad_bool": ("应为“是”或“否”", "must be yes or no (是/否)"),
    "bad_percent": ("应为0到100之间的百分数（如45%）", "must be a percentage from 0 to 100 (e.g. 45%)"),
    "bad_count": ("应为整数", "must be a whole number"),
    "unknown_ref": ("编码{ref_code}在{feed_cn}中不存在（请先导入{feed_cn}，或在同一次导入中一并导入）",
                    "code {ref_code} is not in {feed} (load {feed} first, or in the same load)"),
    "finish_before_start": ("计划完工日期早于计划开工日期", "planned finish is before planned start"),
    "present_over_members": ("实到人数多于应到人数", "more present than members"),
    "votes_over_present": ("满意、基本满意、不满意和弃权票合计多于实到人数",
                           "the votes (satisfied, basically, unsatisfied, abstained) add up to more than those present"),
    "unknown_parent": ("上级编码{parent}在预算单位中不存在", "parent code {parent} is not a known unit"),
    "disagree": ("与第{rows}行的{cn}不一致：同一{group}的各行应相同",
                 "differs from the {name} of row(s) {rows}: every row of one {group_en} must give the same value"),
    "disagree_held": ("与已导入的{held}行的{cn}（{held_value}元）不一致：同一{group}的各行应相同；如需更正，请在同一文件中提供该{group}的全部行",
                      "differs from the {name} held on the {held} row ({held_value} yuan): every row of one {group_en} "
                      "must give the same value; to correct it, load all its rows in one file"),
}


@dataclass(frozen=True)
class Problem:
    file: str
    code: str
    row: int | None = None       # as a person counts rows in the file (1 = first line / sheet row 1)
    column: str | None = None    # the header as written in the file
    value: str | None = None
    detail: tuple[tuple[str, str], ...] = ()

    @property
    def zh(self) -> str:
        return MESSAGES[self.code][0].format(**dict(self.detail))

    @property
    def en(self) -> str:
        return MESSAGES[self.code][1].format(**dict(self.detail))

    def where(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"第{self.row}行 row {self.row}")
        if self.column:
            parts.append(f"列 column “{self.column}”")
        return ", ".join(parts)

    def line(self) -> str:
        value = "" if self.value is None else f" 值 value “{_clip(self.value)}”:"
        return f"{self.where()}:{value} {self.zh} / {self.en}"

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "value": self.value,
                "code": self.code, "message_zh": self.zh, "message_en": self.en}


def problem(file: str, code: str, row: int | None = None, column: str | None = None,
            value: str | None = None, **detail: object) -> Problem:
    return Problem(file, code, row, column, value, tuple((k, str(v)) for k, v in detail.items()))


class Refused(BudgetwatchError):
    """The whole file is refused; nothing of it is applied."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.line() for p in problems))
        self.problems = problems


def _clip(text: str, n: int = 60) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"
