"""Excel (.xlsx) files safe against hostile workbooks, for every app.

Reading (`read_sheet`): an .xlsx is a zip of XML parts, so a few kilobytes can
declare a sheet of 17 billion cells (`<dimension ref="A1:XFD1048576"/>`) or
inflate to gigabytes. Before openpyxl opens anything the zip's directory is
checked (total uncompressed size, per-part compression ratio; Python's zipfile
never inflates a part beyond the size it declares); the declared dimension is
never used; the first worksheet is streamed element by element with nothing
kept in the tree, and the row, column and cell-size limits are enforced while
reading: the first row beyond the limit stops the read. Memory is bounded by
the limits, whatever the file claims.

Writing (`append`, `set_value`): a text that starts like a formula
(`=HYPERLINK(...)`, `+`, `-`, `@`, a tab or a carriage return) is written as a
text cell with Excel's quote prefix, never as a live formula; numbers, dates
and booleans are left alone. Every workbook the project writes goes through it.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.functions import iterparse

MB = 1024 * 1024
# Parts that openpyxl parses into objects in one go (not streamed); a legitimate one is a few KB.
EAGER_PARTS = ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml")
EAGER_PART_MAX_BYTES = 5 * MB
MAX_PARTS = 1000
RATIO_FLOOR_BYTES = MB  # a part smaller than this may compress as well as it likes


class Rejected(Exception):
    """The workbook as a whole is refused; str(exc) is the reason, in the reader's language."""


@dataclass(frozen=True)
class Limits:
    max_rows: int  # rows with content after the header row (row 1)
    max_columns: int  # a cell with content beyond this column refuses the file
    max_cell_chars: int
    max_uncompressed_bytes: int
    max_compression_ratio: int


@dataclass
class SheetData:
    header: list  # row 1's values, trailing empty cells dropped
    rows: list[tuple[int, list]]  # (Excel row number, values) of each later row with content


def _invalid() -> Rejected:
    return Rejected(_("文件不是有效的 Excel 工作簿（.xlsx），请使用下载的模板填写。"))


def check_archive(upload, limits: Limits) -> None:
    """Refuse a zip that would inflate beyond the limits, reading only its directory."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _invalid() from None
    total = sum(p.file_size for p in parts)
    if len(parts) > MAX_PARTS or total > limits.max_uncompressed_bytes:
        raise Rejected(
            _("文件解压后过大（超过%(mb)sMB），不像正常的 Excel 工作簿，未导入任何数据。")
            % {"mb": limits.max_uncompressed_bytes // MB}
        )
    for part in parts:
        suspicious_ratio = part.file_size > RATIO_FLOOR_BYTES and part.file_size > limits.max_compression_ratio * max(
            part.compress_size, 1
        )
        if suspicious_ratio or (part.filename in EAGER_PARTS and part.file_size > EAGER_PART_MAX_BYTES):
            raise Rejected(_("文件中有压缩比异常的内容，不像正常的 Excel 工作簿，未导入任何数据。"))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(upload, limits: Limits) -> SheetData:
    """The first worksheet of an uploaded .xlsx: row 1 as the header and every
    later row with content, values typed as Excel stored them (cached results
    for formulas). Raises Rejected with the reason."""
    check_archive(upload, limits)
    upload.seek(0)
    try:
        reader = ExcelReader(upload, read_only=True, data_only=True)
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            path = next(
                (
                    rel.target
                    for _sheet, rel in reader.parser.find_sheets()
                    if rel.target in reader.valid_files and "chartsheet" not in rel.Type
                ),
                None,
            )
            if path is None:
                raise _invalid()
            with reader.archive.open(path) as source:
                return _stream(source, reader, limits)
        finally:
            reader.archive.close()
    except Rejected:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        InvalidFileException,
        ParseError,
        KeyError,
        IndexError,
        OSError,
        ValueError,
        TypeError,
        AttributeError,
        EOFError,
    ):
        raise _invalid() from None


def _stream(source, reader: ExcelReader, limits: Limits) -> SheetData:
    wb = reader.wb
    parser = WorkSheetParser(
        source,
        reader.shared_strings,
        data_only=True,
        epoch=wb.epoch,
        date_formats=wb._date_formats,
        timedelta_formats=wb._timedelta_formats,
    )
    header: list = []
    rows: list[tuple[int, list]] = []
    stack: list = []  # open elements; each finished one is detached, so the tree never grows
    in_cell = 0
    row_number = 0
    values: dict[int, object] = {}
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            stack.append(element)
            if element.tag == ROW_TAG:
                row_number = int(element.get("r") or row_number + 1)
                parser.row_counter, parser.col_counter = row_number, 0
                values = {}
            elif element.tag == CELL_TAG:
                in_cell += 1
            continue
        stack.pop()
        if element.tag == CELL_TAG:
            in_cell -= 1
            cell = parser.parse_cell(element)
            value, column = cell["value"], cell["column"]
            if not _blank(value):
                if column > limits.max_columns:
                    raise Rejected(
                        _("第%(row)s行在第%(n)s列之后还有内容：表格列数过多，请使用下载的模板。")
                        % {"row": row_number, "n": limits.max_columns}
                    )
                if isinstance(value, str) and len(value) > limits.max_cell_chars:
                    raise Rejected(
                        _("单元格%(cell)s的内容过长（最多%(n)s个字符）。")
                        % {"cell": f"{get_column_letter(column)}{row_number}", "n": limits.max_cell_chars}
                    )
                values[column] = value
        elif element.tag == ROW_TAG and values:
            line = [None] * max(values)
            for column, value in values.items():
                line[column - 1] = value
            if row_number == 1:
                header = line
            elif row_number > 1:
                if len(rows) >= limits.max_rows:
                    raise Rejected(_("一次最多导入%(n)s行，请分批导入。") % {"n": limits.max_rows})
                rows.append((row_number, line))
            values = {}
        if not in_cell and stack:
            stack[-1].remove(element)
    return SheetData(header=header, rows=rows)


# --------------------------------------------------------------------------- writing

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def guard(ws, value):
    """`value` ready for `ws.append`: a formula-looking text becomes a text cell
    with Excel's quote prefix (shown as typed, never evaluated, not even after
    the user edits it); anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell = WriteOnlyCell(ws, value=value)  # a detached cell: `append` places it (normal or write-only sheet)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    if isinstance(value, Cell) and isinstance(value.value, str) and value.value.startswith(FORMULA_PREFIXES):
        value.data_type = "s"
        value.quotePrefix = True
    return value


def append(ws, values) -> None:
    """`ws.append(values)` with every value guarded: the one way rows are written."""
    ws.append([guard(ws, v) for v in values])


def set_value(cell: Cell, value) -> Cell:
    """Assign to a cell of a normal worksheet with the same guard."""
    cell.value = value
    guard(cell.parent, cell)
    return cell
