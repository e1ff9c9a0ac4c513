"""Downloads that cannot run (#15): text that a spreadsheet would run as a formula,
in every text field and name, is inert in the CSV (a leading apostrophe) and typed
text in the XLSX, exact in the JSON, and `dotpha import` gives the text back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from conftest import UNITS_YML
from generator.cli import main
from generator.domain.content import load_content
from generator.site.exports import COLUMNS, csv_bytes, json_bytes, xlsx_bytes
from generator.site.formulas import neutralised, restored, runs_as_formula

AS_OF = dt.date(2024, 12, 31)
ATTACKS = (
    '=HYPERLINK("http://evil.example","Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "- Bước một\n- Bước hai",  # a Markdown list: Excel shows #NAME?
    "+84 912 345 678",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=2+2",
    "'=HYPERLINK(\"http://evil.example\")",  # already starts with our apostrophe: gets one more
)
TEXT_FIELDS = ("title", "content", "impact", "support_requested", "result.comment", "registrant.name", "registrant.position")
UNIT_NAME, EVALUATOR_NAME = "=HYPERLINK(\"http://evil.example\",\"Sở\")", "-Ban Thường vụ Tỉnh ủy"


def attack_content(content):
    """One registration per attack string, the string (with a word of its field) in every text field;
    the unit and the evaluator named with attack strings too."""
    content.units(UNITS_YML.replace("name: Sở Tài chính", f"name: '{UNIT_NAME}'").replace("name: Ban Thường vụ Tỉnh ủy", f"name: '{EVALUATOR_NAME}'"))
    for number, attack in enumerate(ATTACKS, start=1):
        texts = {field: attack + (f" ({field})" if field != "title" else "") for field in TEXT_FIELDS}
        content.registration(
            id=f"2024-stc-{number:02d}", title=texts["title"], content=texts["content"], impact=texts["impact"],
            support_requested=texts["support_requested"],
            registrant={"name": texts["registrant.name"], "position": texts["registrant.position"], "unit": "so-tai-chinh"},
            schedule={"start": dt.date(2024, 4, 1), "due": dt.date(2024, 12, 31), "completed_on": dt.date(2024, 12, 15)},
            status="completed", result={"outcome": "completed", "assessed_on": dt.date(2024, 12, 20), "comment": texts["result.comment"]},
        )  # fmt: skip
    return content.load(AS_OF)


def texts_of(loaded) -> dict[str, dict[str, str]]:
    """Every text field of every registration, as the content holds it."""
    result = {}
    for entry in loaded.entries:
        data = entry.registration.model_dump()
        result[entry.id] = {field: _dotted(data, field) for field in TEXT_FIELDS}
    return result


def _dotted(data: dict, dotted: str):
    for part in dotted.split("."):
        data = data[part]
    return data


# ---------------------------------------------------------------- the rule


@pytest.mark.parametrize("text", ATTACKS + ("=1+1", "+SUM(A1)", "@A1", "-x", "\tx", "\rx", "-", "=", "''=x", "'''-x"))
def test_text_that_would_run_gets_an_apostrophe_and_comes_back(text):
    cell = neutralised(text)
    assert cell == "'" + text and not runs_as_formula(cell)
    assert restored(cell) == text


@pytest.mark.parametrize("text", ("-5", "+1,5", "-0.25", "12/2024", "Sở Tài chính", "'không chạy", "'", "", " =không chạy", "Tên = giá trị"))
def test_plain_numbers_and_other_text_stay_as_they_are(text):
    assert neutralised(text) == text and restored(text) == text


def test_an_apostrophe_someone_typed_before_a_formula_is_removed_only_once():
    """A foreign CSV that protected its own cell reads as the spreadsheet shows it."""
    assert restored("'=1+1") == "=1+1" and restored("''=1+1") == "'=1+1"


# ---------------------------------------------------------------- the downloads


def test_no_csv_cell_runs_as_a_formula(content):
    loaded = attack_content(content)
    rows = list(csv.reader(io.StringIO(csv_bytes(loaded, loaded.entries).decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row]
    assert [cell for cell in cells if runs_as_formula(cell)] == []
    assert sum(cell.startswith("'") for cell in cells) == len(ATTACKS) * (len(TEXT_FIELDS) + 2)  # + unit and evaluator names
    assert "'" + ATTACKS[0] in cells and "'" + ATTACKS[-1] in cells and "'" + UNIT_NAME in cells


def test_no_xlsx_cell_is_a_formula_and_text_stays_exact(content):
    loaded = attack_content(content)
    workbook = load_workbook(io.BytesIO(xlsx_bytes(loaded, loaded.entries)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = {unescape(cell.value) for cell in cells if cell.data_type == "s"}  # openpyxl leaves Excel's `_x000D_` for a CR
    expected = {text for fields in texts_of(loaded).values() for text in fields.values()}
    assert expected <= texts and UNIT_NAME in texts and EVALUATOR_NAME in texts
    quoted = [cell for cell in cells if isinstance(cell.value, str) and runs_as_formula(cell.value)]
    assert quoted and all(cell.quotePrefix for cell in quoted)  # stays text when someone edits the cell in Excel


def test_json_keeps_the_exact_text(content):
    loaded = attack_content(content)
    document = json.loads(json_bytes(loaded, loaded.entries, 2024))
    for record in document["registrations"]:
        assert {field: _dotted(record, field) for field in TEXT_FIELDS} == texts_of(loaded)[record["id"]]
    assert document["units"]["so-tai-chinh"]["name"] == UNIT_NAME


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_our_own_download_imports_back_to_the_same_text(content, tmp_path, extension, capsys):
    """The importer trims a cell and writes its line ends as LF, for every spreadsheet alike (and
    writes a text of several lines as a YAML block, which ends in a line break): that is all that
    may differ ("\\t=1+1" comes back as "=1+1"); no apostrophe is added or lost."""
    loaded = attack_content(content)
    download = tmp_path / f"dang-ky.{extension}"
    download.write_bytes((csv_bytes if extension == "csv" else xlsx_bytes)(loaded, loaded.entries))
    empty = tmp_path / "empty"
    (empty / "registrations").mkdir(parents=True)
    (empty / "units.yml").write_bytes((content.root / "units.yml").read_bytes())
    assert main(["import", str(download), "--year", "2024", "--content", str(empty), "--as-of", "2024-12-31"]) == 0, capsys.readouterr()
    assert f"Đã tạo {len(ATTACKS)} tệp" in capsys.readouterr().out
    imported = texts_of(load_content(empty, AS_OF))
    assert _trimmed(imported) == _trimmed(texts_of(loaded))
    assert imported["2024-stc-08"]["title"] == ATTACKS[-1]  # the apostrophe the author typed is kept
    assert {e.registration.evaluator for e in load_content(empty, AS_OF).entries} == {"btv-tinh-uy"}  # found by its name


def _trimmed(texts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {id_: {f: t.replace("\r\n", "\n").replace("\r", "\n").strip() for f, t in fields.items()} for id_, fields in texts.items()}


def test_the_columns_cover_every_text_field():
    """So the attack strings above reach every text column of the downloads."""
    keys = {column.key for column in COLUMNS}
    assert set(TEXT_FIELDS) <= keys
