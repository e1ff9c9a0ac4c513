"""The dashboard of one year: what the home page and each year page show.

Everything here is computed from `derive` and drawn by `charts` at build time;
the templates only lay it out. Lists are cut to their first LIST_LIMIT rows
(most urgent first) with a link to the full page, so the home page stays the
same size however many registrations there are.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ...domain.content import Entry
from ...domain.derive import (
    Figures,
    Flag,
    days_without_update,
    figures_by,
    is_stale,
    status_kind_counts,
    updates_by_month,
)
from ...domain.schema import Kind, Obstacle, Status
from ...domain.text import vn_percent
from .. import charts
from .tally import HEADERS as TALLY_HEADERS
from .tally import YearTally, year_tally
from .view import SiteView

LIST_LIMIT = 10


@dataclass(frozen=True)
class Cut:
    """The first rows of a longer list, and how long the list is."""

    rows: list
    total: int


@dataclass(frozen=True)
class Rate:
    """Figures of one unit group or unit, with its name and page."""

    name: str
    url: str | None
    figures: Figures


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard template receives for one year."""

    year: int
    figures: Figures
    status_kind: dict[Status, dict[str, int]]
    groups: list[Rate]
    units: list[Rate]
    overdue: Cut  # of Entry, most days overdue first
    due_soon: Cut  # of Entry, nearest due date first
    obstacles: Cut  # of (Obstacle, Entry, days open), oldest first
    stale: Cut  # of (Entry, days without an update), longest first
    months: list[tuple[str, int]]
    status_chart: Markup
    group_chart: Markup
    trend_chart: Markup
    tally: YearTally  # the official tally of the year
    tally_headers: list[str]


def dashboard_of(view: SiteView, entries: list[Entry], year: int) -> Dashboard:
    registrations = [e.registration for e in entries]
    status_kind = status_kind_counts(registrations)
    groups, units = _group_rates(view, entries), _unit_rates(view, entries)
    months = updates_by_month(registrations, year, view.as_of)
    return Dashboard(
        year=year,
        figures=view.figures(entries),
        status_kind=status_kind,
        groups=groups,
        units=units,
        overdue=_cut(sorted(view.with_flag(entries, Flag.overdue), key=lambda e: (-view.days_overdue(e), e.id))),
        due_soon=_cut(sorted(view.with_flag(entries, Flag.due_soon), key=lambda e: (e.registration.schedule.effective_due, e.id))),
        obstacles=_cut(_open_obstacles(view, entries)),
        stale=_cut(_stale(view, entries)),
        months=months,
        status_chart=_status_chart(f"Số đăng ký theo trạng thái và loại, năm {year}", status_kind),
        group_chart=_rate_chart(f"Tỷ lệ hoàn thành và hoàn thành đúng hạn theo nhóm đơn vị, năm {year}", groups),
        trend_chart=_trend_chart(year, months),
        tally=year_tally(view, year),
        tally_headers=TALLY_HEADERS,
    )


def _cut(rows: list) -> Cut:
    return Cut(rows[:LIST_LIMIT], len(rows))


def _group_rates(view: SiteView, entries: list[Entry]) -> list[Rate]:
    group_of = {unit.id: unit.group for unit in view.content.units.values()}
    found = figures_by([e.registration for e in entries], lambda r: group_of[r.registrant.unit], view.as_of)
    return [Rate(g.name, None, found[g.id]) for g in view.content.groups if g.id in found]


def _unit_rates(view: SiteView, entries: list[Entry]) -> list[Rate]:
    found = figures_by([e.registration for e in entries], lambda r: r.registrant.unit, view.as_of)
    ordered = [u for g in view.content.groups for u in view.units_of_group(g.id) if u.id in found]
    return [Rate(u.name, view.unit_url(u.id), found[u.id]) for u in ordered]


def _open_obstacles(view: SiteView, entries: list[Entry]) -> list[tuple[Obstacle, Entry, int]]:
    rows = [(o, e, (view.as_of - o.raised_on).days) for e in entries for o in e.registration.open_obstacles]
    return sorted(rows, key=lambda row: (row[0].raised_on, row[1].id))


def _stale(view: SiteView, entries: list[Entry]) -> list[tuple[Entry, int]]:
    rows = [(e, days_without_update(e.registration, view.as_of)) for e in entries if is_stale(e.registration, view.as_of)]
    return sorted(rows, key=lambda row: (-row[1], row[0].id))


def status_chart_of(entries: list[Entry], label: str) -> tuple[Markup, dict[Status, dict[str, int]]]:
    """The status-by-kind chart of some registrations (a unit's, a person's) and its numbers."""
    counts = status_kind_counts([e.registration for e in entries])
    return _status_chart(label, counts), counts


def _status_chart(label: str, counts: dict[Status, dict[str, int]]) -> Markup:
    rows = [(status.label, [counts[status][kind.value] for kind in Kind]) for status in Status]
    series = [f"Phần I: {Kind.difficult.short_label}", f"Phần II: {Kind.breakthrough.short_label}"]
    return charts.bar_chart(label, rows, series, stacked=True)


def _rate_chart(label: str, rates: list[Rate]) -> Markup:
    rows = [(rate.name, [rate.figures.completion_rate, rate.figures.on_time_rate]) for rate in rates]
    series = ["Tỷ lệ hoàn thành", "Tỷ lệ đúng hạn (trong số đã hoàn thành)"]
    return charts.bar_chart(label, rows, series, maximum=1.0, value_text=vn_percent)


def _trend_chart(year: int, months: list[tuple[str, int]]) -> Markup:
    columns = []
    for index, (month, count) in enumerate(months):
        y, m = month.split("-")
        columns.append((f"T{int(m)}", y if index == 0 or m == "01" else "", count))
    return charts.column_chart(f"Số báo cáo tiến độ theo tháng của các đăng ký năm {year}", columns)
