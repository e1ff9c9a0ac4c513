"""Office files (.xlsx, .docx) are zip packages: measured before a library opens them.

A hostile spreadsheet of half a megabyte can hold ten million cells, or two
cells at A1 and XFD1048576, whose rectangle openpyxl would fill; a Word file
can unpack to gigabytes.  Before openpyxl or python-docx sees a file, its
declared unpacked size is capped (zipfile never reads past a declared size),
and each worksheet is streamed once to count its cells and find its last
row and column, stopping at the first limit passed.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

from .imports import ImportRefused

MAX_UNPACKED = 64 << 20  # bytes a package may unpack to, all parts together
MAX_ROWS = 20_000  # of one worksheet: a province registers a few thousand a year
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000  # rows × columns of one worksheet, as openpyxl fills them
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_REFERENCE = re.compile(r"([A-Za-z]{1,3})?([0-9]{1,7})?")


def check_package(path: Path) -> None:
    """ImportRefused when the package would unpack to more than MAX_UNPACKED bytes."""
    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the reader says so in its own words
    if unpacked > MAX_UNPACKED:
        raise ImportRefused(f"{path.name}: tệp giải nén ra {unpacked // (1 << 20)} MB, quá giới hạn "
                            f"{MAX_UNPACKED >> 20} MB; không nhập (tệp hỏng hoặc cố ý làm treo máy?)")  # fmt: skip


def check_worksheets(path: Path) -> None:
    """ImportRefused naming the worksheet part whose rows, columns or cells pass the limits."""
    check_package(path)
    try:
        with zipfile.ZipFile(path) as package:
            for name in sorted(n for n in package.namelist() if _WORKSHEET.fullmatch(n)):
                with package.open(name) as part:
                    _measure(path, name, part)
    except (zipfile.BadZipFile, OSError, ValueError, ParseError, KeyError):
        return  # damaged: openpyxl reports it


def _measure(path: Path, name: str, part) -> None:
    rows = columns = cells = row = column = 0
    for _, element in iterparse(part, events=("start",)):
        tag = element.tag.rpartition("}")[2]
        if tag == "row":
            row = _number(element.get("r"), row + 1)
            column = 0
        elif tag == "c":
            letters, digits = _REFERENCE.fullmatch(element.get("r") or "").groups()
            row = int(digits) if digits else row
            column = _column(letters) if letters else column + 1
            cells += 1
        else:
            continue
        rows, columns = max(rows, row), max(columns, column)
        if rows > MAX_ROWS or columns > MAX_COLUMNS or cells > MAX_CELLS or rows * columns > MAX_CELLS:
            raise ImportRefused(f"{path.name}[{name}]: trang tính quá lớn (đến dòng {rows}, cột {columns}); "
                                f"giới hạn {MAX_ROWS} dòng, {MAX_COLUMNS} cột, {MAX_CELLS} ô. Hãy xóa các dòng, cột thừa rồi nhập lại")  # fmt: skip
        element.clear()


def _number(text: str | None, default: int) -> int:
    return int(text) if text and text.isascii() and text.isdigit() else default


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
