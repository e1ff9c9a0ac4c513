"""Registration files written by `dotpha import`: new files in the form's key order,
and round-trip updates (ruamel.yaml) that keep a file's comments, key order and quoting."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from typing import Any

from ..domain.schema import Registration, _inner_model

# Key order of a new file: the schema's, which is the form's (header, numbered items, then tracking).
FIELD_ORDER = tuple(Registration.model_fields)
SUB_ORDER = {
    name: tuple(inner.model_fields)
    for name, info in Registration.model_fields.items()
    if (inner := _inner_model(info.annotation)) is not None
}


def round_trip_yaml():
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip: comments, key order and quoting stay as they were
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def dump_yaml(data: Any) -> str:
    stream = io.StringIO()
    round_trip_yaml().dump(data, stream)
    return stream.getvalue()


def ordered_registration(data: dict[str, Any]):
    from ruamel.yaml.comments import CommentedMap

    mapping = CommentedMap()
    for key in FIELD_ORDER:
        if key in data:
            value = data[key]
            mapping[key] = _ordered_sub(key, value) if isinstance(value, dict) else _yaml_value(value)
    return mapping


def _ordered_sub(key: str, value: dict[str, Any]):
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap((sub, _yaml_value(value[sub])) for sub in SUB_ORDER[key] if sub in value)


def _yaml_value(value: Any) -> Any:
    """Dates as dates (plain `2024-12-31`), text of several lines as a `|` block."""
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value + "\n")
    return value


def merge_into(document, data: dict[str, Any], order: tuple[str, ...] = FIELD_ORDER) -> None:
    """Set each imported value that differs; keys in place, new keys at their place in the form's order."""
    from ruamel.yaml.comments import CommentedMap

    for key in order:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, dict):
            if not isinstance(document.get(key), dict):
                _insert(document, key, CommentedMap(), order)
            merge_into(document[key], value, SUB_ORDER[key])
        elif key not in document:
            _insert(document, key, _yaml_value(value), order)
        elif _same(document[key], value):
            continue
        else:
            document[key] = _yaml_value(value)


def _insert(document, key: str, value: Any, order: tuple[str, ...]) -> None:
    before = [k for k in order[: order.index(key)] if k in document]
    position = list(document).index(before[-1]) + 1 if before else 0
    document.insert(position, key, value)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, (dt.date, int)) or isinstance(new, int):
        return str(old) == str(new)
    return str(old).strip() == str(new).strip()


# ---------------------------------------------------------------- write


def write_plan(plan) -> None:
    """Write every planned file: new ones only if still absent, updates by atomic replace."""
    for planned in plan.files:
        planned.path.parent.mkdir(parents=True, exist_ok=True)
        if planned.update:
            temporary = planned.path.with_name(f".{planned.path.name}.dotpha-import")
            temporary.write_text(planned.text, encoding="utf-8", newline="\n")
            os.replace(temporary, planned.path)
        else:
            with planned.path.open("x", encoding="utf-8", newline="\n") as file:
                file.write(planned.text)


