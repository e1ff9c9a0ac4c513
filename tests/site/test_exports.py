"""Downloads: CSV (UTF-8 with BOM), XLSX (formatted, real dates, one sheet per kind,
byte-identical for equal input) and the versioned JSON; and the XLSX round trip
through `dotpha import`."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from generator.cli import main
from generator.domain.content import Content, load_content
from generator.site.exports import (
    COLUMNS,
    Download,
    csv_bytes,
    downloads_of,
    export_bytes,
    json_bytes,
    xlsx_bytes,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO_AS_OF = dt.date(2025, 11, 1)


def two_registrations(content) -> Content:
    content.registration(result={"assessed_on": dt.date(2024, 12, 20), "outcome": "completed"},
                         schedule={"start": "2024-04", "due": "2024-12", "completed_on": dt.date(2024, 12, 15)},
                         status="completed")  # fmt: skip
    content.registration(kind="breakthrough", id="2024-stc-02", title="Số hóa hồ sơ\nquyết toán")
    return content.load()


def test_csv_has_a_bom_a_header_and_vietnamese_dates(content):
    data = csv_bytes(loaded := two_registrations(content), loaded.entries)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0].split(",")[:5] == ["STT", "Mã đăng ký", "Năm đăng ký", "Loại", "Họ và tên"]
    assert "2024-stc-01,2024,\"Việc khó, nút thắt (Phần I)\",Nguyễn Văn An" in text
    assert ",04/2024,12/2024,,,15/12/2024,Hoàn thành,Hoàn thành đúng hạn," in text  # months stay months; no extension
    assert '"Số hóa hồ sơ\nquyết toán"' in text  # a line break stays inside its quoted field


def test_xlsx_has_a_sheet_per_kind_a_frozen_filtered_header_and_real_dates(content):
    workbook = load_workbook(io.BytesIO(xlsx_bytes(loaded := two_registrations(content), loaded.entries)))
    assert workbook.sheetnames == ["Phần I - Việc khó", "Phần II - Việc mới, đột phá"]
    sheet = workbook["Phần I - Việc khó"]
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(COLUMNS)).column_letter}2"
    row = {COLUMNS[i].key: cell for i, cell in enumerate(sheet[2])}
    assert row["registered_on"].value == dt.datetime(2024, 3, 15) and row["registered_on"].number_format == "dd/mm/yyyy"
    assert row["schedule.due"].value == dt.datetime(2024, 12, 31) and row["schedule.due"].number_format == "mm/yyyy"
    assert row["result.outcome"].value == "Hoàn thành"
    assert workbook["Phần II - Việc mới, đột phá"].max_row == 2


def test_xlsx_bytes_are_identical_for_the_same_input(content):
    loaded = two_registrations(content)
    first = xlsx_bytes(loaded, loaded.entries)
    assert xlsx_bytes(content.load(), content.load().entries) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert archive.read("docProps/core.xml").count(b">2024-12-31T00:00:00Z<") == 2  # created and modified: the as-of date


def test_json_is_versioned_and_keeps_the_content_format(content):
    loaded = two_registrations(content)
    document = json.loads(json_bytes(loaded, loaded.entries, 2024))
    assert (document["format"], document["version"], document["as_of"], document["year"]) == ("dotpha-export", 1, "2024-12-31", 2024)
    first = document["registrations"][0]
    assert first["id"] == "2024-stc-01" and first["kind"] == "difficult" and first["status"] == "completed"
    assert first["schedule"] == {"start": "2024-04", "due": "2024-12", "completed_on": "2024-12-15"}
    assert first["derived"] == {"flags": ["on_time"], "effective_due": "2024-12", "latest_progress": None, "open_obstacles": 0}
    assert document["units"]["so-tai-chinh"]["name"] == "Sở Tài chính"
    assert "support_requested" not in document["registrations"][1]  # no empty keys


def test_exports_hold_only_the_entries_they_are_given(content):
    """A public build hands over a redacted Content: nothing else may leak into downloads."""
    loaded = two_registrations(content)
    kept = Content(loaded.root, loaded.as_of, loaded.groups, loaded.units, loaded.evaluators, loaded.entries[:1])
    for download in downloads_of(kept):
        data = export_bytes(kept, download)
        assert b"2024-stc-02" not in data and "Số hóa".encode() not in data, download.path
    assert [d.path for d in downloads_of(kept)][:3] == ["tai-ve/dang-ky-tat-ca.xlsx", "tai-ve/dang-ky-tat-ca.csv", "tai-ve/dang-ky-tat-ca.json"]


def test_year_downloads_hold_that_year_only():
    demo = load_content(ROOT / "content", DEMO_AS_OF)
    data = json.loads(export_bytes(demo, Download("tai-ve/dang-ky-2024.json", "JSON", 2024)))
    assert {r["year"] for r in data["registrations"]} == {2024}
    assert len(data["registrations"]) == sum(1 for e in demo.entries if e.registration.year == 2024)


# ---------------------------------------------------------------- round trip through dotpha import


def _flat(content: Content) -> dict[str, dict]:
    """The fields a spreadsheet carries, per registration (no lists: updates, obstacles, links, tags,
    deadline extensions); text compared without its trailing newline."""
    result = {}
    for entry in content.entries:
        data = entry.registration.model_dump(exclude={"updates", "obstacles", "links", "tags", "visibility"})
        data["schedule"] = {k: (v, getattr(v, "month_only", False)) for k, v in data["schedule"].items() if k != "extensions"}
        result[entry.id] = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    return result


def test_exported_xlsx_imports_back_to_the_same_data(tmp_path, monkeypatch, capsys):
    """Into an empty folder. (2024: each completed registration there has its result; a spreadsheet
    carries no progress reports, so a completed one with neither is refused by the validator.)"""
    demo = load_content(ROOT / "content", DEMO_AS_OF)
    xlsx = tmp_path / "dang-ky-2024.xlsx"
    xlsx.write_bytes(xlsx_bytes(demo, [e for e in demo.entries if e.registration.year == 2024]))
    empty = tmp_path / "content"
    (empty / "registrations").mkdir(parents=True)
    (empty / "units.yml").write_bytes((ROOT / "content" / "units.yml").read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(xlsx), "--year", "2024", "--content", str(empty), "--as-of", "2025-11-01"]) == 0
    assert "Đã tạo 20 tệp" in capsys.readouterr().out
    imported = _flat(load_content(empty, DEMO_AS_OF))
    original = {k: v for k, v in _flat(demo).items() if k.startswith("2024-")}
    assert imported == original


def test_exported_xlsx_updates_nothing_when_imported_over_its_own_content(tmp_path, monkeypatch, capsys):
    demo = load_content(ROOT / "content", DEMO_AS_OF)
    xlsx = tmp_path / "all.xlsx"
    xlsx.write_bytes(xlsx_bytes(demo, [e for e in demo.entries if e.registration.year == 2024]))
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy)
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(xlsx), "--year", "2024", "--update", "--content", str(copy), "--as-of", "2025-11-01"]) == 0
    assert "Đã tạo 0 tệp, cập nhật 0 tệp, 20 đăng ký không đổi." in capsys.readouterr().out
    assert all(p.read_bytes() == (ROOT / "content" / p.relative_to(copy)).read_bytes() for p in copy.rglob("*.yml"))


def test_the_xlsx_writer_keeps_text_numbers_and_dates_as_excel_reads_them():
    from generator.domain.schema import PlannedDate
    from generator.site.xlsx import Sheet, workbook_bytes

    widths = [6, 8, 10, 12, 14, 16, 18, 20]
    rows = [["<b>&\"x\"</b>", 3, 2.5, dt.date(2024, 3, 15), PlannedDate.of(dt.date(2025, 6, 30), month_only=True), "  hai dòng\nở đây ", None, "=1+1"]]
    data = workbook_bytes([Sheet("Phần I - Việc khó", list("ABCDEFGH"), widths, rows)], dt.datetime(2025, 1, 2), "dotpha")
    sheet = load_workbook(io.BytesIO(data))["Phần I - Việc khó"]
    cells = sheet[2]
    assert [cell.value for cell in cells] == ['<b>&"x"</b>', 3, 2.5, dt.datetime(2024, 3, 15), dt.datetime(2025, 6, 30), "  hai dòng\nở đây ", None, "=1+1"]
    assert [cell.data_type for cell in cells] == ["s", "n", "n", "d", "d", "s", "n", "s"]  # typed by value: text stays text, never a formula
    assert sheet["D2"].number_format == "dd/mm/yyyy" and sheet["E2"].number_format == "mm/yyyy" and sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H2" and sheet["H2"].quotePrefix  # =1+1 stays text even when edited in Excel
    assert [int(sheet.column_dimensions[letter].width) for letter in "ABCDEFGH"] == widths  # Excel's padding after the point
    assert data == workbook_bytes([Sheet("Phần I - Việc khó", list("ABCDEFGH"), widths, rows)], dt.datetime(2025, 1, 2), "dotpha")


def test_an_xlsx_of_another_as_of_date_differs_only_in_its_dates(content):
    """The document's creation date is the as-of date; the rows change only where the date changes them."""
    content.registration()
    first, later = (xlsx_bytes(loaded, loaded.entries) for loaded in (content.load(dt.date(2024, 6, 1)), content.load(dt.date(2024, 6, 2))))
    parts = [zipfile.ZipFile(io.BytesIO(data)) for data in (first, later)]
    assert parts[0].namelist() == parts[1].namelist()
    assert [name for name in parts[0].namelist() if parts[0].read(name) != parts[1].read(name)] == ["docProps/core.xml"]
    assert b">2024-06-02T00:00:00Z<" in parts[1].read("docProps/core.xml")
    overdue = content.load(dt.date(2025, 1, 15))  # past its due date: the "Tình hình" cell says so
    sheet = load_workbook(io.BytesIO(xlsx_bytes(overdue, overdue.entries)))["Phần I - Việc khó"]
    flags = [c.key for c in COLUMNS].index("flags")
    assert sheet.cell(2, flags + 1).value == "Quá hạn"


def test_a_text_too_long_for_an_excel_cell_is_cut_with_a_note():
    from generator.site.xlsx import CELL_LIMIT, CUT_NOTE, Sheet, workbook_bytes

    long = "ắ" * (CELL_LIMIT + 10)
    data = workbook_bytes([Sheet("S", ["A"], [10], [[long]])], dt.datetime(2025, 1, 2), "dotpha")
    value = load_workbook(io.BytesIO(data))["S"]["A2"].value
    assert len(value) == CELL_LIMIT and value.endswith(CUT_NOTE) and value.startswith("ắ" * 100)
