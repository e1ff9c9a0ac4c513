"""Spreadsheets (XLSX, CSV) → `Record`s, one per data row, for `dotpha import`.

The header row is found among the first rows (lists often start with a
title block); its cells are recognised with or without diacritics (`Họ và
tên`, `ho va ten`, `HỌ TÊN`), including every header dotpha's own export
writes.  Rows that cannot be read as one registration are reported with their
number: merged cells, group rows, empty rows, duplicate columns.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..site.exports import COLUMNS
from ..site.formulas import restored
from .imports import ImportContext, ImportRefused, Located, Record, _key, parse_kind
from .legacy import Decoder, LegacyTextError, detect_legacy
from .packages import MAX_UNPACKED, check_worksheets

HEADER_SEARCH_ROWS = 20
ALIASES: dict[str, tuple[str, ...]] = {column.key: column.aliases for column in COLUMNS if column.aliases}  # from schema.py
IGNORED = {"stt", "so thu tu", "tt", "nhom don vi", "ghi chu", *(_key(c.header) for c in COLUMNS if not c.imported)}
REQUIRED = ("registrant.name", "registrant.position", "title", "content", "impact", "schedule.due")


def _header_index() -> dict[str, str]:
    index = {alias: key for key, aliases in ALIASES.items() for alias in aliases}
    index.update({_key(column.header): column.key for column in COLUMNS if column.imported})
    return index


HEADERS = _header_index()


def header_key(text: Any) -> str | None:
    """The field a header names, ignoring case, diacritics, punctuation and `(…)` notes."""
    if text is None:
        return None
    plain = _key(re.sub(r"\([^)]*\)", " ", str(text)))
    return "" if plain in IGNORED else HEADERS.get(plain)


@dataclass
class Sheet:
    """One table: its name, its rows of cell values, number formats and merged ranges."""

    name: str
    origin: str  # how problems name it: `danh-sach.xlsx[Phần I]` or `danh-sach.csv`
    rows: list[list[Any]]
    formats: list[list[str]] = field(default_factory=list)
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)  # min_row, min_col, max_row, max_col, A1 range


@dataclass
class SheetResult:
    records: list[Record] = field(default_factory=list)
    problems: list[Located] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- files → sheets


def read_sheets(path: Path) -> list[Sheet]:
    """The tables of an XLSX or CSV file, with legacy TCVN3/VNI text converted."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheets = _xlsx_sheets(path)
    elif suffix == ".csv":
        sheets = [_csv_sheet(path)]
    else:
        raise ImportRefused(f"{path.name}: chỉ nhập được .xlsx, .csv hoặc .docx (tệp .xls cũ: mở bằng Excel, lưu thành .xlsx)")
    try:
        decoder = detect_legacy([v for s in sheets for row in s.rows for v in row if isinstance(v, str)])
    except LegacyTextError as error:
        raise ImportRefused(f"{path.name}: {error}") from None
    for sheet in sheets:
        sheet.rows = [[_decoded(value, decoder) for value in row] for row in sheet.rows]
    return sheets


def _decoded(value: Any, decoder: Decoder) -> Any:
    return decoder(value) if isinstance(value, str) else value


def _xlsx_sheets(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_worksheets(path)
    try:
        workbook = load_workbook(path, data_only=True)  # not read-only: merged ranges are needed
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:  # a damaged or foreign file
        raise ImportRefused(f"{path.name}: không đọc được tệp Excel ({type(error).__name__}: {error})") from None
    sheets = []
    for worksheet in workbook.worksheets:
        cells = list(worksheet.iter_rows())
        sheets.append(
            Sheet(
                name=worksheet.title,
                origin=f"{path.name}[{worksheet.title}]",
                rows=[[_unescaped(cell.value) for cell in row] for row in cells],
                formats=[[cell.number_format or "" for cell in row] for row in cells],
                merged=[(r.min_row, r.min_col, r.max_row, r.max_col, r.coord) for r in worksheet.merged_cells.ranges],
            )
        )
    return sheets


_OOXML_CONTROL = re.compile("_x(00[01][0-9A-Fa-f])_")


def _unescaped(value: Any) -> Any:
    """A control character as the text holds it: openpyxl leaves Excel's escape for it as
    written (`_x000D_` for the CR of text pasted with Windows line ends, or exported by dotpha)."""
    if isinstance(value, str) and "_x" in value:
        return _OOXML_CONTROL.sub(lambda match: chr(int(match.group(1), 16)), value)
    return value


def _csv_sheet(path: Path) -> Sheet:
    if path.stat().st_size > MAX_UNPACKED:
        raise ImportRefused(f"{path.name}: tệp CSV lớn hơn {MAX_UNPACKED >> 20} MB; không nhập")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # an "ANSI" export: legacy detection decides what it is
        if "\ufffd" in text:
            raise ImportRefused(f"{path.name}: tệp CSV không phải UTF-8; lưu lại bằng Excel với kiểu \"CSV UTF-8\"") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # Our own CSV put an apostrophe before text a spreadsheet would run: take exactly that one off.
    rows = [[restored(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    return Sheet(name=path.stem, origin=path.name, rows=rows)


# ---------------------------------------------------------------- sheets → records


def sheet_records(sheets: list[Sheet], ctx: ImportContext) -> SheetResult:
    result = SheetResult()
    used = 0
    for sheet in sheets:
        header = _header_row(sheet)
        if header is None:
            result.notes.append(f"{sheet.origin}: bỏ qua: không có dòng tiêu đề (Họ và tên, Tên công việc...)")
            continue
        used += 1
        _read_table(sheet, header, ctx, result)
    if not used:
        raise ImportRefused(f"{sheets[0].origin if sheets else 'tệp'}: không tìm thấy dòng tiêu đề có các cột Họ và tên, Chức vụ, Đơn vị, Tên công việc...")
    return result


def _header_row(sheet: Sheet) -> int | None:
    """The 0-based index of the first row with at least three recognised headers."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for value in row if header_key(value)) >= 3:
            return index
    return None


def _read_table(sheet: Sheet, header: int, ctx: ImportContext, result: SheetResult) -> None:
    columns, labels, problems = _columns(sheet, header, result)
    sheet_kind = _sheet_kind(sheet.name)
    missing = [key for key in REQUIRED if key not in columns]
    missing += ["unit_name"] * ("unit_name" not in columns and "registrant.unit" not in columns)
    missing += ["kind"] * ("kind" not in columns and sheet_kind is None)
    missing += ["evaluator"] * ("evaluator" not in columns and not ctx.evaluator)
    at_header = f"{sheet.origin}:{header + 1}"
    for key in missing:
        label = Record("", {}).label(key) if key != "unit_name" else "Đơn vị"
        problems.append(Located(at_header, "", f"thiếu cột «{label}»" + (" (hoặc dùng --evaluator)" if key == "evaluator" else "")))
    result.problems += problems
    if problems:
        return
    bad_rows = _merged_problems(sheet, header, len(sheet.rows[header]), result)
    empty: list[int] = []
    for index in range(header + 1, len(sheet.rows)):
        row = sheet.rows[index]
        number = index + 1
        if number in bad_rows:
            continue
        filled = [(col, value) for col, value in enumerate(row) if _filled(value)]
        if not filled:
            empty.append(number)
            continue
        result.notes += [f"{sheet.origin}:{n}: dòng trống, bỏ qua" for n in empty]
        empty = []
        if len(filled) == 1:  # a group heading ("I. Các sở, ban, ngành"), wherever it was typed
            result.notes.append(f"{sheet.origin}:{number}: bỏ qua dòng nhóm «{str(filled[0][1]).strip()[:60]}»")
            continue
        result.records.append(_record(sheet, index, columns, labels, sheet_kind))


def _columns(sheet: Sheet, header: int, result: SheetResult) -> tuple[dict[str, int], dict[str, str], list[Located]]:
    """The field each header cell names; a header naming none is a note (its column is not read)."""
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    problems = []
    for col, value in enumerate(sheet.rows[header]):
        key = header_key(value)
        if key is None and _filled(value):
            shown = " ".join(str(value).split())[:60]
            result.notes.append(f"{sheet.origin}:{header + 1}: bỏ qua cột {_letter(col)} «{shown}»: không phải mục nào của đơn đăng ký")
        if not key:
            continue
        if key in columns:
            first = _letter(columns[key])
            problems.append(Located(f"{sheet.origin}:{header + 1}", str(value).strip(), f"hai cột cùng một nội dung: cột {first} và cột {_letter(col)}"))
            continue
        columns[key] = col
        labels[key] = " ".join(str(value).split())
    return columns, labels, problems


def _merged_problems(sheet: Sheet, header: int, width: int, result: SheetResult) -> set[int]:
    """Merged ranges below the header: a whole-row merge is a group row (skipped), any other is an error."""
    bad: set[int] = set()
    for min_row, min_col, max_row, max_col, coord in sheet.merged:
        if max_row <= header + 1:
            continue  # the title block above the header
        if min_row == max_row and min_col == 1 and max_col >= width:
            continue  # a group row written across the table; read as a group row below
        rows = f"dòng {min_row}" if min_row == max_row else f"dòng {min_row}–{max_row}"
        message = f"ô gộp {coord} ({rows}): tách ô và ghi giá trị vào từng dòng"
        result.problems.append(Located(f"{sheet.origin}:{min_row}", "", message))
        bad.update(range(min_row, max_row + 1))
    return bad


def _record(sheet: Sheet, index: int, columns: dict[str, int], labels: dict[str, str], sheet_kind: str | None) -> Record:
    row = sheet.rows[index]
    formats = sheet.formats[index] if index < len(sheet.formats) else []
    values = {key: row[col] if col < len(row) else None for key, col in columns.items()}
    if not _filled(values.get("kind")) and sheet_kind:
        values["kind"] = sheet_kind
    month_cells = {key for key, col in columns.items() if col < len(formats) and _is_month_format(formats[col])}
    return Record(f"{sheet.origin}:{index + 1}", values, labels, month_cells)


def _sheet_kind(name: str) -> str | None:
    try:
        return parse_kind(name)
    except ValueError:
        return None


def _is_month_format(number_format: str) -> bool:
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]', "", number_format.lower())
    return "m" in plain and "y" in plain and "d" not in plain


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col + 1)
