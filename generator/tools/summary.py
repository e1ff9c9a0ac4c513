"""`dotpha summary PERSON YEAR -o FILE.docx`: an official's year as a Word document,
to paste into the personal self-review (bản kiểm điểm cá nhân).

It holds what the page `can-bo/<person>/<year>/` shows (site/pages/persons.py
makes both), laid out as an administrative document: A4 portrait, Times New
Roman 13 pt, the Board's header.  The file is written whole or not at all.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from argparse import ArgumentParser, Namespace
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..domain.content import Content
from ..domain.derive import deadline_text
from ..domain.errors import DotphaError, UsageError
from ..domain.text import fold, vn_date
from ..site.pages.contexts import PersonYearContext
from ..site.pages.persons import by_year, person_year
from ..site.pages.view import SiteView

FONT = "Times New Roman"
HEADINGS = ("STT", "Tên công việc đăng ký", "Phần", "Thời hạn hoàn thành", "Trạng thái", "Tiến độ", "Vướng mắc, hỗ trợ", "Kết quả đánh giá")
WIDTHS_MM = (9, 38, 10, 22, 22, 12, 26, 26)  # 165 mm: A4 portrait less its margins (30 mm left, 15 mm right)


class NoSuchPersonYear(DotphaError):
    """No registrations of that person, or none that year: the message suggests what exists."""


def add_summary_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("person", metavar="CÁN_BỘ", help="mã cán bộ (như trong địa chỉ can-bo/<mã>/) hoặc họ tên, có dấu hay không")
    parser.add_argument("year", metavar="NĂM", help="năm đăng ký")
    parser.add_argument("--output", "-o", metavar="TỆP.docx", required=True, help="tệp Word để ghi")


def write_summary(args: Namespace, content: Content, province: str) -> Path:
    """Write the Word document of one person's year; the path written."""
    output = Path(args.output)
    if output.suffix.lower() != ".docx":
        raise UsageError(f"tệp ghi ra phải có đuôi .docx: {output}")
    view = SiteView(content, province)
    key = _person_key(view, args.person)
    year = _year(view, key, args.year)
    context = person_year(view, key, year)
    assert context is not None  # _year checked it
    _save(summary_document(context, view), output)
    return output


def _person_key(view: SiteView, wanted: str) -> str:
    if wanted in view.by_person:
        return wanted
    names = {key: entries[0].registration.registrant.name for key, entries in view.by_person.items()}
    by_name = [key for key, name in names.items() if fold(name) == fold(wanted)]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise NoSuchPersonYear(f"có {len(by_name)} cán bộ tên «{wanted}»; ghi mã cán bộ: " + ", ".join(sorted(by_name)))
    choices = {fold(name): key for key, name in names.items()} | {key: key for key in names}
    close = difflib.get_close_matches(fold(wanted), list(choices), n=3, cutoff=0.6)
    keys = list(dict.fromkeys(choices[match] for match in close))
    hint = "; có phải: " + ", ".join(f"{names[key]} ({key})" for key in keys) + "?" if keys else ""
    raise NoSuchPersonYear(f"không có cán bộ «{wanted}» trong các đăng ký{hint}")


def _year(view: SiteView, key: str, text: str) -> int:
    years = [year for year, _ in by_year(view.by_person[key])]
    if text.isascii() and text.isdigit() and int(text) in years:
        return int(text)
    name = view.by_person[key][0].registration.registrant.name
    raise NoSuchPersonYear(f"{name} ({key}) không có đăng ký năm {text}; có các năm: " + ", ".join(map(str, years)))


def _save(document, output: Path) -> None:
    """Into a temporary file beside the target, then renamed: never half a file."""
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    os.close(handle)
    try:
        document.save(temporary)
        os.replace(temporary, output)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


# ---------------------------------------------------------------- the document


def summary_document(c: PersonYearContext, view: SiteView):
    document = Document()
    _page_setup(document)
    _header(document, c)
    _paragraph(document, "KẾT QUẢ THỰC HIỆN ĐĂNG KÝ GIẢI QUYẾT VIỆC KHÓ, VIỆC MỚI CÓ TÍNH ĐỘT PHÁ, SÁNG TẠO NĂM "
               f"{c.year}", bold=True, center=True, size=14, before=12)  # fmt: skip
    _paragraph(document, f"Họ và tên: {c.registrant.name}", before=6)
    _paragraph(document, f"Chức vụ: {c.registrant.position}")
    _paragraph(document, "Đơn vị: " + "; ".join(unit.name for unit in c.units))
    _paragraph(document, c.sentence, before=6)
    _table(document, c, view)
    if c.review_plans:
        _paragraph(document, "Gắn với kế hoạch khắc phục sau kiểm điểm", bold=True, before=12)
        for entry, text in c.review_plans:
            _paragraph(document, f"- {entry.registration.title}: {' '.join(text.split())}")
    version = f", phiên bản {c.version}" if c.version else ""
    _paragraph(document, f"Số liệu tính đến ngày {vn_date(view.as_of)}{version}.", italic=True, center=True, before=12)
    return document


def _page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Word takes Vietnamese letters from every slot
    normal.paragraph_format.space_after = Pt(0)


def _header(document, c: PersonYearContext) -> None:
    """The Board's header: who writes (left), the Party and the place and date (right)."""
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _cell(left, [f"TỈNH ỦY {c.province.upper()}" if c.province else "TỈNH ỦY", "BAN TỔ CHỨC", "*"], bold_from=1)
    _cell(right, ["ĐẢNG CỘNG SẢN VIỆT NAM"], bold_from=0)
    place = right.add_paragraph(c.date_line)
    place.alignment = WD_ALIGN_PARAGRAPH.CENTER
    place.runs[0].italic = True


def _cell(cell, lines: list[str], bold_from: int) -> None:
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)
    for index, paragraph in enumerate(cell.paragraphs):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in paragraph.runs:
            run.bold = index >= bold_from


def _table(document, c: PersonYearContext, view: SiteView) -> None:
    table = document.add_table(rows=1, cols=len(HEADINGS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading, width in zip(table.rows[0].cells, HEADINGS, WIDTHS_MM):
        cell.text, cell.width = heading, Mm(width)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].runs[0].bold = True
    for number, entry in enumerate(c.entries, start=1):
        values = _row(number, entry, c, view)
        for cell, value, width in zip(table.add_row().cells, values, WIDTHS_MM):
            cell.text, cell.width = value, Mm(width)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(11)


def _row(number: int, entry, c: PersonYearContext, view: SiteView) -> list[str]:
    r = entry.registration
    obstacles = "\n".join(_obstacle(o) for o in r.obstacles) or "Không"
    if r.result:
        comment = f"\n{r.result.comment}" if r.result.comment else ""
        assessed = f"{r.result.outcome.label} ({vn_date(r.result.assessed_on)}){comment}"
    else:
        assessed = "Chưa đánh giá"
    progress = f"{r.latest_progress}%" if r.latest_progress is not None else ""
    return [str(number), r.title, r.kind.part, deadline_text(r.schedule), f"{r.status.label}\n{c.tallies[entry.id].heading}",
            progress, obstacles, f"{assessed}\n{view.evaluator_name(r.evaluator)}"]  # fmt: skip


def _obstacle(o) -> str:
    support = f" (đề nghị hỗ trợ: {o.support_from})" if o.support_from else ""
    if o.is_open:
        return f"{vn_date(o.raised_on)}: {o.text}{support} Chưa tháo gỡ."
    resolution = f": {o.resolution.rstrip('.')}" if o.resolution else ""
    return f"{vn_date(o.raised_on)}: {o.text}{support} Đã tháo gỡ {vn_date(o.resolved_on)}{resolution}."


def _paragraph(document, text: str, *, bold=False, italic=False, center=False, size=None, before=0):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(before)
    return paragraph
