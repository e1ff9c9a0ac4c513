"""`dang-ky/registry.json`: the data behind the filterable registry page.

One compact array per registration (facet values as indices into the
dictionary of facets) so that 10,000 registrations stay a small download, and
`theme/assets/registry.js` can count and filter with integer comparisons.
Order and bytes depend only on the content and the as-of date.

    {"version": 1, "as_of": "2025-11-01",
     "columns": [...names of the row fields...],
     "facets": {"year": [[2025, "2025"], ...], "group": [["id", "name"], ...],
                "unit": [["id", "name", group index], ...], "kind": [["id", "name", "I"], ...],
                "status": ...,
                "flag": ..., "evaluator": ..., "tag": [["id", "id"], ...], "deadline": [["extended", ...]]},
     "labels": {"year": "Năm", ...: the heading of each facet},
     "rows": [[id, year i, kind i, status i, unit i, evaluator i, [flag i...], [tag i...],
               due ISO, due shown, title, name, person key, days overdue, [deadline i], tally i], ...]}
The due date is the deadline in force (the last extension's); the text shown names the registered one too.
"""

from __future__ import annotations

import json

from ..domain.content import Entry
from ..domain.derive import Flag, Tally, deadline_text
from ..domain.schema import Kind, Status, registration_fields, spec_of
from ..domain.text import fold
from .output import SiteFile
from .pages.view import SiteView, person_key

REGISTRY_PATH = "dang-ky/registry.json"
COLUMNS = ["id", "year", "kind", "status", "unit", "evaluator", "flags", "tags", "due", "due_text", "title", "name", "person", "days_overdue", "deadline", "tally"]
# The facet "Điều chỉnh thời hạn": one value, held by the registrations whose deadline was moved.
DEADLINE_FACET = [["extended", "Có điều chỉnh thời hạn"]]
# Each facet's heading: a field's comes from its `facet` in schema.py; the others are computed.
FACET_FIELDS = {"year": "year", "kind": "kind", "status": "status", "unit": "registrant.unit", "evaluator": "evaluator", "tag": "tags"}
COMPUTED_FACET_LABELS = {"flag": "Hạn hoàn thành", "deadline": "Điều chỉnh thời hạn", "group": "Nhóm đơn vị", "tally": "Tình hình thực hiện"}


def facet_labels() -> dict[str, str]:
    fields = dict(registration_fields())
    return COMPUTED_FACET_LABELS | {key: spec_of(fields[dotted]).facet or fields[dotted].title for key, dotted in FACET_FIELDS.items()}


def registry_files(view: SiteView) -> list[SiteFile]:
    """The family of files for `files.site_files`."""
    return [SiteFile(REGISTRY_PATH, registry_json(view))]


def registry_json(view: SiteView) -> bytes:
    return json.dumps(registry_data(view), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def registry_data(view: SiteView) -> dict:
    facets = _facets(view)
    index = {name: {value[0]: i for i, value in enumerate(values)} for name, values in facets.items()}
    return {
        "version": 1,
        "as_of": view.as_of.isoformat(),
        "columns": COLUMNS,
        "facets": facets,
        "labels": facet_labels(),
        "rows": [_row(view, entry, index) for entry in view.entries],
    }


def _facets(view: SiteView) -> dict[str, list[list]]:
    registrations = [e.registration for e in view.entries]
    used_units = {r.registrant.unit for r in registrations}
    units = [u for g in view.content.groups for u in view.units_of_group(g.id) if u.id in used_units]
    used_groups = {u.group for u in units}
    groups = [g for g in view.content.groups if g.id in used_groups]
    group_index = {g.id: i for i, g in enumerate(groups)}
    used_evaluators = {r.evaluator for r in registrations}
    tags = sorted({tag for r in registrations for tag in r.tags}, key=lambda t: (fold(t), t))
    return {
        "year": [[year, str(year)] for year in view.content.years],
        "group": [[g.id, g.name] for g in groups],
        "unit": [[u.id, u.name, group_index[u.group]] for u in units],
        "kind": [[k.value, k.short_label, k.part] for k in Kind],
        "status": [[s.value, s.label] for s in Status],
        "flag": [[f.value, f.label] for f in Flag],
        "evaluator": [[e.id, e.name] for e in view.content.evaluators.values() if e.id in used_evaluators],
        "tag": [[t, t] for t in tags],
        "deadline": DEADLINE_FACET,
        "tally": [[t.value, t.heading] for t in Tally],
    }


def _row(view: SiteView, entry: Entry, index: dict[str, dict]) -> list:
    r = entry.registration
    return [
        entry.id,
        index["year"][r.year],
        index["kind"][r.kind.value],
        index["status"][r.status.value],
        index["unit"][r.registrant.unit],
        index["evaluator"][r.evaluator],
        [index["flag"][f.value] for f in view.flags(entry)],
        [index["tag"][t] for t in r.tags],
        r.schedule.effective_due.isoformat(),
        deadline_text(r.schedule),
        r.title,
        r.registrant.name,
        person_key(r.registrant),
        view.days_overdue(entry) if Flag.overdue in view.flags(entry) else 0,
        [0] if r.schedule.extensions else [],
        index["tally"][view.tally(entry).value],
    ]
