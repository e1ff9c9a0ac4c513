"""`dotpha new`: the file it writes, the questions it asks, and what it refuses.

Runs in the `content` fixture's folder (conftest.py): units so-tai-chinh (STC),
so-ke-hoach-dau-tu (until 2023, replaced by so-tai-chinh), huyen-uy-binh-son
(until 30/6/2025), dang-uy-xa-binh-son (from 1/7/2025); evaluators
btv-tinh-uy, bcs-ubnd-tinh, dd-hdnd-tinh (until 2023).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys

import pytest
from conftest import UNITS_YML

from generator.cli import main
from generator.domain.schema import Kind, Registration, form_fields

AS_OF = "2024-03-01"
NEW = "content/registrations/2024/so-tai-chinh/2024-stc-01.yml"
REQUIRED = [
    "--kind", "difficult", "--unit", "so-tai-chinh", "--name", "Nguyễn Văn An",
    "--position", "Giám đốc Sở", "--evaluator", "btv-tinh-uy", "--title", "Quyết toán dự án tồn đọng",
]  # fmt: skip
OFFICIAL_FORM = {  # the numbered items of the official form, as printed on it
    Kind.difficult: [
        "1. Tên công việc đăng ký",
        "2. Nội dung, mục tiêu, nhiệm vụ, giải pháp thực hiện",
        "3. Nhận định tác động hiệu quả mang lại",
        "4. Dự kiến thời gian triển khai thực hiện và thời gian hoàn thành",
        "5. Đề xuất cấp trên chỉ đạo, hỗ trợ thực hiện",
    ],
    Kind.breakthrough: [
        "1. Tên công việc đăng ký",
        "2. Dự báo những khó khăn, vướng mắc khi triển khai thực hiện",
        "3. Nội dung, mục tiêu, nhiệm vụ, giải pháp thực hiện",
        "4. Nhận định tác động hiệu quả mang lại",
        "5. Dự kiến thời gian triển khai thực hiện và thời gian hoàn thành",
    ],
}


def new(*args: str, no_input: bool = True) -> int:
    return main(["new", "--content", "content", "--as-of", AS_OF, *(["--no-input"] if no_input else []), *args])


def with_(args: list[str], **changes: str) -> list[str]:
    """REQUIRED with some options changed (None drops one)."""
    result = list(args)
    for name, value in changes.items():
        flag = "--" + name.replace("_", "-")
        index = result.index(flag) if flag in result else None
        if index is not None:
            del result[index : index + 2]
        if value is not None:
            result += [flag, value]
    return result


class Terminal(io.StringIO):
    """Typed answers, one a line, on a stdin that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def answer(monkeypatch, *lines: str) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("".join(f"{line}\n" for line in lines)))


# ---------------------------------------------------------------- the file


def test_part_one_file_is_valid_at_once(content, capsys):
    assert new(*REQUIRED) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"Đã tạo {NEW} (Việc khó, nút thắt (Phần I); Sở Tài chính; năm 2024).",
        "Mở tệp và thay các đoạn «(Ghi …)» bằng nội dung thật.",
        "Không có lỗi: 1 đăng ký, 4 đơn vị.",
    ]
    assert err == ""
    registration = content.load(dt.date(2024, 3, 1)).entries[0].registration
    assert registration.id == "2024-stc-01"
    assert registration.status.value == "registered"
    assert registration.registered_on == dt.date(2024, 3, 1)
    assert registration.registrant.name == "Nguyễn Văn An"
    assert registration.content == "(Ghi nội dung, mục tiêu, nhiệm vụ, giải pháp thực hiện)\n"
    assert registration.impact == "(Ghi nhận định tác động hiệu quả mang lại)\n"
    assert registration.support_requested == "(Ghi đề xuất cấp trên chỉ đạo, hỗ trợ thực hiện)\n"
    assert registration.difficulties is None
    assert registration.schedule.due == dt.date(2024, 12, 31) and registration.schedule.start is None


@pytest.mark.parametrize("kind", list(Kind))
def test_items_follow_the_official_form(content, kind):
    assert new(*with_(REQUIRED, kind=kind.value)) == 0
    text = (content.root.parent / NEW).read_text(encoding="utf-8")
    headings = re.findall(r"^# (\d\. .+)$", text, re.MULTILINE)
    assert headings == OFFICIAL_FORM[kind]
    keys_after = re.findall(r"^# \d\. .+\n(?:# .*\n)*(\w+):", text, re.MULTILINE)
    assert keys_after == form_fields(kind)
    assert f"# {kind.label}\n" in text
    other = "difficulties" if kind is Kind.difficult else "support_requested"
    assert not re.search(rf"^#? *{other}:", text, re.MULTILINE)


def test_header_and_tracking_comments(content):
    assert new(*REQUIRED) == 0
    lines = (content.root.parent / NEW).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# Đơn đăng ký việc khó, việc mới có tính đột phá, sáng tạo"
    assert "kind: difficult  # Loại đăng ký: Việc khó, nút thắt (Phần I)" in lines
    assert "  name: Nguyễn Văn An  # Họ và tên" in lines
    assert "  position: Giám đốc Sở  # Chức vụ" in lines
    assert "  unit: so-tai-chinh  # Đơn vị công tác: Sở Tài chính" in lines
    assert "evaluator: btv-tinh-uy  # Cấp đánh giá: Ban Thường vụ Tỉnh ủy" in lines
    assert "status: registered" in lines
    assert "# updates:  # Tiến độ thực hiện: Báo cáo tiến độ, cũ trước mới sau." in lines
    assert "#   - date:  # Ngày báo cáo" in lines
    assert "# Chỉ Phần I; bắt buộc (có thể ghi “Không”)." in lines


def test_labels_come_from_the_schema(content, monkeypatch):
    monkeypatch.setattr(Registration.model_fields["impact"], "title", "Hiệu quả dự kiến")
    monkeypatch.setattr(Registration.model_fields["registrant"], "title", "Cán bộ đăng ký")
    assert new(*REQUIRED) == 0
    text = (content.root.parent / NEW).read_text(encoding="utf-8")
    assert "# 3. Hiệu quả dự kiến\nimpact: |\n  (Ghi hiệu quả dự kiến)\n" in text
    assert "registrant:  # Cán bộ đăng ký\n" in text


def test_values_are_quoted_only_when_yaml_needs_it(content):
    title = "Tháo gỡ: vướng mắc #1 trong GPMB"
    assert new(*with_(REQUIRED, title=title, position="yes", person="nguyen-van-an")) == 0
    text = (content.root.parent / NEW).read_text(encoding="utf-8")
    assert f"title: '{title}'\n" in text
    registration = content.load(dt.date(2024, 3, 1)).entries[0].registration
    assert (registration.title, registration.registrant.position, registration.registrant.person) == (title, "yes", "nguyen-van-an")


def test_schedule_from_options(content):
    assert new(*with_(REQUIRED, start="2024-04", due="2024-11-15")) == 0
    text = (content.root.parent / NEW).read_text(encoding="utf-8")
    assert "  start: 2024-04  # Thời gian bắt đầu: " in text
    assert "  # Thời gian hoàn thành: " in text and "\n  due: 2024-11-15\n" in text  # its help is long: above it
    schedule = content.load(dt.date(2024, 3, 1)).entries[0].registration.schedule
    assert (schedule.start, schedule.due) == (dt.date(2024, 4, 1), dt.date(2024, 11, 15))


def test_schema_line_only_when_the_schema_file_exists(content):
    assert new(*REQUIRED) == 0
    assert "yaml-language-server" not in (content.root.parent / NEW).read_text(encoding="utf-8")
    assert main(["schema", "-o", "content/registration.schema.json"]) == 0
    assert new(*REQUIRED) == 0
    second = content.root / "registrations/2024/so-tai-chinh/2024-stc-02.yml"
    first_line = second.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../../../registration.schema.json"
    assert (second.parent / first_line.split("=", 1)[1]).resolve() == (content.root / "registration.schema.json").resolve()


# ---------------------------------------------------------------- ids


def test_next_id_follows_the_highest_in_use(content):
    content.registration(id="2024-stc-07", path="registrations/2024/so-tai-chinh/2024-stc-07.yml")
    assert new(*REQUIRED) == 0
    assert (content.root / "registrations/2024/so-tai-chinh/2024-stc-08.yml").is_file()


def test_next_id_uses_the_unit_id_without_a_short_name(content):
    assert new(*with_(REQUIRED, unit="huyen-uy-binh-son")) == 0
    assert (content.root / "registrations/2024/huyen-uy-binh-son/2024-huyen-uy-binh-son-01.yml").is_file()


def test_never_overwrites(content, capsys):
    shown = content.registration()
    before = (content.root.parent / shown).read_bytes()
    assert new(*REQUIRED, "--id", "2024-stc-01") == 1
    assert capsys.readouterr().err == f"dotpha: đã có tệp {shown}; không ghi đè (dùng --id để đặt mã khác)\n"
    assert (content.root.parent / shown).read_bytes() == before


def test_refuses_an_id_used_in_another_year(content, capsys):
    content.registration(id="2023-stc-01", year=2023, path="registrations/2023/so-tai-chinh/2023-stc-01.yml")
    assert new(*REQUIRED, "--id", "2023-stc-01") == 1
    err = capsys.readouterr().err
    assert err == "dotpha: mã «2023-stc-01» bị trùng với content/registrations/2023/so-tai-chinh/2023-stc-01.yml\n"
    assert not (content.root / "registrations/2024").exists()


# ---------------------------------------------------------------- refusals


def test_missing_values_without_a_terminal(content, capsys):
    assert new("--kind", "I", "--unit", "stc", no_input=False) == 2  # pytest's stdin is no terminal
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "dotpha: thiếu --name (Họ và tên), --position (Chức vụ), --evaluator (Cấp đánh giá), "
        "--title (Tên công việc đăng ký). Ghi các tùy chọn này, hoặc chạy tại terminal để được hỏi từng mục.\n"
    )
    assert not (content.root / "registrations").exists()


def test_no_input_never_asks(content, monkeypatch, capsys):
    answer(monkeypatch, "should not be read")
    assert new(*with_(REQUIRED, title=None)) == 2
    assert "--title (Tên công việc đăng ký)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit": "so-tai-chinhh"}, "--unit: không có đơn vị «so-tai-chinhh» trong units.yml; có phải ý bạn là «so-tai-chinh»?"),
        ({"evaluator": "btv-tinh"}, "--evaluator: không có cấp đánh giá «btv-tinh» trong units.yml; có phải ý bạn là «btv-tinh-uy»?"),
        (
            {"unit": "so-ke-hoach-dau-tu"},
            "--unit: đơn vị «so-ke-hoach-dau-tu» không hoạt động trong năm 2024 (… – 31/12/2023); đơn vị kế thừa: «so-tai-chinh»",
        ),
        ({"unit": "dang-uy-xa-binh-son"}, "--unit: đơn vị «dang-uy-xa-binh-son» không hoạt động trong năm 2024 (01/07/2025 – …)"),
        ({"evaluator": "dd-hdnd-tinh"}, "--evaluator: cấp đánh giá «dd-hdnd-tinh» không hoạt động trong năm 2024 (… – 31/12/2023)"),
        ({"kind": "III"}, "--kind: giá trị «III» không hợp lệ; chọn một trong: difficult (Việc khó, nút thắt (Phần I)), "
                          "breakthrough (Việc mới, đột phá, sáng tạo (Phần II))"),  # fmt: skip
        ({"year": "20x4"}, "--year: phải là số nguyên, không phải văn bản «20x4»"),
        ({"year": "1999"}, "--year: phải lớn hơn hoặc bằng 2000 (đang là 1999)"),
        ({"due": "2024-02-30"}, "--due: ngày không tồn tại: 2024-02-30"),
        ({"due": "31/12/2024"}, "--due: «31/12/2024» không phải ngày YYYY-MM-DD hoặc tháng YYYY-MM"),
        ({"start": "2024-06", "due": "2024-05"}, "--due: thời gian hoàn thành 2024-05 trước thời gian bắt đầu 2024-06"),
        ({"person": "Nguyen Van An"}, "--person: «Nguyen Van An» không phải mã hợp lệ (chỉ chữ thường a-z, số 0-9 và dấu '-')"),
        ({"id": "2024_stc_01"}, "--id: «2024_stc_01» không phải mã hợp lệ (chỉ chữ thường a-z, số 0-9 và dấu '-')"),
        ({"title": "   "}, "--title: không được để trống"),
    ],
)
def test_refused_values(content, capsys, changes, message):
    assert new(*with_(REQUIRED, **changes)) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"dotpha: {message}\n")
    assert not (content.root / "registrations").exists()


def test_unit_alive_part_of_the_year_is_accepted(content):
    assert new(*with_(REQUIRED, year="2025", unit="huyen-uy-binh-son", due="2025-06")) == 0
    assert (content.root / "registrations/2025/huyen-uy-binh-son/2025-huyen-uy-binh-son-01.yml").is_file()


@pytest.mark.parametrize("given", ["STC", "stc", "Sở Tài chính", "so tai chinh"])
def test_unit_by_short_or_full_name(content, given):
    assert new(*with_(REQUIRED, unit=given)) == 0
    assert (content.root.parent / NEW).is_file()


def test_units_file_with_errors(content, capsys):
    content.units("groups: []\nunits: []\nevaluators: []\nextra: 1\n")
    assert new(*REQUIRED) == 1
    err = capsys.readouterr().err
    assert err.startswith("dotpha: units.yml có lỗi, chưa thể tạo đăng ký:\ncontent/units.yml:4:1: extra: khóa không hợp lệ «extra»")
    assert err.endswith("1 lỗi trong 1 tệp.\n")


def test_missing_content_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert new(*REQUIRED) == 2
    assert capsys.readouterr().err == "dotpha: không tìm thấy thư mục nội dung content\n"


def test_reports_problems_elsewhere_after_writing(content, capsys):
    content.registration(id="2024-stc-09", path="registrations/2024/so-tai-chinh/2024-stc-09.yml", status="done")
    assert new(*REQUIRED) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Đã tạo content/registrations/2024/so-tai-chinh/2024-stc-10.yml")
    assert out[2].startswith("content/registrations/2024/so-tai-chinh/2024-stc-09.yml:17:9: status: giá trị «done»")
    assert out[3:] == [
        "1 lỗi trong 1 tệp.",
        "Tệp mới hợp lệ; các lỗi trên có sẵn trong thư mục nội dung, cần sửa trước khi dựng trang.",
    ]


def test_content_folder_from_the_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - dotpha:\n      content_dir: data\n", encoding="utf-8")
    (tmp_path / "data/units.yml").write_text(UNITS_YML, encoding="utf-8")
    assert main(["new", "--config", "mkdocs.yml", "--as-of", AS_OF, "--no-input", *REQUIRED]) == 0
    assert (tmp_path / "data/registrations/2024/so-tai-chinh/2024-stc-01.yml").is_file()


# ---------------------------------------------------------------- questions


def test_asks_for_what_is_missing(content, monkeypatch, capsys):
    answer(
        monkeypatch,
        "",  # year: the default, 2024
        "2",  # kind: breakthrough, by number
        "xx",  # unknown unit: asked again
        "stc",
        "Nguyễn Văn An",
        "Giám đốc Sở",
        "",  # no person id
        "1",  # evaluator: btv-tinh-uy (the only other one alive in 2024 is bcs-ubnd-tinh)
        "Số hóa hồ sơ quyết toán",
        "2024-13",  # no such month: asked again
        "2024-04",
        "",  # due: the default, 2024-12
    )
    assert new(no_input=False) == 0
    out = capsys.readouterr().out
    assert "Năm đăng ký [2024]: " in out
    assert "    1. difficult – Việc khó, nút thắt (Phần I)\n" in out
    assert "  Các sở, ban, ngành cấp tỉnh\n    1. so-tai-chinh – Sở Tài chính\n  Các huyện ủy" in out
    assert "  không có đơn vị «xx» trong units.yml" in out
    assert "  ngày không tồn tại: 2024-13" in out
    assert "Thời gian hoàn thành [2024-12]: " in out
    registration = content.load(dt.date(2024, 3, 1)).entries[0].registration
    assert registration.kind is Kind.breakthrough
    assert (registration.registrant.unit, registration.evaluator) == ("so-tai-chinh", "btv-tinh-uy")
    assert registration.schedule.start == dt.date(2024, 4, 1)
    assert registration.registrant.person is None


def test_units_listed_are_those_alive_in_the_year(content, monkeypatch, capsys):
    answer(monkeypatch, "so-ke-hoach-dau-tu", "1", "", "", "")  # unit, asked again; person, start, due
    assert new("--year", "2024", "--kind", "I", "--name", "A", "--position", "B", "--evaluator", "btv-tinh-uy",
               "--title", "T", no_input=False) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "so-ke-hoach-dau-tu –" not in out
    assert "  đơn vị «so-ke-hoach-dau-tu» không hoạt động trong năm 2024 (… – 31/12/2023); đơn vị kế thừa: «so-tai-chinh»" in out
    assert "    2. huyen-uy-binh-son – Huyện ủy Bình Sơn (… – 30/06/2025)\n" in out
    assert "dang-uy-xa-binh-son" not in out


def test_suggests_the_person_id_already_used_for_the_name(content, monkeypatch, capsys):
    record = {"registrant": {"name": "Nguyễn Văn An", "position": "Giám đốc Sở", "unit": "so-tai-chinh", "person": "nguyen-van-an-stc"}}
    content.registration(id="2023-stc-01", year=2023, path="registrations/2023/so-tai-chinh/2023-stc-01.yml", **record)
    answer(monkeypatch, "", "", "", "")  # year, person, start, due: the defaults
    assert new(*REQUIRED, no_input=False) == 0
    assert "Mã cán bộ [nguyen-van-an-stc, '-' để bỏ trống]: " in capsys.readouterr().out
    entries = content.load(dt.date(2024, 3, 1)).entries
    assert [e.registration.registrant.person for e in entries] == ["nguyen-van-an-stc", "nguyen-van-an-stc"]


def test_end_of_input_cancels(content, monkeypatch, capsys):
    answer(monkeypatch, "2024", "1")
    assert new(no_input=False) == 1
    assert capsys.readouterr().err == "\ndotpha: đã hủy, không tạo tệp.\n"
    assert not (content.root / "registrations").exists()
