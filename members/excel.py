"""Excel (.xlsx) in and out: the roster and dues templates, reading an
uploaded workbook into typed rows with cell-level errors, the error report
(the upload again, every bad cell filled red with the reason as a comment),
and the roster export (write-only, ID numbers masked unless revealed).

Parsing only: what a row means is decided by the services the import calls
(`members.services.imports`), so a row is checked exactly like a form."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from . import idnumbers
from .models import Member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
ERROR_COLUMN = "错误说明"  # the report's own column; ignored when a report is uploaded again
BRANCH_COLUMN = "所在党支部"  # written by the export; on import it must name the branch imported into

TEXT, DATE, MONTH, CHOICE, BOOL, DECIMAL, ID = "text", "date", "month", "choice", "bool", "decimal", "id"
YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", ""}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    choices: tuple = ()  # (value, label) pairs; a cell may hold the label or the value
    max_length: int | None = None
    width: int = 14
    example: object = ""
    hint: str = ""

    @property
    def title(self) -> str:
        return f"{self.header}*" if self.required else self.header


def _labels(choices) -> tuple:
    return tuple((value, str(label)) for value, label in choices)


ROSTER_STATUSES = [(v, label) for v, label in Member.Status.choices if v not in Member.LEFT_STATUSES]

ROSTER_COLUMNS = (
    Column("name", "姓名", required=True, max_length=50, width=10, example="张建国"),
    Column("gender", "性别", CHOICE, required=True, choices=_labels(Member.Gender.choices), width=6, example="男"),
    Column("ethnicity", "民族", max_length=20, width=8, example="汉族"),
    Column("birth_date", "出生日期", DATE, required=True, width=12, example=date(1985, 6, 15)),
    Column("id_number", "身份证号", ID, width=21, example="110101198506150019", hint="18位，请以文本格式填写"),
    Column("native_place", "籍贯", max_length=50, example="湖北襄阳"),
    Column("education", "学历", CHOICE, choices=_labels(Member.Education.choices), width=10, example="大学本科"),
    Column("phone", "联系电话", max_length=30, width=14, example="13800000000"),
    Column("work_unit", "工作单位", max_length=100, width=20, example="市发展和改革委员会"),
    Column("post", "职务/岗位", max_length=60, example="科员"),
    Column(
        "category",
        "人员类别",
        CHOICE,
        required=True,
        choices=_labels(Member.Category.choices),
        width=10,
        example="在岗职工",
    ),
    Column("status", "状态", CHOICE, required=True, choices=_labels(ROSTER_STATUSES), width=12, example="正式党员"),
    Column("application_date", "申请入党日期", DATE, width=12, example=date(2008, 3, 1)),
    Column("activist_date", "确定积极分子日期", DATE, width=12, example=date(2008, 9, 1)),
    Column("candidate_date", "确定发展对象日期", DATE, width=12, example=date(2009, 10, 1)),
    Column("join_date", "入党日期", DATE, width=12, example=date(2010, 7, 1)),
    Column("full_member_date", "转正日期", DATE, width=12, example=date(2011, 7, 1)),
    Column("party_group", "党小组", max_length=60, example="第一党小组"),
    Column("is_mobile", "流动党员", BOOL, width=8, example="否"),
    Column("remarks", "备注", width=20),
)

DUES_COLUMNS = (
    Column("name", "姓名", required=True, max_length=50, width=10, example="张建国"),
    Column(
        "id_number", "身份证号", ID, width=21, example="110101198506150019", hint="与名册核对；本支部有同名党员时必填"
    ),
    Column("month", "月份", MONTH, required=True, width=10, example="2026-03"),
    Column("base_pay", "月工资收入", DECIMAL, width=12, example="4500.00", hint="按比例交纳的党员必填"),
    Column("fixed_amount", "固定金额", DECIMAL, width=10, hint="农牧渔民等按固定金额交纳时可填（0.2–1元）"),
    Column("amount_paid", "实交金额", DECIMAL, width=10, example="45.00", hint="未交纳留空"),
    Column("extra", "自愿多交", DECIMAL, width=10),
    Column("exempt", "经批准免交", BOOL, width=10, example="否"),
    Column("paid_on", "交纳日期", DATE, width=12, example=date(2026, 3, 10)),
    Column("receipt_no", "票据号", max_length=40, width=12),
    Column("note", "备注", max_length=200, width=20),
)

DATASETS = {"roster": ROSTER_COLUMNS, "dues": DUES_COLUMNS}
TITLES = {"roster": gettext_lazy("党员名册"), "dues": gettext_lazy("党费台账")}


# --------------------------------------------------------------------------- errors


@dataclass
class CellError:
    row: int  # Excel row number (1 = the header row); 0: the file as a whole
    column: str  # header, or "" for the row / the file
    message: str
    col: int | None = None  # 1-based column index in the upload

    @property
    def cell(self) -> str:
        if not self.row:
            return ""
        return f"{get_column_letter(self.col)}{self.row}" if self.col else str(self.row)

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "cell": self.cell, "message": self.message}

    def __str__(self) -> str:
        if not self.row:
            return self.message
        where = _("第%(row)s行") % {"row": self.row}
        return f"{where}“{self.column}”：{self.message}" if self.column else f"{where}：{self.message}"


class FileRejected(Exception):
    """The upload as a whole cannot be read (not an xlsx, empty, wrong columns)."""

    def __init__(self, errors: list[CellError], sheet: Sheet | None = None):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors
        self.sheet = sheet


@dataclass
class Row:
    number: int  # Excel row number
    raw: list  # cell values as read
    values: dict = field(default_factory=dict)  # key → typed value (or None)
    errors: list[CellError] = field(default_factory=list)


@dataclass
class Sheet:
    headers: list[str]  # as in the upload
    columns: dict[str, int]  # key → 1-based column index
    rows: list[Row]


# --------------------------------------------------------------------------- templates


def template(dataset: str) -> bytes:
    """An empty workbook to fill in: required headers marked * (in red), drop-down
    lists for the choices, text format for ID numbers and text columns, and a
    notes sheet with what each column takes and an example."""
    columns = DATASETS[dataset]
    wb = Workbook()
    ws = wb.active
    ws.title = str(TITLES[dataset])
    ws.append([c.title for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        head = ws.cell(row=1, column=index)
        head.font = Font(bold=True, color="C8161D" if column.required else "000000")
        head.fill = HEADER_FILL
        head.alignment = Alignment(horizontal="center")
        if column.hint:
            head.comment = Comment(column.hint, "系统")
        if column.kind in (ID, TEXT, MONTH):
            ws.column_dimensions[letter].number_format = "@"  # Excel keeps 18-digit ID numbers as typed
        elif column.kind == DATE:
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if column.kind in (CHOICE, BOOL):
            options = [label for _v, label in column.choices] if column.kind == CHOICE else ["是", "否"]
            rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=not column.required)
            rule.error = _("请从下拉列表中选择。")
            rule.errorTitle = column.header
            ws.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}1001")
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(_("填写说明"))
    for line in (
        _("1. 带 * 的列必须填写；数据从第2行开始，每行一人（党费台账每行一人一月）。"),
        _("2. 日期格式为 2024-03-01（也可用 2024/3/1 或 Excel 日期）；月份格式为 2026-03。"),
        _("3. 身份证号须为18位，请保持文本格式，以免末几位被 Excel 改写。"),
        _("4. 有任何一行出错时整个文件都不会导入；请下载错误报告，按标红的单元格修改后重新上传。"),
        _("5. 表头请勿修改；错误报告中的“错误说明”列导入时会被忽略。"),
        "",
    ):
        notes.append([line])
    notes.append([_("列"), _("必填"), _("可填内容"), _("示例")])
    for column in columns:
        if column.kind == CHOICE:
            allowed = "、".join(label for _v, label in column.choices)
        elif column.kind == BOOL:
            allowed = _("是 / 否")
        else:
            allowed = column.hint
        example = column.example.isoformat() if isinstance(column.example, date) else column.example
        notes.append([column.header, _("是") if column.required else "", allowed, example])
    for letter, width in zip("ABCD", (20, 6, 60, 24), strict=True):
        notes.column_dimensions[letter].width = width
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reading


def _header_key(text) -> str:
    return re.sub(r"[\s*＊]", "", str(text or ""))


def read(upload, dataset: str, *, max_rows: int, max_bytes: int) -> Sheet:
    """The first sheet of an uploaded .xlsx as typed rows; a file that cannot be
    read, is empty or has the wrong columns raises FileRejected."""
    columns = DATASETS[dataset]
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise FileRejected([CellError(0, "", _("文件过大（最大%(mb)sMB）。") % {"mb": max_bytes // (1024 * 1024)})])
    if name.lower().endswith(".xls"):
        raise FileRejected([CellError(0, "", _("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后上传。"))])
    try:
        upload.seek(0)
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise FileRejected(
            [CellError(0, "", _("文件不是有效的 Excel 工作簿（.xlsx），请使用下载的模板填写。"))]
        ) from None
    try:
        ws = wb.worksheets[0]
        data = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    while data and all(v in (None, "") for v in data[-1]):
        data.pop()
    if not data:
        raise FileRejected([CellError(0, "", _("文件是空的：第一个工作表中没有表头和数据。"))])
    headers = [str(v).strip() if v is not None else "" for v in data[0]]
    while headers and not headers[-1]:
        headers.pop()
    by_header = {_header_key(c.header): c for c in columns}
    found: dict[str, int] = {}
    errors: list[CellError] = []
    for index, text in enumerate(headers, start=1):
        key = _header_key(text)
        if not key or key in (ERROR_COLUMN,) or (dataset == "roster" and key == BRANCH_COLUMN):
            if key == BRANCH_COLUMN:
                found["__branch__"] = index
            continue
        column = by_header.get(key)
        if column is None:
            errors.append(CellError(1, text, _("无法识别的列，请使用模板中的表头。"), index))
        elif column.key in found:
            errors.append(CellError(1, text, _("该列重复出现。"), index))
        else:
            found[column.key] = index
    missing = [c.header for c in columns if c.required and c.key not in found]
    if missing:
        errors.append(CellError(1, "", _("缺少必填列：%(cols)s。") % {"cols": "、".join(missing)}, 1))
    rows = [
        Row(number=i, raw=list(values) + [None] * (len(headers) - len(values)))
        for i, values in enumerate(data[1:], start=2)
        if any(v not in (None, "") and str(v).strip() for v in values)
    ]
    sheet = Sheet(headers=headers, columns=found, rows=rows)
    if errors:
        raise FileRejected(errors, sheet)
    if not rows:
        raise FileRejected([CellError(0, "", _("文件中没有数据行（第1行是表头，数据从第2行开始）。"))], sheet)
    if len(rows) > max_rows:
        raise FileRejected([CellError(0, "", _("一次最多导入%(n)s行，请分批导入。") % {"n": max_rows})], sheet)
    for row in rows:
        _parse_row(row, columns, found)
    return sheet


def _parse_row(row: Row, columns, found: dict[str, int]) -> None:
    for column in columns:
        index = found.get(column.key)
        raw = row.raw[index - 1] if index and index - 1 < len(row.raw) else None
        if isinstance(raw, str):
            raw = raw.strip()
        if raw in (None, ""):
            row.values[column.key] = None if column.kind != BOOL else False
            if column.required:
                row.errors.append(CellError(row.number, column.header, _("必须填写。"), index))
            continue
        try:
            row.values[column.key] = PARSERS[column.kind](raw, column)
        except ValueError as exc:
            row.values[column.key] = None
            row.errors.append(CellError(row.number, column.header, str(exc), index))
    if "__branch__" in found:
        row.values["__branch__"] = row.raw[found["__branch__"] - 1]


def _text(value, column: Column) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.strftime("%Y-%m-%d")
    text = str(value).strip()
    if column.max_length and len(text) > column.max_length:
        raise ValueError(_("不能超过%(n)s个字。") % {"n": column.max_length})
    return text


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月", "%Y%m")


def _date(value, column: Column) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return from_excel(value).date()
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("日期格式不正确，应为 2024-03-01。"))


def _month(value, column: Column) -> date:
    if isinstance(value, datetime | date) or isinstance(value, int | float):
        try:
            return _date(value, column).replace(day=1)
        except ValueError:
            pass
    text = str(value).strip()
    for fmt in MONTH_FORMATS + DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().replace(day=1)
        except ValueError:
            continue
    raise ValueError(_("月份格式不正确，应为 2026-03。"))


def _choice(value, column: Column) -> str:
    text = str(value).strip()
    for code, label in column.choices:
        if text in (label, code):
            return code
    raise ValueError(_("应为以下之一：%(options)s。") % {"options": "、".join(label for _c, label in column.choices)})


def _bool(value, column: Column) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("应填“是”或“否”。"))


def _decimal(value, column: Column) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(_("应为金额数字。"))
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise ValueError(_("应为金额数字，如 4500.00。")) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(_("金额不能为负数。"))
    if amount != amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):  # input: more than 分 is refused
        raise ValueError(_("金额最多保留两位小数（到分）。"))
    return amount


def _id_number(value, column: Column) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(_("身份证号被 Excel 存成了数字，末几位可能已改变：请把该列设为文本格式后重新填写。"))
    try:
        return idnumbers.validate_id_number(str(value))
    except Exception as exc:  # django ValidationError: messages in Chinese
        raise ValueError(" ".join(getattr(exc, "messages", [str(exc)]))) from None


PARSERS = {TEXT: _text, DATE: _date, MONTH: _month, CHOICE: _choice, BOOL: _bool, DECIMAL: _decimal, ID: _id_number}


# --------------------------------------------------------------------------- the error report


def _display(value):
    if isinstance(value, datetime):
        return value.date()
    return value


def error_report(sheet: Sheet | None, errors: list[CellError], dataset: str) -> bytes:
    """The upload again with every bad cell filled red and its reason as a
    comment, the reasons of each row in an extra column, and a list of all
    errors on a second sheet. Fix the cells and upload the report itself."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(TITLES[dataset])
    by_row: dict[int, list[CellError]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e)
    if sheet is not None:
        headers = list(sheet.headers)
        ws.append([*headers, ERROR_COLUMN])
        for index in range(1, len(headers) + 2):
            ws.cell(row=1, column=index).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(index)].width = 14
        ws.column_dimensions[get_column_letter(len(headers) + 1)].width = 60
        for e in by_row.get(1, []):
            cell = ws.cell(row=1, column=e.col or 1)
            cell.fill = ERROR_FILL
            cell.comment = Comment(e.message, "系统")
        if by_row.get(1):
            ws.cell(row=1, column=len(headers) + 1).value = "；".join(str(e) for e in by_row[1])
        out_row = 2
        for row in sheet.rows:
            values = [_display(v) for v in row.raw[: len(headers)]]
            ws.append(
                [
                    *values,
                    "；".join(
                        e.message if not e.column else f"{e.column}：{e.message}" for e in by_row.get(row.number, [])
                    ),
                ]
            )
            for e in by_row.get(row.number, []):
                cell = ws.cell(row=out_row, column=e.col or 1)
                cell.fill = ERROR_FILL
                cell.comment = Comment(e.message, "系统")
            for index, value in enumerate(values, start=1):
                if isinstance(value, date):
                    ws.cell(row=out_row, column=index).number_format = "yyyy-mm-dd"
                elif isinstance(value, str):
                    ws.cell(row=out_row, column=index).number_format = "@"
            out_row += 1
        ws.freeze_panes = "A2"
    summary = wb.create_sheet(_("错误清单")) if sheet is not None else ws
    if sheet is None:
        ws.title = _("错误清单")
    summary.append([_("行"), _("单元格"), _("列"), _("错误")])
    for e in errors:
        summary.append([e.row or "", e.cell, e.column, e.message])
    summary.column_dimensions["D"].width = 80
    return _save(wb)


# --------------------------------------------------------------------------- export


def _cell_value(member: Member, column: Column, reveal: bool):
    if column.key == "id_number":
        return member.id_number if reveal else member.id_number_masked
    if column.key == "party_group":
        return member.party_group.name if member.party_group_id else ""
    if column.key == "is_mobile":
        return "是" if member.is_mobile else "否"
    value = getattr(member, column.key)
    if column.kind == CHOICE:
        return dict(column.choices).get(value, "") if value else ""
    return value if value is not None else ""


def export_roster(members: Iterable[Member], *, reveal: bool) -> bytes:
    """The roster in the import layout (plus 所在党支部), streamed through a
    write-only workbook. ID numbers are masked unless `reveal` (the caller
    checked and audited the right)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(TITLES["roster"]))
    columns = ROSTER_COLUMNS
    for index, width in enumerate([18, *(c.width for c in columns)], start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for title in [BRANCH_COLUMN, *(c.header for c in columns)]:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for member in members:
        row = [member.branch.name]
        for column in columns:
            value = _cell_value(member, column, reveal)
            if column.kind == DATE and value:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd"
                row.append(cell)
            else:
                row.append(value)
        ws.append(row)
    return _save(wb)
