"""`dotpha import`: spreadsheets (CSV, XLSX) and Word forms → registration files; every bad
row reported by number, nothing half-written; `--update` keeps comments and key order;
TCVN3 and VNI text converted, or refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from generator.cli import main
from generator.domain.text import fold
from generator.tools.import_docx import schedule_values
from generator.tools.import_sheet import header_key
from generator.tools.imports import ValueProblem, parse_day, parse_kind
from generator.tools.legacy import (
    LegacyTextError,
    detect_legacy,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

HEADER = ["STT", "Ho va ten", "Chức vụ", "ĐƠN VỊ", "Tên công việc", "Loại", "Nội dung", "Tác động",
          "Đề xuất hỗ trợ", "Dự báo khó khăn", "Thời gian hoàn thành (dự kiến)", "Cấp đánh giá"]  # fmt: skip


def row(name="Lê Văn Bình", unit="Sở Tài chính", title="Quyết toán dự án tồn đọng", kind="Phần I", due="31/12/2024",
        support="Không", difficulties="", position="Phó Giám đốc Sở", evaluator="Ban Thường vụ Tỉnh ủy") -> list:  # fmt: skip
    return ["1", name, position, unit, title, kind, "Rà soát từng dự án.", "Giải phóng vốn.", support, difficulties, due, evaluator]


def write_csv(path: Path, rows: list[list], title: bool = True) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if title:
        writer.writerow(["DANH SÁCH ĐĂNG KÝ VIỆC KHÓ NĂM 2024"])
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return path


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(["import", *args, "--content", "content", "--as-of", "2024-12-31"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def registrations(content) -> list[str]:
    return sorted(p.relative_to(content.root).as_posix() for p in (content.root / "registrations").rglob("*.yml"))


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("header", "key"),
    [("Họ và tên", "registrant.name"), ("ho va ten", "registrant.name"), ("HỌ TÊN", "registrant.name"),
     ("Đơn vị công tác", "unit_name"), ("Mã đơn vị", "registrant.unit"), ("Thời gian hoàn thành (dự kiến)", "schedule.due"),
     ("Tên công việc đăng ký", "title"), ("Nội dung, mục tiêu, nhiệm vụ, giải pháp thực hiện", "content"),
     ("  loai  ", "kind"), ("STT", ""), ("Tiến độ gần nhất (%)", ""), ("Màu yêu thích", None)],
)  # fmt: skip
def test_headers_are_recognised_with_or_without_diacritics(header, key):
    assert header_key(header) == key


def test_dates_are_read_from_date_cells_and_from_text():
    assert parse_day(dt.datetime(2024, 12, 31)) == "2024-12-31"
    assert parse_day("31/12/2024") == parse_day("31-12-2024") == parse_day("2024-12-31") == "2024-12-31"
    assert parse_day("ngày 5 tháng 3 năm 2024") == "2024-03-05"
    assert parse_day("12/2024", month_ok=True) == parse_day("tháng 12/2024", month_ok=True) == "2024-12"
    assert parse_day(dt.datetime(2024, 12, 1), month_ok=True, month_cell=True) == "2024-12"


@pytest.mark.parametrize(
    ("value", "message"),
    [("31/02/2024", "ngày không tồn tại: «31/02/2024»"), ("12/31/2024", "ngày không tồn tại: «12/31/2024»"),
     ("cuối năm", "«cuối năm» không phải ngày (ghi dd/mm/yyyy)"), ("12/2024", "«12/2024» chỉ có tháng; cần ngày đủ dd/mm/yyyy"),
     (45657, "ô chứa số 45657, không phải ngày: định dạng ô kiểu ngày hoặc ghi dd/mm/yyyy")],
)  # fmt: skip
def test_bad_dates_say_why(value, message):
    with pytest.raises(ValueProblem) as raised:
        parse_day(value)
    assert str(raised.value) == message


def test_kinds_are_read_from_labels_and_parts():
    assert parse_kind("Phần I") == parse_kind("viec kho") == parse_kind("Việc khó, nút thắt (Phần I)") == "difficult"
    assert parse_kind("Phần II") == parse_kind("Việc mới, đột phá") == parse_kind("breakthrough") == "breakthrough"


def test_schedule_text_of_the_form_gives_start_and_due():
    assert schedule_values("Từ tháng 4/2024 đến 31/12/2024") == {"schedule.start": "2024-04", "schedule.due": "2024-12-31"}
    assert schedule_values("Hoàn thành trước ngày 30 tháng 9 năm 2024") == {"schedule.due": "2024-09-30"}


# ---------------------------------------------------------------- spreadsheets


def test_csv_rows_become_registration_files(content, capsys):
    rows = [row(), [""] * 12, ["", "I. Các sở, ban, ngành"] + [""] * 10,
            row(name="Trần Thị Cúc", title="Số hóa hồ sơ", kind="Phần II", support="", difficulties="Thiếu kinh phí.", due="12/2024")]  # fmt: skip
    code, out = run(capsys, str(write_csv(content.root.parent / "ds.csv", rows)), "--year", "2024")
    assert code == 0, out
    assert registrations(content) == ["registrations/2024/so-tai-chinh/2024-stc-01.yml", "registrations/2024/so-tai-chinh/2024-stc-02.yml"]
    assert "ghi chú: ds.csv:4: dòng trống, bỏ qua" in out
    assert "ghi chú: ds.csv:5: bỏ qua dòng nhóm «I. Các sở, ban, ngành»" in out
    loaded = content.load()
    second = next(e.registration for e in loaded.entries if e.id == "2024-stc-02")
    assert (second.kind.value, second.schedule.due, second.schedule.due.month_only) == ("breakthrough", dt.date(2024, 12, 31), True)
    assert second.registrant.name == "Trần Thị Cúc" and second.status.value == "registered"
    text = (content.root / "registrations/2024/so-tai-chinh/2024-stc-01.yml").read_text(encoding="utf-8")
    assert text.startswith("# Nhập từ ds.csv:3 bằng dotpha import.\nid: 2024-stc-01\nyear: 2024\nkind: difficult\n")


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_written(content, capsys):
    rows = [row(), row(due="31/13/2024"), row(unit="Sở Du lịch", title="Khác"), row(), row(name="Ngô Văn D", kind="Phần III?"),
            row(name="Đỗ E", support="")]  # fmt: skip
    code, out = run(capsys, str(write_csv(content.root.parent / "ds.csv", rows, title=False)), "--year", "2024")
    assert code == 1
    lines = out.splitlines()
    assert "ds.csv:3: Thời gian hoàn thành (dự kiến): ngày không tồn tại: «31/13/2024»" in lines
    assert "ds.csv:4: ĐƠN VỊ: không nhận ra đơn vị «Sở Du lịch» (so với tên, tên viết tắt và mã trong units.yml)" in lines
    assert "ds.csv:5: trùng với ds.csv:2 (cùng mã, hoặc cùng năm, đơn vị, người và tên công việc)" in lines
    assert any(line.startswith("ds.csv:6: Loại: «Phần III?» không phải loại đăng ký") for line in lines)
    assert "ds.csv:7: Đề xuất hỗ trợ: Phần I bắt buộc có trường «Đề xuất cấp trên chỉ đạo, hỗ trợ thực hiện» (có thể ghi “Không”)" in lines
    assert "Không nhận ra các đơn vị: Sở Du lịch (thêm vào units.yml hoặc sửa tên cho khớp)." in lines
    assert lines[-1] == "5 lỗi trong 6 đăng ký đọc được; không ghi tệp nào."
    assert registrations(content) == []


def test_missing_columns_are_named(content, capsys):
    path = content.root.parent / "ds.csv"
    path.write_text("Họ và tên,Đơn vị,Tên công việc,Loại\nA,Sở Tài chính,B,Phần I\n", encoding="utf-8")
    code, out = run(capsys, str(path), "--year", "2024")
    assert code == 1
    assert "ds.csv:1: thiếu cột «Chức vụ»" in out and "ds.csv:1: thiếu cột «Thời gian hoàn thành»" in out
    assert "ds.csv:1: thiếu cột «Cấp đánh giá» (hoặc dùng --evaluator)" in out


def test_a_sheet_needs_the_year(content, capsys):
    code, out = run(capsys, str(write_csv(content.root.parent / "ds.csv", [row()])))
    assert code == 2 and "cần --year NĂM khi nhập bảng tính" in out


def test_xlsx_merged_cells_are_reported_and_group_rows_skipped(content, capsys):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phần I - Việc khó"
    sheet.append(HEADER)
    sheet.append(["I. Các sở, ban, ngành"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADER))
    sheet.append(row(due=None))
    sheet.cell(3, 11).value = dt.datetime(2024, 12, 31)
    sheet.append(row(name="Lê Thị Hoa", title="Việc thứ hai"))
    sheet.append(row(name="Lê Thị Hoa", title="Việc thứ ba", unit=None))
    sheet.merge_cells("D4:D5")  # one unit written once for two rows
    path = content.root.parent / "ds.xlsx"
    workbook.save(path)
    code, out = run(capsys, str(path), "--year", "2024")
    assert code == 1
    assert "ds.xlsx[Phần I - Việc khó]:4: ô gộp D4:D5 (dòng 4–5): tách ô và ghi giá trị vào từng dòng" in out.splitlines()
    assert "ds.xlsx[Phần I - Việc khó]:2: bỏ qua dòng nhóm «I. Các sở, ban, ngành»" in out
    assert registrations(content) == []


def test_existing_registration_is_kept_unless_update_and_update_keeps_comments(content, capsys):
    path = content.root / "registrations/2024/so-tai-chinh/2024-stc-01.yml"
    content.registration(title="Quyết toán dự án tồn đọng", registrant={"name": "Lê Văn Bình", "position": "Phó Giám đốc Sở", "unit": "so-tai-chinh"})
    text = "# Ghi chú của Ban Tổ chức: giữ nguyên\n" + path.read_text(encoding="utf-8").replace("status: in_progress", "status: in_progress  # theo báo cáo quý III")
    path.write_text(text, encoding="utf-8")
    sheet = write_csv(content.root.parent / "ds.csv", [row(due="30/11/2024")])
    code, out = run(capsys, str(sheet), "--year", "2024")
    assert code == 1 and "ds.csv:3: đã có đăng ký này: content/registrations/2024/so-tai-chinh/2024-stc-01.yml; không ghi đè (dùng --update để cập nhật)" in out
    assert path.read_text(encoding="utf-8") == text
    code, out = run(capsys, str(sheet), "--year", "2024", "--update")
    assert code == 0, out
    assert "Đã tạo 0 tệp, cập nhật 1 tệp, 0 đăng ký không đổi." in out
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(text.splitlines(), after.splitlines()) if a != b]
    assert changed == [
        ("content: Rà soát, phân loại từng dự án.", "content: Rà soát từng dự án."),
        ("impact: Giải phóng vốn còn treo trên sổ sách.", "impact: Giải phóng vốn."),
        ("  due: 2024-12-31", "  due: 2024-11-30"),
    ]
    assert after.startswith("# Ghi chú của Ban Tổ chức: giữ nguyên\n") and "status: in_progress  # theo báo cáo quý III" in after
    assert len(after.splitlines()) == len(text.splitlines())


# ---------------------------------------------------------------- the Word form


def form_docx(path: Path, *, position: str | None = "Giám đốc Sở", schedule: str = "Từ tháng 4/2024 đến 31/12/2024", two_parts: bool = False, encode=lambda s: s) -> Path:  # fmt: skip
    document = Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = encode("SỞ TÀI CHÍNH")
    table.cell(0, 1).text = encode("ĐẢNG CỘNG SẢN VIỆT NAM\nSơn Hà, ngày 15 tháng 3 năm 2024")
    for line in ["ĐƠN ĐĂNG KÝ", "NỘI DUNG GIẢI QUYẾT VIỆC KHÓ, NÚT THẮT", "Kính gửi: Ban Thường vụ Tỉnh ủy",
                 "- Họ và tên: Nguyễn Văn An", "- Đơn vị công tác: Sở Tài chính", *(["- Chức vụ: " + position] if position else []),
                 "I. Đăng ký những việc khó, phức tạp, điểm nghẽn, nút thắt còn tồn đọng của ngành, địa phương mình cần tập trung tháo gỡ",
                 "1. Tên công việc đăng ký: Quyết toán dứt điểm 46 dự án tồn đọng",
                 "2. Nội dung, mục tiêu, nhiệm vụ, giải pháp thực hiện", "Rà soát, phân loại từng dự án.", "Lập tổ công tác liên ngành.",
                 "3. Nhận định tác động hiệu quả mang lại: Giải phóng vốn còn treo.",
                 "4. Dự kiến thời gian triển khai thực hiện và thời gian hoàn thành: " + schedule,
                 "5. Đề xuất cấp trên chỉ đạo, hỗ trợ thực hiện: Không",
                 "II. Đăng ký những việc làm mới có tính đột phá, sáng tạo mang lại giá trị, hiệu quả thiết thực vì lợi ích chung",
                 "1. Tên công việc đăng ký" + (": Số hóa hồ sơ quyết toán" if two_parts else ""),
                 "2. Dự báo những khó khăn, vướng mắc khi triển khai thực hiện" + (": Cán bộ chưa quen." if two_parts else ""),
                 "3. Nội dung, mục tiêu, nhiệm vụ, giải pháp thực hiện" + (": Số hóa 100% hồ sơ." if two_parts else ""),
                 "4. Nhận định tác động hiệu quả mang lại" + (": Rút ngắn thời gian." if two_parts else ""),
                 "5. Dự kiến thời gian triển khai thực hiện và thời gian hoàn thành" + (": 30/11/2024" if two_parts else ""),
                 "Người đăng ký", "(ký, ghi rõ họ, tên)", "Nguyễn Văn An"]:  # fmt: skip
        document.add_paragraph(encode(line))
    document.save(path)
    return path


def test_word_form_becomes_a_registration(content, capsys):
    code, out = run(capsys, str(form_docx(content.root.parent / "don.docx")))
    assert code == 0, out
    assert registrations(content) == ["registrations/2024/so-tai-chinh/2024-stc-01.yml"]
    r = content.load().entries[0].registration
    assert (r.title, r.registrant.position, r.evaluator, r.registered_on) == (
        "Quyết toán dứt điểm 46 dự án tồn đọng", "Giám đốc Sở", "btv-tinh-uy", dt.date(2024, 3, 15))
    assert r.content == "Rà soát, phân loại từng dự án.\n\nLập tổ công tác liên ngành.\n"
    assert (r.schedule.start, r.schedule.start.month_only, r.schedule.due) == (dt.date(2024, 4, 1), True, dt.date(2024, 12, 31))
    assert r.support_requested == "Không"


def test_word_form_header_takes_every_spelling_the_schema_gives(content, capsys):
    path = form_docx(content.root.parent / "don.docx")
    document = Document(path)
    for paragraph in document.paragraphs:  # the spreadsheet aliases of schema.py: "chức danh", "họ tên"
        paragraph.text = paragraph.text.replace("- Chức vụ:", "- Chức danh:").replace("- Họ và tên:", "- Họ tên:")
    document.save(path)
    code, out = run(capsys, str(path))
    assert code == 0, out
    r = content.load().entries[0].registration
    assert (r.registrant.name, r.registrant.position) == ("Nguyễn Văn An", "Giám đốc Sở")


def test_word_form_with_both_parts_gives_two_registrations(content, capsys):
    code, out = run(capsys, str(form_docx(content.root.parent / "don.docx", two_parts=True)))
    assert code == 0, out
    kinds = sorted(e.registration.kind.value for e in content.load().entries)
    assert kinds == ["breakthrough", "difficult"]


def test_word_form_reports_what_it_could_not_find(content, capsys):
    code, out = run(capsys, str(form_docx(content.root.parent / "don.docx", position=None, schedule="cuối năm")))
    assert code == 1
    lines = out.splitlines()
    assert "don.docx: Chức vụ: không tìm thấy trong đơn" in lines
    assert any(line.startswith("don.docx (Phần I): mục 4. Dự kiến thời gian triển khai thực hiện và thời gian hoàn thành: không đọc được thời gian hoàn thành") for line in lines)
    assert registrations(content) == []


# ---------------------------------------------------------------- old encodings

SAMPLE = "nguyễn văn an, sở tài chính: giải phóng mặt bằng, thương hiệu quốc gia, đường ước mơ, khuyến khích, ỷ ỹ ỵ ĩ ị ỉ"


def test_tcvn3_and_vni_tables_round_trip_every_vietnamese_letter():
    assert tcvn3_to_unicode(unicode_to_tcvn3(SAMPLE)) == SAMPLE
    assert vni_to_unicode(unicode_to_vni(SAMPLE.upper())) == SAMPLE.upper()
    assert unicode_to_tcvn3("Hà Nội") == "Hµ Néi" and unicode_to_vni("Hà Nội") == "Haø Noäi"
    assert tcvn3_to_unicode("B¶o Th¾ng") == "Bảo Thắng" and vni_to_unicode("Xin chaøo caùc baïn") == "Xin chào các bạn"


def test_detection_picks_the_encoding_and_leaves_unicode_alone():
    assert detect_legacy([unicode_to_tcvn3(SAMPLE)]).name == "TCVN3"
    assert detect_legacy([unicode_to_vni(SAMPLE)]).name == "VNI"
    assert detect_legacy([SAMPLE, "«Không»", "a · b"]).name is None
    with pytest.raises(LegacyTextError) as refused:
        detect_legacy(["Ðøß ¿¿ ÿþ"])
    assert "không phải Unicode và không chuyển được từ TCVN3 hay VNI" in str(refused.value)


def test_tcvn3_csv_and_vni_form_are_converted_on_import(content, capsys):
    # TCVN3 has no code of its own for a capital letter with a tone: headers are written in lower case here.
    lines = [[cell.lower() for cell in HEADER], row(name="Nguyễn Thị Hồng", title="Đường giao thông nông thôn")]
    legacy = [[unicode_to_tcvn3(str(cell)) for cell in line] for line in lines]
    path = content.root.parent / "tcvn3.csv"
    path.write_bytes("\r\n".join(",".join(f'"{cell}"' for cell in line) for line in legacy).encode("cp1252"))
    code, out = run(capsys, str(path), "--year", "2024")
    assert code == 0, out
    r = content.load().entries[0].registration
    assert (r.registrant.name, r.title, r.registrant.unit) == ("Nguyễn Thị Hồng", "Đường giao thông nông thôn", "so-tai-chinh")
    code, out = run(capsys, str(form_docx(content.root.parent / "vni.docx", encode=unicode_to_vni)), "--update")
    assert code == 0, out
    assert "Quyết toán dứt điểm 46 dự án tồn đọng" in {e.registration.title for e in content.load().entries}


def test_unconvertible_text_is_refused_with_a_clear_message(content, capsys):
    """A file in some other 8-bit encoding (here: signs no Vietnamese encoding uses), saved as "ANSI"."""
    path = content.root.parent / "garbage.csv"
    header = [fold(cell) for cell in HEADER]
    values = ["1", "Ðøß ¿¿ ÿþ", "¿Ðø¿", "So Tai chinh", "¿¿ ÿþ", "Phan I", "Ðø ¿", "Ðø ¿", "Khong", "", "31/12/2024", "btv-tinh-uy"]
    path.write_bytes((",".join(header) + "\r\n" + ",".join(values) + "\r\n").encode("cp1252"))
    code, out = run(capsys, str(path), "--year", "2024")
    assert code == 1
    assert "dotpha import: garbage.csv: văn bản có ký tự lạ" in out and "Unikey" in out
    assert registrations(content) == []


# ---------------------------------------------------------------- packages that would hang the machine


def bomb_xlsx(path: Path, sheet_xml: bytes) -> Path:
    """A workbook whose first worksheet part is replaced by `sheet_xml`, the rest as openpyxl writes it."""
    import zipfile

    good = path.with_suffix(".good.xlsx")
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.save(good)
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, data)
    good.unlink()
    return path


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'


def test_two_cells_far_apart_are_refused_before_openpyxl_fills_their_rectangle(content, capsys):
    cells = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = bomb_xlsx(content.root.parent / "xa.xlsx", SHEET % cells)
    code, out = run(capsys, str(path), "--year", "2024")
    assert code == 1
    assert "xa.xlsx[xl/worksheets/sheet1.xml]: trang tính quá lớn (đến dòng 1048576" in out
    assert registrations(content) == []


def test_many_small_rows_are_refused_at_the_row_limit(content, capsys):
    cells = b"".join(b"<row><c><v>1</v></c></row>" for _ in range(20_001))  # no r= attributes: counted
    path = bomb_xlsx(content.root.parent / "dai.xlsx", SHEET % cells)
    code, out = run(capsys, str(path), "--year", "2024")
    assert code == 1 and "(đến dòng 20001, cột 1); giới hạn 20000 dòng, 200 cột, 1000000 ô" in out


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_package_that_unpacks_past_the_limit_is_refused_unread(content, capsys, suffix):
    import zipfile

    path = content.root.parent / f"bom{suffix}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("padding.bin", b"\0" * (65 << 20))
    assert path.stat().st_size < 1 << 20
    code, out = run(capsys, str(path), "--year", "2024")
    assert code == 1
    assert f"bom{suffix}: tệp giải nén ra 65 MB, quá giới hạn 64 MB" in out
