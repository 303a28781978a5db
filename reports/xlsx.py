"""What every workbook of the reports app shares: typed cells (numbers as
numbers, dates as dates, ratios as percentages), text that can never become a
formula, a frozen bold header, column widths that fit Chinese text, and an A4
print setup that repeats the header and fits the width.

The formula guard lives here: members/excel.py on this branch has none to
share (a string starting with = + - @ is written as plain text, quote-prefixed,
so that Excel and LibreOffice never evaluate it)."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from config import xlsx as guarded
from config.xlsx import FORMULA_PREFIXES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
SCORE_FORMAT = "0.00"
MONEY_FORMAT = "#,##0.00"
A4 = 9  # openpyxl's paperSize code for A4


@dataclass(frozen=True)
class Col:
    """A column: its header, Excel number format and width limits."""

    header: str
    number_format: str | None = None
    min_width: int = 6
    max_width: int = 40


def text_width(value) -> int:
    """Display width: a CJK character takes two columns."""
    if value is None:
        return 0
    if isinstance(value, (date, datetime)):
        return 10
    if isinstance(value, float):
        return 7
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def fit_widths(columns: Sequence[Col], rows: Iterable[Sequence]) -> list[float]:
    """Column widths that fit the header and the values (CJK counted double)."""
    widths = [max(c.min_width, text_width(c.header)) for c in columns]
    for row in rows:
        for i, value in enumerate(row[: len(columns)]):
            w = text_width(value.value if isinstance(value, Cell) else value)
            if w > widths[i]:
                widths[i] = w
    return [min(w, c.max_width) + 2 for w, c in zip(widths, columns, strict=True)]


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def cell(ws, value, number_format: str | None = None, *, font=None, fill=None, alignment=None, border=None):
    """A typed write-only cell. Decimals and ints stay numbers, dates dates;
    text that looks like a formula is stored as plain (quote-prefixed) text."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    c = WriteOnlyCell(ws, value=value)
    quoted = is_formula_like(value)
    if quoted:
        c.data_type = "s"
    if not number_format and isinstance(value, date):
        number_format = DATE_FORMAT
    if not (number_format or font or fill or alignment or border or quoted):
        return c
    # by identity: hashing openpyxl style objects costs more than styling the cell
    key = (number_format, id(font), id(fill), id(alignment), id(border), quoted)
    # styling a cell looks its style up in the workbook's tables: do it once per
    # combination and copy the result (tens of thousands of cells in a big export)
    styles = ws.__dict__.setdefault("_dzb_styles", {})
    style = styles.get(key)
    if style is None:
        if number_format:
            c.number_format = number_format
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if alignment is not None:
            c.alignment = alignment
        if border is not None:
            c.border = border
        if quoted:
            c.quotePrefix = True
        styles[key] = (copy(c._style), (font, fill, alignment, border))  # the objects stay alive: ids stay unique
    else:
        c._style = copy(style[0])
    return c


def typed_row(ws, columns: Sequence[Col], values: Sequence, *, border=BORDER) -> list:
    return [
        v if isinstance(v, Cell) else cell(ws, v, col.number_format, border=border)
        for col, v in zip(columns, values, strict=True)
    ]


def header_row(ws, columns: Sequence[Col]) -> list:
    return [cell(ws, c.header, font=HEADER_FONT, fill=HEADER_FILL, alignment=CENTER, border=BORDER) for c in columns]


def print_setup(ws, *, landscape: bool = False, title_rows: str = "1:1") -> None:
    """A4, the header rows repeated on every printed page, fitted to the page width."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows


def table_sheet(wb: Workbook, title: str, columns: Sequence[Col], rows: list[list], *, landscape: bool = False,
                widths_from: int = 500):
    """A write-only sheet: bold frozen header, typed rows, fitted widths (measured
    on the first `widths_from` rows), A4 print setup."""
    ws = wb.create_sheet(title)
    for i, w in enumerate(fit_widths(columns, rows[:widths_from]), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    print_setup(ws, landscape=landscape)
    guarded.append(ws, header_row(ws, columns))
    for row in rows:
        guarded.append(ws, typed_row(ws, columns, row))
    return ws


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ratio(part, whole) -> float | None:
    """A share for a '0.0%' cell (None when there is nothing to divide by)."""
    return float(Decimal(part) / Decimal(whole)) if whole else None
