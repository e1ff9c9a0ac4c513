"""`dotpha summary PERSON YEAR -o FILE.docx`: an official's year as a Word document (tools/summary.py)."""

from __future__ import annotations

import datetime as dt

import docx
from test_person_year import PERSON, two_years

from generator.cli import main


def summary(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["summary", "--content", "content", "--as-of", "2024-12-31", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_document_holds_the_officials_year(content, capsys, tmp_path):
    two_years(content)
    code, out, err = summary(capsys, "nguyen-van-an", "2024", "-o", "ket-qua/nam-2024.docx")
    assert (code, err) == (0, "") and out == "Đã ghi ket-qua/nam-2024.docx.\n"
    document = docx.Document(tmp_path / "ket-qua" / "nam-2024.docx")
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "KẾT QUẢ THỰC HIỆN ĐĂNG KÝ GIẢI QUYẾT VIỆC KHÓ, VIỆC MỚI CÓ TÍNH ĐỘT PHÁ, SÁNG TẠO NĂM 2024"
    assert "Họ và tên: Nguyễn Văn An" in paragraphs and "Chức vụ: Giám đốc Sở" in paragraphs and "Đơn vị: Sở Tài chính" in paragraphs
    assert "Đăng ký 2 việc: 1 hoàn thành đúng hạn, 1 quá hạn chưa hoàn thành." in paragraphs
    assert any("Khắc phục hạn chế «chậm giải quyết hồ sơ»" in p for p in paragraphs)
    assert paragraphs[-1] == "Số liệu tính đến ngày 31/12/2024."  # outside git: no version
    header, table = document.tables
    assert [c.text for c in header.rows[0].cells] == ["TỈNH ỦY\nBAN TỔ CHỨC\n*", "ĐẢNG CỘNG SẢN VIỆT NAM\n......, ngày 31 tháng 12 năm 2024"]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][:3] == ["STT", "Tên công việc đăng ký", "Phần"] and len(rows) == 3
    first = rows[1]
    assert first[1] == "Quyết toán dứt điểm các dự án tồn đọng" and first[3] == "30/09/2024"
    assert first[4] == "Hoàn thành\nHoàn thành đúng hạn"
    assert first[6] == "10/05/2024: Thiếu hồ sơ gốc. (đề nghị hỗ trợ: UBND tỉnh) Đã tháo gỡ 01/06/2024: Sở Xây dựng cấp bản sao."
    assert first[7] == "Hoàn thành (20/12/2024)\nLàm tốt, đúng hạn.\nBan Thường vụ Tỉnh ủy"
    assert rows[2][1] == "Số hóa hồ sơ" and rows[2][7].startswith("Chưa đánh giá")
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm), round(section.left_margin.mm)) == (210, 297, 30)
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 13.0)


def test_a_name_without_diacritics_finds_the_person(content, capsys, tmp_path):
    two_years(content)
    code, _, err = summary(capsys, "nguyen van an", "2024", "-o", "a.docx")
    assert (code, err) == (0, "") and (tmp_path / "a.docx").is_file()


def test_an_unknown_person_or_year_is_refused_with_what_exists(content, capsys, tmp_path):
    two_years(content)
    code, _, err = summary(capsys, "nguyen-van-anh", "2024", "-o", "a.docx")
    assert code == 1 and err == "dotpha: không có cán bộ «nguyen-van-anh» trong các đăng ký; có phải: Nguyễn Văn An (nguyen-van-an)?\n"
    code, _, err = summary(capsys, "nguyen-van-an", "2023", "-o", "a.docx")
    assert code == 1 and err == "dotpha: Nguyễn Văn An (nguyen-van-an) không có đăng ký năm 2023; có các năm: 2024, 2025\n"
    code, _, err = summary(capsys, "nguyen-van-an", "2024", "-o", "a.pdf")
    assert code == 2 and "phải có đuôi .docx" in err
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob(".a.docx*"))


def test_two_people_of_one_name_need_their_ids(content, capsys):
    content.registration(registrant={**PERSON, "person": "nguyen-van-an-1"})
    content.registration(id="2024-stc-02", title="Khác", registrant={**PERSON, "person": "nguyen-van-an-2"}, schedule={"due": dt.date(2025, 3, 31)})
    code, _, err = summary(capsys, "Nguyễn Văn An", "2024", "-o", "a.docx")
    assert code == 1 and err == "dotpha: có 2 cán bộ tên «Nguyễn Văn An»; ghi mã cán bộ: nguyen-van-an-1, nguyen-van-an-2\n"
