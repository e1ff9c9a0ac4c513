"""The shipped JSON Schema refuses what the validator refuses, wherever one file can show it.

CASES is the table of the validation cases of the suite (tests/domain/test_validate.py and the
other tests that write bad content): a name, the YAML of one file, the problem code the validator
gives.  Each case goes through both the validator (the `content` fixture) and `jsonschema` (the
draft the schema declares, formats checked, as check-jsonschema and the form page do).  They must
agree, except on the rules below that need more than the file itself: those cases must pass the
schema, so that the list stays true.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from conftest import BREAKTHROUGH, DIFFICULT, DROP, REG_PATH, UNITS_YML, dump

from generator.domain.jsonschema import json_schema
from generator.domain.load import load_document
from generator.domain.problems import ContentError

# Problem codes of rules JSON Schema cannot express on one file, each with the reason.
BEYOND_ONE_FILE = {
    "unknown_unit": "the units live in units.yml",
    "unknown_evaluator": "the evaluators live in units.yml",
    "unit_not_alive": "a unit's lifetime is in units.yml",
    "evaluator_not_alive": "an evaluator's lifetime is in units.yml",
    "unknown_group": "a group named in units.yml must be one of its groups: a reference, not a shape",
    "unknown_continues": "the registration continued is another file",
    "duplicate_id": "ids are compared across all registration files",
    "duplicate_slug": "JSON Schema's uniqueItems compares whole items, not one key of them",
    "replaced_by_self": "JSON Schema cannot compare one value with another",
    "id_path": "the file name is not in the file",
    "year_path": "the year folder is not in the file",
    "unit_path": "the unit folder is not in the file",
    "due_before_start": "date order: JSON Schema cannot compare two values",
    "unit_span": "date order: JSON Schema cannot compare two values",
    "updates_order": "date order: JSON Schema cannot compare two values",
    "after_as_of": "the as-of date is a build setting, not in the file",
}


@dataclass(frozen=True)
class Case:
    name: str
    yaml: str
    code: str | None  # None: a valid file
    path: str = REG_PATH.removeprefix("content/")
    others: tuple[tuple[str, str], ...] = ()  # further registration files: (path, YAML)
    units: bool = False  # the YAML is units.yml


def reg(tail: str = "", **changes) -> str:
    """A base registration (conftest.py) with top-level keys replaced, as YAML."""
    record = copy.deepcopy(BREAKTHROUGH if changes.get("kind") == "breakthrough" else DIFFICULT)
    for key, value in changes.items():
        if value is DROP:
            record.pop(key, None)
        else:
            record[key] = value
    return dump(record) + tail


def replaced(old: str, new: str) -> str:
    text = dump(DIFFICULT)
    assert old in text
    return text.replace(old, new)


def schedule(**changes) -> dict:
    return {**DIFFICULT["schedule"], **changes}


def registrant(**changes) -> dict:
    return {**DIFFICULT["registrant"], **changes}


def at_unit(unit: str, year: int = 2024) -> str:
    return f"registrations/{year}/{unit}/2024-stc-01.yml"


UPDATES = "updates:\n  - date: 2024-06-30\n    progress: 40\n    text: Đã kiểm đếm 120/300 hộ.\n"
RESULT = "result:\n  assessed_on: 2024-12-20\n  outcome: completed\n"
FULL = """\
updates:
  - date: 2024-06-30
    progress: 40
    text: Đã hoàn thành kiểm đếm 120/300 hộ.
  - date: 2024-11-30
    progress: 100
    text: Hoàn thành.
obstacles:
  - raised_on: 2024-05-10
    text: Chưa có giá đất cụ thể để lập phương án bồi thường.
    support_from: UBND tỉnh
    resolved_on: 2024-08-01
    resolution: UBND tỉnh phê duyệt giá đất ngày 25/7/2024.
result:
  assessed_on: 2024-12-20
  outcome: completed
  comment: Hoàn thành đúng hạn.
links:
  - title: Kế hoạch số 12/KH-STC
    url: https://intranet.example/vb/12-kh-stc.pdf
  - title: Công văn
    url: HTTP://[2001:db8::1]:8080/vb/cv.pdf
tags: [giai-phong-mat-bang, dau-tu-cong]
visibility: internal
"""


def link(url: str) -> str:
    return f"links:\n  - title: Xem\n    url: {url}\n"


CASES = [
    # valid files
    Case("minimal difficult", reg(), None),
    Case("minimal breakthrough", reg(kind="breakthrough"), None),
    Case("optional fields left out", reg(id=DROP, registered_on=DROP, schedule={"due": "2024-12-31"}), None),
    Case("full registration", reg(FULL, status="completed", schedule=schedule(completed_on="2024-11-30")), None),
    Case("months for start and due", reg(schedule={"start": "2024-04", "due": "2024-12"}), None),
    Case("leap day", reg(registered_on="2024-02-29"), None),
    Case("progress 0", reg(UPDATES.replace("40", "0")), None),
    Case("progress 100", reg(UPDATES.replace("40", "100")), None),
    Case("completed with a result, no updates", reg(RESULT, status="completed", schedule=schedule(completed_on="2024-11-30")), None),
    Case("empty registered_on", replaced("registered_on: 2024-03-15", "registered_on:"), None),
    # unknown keys
    Case("misspelt top-level key", replaced("title:", "titel:"), "unknown_key"),
    Case("misspelt nested key", reg(schedule={"start": "2024-04-01", "deu": "2024-12-31"}), "unknown_key"),
    Case("misspelt key in a list item", reg(UPDATES.replace("progress", "progess")), "unknown_key"),
    Case("unknown key", reg(ghi_chu="Ghi chú thêm"), "unknown_key"),
    Case("unknown key in registrant", reg(registrant=registrant(email="a@b.c")), "unknown_key"),
    # required fields and blanks
    Case("missing title, content, status", reg(title=DROP, content=DROP, status=DROP), "missing"),
    Case("missing registrant position", reg(registrant={"name": "An", "unit": "so-tai-chinh"}), "missing"),
    Case("update without text", reg("updates:\n  - date: 2024-06-30\n"), "missing"),
    Case("obstacle without raised_on", reg("obstacles:\n  - text: Chưa có giá đất.\n"), "missing"),
    Case("result without outcome", reg("result:\n  assessed_on: 2024-12-20\n"), "missing"),
    Case("link without title", reg("links:\n  - url: https://example.org/a.pdf\n"), "missing"),
    Case("empty title", replaced("title: Quyết toán dứt điểm các dự án tồn đọng", "title:"), "blank"),
    Case("empty status", replaced("status: in_progress", "status:"), "blank"),
    Case("empty evaluator", replaced("evaluator: btv-tinh-uy", "evaluator:"), "blank"),
    Case("empty due", replaced("  due: 2024-12-31", "  due:"), "blank"),
    Case("empty schedule", replaced("  start: 2024-04-01\n  due: 2024-12-31\n", ""), "blank"),
    Case("whitespace-only impact", reg(impact="   "), "blank"),
    Case("empty-string title", reg(title=""), "blank"),
    # wrong types
    Case("number for text", reg(title=2024), "type_text"),
    Case("text for a whole number", reg(year="2024"), "type_int"),
    Case("fraction for progress", reg(UPDATES.replace("40", "40.5")), "type_int"),
    Case("yes/no for text", replaced("support_requested: Không", "support_requested: no"), "type_text"),
    Case("mapping for text", replaced("content: Rà soát, phân loại từng dự án.", "content: {a: 1}"), "type_text"),
    Case("text for a mapping", reg(registrant="Nguyễn Văn An"), "type_mapping"),
    Case("text for a list", reg(tags="giai-phong-mat-bang"), "type_list"),
    Case("list for text", reg(title=["a", "b"]), "type_text"),
    Case("year 1999", reg(year=1999), "too_small"),
    Case("year 2101", reg(year=2101), "too_big"),
    # enumerations
    Case("kind", reg(kind="difficul"), "enum"),
    Case("status", reg(status="done"), "enum"),
    Case("visibility", reg(visibility="secret"), "enum"),
    Case("result outcome", reg("result:\n  assessed_on: 2024-12-20\n  outcome: done\n"), "enum"),
    # units and evaluators (units.yml)
    Case("unknown unit", reg(registrant=registrant(unit="so-tai-chinhh")), "unknown_unit", at_unit("so-tai-chinhh")),
    Case("unknown evaluator", reg(evaluator="btv-tinh-u"), "unknown_evaluator"),
    Case("unit ceased before the year", reg(registrant=registrant(unit="so-ke-hoach-dau-tu")), "unit_not_alive",
         at_unit("so-ke-hoach-dau-tu")),  # fmt: skip
    Case("evaluator ceased before the year", reg(evaluator="dd-hdnd-tinh"), "evaluator_not_alive"),
    # other files
    Case("duplicate id", reg(id="2024-qt-01"), "duplicate_id", "registrations/2024/so-tai-chinh/2024-qt-01.yml",
         others=(("registrations/2024/huyen-uy-binh-son/2024-qt-01.yml",
                  reg(id="2024-qt-01", registrant=registrant(unit="huyen-uy-binh-son"))),)),  # fmt: skip
    Case("continues an unknown registration", reg(continues="2023-stc-09"), "unknown_continues"),
    # dates and months
    Case("no such registered_on", reg(registered_on="2024-02-30"), "date_invalid"),
    Case("no such due date", reg(schedule=schedule(due="2024-02-30")), "date_invalid"),
    Case("no such start month", reg(schedule=schedule(start="2024-13")), "date_invalid"),
    Case("start month 00", reg(schedule=schedule(start="2024-00")), "date_invalid"),
    Case("month for a date", reg(registered_on="2024-04"), "date_format"),
    Case("dd/mm/yyyy", reg(registered_on="15/03/2024"), "date_format"),
    Case("one-digit month", reg(registered_on="2024-3-15"), "date_format"),
    Case("month for completed_on", reg(schedule=schedule(completed_on="2024-11")), "date_format"),
    Case("words for due", reg(schedule=schedule(due="tháng 12")), "month_format"),
    Case("year alone for due", reg(schedule={"due": 2024}), "month_format"),
    Case("no such obstacle date", reg("obstacles:\n  - raised_on: 2024-04-31\n    text: Chưa có giá đất.\n"), "date_invalid"),
    Case("month for assessed_on", reg("result:\n  assessed_on: 2024-06\n  outcome: partly_completed\n"), "date_format"),
    Case("due before start", reg(schedule={"start": "2024-06-01", "due": "2024-05-31"}), "due_before_start"),
    Case("due month before start month", reg(schedule={"start": "2024-06", "due": "2024-05"}), "due_before_start"),
    # updates
    Case("updates out of order", reg(UPDATES + "  - date: 2024-05-30\n    text: Đã lập kế hoạch.\n"), "updates_order"),
    Case("update after the as-of date", reg(UPDATES.replace("2024-06-30", "2025-01-15")), "after_as_of"),
    Case("progress 101", reg(UPDATES.replace("40", "101")), "too_big"),
    Case("progress -1", reg(UPDATES.replace("40", "-1")), "too_small"),
    # status
    Case("completed without completed_on", reg(UPDATES, status="completed"), "completed_without_date"),
    Case("completed with an empty completed_on", reg(UPDATES, status="completed", schedule=schedule(completed_on=None)),
         "completed_without_date"),  # fmt: skip
    Case("completed without updates or result", reg(status="completed", schedule=schedule(completed_on="2024-11-30")),
         "completed_without_evidence"),  # fmt: skip
    Case("completed with no updates", reg("updates: []\n", status="completed", schedule=schedule(completed_on="2024-11-30")),
         "completed_without_evidence"),  # fmt: skip
    Case("completed with neither", reg(status="completed"), "completed_without_date"),
    Case("result while registered", reg(RESULT, status="registered"), "result_on_registered"),
    # Part I / Part II
    Case("support_requested on Part II", reg(kind="breakthrough", support_requested="Không"), "part_only"),
    Case("difficulties on Part I", reg(difficulties="Thiếu cán bộ."), "part_only"),
    Case("empty difficulties on Part I", reg(difficulties=None), "part_only"),
    Case("Part II without difficulties", reg(kind="breakthrough", difficulties=DROP), "part_required"),
    Case("Part II with empty difficulties", reg(kind="breakthrough", difficulties=None), "part_required"),
    Case("Part I without support_requested", reg(support_requested=DROP), "support_required"),
    Case("Part I with empty support_requested", reg(support_requested=None), "support_required"),
    # the file's place
    Case("id and file name", reg(id="2024-stc-02"), "id_path"),
    Case("year and year folder", reg(year=2025, registered_on="2025-03-01", schedule={"due": "2025-12-31"}), "year_path"),
    Case("unit and unit folder", reg(registrant=registrant(unit="huyen-uy-binh-son")), "unit_path"),
    # slugs
    Case("non-slug id", reg(id="2024_STC_01"), "slug"),
    Case("non-slug tag", reg("tags: [giai-phong, Giải phóng mặt bằng]\n"), "slug"),
    Case("slug with a final newline", reg("tags:\n  - |\n    giai-phong\n"), "slug"),
    Case("non-slug person", reg(registrant=registrant(person="nguyen--van-an")), "slug"),
    Case("non-slug evaluator", reg(evaluator="BTV"), "slug"),
    # links
    Case("javascript link", reg(link("javascript:alert(1)")), "link_scheme"),
    Case("ftp link", reg(link("ftp://intranet.example/bb.pdf")), "link_scheme"),
    Case("relative link", reg(link("/vb/1.pdf")), "link_scheme"),
    Case("link without a host", reg(link("'https:vanban/1.pdf'")), "link_scheme"),
    Case("link with an empty host", reg(link("'https:///vanban/1.pdf'")), "link_scheme"),
    Case("malformed link", reg(link("http://[vanban/1.pdf")), "link_invalid"),
    Case("data link", reg(link("'data:text/html,<script>alert(1)</script>'")), "link_scheme"),
    # units.yml
    Case("units: the demo layout", UNITS_YML, None, units=True),
    Case("units: misspelt section", UNITS_YML.replace("evaluators:", "evaluator:"), "unknown_key", units=True),
    Case("units: non-slug unit id", UNITS_YML.replace("id: so-tai-chinh", "id: So Tai Chinh"), "slug", units=True),
    Case("units: no such date", UNITS_YML.replace("until: 2023-12-31", "until: 2023-12-32", 1), "date_invalid", units=True),
    Case("units: blank name", UNITS_YML.replace("name: Sở Tài chính", "name: ' '"), "blank", units=True),
    Case("units: duplicate unit id", UNITS_YML.replace("id: so-ke-hoach-dau-tu", "id: so-tai-chinh"), "duplicate_slug",
         units=True),  # fmt: skip
    Case("units: unknown group", UNITS_YML.replace("group: cap-xa", "group: cap-thon"), "unknown_group", units=True),
    Case("units: replaced by itself", UNITS_YML.replace("replaced_by: so-tai-chinh", "replaced_by: so-ke-hoach-dau-tu"),
         "replaced_by_self", units=True),  # fmt: skip
    Case("units: ends before it begins", UNITS_YML.replace("since: 2025-07-01", "since: 2025-07-01\n    until: 2025-01-01"),
         "unit_span", units=True),  # fmt: skip
]


def validator_codes(content, case: Case) -> set[str]:
    """The problem codes the validator gives for the case's files ({} when valid)."""
    if case.units:
        content.units(case.yaml)
        content.registration()
    else:
        content.registration(case.yaml, path=case.path)
        for path, text in case.others:
            content.registration(text, path=path)
    try:
        content.load(dt.date(2024, 12, 31))
    except ContentError as error:
        return {problem.code for problem in error.problems}
    return set()


def schema_errors(content, case: Case) -> list[str]:
    """What `jsonschema` says of the file, read as an editor's YAML parser reads it (dates are text)."""
    what = "units" if case.units else "registration"
    document, problems = load_document(content.root / ("units.yml" if case.units else case.path))
    assert not problems
    schema = json_schema(what)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    found = cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(document.data)
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found)


def test_the_case_names_are_unique():
    assert len({case.name for case in CASES}) == len(CASES)


def test_every_rule_beyond_one_file_has_a_case():
    assert set(BEYOND_ONE_FILE) <= {case.code for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_schema_agrees_with_the_validator(content, case):
    codes = validator_codes(content, case)
    assert (case.code in codes) if case.code else codes == set(), codes
    one_file = codes - set(BEYOND_ONE_FILE)
    errors = schema_errors(content, case)
    if one_file:
        assert errors, f"the validator refuses ({sorted(one_file)}), the schema accepts"
    else:
        assert errors == [], f"the validator says {sorted(codes) or 'valid'}, the schema refuses"


DEMO = Path(__file__).resolve().parents[2] / "content"


@pytest.mark.parametrize("path", sorted((DEMO / "registrations").rglob("*.yml")), ids=lambda p: p.stem)
def test_every_demo_registration_passes_the_shipped_schema(path):
    import json

    schema = json.loads((DEMO / "registration.schema.json").read_text(encoding="utf-8"))
    document, problems = load_document(path)
    assert not problems
    cls = jsonschema.validators.validator_for(schema)
    assert [e.message for e in cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(document.data)] == []
