"""Each evaluating body's view of a year (`danh-gia/<evaluator>/<year>/`): the officials
it rates, by unit, with their rows of the official tally and how many of their
registrations are assessed.  Printed, it is the packet of the review meeting:
the summary table, then one official per A4 page (print-report.css).

A public build has none of these pages (the assessment is the Board's business).
As the danh mục, it is a print document and stays whole: it grows with the year.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ...domain.content import Entry
from ...domain.derive import Tally, tally_sentence
from ...domain.profile import PublicContent
from ...domain.schema import Evaluator, Registrant, Unit
from .contexts import EvaluatorYearContext
from .persons import person_year_url, sort_name
from .documents import REPORT_CSS, administrative_date, file_href
from .view import PageSpec, SiteView, person_key

# The tally's columns, short enough for a table header.
TALLY_HEADERS = {
    Tally.on_time: "Hoàn thành đúng hạn",
    Tally.late: "Hoàn thành quá hạn",
    Tally.within: "Chưa đến hạn",
    Tally.overdue: "Quá hạn chưa hoàn thành",
    Tally.not_completed: "Không hoàn thành",
    Tally.paused: "Tạm dừng",
    Tally.withdrawn: "Rút đăng ký",
}


@dataclass(frozen=True)
class Official:
    """One official rated by the body that year: their registrations and where each stands."""

    registrant: Registrant
    url: str  # their page of the year (persons.person_year_url)
    entries: list[Entry]
    tallies: dict[str, Tally]  # registration id -> its row of the tally
    counts: list[int]  # per row of the tally, in TALLY_HEADERS' order
    sentence: str
    assessed: int

    @property
    def anchor(self) -> str:
        """The id of the official's section on the page: `can-bo-<person>-<year>`."""
        return self.url.strip("/").replace("/", "-")

    @property
    def unassessed(self) -> int:
        return len(self.entries) - self.assessed


@dataclass(frozen=True)
class UnitOfficials:
    unit: Unit
    officials: list[Official]


def evaluator_url(evaluator_id: str, year: int) -> str:
    return f"danh-gia/{evaluator_id}/{year}/"


def evaluator_years(view: SiteView) -> list[tuple[Evaluator, int, list[Entry]]]:
    """(evaluator, year, its registrations) for every pair with registrations; none in a public build."""
    if isinstance(view.content, PublicContent):
        return []
    found = []
    for year in view.content.years:
        rated: dict[str, list[Entry]] = {}
        for entry in view.by_year[year]:
            rated.setdefault(entry.registration.evaluator, []).append(entry)
        found += [(evaluator, year, rated[evaluator.id]) for evaluator in view.content.evaluators.values() if evaluator.id in rated]
    return found


def evaluator_pages(view: SiteView) -> list[PageSpec]:
    return [_evaluator_page(view, evaluator, year, entries) for evaluator, year, entries in evaluator_years(view)]


def _evaluator_page(view: SiteView, evaluator: Evaluator, year: int, entries: list[Entry]) -> PageSpec:
    url = evaluator_url(evaluator.id, year)
    units = _by_unit(view, year, entries)
    officials = [official for unit in units for official in unit.officials]
    year_over = view.as_of.year > year
    return PageSpec(
        url=url,
        title=f"Cán bộ do {evaluator.name} đánh giá năm {year}",
        context=EvaluatorYearContext(
            evaluator=evaluator,
            year=year,
            units=units,
            headers=list(TALLY_HEADERS.values()),
            totals=[sum(o.counts[i] for o in officials) for i in range(len(TALLY_HEADERS))],
            registrations=len(entries),
            assessed=sum(o.assessed for o in officials),
            year_over=year_over,
            unassessed=[e for o in officials for e in o.entries if e.registration.result is None] if year_over else [],
            date_line=administrative_date(view.province, view.as_of, view.as_of.year),
            province=view.province,
            css=file_href(REPORT_CSS, url),
        ),
    )


def _by_unit(view: SiteView, year: int, entries: list[Entry]) -> list[UnitOfficials]:
    """Units in the order of units.yml's groups; in each, its officials by given name."""
    people: dict[str, dict[str, list[Entry]]] = {}
    for entry in sorted(entries, key=lambda e: e.id):
        r = entry.registration
        people.setdefault(r.registrant.unit, {}).setdefault(person_key(r.registrant), []).append(entry)
    units = []
    for unit in (u for g in view.content.groups for u in view.units_of_group(g.id) if u.id in people):
        officials = [_official(view, key, year, own) for key, own in people[unit.id].items()]
        officials.sort(key=lambda o: sort_name(o.registrant.name))
        units.append(UnitOfficials(unit, officials))
    return units


def _official(view: SiteView, key: str, year: int, entries: list[Entry]) -> Official:
    registrations = [e.registration for e in entries]
    tallies = {e.id: view.tally(e) for e in entries}
    counted = Counter(tallies.values())
    return Official(
        registrant=registrations[-1].registrant,
        url=person_year_url(key, year),
        entries=entries,
        tallies=tallies,
        counts=[counted[row] for row in TALLY_HEADERS],
        sentence=tally_sentence(registrations, view.as_of),
        assessed=sum(1 for r in registrations if r.result is not None),
    )
