"""`dotpha diff BASE [HEAD]`: the reviewer's summary of a pull request, from a real git repository."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import DIFFICULT, UNITS_YML
from gitwork import GitWork

from generator.cli import main

STC = "registrations/2024/so-tai-chinh"
UPDATE = {"date": dt.date(2024, 6, 30), "progress": 40, "text": "Đã rà soát 12/30 dự án."}
OBSTACLE = {"raised_on": dt.date(2024, 5, 10), "text": "Thiếu hồ sơ gốc.", "support_from": "UBND tỉnh"}
RESULT = {"assessed_on": dt.date(2024, 12, 20), "outcome": "completed"}


def reg(reg_id: str, unit: str = "so-tai-chinh", **changes) -> dict:
    return DIFFICULT | {"id": reg_id, "registrant": DIFFICULT["registrant"] | {"unit": unit}} | changes


@pytest.fixture
def repo(content, tmp_path):
    """A repository whose first commit (tagged `base`) holds three registrations."""
    work = GitWork(tmp_path)
    content.registration(reg("2024-stc-01", updates=[UPDATE], obstacles=[OBSTACLE]))
    content.registration(reg("2024-stc-02", status="completed", schedule=DIFFICULT["schedule"] | {"completed_on": dt.date(2024, 11, 30)},
                             updates=[UPDATE], result=RESULT))  # fmt: skip
    content.registration(reg("2024-stc-03", title="Chuyển đổi số"))
    work.commit("Danh mục đăng ký 2024")
    work.git("tag", "base")
    return work


def change_everything(content) -> None:
    done = {"date": dt.date(2024, 11, 30), "progress": 100, "text": "Đã quyết toán xong."}
    content.registration(reg("2024-stc-01", status="completed", schedule=DIFFICULT["schedule"] | {"completed_on": dt.date(2024, 11, 30)},
                             updates=[UPDATE, done], obstacles=[OBSTACLE | {"resolved_on": dt.date(2024, 8, 1), "resolution": "Đã bổ sung hồ sơ."}],
                             result=RESULT))  # fmt: skip
    content.registration(reg("2024-stc-02", status="completed", schedule=DIFFICULT["schedule"] | {"completed_on": dt.date(2024, 11, 30)},
                             updates=[UPDATE], result=RESULT | {"comment": "Sửa sau khi đã đánh giá."}))  # fmt: skip
    (content.root / STC / "2024-stc-03.yml").unlink()
    content.registration(reg("2024-stc-03", unit="huyen-uy-binh-son", title="Chuyển đổi số"))
    content.registration(reg("2024-stc-04", title="Số hóa <b>hồ sơ</b> *ngay*", status="registered"))


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diff", "--content", "content", "--as-of", "2024-12-31", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_names_every_kind_of_change(content, repo, capsys):
    change_everything(content)
    repo.commit("Cập nhật cuối năm")
    code, out, err = run(capsys, "base", "HEAD")
    assert (code, err) == (0, "")
    assert out.startswith("## Thay đổi nội dung: `base` → `HEAD`\n\n✅ Kiểm tra `HEAD`: không có lỗi (4 đăng ký).\n")
    assert "**4 đăng ký thay đổi**: 1 mới, 0 bị xóa, 3 được cập nhật." in out
    assert "### ⚠️ Cần xem kỹ\n\n- `2024-stc-02`: đã có kết quả đánh giá (ngày 20/12/2024) nhưng vẫn bị sửa.\n" in out
    assert "### Đăng ký mới\n\n- `2024-stc-04` Số hóa \\<b\\>hồ sơ\\</b\\> \\*ngay\\*: Sở Tài chính, trạng thái Đã đăng ký.\n" in out
    assert "### Chuyển trạng thái\n\n- `2024-stc-01` Quyết toán dứt điểm các dự án tồn đọng: Đang thực hiện → **Hoàn thành**.\n" in out
    assert "### Báo cáo tiến độ mới\n\n- `2024-stc-01` Quyết toán dứt điểm các dự án tồn đọng: 30/11/2024 **100%**: Đã quyết toán xong.\n" in out
    assert "### Vướng mắc đã tháo gỡ\n\n- `2024-stc-01` Quyết toán dứt điểm các dự án tồn đọng: tháo gỡ ngày 01/08/2024: Đã bổ sung hồ sơ.\n" in out
    assert "### Kết quả đánh giá\n\n- `2024-stc-01` Quyết toán dứt điểm các dự án tồn đọng: **Hoàn thành** (đánh giá ngày 20/12/2024).\n" in out
    assert "### Chuyển đơn vị\n\n- `2024-stc-03` Chuyển đổi số: Sở Tài chính → Huyện ủy Bình Sơn.\n" in out
    assert "- `2024-stc-01` Quyết toán dứt điểm các dự án tồn đọng: Sửa: Dự kiến thời gian triển khai thực hiện và thời gian hoàn thành." in out
    assert "Đăng ký bị xóa" not in out


def test_json_for_tools(content, repo, capsys):
    change_everything(content)
    repo.commit("Cập nhật cuối năm")
    code, out, _ = run(capsys, "base", "HEAD", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["valid"] is True and data["errors"] == []
    by_id = {c["id"]: c for c in data["changes"]}
    assert sorted(by_id) == ["2024-stc-01", "2024-stc-02", "2024-stc-03", "2024-stc-04"]
    assert by_id["2024-stc-01"]["status"] == {"from": "in_progress", "to": "completed"}
    assert by_id["2024-stc-01"]["new_updates"] == [{"date": "2024-11-30", "progress": 100, "text": "Đã quyết toán xong."}]
    assert by_id["2024-stc-01"]["resolved_obstacles"][0]["resolved_on"] == "2024-08-01"
    assert by_id["2024-stc-03"]["moved"] == {"from": "so-tai-chinh", "to": "huyen-uy-binh-son"}
    assert by_id["2024-stc-03"]["old_path"] == f"{STC}/2024-stc-03.yml"
    assert by_id["2024-stc-04"]["added"] is True
    assert data["warnings"] == [{"id": "2024-stc-02", "message": "đã có kết quả đánh giá (ngày 20/12/2024) nhưng vẫn bị sửa"}]


def test_working_tree_is_head_when_omitted(content, repo, capsys):
    content.registration(reg("2024-stc-03", title="Chuyển đổi số", status="paused"))
    code, out, _ = run(capsys, "base")
    assert code == 0
    assert "→ `(thư mục làm việc)`" in out
    assert "- `2024-stc-03` Chuyển đổi số: Đang thực hiện → **Tạm dừng**." in out


def test_invalid_head_exits_1_with_every_problem_named_as_in_the_repository(content, repo, capsys):
    content.registration(reg("2024-stc-03", title="Chuyển đổi số", status="finished", schedule={"due": "2024-02-30"}))
    repo.commit("Sai")
    code, out, _ = run(capsys, "base", "HEAD")
    assert code == 1
    assert "❌ Kiểm tra `HEAD`: 2 lỗi, phải sửa trước khi hợp nhất.\n\n```text\n" in out
    assert f"content/{STC}/2024-stc-03.yml:15:8: schedule.due: ngày không tồn tại: 2024-02-30\n" in out
    assert f"content/{STC}/2024-stc-03.yml:16:9: status: giá trị «finished» không hợp lệ" in out
    code, out, _ = run(capsys, "base", "HEAD", "--format", "json")
    assert code == 1 and json.loads(out)["errors"][0]["path"] == f"content/{STC}/2024-stc-03.yml"


def test_closed_years_come_from_the_plugin_config(content, repo, capsys, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "site_config.yml").write_text(
        "site_name: Thử\ndocs_dir: docs\nplugins:\n  - dotpha:\n      content_dir: content\n      closed_years: [2024]\n", encoding="utf-8"
    )
    content.registration(reg("2024-stc-03", title="Chuyển đổi số", status="paused"))
    code = main(["diff", "--as-of", "2024-12-31", "base"])
    out = capsys.readouterr().out
    assert code == 0
    assert "- `2024-stc-03`: thuộc năm 2024 đã khóa sổ.\n" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "dotpha: không có phiên bản «nope» trong kho git\n"),
        (["--", "--upload-pack=x"], "dotpha: không có phiên bản «--upload-pack=x» trong kho git\n"),
        (["empty", "HEAD"], "dotpha: phiên bản «empty» không có thư mục nội dung content/\n"),
    ],
)
def test_bad_revisions_exit_2_with_a_message(content, repo, capsys, args, message):
    empty_tree = repo.git("hash-object", "-t", "tree", "/dev/null").strip()
    repo.git("tag", "empty", repo.git("commit-tree", empty_tree, "-m", "Kho trống").strip())
    code, out, err = run(capsys, *args)
    assert (code, out, err) == (2, "", message)


def test_a_registration_renamed_to_another_id_is_refused(content, repo, capsys):
    (content.root / STC / "2024-stc-03.yml").rename(content.root / STC / "2024-stc-09.yml")
    repo.commit("Đổi tên")
    code, out, err = run(capsys, "base", "HEAD")
    assert (code, out) == (2, "")
    assert err.startswith(f"dotpha: tệp {STC}/2024-stc-03.yml được đổi tên thành {STC}/2024-stc-09.yml: mã đăng ký (tên tệp) không được đổi")


def test_outside_a_git_repository(content, capsys):
    code, out, err = run(capsys, "HEAD")
    assert (code, out) == (2, "")
    assert err.startswith("dotpha: thư mục ") and err.endswith("không nằm trong một kho git\n")


def test_units_file_change_is_mentioned(content, repo, capsys):
    content.units(UNITS_YML.replace("name: Sở Tài chính", "name: Sở Tài chính tỉnh"))
    code, out, _ = run(capsys, "base")
    assert code == 0
    assert "Không có đăng ký nào thay đổi." in out
    assert "- `units.yml` thay đổi: kiểm tra đơn vị, nhóm, cấp đánh giá.\n" in out


# ---------------------------------------------------------------- deadlines (#16)

EXTENSION = {"date": dt.date(2024, 9, 15), "due": dt.date(2025, 3, 31), "approved_by": "btv-tinh-uy", "decision": "Thông báo số 123-TB/TU"}


def test_an_edited_due_date_is_a_warning_of_its_own(content, repo, capsys):
    content.registration(reg("2024-stc-03", title="Chuyển đổi số", schedule=DIFFICULT["schedule"] | {"due": dt.date(2025, 3, 31)}))
    repo.commit("Dời hạn")
    code, out, _ = run(capsys, "base", "HEAD")
    assert code == 0
    assert ("### ⚠️ Cần xem kỹ\n\n- `2024-stc-03`: thời hạn đã đăng ký (schedule.due) bị sửa từ 31/12/2024 thành 31/03/2025; "
            "thời hạn chỉ được điều chỉnh bằng một mục schedule.extensions.\n") in out  # fmt: skip
    data = json.loads(run(capsys, "base", "HEAD", "--format", "json")[1])
    assert data["warnings"] == [{"id": "2024-stc-03", "message": "thời hạn đã đăng ký (schedule.due) bị sửa từ 31/12/2024 thành "
                                 "31/03/2025; thời hạn chỉ được điều chỉnh bằng một mục schedule.extensions"}]  # fmt: skip
    assert data["changes"][0]["due_changed"] == {"from": "31/12/2024", "to": "31/03/2025"}


def test_each_extension_added_is_reported_with_its_approver_and_date(content, repo, capsys):
    content.registration(reg("2024-stc-03", title="Chuyển đổi số", schedule=DIFFICULT["schedule"] | {"extensions": [EXTENSION]}))
    repo.commit("Điều chỉnh thời hạn")
    code, out, _ = run(capsys, "base", "HEAD")
    assert code == 0
    assert ("### Điều chỉnh thời hạn\n\n- `2024-stc-03` Chuyển đổi số: thời hạn mới **31/03/2025**, Ban Thường vụ Tỉnh ủy "
            "phê duyệt ngày 15/09/2024 (Thông báo số 123-TB/TU).\n") in out  # fmt: skip
    assert "Cần xem kỹ" not in out
    data = json.loads(run(capsys, "base", "HEAD", "--format", "json")[1])
    assert data["changes"][0]["due_changed"] is None
    assert [x["due"] for x in data["changes"][0]["extensions_added"]] == ["2025-03-31"]
    assert "Điều chỉnh thời hạn đến 31/03/2025" in data["changes"][0]["summary"]
