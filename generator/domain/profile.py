"""Build profiles: the intranet sees everything, the public site only what the Board chooses.

`public_content` is a pure function from validated `Content` to the `Content`
a public site may show: registrations marked `visibility: internal` are left
out and the fields listed as internal are removed or replaced by a notice.
The plugin applies it before any page or file is made, so every output
(pages, counts, unit and person pages, search index, sitemap, generated
files) is built from the redacted content and cannot carry a trace of what
was left out.  Code downstream must therefore never read the content folder
(`Content.root`) itself.

A hidden field is blanked according to its place in the form:
  - a text the form always shows (a required text, or Part I/II's own item)
    keeps its place and says `PLACEHOLDER`, so the page still follows the form;
  - an optional field is removed (a list becomes empty), so the public site
    does not even show that it was filled in.
Fields that give a registration its identity or its place on the site (id,
year, kind, unit, evaluator, due date, status, visibility, the registrant's
name, a link's address...) cannot be hidden.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from pydantic import BaseModel

from .content import Content, Entry
from .errors import UsageError
from .schema import PART_ONLY_FIELDS, Registration, Visibility, is_free_text, registration_fields, spec_of

PLACEHOLDER = "Nội dung này không công khai."
PUBLIC_MARK = "Bản công khai"

# What a public build hides unless site_config.yml says otherwise: the fields schema.py marks
# `public_hidden` (the Board's assessment, the self-review shortcoming a registration answers, what a
# registrant asks of superiors, the obstacles met, links to internal documents).
DEFAULT_PUBLIC_HIDDEN_FIELDS: tuple[str, ...] = tuple(dotted for dotted, info in registration_fields() if spec_of(info).public_hidden)
# Besides required non-text fields: the id and visibility organise the site, a
# link needs its address, and a hidden name would merge people's pages.
_NOT_HIDEABLE = {"id", "visibility", "links.url", "registrant.name"}


class Profile(str, Enum):
    internal = "internal"
    public = "public"


@dataclasses.dataclass
class PublicContent(Content):
    """Content redacted for a public site.

    It has no git history: commit messages and authors are free text, and old
    versions of a file hold what the public profile hides now.
    """


class ProfileError(UsageError, ValueError):
    """A profile setting that cannot be applied (an unknown or structural field)."""


def resolve_profile(name: str | None) -> Profile:
    try:
        return Profile(name or Profile.internal.value)
    except ValueError:
        choices = ", ".join(p.value for p in Profile)
        raise ProfileError(f"hồ sơ dựng trang «{name}» không hợp lệ; chọn một trong: {choices}") from None


def check_hidden_fields(fields: Iterable[str]) -> list[str]:
    """Messages for every listed field that does not exist or cannot be hidden; [] when all can."""
    return [message for field in fields if (message := _field_problem(field))]


def public_content(content: Content, hidden_fields: Sequence[str] = DEFAULT_PUBLIC_HIDDEN_FIELDS) -> Content:
    """The content a public site may show; raises ProfileError for a field that cannot be hidden."""
    problems = check_hidden_fields(hidden_fields)
    if problems:
        raise ProfileError("; ".join(problems))
    paths = [tuple(field.split(".")) for field in hidden_fields]
    shown = [entry for entry in content.entries if entry.registration.visibility is not Visibility.internal]
    shown_ids = {entry.id for entry in shown}
    entries = [Entry(_without_links_to_hidden(_redacted(e.registration, paths), shown_ids), e.source) for e in shown]
    values = {f.name: getattr(content, f.name) for f in dataclasses.fields(content) if f.init}
    return PublicContent(**(values | {"entries": entries, "warnings": []}))


def content_for(profile: Profile, content: Content, hidden_fields: Sequence[str]) -> Content:
    return public_content(content, hidden_fields) if profile is Profile.public else content


# ---------------------------------------------------------------- redaction


def _redacted(registration: Registration, paths: list[tuple[str, ...]]) -> Registration:
    for path in paths:
        registration = _blank_path(registration, path)
    return registration


def _without_links_to_hidden(registration: Registration, shown_ids: set[str]) -> Registration:
    """A registration that carries over a left-out one would still name its id."""
    continues = getattr(registration, "continues", None)
    if continues is None or continues in shown_ids:
        return registration
    return registration.model_copy(update={"continues": None})


def _blank_path(model: BaseModel, path: tuple[str, ...]) -> BaseModel:
    name, rest = path[0], path[1:]
    value = getattr(model, name)
    if value is None or value == []:
        return model
    if not rest:
        replacement = _blank_value(type(model), name)
    elif isinstance(value, list):
        replacement = [_blank_path(item, rest) for item in value]
    else:
        replacement = _blank_path(value, rest)
    # model_copy skips validation on purpose: a required text may hold the notice.
    return model.model_copy(update={name: replacement})


def _blank_value(model: type[BaseModel], name: str) -> Any:
    info = model.model_fields[name]
    if info.is_required() or (model is Registration and name in PART_ONLY_FIELDS):
        return PLACEHOLDER
    return info.get_default(call_default_factory=True)


# ---------------------------------------------------------------- which fields exist


def _field_problem(dotted: str) -> str | None:
    model: Any = Registration
    parts = dotted.split(".")
    for depth, part in enumerate(parts):
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return f"public_hidden_fields: không có trường «{dotted}» trong bản đăng ký"
        last = depth == len(parts) - 1
        inner = _inner_model(info.annotation)
        if not last and inner is None:
            return f"public_hidden_fields: trường «{'.'.join(parts[: depth + 1])}» không có trường con"
        if last and (dotted in _NOT_HIDEABLE or (info.is_required() and not _is_text(info))):
            return f"public_hidden_fields: không thể ẩn trường «{dotted}»: trang cần nó để sắp xếp, liên kết bản đăng ký"
        model = inner
    return None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, directly, in a list or as an optional value."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _is_text(info: Any) -> bool:
    """A required free text (`Text`), which can hold the notice; ids and addresses cannot."""
    return info.is_required() and is_free_text(info)
