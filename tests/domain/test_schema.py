"""`dotpha schema`: the JSON Schema editors use, checked with `jsonschema` against the demo files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # noqa: E402  (test extra)
import pytest

from generator.cli import main
from generator.domain.jsonschema import json_schema
from generator.domain.load import load_document
from generator.domain.schema import Kind, Registration, Status, UnitsFile

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "content"
DEMO_REGISTRATIONS = sorted((DEMO / "registrations").rglob("*.yml"))


def validator(what: str = "registration"):
    schema = json_schema(what)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def data_of(path: Path) -> dict:
    """A file as an editor's YAML 1.2 parser sees it: dates are text."""
    document, problems = load_document(path)
    assert not problems
    return document.data


def errors(data: dict, what: str = "registration") -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(what).iter_errors(data))


def test_the_schema_is_draft_07_for_yaml_language_server():
    schema = json_schema("registration")
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft7Validator


def test_titles_and_descriptions_are_the_schema_labels():
    schema = json_schema("registration")
    assert schema["title"] == "Đơn đăng ký việc khó, việc mới có tính đột phá, sáng tạo"
    for name, info in Registration.model_fields.items():
        assert schema["properties"][name]["title"] == info.title
    registrant = schema["$defs"]["Registrant"]["properties"]
    assert registrant["unit"] == {"pattern": registrant["unit"]["pattern"], "type": "string", "title": "Đơn vị công tác",
                                  "description": "Mã đơn vị trong units.yml."}  # fmt: skip
    assert schema["properties"]["content"]["description"] == "Mẫu đơn: mục 2 Phần I, mục 3 Phần II."
    assert schema["properties"]["difficulties"]["description"] == "Mẫu đơn: mục 2 Phần II. Chỉ Phần II; bắt buộc."
    status = schema["$defs"]["Status"]
    assert status["enum"] == [s.value for s in Status]
    assert status["enumDescriptions"] == [s.label for s in Status]


@pytest.mark.parametrize("what", ["registration", "units"])
def test_no_class_names_or_developer_docstrings(what):
    schema = json_schema(what)
    assert "description" not in schema
    for name, definition in schema["$defs"].items():
        assert definition.get("title") != name
        assert "description" not in definition
    assert '"form":' not in json.dumps(schema)


def test_units_schema():
    schema = json_schema("units")
    assert schema["title"] == UnitsFile.model_config["title"]
    assert schema["$defs"]["Unit"]["properties"]["until"]["title"] == "Hoạt động đến ngày"
    assert errors(data_of(DEMO / "units.yml"), "units") == []


def test_demo_content_is_there():
    assert len(DEMO_REGISTRATIONS) >= 20


@pytest.mark.parametrize("path", DEMO_REGISTRATIONS, ids=lambda p: p.stem)
def test_every_demo_registration_passes(path):
    assert errors(data_of(path)) == []


def test_unknown_and_misspelt_keys_fail():
    data = data_of(DEMO / "registrations/2024/so-tai-chinh/2024-stc-01.yml")
    data["titel"] = data.pop("title")
    data["registrant"]["email"] = "a@b.c"
    assert errors(data) == [
        ": 'title' is a required property",
        ": Additional properties are not allowed ('titel' was unexpected)",
        "registrant: Additional properties are not allowed ('email' was unexpected)",
    ]


@pytest.mark.parametrize(
    ("kind", "wrong", "needed"),
    [(Kind.difficult, "difficulties", "support_requested"), (Kind.breakthrough, "support_requested", "difficulties")],
)
def test_each_part_has_its_own_item(kind, wrong, needed):
    data = {key: value for key, value in data_of(DEMO / "registrations/2024/so-tai-chinh/2024-stc-01.yml").items()}
    data.pop("support_requested")
    data |= {"kind": kind.value, wrong: "Không"}
    assert [error.split(": ", 1)[1] for error in errors(data)] == [
        f"'{needed}' is a required property",
        "False schema does not allow 'Không'",
    ]


def test_wrong_values_fail():
    data = data_of(DEMO / "registrations/2024/so-tai-chinh/2024-stc-01.yml")
    data["status"] = "done"
    data["schedule"]["due"] = "31/12/2024"
    data["tags"] = ["Đầu tư"]
    assert len(errors(data)) == 3


def test_new_files_pass(content):
    for kind in Kind:
        args = ["--kind", kind.value, "--unit", "stc", "--name", "A", "--position", "B", "--evaluator", "btv-tinh-uy", "--title", "T"]
        assert main(["new", "--content", "content", "--as-of", "2024-03-01", "--no-input", *args]) == 0
    files = sorted((content.root / "registrations").rglob("*.yml"))
    assert len(files) == 2
    for path in files:
        assert errors(data_of(path)) == []


@pytest.mark.parametrize("what", ["registration", "units"])
def test_cli_prints_or_writes_the_schema(what, tmp_path, capsys):
    assert main(["schema", what]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed) == json_schema(what)
    assert main(["schema", what, "-o", str(tmp_path / "s.json")]) == 0
    assert capsys.readouterr().out == ""
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == printed
    assert "Tên công việc đăng ký" in printed or "Tên đơn vị" in printed  # UTF-8, not \\u escapes


@pytest.mark.parametrize("what", ["registration", "units"])
def test_the_schema_files_shipped_in_content_are_current(what, capsys):
    """Editors read content/*.schema.json; regenerate with `dotpha schema WHAT -o content/WHAT.schema.json`."""
    from generator.cli import main

    assert main(["schema", what]) == 0
    shipped = (Path(__file__).resolve().parents[2] / "content" / f"{what}.schema.json").read_text(encoding="utf-8")
    assert capsys.readouterr().out == shipped
