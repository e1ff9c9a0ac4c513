"""Every validation rule of CONTENT-SPEC: exact messages, lines and columns.

Line numbers refer to the base registrations laid out in conftest.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import AS_OF, BREAKTHROUGH, DIFFICULT, DROP, REG_PATH, dump

from generator.domain.problems import ContentError
from generator.domain.schema import Kind, Status

P = REG_PATH
SLUG_HELP = "không phải mã hợp lệ (chỉ chữ thường a-z, số 0-9 và dấu '-')"


def renamed(data: dict, old: str, new: str) -> dict:
    """The same record with one top-level key renamed in place."""
    return {(new if key == old else key): value for key, value in data.items()}


def schedule(**changes) -> dict:
    return {**DIFFICULT["schedule"], **changes}


UPDATES = """\
updates:
  - date: 2024-06-30
    progress: 40
    text: Đã kiểm đếm 120/300 hộ.
"""


# ---------------------------------------------------------------- valid registrations


def test_minimal_difficult_registration_passes(content):
    content.registration()
    loaded = content.load()
    assert [entry.id for entry in loaded.entries] == ["2024-stc-01"]
    registration = loaded.entries[0].registration
    assert registration.kind is Kind.difficult
    assert registration.support_requested == "Không"
    assert registration.status is Status.in_progress
    assert loaded.entries[0].source == "registrations/2024/so-tai-chinh/2024-stc-01.yml"


def test_minimal_breakthrough_registration_passes(content):
    content.registration(kind="breakthrough")
    registration = content.load().entries[0].registration
    assert registration.kind is Kind.breakthrough
    assert registration.difficulties == "Cán bộ chưa quen quy trình số."
    assert registration.support_requested is None


def test_optional_fields_may_be_left_out_and_id_comes_from_the_file_name(content):
    content.registration(
        id=DROP, registered_on=DROP, schedule={"due": dt.date(2024, 12, 31)}, path="registrations/2024/so-tai-chinh/quyet-toan.yml"
    )
    [entry] = content.load().entries
    assert entry.id == "quyet-toan"
    assert entry.registration.id is None
    assert entry.registration.schedule.start is None


def test_a_full_registration_passes(content):
    content.registration(
        status="completed",
        schedule=schedule(completed_on=dt.date(2024, 11, 30)),
        tail="""\
updates:
  - date: 2024-06-30
    progress: 40
    text: Đã hoàn thành kiểm đếm 120/300 hộ.
  - date: 2024-06-30
    text: Cùng ngày, báo cáo bổ sung.
  - date: 2024-11-30
    progress: 100
    text: Hoàn thành.
obstacles:
  - raised_on: 2024-05-10
    text: Chưa có giá đất cụ thể để lập phương án bồi thường.
    support_from: UBND tỉnh
    resolved_on: 2024-08-01
    resolution: UBND tỉnh phê duyệt giá đất ngày 25/7/2024.
  - raised_on: 2024-09-10
    text: Còn 3 hộ chưa nhận tiền.
result:
  assessed_on: 2024-12-20
  outcome: completed
  comment: Hoàn thành đúng hạn.
links:
  - title: Kế hoạch số 12/KH-STC
    url: https://intranet.example/vb/12-kh-stc.pdf
  - title: Công văn
    url: http://intranet.example/vb/cv.pdf
tags: [giai-phong-mat-bang, dau-tu-cong]
visibility: internal
""",
    )
    registration = content.load().entries[0].registration
    assert registration.latest_progress == 100
    assert [o.text for o in registration.open_obstacles] == ["Còn 3 hộ chưa nhận tiền."]
    assert registration.visibility.value == "internal"


def test_month_form_is_accepted_for_start_and_due(content):
    content.registration(schedule={"start": "2024-04", "due": "2024-12"})
    planned = content.load().entries[0].registration.schedule
    assert (planned.start, planned.start.month_only) == (dt.date(2024, 4, 1), True)
    assert (planned.due, planned.due.month_only) == (dt.date(2024, 12, 31), True)


def test_start_and_due_in_the_same_month_pass(content):
    content.registration(schedule={"start": "2024-02", "due": "2024-02"})
    assert content.load().entries[0].registration.schedule.due == dt.date(2024, 2, 29)


def test_units_and_evaluators_alive_for_part_of_the_year_pass(content):
    content.registration(
        id="2025-hubs-01",
        year=2025,
        registrant={**DIFFICULT["registrant"], "unit": "huyen-uy-binh-son"},
        registered_on=dt.date(2025, 3, 1),
        schedule={"due": dt.date(2025, 6, 30)},
    )
    content.registration(
        id="2023-skhdt-01",
        year=2023,
        registrant={**DIFFICULT["registrant"], "unit": "so-ke-hoach-dau-tu"},
        evaluator="dd-hdnd-tinh",
        registered_on=dt.date(2023, 3, 1),
        schedule={"due": dt.date(2023, 12, 31)},
    )
    assert content.errors(as_of=dt.date(2025, 12, 31)) == []


# ---------------------------------------------------------------- unknown keys


def test_unknown_top_level_key_suggests_the_field_meant(content):
    content.registration(renamed(DIFFICULT, "title", "titel"))
    assert content.errors() == [
        f"{P}:1:1: title: thiếu trường bắt buộc «Tên công việc đăng ký»",
        f"{P}:4:1: titel: khóa không hợp lệ «titel»; có phải ý bạn là «title»?",
    ]


def test_unknown_nested_key_suggests_the_field_meant(content):
    content.registration(schedule={"start": dt.date(2024, 4, 1), "deu": dt.date(2024, 12, 31)})
    assert content.errors() == [
        f"{P}:14:1: schedule.due: thiếu trường bắt buộc «Thời gian hoàn thành»",
        f"{P}:16:3: schedule.deu: khóa không hợp lệ «deu»; có phải ý bạn là «due»?",
    ]


def test_unknown_key_in_a_list_item_suggests_the_field_meant(content):
    content.registration(tail=UPDATES.replace("progress", "progess"))
    assert content.errors() == [
        f"{P}:20:5: updates.0.progess: khóa không hợp lệ «progess»; có phải ý bạn là «progress»?",
    ]


def test_unknown_key_without_a_close_match_gets_no_suggestion(content):
    content.registration(ghi_chu="Ghi chú thêm")
    assert content.errors() == [f"{P}:18:1: ghi_chu: khóa không hợp lệ «ghi_chu»"]


def test_unknown_key_in_english(content):
    content.registration(renamed(DIFFICULT, "title", "titel"))
    assert content.errors("en") == [
        f"{P}:1:1: title: missing required field",
        f"{P}:4:1: titel: unknown key 'titel'; did you mean 'title'?",
    ]


# ---------------------------------------------------------------- required fields


def test_missing_required_fields_are_all_reported(content):
    content.registration(title=DROP, content=DROP, status=DROP)
    assert content.errors() == [
        f"{P}:1:1: content: thiếu trường bắt buộc «Nội dung, mục tiêu, nhiệm vụ, giải pháp thực hiện»",
        f"{P}:1:1: status: thiếu trường bắt buộc «Trạng thái»",
        f"{P}:1:1: title: thiếu trường bắt buộc «Tên công việc đăng ký»",
    ]


def test_missing_nested_required_field_points_at_its_parent_key(content):
    content.registration(registrant={"name": "Nguyễn Văn An", "unit": "so-tai-chinh"})
    assert content.errors() == [f"{P}:5:1: registrant.position: thiếu trường bắt buộc «Chức vụ»"]


def test_missing_field_in_a_list_item_points_at_the_item(content):
    content.registration(tail="updates:\n  - date: 2024-06-30\n")
    assert content.errors() == [f"{P}:19:5: updates.0.text: thiếu trường bắt buộc «Nội dung tiến độ»"]


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("obstacles:\n  - text: Chưa có giá đất.\n", "19:5: obstacles.0.raised_on: thiếu trường bắt buộc «Ngày phát sinh»"),
        ("result:\n  assessed_on: 2024-12-20\n", "18:1: result.outcome: thiếu trường bắt buộc «Kết quả»"),
        ("links:\n  - url: https://example.org/a.pdf\n", "19:5: links.0.title: thiếu trường bắt buộc «Tên văn bản»"),
    ],
)
def test_list_items_and_result_need_their_fields(content, tail, expected):
    content.registration(tail=tail)
    assert content.errors() == [f"{P}:{expected}"]


def test_empty_required_value_is_blank(content):
    content.registration(dump(DIFFICULT).replace("title: Quyết toán dứt điểm các dự án tồn đọng", "title:"))
    assert content.errors() == [f"{P}:4:7: title: không được để trống"]


@pytest.mark.parametrize(
    ("line", "empty", "expected"),
    [
        ("status: in_progress", "status:", "17:8: status: không được để trống"),
        ("evaluator: btv-tinh-uy", "evaluator:", "9:11: evaluator: không được để trống"),
        ("  due: 2024-12-31", "  due:", "16:7: schedule.due: không được để trống"),
        ("  start: 2024-04-01\n  due: 2024-12-31", "", "14:10: schedule: không được để trống"),
    ],
)
def test_empty_values_of_other_types_are_blank(content, line, empty, expected):
    content.registration(dump(DIFFICULT).replace(line + "\n", empty + "\n" if empty else ""))
    assert content.errors() == [f"{P}:{expected}"]


def test_whitespace_only_text_is_blank(content):
    content.registration(impact="   ")
    assert content.errors() == [f"{P}:12:9: impact: không được để trống"]


# ---------------------------------------------------------------- wrong types


def test_number_where_text_is_expected(content):
    content.registration(title=2024)
    assert content.errors() == [f"{P}:4:8: title: phải là văn bản, không phải số 2024"]
    assert content.errors("en") == [f"{P}:4:8: title: must be text, not number 2024"]


def test_text_where_a_whole_number_is_expected(content):
    content.registration(year="2024")
    assert content.errors() == [f"{P}:2:7: year: phải là số nguyên, không phải văn bản «2024»"]


def test_fraction_where_a_whole_number_is_expected(content):
    content.registration(tail="updates:\n  - date: 2024-06-30\n    progress: 40.5\n    text: Đã kiểm đếm.\n")
    assert content.errors() == [f"{P}:20:15: updates.0.progress: phải là số nguyên, không phải số 40.5"]


def test_yes_no_where_text_is_expected(content):
    content.registration(dump(DIFFICULT).replace("support_requested: Không", "support_requested: no"))
    assert content.errors() == [f"{P}:13:20: support_requested: phải là văn bản, không phải giá trị đúng/sai (false)"]
    assert content.errors("en") == [f"{P}:13:20: support_requested: must be text, not a true/false value (false)"]


def test_mapping_where_text_is_expected(content):
    content.registration(dump(DIFFICULT).replace("content: Rà soát, phân loại từng dự án.", "content: {a: 1}"))
    assert content.errors() == [f"{P}:11:10: content: phải là văn bản, không phải bảng khóa: giá trị"]


def test_text_where_a_mapping_is_expected(content):
    content.registration(registrant="Nguyễn Văn An")
    assert content.errors() == [f"{P}:5:13: registrant: phải là một bảng khóa: giá trị"]


def test_text_where_a_list_is_expected(content):
    content.registration(tags="giai-phong-mat-bang")
    assert content.errors() == [f"{P}:18:7: tags: phải là một danh sách (mỗi mục bắt đầu bằng '- ')"]


def test_list_where_text_is_expected(content):
    content.registration(title=["a", "b"])
    assert content.errors() == [f"{P}:5:1: title: phải là văn bản, không phải danh sách"]


def test_year_out_of_range(content):
    content.registration(year=1999, path=REG_PATH.removeprefix("content/"))
    assert content.errors() == [f"{P}:2:7: year: phải lớn hơn hoặc bằng 2000 (đang là 1999)"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"kind": "difficul"}, "3:7: kind: giá trị «difficul» không hợp lệ; chọn một trong: difficult, breakthrough"),
        (
            {"status": "done"},
            "17:9: status: giá trị «done» không hợp lệ; chọn một trong: "
            "registered, in_progress, completed, not_completed, paused, withdrawn",
        ),
        ({"visibility": "secret"}, "18:13: visibility: giá trị «secret» không hợp lệ; chọn một trong: public, internal"),
    ],
)
def test_enumerated_values(content, changes, expected):
    content.registration(**changes)
    assert content.errors() == [f"{P}:{expected}"]


def test_result_outcome_is_enumerated(content):
    content.registration(status="in_progress", tail="result:\n  assessed_on: 2024-12-20\n  outcome: done\n")
    assert content.errors() == [
        f"{P}:20:12: result.outcome: giá trị «done» không hợp lệ; chọn một trong: completed, partly_completed, not_completed"
    ]


# ---------------------------------------------------------------- units and evaluators


def test_unknown_unit_suggests_the_unit_meant(content):
    content.registration(registrant={**DIFFICULT["registrant"], "unit": "so-tai-chinhh"})
    assert content.errors() == [
        "content/registrations/2024/so-tai-chinhh/2024-stc-01.yml:8:9: registrant.unit: "
        "không có đơn vị «so-tai-chinhh» trong units.yml; có phải ý bạn là «so-tai-chinh»?"
    ]


def test_unknown_unit_without_a_close_match(content):
    content.registration(registrant={**DIFFICULT["registrant"], "unit": "tinh-doan"})
    assert content.errors() == [
        "content/registrations/2024/tinh-doan/2024-stc-01.yml:8:9: registrant.unit: không có đơn vị «tinh-doan» trong units.yml"
    ]


def test_unknown_evaluator_suggests_the_evaluator_meant(content):
    content.registration(evaluator="btv-tinh-u")
    assert content.errors() == [
        f"{P}:9:12: evaluator: không có cấp đánh giá «btv-tinh-u» trong units.yml; có phải ý bạn là «btv-tinh-uy»?"
    ]
    assert content.errors("en") == [f"{P}:9:12: evaluator: no evaluator 'btv-tinh-u' in units.yml; did you mean 'btv-tinh-uy'?"]


def test_unit_that_ceased_before_the_year(content):
    content.registration(registrant={**DIFFICULT["registrant"], "unit": "so-ke-hoach-dau-tu"})
    assert content.errors() == [
        "content/registrations/2024/so-ke-hoach-dau-tu/2024-stc-01.yml:8:9: registrant.unit: "
        "đơn vị «so-ke-hoach-dau-tu» không hoạt động trong năm 2024 (… – 31/12/2023)"
    ]


def test_unit_that_began_after_the_year(content):
    content.registration(registrant={**DIFFICULT["registrant"], "unit": "dang-uy-xa-binh-son"})
    assert content.errors() == [
        "content/registrations/2024/dang-uy-xa-binh-son/2024-stc-01.yml:8:9: registrant.unit: "
        "đơn vị «dang-uy-xa-binh-son» không hoạt động trong năm 2024 (01/07/2025 – …)"
    ]
    assert content.errors("en")[0].endswith(
        "registrant.unit: unit 'dang-uy-xa-binh-son' did not exist during 2024 (01/07/2025 – …)"
    )


def test_district_unit_is_refused_the_year_after_it_was_abolished(content):
    content.registration(
        id="2026-hubs-01",
        year=2026,
        registrant={**DIFFICULT["registrant"], "unit": "huyen-uy-binh-son"},
        registered_on=dt.date(2026, 3, 1),
        schedule={"due": dt.date(2026, 12, 31)},
    )
    assert content.errors(as_of=dt.date(2026, 12, 31)) == [
        "content/registrations/2026/huyen-uy-binh-son/2026-hubs-01.yml:8:9: registrant.unit: "
        "đơn vị «huyen-uy-binh-son» không hoạt động trong năm 2026 (… – 30/06/2025)"
    ]


def test_evaluator_that_ceased_before_the_year(content):
    content.registration(evaluator="dd-hdnd-tinh")
    assert content.errors() == [
        f"{P}:9:12: evaluator: cấp đánh giá «dd-hdnd-tinh» không hoạt động trong năm 2024 (… – 31/12/2023)"
    ]


# ---------------------------------------------------------------- duplicate ids


def test_same_file_name_in_two_unit_folders_is_a_duplicate_id(content):
    content.registration(id="2024-qt-01")
    content.registration(id="2024-qt-01", registrant={**DIFFICULT["registrant"], "unit": "huyen-uy-binh-son"})
    assert content.errors() == [
        "content/registrations/2024/so-tai-chinh/2024-qt-01.yml:1:5: id: "
        "mã «2024-qt-01» bị trùng với content/registrations/2024/huyen-uy-binh-son/2024-qt-01.yml"
    ]


def test_same_file_name_in_two_years_is_a_duplicate_id_even_without_id_keys(content):
    content.registration(id=DROP, path="registrations/2024/so-tai-chinh/quyet-toan.yml")
    content.registration(
        id=DROP,
        year=2025,
        registered_on=dt.date(2025, 3, 1),
        schedule={"due": dt.date(2025, 12, 31)},
        path="registrations/2025/so-tai-chinh/quyet-toan.yml",
    )
    assert content.errors(as_of=dt.date(2025, 12, 31)) == [
        "content/registrations/2025/so-tai-chinh/quyet-toan.yml:1:1: id: "
        "mã «quyet-toan» bị trùng với content/registrations/2024/so-tai-chinh/quyet-toan.yml"
    ]
    assert content.errors("en", as_of=dt.date(2025, 12, 31)) == [
        "content/registrations/2025/so-tai-chinh/quyet-toan.yml:1:1: id: "
        "id 'quyet-toan' is also used by content/registrations/2024/so-tai-chinh/quyet-toan.yml"
    ]


def test_three_files_with_one_id_report_the_later_two_against_the_first(content):
    for unit in ("so-tai-chinh", "huyen-uy-binh-son"):
        content.registration(id=DROP, registrant={**DIFFICULT["registrant"], "unit": unit}, path=f"registrations/2024/{unit}/qt.yml")
    content.registration(id=DROP, year=2025, schedule={"due": "2025-06"}, path="registrations/2025/so-tai-chinh/qt.yml")
    first = "content/registrations/2024/huyen-uy-binh-son/qt.yml"
    assert content.errors() == [
        f"content/registrations/2024/so-tai-chinh/qt.yml:1:1: id: mã «qt» bị trùng với {first}",
        f"content/registrations/2025/so-tai-chinh/qt.yml:1:1: id: mã «qt» bị trùng với {first}",
    ]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"registered_on": "2024-02-30"}, "10:16: registered_on: ngày không tồn tại: 2024-02-30"),
        ({"schedule": schedule(due="2024-02-30")}, "16:8: schedule.due: ngày không tồn tại: 2024-02-30"),
        ({"schedule": schedule(start="2024-13")}, "15:10: schedule.start: ngày không tồn tại: 2024-13"),
        ({"registered_on": "2024-04"}, "10:16: registered_on: «2024-04» không phải ngày dạng YYYY-MM-DD"),
        ({"registered_on": "15/03/2024"}, "10:16: registered_on: «15/03/2024» không phải ngày dạng YYYY-MM-DD"),
        ({"registered_on": "2024-3-15"}, "10:16: registered_on: «2024-3-15» không phải ngày dạng YYYY-MM-DD"),
        (
            {"schedule": schedule(completed_on="2024-11")},
            "17:17: schedule.completed_on: «2024-11» không phải ngày dạng YYYY-MM-DD",
        ),
        (
            {"schedule": schedule(due="tháng 12")},
            "16:8: schedule.due: «tháng 12» không phải ngày YYYY-MM-DD hoặc tháng YYYY-MM",
        ),
    ],
)
def test_dates_that_do_not_exist_or_are_malformed(content, changes, expected):
    content.registration(**changes)
    assert content.errors() == [f"{P}:{expected}"]


def test_year_alone_is_neither_a_date_nor_a_month(content):
    content.registration(schedule={"due": 2024})
    assert content.errors() == [f"{P}:15:8: schedule.due: «2024» không phải ngày YYYY-MM-DD hoặc tháng YYYY-MM"]


def test_obstacle_and_result_dates_must_exist(content):
    content.registration(
        status="in_progress",
        tail="obstacles:\n  - raised_on: 2024-04-31\n    text: Chưa có giá đất.\n"
        "result:\n  assessed_on: 2024-06\n  outcome: partly_completed\n",
    )
    assert content.errors() == [
        f"{P}:19:16: obstacles.0.raised_on: ngày không tồn tại: 2024-04-31",
        f"{P}:22:16: result.assessed_on: «2024-06» không phải ngày dạng YYYY-MM-DD",
    ]


def test_no_such_date_in_english(content):
    content.registration(registered_on="2024-02-30")
    assert content.errors("en") == [f"{P}:10:16: registered_on: no such date: 2024-02-30"]


def test_leap_day_exists(content):
    content.registration(registered_on="2024-02-29")
    assert content.errors() == []


def test_due_before_start(content):
    content.registration(schedule={"start": dt.date(2024, 6, 1), "due": dt.date(2024, 5, 31)})
    assert content.errors() == [f"{P}:16:8: schedule.due: thời gian hoàn thành 31/05/2024 trước thời gian bắt đầu 01/06/2024"]
    assert content.errors("en") == [f"{P}:16:8: schedule.due: due date 31/05/2024 is before the start 01/06/2024"]


def test_due_month_before_start_month(content):
    content.registration(schedule={"start": "2024-06", "due": "2024-05"})
    assert content.errors() == [f"{P}:16:8: schedule.due: thời gian hoàn thành 31/05/2024 trước thời gian bắt đầu 01/06/2024"]


# ---------------------------------------------------------------- updates


def test_updates_out_of_order(content):
    content.registration(
        tail="""\
updates:
  - date: 2024-09-30
    progress: 40
    text: Đã kiểm đếm 120/300 hộ.
  - date: 2024-06-30
    text: Đã lập kế hoạch.
""",
    )
    assert content.errors() == [
        f"{P}:22:11: updates.1.date: báo cáo tiến độ ngày 30/06/2024 đứng sau báo cáo ngày 30/09/2024: sắp xếp cũ trước mới sau"
    ]
    assert content.errors("en") == [
        f"{P}:22:11: updates.1.date: update of 30/06/2024 comes after the update of 30/09/2024: keep oldest first"
    ]


def test_update_after_the_as_of_date(content):
    content.registration(tail=UPDATES.replace("2024-06-30", "2025-01-15"))
    assert content.errors() == [f"{P}:19:11: updates.0.date: ngày 15/01/2025 sau ngày tính số liệu 31/12/2024"]
    assert content.errors(as_of=dt.date(2025, 1, 15)) == []


def test_update_on_the_as_of_date_passes(content):
    content.registration(tail=UPDATES.replace("2024-06-30", "2024-12-31"))
    assert content.errors(as_of=AS_OF) == []


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        (101, "phải nhỏ hơn hoặc bằng 100 (đang là 101)"),
        (-1, "phải lớn hơn hoặc bằng 0 (đang là -1)"),
    ],
)
def test_progress_outside_0_to_100(content, progress, expected):
    content.registration(tail=UPDATES.replace("40", str(progress)))
    assert content.errors() == [f"{P}:20:15: updates.0.progress: {expected}"]


def test_progress_101_in_english(content):
    content.registration(tail=UPDATES.replace("40", "101"))
    assert content.errors("en") == [f"{P}:20:15: updates.0.progress: must be at most 100 (is 101)"]


@pytest.mark.parametrize("progress", [0, 100])
def test_progress_bounds_pass(content, progress):
    content.registration(tail=UPDATES.replace("40", str(progress)))
    assert content.errors() == []


# ---------------------------------------------------------------- status


def test_completed_without_completed_on(content):
    content.registration(status="completed", tail=UPDATES)
    assert content.errors() == [
        f"{P}:17:9: status: trạng thái Hoàn thành cần schedule.completed_on (ngày hoàn thành thực tế)"
    ]


def test_completed_without_updates_or_result(content):
    content.registration(status="completed", schedule=schedule(completed_on=dt.date(2024, 11, 30)))
    assert content.errors() == [
        f"{P}:18:9: status: trạng thái Hoàn thành cần ít nhất một báo cáo tiến độ (updates) hoặc kết quả đánh giá (result)"
    ]


def test_completed_with_neither_date_nor_evidence_reports_both(content):
    content.registration(status="completed")
    assert content.errors("en") == [
        f"{P}:17:9: status: status completed needs schedule.completed_on",
        f"{P}:17:9: status: status completed needs at least one update or a result",
    ]


def test_completed_with_a_result_and_no_updates_passes(content):
    content.registration(
        status="completed",
        schedule=schedule(completed_on=dt.date(2024, 11, 30)),
        tail="result:\n  assessed_on: 2024-12-20\n  outcome: completed\n",
    )
    assert content.errors() == []


def test_result_on_a_registration_still_registered(content):
    content.registration(status="registered", tail="result:\n  assessed_on: 2024-12-20\n  outcome: completed\n")
    assert content.errors() == [f"{P}:18:1: result: đăng ký ở trạng thái Đã đăng ký chưa thể có kết quả đánh giá"]
    assert content.errors("en") == [f"{P}:18:1: result: a registration still registered cannot have a result"]


# ---------------------------------------------------------------- Part I / Part II fields


def test_support_requested_on_a_breakthrough(content):
    content.registration(kind="breakthrough", support_requested="Không")
    assert content.errors() == [
        f"{P}:18:1: support_requested: trường «Đề xuất cấp trên chỉ đạo, hỗ trợ thực hiện» chỉ dùng cho Phần I, không dùng cho Phần II"
    ]
    assert content.errors("en") == [f"{P}:18:1: support_requested: field 'support_requested' belongs to Part I only, not Part II"]


def test_difficulties_on_a_difficult_task(content):
    content.registration(difficulties="Thiếu cán bộ.")
    assert content.errors() == [
        f"{P}:18:1: difficulties: trường «Dự báo những khó khăn, vướng mắc khi triển khai thực hiện» "
        "chỉ dùng cho Phần II, không dùng cho Phần I"
    ]


def test_breakthrough_without_difficulties(content):
    content.registration(kind="breakthrough", difficulties=DROP)
    assert content.errors() == [
        f"{P}:3:7: difficulties: Phần II bắt buộc có trường «Dự báo những khó khăn, vướng mắc khi triển khai thực hiện»"
    ]
    assert content.errors("en") == [f"{P}:3:7: difficulties: Part II requires field 'difficulties'"]


def test_difficult_task_without_support_requested(content):
    content.registration(support_requested=DROP)
    assert content.errors() == [
        f"{P}:3:7: support_requested: Phần I bắt buộc có trường «Đề xuất cấp trên chỉ đạo, hỗ trợ thực hiện» (có thể ghi “Không”)"
    ]


def test_difficult_task_with_empty_support_requested(content):
    content.registration(support_requested=None)
    assert content.errors() == [
        f"{P}:13:1: support_requested: Phần I bắt buộc có trường «Đề xuất cấp trên chỉ đạo, hỗ trợ thực hiện» (có thể ghi “Không”)"
    ]


# ---------------------------------------------------------------- agreement with the path


def test_id_disagreeing_with_the_file_name(content):
    content.registration(id="2024-stc-02", path="registrations/2024/so-tai-chinh/2024-stc-01.yml")
    assert content.errors() == [f"{P}:1:5: id: mã «2024-stc-02» phải trùng tên tệp «2024-stc-01»"]
    assert content.errors("en") == [f"{P}:1:5: id: id '2024-stc-02' must equal the file name '2024-stc-01'"]


def test_year_disagreeing_with_the_year_folder(content):
    content.registration(year=2025, path="registrations/2024/so-tai-chinh/2024-stc-01.yml")
    assert content.errors() == [f"{P}:2:7: year: năm 2025 không khớp với thư mục năm «2024»"]


def test_unit_disagreeing_with_the_unit_folder(content):
    content.registration(registrant={**DIFFICULT["registrant"], "unit": "huyen-uy-binh-son"}, path=REG_PATH.removeprefix("content/"))
    assert content.errors() == [
        f"{P}:8:9: registrant.unit: đơn vị «huyen-uy-binh-son» không khớp với thư mục đơn vị «so-tai-chinh»"
    ]


def test_id_year_and_unit_all_disagreeing(content):
    path = "registrations/2023/so-ke-hoach-dau-tu/2023-skhdt-01.yml"
    content.registration(path=path)
    shown = f"content/{path}"
    assert content.errors() == [
        f"{shown}:1:5: id: mã «2024-stc-01» phải trùng tên tệp «2023-skhdt-01»",
        f"{shown}:2:7: year: năm 2024 không khớp với thư mục năm «2023»",
        f"{shown}:8:9: registrant.unit: đơn vị «so-tai-chinh» không khớp với thư mục đơn vị «so-ke-hoach-dau-tu»",
    ]


# ---------------------------------------------------------------- slugs


def test_non_slug_id(content):
    content.registration(id="2024_STC_01", path=REG_PATH.removeprefix("content/"))
    assert content.errors() == [f"{P}:1:5: id: «2024_STC_01» {SLUG_HELP}"]


def test_non_slug_tag(content):
    content.registration(tail="tags: [giai-phong, Giải phóng mặt bằng]\n")
    assert content.errors() == [f"{P}:18:20: tags.1: «Giải phóng mặt bằng» {SLUG_HELP}"]
    assert content.errors("en") == [f"{P}:18:20: tags.1: 'Giải phóng mặt bằng' is not a slug (only a-z, 0-9 and '-')"]


def test_a_slug_with_a_final_newline_is_not_a_slug(content):
    content.registration(tail="tags:\n  - |\n    giai-phong\n")
    assert content.errors() == [f"{P}:19:5: tags.0: «giai-phong\n» {SLUG_HELP}"]


def test_a_year_folder_in_other_digits_is_misplaced_not_a_crash(content):
    content.write("registrations/²/so-tai-chinh/2024-stc-09.yml", "title: x\n")
    assert content.errors() == [
        "content/registrations/²/so-tai-chinh/2024-stc-09.yml:1:1: tệp đăng ký phải nằm ở registrations/<năm>/<mã-đơn-vị>/<mã>.yml",
    ]


def test_non_slug_person(content):
    content.registration(registrant={**DIFFICULT["registrant"], "person": "nguyen--van-an"})
    assert content.errors() == [f"{P}:9:11: registrant.person: «nguyen--van-an» {SLUG_HELP}"]


# ---------------------------------------------------------------- links


def test_links_must_be_http_or_https(content):
    content.registration(
        tail="""\
links:
  - title: Kế hoạch số 12/KH-STC
    url: javascript:alert(1)
  - title: Biên bản
    url: ftp://intranet.example/bb.pdf
  - title: Văn bản
    url: /vb/1.pdf
  - title: Công văn
    url: https://intranet.example/cv.pdf
""",
    )
    assert content.errors() == [
        f"{P}:20:10: links.0.url: đường dẫn phải bắt đầu bằng http:// hoặc https://: «javascript:alert(1)»",
        f"{P}:22:10: links.1.url: đường dẫn phải bắt đầu bằng http:// hoặc https://: «ftp://intranet.example/bb.pdf»",
        f"{P}:24:10: links.2.url: đường dẫn phải bắt đầu bằng http:// hoặc https://: «/vb/1.pdf»",
    ]


def test_malformed_link_is_reported_not_raised(content):
    content.registration(tail="links:\n  - title: Xem\n    url: http://[vanban/1.pdf\n")
    assert content.errors() == [f"{P}:20:10: links.0.url: đường dẫn không hợp lệ: «http://[vanban/1.pdf»"]


def test_link_without_a_host_is_refused(content):
    content.registration(tail="links:\n  - title: Xem\n    url: 'https:vanban/1.pdf'\n")
    assert content.errors() == [f"{P}:20:10: links.0.url: đường dẫn phải bắt đầu bằng http:// hoặc https://: «https:vanban/1.pdf»"]


def test_javascript_link_in_english(content):
    content.registration(tail="links:\n  - title: Xem\n    url: javascript:alert(1)\n")
    assert content.errors("en") == [f"{P}:20:10: links.0.url: URL must start with http:// or https://: 'javascript:alert(1)'"]


# ---------------------------------------------------------------- across files


def test_problems_in_several_files_are_all_reported_sorted(content):
    content.registration(evaluator="btv")
    content.registration(
        id="2024-hubs-01", registrant={**DIFFICULT["registrant"], "unit": "huyen-uy-binh-son"}, title=DROP
    )
    content.registration(
        id="2023-skhdt-01",
        year=2023,
        registrant={**DIFFICULT["registrant"], "unit": "so-ke-hoach-dau-tu"},
        registered_on="2023-02-29",
        schedule={"due": dt.date(2023, 12, 31)},
    )
    content.write("registrations/2024/so-tai-chinh/Ghi chú.yml", "title: x\n")
    with pytest.raises(ContentError) as raised:
        content.load()
    assert raised.value.report().splitlines() == [
        "content/registrations/2023/so-ke-hoach-dau-tu/2023-skhdt-01.yml:10:16: registered_on: ngày không tồn tại: 2023-02-29",
        "content/registrations/2024/huyen-uy-binh-son/2024-hubs-01.yml:1:1: title: thiếu trường bắt buộc «Tên công việc đăng ký»",
        "content/registrations/2024/so-tai-chinh/2024-stc-01.yml:9:12: evaluator: không có cấp đánh giá «btv» trong units.yml",
        "content/registrations/2024/so-tai-chinh/Ghi chú.yml:1:1: tên tệp phải là mã hợp lệ (a-z, 0-9, '-') và đuôi .yml",
        "4 lỗi trong 4 tệp.",
    ]
    assert raised.value.report("en").splitlines()[-1] == "4 error(s) in 4 file(s)."


def test_several_problems_in_one_file_are_sorted_by_line(content):
    content.registration(
        schedule={"start": dt.date(2024, 6, 1), "due": dt.date(2024, 5, 31)},
        evaluator="dd-hdnd-tinh",
        tail=UPDATES.replace("2024-06-30", "2025-02-01").replace("40", "50"),
    )
    assert content.errors() == [
        f"{P}:9:12: evaluator: cấp đánh giá «dd-hdnd-tinh» không hoạt động trong năm 2024 (… – 31/12/2023)",
        f"{P}:16:8: schedule.due: thời gian hoàn thành 31/05/2024 trước thời gian bắt đầu 01/06/2024",
        f"{P}:19:11: updates.0.date: ngày 01/02/2025 sau ngày tính số liệu 31/12/2024",
    ]


def test_a_valid_folder_loads_every_registration_sorted(content):
    content.registration()
    content.registration(id="2024-stc-02", kind="breakthrough")
    content.registration(
        id="2023-skhdt-01",
        year=2023,
        registrant={**DIFFICULT["registrant"], "unit": "so-ke-hoach-dau-tu"},
        schedule={"due": dt.date(2023, 12, 31)},
        registered_on=DROP,
    )
    loaded = content.load()
    assert [e.id for e in loaded.entries] == ["2024-stc-01", "2024-stc-02", "2023-skhdt-01"]
    assert loaded.years == [2024, 2023]
    assert list(loaded.units) == ["so-tai-chinh", "so-ke-hoach-dau-tu", "huyen-uy-binh-son", "dang-uy-xa-binh-son"]


# ---------------------------------------------------------------- units.yml


UNITS_HEAD = """\
groups:
  - id: so-ban-nganh
    name: Các sở, ban, ngành cấp tỉnh
evaluators:
  - id: btv-tinh-uy
    name: Ban Thường vụ Tỉnh ủy
units:
"""


def test_duplicate_unit_id(content):
    content.units(
        UNITS_HEAD
        + "  - id: so-tai-chinh\n    name: Sở Tài chính\n    group: so-ban-nganh\n"
        + "  - id: so-tai-chinh\n    name: Sở Tài chính (cũ)\n    group: so-ban-nganh\n"
    )
    assert content.errors() == ["content/units.yml:11:9: units.1.id: mã «so-tai-chinh» đã dùng ở dòng 8"]
    assert content.errors("en") == ["content/units.yml:11:9: units.1.id: id 'so-tai-chinh' is already used at line 8"]


def test_duplicate_group_and_evaluator_ids(content):
    content.units(
        "groups:\n  - id: a\n    name: A\n  - id: a\n    name: A2\n"
        "units: []\n"
        "evaluators:\n  - id: e\n    name: E\n  - {id: e, name: E2}\n"
    )
    assert content.errors() == [
        "content/units.yml:4:9: groups.1.id: mã «a» đã dùng ở dòng 2",
        "content/units.yml:10:10: evaluators.1.id: mã «e» đã dùng ở dòng 8",
    ]


def test_unknown_group(content):
    content.units(UNITS_HEAD + "  - id: so-tai-chinh\n    name: Sở Tài chính\n    group: so-ban-ngành\n")
    assert content.errors() == [
        "content/units.yml:10:12: units.0.group: «so-ban-ngành» " + SLUG_HELP,
    ]
    content.units(UNITS_HEAD + "  - id: so-tai-chinh\n    name: Sở Tài chính\n    group: so-ban-nganhh\n")
    assert content.errors() == [
        "content/units.yml:10:12: units.0.group: không có nhóm «so-ban-nganhh» trong groups; có phải ý bạn là «so-ban-nganh»?",
    ]


def test_unknown_replaced_by(content):
    content.units(
        UNITS_HEAD
        + "  - id: so-tai-chinh\n    name: Sở Tài chính\n    group: so-ban-nganh\n"
        + "  - id: so-ke-hoach-dau-tu\n    name: Sở Kế hoạch và Đầu tư\n    group: so-ban-nganh\n"
        + "    until: 2025-02-28\n    replaced_by: so-tai-chin\n"
    )
    assert content.errors() == [
        "content/units.yml:15:18: units.1.replaced_by: không có đơn vị «so-tai-chin» trong units.yml; có phải ý bạn là «so-tai-chinh»?",
    ]


def test_unit_replaced_by_itself_and_ending_before_it_began(content):
    content.units(
        UNITS_HEAD
        + "  - id: so-tai-chinh\n    name: Sở Tài chính\n    group: so-ban-nganh\n"
        + "    since: 2025-03-01\n    until: 2025-02-28\n    replaced_by: so-tai-chinh\n"
    )
    assert content.errors() == [
        "content/units.yml:12:12: units.0.until: ngày «until» 28/02/2025 trước ngày «since» 01/03/2025",
        "content/units.yml:13:18: units.0.replaced_by: đơn vị không thể tự kế thừa chính nó",
    ]


def test_units_file_typo_suggests_the_section(content):
    content.units(UNITS_HEAD.replace("evaluators:", "evaluator:") + "  - id: so-tai-chinh\n    name: STC\n    group: so-ban-nganh\n")
    assert content.errors() == [
        "content/units.yml:1:1: evaluators: thiếu trường bắt buộc «Cấp đánh giá»",
        "content/units.yml:4:1: evaluator: khóa không hợp lệ «evaluator»; có phải ý bạn là «evaluators»?",
    ]


def test_units_file_non_slug_unit_id_and_bad_date(content):
    content.units(UNITS_HEAD + "  - id: Sở Tài chính\n    name: Sở Tài chính\n    group: so-ban-nganh\n    until: 2025-02-30\n")
    assert content.errors() == [
        f"content/units.yml:8:9: units.0.id: «Sở Tài chính» {SLUG_HELP}",
        "content/units.yml:11:12: units.0.until: ngày không tồn tại: 2025-02-30",
    ]


def test_missing_units_file(content):
    (content.root / "units.yml").unlink()
    content.registration()
    assert content.errors() == ["content/units.yml:1:1: thiếu tệp units.yml"]
    assert content.errors("en") == ["content/units.yml:1:1: units.yml is missing"]


def test_missing_content_folder(tmp_path, monkeypatch):
    from generator.domain.content import load_content

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ContentError) as raised:
        load_content(tmp_path / "noi-dung", AS_OF)
    assert raised.value.report() == "noi-dung:1:1: không tìm thấy thư mục nội dung\n1 lỗi trong 1 tệp."


def test_units_problems_still_report_misplaced_files(content):
    content.units(UNITS_HEAD + "  - id: so-tai-chinh\n    name: Sở Tài chính\n    group: khong-co\n")
    content.write("registrations/2024/x.yml", "title: x\n")
    assert content.errors() == [
        "content/registrations/2024/x.yml:1:1: tệp đăng ký phải nằm ở registrations/<năm>/<mã-đơn-vị>/<mã>.yml",
        "content/units.yml:10:12: units.0.group: không có nhóm «khong-co» trong groups",
    ]


def test_breakthrough_base_matches_the_documented_layout():
    assert list(BREAKTHROUGH).index("difficulties") == list(DIFFICULT).index("support_requested")


def test_registration_shape_errors_are_reported_even_when_units_file_is_broken(content):
    (content.root / "units.yml").write_text("groups: []\nunits: []\n", encoding="utf-8")
    content.registration({**DIFFICULT, "status": "xong"})
    errors = content.errors()
    assert errors[0].startswith(f"{P}:17:9: status: giá trị «xong» không hợp lệ")
    assert errors[1] == "content/units.yml:1:1: evaluators: thiếu trường bắt buộc «Cấp đánh giá»"


# ---------------------------------------------------------------- deadline extensions (#16)


def with_extensions(block: str, due: str = "2024-09-30") -> str:
    """The base registration, registered due `due`, with `block` as schedule.extensions (from line 17)."""
    return dump(DIFFICULT).replace("  due: 2024-12-31\n", f"  due: {due}\n  extensions:\n{block}")


EXTENSION = """\
    - date: 2024-09-15
      due: 2024-12-31
      approved_by: btv-tinh-uy
      decision: Thông báo số 123-TB/TU
      reason: Chờ hướng dẫn của Trung ương.
"""


def test_an_extension_moves_the_effective_deadline(content):
    content.registration(with_extensions(EXTENSION))
    schedule_ = content.load().entries[0].registration.schedule
    assert schedule_.due == dt.date(2024, 9, 30)
    assert schedule_.effective_due == dt.date(2024, 12, 31)


def test_extension_due_not_later_than_the_deadline_before_it(content):
    second = EXTENSION.replace("2024-09-15", "2024-10-01").replace("due: 2024-12-31", "due: 2024-11-30")
    content.registration(with_extensions(EXTENSION + second))
    assert content.errors() == [f"{P}:24:12: schedule.extensions.1.due: thời hạn mới 30/11/2024 phải sau thời hạn trước đó 31/12/2024"]
    assert content.errors("en") == [
        f"{P}:24:12: schedule.extensions.1.due: the new deadline 30/11/2024 must be later than the deadline before it, 31/12/2024"
    ]


def test_extension_due_equal_to_the_registered_deadline(content):
    content.registration(with_extensions(EXTENSION.replace("due: 2024-12-31", "due: 2024-09-30")))
    assert content.errors() == [f"{P}:19:12: schedule.extensions.0.due: thời hạn mới 30/09/2024 phải sau thời hạn trước đó 30/09/2024"]


def test_extension_approved_after_the_as_of_date(content):
    content.registration(with_extensions(EXTENSION))
    assert content.errors(as_of=dt.date(2024, 9, 1)) == [
        f"{P}:18:13: schedule.extensions.0.date: ngày 15/09/2024 sau ngày tính số liệu 01/09/2024"
    ]


def test_extension_approved_by_an_unknown_evaluator(content):
    content.registration(with_extensions(EXTENSION.replace("approved_by: btv-tinh-uy", "approved_by: btv-tinh")))
    assert content.errors() == [
        f"{P}:20:20: schedule.extensions.0.approved_by: không có cấp đánh giá «btv-tinh» trong units.yml; có phải ý bạn là «btv-tinh-uy»?"
    ]


def test_extensions_out_of_date_order(content):
    second = EXTENSION.replace("2024-09-15", "2024-09-01").replace("due: 2024-12-31", "due: 2025-03-31")
    content.registration(with_extensions(EXTENSION + second))
    assert content.errors() == [
        f"{P}:23:13: schedule.extensions.1.date: điều chỉnh thời hạn ngày 01/09/2024 đứng sau điều chỉnh ngày 15/09/2024: sắp xếp cũ trước mới sau"
    ]


# ---------------------------------------------------------------- status moves and reasons (#16)


PAUSED = """\
updates:
  - date: 2024-06-30
    progress: 40
    text: Đã kiểm đếm 120/300 hộ.
  - date: 2024-07-15
    text: Tạm dừng do chờ quy hoạch điều chỉnh được phê duyệt.
    status: paused
"""


def test_an_update_carrying_a_status_is_the_reason(content):
    content.registration(status="paused", tail=PAUSED)
    loaded = content.load()
    assert loaded.warnings == []
    assert loaded.entries[0].registration.status_moves == {1: Status.in_progress}


def test_update_status_must_be_a_status(content):
    content.registration(status="paused", tail=PAUSED.replace("status: paused", "status: dung"))
    assert content.errors()[0].startswith(f"{P}:24:13: updates.1.status: giá trị «dung» không hợp lệ; chọn một trong: ")


def test_last_status_carrying_update_disagrees_with_the_status(content):
    content.registration(status="in_progress", tail=PAUSED)
    assert content.errors() == [
        f"{P}:17:9: status: trạng thái «in_progress» khác trạng thái «paused» của báo cáo tiến độ ngày 15/07/2024 (dòng 24), "
        "báo cáo cuối cùng có chuyển trạng thái"
    ]


def test_resuming_after_a_pause_agrees(content):
    resumed = PAUSED + "  - date: 2024-09-01\n    text: Quy hoạch đã được phê duyệt, tiếp tục.\n    status: in_progress\n"
    content.registration(status="in_progress", tail=resumed)
    assert content.errors() == []
    assert content.load().entries[0].registration.status_moves == {1: Status.in_progress, 2: Status.paused}


@pytest.mark.parametrize("status", ["paused", "withdrawn", "not_completed"])
def test_a_status_without_a_reason_is_a_warning_not_an_error(content, status):
    content.registration(status=status, tail=UPDATES)
    loaded = content.load()  # no ContentError: the content is valid
    assert [w.render() for w in loaded.warnings] == [
        f"{P}:17:9: status: cảnh báo: trạng thái {Status(status).label} chưa ghi lý do; "
        f"thêm một báo cáo tiến độ (updates) có «status: {status}», nội dung là lý do"
    ]
