"""The JSON Schema of a registration file and of units.yml, for editors and the form page."""

from __future__ import annotations

from .schema import PART_ONLY_FIELDS, Kind, Registration, Status, UnitsFile

# yaml-language-server implements draft-07; pydantic's schema uses nothing newer ($defs is only a place for $ref).
SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"


def json_schema(what: str) -> dict:
    """The JSON Schema of a registration or of units.yml, for editors (yaml-language-server).

    Only the clerk-facing words stay: field titles and descriptions, with the
    form item each field answers; class names and developer docstrings go.
    """
    model = Registration if what == "registration" else UnitsFile
    schema = model.model_json_schema()
    schema.pop("description", None)
    for name, definition in schema.get("$defs", {}).items():
        definition.pop("description", None)
        if definition.get("title") == name:
            del definition["title"]
    for prop in schema["properties"].values():
        if "form" in prop:
            items = ", ".join(f"mục {number} Phần {part}" for part, number in prop.pop("form").items())
            prop["description"] = " ".join(filter(None, (f"Mẫu đơn: {items}.", prop.get("description"))))
    if model is Registration:
        schema["allOf"] = [*(_part_rule(kind) for kind in Kind), *_status_rules()]
    return {"$schema": SCHEMA_DIALECT, **schema}


def _part_rule(kind: Kind) -> dict:
    """Part I needs its own fields and refuses Part II's, and the other way round."""
    own = [name for name, part in PART_ONLY_FIELDS.items() if part is kind]
    other = [name for name, part in PART_ONLY_FIELDS.items() if part is not kind]
    return {
        "if": {"properties": {"kind": {"const": kind.value}}, "required": ["kind"]},
        "then": {"required": own, "properties": {**{name: {"type": "string"} for name in own}, **{name: False for name in other}}},
    }


def _when_status(status: Status, then: dict) -> dict:
    return {"if": {"properties": {"status": {"const": status.value}}, "required": ["status"]}, "then": then}


def _status_rules() -> list[dict]:
    """validate.check_status, as far as one file shows it."""
    evidence = [
        {"required": ["updates"], "properties": {"updates": {"minItems": 1}}},
        {"required": ["result"], "properties": {"result": {"type": "object"}}},
    ]
    completed_on = {"required": ["completed_on"], "properties": {"completed_on": {"type": "string"}}}
    return [
        _when_status(Status.completed, {"required": ["schedule"], "properties": {"schedule": completed_on}, "anyOf": evidence}),
        _when_status(Status.registered, {"properties": {"result": {"type": "null"}}}),
    ]
