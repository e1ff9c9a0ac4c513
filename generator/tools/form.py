"""The official registration form as a commented YAML file, for `dotpha new`.

The header (who registers, where, who evaluates), then the numbered items of
Part I or Part II in the form's order, each under its number and label, then
the status and a commented outline of what is added while the work goes on.
Every label, help text, number and choice comes from `schema.py`; this module
only knows which fields make the header.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
import typing
from typing import Any

import yaml
from pydantic import BaseModel

from ..domain.schema import Kind, LabelledEnum, Registration, Status, _inner_model, form_fields, spec_of

HEADER = ("id", "year", "kind", "registered_on", "registrant", "evaluator")
WIDTH = 120
INTRO = (
    "Tạo bằng `dotpha new`. Thay mỗi đoạn «(Ghi …)» bằng nội dung thật; các mục đánh số theo mẫu đơn đăng ký.",
    "Có thể dùng Markdown (dòng bắt đầu bằng \"- \" để liệt kê, **chữ đậm**), không dùng HTML.",
    "Kiểm tra trước khi gửi: dotpha validate",
)


def render_registration(values: dict[str, Any], notes: dict[str, str], schema_ref: str | None, registered_on: dt.date) -> str:
    """The commented YAML text of a new registration, Part I or II, from the schema's labels.

    `values` maps dotted field names to what was asked; `notes` adds a word
    after a field's label (the unit's name after its id).
    """
    kind: Kind = values["kind"]
    values = {**values, "kind": kind.value, "registered_on": registered_on.isoformat(), "status": Status.registered.value}
    notes = {**notes, "kind": kind.label}
    lines = [f"# yaml-language-server: $schema={schema_ref}"] if schema_ref else []
    lines += [f"# {Registration.model_config['title']}", f"# {kind.label}", "#", *(f"# {line}" for line in INTRO), ""]
    for name in HEADER:
        lines += _entry(Registration, name, values, notes)
    for name in form_fields(kind):
        info = Registration.model_fields[name]
        number = spec_of(info).form[kind.part]
        lines += ["", f"# {number}. {info.title}", *_comment(info.description)]
        lines += _entry(Registration, name, values, notes, bare=True, placeholder=True)
    given = [name for name in _tracking_fields(kind) if values.get(name) is not None]  # asked by `dotpha new`, outside the form
    lines += ["", *(line for name in given for line in _entry(Registration, name, values, notes))]
    lines += [*_entry(Registration, "status", values, notes)]
    lines += ["", "# Theo dõi thực hiện: thêm các mục dưới đây khi có (bỏ dấu # ở đầu dòng, ghi giá trị)."]
    for name in _tracking_fields(kind):
        if name not in given:
            lines += [f"# {line}" for line in _entry(Registration, name, {}, {}, skeleton=True)]
    return "\n".join(lines) + "\n"


def _tracking_fields(kind: Kind) -> list[str]:
    """The fields a new registration leaves out, but for the other part's form items."""
    form_items = {name for name, info in Registration.model_fields.items() if spec_of(info).form}
    written = {*HEADER, *form_items, "status"}
    return [name for name in Registration.model_fields if name not in written]


def _entry(model: type[BaseModel], name: str, values: dict[str, Any], notes: dict[str, str], *, prefix: str = "",
           indent: str = "", bare: bool = False, placeholder: bool = False, skeleton: bool = False) -> list[str]:  # fmt: skip
    """The lines of one field: `key: value  # label`, a nested model's fields below its key.

    `bare`: no label (the form item's heading already gives it); `placeholder`:
    a missing text gets the placeholder sentence; `skeleton`: keys only.
    """
    info = model.model_fields[name]
    dotted = f"{prefix}{name}"
    comment = None if bare else _note(info, notes.get(dotted))
    inner = _inner_model(info.annotation)
    if inner is not None:
        in_list = typing.get_origin(info.annotation) is list
        if in_list and not skeleton and values.get(dotted) is None:  # a list inside a written item: an outline to fill in
            keys = _entry(model, name, values, notes, prefix=prefix, indent="", skeleton=True)
            return [f"{indent}# {line}" for line in keys]
        lines = _line(f"{indent}{name}:", comment)
        for index, sub in enumerate(inner.model_fields):
            lead = indent + ("  - " if index == 0 else "    ") if in_list else indent + "  "
            lines += _entry(inner, sub, values, notes, prefix=f"{dotted}.", indent=lead, skeleton=skeleton)
        return lines
    value = values.get(dotted)
    if value is not None:
        return _line(f"{indent}{name}: {_scalar(value)}", comment)
    if placeholder:
        return [f"{indent}{name}: |", f"{indent}  (Ghi {info.title[0].lower()}{info.title[1:]})"]
    return _line(f"{indent}{name}:" if skeleton else f"{indent}# {name}:", comment)


def _note(info: Any, note: str | None) -> str:
    """A field's label, then its value's meaning, its choices or its help text."""
    enum = next((a for a in (info.annotation, *typing.get_args(info.annotation)) if _is_labelled(a)), None)
    detail = note or (", ".join(f"{m.value} ({m.label})" for m in enum) if enum else info.description)
    return f"{info.title}: {detail}" if detail else info.title


def _is_labelled(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, LabelledEnum)


def _line(code: str, comment: str | None) -> list[str]:
    """`code  # comment`, or the comment wrapped above the code when the line gets long."""
    if comment is None:
        return [code]
    if len(code) + len(comment) + 4 <= WIDTH:
        return [f"{code}  # {comment}"]
    indent = " " * (len(code) - len(code.lstrip(" -")))
    return [*_comment(comment, indent), code]


def _comment(text: str | None, indent: str = "") -> list[str]:
    """Comment lines, wrapped between words but never inside a parenthesis: `(Không hoàn thành)` stays whole."""
    if not text:
        return []
    kept = re.sub(r"\([^()]*\)", lambda m: m.group().replace(" ", "\u00a0"), text)
    return [f"{indent}# {line}".replace("\u00a0", " ") for line in textwrap.wrap(kept, WIDTH - len(indent) - 2)]


def _scalar(value: Any) -> str:
    """One value as plain YAML, quoted only when YAML needs it (dates stay plain: the loader keeps them as text)."""
    if isinstance(value, int) or (isinstance(value, str) and _is_date_text(value)):
        return str(value)
    dumped = yaml.safe_dump(value, allow_unicode=True, width=float("inf"), default_flow_style=True)
    return dumped.removesuffix("\n").removesuffix("\n...")


def _is_date_text(value: str) -> bool:
    return len(value) in (7, 10) and value[:4].isdigit() and value[4] == "-" and value.replace("-", "").isdigit()
