"""A filled-in official registration form (.docx) → `Record`s, for `dotpha import`.

The form (Đơn đăng ký) has a header (Kính gửi, Họ và tên, Đơn vị công tác,
Chức vụ, the place and date line) and Part I and/or Part II, each with five
numbered items; the registrant may fill one part or both, so a form gives one
or two registrations.  An item's text follows its label on the same line
(after ":") or in the paragraphs below it, up to the next item.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.schema import Kind, Registration, form_fields
from .imports import (
    ImportContext,
    ImportRefused,
    Located,
    Record,
    ValueProblem,
    _key,
    parse_day,
)
from .import_sheet import HEADERS
from .legacy import LegacyTextError, detect_legacy
from .packages import check_package

# The lines above the numbered items, as the official form words them; any header spelling a spreadsheet
# import accepts for the same field (schema.py's aliases) is read too.  The form addresses its evaluator: "Kính gửi".
HEADER_LABELS = {"registrant.name": "Họ và tên", "unit_name": "Đơn vị công tác", "registrant.position": "Chức vụ", "evaluator": "Kính gửi"}
HEADER_FIELDS = {alias: key for alias, key in HEADERS.items() if key in HEADER_LABELS} | {"kinh gui": "evaluator"}
_PART = re.compile(r"^\s*(I{1,2})\s*[.:)/-]\s*(.*)$")
_ITEM = re.compile(r"^\s*([1-5])\s*[.)/]\s*(.*)$")
_DATE_LINE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")


@dataclass
class FormPart:
    kind: Kind
    items: dict[int, list[str]] = field(default_factory=dict)

    def text(self, number: int) -> str | None:
        lines = [line for line in self.items.get(number, []) if line.strip()]
        return "\n\n".join(lines) if lines else None


@dataclass
class FormReading:
    header: dict[str, str] = field(default_factory=dict)
    registered_on: str | None = None
    parts: list[FormPart] = field(default_factory=list)


def read_docx(path: Path, ctx: ImportContext) -> tuple[list[Record], list[Located]]:
    """The registrations of one form, and what could not be found in it."""
    lines = _lines(path)
    try:
        decoder = detect_legacy(lines)
    except LegacyTextError as error:
        raise ImportRefused(f"{path.name}: {error}") from None
    reading = parse_form([decoder(line) for line in lines])
    filled = [part for part in reading.parts if any(part.text(n) for n in part.items)]
    if not filled:
        raise ImportRefused(f"{path.name}: không tìm thấy nội dung Phần I hay Phần II của mẫu đơn đăng ký")
    problems = [
        Located(path.name, label, "không tìm thấy trong đơn")
        for key, label in HEADER_LABELS.items()
        if key not in reading.header and not (key == "evaluator" and ctx.evaluator)
    ]
    records = []
    for part in filled:
        record, found = _part_record(path.name, reading, part)
        records.append(record)
        problems += found
    return records, problems


def _lines(path: Path) -> list[str]:
    """Every paragraph's text in document order, table cells included (the header is often a table)."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_package(path)
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:  # a damaged or foreign file
        raise ImportRefused(f"{path.name}: không đọc được tệp Word ({type(error).__name__}: {error})") from None
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            lines.append(_paragraph_text(Paragraph(block, document)))
        elif block.tag.endswith("}tbl"):
            for row in Table(block, document).rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # a merged cell is returned once per grid column
                        seen.add(id(cell._tc))
                        lines += [_paragraph_text(p) for p in cell.paragraphs]
    return [line for line in lines if line.strip()]


def _paragraph_text(paragraph: Any) -> str:
    text = paragraph.text.strip()
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    return f"- {text}" if text and "list" in style.lower() and not text.startswith("-") else text


def parse_form(lines: list[str]) -> FormReading:
    reading = FormReading()
    part: FormPart | None = None
    item: int | None = None
    for line in lines:
        folded = _key(line)
        if folded.startswith("nguoi dang ky"):
            break  # the signature block
        if reading.registered_on is None and (date := _DATE_LINE.search(folded)):
            reading.registered_on = "{2}-{1:0>2}-{0:0>2}".format(*date.groups())
            continue
        heading = _PART.match(line)
        if heading and "dang ky" in _key(heading.group(2)):
            part = FormPart(Kind.difficult if heading.group(1) == "I" else Kind.breakthrough)
            reading.parts.append(part)
            item = None
            continue
        numbered = _ITEM.match(line) if part else None
        if numbered:
            item = int(numbered.group(1))
            _, _, value = numbered.group(2).partition(":")
            part.items[item] = [value.strip()]
            continue
        if part is None:
            _header_line(reading, line)
        elif item is not None:
            part.items[item].append(line.strip())
    return reading


def _header_line(reading: FormReading, line: str) -> None:
    label, colon, value = line.lstrip("-–• ").partition(":")
    key = HEADER_FIELDS.get(_key(label))
    if colon and key and value.strip() and key not in reading.header:
        reading.header[key] = value.strip().rstrip(",.")


def _part_record(name: str, reading: FormReading, part: FormPart) -> tuple[Record, list[Located]]:
    origin = f"{name} (Phần {part.kind.part})"
    fields = form_fields(part.kind)  # the form's numbered items, in order
    values: dict[str, Any] = {**reading.header, "kind": part.kind.value, "registered_on": reading.registered_on}
    labels = {key: f"{label} (đầu đơn)" for key, label in HEADER_LABELS.items()}
    problems = []
    for number, name_ in enumerate(fields, start=1):
        labels[name_] = f"mục {number}. {Registration.model_fields[name_].title}"
        if name_ == "schedule":
            labels["schedule.due"] = labels["schedule.start"] = labels[name_]
            text = part.text(number)
            try:
                values.update(schedule_values(text))
            except ValueProblem as problem:
                problems.append(Located(origin, labels[name_], str(problem)))
        else:
            values[name_] = part.text(number)
    return Record(origin, values, labels), problems


_MONTH_WORDS = re.compile(r"thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_DATE_TOKEN = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2}/\d{4}\b|\b\d{4}-\d{2}(?:-\d{2})?\b")


def schedule_values(text: str | None) -> dict[str, str]:
    """`Từ tháng 4/2024 đến 31/12/2024` → start and due; one date is the due date."""
    if not text:
        return {}
    folded = _key(text.replace("/", " slash ").replace("-", " dash "))
    folded = folded.replace(" slash ", "/").replace(" dash ", "-")
    folded = _DATE_LINE.sub(lambda m: f"{m.group(1)}/{m.group(2)}/{m.group(3)}", folded)
    folded = _MONTH_WORDS.sub(lambda m: f"{m.group(1)}/{m.group(2)}", folded)
    tokens = _DATE_TOKEN.findall(folded)
    if not tokens:
        raise ValueProblem(f"không đọc được thời gian hoàn thành trong «{text[:80]}» (ghi dd/mm/yyyy hoặc tháng mm/yyyy)")
    due = parse_day(tokens[-1], month_ok=True)
    if len(tokens) == 1:
        return {"schedule.due": due}
    return {"schedule.start": parse_day(tokens[0], month_ok=True), "schedule.due": due}
