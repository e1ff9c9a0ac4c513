"""The loader: bytes → NFC text → YAML with line marks, and what it refuses.

Most tests go through `load_content`, so they also show that a refused file is
reported with the other files' problems; a few call the loader directly.
"""

from __future__ import annotations

import os
import unicodedata

import pytest
from conftest import DIFFICULT, REG_PATH, dump

from generator.domain.load import MAX_BYTES, Document, load_document, parse_document

P = REG_PATH
REG = REG_PATH.removeprefix("content/")
BASE = dump(DIFFICULT)


def parse(text: str) -> tuple[object, list[str]]:
    document, problems = parse_document(text, "f.yml")
    return (document.data if document else None), [p.render() for p in problems]


# ---------------------------------------------------------------- encodings and text


def test_bom_and_crlf_file_loads(content):
    content.registration(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode("utf-8"))
    registration = content.load().entries[0].registration
    assert registration.title == "Quyết toán dứt điểm các dự án tồn đọng"
    assert registration.registrant.name == "Nguyễn Văn An"


def test_bom_and_crlf_keep_line_numbers(content):
    content.registration(b"\xef\xbb\xbf" + BASE.replace("btv-tinh-uy", "btv").replace("\n", "\r\n").encode("utf-8"))
    assert content.errors() == [f"{P}:9:12: evaluator: không có cấp đánh giá «btv» trong units.yml"]


def test_nfd_text_becomes_nfc(content):
    decomposed = unicodedata.normalize("NFD", BASE)
    assert decomposed != BASE
    content.registration(decomposed)
    registration = content.load().entries[0].registration
    assert registration.title == "Quyết toán dứt điểm các dự án tồn đọng"
    assert unicodedata.is_normalized("NFC", registration.registrant.name)


def test_nfd_units_file_becomes_nfc(content):
    units = (content.root / "units.yml").read_text(encoding="utf-8")
    content.units(unicodedata.normalize("NFD", units))
    content.registration()
    assert content.load().units["so-tai-chinh"].name == "Sở Tài chính"


def test_invalid_utf8_is_refused_at_its_line(content):
    raw = BASE.encode("utf-8").replace("Quyết".encode("utf-8"), "Quy\xeat".encode("latin-1"))
    content.registration(raw)
    position = raw.index(b"\xea")
    assert content.errors() == [f"{P}:4:1: tệp không phải UTF-8 hợp lệ (byte {position})"]
    assert content.errors("en") == [f"{P}:4:1: file is not valid UTF-8 (byte {position})"]


def test_utf16_file_is_refused(content):
    content.registration(BASE.encode("utf-16"))
    assert content.errors() == [f"{P}:1:1: tệp không phải UTF-8 hợp lệ (byte 0)"]


def test_nul_byte_is_refused_at_its_line_and_column(content):
    content.registration(BASE.replace("title: Quyết", "title: Quy\x00ết"))
    assert content.errors() == [f"{P}:4:11: tệp chứa ký tự điều khiển không hợp lệ"]
    assert content.errors("en") == [f"{P}:4:11: file holds invalid control characters"]


def test_other_control_characters_are_refused(content):
    content.registration("\x1b[31m" + BASE)
    assert content.errors() == [f"{P}:1:1: tệp chứa ký tự điều khiển không hợp lệ"]


@pytest.mark.parametrize("character", ["\x0b", "\x85", "\x9b", "\u2028", "\ufffe"])
def test_line_breaks_yaml_would_miscount_and_c1_controls_are_refused(content, character):
    content.registration(BASE.replace("title: Quyết", f"title: Quy{character}ết"))
    assert content.errors() == [f"{P}:4:11: tệp chứa ký tự điều khiển không hợp lệ"]


def test_tabs_inside_values_are_text():
    assert parse("title:\tTên\t# ghi chú\n") == ({"title": "Tên"}, [])


# ---------------------------------------------------------------- size


def test_file_over_one_mebibyte_is_refused(content):
    text = BASE + "#" * (MAX_BYTES - len(BASE.encode("utf-8"))) + "\n"
    content.registration(text)
    size = len(text.encode("utf-8"))
    assert size == MAX_BYTES + 1
    assert content.errors() == [f"{P}:1:1: tệp lớn hơn 1048576 byte ({size} byte)"]
    assert content.errors("en") == [f"{P}:1:1: file is larger than 1048576 bytes ({size} bytes)"]


def test_file_of_exactly_one_mebibyte_loads(content):
    text = BASE + "#" * (MAX_BYTES - len(BASE.encode("utf-8")) - 1) + "\n"
    assert len(text.encode("utf-8")) == MAX_BYTES
    content.registration(text)
    assert content.errors() == []


# ---------------------------------------------------------------- YAML features refused


def test_anchor_is_refused(content):
    content.registration(BASE.replace("content: Rà soát", "content: &noi-dung Rà soát"))
    assert content.errors() == [f"{P}:11:10: content: không được dùng anchor/alias YAML (&, *)"]
    assert content.errors("en") == [f"{P}:11:10: content: YAML anchors and aliases (&, *) are not allowed"]


def test_anchor_and_alias_report_the_anchor(content):
    text = BASE.replace("content: Rà soát, phân loại từng dự án.", "content: &noi-dung Rà soát.").replace(
        "impact: Giải phóng vốn còn treo trên sổ sách.", "impact: *noi-dung"
    )
    content.registration(text)
    assert content.errors() == [f"{P}:11:10: content: không được dùng anchor/alias YAML (&, *)"]


def test_alias_alone_is_refused(content):
    content.registration(BASE.replace("impact: Giải phóng vốn còn treo trên sổ sách.", "impact: *noi-dung"))
    assert content.errors() == [f"{P}:12:9: impact: không được dùng anchor/alias YAML (&, *)"]


def test_anchor_on_a_mapping_is_refused(content):
    content.registration(BASE.replace("registrant:\n", "registrant: &nguoi\n"))
    assert content.errors() == [f"{P}:5:13: registrant: không được dùng anchor/alias YAML (&, *)"]


def test_anchor_on_a_key_is_refused():
    assert parse("&k title: x\n") == (None, ["f.yml:1:1: không được dùng anchor/alias YAML (&, *)"])


def test_alias_as_a_key_is_refused():
    assert parse("a: 1\n*k : x\n") == (None, ["f.yml:2:1: không được dùng anchor/alias YAML (&, *)"])


def test_merge_key_is_refused(content):
    content.registration(BASE.replace("  start: 2024-04-01\n", "  <<: {start: 2024-04-01}\n"))
    assert content.errors() == [f"{P}:15:3: schedule: không được dùng khóa gộp YAML (<<)"]
    assert content.errors("en") == [f"{P}:15:3: schedule: YAML merge keys (<<) are not allowed"]


def test_quoted_merge_key_is_only_an_unknown_key(content):
    content.registration(BASE.replace("  start: 2024-04-01\n", "  '<<': 2024-04-01\n"))
    assert content.errors() == [f"{P}:15:3: schedule.<<: khóa không hợp lệ «<<»"]


def test_tags_other_than_plain_scalars_are_refused(content):
    content.registration(BASE.replace("title: Quyết", "title: !!binary Quyết"))
    assert content.errors() == [f"{P}:4:8: title: không được dùng thẻ kiểu YAML «!!binary»"]
    assert content.errors("en") == [f"{P}:4:8: title: the YAML tag '!!binary' is not allowed"]


def test_explicit_str_tag_keeps_text():
    assert parse("year: !!str 2024\n") == ({"year": "2024"}, [])


def test_complex_key_is_refused():
    assert parse("? [a, b]\n: 1\n") == (None, ["f.yml:1:3: khóa phải là chuỗi"])


def test_nesting_deeper_than_the_limit_is_refused():
    data, problems = parse("a: " + "[" * 45 + "]" * 45 + "\n")
    assert data is None
    assert problems == [f"f.yml:1:{4 + 40}: a{'.0' * 40}: cấu trúc lồng quá sâu (hơn 40 cấp)"]


# ---------------------------------------------------------------- duplicate keys


def test_duplicate_key_is_refused_with_the_first_line(content):
    content.registration(tail="title: Tên khác\n")
    assert content.errors() == [f"{P}:18:1: title: khóa bị lặp lại (đã có ở dòng 4)"]
    assert content.errors("en") == [f"{P}:18:1: title: duplicate key (first at line 4)"]


def test_duplicate_nested_key_is_refused(content):
    content.registration(BASE.replace("  due: 2024-12-31\n", "  due: 2024-12-31\n  due: 2024-11-30\n"))
    assert content.errors() == [f"{P}:17:3: schedule.due: khóa bị lặp lại (đã có ở dòng 16)"]


def test_duplicate_key_is_reported_with_the_other_problems_of_the_file(content):
    content.registration(BASE.replace("btv-tinh-uy", "btv"), tail="status: completed\n")
    assert content.errors() == [
        f"{P}:9:12: evaluator: không có cấp đánh giá «btv» trong units.yml",
        f"{P}:18:1: status: khóa bị lặp lại (đã có ở dòng 17)",
    ]


def test_duplicate_key_keeps_the_first_value_and_duplicates_inside_the_second_are_reported():
    data, problems = parse("a: 1\nb:\n  c: 2\na:\n  a: 3\n  a: 4\n")
    assert data == {"a": 1, "b": {"c": 2}}
    assert problems == [
        "f.yml:4:1: a: khóa bị lặp lại (đã có ở dòng 1)",
        "f.yml:6:3: a.a: khóa bị lặp lại (đã có ở dòng 5)",  # inside the value dropped, still reported
    ]


# ---------------------------------------------------------------- syntax and shape of the file


def test_tab_indentation_is_refused(content):
    content.registration(BASE.replace("  name: Nguyễn", "\tname: Nguyễn"))
    assert content.errors() == [f"{P}:6:1: không được thụt lề bằng ký tự tab, hãy dùng dấu cách"]
    assert content.errors("en") == [f"{P}:6:1: tab characters cannot indent YAML; use spaces"]


def test_syntax_error_names_its_line(content):
    content.registration(BASE.replace("tags", "x"), tail="tags: [giai-phong\n")
    [error] = content.errors()
    assert error.startswith(f"{P}:19:1: lỗi cú pháp YAML: ")


def test_unclosed_quote_is_a_syntax_error():
    data, [problem] = parse('title: "Tên\nyear: 2024\n')
    assert data is None
    assert problem.startswith("f.yml:") and ": lỗi cú pháp YAML: " in problem


@pytest.mark.parametrize("text", ["", "\n\n", "# chỉ có ghi chú\n", "---\n", "~\n"])
def test_empty_file_is_refused(content, text):
    content.registration(text)
    assert content.errors() == [f"{P}:1:1: tệp rỗng"]


def test_empty_file_in_english(content):
    content.registration("")
    assert content.errors("en") == [f"{P}:1:1: the file is empty"]


@pytest.mark.parametrize("text", ["- id: 2024-stc-01\n- year: 2024\n", "Quyết toán dự án\n", "2024\n"])
def test_top_level_must_be_a_mapping(content, text):
    content.registration(text)
    assert content.errors() == [f"{P}:1:1: nội dung tệp phải là một bảng khóa: giá trị"]


def test_second_document_is_refused(content):
    content.registration(BASE + "---\n" + BASE)
    assert content.errors() == [f"{P}:18:1: tệp chỉ được chứa một tài liệu YAML"]
    assert content.errors("en") == [f"{P}:18:1: the file must hold a single YAML document"]


def test_explicit_document_markers_are_fine(content):
    content.registration("---\n" + BASE + "...\n")
    assert content.errors() == []


# ---------------------------------------------------------------- values and marks


def test_scalars_are_typed_but_dates_stay_text():
    data, problems = parse(
        "d: 2024-03-15\nm: 2024-04\nn: 40\nf: 40.5\nb: true\nz: ~\ns: '40'\nv: Không\nl: [a, 1]\n"
    )
    assert problems == []
    assert data == {
        "d": "2024-03-15", "m": "2024-04", "n": 40, "f": 40.5, "b": True, "z": None, "s": "40", "v": "Không", "l": ["a", 1],
    }


def test_marks_of_values_and_keys():
    document, _ = parse_document("a: 1\nb:\n  c: x\n  d:\n    - y\n    - {e: z}\n", "f.yml")
    assert document.mark(("a",)) == (1, 4)
    assert document.key_mark(("a",)) == (1, 1)
    assert document.mark(("b", "c")) == (3, 6)
    assert document.key_mark(("b", "d")) == (4, 3)
    assert document.mark(("b", "d", 1, "e")) == (6, 11)
    assert document.mark(("b", "d", 0)) == (5, 7)


def test_mark_falls_back_to_the_nearest_enclosing_value():
    document, _ = parse_document("a:\n  b: 1\n", "f.yml")
    assert document.mark(("a", "missing", "deeper")) == (2, 3)
    assert document.key_mark(("a", "missing")) == (2, 3)
    assert Document("f.yml", {}).mark(("x",)) == (1, 1)


def test_load_document_shows_paths_relative_to_the_working_folder(content):
    content.registration()
    document, problems = load_document(content.root / REG)
    assert (document.path, problems) == (P, [])


# ---------------------------------------------------------------- files in the content folder


def test_symlink_to_a_file_outside_the_content_folder_is_refused(content, tmp_path):
    outside = tmp_path / "outside.yml"
    outside.write_text(BASE, encoding="utf-8")
    (content.root / REG).parent.mkdir(parents=True)
    os.symlink(outside, content.root / REG)
    assert content.errors() == [f"{P}:1:1: liên kết tượng trưng trỏ ra ngoài thư mục nội dung"]
    assert content.errors("en") == [f"{P}:1:1: symbolic link points outside the content folder"]


def test_symlink_to_a_folder_outside_the_content_folder_is_refused(content, tmp_path):
    outside = tmp_path / "outside" / "so-tai-chinh"
    outside.mkdir(parents=True)
    (outside / "2025-stc-01.yml").write_text(BASE, encoding="utf-8")
    (content.root / "registrations").mkdir()
    os.symlink(tmp_path / "outside", content.root / "registrations" / "2025")
    assert content.errors() == ["content/registrations/2025:1:1: liên kết tượng trưng trỏ ra ngoài thư mục nội dung"]


def test_relative_symlink_escaping_the_content_folder_is_refused(content, tmp_path):
    (tmp_path / "outside.yml").write_text(BASE, encoding="utf-8")
    (content.root / REG).parent.mkdir(parents=True)
    os.symlink("../../../../outside.yml", content.root / REG)
    assert content.errors() == [f"{P}:1:1: liên kết tượng trưng trỏ ra ngoài thư mục nội dung"]


def test_symlink_inside_the_content_folder_is_followed(content):
    content.write("drafts/2024-stc-01.yml", BASE)
    (content.root / REG).parent.mkdir(parents=True)
    os.symlink("../../../drafts/2024-stc-01.yml", content.root / REG)
    assert [entry.id for entry in content.load().entries] == ["2024-stc-01"]


def test_dangling_symlink_is_reported_not_raised(content):
    (content.root / REG).parent.mkdir(parents=True)
    os.symlink("khong-co.yml", content.root / REG)
    assert content.errors() == [f"{P}:1:1: không đọc được tệp (No such file or directory)"]


@pytest.mark.parametrize(
    "name", ["Bad Name.yml", "x.yaml", "2024-STC-01.yml", "2024-stc-01.YML", "2024_stc_01.yml", "ghi-chu.md", "2024-stc-01"]
)
def test_bad_file_names_are_refused(content, name):
    shown = content.write(f"registrations/2024/so-tai-chinh/{name}", BASE)
    assert content.errors() == [f"{shown}:1:1: tên tệp phải là mã hợp lệ (a-z, 0-9, '-') và đuôi .yml"]


def test_bad_file_name_in_english(content):
    shown = content.write("registrations/2024/so-tai-chinh/x.yaml", BASE)
    assert content.errors("en") == [f"{shown}:1:1: file name must be a slug (a-z, 0-9, '-') ending in .yml"]


@pytest.mark.parametrize(
    "relative",
    [
        "registrations/2024/x.yml",
        "registrations/x.yml",
        "registrations/nam-2024/so-tai-chinh/x.yml",
        "registrations/2024/so-tai-chinh/cu/x.yml",
    ],
)
def test_misplaced_files_are_refused(content, relative):
    shown = content.write(relative, BASE)
    assert content.errors() == [f"{shown}:1:1: tệp đăng ký phải nằm ở registrations/<năm>/<mã-đơn-vị>/<mã>.yml"]


def test_misplaced_file_in_english(content):
    shown = content.write("registrations/2024/x.yml", BASE)
    assert content.errors("en") == [f"{shown}:1:1: registration files belong at registrations/<year>/<unit-id>/<id>.yml"]


def test_hidden_files_and_folders_are_ignored(content):
    content.registration()
    content.write("registrations/2024/so-tai-chinh/.DS_Store", b"\x00\x01")
    content.write("registrations/.git/2024/x.yml", "not: [valid")
    content.write("registrations/2024/.gitkeep", "")
    assert content.errors() == []


def test_files_outside_registrations_are_not_registrations(content):
    content.registration()
    content.write("pages/huong-dan.md", "# Hướng dẫn\n")
    content.write("notes.yml", "- not a registration\n")
    assert [e.id for e in content.load().entries] == ["2024-stc-01"]


def test_refused_files_are_reported_together_sorted(content):
    content.registration()
    content.write("registrations/2024/so-tai-chinh/2024-stc-02.yml", "")
    content.write("registrations/2024/so-tai-chinh/2024-stc-03.yml", BASE.replace("content: Rà", "content: &a Rà"))
    content.write("registrations/2024/huyen-uy-binh-son/2024-hubs-01.yml", b"\xff")
    content.write("registrations/2024/x.yml", BASE)
    assert content.errors() == [
        "content/registrations/2024/huyen-uy-binh-son/2024-hubs-01.yml:1:1: tệp không phải UTF-8 hợp lệ (byte 0)",
        "content/registrations/2024/so-tai-chinh/2024-stc-02.yml:1:1: tệp rỗng",
        "content/registrations/2024/so-tai-chinh/2024-stc-03.yml:11:10: content: không được dùng anchor/alias YAML (&, *)",
        "content/registrations/2024/x.yml:1:1: tệp đăng ký phải nằm ở registrations/<năm>/<mã-đơn-vị>/<mã>.yml",
    ]


def test_broken_units_file_is_reported(content):
    content.units("groups: [\n")
    content.registration()
    [error] = content.errors()
    assert error.startswith("content/units.yml:2:1: lỗi cú pháp YAML: ")


def test_symlink_to_a_folder_inside_the_content_folder_is_named_as_such(content):
    (content.root / "drafts").mkdir()
    (content.root / "registrations").mkdir()
    os.symlink("../drafts", content.root / "registrations" / "2025")
    assert content.errors() == [
        "content/registrations/2025:1:1: liên kết tượng trưng tới thư mục không được hỗ trợ; "
        "hãy đặt tệp trực tiếp trong content/registrations"
    ]
