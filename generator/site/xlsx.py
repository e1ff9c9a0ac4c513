"""Plain-table XLSX workbooks, written by XlsxWriter: sheets of text, numbers and
dates, a bold header row that stays in view, a filter on it, column widths.

Every cell is typed by its value, never guessed from its text: text is a text
cell (`write_string`, and the options below keep even `write()` from turning
text into a formula, a number or a link), so a title such as `=HYPERLINK(…)`
stays the title. The bytes depend only on the input: XlsxWriter gives every zip
entry the same fixed time, and the document's dates are the `moment` given.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter

from ..domain.pauses import cycle_collection_paused
from .formulas import runs_as_formula

DATE_FORMAT = "dd/mm/yyyy"
MONTH_FORMAT = "mm/yyyy"
CELL_LIMIT = 32767  # the most UTF-16 units an Excel cell holds
CUT_NOTE = " […] (quá dài cho một ô Excel: xem đủ trong tệp CSV, JSON)"
_EXCEL_DAY_ZERO = dt.date(1899, 12, 30).toordinal()  # day 0 of Excel's 1900 system (its leap-year bug included)
_OPTIONS = {
    "in_memory": True,  # no temporary files: the build writes only the site
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
_TOP = {"valign": "top", "text_wrap": True}


@dataclass(frozen=True)
class Sheet:
    title: str  # at most 31 characters, none of : \ / ? * [ ]
    headers: Sequence[str]
    widths: Sequence[int]
    rows: Iterable[Sequence[Any]]  # str, int, float, date (a `month_only` date shows mm/yyyy) or None


def workbook_bytes(sheets: Sequence[Sheet], moment: dt.datetime, creator: str) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, _OPTIONS)
    workbook.set_properties({"author": creator, "created": moment})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "valign": "vcenter", "text_wrap": True}),
        "text": workbook.add_format(_TOP),
        # Text that would run if typed: Excel keeps it text even when someone edits the cell.
        "quoted": workbook.add_format({**_TOP, "quote_prefix": True}),
        "date": workbook.add_format({**_TOP, "num_format": DATE_FORMAT}),
        "month": workbook.add_format({**_TOP, "num_format": MONTH_FORMAT}),
    }
    with cycle_collection_paused():  # an object per cell, no cycles
        for sheet in sheets:
            _write_sheet(workbook.add_worksheet(sheet.title), sheet, formats)
        workbook.close()
    return out.getvalue()


def _write_sheet(worksheet, sheet: Sheet, formats: dict) -> None:
    for column, width in enumerate(sheet.widths):
        worksheet.set_column(column, column, width)
    for column, header in enumerate(sheet.headers):
        worksheet.write_string(0, column, _cell_text(header), formats["header"])
    last = 0
    for last, row in enumerate(sheet.rows, start=1):
        for column, value in enumerate(row):
            _write_cell(worksheet, last, column, value, formats)
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, last, len(sheet.headers) - 1)


def _write_cell(worksheet, row: int, column: int, value: Any, formats: dict) -> None:
    if value is None:
        return
    if isinstance(value, dt.date):
        # A date cell is a day number in a date format: what write_datetime writes, without
        # its datetime arithmetic (a seventh of the workbook's time at 5,000 registrations).
        day = value.toordinal() - _EXCEL_DAY_ZERO
        worksheet.write_number(row, column, day, formats["month" if getattr(value, "month_only", False) else "date"])
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        worksheet.write_number(row, column, value, formats["text"])
    else:
        text = _cell_text(value)
        worksheet.write_string(row, column, text, formats["quoted" if runs_as_formula(text) else "text"])


def _cell_text(value: Any) -> str:
    """The text, cut with a visible note where Excel's cell limit would otherwise cut it silently."""
    text = str(value)
    if len(text) > CELL_LIMIT // 2 and len(text.encode("utf-16-le")) // 2 > CELL_LIMIT:
        kept = text.encode("utf-16-le")[: 2 * (CELL_LIMIT - len(CUT_NOTE))].decode("utf-16-le", errors="ignore")
        text = kept + CUT_NOTE
    return text
