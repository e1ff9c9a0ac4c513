"""What changed between two versions of one registration file, in registration terms.

Both `dotpha diff` (two revisions) and the history of each registration (one
commit at a time) compare the raw data of two file versions here.  Raw data,
not models: an old revision may not pass today's validation, and a summary
for a reviewer must still say what moved.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Callable

from ..domain.load import parse_document
from ..domain.schema import Outcome, Registration, Status, field_title
from ..domain.text import vn_date

# Keys whose changes are told on their own; any other changed key is listed by its label.
_TOLD = {"status", "updates", "obstacles", "result", "registrant"}


@dataclass(frozen=True)
class Version:
    """One version of a registration file: where it was and what it held."""

    path: str  # relative to the content folder: registrations/<year>/<unit>/<id>.yml
    data: dict | None  # None when the file is not a YAML mapping

    @property
    def id(self) -> str:
        return PurePosixPath(self.path).stem

    @property
    def unit(self) -> str:
        return _text(_get(self.data, "registrant", "unit")) or PurePosixPath(self.path).parent.name

    @property
    def year(self) -> str:
        return PurePosixPath(self.path).parent.parent.name

    @property
    def title(self) -> str:
        return _text(_get(self.data, "title")) or self.id

    @property
    def status(self) -> str | None:
        return _text(_get(self.data, "status"))

    def list_of(self, key: str) -> list[dict]:
        value = _get(self.data, key)
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

    @property
    def extensions(self) -> list[dict]:
        value = _get(self.data, "schedule", "extensions")
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

    @property
    def result(self) -> dict | None:
        value = _get(self.data, "result")
        return value if isinstance(value, dict) else None


@dataclass
class Change:
    """The difference between an old and a new version of one registration (either may be None)."""

    id: str
    old: Version | None
    new: Version | None
    status: tuple[str | None, str | None] | None = None
    new_updates: list[dict] = field(default_factory=list)
    edited_updates: int = 0
    raised: list[dict] = field(default_factory=list)
    resolved: list[dict] = field(default_factory=list)
    result: dict | None = None  # the assessment recorded or changed by this change
    moved: tuple[str, str] | None = None  # (old unit, new unit)
    fields: list[str] = field(default_factory=list)  # other changed top-level keys
    due_changed: tuple[Any, Any] | None = None  # schedule.due edited (old, new): a deadline moves by an extension
    extensions: list[dict] = field(default_factory=list)  # schedule.extensions added

    @property
    def added(self) -> bool:
        return self.old is None and self.new is not None

    @property
    def removed(self) -> bool:
        return self.new is None and self.old is not None

    @property
    def progress(self) -> int | None:
        """The last progress figure among the new updates."""
        figures = [u["progress"] for u in self.new_updates if isinstance(u.get("progress"), int)]
        return figures[-1] if figures else None

    @property
    def was_assessed(self) -> bool:
        return self.old is not None and self.old.result is not None

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.status or self.new_updates or self.edited_updates
                    or self.raised or self.resolved or self.result or self.moved or self.fields
                    or self.due_changed or self.extensions)  # fmt: skip


def version_of(path: str, raw: bytes | None) -> Version | None:
    """Parse a file version leniently: an unreadable file still counts as a version."""
    if raw is None:
        return None
    try:
        text = unicodedata.normalize("NFC", raw.decode("utf-8-sig"))
        document, _ = parse_document(text, path)
    except (UnicodeDecodeError, ValueError, RecursionError):
        document = None
    data = document.data if document is not None and isinstance(document.data, dict) else None
    return Version(path, data)


def compare(old: Version | None, new: Version | None) -> Change:
    """Everything a reviewer wants to know about one registration's change."""
    change = Change(id=(new or old).id, old=old, new=new)
    if old is None or new is None:
        return change
    if old.status != new.status:
        change.status = (old.status, new.status)
    _compare_updates(change, old.list_of("updates"), new.list_of("updates"))
    _compare_obstacles(change, old.list_of("obstacles"), new.list_of("obstacles"))
    if new.result is not None and new.result != old.result:
        change.result = new.result
    if old.unit != new.unit:
        change.moved = (old.unit, new.unit)
    change.fields = _changed_fields(old, new)
    _compare_schedules(change, old, new)
    return change


def _compare_schedules(change: Change, old: Version, new: Version) -> None:
    old_due, new_due = _get(old.data, "schedule", "due"), _get(new.data, "schedule", "due")
    if old_due is not None and new_due is not None and old_due != new_due:
        change.due_changed = (old_due, new_due)
    change.extensions = new.extensions[len(old.extensions):]


def _compare_updates(change: Change, old: list[dict], new: list[dict]) -> None:
    # Updates are appended oldest first, so what follows the old list is new.
    change.new_updates = new[len(old):]
    change.edited_updates = sum(1 for a, b in zip(old, new) if a != b) + max(0, len(old) - len(new))


def _compare_obstacles(change: Change, old: list[dict], new: list[dict]) -> None:
    change.raised = new[len(old):]
    change.resolved = [
        b for a, b in zip(old, new) if a.get("resolved_on") is None and b.get("resolved_on") is not None
    ] + [b for b in change.raised if b.get("resolved_on") is not None]


def _changed_fields(old: Version, new: Version) -> list[str]:
    keys = sorted(set(old.data or {}) | set(new.data or {}))
    changed = [k for k in keys if k not in _TOLD and _get(old.data, k) != _get(new.data, k)]
    old_reg, new_reg = _get(old.data, "registrant"), _get(new.data, "registrant")
    if isinstance(old_reg, dict) and isinstance(new_reg, dict):
        changed += [f"registrant.{k}" for k in sorted(set(old_reg) | set(new_reg)) if k != "unit" and old_reg.get(k) != new_reg.get(k)]
    if (old.data is None) != (new.data is None):
        changed.append("")
    return changed


# ---------------------------------------------------------------- words


def status_label(value: str | None) -> str:
    """The Vietnamese label of a stored status, or the raw value when unknown."""
    if value is None:
        return "(không có)"
    return Status(value).label if value in Status._value2member_map_ else value


def outcome_label(value: Any) -> str:
    return Outcome(value).label if value in Outcome._value2member_map_ else str(value)


def field_label(key: str) -> str:
    """`schedule` → `Dự kiến thời gian ...`; an unknown key stays as written."""
    if not key:
        return "toàn bộ tệp"
    return field_title(Registration, key) or key


def day(value: Any) -> str:
    """A date as written in YAML (text) → dd/mm/yyyy; anything else as is."""
    try:
        return vn_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def describe(change: Change, unit_name: Callable[[str], str] = str) -> list[str]:
    """Short Vietnamese phrases, one per kind of change, in a fixed order."""
    if change.added:
        return [f"Đăng ký mới ({status_label(change.new.status)})"]
    if change.removed:
        return ["Xóa khỏi kho"]
    phrases = []
    if change.moved:
        phrases.append(f"Chuyển đơn vị: {unit_name(change.moved[0])} → {unit_name(change.moved[1])}")
    if change.status:
        phrases.append(f"Trạng thái: {status_label(change.status[0])} → {status_label(change.status[1])}")
    for extension in change.extensions:
        phrases.append(f"Điều chỉnh thời hạn đến {day(extension.get('due'))}")
    if change.new_updates:
        figure = f", tiến độ {change.progress}%" if change.progress is not None else ""
        phrases.append(f"Thêm {len(change.new_updates)} báo cáo tiến độ{figure}")
    if change.edited_updates:
        phrases.append(f"Sửa {change.edited_updates} báo cáo tiến độ đã có")
    if change.raised:
        phrases.append(f"Thêm {len(change.raised)} vướng mắc")
    if change.resolved:
        phrases.append(f"Tháo gỡ {len(change.resolved)} vướng mắc")
    if change.result:
        phrases.append(f"Kết quả đánh giá: {outcome_label(change.result.get('outcome'))}")
    if change.fields:
        phrases.append("Sửa: " + ", ".join(field_label(k) for k in change.fields))
    return phrases


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
