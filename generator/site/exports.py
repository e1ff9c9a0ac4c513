"""Downloads of the registrations: CSV, XLSX and JSON, per year and for all years.

Everything is made from the `Content` handed in (never by reading files
again), so a build that leaves registrations out (a public build) exports
only what it shows.  The bytes depend only on the content and its "as of"
date: the XLSX, a zip, gets fixed timestamps (generator/xlsx.py).

The spreadsheet columns are `COLUMNS`; `dotpha import` reads the same headers
back, so an exported XLSX imports to the same data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain.content import Content, Entry
from ..domain.derive import flags_of
from ..domain.schema import Kind, PlannedDate, Registration, field_title, registration_fields, spec_of
from ..domain.text import vn_date
from .formulas import neutralised
from .output import SiteFile
from .xlsx import Sheet, workbook_bytes

EXPORT_FORMAT = "dotpha-export"
EXPORT_VERSION = 1
DOWNLOADS_DIR = "tai-ve"


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its key (a registration field, dotted), header, value and place."""

    key: str
    header: str
    value: Callable[[Entry, Content], Any]
    width: int = 14
    imported: bool = True  # read back by `dotpha import` (computed columns are not)
    order: int = 0
    aliases: tuple[str, ...] = ()  # other header spellings `dotpha import` accepts, folded


def _field(dotted: str) -> Callable[[Entry, Content], Any]:
    def value(entry: Entry, content: Content) -> Any:
        current: Any = entry.registration
        for part in dotted.split("."):
            current = getattr(current, part, None) if current is not None else None
        return getattr(current, "label", current)  # enumerations show their Vietnamese label

    return value


# Fields whose cell shows something else than the value itself (a name for an id).
SHOWN_AS: dict[str, Callable[[Entry, Content], Any]] = {
    "id": lambda e, c: e.id,
    "evaluator": lambda e, c: c.evaluators[e.registration.evaluator].name,
}

# Columns no field holds: computed from the registration and the "as of" date.  Every field with a
# `column` in schema.py takes its place among them by `order`.
COMPUTED: tuple[Column, ...] = (
    Column("number", "STT", lambda e, c: None, 6, imported=False, order=10),
    Column("unit_name", "Đơn vị", lambda e, c: c.units[e.registration.registrant.unit].name, 28, order=70,
           aliases=("don vi", "don vi cong tac", "ten don vi", "co quan don vi", "co quan")),
    Column("effective_due", "Thời hạn sau điều chỉnh", lambda e, c: _extended_due(e.registration), 12, imported=False, order=180),
    Column("extensions", field_title(Registration, "schedule.extensions") or "", lambda e, c: _extensions_text(e.registration, c), 40,
           imported=False, order=190),
    Column("flags", "Tình hình", lambda e, c: ", ".join(f.label for f in flags_of(e.registration, c.as_of)), 18, imported=False, order=220),
    Column("progress", "Tiến độ gần nhất (%)", lambda e, c: e.registration.latest_progress, 10, imported=False, order=230),
    Column("open_obstacles", "Vướng mắc chưa tháo gỡ", lambda e, c: len(e.registration.open_obstacles), 10, imported=False, order=240),
)  # fmt: skip


def _columns() -> tuple[Column, ...]:
    fields = [
        Column(dotted, spec.column.header or info.title, SHOWN_AS.get(dotted) or _field(dotted), spec.column.width,
               order=spec.column.order, aliases=spec.aliases)
        for dotted, info in registration_fields()
        if (spec := spec_of(info)).column
    ]  # fmt: skip
    return tuple(sorted((*COMPUTED, *fields), key=lambda column: column.order))


COLUMNS = _columns()


def _extended_due(registration: Registration) -> Any:
    return registration.schedule.effective_due if registration.schedule.extensions else None


def _extensions_text(registration: Registration, content: Content) -> str | None:
    """Each extension on one line: `15/09/2025: đến 31/12/2025, Ban Thường vụ Tỉnh ủy, Thông báo số 123-TB/TU`."""
    lines = [
        ", ".join(filter(None, (f"{vn_date(x.date)}: đến {vn_date(x.due)}", content.evaluators[x.approved_by].name, x.decision)))
        for x in registration.schedule.extensions
    ]
    return "\n".join(lines) or None


# ---------------------------------------------------------------- rows


def export_rows(content: Content, entries: list[Entry], memo: dict | None = None) -> list[list[Any]]:
    """The values of each registration, column by column (dates stay dates).
    `memo` keeps each registration's values for the next file that lists it."""
    memo = {} if memo is None else memo
    rows = []
    for number, entry in enumerate(entries, start=1):
        values = memo.get(id(entry))
        if values is None:
            values = memo[id(entry)] = [column.value(entry, content) for column in COLUMNS[1:]]
        rows.append([number, *values])
    return rows


def ordered(entries: list[Entry]) -> list[Entry]:
    """Year, then unit, then id: the order of every download."""
    return sorted(entries, key=lambda e: (e.registration.year, e.registration.registrant.unit, e.id))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%m/%Y" if getattr(value, "month_only", False) else "%d/%m/%Y")
    return str(value)


# ---------------------------------------------------------------- CSV


def csv_bytes(content: Content, entries: list[Entry], memo: dict | None = None) -> bytes:
    """UTF-8 with a BOM (Excel then reads Vietnamese correctly), CRLF, every field quoted as needed,
    no cell a spreadsheet would run as a formula (generator/site/formulas.py)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralised(column.header) for column in COLUMNS])
    for row in export_rows(content, ordered(entries), memo):
        writer.writerow([neutralised(_text(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- XLSX


def xlsx_bytes(content: Content, entries: list[Entry], memo: dict | None = None) -> bytes:
    """One sheet per kind (Phần I, Phần II): bold header, frozen first row, filter, real dates."""
    headers, widths = [c.header for c in COLUMNS], [c.width for c in COLUMNS]
    sheets = [
        Sheet(sheet_title(kind), headers, widths, export_rows(content, [e for e in ordered(entries) if e.registration.kind is kind], memo))
        for kind in Kind
    ]
    return workbook_bytes(sheets, dt.datetime.combine(content.as_of, dt.time()), creator="dotpha")


def sheet_title(kind: Kind) -> str:
    return f"Phần {kind.part} - {kind.short_label}"  # at most 31 characters, no ':' or '/'


# ---------------------------------------------------------------- JSON


def json_bytes(content: Content, entries: list[Entry], year: int | None, memo: dict | None = None) -> bytes:
    """The documented, versioned export (README, "Tệp tải về"): full registrations, with names."""
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "as_of": content.as_of.isoformat(),
        "year": year,
        "units": {u.id: _plain(u) for u in content.units.values()},
        "evaluators": {e.id: _plain(e) for e in content.evaluators.values()},
        "groups": [_plain(g) for g in content.groups],
        "registrations": [_registration_record(content, e, {} if memo is None else memo) for e in ordered(entries)],
    }
    # Compact: the indenting encoder is pure Python, ten times slower at thousands of registrations.
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _registration_record(content: Content, entry: Entry, memo: dict) -> dict:
    if id(entry) in memo:
        return memo[id(entry)]
    record = memo[id(entry)] = {"id": entry.id, **_plain(entry.registration)}  # `id` may be left out of a file: give it
    record["derived"] = {
        "flags": [f.value for f in flags_of(entry.registration, content.as_of)],
        "effective_due": _json_value(entry.registration.schedule.effective_due),
        "latest_progress": entry.registration.latest_progress,
        "open_obstacles": len(entry.registration.open_obstacles),
    }
    return record


def _plain(model) -> dict:
    """A model as JSON data in the content format: no empty values, months stay `YYYY-MM`."""
    return {key: _json_value(getattr(model, key)) for key in type(model).model_fields if _kept(getattr(model, key))}


def _kept(value: Any) -> bool:
    return value is not None and value != []


def _json_value(value: Any) -> Any:
    if isinstance(value, PlannedDate) and value.month_only:
        return value.strftime("%Y-%m")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(type(value), "model_fields"):
        return _plain(value)
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return value.value if hasattr(value, "value") and hasattr(value, "label") else value


# ---------------------------------------------------------------- site files


@dataclass(frozen=True)
class Download:
    """One downloadable file: where it lives and what it holds."""

    path: str
    label: str
    year: int | None


def download_name(year: int | None, extension: str) -> str:
    return f"{DOWNLOADS_DIR}/dang-ky-{year if year is not None else 'tat-ca'}.{extension}"


FORMATS = (("xlsx", "Excel (XLSX)"), ("csv", "CSV (UTF-8)"), ("json", "JSON"))


def downloads_of(content: Content) -> list[Download]:
    """Every download, all years first, then each year, newest first."""
    return [
        Download(download_name(year, extension), label, year)
        for year in (None, *content.years)
        for extension, label in FORMATS
    ]


def export_bytes(content: Content, download: Download, memos: dict | None = None) -> bytes:
    """One download's bytes. `memos` (one per format) carries each registration's values
    from the all-years file to its year's file: every registration is converted once."""
    memos = {} if memos is None else memos
    entries = content.entries if download.year is None else [e for e in content.entries if e.registration.year == download.year]
    extension = download.path.rsplit(".", 1)[1]
    memo = memos.setdefault("json" if extension == "json" else "rows", {})
    if extension == "csv":
        return csv_bytes(content, entries, memo)
    if extension == "xlsx":
        return xlsx_bytes(content, entries, memo)
    return json_bytes(content, entries, download.year, memo)


def download_files(view) -> list:
    """The `site_files` family of the downloads (`view` is the pages' SiteView)."""

    memos: dict = {}
    return [SiteFile(d.path, export_bytes(view.content, d, memos)) for d in downloads_of(view.content)]
