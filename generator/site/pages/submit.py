"""The registration form as a page: fill it in, get the YAML file, open the forge's editor.

Everything happens in the browser (theme/assets/form.js): the page carries the
JSON Schema of a registration, the units and the evaluators, and checks what
was typed against the schema before it offers the file.  The ids already
taken are a separate file (`USED_IDS_PATH`), so the page itself stays the same
size however many registrations there are.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.jsonschema import json_schema  # the same schema `dotpha schema` writes for editors
from ...domain.schema import Kind, Registrant, Registration, Schedule, form_fields
from ..output import SiteFile
from .contexts import SubmitContext
from .view import PageSpec, SiteView

FORM_URL = "dang-ky-moi/"
USED_IDS_PATH = FORM_URL + "ma-da-dung.json"
LONG_TEXT = {"content", "impact", "support_requested", "difficulties"}


@dataclass(frozen=True)
class FormItem:
    """One numbered item of the official form, with its number in each part."""

    name: str
    label: str
    numbers: dict[str, str]  # part ("I", "II") → item number
    long: bool


def form_page(view: SiteView) -> PageSpec:
    return PageSpec(
        url=FORM_URL,
        title="Đăng ký mới",
        context=SubmitContext(items=form_items(), data=form_data(view), labels=_labels()),
        in_nav=True,
    )


def form_items() -> list[FormItem]:
    """The items of both parts, in Part I's order then Part II's own (form.js reorders)."""
    numbers: dict[str, dict[str, str]] = {}
    for kind in Kind:
        for number, name in enumerate(form_fields(kind), start=1):
            numbers.setdefault(name, {})[kind.part] = str(number)
    return [FormItem(name, Registration.model_fields[name].title, parts, name in LONG_TEXT) for name, parts in numbers.items()]


def form_data(view: SiteView) -> dict:
    """What form.js needs: the schema, the units and evaluators with their dates, the year."""

    return {
        "schema": json_schema("registration"),
        "year": view.as_of.year,
        "usedIds": "ma-da-dung.json",
        "units": [_dated(u, short=u.short) for u in view.content.units.values()],
        "evaluators": [_dated(e) for e in view.content.evaluators.values()],
    }


def used_ids_files(view: SiteView) -> list:
    """The ids already taken, so the form does not suggest one of them."""
    import json


    ids = sorted(e.id for e in view.entries)
    return [SiteFile(USED_IDS_PATH, json.dumps(ids, separators=(",", ":")).encode())]


def _dated(item, **extra) -> dict:
    dates = {"since": item.since.isoformat() if item.since else None, "until": item.until.isoformat() if item.until else None}
    return {"id": item.id, "name": item.name, **dates, **extra}


def _labels() -> dict[str, str]:
    return {
        "name": Registrant.model_fields["name"].title,
        "position": Registrant.model_fields["position"].title,
        "unit": Registrant.model_fields["unit"].title,
        "person": Registrant.model_fields["person"].title,
        "evaluator": Registration.model_fields["evaluator"].title,
        "registered_on": Registration.model_fields["registered_on"].title,
        "year": Registration.model_fields["year"].title,
        "kind": Registration.model_fields["kind"].title,
        "id": Registration.model_fields["id"].title,
        "start": Schedule.model_fields["start"].title,
        "due": Schedule.model_fields["due"].title,
    }
