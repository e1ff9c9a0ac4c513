"""`dotpha new`: a commented registration file at the right path.

`content/registrations/<year>/<unit-id>/<id>.yml`, laid out as the official
form for its part (`form.py`).  The questions' labels are the schema's.
Values not given as options are asked for when stdin is a terminal (and
`--no-input` is absent); otherwise a missing required value is a usage error.
The text items hold a placeholder sentence, so the file is valid as soon as it
is written; it is checked before it is written, and the whole content folder
is validated with it afterwards.  An existing file is never overwritten.

Editors: when `<content>/registration.schema.json` exists (written by
`dotpha schema -o content/registration.schema.json`), the file starts with a
`# yaml-language-server: $schema=...` line pointing at it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import sys
import unicodedata
from argparse import ArgumentParser, Namespace
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Callable

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..domain.content import REGISTRATIONS_DIR, UNITS_FILE, load_content
from ..domain.errors import DotphaError, ExitCode
from ..domain.load import display_path, load_document, parse_document
from ..domain.problems import ContentError, Problem
from ..domain.schema import Kind, Registration, UnitsFile, _inner_model, field_title, registration_fields, spec_of
from ..domain.text import fold, slugify
from ..domain.validate import RegistrationPath, alive_in, lifetime, validate_registration, validate_units
from .form import render_registration

SCHEMA_FILE = "registration.schema.json"


class Invalid(DotphaError, ValueError):
    """A value that cannot go into the file; the message says why."""


class Refused(DotphaError):
    """Stop without writing: a message and an exit code."""

    def __init__(self, message: str, code: int = ExitCode.USAGE):
        super().__init__(message)
        self.code = code


@dataclass
class Context:
    """What the questions need: the content folder, its units, the answers so far."""

    root: Path
    as_of: dt.date
    units_file: UnitsFile
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.values["year"]


@dataclass(frozen=True)
class Ask:
    """One value of the file: its option, its field, how to read it, how to ask for it."""

    flag: str
    field: str
    parse: Callable[[str, Context], Any]
    required: bool = True
    default: Callable[[Context], str | None] | None = None
    suggest: Callable[[Context], str | None] | None = None  # a default offered only when asking
    choices: Callable[[Context], list[tuple[str, str, str]]] | None = None
    ask: bool = True
    note: str = ""

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")

    @property
    def title(self) -> str:
        return field_title(Registration, self.field) or self.field


# ---------------------------------------------------------------- reading values


def _adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    info = model.model_fields[name]
    annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(annotation, config=model.model_config)


def _model_of(dotted: str) -> tuple[type[BaseModel], str]:
    model: Any = Registration
    *parents, name = dotted.split(".")
    for part in parents:
        model = _inner_model(model.model_fields[part].annotation)
    return model, name


def _check(dotted: str, value: Any) -> Any:
    """Validate one value with the field's own type from the schema."""
    try:
        return _adapter(*_model_of(dotted)).validate_python(value)
    except ValidationError as error:
        raise Invalid(_pydantic_message(error.errors()[0])) from None


def _pydantic_message(item: dict) -> str:
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind == "greater_than_equal":
        return _message("too_small", limit=ctx["ge"], value=item["input"])
    if kind == "less_than_equal":
        return _message("too_big", limit=ctx["le"], value=item["input"])
    if kind in ("slug", "blank", "date_format", "date_invalid", "month_format"):
        return _message(kind, **ctx)
    return _message("invalid", detail=item["msg"])


def _message(code: str, **params: Any) -> str:
    return Problem.at("", (1, 1), "", code, **params).message("vi")


def _text(dotted: str) -> Callable[[str, Context], str]:
    def parse(text: str, ctx: Context) -> str:
        value = unicodedata.normalize("NFC", " ".join(text.split()))
        _check(dotted, value)
        return value

    return parse


def _slug(dotted: str) -> Callable[[str, Context], str]:
    def parse(text: str, ctx: Context) -> str:
        _check(dotted, text.strip())
        return text.strip()

    return parse


def _year(text: str, ctx: Context) -> int:
    try:
        year = int(text.strip())
    except ValueError:
        raise Invalid(_message("type_int", got="text", value=text.strip())) from None
    return _check("year", year)


def _kind(text: str, ctx: Context) -> Kind:
    wanted = text.strip()
    for kind in Kind:
        if wanted.lower() == kind.value or wanted.upper() == kind.part:
            return kind
    raise Invalid(_message("enum", value=wanted, choices=", ".join(f"{k.value} ({k.label})" for k in Kind)))


def _planned(dotted: str) -> Callable[[str, Context], str]:
    def parse(text: str, ctx: Context) -> str:
        value = _check(dotted, text.strip())
        start = ctx.values.get("schedule.start")
        if dotted == "schedule.due" and start and value < _check("schedule.start", start):
            raise Invalid(_message("due_before_start", due=text.strip(), start=start))
        return text.strip()

    return parse


def _member(section: str) -> Callable[[str, Context], str]:
    """A unit or an evaluator, by id, short name or full name, alive in the year."""
    code = "unit" if section == "units" else "evaluator"

    def parse(text: str, ctx: Context) -> str:
        items = getattr(ctx.units_file, section)
        found = _find(items, text.strip())
        if found is None:
            raise Invalid(_message(f"unknown_{code}", value=text.strip(), hint=_suggest(items, text)))
        if not alive_in(found, ctx.year):
            message = _message(f"{code}_not_alive", value=found.id, year=ctx.year, span=lifetime(found))
            successor = getattr(found, "replaced_by", None)
            raise Invalid(message + (f"; đơn vị kế thừa: «{successor}»" if successor else ""))
        return found.id

    return parse


def _names(item: Any) -> list[str]:
    return [fold(name) for name in (item.id, item.name, getattr(item, "short", None)) if name]


def _find(items: list, text: str) -> Any:
    """The item with this id, else the only one with this name or short name (accents and case ignored)."""
    for candidates in ([i for i in items if i.id == text], [i for i in items if fold(text) in _names(i)]):
        if len(candidates) == 1:
            return candidates[0]
    return None


def _suggest(items: list, text: str) -> str:
    owners = {name: item.id for item in items for name in _names(item)}
    close = difflib.get_close_matches(fold(text), list(owners), n=1, cutoff=0.6)
    return owners[close[0]] if close else ""


def _new_id(text: str, ctx: Context) -> str:
    reg_id = _slug("id")(text, ctx)
    target = _target(ctx, reg_id)
    if target.exists():
        raise Refused(f"đã có tệp {display_path(target)}; không ghi đè (dùng --id để đặt mã khác)", ExitCode.PROBLEMS)
    other = next((ctx.root / REGISTRATIONS_DIR).rglob(f"{reg_id}.yml"), None)
    if other is not None:  # ids are unique across all years and units
        raise Refused(_message("duplicate_id", value=reg_id, other=display_path(other)), ExitCode.PROBLEMS)
    return reg_id


# ---------------------------------------------------------------- defaults and choices


def _next_id(ctx: Context) -> str:
    """`<year>-<short or unit id>-NN`, NN one past the highest in use."""
    unit = _unit(ctx)
    base = f"{ctx.year}-{slugify(unit.short or '') or unit.id}"
    used = [path.stem.removeprefix(f"{base}-") for path in (ctx.root / REGISTRATIONS_DIR).rglob(f"{base}-*.yml")]
    number = max((int(tail) for tail in used if tail.isdigit()), default=0) + 1
    return f"{base}-{number:02d}"


def _unit(ctx: Context) -> Any:
    return next(u for u in ctx.units_file.units if u.id == ctx.values["registrant.unit"])


def _known_person(ctx: Context) -> str | None:
    """The person id already used for this name, when there is exactly one."""
    wanted = fold(ctx.values["registrant.name"])
    found = set()
    for path in (ctx.root / REGISTRATIONS_DIR).rglob("*.yml"):
        document, _ = load_document(path)  # a file with problems just offers no suggestion
        registrant = document.data.get("registrant") if document else None
        if isinstance(registrant, dict) and fold(str(registrant.get("name", ""))) == wanted and registrant.get("person"):
            found.add(str(registrant["person"]))
    return found.pop() if len(found) == 1 else None


def _kind_choices(ctx: Context) -> list[tuple[str, str, str]]:
    return [(kind.value, kind.label, "") for kind in Kind]


def _alive_choices(section: str) -> Callable[[Context], list[tuple[str, str, str]]]:
    def choices(ctx: Context) -> list[tuple[str, str, str]]:
        groups = {g.id: g.name for g in ctx.units_file.groups}
        items = [i for i in getattr(ctx.units_file, section) if alive_in(i, ctx.year)]
        if section == "units":
            order = list(groups)
            items.sort(key=lambda u: order.index(u.group) if u.group in order else len(order))
        return [(i.id, _with_lifetime(i), groups.get(getattr(i, "group", ""), "")) for i in items]

    return choices


def _with_lifetime(item: Any) -> str:
    return f"{item.name} ({lifetime(item)})" if item.since or item.until else item.name


# How `dotpha new` reads the fields schema.py marks `ask` (asked in that order, as `--<name>`);
# any other asked field is free text, required when the schema requires it.
READERS: dict[str, dict[str, Any]] = {
    "year": dict(parse=_year, default=lambda ctx: str(ctx.as_of.year), note="mặc định: năm hiện tại"),
    "kind": dict(parse=_kind, choices=_kind_choices, note="difficult hoặc I; breakthrough hoặc II"),
    "registrant.unit": dict(parse=_member("units"), choices=_alive_choices("units"), note="mã, tên viết tắt hoặc tên đơn vị"),
    "registrant.person": dict(parse=_slug("registrant.person"), required=False, suggest=_known_person, note="không bắt buộc"),
    "evaluator": dict(parse=_member("evaluators"), choices=_alive_choices("evaluators"), note="mã hoặc tên"),
    "schedule.start": dict(parse=_planned("schedule.start"), required=False, note="không bắt buộc"),
    "schedule.due": dict(parse=_planned("schedule.due"), default=lambda ctx: f"{ctx.year}-12", note="mặc định: tháng 12 của năm đăng ký"),
    "id": dict(parse=_new_id, default=_next_id, ask=False, note="mặc định: <năm>-<tên viết tắt đơn vị>-NN tiếp theo"),
}  # fmt: skip


def _asks() -> tuple[Ask, ...]:
    asked = sorted(((spec.ask, dotted, info) for dotted, info in registration_fields() if (spec := spec_of(info)).ask), key=lambda a: a[0])
    return tuple(
        Ask("--" + dotted.rsplit(".", 1)[-1].replace("_", "-"), dotted,
            **READERS.get(dotted) or dict(parse=_text(dotted), required=info.is_required(), note="" if info.is_required() else "không bắt buộc"))
        for _, dotted, info in asked
    )  # fmt: skip


ASKS = _asks()


# ---------------------------------------------------------------- the command


def add_new_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--config", default="site_config.yml", help="tệp cấu hình MkDocs (mặc định site_config.yml)")
    parser.add_argument("--content", metavar="DIR", help="thư mục nội dung (thay cho content_dir trong cấu hình)")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="ngày đăng ký và ngày kiểm tra (mặc định hôm nay)")
    parser.add_argument("--no-input", action="store_true", help="không hỏi; thiếu giá trị bắt buộc thì báo lỗi")
    for ask in ASKS:
        model, name = _model_of(ask.field)
        help_text = "; ".join(filter(None, (ask.title, ask.note, model.model_fields[name].description)))
        parser.add_argument(ask.flag, metavar="GIÁ_TRỊ", help=help_text)


def create_registration(args: Namespace, root: Path, as_of: dt.date) -> int:
    """Ask, render, check and write one registration; then validate the folder."""
    try:
        ctx = Context(root, as_of, _load_units(root))
        interactive = not args.no_input and sys.stdin is not None and sys.stdin.isatty()
        _gather(args, ctx, interactive)
        target = _target(ctx, ctx.values["id"])
        text = render_registration(ctx.values, _names_of(ctx), _schema_ref(root, target), as_of)
        _check_rendered(ctx, target, text)
        _write(target, text)
    except Refused as refused:
        print(f"dotpha: {refused}", file=sys.stderr)
        return refused.code
    except EOFError:
        print("\ndotpha: đã hủy, không tạo tệp.", file=sys.stderr)
        return ExitCode.PROBLEMS
    return _report(ctx, target)


def _load_units(root: Path) -> UnitsFile:
    if not root.is_dir():
        raise Refused(f"không tìm thấy thư mục nội dung {display_path(root)}")
    document, problems = load_document(root / UNITS_FILE) if (root / UNITS_FILE).is_file() else (None, [])
    units, found = validate_units(document) if document else (None, [])
    if units is None:
        problems = problems + found or [Problem.at(display_path(root / UNITS_FILE), (1, 1), "", "no_units_file")]
        raise Refused("units.yml có lỗi, chưa thể tạo đăng ký:\n" + ContentError(problems).report("vi"), ExitCode.PROBLEMS)
    return units


def _gather(args: Namespace, ctx: Context, interactive: bool) -> None:
    if interactive:
        print(f"Tạo đăng ký mới trong {display_path(ctx.root)}. Enter: nhận giá trị trong [ ]; Ctrl+C: hủy.")
    missing = []
    for ask in ASKS:
        given = getattr(args, ask.dest)
        if given is None and interactive and ask.ask:
            ctx.values[ask.field] = _prompt(ask, ctx)
            continue
        if given is None and ask.default is None:
            missing += [f"{ask.flag} ({ask.title})"] if ask.required else []
            continue
        if missing:
            continue  # later values and defaults may need the missing ones
        try:
            ctx.values[ask.field] = ask.parse(given if given is not None else ask.default(ctx), ctx)
        except Invalid as error:
            raise Refused(f"{ask.flag}: {error}") from None
    if missing:
        raise Refused("thiếu " + ", ".join(missing) + ". Ghi các tùy chọn này, hoặc chạy tại terminal để được hỏi từng mục.")


def _prompt(ask: Ask, ctx: Context) -> Any:
    choices = ask.choices(ctx) if ask.choices else []
    heading = None
    for number, (value, name, group) in enumerate(choices, 1):
        if number == 1:
            print(f"{ask.title}:")
        if group and group != heading:
            print(f"  {group}")
            heading = group
        print(f"  {number:>3}. {value} – {name}")
    default = next((f(ctx) for f in (ask.default, ask.suggest) if f), None)
    shown = [default] if default else []
    if not ask.required:
        shown.append("'-' để bỏ trống" if default else "Enter để bỏ trống")
    label = "Chọn số thứ tự hoặc mã" if choices else ask.title
    while True:
        text = input(f"{label}{' [' + ', '.join(shown) + ']' if shown else ''}: ").strip()
        if not ask.required and (text == "-" or (not text and not default)):
            return None
        text = text or default or ""
        if text.isdigit() and choices and 1 <= int(text) <= len(choices):
            text = choices[int(text) - 1][0]
        if not text:
            print("  Mục này bắt buộc.")
            continue
        try:
            return ask.parse(text, ctx)
        except Invalid as error:
            print(f"  {error}")


def _names_of(ctx: Context) -> dict[str, str]:
    """The unit's and the evaluator's names, to follow their ids in the file."""
    evaluator = next(e for e in ctx.units_file.evaluators if e.id == ctx.values["evaluator"])
    return {"registrant.unit": _unit(ctx).name, "evaluator": evaluator.name}


def _target(ctx: Context, reg_id: str) -> Path:
    return ctx.root / REGISTRATIONS_DIR / str(ctx.year) / ctx.values["registrant.unit"] / f"{reg_id}.yml"


def _schema_ref(root: Path, target: Path) -> str | None:
    schema = root / SCHEMA_FILE
    return Path(os.path.relpath(schema, target.parent)).as_posix() if schema.is_file() else None


def _check_rendered(ctx: Context, target: Path, text: str) -> None:
    """The file must be valid before it is written: a failure here is a bug, and nothing is written."""
    relative = PurePosixPath(target.relative_to(ctx.root).as_posix())
    document, problems = parse_document(text, display_path(target))
    if document is not None:
        problems += validate_registration(document, RegistrationPath.of(relative), ctx.units_file, ctx.as_of)[1]
    if problems:
        raise Refused("tệp sinh ra không hợp lệ (lỗi của dotpha):\n" + ContentError(problems).report("vi"), ExitCode.PROBLEMS)


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except FileExistsError:
        raise Refused(f"đã có tệp {display_path(target)}; không ghi đè", ExitCode.PROBLEMS) from None


def _report(ctx: Context, target: Path) -> int:
    unit = _unit(ctx)
    kind: Kind = ctx.values["kind"]
    print(f"Đã tạo {display_path(target)} ({kind.label}; {unit.name}; năm {ctx.year}).")
    print("Mở tệp và thay các đoạn «(Ghi …)» bằng nội dung thật.")
    try:
        content = load_content(ctx.root, ctx.as_of)
    except ContentError as error:
        print(error.report("vi"))
        print("Tệp mới hợp lệ; các lỗi trên có sẵn trong thư mục nội dung, cần sửa trước khi dựng trang.")
        return ExitCode.PROBLEMS
    print(f"Không có lỗi: {len(content.entries)} đăng ký, {len(content.units)} đơn vị.")
    return ExitCode.OK
