"""Parsed documents → models, and every rule of the spec → located problems.

Shape errors (types, required and unknown keys) come from the pydantic models
in `schema.py` and are translated here into `Problem`s that point at the line
of the offending key or value.  The rules that look across fields or files
(paths, units alive in the year, duplicate ids, dates in order) follow.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from .load import Document, FieldPath, dotted
from .problems import Problem
from .schema import PART_ONLY_FIELDS, Registration, Status, UnitsFile, _inner_model, field_title, lacks_reason

# ---------------------------------------------------------------- shape


def model_from_document(model: type[BaseModel], document: Document) -> tuple[Any, list[Problem]]:
    """Validate a document against a model; return the instance or located problems."""
    try:
        return model.model_validate(document.data), []
    except ValidationError as error:
        return None, [_shape_problem(model, document, item) for item in error.errors()]


def _shape_problem(model: type[BaseModel], document: Document, item: dict) -> Problem:
    loc: FieldPath = tuple(item["loc"])
    kind = item["type"]
    value = item.get("input")
    ctx = item.get("ctx") or {}
    at = lambda code, mark=None, **params: Problem.at(  # noqa: E731
        document.path, mark or document.mark(loc), dotted(loc), code, **params
    )
    if kind == "missing":
        return at("missing", document.key_mark(loc[:-1]), label=field_title(model, dotted(loc)) or loc[-1])
    if kind == "extra_forbidden":
        return at("unknown_key", document.key_mark(loc), key=loc[-1], hint=_hint(loc[-1], _field_names(model, loc[:-1])))
    if value is None:  # `key:` with nothing after it
        return at("blank")
    if kind in ("slug", "blank", "date_format", "date_invalid", "month_format"):
        return at(kind, **ctx)
    if kind in ("string_type", "string_sub_type"):
        return at("type_text", **_describe(value))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return at("type_int", **_describe(value))
    if kind in ("list_type", "tuple_type"):
        return at("type_list")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return at("type_mapping")
    if kind == "enum":
        return at("enum", value=value, choices=_choices(model, loc) or ctx.get("expected", ""))
    if kind in ("greater_than_equal", "greater_than"):
        return at("too_small", limit=ctx.get("ge", ctx.get("gt")), value=value)
    if kind in ("less_than_equal", "less_than"):
        return at("too_big", limit=ctx.get("le", ctx.get("lt")), value=value)
    return at("invalid", detail=item.get("msg", kind))


def _model_at(model: type[BaseModel], loc: FieldPath) -> Any:
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        current = _inner_model(info.annotation) if info else None
    return current


def _field_names(model: type[BaseModel], loc: FieldPath) -> list[str]:
    current = _model_at(model, loc)
    return list(current.model_fields) if current else []


def _choices(model: type[BaseModel], loc: FieldPath) -> str:
    """The values of the enumeration a field takes, as the user writes them."""
    names = [part for part in loc if not isinstance(part, int)]
    owner = _model_at(model, tuple(names[:-1]))
    info = owner.model_fields.get(names[-1]) if owner and names else None
    annotation = info.annotation if info else None
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return ", ".join(member.value for member in candidate)
    return ""


def _hint(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return close[0] if close else ""


def _describe(value: Any) -> dict[str, str]:
    """What the user wrote instead, as `got` (a kind named in problems.KINDS) and `value`."""
    if isinstance(value, bool):
        return {"got": "bool", "value": str(value).lower()}
    if isinstance(value, (int, float)):
        return {"got": "number", "value": str(value)}
    if isinstance(value, list):
        return {"got": "list"}
    if isinstance(value, dict):
        return {"got": "mapping"}
    return {"got": "text", "value": str(value)}


# ---------------------------------------------------------------- units.yml


def validate_units(document: Document) -> tuple[UnitsFile | None, list[Problem]]:
    units, problems = model_from_document(UnitsFile, document)
    if units is None:
        return None, problems
    for section in ("groups", "units", "evaluators"):
        problems += _duplicate_slugs(document, section, [item.id for item in getattr(units, section)])
    group_ids = [g.id for g in units.groups]
    unit_ids = [u.id for u in units.units]
    for index, unit in enumerate(units.units):
        loc = ("units", index)
        if unit.group not in group_ids:
            problems.append(_located(document, (*loc, "group"), "unknown_group", unit.group, group_ids))
        if unit.replaced_by and unit.replaced_by not in unit_ids:
            problems.append(_located(document, (*loc, "replaced_by"), "unknown_unit", unit.replaced_by, unit_ids))
        if unit.replaced_by == unit.id:
            problems.append(Problem.at(document.path, document.mark((*loc, "replaced_by")), dotted((*loc, "replaced_by")), "replaced_by_self"))
    for section, items in (("units", units.units), ("evaluators", units.evaluators)):
        for index, item in enumerate(items):
            if item.since and item.until and item.until < item.since:
                loc = (section, index, "until")
                span = {"since": vn_date(item.since), "until": vn_date(item.until)}
                problems.append(Problem.at(document.path, document.mark(loc), dotted(loc), "unit_span", **span))
    return (None if problems else units), problems


def _duplicate_slugs(document: Document, section: str, ids: list[str]) -> list[Problem]:
    first_seen: dict[str, int] = {}
    problems = []
    for index, slug in enumerate(ids):
        loc = (section, index, "id")
        if slug in first_seen:
            first_line = document.mark((section, first_seen[slug], "id"))[0]
            problems.append(Problem.at(document.path, document.mark(loc), dotted(loc), "duplicate_slug", value=slug, first_line=first_line))
        else:
            first_seen[slug] = index
    return problems


def _located(document: Document, loc: FieldPath, code: str, value: str, choices: list[str], **params) -> Problem:
    return Problem.at(document.path, document.mark(loc), dotted(loc), code, value=value, hint=_hint(value, choices), **params)


# ---------------------------------------------------------------- registrations


@dataclass(frozen=True)
class RegistrationPath:
    """What a registration's place in the tree says about it."""

    year: str
    unit: str
    stem: str

    @classmethod
    def of(cls, relative: PurePosixPath) -> "RegistrationPath | None":
        parts = relative.parts
        if len(parts) != 4 or parts[0] != "registrations":
            return None
        return cls(parts[1], parts[2], PurePosixPath(parts[3]).stem)


def validate_registration(
    document: Document, where: RegistrationPath, units: UnitsFile, as_of: dt.date
) -> tuple[Registration | None, list[Problem]]:
    registration, problems = model_from_document(Registration, document)
    if registration is None:
        return None, problems
    checks = _RegistrationChecks(document, registration, units, as_of)
    problems = checks.run(where)
    return (None if problems else registration), problems


class _RegistrationChecks:
    """The cross-field rules of one registration, each appending located problems."""

    def __init__(self, document: Document, registration: Registration, units: UnitsFile, as_of: dt.date):
        self.document = document
        self.registration = registration
        self.units = units
        self.as_of = as_of
        self.problems: list[Problem] = []

    def add(self, loc: FieldPath, code: str, mark=None, **params) -> None:
        self.problems.append(Problem.at(self.document.path, mark or self.document.mark(loc), dotted(loc), code, **params))

    def run(self, where: RegistrationPath) -> list[Problem]:
        self.check_path(where)
        self.check_unit_and_evaluator()
        self.check_parts()
        self.check_schedule()
        self.check_updates()
        self.check_status()
        self.check_links()
        return self.problems

    def check_path(self, where: RegistrationPath) -> None:
        r = self.registration
        if r.id is not None and r.id != where.stem:
            self.add(("id",), "id_path", value=r.id, expected=where.stem)
        if str(r.year) != where.year:
            self.add(("year",), "year_path", value=r.year, expected=where.year)
        if r.registrant.unit != where.unit:
            self.add(("registrant", "unit"), "unit_path", value=r.registrant.unit, expected=where.unit)

    def check_unit_and_evaluator(self) -> None:
        r = self.registration
        for loc, code, items in (
            (("registrant", "unit"), "unit", self.units.units),
            (("evaluator",), "evaluator", self.units.evaluators),
        ):
            value = r.registrant.unit if code == "unit" else r.evaluator
            found = next((item for item in items if item.id == value), None)
            if found is None:
                self.problems.append(_located(self.document, loc, f"unknown_{code}", value, [i.id for i in items]))
            elif not alive_in(found, r.year):
                self.add(loc, f"{code}_not_alive", value=value, year=r.year, span=lifetime(found))

    def check_parts(self) -> None:
        r = self.registration
        for name, part in PART_ONLY_FIELDS.items():
            present = name in self.document.data
            if present and r.kind is not part:
                label = field_title(Registration, name)
                self.add((name,), "part_only", self.document.key_mark((name,)), key=name, label=label, part=part.part, other=r.kind.part)
            if getattr(r, name) is None and r.kind is part:
                # An empty `support_requested:` is as good as a missing one: point at it if it is there.
                mark = self.document.key_mark((name,)) if present else self.document.mark(("kind",))
                code = "support_required" if name == "support_requested" else "part_required"
                self.add((name,), code, mark, key=name, label=field_title(Registration, name), part=part.part)

    def check_schedule(self) -> None:
        schedule = self.registration.schedule
        if schedule.start and schedule.due < schedule.start:
            self.add(("schedule", "due"), "due_before_start", due=vn_date(schedule.due), start=vn_date(schedule.start))
        self.check_extensions()

    def check_extensions(self) -> None:
        """Each extension approved by an evaluator, in date order, by the as-of date, moving the deadline later."""
        deadline, previous = self.registration.schedule.due, None
        evaluators = [e.id for e in self.units.evaluators]
        for index, extension in enumerate(self.registration.schedule.extensions):
            loc = ("schedule", "extensions", index)
            if previous and extension.date < previous:
                self.add((*loc, "date"), "extensions_order", value=vn_date(extension.date), previous=vn_date(previous))
            if extension.date > self.as_of:
                self.add((*loc, "date"), "after_as_of", value=vn_date(extension.date), as_of=vn_date(self.as_of))
            if extension.due <= deadline:
                self.add((*loc, "due"), "extension_not_later", due=vn_date(extension.due), previous=vn_date(deadline))
            if extension.approved_by not in evaluators:
                self.problems.append(_located(self.document, (*loc, "approved_by"), "unknown_evaluator", extension.approved_by, evaluators))
            deadline, previous = max(deadline, extension.due), extension.date

    def check_updates(self) -> None:
        previous = None
        for index, update in enumerate(self.registration.updates):
            loc = ("updates", index, "date")
            if previous and update.date < previous:
                self.add(loc, "updates_order", value=vn_date(update.date), previous=vn_date(previous))
            if update.date > self.as_of:
                self.add(loc, "after_as_of", value=vn_date(update.date), as_of=vn_date(self.as_of))
            previous = update.date

    def check_status(self) -> None:
        r = self.registration
        if r.status is Status.completed:
            if r.schedule.completed_on is None:
                self.add(("status",), "completed_without_date")
            if not r.updates and r.result is None:
                self.add(("status",), "completed_without_evidence")
        if r.status is Status.registered and r.result is not None:
            self.add(("result",), "result_on_registered", self.document.key_mark(("result",)))
        moves = [(index, u) for index, u in enumerate(r.updates) if u.status is not None]
        if moves and moves[-1][1].status is not r.status:
            index, last = moves[-1]
            self.add(("status",), "status_disagrees", value=r.status.value, last=last.status.value,
                     date=vn_date(last.date), line=self.document.mark(("updates", index, "status"))[0])  # fmt: skip

    def check_links(self) -> None:
        for index, link in enumerate(self.registration.links):
            try:
                parts = urlsplit(link.url)
            except ValueError:  # e.g. an unclosed IPv6 bracket
                self.add(("links", index, "url"), "link_invalid", value=link.url)
                continue
            if parts.scheme not in ("http", "https") or not parts.netloc:
                self.add(("links", index, "url"), "link_scheme", value=link.url)


def reason_warnings(entries: list[tuple[str, Document, Registration]]) -> list[Problem]:
    """Warnings, not errors: a pause, a withdrawal or a failure whose reason no update records."""
    return [
        Problem.at(document.path, document.mark(("status",)), "status", "no_reason", value=r.status.value, label=r.status.label)
        for _, document, r in entries
        if lacks_reason(r)
    ]


def person_name_warnings(entries: list[tuple[str, Document, Registration]]) -> list[Problem]:
    """Warnings: one person id written with two names in one year (a typo, or two people sharing an id)."""
    first: dict[tuple[str, int], tuple[str, str]] = {}
    problems = []
    for _, document, r in entries:
        person = r.registrant.person
        if person is None:
            continue
        seen = first.setdefault((person, r.year), (r.registrant.name, document.path))
        if seen[0] != r.registrant.name:
            mark = document.mark(("registrant", "name"))
            problems.append(Problem.at(document.path, mark, "registrant.name", "person_two_names",
                                       person=person, year=r.year, name=r.registrant.name, other_name=seen[0], other=seen[1]))  # fmt: skip
    return problems


def alive_in(item: Any, year: int) -> bool:
    """Whether a unit or evaluator existed at any time during the year."""
    starts_in_time = item.since is None or item.since <= dt.date(year, 12, 31)
    ends_in_time = item.until is None or item.until >= dt.date(year, 1, 1)
    return starts_in_time and ends_in_time


def lifetime(item: Any) -> str:
    since = vn_date(item.since) if item.since else "…"
    until = vn_date(item.until) if item.until else "…"
    return f"{since} – {until}"


def vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def duplicate_ids(entries: list[tuple[str, Document, Registration]]) -> list[Problem]:
    """Registrations across all years that share an id."""
    first: dict[str, str] = {}
    problems = []
    for reg_id, document, _ in entries:
        if reg_id in first:
            loc = ("id",) if "id" in document.data else ()
            problems.append(Problem.at(document.path, document.mark(loc), dotted(loc) or "id", "duplicate_id", value=reg_id, other=first[reg_id]))
        else:
            first[reg_id] = document.path
    return problems


def continuation_problems(entries: list[tuple[str, Document, Registration]]) -> list[Problem]:
    """`continues` must name a registration of an earlier year (a carry-over, see rollover.py)."""
    years = {reg_id: registration.year for reg_id, _, registration in entries}
    problems = []
    for _, document, registration in entries:
        target = registration.continues
        if target is None:
            continue
        mark = document.mark(("continues",))
        if target not in years:
            hint = _hint(target, list(years))
            problems.append(Problem.at(document.path, mark, "continues", "unknown_continues", value=target, hint=hint))
        elif years[target] >= registration.year:
            problems.append(Problem.at(document.path, mark, "continues", "continues_year", value=target, year=years[target], own=registration.year))
    return problems
