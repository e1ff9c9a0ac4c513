"""`dotpha import`: the Board's spreadsheets and Word forms → registration files.

Two phases, like a build: every row (or form part) becomes a registration
dict, is written to YAML text in memory and checked by the same validator as
`dotpha validate`; only when nothing is wrong is anything written.  Problems
name the row (`danh-sach.xlsx[Phần I - Việc khó]:5: Thời gian hoàn thành: …`).

A registration already in the content folder (same id, or same year, unit,
name and title) is never overwritten without `--update`; with it, only the
imported fields change, and the file keeps its comments and key order
(ruamel.yaml round trip).  Readers of each format live in `import_sheet.py`
and `import_docx.py`; they hand over `Record`s.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..domain.content import REGISTRATIONS_DIR, Content, Entry
from ..domain.errors import DotphaError
from ..domain.load import display_path, parse_document
from ..domain.problems import ContentError
from ..domain.schema import Kind, Outcome, Registration, Status, UnitsFile, field_title, registration_fields, scalar_type, spec_of
from ..domain.text import fold, slugify
from ..domain.validate import RegistrationPath, validate_registration
from .import_yaml import (  # noqa: F401  (write_plan: for importer.py)
    dump_yaml,
    merge_into,
    ordered_registration,
    round_trip_yaml,
    write_plan,
)

MONTH_FIELDS = {"schedule.start", "schedule.due"}


class ImportRefused(DotphaError):
    """The whole input cannot be imported (unreadable file, missing columns)."""


class ValueProblem(DotphaError, ValueError):
    """One cell's value cannot be read; the message says why."""


@dataclass
class Record:
    """One registration as read from a file: where it came from and its raw values by field key.

    Keys are the export's column keys (`registrant.name`, `schedule.due`,
    `unit_name`...); values are what the cell held (text, date, number).
    `labels` names each key as the source shows it (a column header, a form item).
    """

    origin: str
    values: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)
    month_cells: set[str] = field(default_factory=set)  # keys whose cell was formatted as a month

    def label(self, key: str) -> str:
        return self.labels.get(key) or field_title(Registration, key) or key


@dataclass
class Located:
    """A problem found while importing, with where it is."""

    origin: str
    label: str
    message: str

    def render(self) -> str:
        return f"{self.origin}: {self.label + ': ' if self.label else ''}{self.message}"


@dataclass
class Planned:
    """A file to write: its path, its YAML text, and whether it replaces an existing file."""

    path: Path
    text: str
    origin: str
    update: bool = False


@dataclass
class ImportContext:
    """What reading values needs: the content folder, its units, the options."""

    root: Path
    content: Content
    units: UnitsFile
    year: int | None
    as_of: dt.date
    update: bool = False
    evaluator: str | None = None
    unmatched_units: set[str] = field(default_factory=set)

    def unit_id(self, text: str) -> str | None:
        wanted = _key(text)
        for unit in self.units.units:
            if wanted in {_key(unit.id), _key(unit.name), _key(unit.short or "")}:
                return unit.id
        return None

    def evaluator_id(self, text: str) -> str | None:
        wanted = _key(text)
        for evaluator in self.units.evaluators:
            if wanted in {_key(evaluator.id), _key(evaluator.name)}:
                return evaluator.id
        return None


def _key(text: str) -> str:
    """A name as compared: folded, punctuation and spaces collapsed (`Sở Tài chính` ~ `so tai chinh`)."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(unicodedata.normalize("NFC", str(text)))))


# ---------------------------------------------------------------- values


def parse_day(value: Any, month_ok: bool = False, month_cell: bool = False) -> str:
    """A cell → `YYYY-MM-DD` (or `YYYY-MM` where a month is allowed); dd/mm/yyyy text is read as such."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m") if month_ok and month_cell else value.isoformat()
    if isinstance(value, (int, float)):
        raise ValueProblem(f"ô chứa số {value:g}, không phải ngày: định dạng ô kiểu ngày hoặc ghi dd/mm/yyyy")
    text = " ".join(fold(str(value)).split())
    for pattern, order in _DATE_PATTERNS:
        found = re.fullmatch(pattern, text)
        if found:
            parts = dict(zip(order, (int(g) for g in found.groups())))
            return _checked_day(parts, month_ok, str(value).strip())
    hint = "dd/mm/yyyy hoặc mm/yyyy" if month_ok else "dd/mm/yyyy"
    raise ValueProblem(f"«{str(value).strip()}» không phải ngày (ghi {hint})")


_DATE_PATTERNS = (
    (r"(?:ngay )?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", "dmy"),
    (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
    (r"ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})", "dmy"),
    (r"(?:thang )?(\d{1,2})[/.-](\d{4})", "my"),
    (r"(\d{4})-(\d{1,2})", "ym"),
    (r"thang (\d{1,2}) nam (\d{4})", "my"),
)


def _checked_day(parts: dict[str, int], month_ok: bool, shown: str) -> str:
    if "d" not in parts:
        if not month_ok:
            raise ValueProblem(f"«{shown}» chỉ có tháng; cần ngày đủ dd/mm/yyyy")
        if not 1 <= parts["m"] <= 12:
            raise ValueProblem(f"tháng không tồn tại: «{shown}»")
        return f"{parts['y']:04d}-{parts['m']:02d}"
    try:
        return dt.date(parts["y"], parts["m"], parts["d"]).isoformat()
    except ValueError:
        raise ValueProblem(f"ngày không tồn tại: «{shown}»") from None


def parse_kind(value: Any) -> str:
    words = _key(value).split()
    text = " ".join(words)
    if "breakthrough" in words or "ii" in words or text == "2" or any(w in text for w in ("dot pha", "viec moi", "sang tao")):
        return Kind.breakthrough.value
    if "difficult" in words or "i" in words or text == "1" or any(w in text for w in ("viec kho", "nut that")):
        return Kind.difficult.value
    raise ValueProblem(f"«{value}» không phải loại đăng ký (Phần I: Việc khó; Phần II: Việc mới, đột phá)")


def _choice(enum, value: Any, what: str) -> str:
    wanted = _key(value)
    for member in enum:
        if wanted in (_key(member.value), _key(member.label)):
            return member.value
    raise ValueProblem(f"«{value}» không phải {what}; chọn một trong: {', '.join(m.label for m in enum)}")


def _text(value: Any) -> str | None:
    """A text cell: NFC, trimmed, line ends as LF; None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n").strip()
    return text or None


# ---------------------------------------------------------------- a record → registration data

_READ_APART = ("registrant.unit", "evaluator")  # an id, or the name of a unit or evaluator: read below
_IMPORTED = [(key, scalar_type(info)) for key, info in registration_fields() if spec_of(info).column and key not in _READ_APART]
_TEXT_FIELDS = tuple(key for key, kind in _IMPORTED if kind is str)
_DATE_FIELDS = tuple(key for key, kind in _IMPORTED if kind is dt.date)


def registration_data(record: Record, ctx: ImportContext) -> tuple[dict[str, Any], list[Located]]:
    """The registration a record describes, as content data (dates as ISO text), and what is wrong."""
    data: dict[str, Any] = {}
    problems: list[Located] = []
    values = record.values

    def read(key: str, parse, target: str | None = None) -> None:
        raw = values.get(key)
        if _text(raw) is None:
            return
        try:
            result = parse(raw)
        except ValueProblem as problem:
            problems.append(Located(record.origin, record.label(key), str(problem)))
            return
        if result is not None:
            _put(data, target or key, result)

    for key in _TEXT_FIELDS:
        read(key, _text)
    read("year", lambda raw: _year(raw, ctx))
    if "year" not in data and ctx.year is not None:
        data["year"] = ctx.year
    read("kind", parse_kind)
    unit_key = "registrant.unit" if _text(values.get("registrant.unit")) else "unit_name"  # the id wins over the name
    read(unit_key, lambda raw: _unit(raw, ctx), "registrant.unit")
    read("evaluator", lambda raw: _evaluator(raw, ctx))
    if "evaluator" not in data and ctx.evaluator:
        data["evaluator"] = ctx.evaluator
    for key in _DATE_FIELDS:
        read(key, lambda raw, key=key: parse_day(raw, key in MONTH_FIELDS, key in record.month_cells))
    read("status", lambda raw: _choice(Status, raw, "trạng thái"))
    read("result.outcome", lambda raw: _choice(Outcome, raw, "kết quả đánh giá"))
    if "year" not in data:  # a Word form may carry no year: take the registration's own dates
        day = data.get("registered_on") or data.get("schedule", {}).get("due")
        if day:
            data["year"] = int(day[:4])
    return data, problems


def _put(data: dict, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _year(raw: Any, ctx: ImportContext) -> int:
    text = _text(raw) or ""
    if not re.fullmatch(r"\d{4}", text):
        raise ValueProblem(f"«{text}» không phải năm")
    if ctx.year is not None and int(text) != ctx.year:
        raise ValueProblem(f"năm {text} khác năm đang nhập (--year {ctx.year})")
    return int(text)


def _unit(raw: Any, ctx: ImportContext) -> str:
    text = _text(raw) or ""
    unit = ctx.unit_id(text)
    if unit is None:
        ctx.unmatched_units.add(text)
        raise ValueProblem(f"không nhận ra đơn vị «{text}» (so với tên, tên viết tắt và mã trong units.yml)")
    return unit


def _evaluator(raw: Any, ctx: ImportContext) -> str:
    text = _text(raw) or ""
    evaluator = ctx.evaluator_id(text)
    if evaluator is None:
        names = ", ".join(e.name for e in ctx.units.evaluators)
        raise ValueProblem(f"không nhận ra cấp đánh giá «{text}»; có: {names}")
    return evaluator


def identity(data: dict[str, Any]) -> tuple:
    """What makes two rows the same registration when they carry no id."""
    registrant = data.get("registrant", {})
    return (data.get("year"), registrant.get("unit"), _key(registrant.get("name", "")), _key(data.get("title", "")))


# ---------------------------------------------------------------- plan: check everything, write nothing


@dataclass
class Plan:
    """What an import would do, and everything wrong with it."""

    files: list[Planned] = field(default_factory=list)
    problems: list[Located] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def plan_import(records: list[Record], ctx: ImportContext) -> Plan:
    plan = Plan()
    existing_ids = {e.id: e for e in ctx.content.entries}
    existing_same = {identity(_entry_data(e)): e for e in ctx.content.entries}
    seen: dict[Any, str] = {}
    for record in records:
        data, problems = registration_data(record, ctx)
        plan.problems += problems
        if problems:
            continue
        duplicate = next((seen[key] for key in _keys(data) if key in seen), None)
        if duplicate:
            plan.problems.append(Located(record.origin, "", f"trùng với {duplicate} (cùng mã, hoặc cùng năm, đơn vị, người và tên công việc)"))
            continue
        seen.update({key: record.origin for key in _keys(data)})
        existing = existing_ids.get(data.get("id")) or existing_same.get(identity(data))
        if existing is not None and not ctx.update:
            message = f"đã có đăng ký này: {display_path(ctx.root / existing.source)}; không ghi đè (dùng --update để cập nhật)"
            plan.problems.append(Located(record.origin, "", message))
            continue
        planned, problems = (_plan_update(existing, data, record, ctx) if existing else _plan_new(data, record, ctx, plan))
        plan.problems += problems
        if planned is None and not problems:
            plan.unchanged.append(display_path(ctx.root / existing.source))
        elif planned is not None:
            plan.files.append(planned)
    return plan


def _keys(data: dict[str, Any]) -> list[Any]:
    return ([("id", data["id"])] if "id" in data else []) + [identity(data)]


def _entry_data(entry: Entry) -> dict[str, Any]:
    r = entry.registration
    return {"year": r.year, "registrant": {"unit": r.registrant.unit, "name": r.registrant.name}, "title": r.title}


def _plan_new(data: dict[str, Any], record: Record, ctx: ImportContext, plan: Plan) -> tuple[Planned | None, list[Located]]:
    if "registrant" not in data or "unit" not in data["registrant"] or "year" not in data:
        return None, [Located(record.origin, record.label("unit_name"), "thiếu đơn vị hoặc năm: không đặt được tệp")]
    reg_id = data.get("id") or next_id(data, ctx, plan)
    data = {"id": reg_id, "status": Status.registered.value, **data}  # a list without status: just registered
    path = ctx.root / REGISTRATIONS_DIR / str(data["year"]) / data["registrant"]["unit"] / f"{reg_id}.yml"
    if path.exists():
        return None, [Located(record.origin, record.label("id"), f"đã có tệp {display_path(path)}; không ghi đè")]
    text = f"# Nhập từ {record.origin} bằng dotpha import.\n" + dump_yaml(ordered_registration(data))
    return _checked(Planned(path, text, record.origin), record, ctx)


def next_id(data: dict[str, Any], ctx: ImportContext, plan: Plan) -> str:
    """`<year>-<unit's short name or id>-NN`, NN one past the highest in use or planned."""
    unit = next(u for u in ctx.units.units if u.id == data["registrant"]["unit"])
    base = f"{data['year']}-{slugify(unit.short or '') or unit.id}"
    used = [e.id for e in ctx.content.entries] + [p.path.stem for p in plan.files]
    numbers = [int(tail) for reg_id in used if (tail := reg_id.removeprefix(f"{base}-")) != reg_id and tail.isdigit()]
    return f"{base}-{max(numbers, default=0) + 1:02d}"


def _plan_update(entry: Entry, data: dict[str, Any], record: Record, ctx: ImportContext) -> tuple[Planned | None, list[Located]]:
    path = ctx.root / entry.source
    original = path.read_text(encoding="utf-8-sig")
    document = round_trip_yaml().load(original)
    if "id" not in document:
        data = {key: value for key, value in data.items() if key != "id"}
    merge_into(document, data)
    text = dump_yaml(document)
    if text == original:
        return None, []
    return _checked(Planned(path, text, record.origin, update=True), record, ctx)


def _checked(planned: Planned, record: Record, ctx: ImportContext) -> tuple[Planned | None, list[Located]]:
    """Validate the text about to be written, exactly as `dotpha validate` would read it."""
    relative = PurePosixPath(planned.path.relative_to(ctx.root).as_posix())
    document, problems = parse_document(planned.text, display_path(planned.path))
    if document is not None:
        problems += validate_registration(document, RegistrationPath.of(relative), ctx.units, ctx.as_of)[1]
    located = [Located(record.origin, record.label(_column_key(p.field)), p.message("vi")) for p in sorted(problems)]
    return (None if located else planned), located


def _column_key(dotted: str) -> str:
    parts = [part for part in dotted.split(".") if not part.isdigit()]
    key = ".".join(parts[:2])
    return {"registrant.unit": "unit_name", "schedule": "schedule.due", "result": "result.outcome"}.get(key, key)


def describe_errors(error: ContentError) -> str:
    return "Thư mục nội dung đang có lỗi; sửa trước khi nhập:\n" + error.report("vi")
