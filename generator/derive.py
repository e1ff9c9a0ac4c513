"""Flags and figures derived from the "as of" date; never stored in content."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import Enum

from .schema import Registration, Status

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
    due = registration.schedule.due
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
    return max(0, (as_of - registration.schedule.due).days)


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
