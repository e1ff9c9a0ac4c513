"""The `dotpha` command at its edge: exit codes, exact output, and what a build leaves behind.

Every test calls `generator.cli.main([...])` in the `content` fixture's folder
(conftest.py).  Builds use a copy of the project's `site_config.yml` and
`theme/` next to a tiny content folder; each takes about a second.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import DROP

from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2024-12-31"
SECOND = "registrations/2024/so-tai-chinh/2024-stc-02.yml"


@pytest.fixture(autouse=True)
def _no_plugin_environment(monkeypatch):
    """Each test starts without the variables `build` sets for the MkDocs plugin."""
    for name in ("SOURCE_DATE_EPOCH",):
        monkeypatch.delenv(name, raising=False)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def project(site_content):
    content = site_content
    """The content folder with a config and theme beside it, as in the repository."""
    return content


def two_broken_files(content) -> list[str]:
    first = content.registration(title=DROP, titel="Quyết toán", schedule={"start": "2024-04-01", "due": "2024-02-30"})
    second = content.registration(id="2024-stc-02", path=SECOND, status="done")
    return [first, second]


# ---------------------------------------------------------------- validate


def test_validate_ok(content, capsys):
    content.registration()
    assert run(capsys, "validate", "--content", "content", "--as-of", AS_OF) == (0, "Không có lỗi: 1 đăng ký, 4 đơn vị.\n", "")


def test_validate_finds_the_content_folder_through_the_config(project, capsys):
    project.registration()
    assert run(capsys, "validate", "--as-of", AS_OF) == (0, "Không có lỗi: 1 đăng ký, 4 đơn vị.\n", "")


def test_validate_reports_every_problem_sorted(content, capsys):
    first, second = two_broken_files(content)
    code, out, err = run(capsys, "validate", "--content", "content", "--as-of", AS_OF)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{first}:1:1: title: thiếu trường bắt buộc «Tên công việc đăng ký»",
        f"{first}:15:8: schedule.due: ngày không tồn tại: 2024-02-30",
        f"{first}:17:1: titel: khóa không hợp lệ «titel»; có phải ý bạn là «title»?",
        f"{second}:17:9: status: giá trị «done» không hợp lệ; chọn một trong: "
        "registered, in_progress, completed, not_completed, paused, withdrawn",
        "4 lỗi trong 2 tệp.",
    ]


def test_validate_in_english(content, capsys):
    first, _ = two_broken_files(content)
    code, out, _ = run(capsys, "validate", "--content", "content", "--as-of", AS_OF, "--lang", "en")
    lines = out.splitlines()
    assert code == 1
    assert lines[1] == f"{first}:15:8: schedule.due: no such date: 2024-02-30"
    assert lines[2] == f"{first}:17:1: titel: unknown key 'titel'; did you mean 'title'?"
    assert lines[-1] == "4 error(s) in 2 file(s)."
    content.root.joinpath(SECOND).unlink()
    content.registration()
    assert run(capsys, "validate", "--content", "content", "--as-of", AS_OF, "--lang", "en") == (
        0,
        "No errors: 1 registration(s), 4 unit(s).\n",
        "",
    )


def test_validate_json(content, capsys):
    first, second = two_broken_files(content)
    code, out, err = run(capsys, "validate", "--content", "content", "--as-of", AS_OF, "--format", "json")
    payload = json.loads(out)
    assert (code, err) == (1, "")
    assert set(payload) >= {"errors", "summary"}
    assert payload["summary"] == "4 lỗi trong 2 tệp."
    assert payload["errors"][1] == {
        "path": first,
        "line": 15,
        "column": 8,
        "field": "schedule.due",
        "code": "date_invalid",
        "message": "ngày không tồn tại: 2024-02-30",
    }
    assert [(e["path"], e["code"]) for e in payload["errors"]] == [
        (first, "missing"),
        (first, "date_invalid"),
        (first, "unknown_key"),
        (second, "enum"),
    ]


def test_validate_json_when_valid(content, capsys):
    content.registration()
    code, out, err = run(capsys, "validate", "--content", "content", "--as-of", AS_OF, "--format", "json", "--lang", "en")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"errors": [], "warnings": [], "summary": "No errors.", "registrations": 1}


# ---------------------------------------------------------------- wrong usage


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--bogus"], "unrecognized arguments: --bogus"),
        (["validate", "--format", "xml"], "invalid choice: 'xml'"),
        (["build", "--lang", "fr"], "invalid choice: 'fr'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required"),
        (["snapshot", "0"], "argument NĂM: năm phải là một số từ 2000 đến 2100: '0'"),
        (["rollover", "2024", "99999999999999999999"], "argument SANG_NĂM: năm phải là một số từ 2000 đến 2100"),
    ],
)
def test_argparse_usage_errors_exit_2(content, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2
    assert message in err and "Traceback" not in out + err


@pytest.mark.parametrize("command", ["validate", "build", "new"])
def test_bad_as_of_exits_2(content, capsys, command):
    code, out, err = run(capsys, command, "--content", "content", "--as-of", "2024-13-01")
    assert (code, out) == (2, "")
    assert err == "dotpha: ngày tính số liệu không hợp lệ (cần YYYY-MM-DD): '2024-13-01'\n"


@pytest.mark.parametrize("command", ["validate", "build", "new"])
@pytest.mark.parametrize("day", ["2205-01-01", "1969-12-31"])
def test_an_as_of_date_gzip_and_the_sitemap_cannot_hold_exits_2(content, capsys, command, day):
    code, out, err = run(capsys, command, "--content", "content", "--as-of", day)
    assert (code, out) == (2, "")
    assert err == f"dotpha: --as-of {day}: ngày tính số liệu phải trong các năm 2000–2100\n"


@pytest.mark.parametrize("epoch", ["99999999999999", "ngày mai"])
def test_a_source_date_epoch_that_is_no_date_exits_2(content, capsys, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    code, out, err = run(capsys, "validate", "--content", "content")
    assert code == 2 and "SOURCE_DATE_EPOCH" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["validate", "build", "new"])
def test_missing_config_exits_2(content, capsys, command):
    code, out, err = run(capsys, command, "--config", "nope.yml", "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert err == "dotpha: không tìm thấy tệp cấu hình nope.yml (dùng --config hoặc --content)\n"


def test_missing_content_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "validate", "--content", "nowhere", "--as-of", AS_OF)
    assert code == 1
    assert out.splitlines() == ["nowhere:1:1: không tìm thấy thư mục nội dung", "1 lỗi trong 1 tệp."]


# ---------------------------------------------------------------- build


def test_build_into_site_dir(project, capsys):
    project.registration()
    project.registration(kind="breakthrough", id="2024-stc-02", path=SECOND)
    code, out, err = run(capsys, "build", "--as-of", AS_OF, "--site-dir", "out")
    site = project.root.parent / "out"
    assert code == 0
    assert out == f"Không có lỗi: 2 đăng ký, 4 đơn vị. Đã dựng trang vào {site}.\n"
    for page in ("index.html", "dang-ky/2024-stc-01/index.html", "dang-ky/2024-stc-02/index.html", "gioi-thieu/index.html"):
        assert (site / page).is_file(), page
    assert "Quyết toán dứt điểm các dự án tồn đọng" in (site / "dang-ky/2024-stc-01/index.html").read_text(encoding="utf-8")
    assert not (project.root.parent / "site").exists()
    assert "SOURCE_DATE_EPOCH" not in os.environ  # put back after the build
    assert not [name for name in os.environ if name.startswith("DOTPHA_")]  # settings travel as an object


def test_build_with_invalid_content_writes_nothing(project, capsys):
    first, second = two_broken_files(project)
    code, out, err = run(capsys, "build", "--as-of", AS_OF, "--site-dir", "out")
    assert code == 1
    assert out.splitlines()[-1] == "4 lỗi trong 2 tệp."
    assert out.splitlines()[0].startswith(f"{first}:1:1: title:")
    assert not (project.root.parent / "out").exists()


def test_build_with_invalid_content_leaves_the_old_site_alone(project, capsys):
    project.registration()
    site = project.root.parent / "out"
    assert run(capsys, "build", "--as-of", AS_OF, "--site-dir", "out")[0] == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    project.registration(id="2024-stc-02", path=SECOND, status="done")
    code, out, _ = run(capsys, "build", "--as-of", AS_OF, "--site-dir", "out")
    assert code == 1
    assert out.splitlines()[-1] == "1 lỗi trong 1 tệp."
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_build_in_english_reports_in_english(project, capsys):
    two_broken_files(project)
    code, out, _ = run(capsys, "build", "--as-of", AS_OF, "--site-dir", "out", "--lang", "en")
    assert (code, out.splitlines()[-1]) == (1, "4 error(s) in 2 file(s).")


# ---------------------------------------------------------------- schema and new


def test_schema_commands(content, capsys):
    code, out, err = run(capsys, "schema")
    assert (code, err) == (0, "")
    assert json.loads(out)["title"] == "Đơn đăng ký việc khó, việc mới có tính đột phá, sáng tạo"
    code, out, err = run(capsys, "schema", "units")
    assert (code, err) == (0, "")
    assert json.loads(out)["title"] == "Danh mục đơn vị (units.yml)"


def test_new_then_validate(content, capsys):
    assert run(capsys, "schema", "-o", "content/registration.schema.json")[0] == 0  # where `dotpha new` looks for it
    args = ["--kind", "I", "--unit", "stc", "--name", "A", "--position", "B", "--evaluator", "btv-tinh-uy", "--title", "T"]
    code, out, err = run(capsys, "new", "--content", "content", "--as-of", "2024-03-01", "--no-input", *args)
    assert (code, err) == (0, "")
    assert run(capsys, "validate", "--content", "content", "--as-of", AS_OF) == (0, "Không có lỗi: 1 đăng ký, 4 đơn vị.\n", "")


def test_help_is_vietnamese(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["new", "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert "Tạo tệp đăng ký mới có chú thích theo mẫu đơn đăng ký." in out
    assert "Đơn vị công tác; mã, tên viết tắt hoặc tên đơn vị; Mã đơn vị trong units.yml." in " ".join(out.split())


def test_validate_warns_of_a_pause_without_a_reason_and_exits_0(content, capsys):
    path = content.registration(status="paused")
    warning = (f"{path}:17:9: status: cảnh báo: trạng thái Tạm dừng chưa ghi lý do; "
               "thêm một báo cáo tiến độ (updates) có «status: paused», nội dung là lý do")  # fmt: skip
    assert run(capsys, "validate", "--content", "content", "--as-of", AS_OF) == (
        0, f"{warning}\nKhông có lỗi: 1 đăng ký, 4 đơn vị. 1 cảnh báo.\n", "")  # fmt: skip
    code, out, _ = run(capsys, "validate", "--content", "content", "--as-of", AS_OF, "--format", "json")
    payload = json.loads(out)
    assert code == 0 and payload["errors"] == []
    assert [(w["path"], w["line"], w["field"], w["code"]) for w in payload["warnings"]] == [(path, 17, "status", "no_reason")]
    content.registration(status="paused", tail="updates:\n  - date: 2024-07-01\n    text: Chờ quy hoạch.\n    status: paused\n")
    assert run(capsys, "validate", "--content", "content", "--as-of", AS_OF) == (0, "Không có lỗi: 1 đăng ký, 4 đơn vị.\n", "")
