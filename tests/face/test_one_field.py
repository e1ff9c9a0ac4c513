"""A field is declared once, in generator/domain/schema.py (#13 item 3).

Each test copies the package, the theme, the configuration and the demo
content to a temporary project, makes one edit to schema.py, as a new
maintainer would, and runs the CLI of the copy in a subprocess: the field
must then appear (or be gone) everywhere a registration's fields are listed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path("generator/domain/schema.py")
RESULT_LINE = "    result: Result | None = Field("
NEW_FIELD = (
    '    summary: Text | None = Field(None, **label("Tóm tắt kết quả", "Vài dòng cho lãnh đạo.", '
    'column=Column(275, 30), aliases=("tom tat",), ask=12))\n'
)
SAMPLE = "content/registrations/2025/ban-to-chuc-tinh-uy/2025-btctu-01.yml"
EPOCH = "1764547200"  # 01/12/2025


def project_with(tmp_path: Path, edit) -> Path:
    project = tmp_path / "project"
    for folder in ("generator", "theme", "content"):
        shutil.copytree(ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "site_config.yml", project / "site_config.yml")
    schema = project / SCHEMA
    before = schema.read_text(encoding="utf-8")
    after = edit(before)
    assert after != before  # the edit took
    schema.write_text(after, encoding="utf-8")
    return project


def dotpha(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project), "SOURCE_DATE_EPOCH": EPOCH}
    command = [sys.executable, "-m", "generator.cli", *args]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)


def add_field(text: str) -> str:
    return text.replace(RESULT_LINE, NEW_FIELD + RESULT_LINE, 1)


def remove_review_plan(text: str) -> str:
    return re.sub(r"    review_plan: Text \| None = Field\(\n(?:        .*\n)*?    \)\n", "", text, count=1)


def downloads(site: Path) -> tuple[list[str], list[str], dict]:
    """The header row of the CSV and of the XLSX's first sheet, and the JSON export, for all years."""
    header = next(csv.reader(io.StringIO((site / "tai-ve/dang-ky-tat-ca.csv").read_text(encoding="utf-8-sig"))))
    with zipfile.ZipFile(site / "tai-ve/dang-ky-tat-ca.xlsx") as package:
        strings = package.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in package.namelist() else ""
        sheet = package.read("xl/worksheets/sheet1.xml").decode("utf-8")
    cells = re.findall(r"<t[^>]*>([^<]*)</t>", strings + sheet)
    exported = json.loads((site / "tai-ve/dang-ky-tat-ca.json").read_text(encoding="utf-8"))
    return header, cells, exported


def import_csv(project: Path, headers: list[str], values: list[str]) -> subprocess.CompletedProcess:
    path = project / "ds.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([headers, values])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return dotpha(project, "import", str(path), "--year", "2026")


IMPORT_HEADERS = ["Họ và tên", "Chức vụ", "Đơn vị", "Tên công việc", "Loại", "Nội dung", "Tác động", "Đề xuất hỗ trợ",
                  "Thời gian hoàn thành", "Cấp đánh giá"]  # fmt: skip
IMPORT_VALUES = ["Lê Văn Bình", "Phó Giám đốc Sở", "Sở Tài chính", "Quyết toán dự án tồn đọng", "Phần I", "Rà soát từng dự án.",
                 "Giải phóng vốn.", "Không", "31/12/2026", "Ban Thường vụ Tỉnh ủy"]  # fmt: skip
NEW_ARGS = ("new", "--no-input", "--as-of", "2026-01-10", "--year", "2026", "--kind", "I", "--unit", "so-tai-chinh",
            "--name", "Lê Văn Bình", "--position", "Phó Giám đốc Sở", "--evaluator", "btv-tinh-uy", "--title", "Việc mới")  # fmt: skip


def test_the_copy_runs_its_own_schema(tmp_path):
    project = project_with(tmp_path, add_field)
    result = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"], cwd=project,
                            env={**os.environ, "PYTHONPATH": str(project)}, capture_output=True, text=True, check=True)  # fmt: skip
    assert Path(result.stdout.strip()).is_relative_to(project)


def test_one_line_in_the_schema_adds_a_field_everywhere(tmp_path):
    project = project_with(tmp_path, add_field)

    schema = dotpha(project, "schema")
    assert schema.returncode == 0, schema.stderr
    assert json.loads(schema.stdout)["properties"]["summary"]["title"] == "Tóm tắt kết quả"

    sample = project / SAMPLE
    original = sample.read_text(encoding="utf-8")
    sample.write_text(original + "summary: 12\n", encoding="utf-8")
    refused = dotpha(project, "validate", "--as-of", "2025-11-01")
    assert refused.returncode == 1
    assert re.search(r"2025-btctu-01\.yml:\d+:\d+: summary: ", refused.stdout + refused.stderr), refused.stdout + refused.stderr

    sample.write_text(original + "summary: Đã xong **phần lớn** <script>alert(1)</script>\n", encoding="utf-8")
    built = dotpha(project, "build", "--as-of", "2025-11-01", "--site-dir", str(tmp_path / "site"))
    assert built.returncode == 0, built.stdout + built.stderr
    page = (tmp_path / "site/dang-ky/2025-btctu-01/index.html").read_text(encoding="utf-8")
    assert "<h2>Tóm tắt kết quả</h2>" in page and "<strong>phần lớn</strong>" in page
    assert "<script>alert(1)" not in page  # the field's text is sanitised like every other
    header, cells, exported = downloads(tmp_path / "site")
    assert header[-2:] == ["Tóm tắt kết quả", "Mã cán bộ"]  # at its order, 275: after 270 (Nhận xét kết quả)
    assert "Tóm tắt kết quả" in cells and any(c.startswith("Đã xong **phần lớn**") for c in cells)
    registrations = exported["registrations"] if isinstance(exported, dict) else exported
    assert any(str(r.get("summary", "")).startswith("Đã xong **phần lớn**") for r in registrations)

    imported = import_csv(project, [*IMPORT_HEADERS, "Tom tat"], [*IMPORT_VALUES, "Giải ngân hết vốn."])
    assert imported.returncode == 0, imported.stdout + imported.stderr
    written = (project / "content/registrations/2026/so-tai-chinh/2026-stc-01.yml").read_text(encoding="utf-8")
    assert "summary: Giải ngân hết vốn." in written

    created = dotpha(project, *NEW_ARGS, "--summary", "Ba dòng tóm tắt.")
    assert created.returncode == 0, created.stdout + created.stderr
    new_file = (project / "content/registrations/2026/so-tai-chinh/2026-stc-02.yml").read_text(encoding="utf-8")
    assert "summary: Ba dòng tóm tắt." in new_file
    assert "--summary" in dotpha(project, "new", "--help").stdout


def test_deleting_a_field_from_the_schema_removes_it_everywhere(tmp_path):
    project = project_with(tmp_path, remove_review_plan)

    schema = dotpha(project, "schema")
    assert schema.returncode == 0, schema.stderr
    assert "review_plan" not in json.loads(schema.stdout)["properties"]

    # The demo configuration names it among the fields a public build hides: refused by name, not ignored.
    refused_config = dotpha(project, "build", "--as-of", "2025-11-01", "--site-dir", str(tmp_path / "site"))
    assert refused_config.returncode == 1
    assert "không có trường «review_plan» trong bản đăng ký" in refused_config.stderr
    assert "Traceback" not in refused_config.stderr and not (tmp_path / "site").exists()
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("        - review_plan ", "        # - review_plan "), encoding="utf-8")

    sample = project / SAMPLE
    original = sample.read_text(encoding="utf-8")
    sample.write_text(original + "review_plan: Khắc phục hạn chế.\n", encoding="utf-8")
    refused = dotpha(project, "validate", "--as-of", "2025-11-01")
    assert refused.returncode == 1
    assert re.search(r"2025-btctu-01\.yml:\d+:\d+: review_plan: ", refused.stdout + refused.stderr), refused.stdout

    sample.write_text(original, encoding="utf-8")
    built = dotpha(project, "build", "--as-of", "2025-11-01", "--site-dir", str(tmp_path / "site"))
    assert built.returncode == 0, built.stdout + built.stderr
    page = (tmp_path / "site/dang-ky/2025-btctu-01/index.html").read_text(encoding="utf-8")
    assert "Gắn với kế hoạch khắc phục" not in page

    imported = import_csv(project, [*IMPORT_HEADERS, "Gắn với kế hoạch khắc phục sau kiểm điểm"], [*IMPORT_VALUES, "X"])
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "ds.csv:1: bỏ qua cột K «Gắn với kế hoạch khắc phục sau kiểm điểm»: không phải mục nào của đơn đăng ký" in imported.stdout
    assert "review_plan" not in (project / "content/registrations/2026/so-tai-chinh/2026-stc-01.yml").read_text(encoding="utf-8")

    created = dotpha(project, *NEW_ARGS)
    assert created.returncode == 0, created.stdout + created.stderr
    assert "review_plan" not in (project / "content/registrations/2026/so-tai-chinh/2026-stc-02.yml").read_text(encoding="utf-8")


def test_the_added_field_is_optional_for_old_files(tmp_path):
    """Files written before the field existed stay valid: the demo content validates unchanged."""
    project = project_with(tmp_path, add_field)
    result = dotpha(project, "validate", "--as-of", "2025-11-01")
    assert result.returncode == 0, result.stdout + result.stderr
