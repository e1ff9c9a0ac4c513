"""Flags and figures derived from the "as of" date; never stored in content."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import Enum

from .schema import Kind, Registration, Schedule, Status
from .text import vn_date

DUE_SOON_DAYS = 30


class Flag(str, Enum):
    """A derived state, with its Vietnamese label."""

    overdue = "overdue"
    due_soon = "due_soon"
    on_time = "on_time"
    late = "late"

    @property
    def label(self) -> str:
        return FLAG_LABELS[self]


FLAG_LABELS = {
    Flag.overdue: "Quá hạn",
    Flag.due_soon: "Sắp đến hạn",
    Flag.on_time: "Hoàn thành đúng hạn",
    Flag.late: "Hoàn thành quá hạn",
}


def flags_of(registration: Registration, as_of: dt.date) -> list[Flag]:
    """The derived flags of one registration as of a date."""
    due = registration.schedule.effective_due
    if registration.status is Status.completed:
        done = registration.schedule.completed_on
        return [Flag.on_time if done is None or done <= due else Flag.late]
    if registration.status.is_closed:
        return []
    if due < as_of:
        return [Flag.overdue]
    if (due - as_of).days <= DUE_SOON_DAYS:
        return [Flag.due_soon]
    return []


def days_overdue(registration: Registration, as_of: dt.date) -> int:
    return max(0, (as_of - registration.schedule.effective_due).days)


def deadline_text(schedule: Schedule) -> str:
    """The deadline in force and, once moved, the registered one and the decision:
    `31/12/2025 (điều chỉnh từ 30/09/2025, Thông báo số 123-TB/TU)`."""
    if not schedule.extensions:
        return vn_date(schedule.due)
    last = schedule.extensions[-1]
    decision = f", {last.decision}" if last.decision else ""
    return f"{vn_date(last.due)} (điều chỉnh từ {vn_date(schedule.due)}{decision})"


class Tally(str, Enum):
    """The rows of the official reports' tally: where one registration stands as of a date."""

    on_time = "on_time"
    late = "late"
    within = "within"
    overdue = "overdue"
    not_completed = "not_completed"
    paused = "paused"
    withdrawn = "withdrawn"

    @property
    def label(self) -> str:
        return TALLY_LABELS[self]

    @property
    def heading(self) -> str:
        """The label as a table heading or a line of its own: `Hoàn thành đúng hạn`."""
        return self.label[0].upper() + self.label[1:]


TALLY_LABELS = {
    Tally.on_time: "hoàn thành đúng hạn",
    Tally.late: "hoàn thành quá hạn",
    Tally.within: "đang thực hiện trong hạn",
    Tally.overdue: "quá hạn chưa hoàn thành",
    Tally.not_completed: "không hoàn thành",
    Tally.paused: "tạm dừng",
    Tally.withdrawn: "rút đăng ký",
}
_TALLY_OF_STATUS = {Status.not_completed: Tally.not_completed, Status.paused: Tally.paused, Status.withdrawn: Tally.withdrawn}


def tally_of(registration: Registration, as_of: dt.date) -> Tally:
    """On time or late once completed (against the deadline in force), overdue or within it while open."""
    if registration.status in _TALLY_OF_STATUS:
        return _TALLY_OF_STATUS[registration.status]
    flags = flags_of(registration, as_of)
    if registration.status is Status.completed:
        return Tally.late if Flag.late in flags else Tally.on_time
    return Tally.overdue if Flag.overdue in flags else Tally.within


def tally_sentence(registrations: list[Registration], as_of: dt.date) -> str:
    """`Đăng ký 3 việc: 1 hoàn thành đúng hạn, 1 hoàn thành quá hạn, 1 đang thực hiện trong hạn.`"""
    counts = Counter(tally_of(r, as_of) for r in registrations)
    parts = [f"{counts[row]} {row.label}" for row in Tally if counts[row]]
    return f"Đăng ký {len(registrations)} việc" + (": " + ", ".join(parts) if parts else "") + "."


@dataclass(frozen=True)
class Figures:
    """Headline counts for a set of registrations."""

    total: int
    by_status: dict[Status, int]
    by_kind: dict[str, int]
    overdue: int
    due_soon: int
    open_obstacles: int
    completed_on_time: int
    completed_late: int

    @property
    def completion_rate(self) -> float | None:
        return self.by_status.get(Status.completed, 0) / self.total if self.total else None

    @property
    def on_time_rate(self) -> float | None:
        """Share of the completed registrations that were completed by their due date."""
        done = self.completed_on_time + self.completed_late
        return self.completed_on_time / done if done else None


def figures_of(registrations: list[Registration], as_of: dt.date) -> Figures:
    flags = Counter(flag for r in registrations for flag in flags_of(r, as_of))
    statuses = Counter(r.status for r in registrations)
    return Figures(
        total=len(registrations),
        by_status={status: statuses.get(status, 0) for status in Status},
        by_kind=dict(Counter(r.kind.value for r in registrations)),
        overdue=flags[Flag.overdue],
        due_soon=flags[Flag.due_soon],
        open_obstacles=sum(len(r.open_obstacles) for r in registrations),
        completed_on_time=flags[Flag.on_time],
        completed_late=flags[Flag.late],
    )


# ---------------------------------------------------------------- dashboard figures

STALE_DAYS = 90


def last_activity_on(registration: Registration) -> dt.date:
    """The day of the latest progress report, else when the work was registered or began."""
    if registration.updates:
        return max(update.date for update in registration.updates)
    return registration.registered_on or registration.schedule.start or dt.date(registration.year, 1, 1)


def days_without_update(registration: Registration, as_of: dt.date) -> int:
    return max(0, (as_of - last_activity_on(registration)).days)


def is_stale(registration: Registration, as_of: dt.date) -> bool:
    """Still open, and nothing reported for STALE_DAYS days or more."""
    return not registration.status.is_closed and days_without_update(registration, as_of) >= STALE_DAYS


def figures_by(registrations: list[Registration], key, as_of: dt.date) -> dict:
    """Figures per value of `key(registration)`, in the order values first appear."""
    groups: dict = {}
    for registration in registrations:
        groups.setdefault(key(registration), []).append(registration)
    return {value: figures_of(members, as_of) for value, members in groups.items()}


def status_kind_counts(registrations: list[Registration]) -> dict[Status, dict[str, int]]:
    """For each status, the number of registrations of each kind (kind values as keys)."""
    counts = Counter((r.status, r.kind.value) for r in registrations)
    return {status: {kind.value: counts.get((status, kind.value), 0) for kind in Kind} for status in Status}


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """Every month from `first` to `last` inclusive, as YYYY-MM."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def updates_by_month(registrations: list[Registration], year: int, as_of: dt.date) -> list[tuple[str, int]]:
    """Progress reports per month: January of `year` to the later of its last
    report and December (or the as-of month, if that comes first)."""
    counts = Counter(u.date.strftime("%Y-%m") for r in registrations for u in r.updates)
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 1), as_of) if as_of >= start else start
    latest = max((u.date for r in registrations for u in r.updates), default=end)
    first = min((u.date for r in registrations for u in r.updates), default=start)
    return [(month, counts.get(month, 0)) for month in months_between(min(first, start), max(end, latest))]
