"""The template contract: what each page kind's template receives, in one place.

Every generated page carries one of these dataclasses; its class says which
template renders it (`TEMPLATE`). Besides its fields, every template sees
`page` (the PageSpec), `href(url)` (a link relative to the page) and the
renderer's globals (`site`, the SiteView; `Status`, `Kind`, `Flag`, `Outcome`;
`label`, `status_badge`, `flag_badges`). Templates render under Jinja's
StrictUndefined, and tests/site/test_contexts.py checks every name a template
uses against its dataclass, so a misspelt name fails the tests.

Paged lists (paging.py) fill `pager` and their rows (`sections`, `entries`,
`rows`, `people`) page by page; `pager` is None on pages that are never split.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

from markupsafe import Markup

from ...domain.content import Entry
from ...domain.derive import Figures, Tally
from ...domain.schema import Evaluator, Obstacle, Registrant, Status, Unit
from ...history.changes import Change
from ...history.timeline import RegistrationHistory
from .dashboard import Dashboard
from .paging import Pager, Section
from .view import PageContext

StatusKind = dict[Status, dict[str, int]]  # for each status, the count of each kind (derive.status_kind_counts)


@dataclass(frozen=True)
class HomeContext(PageContext):
    """The dashboard of the current year (`home.html`)."""

    TEMPLATE: ClassVar[str] = "home.html"
    d: Dashboard
    years: list[int]
    all_figures: Figures


@dataclass(frozen=True)
class YearContext(PageContext):
    """A year's dashboard and its registrations (`year.html`, paged)."""

    TEMPLATE: ClassVar[str] = "year.html"
    d: Dashboard
    years: list[int]
    total: int
    entries: list[Entry] = field(default_factory=list)
    pager: Pager | None = None


@dataclass(frozen=True)
class ListContext(PageContext):
    """A list of registrations in sections (`list.html`, paged): all, a status, a kind,
    overdue. `registry` is the JSON that makes page 1 of the registry filterable."""

    TEMPLATE: ClassVar[str] = "list.html"
    sections: list[Section] = field(default_factory=list)
    pager: Pager | None = None
    registry: str | None = None


@dataclass(frozen=True)
class IndexContext(PageContext):
    """Links to lists, with their counts (`index.html`): (text, url, count)."""

    TEMPLATE: ClassVar[str] = "index.html"
    links: list[tuple[str, str, int]]


@dataclass(frozen=True)
class ObstaclesContext(PageContext):
    """Open obstacles, oldest first (`obstacles.html`, paged): rows of (obstacle, entry)."""

    TEMPLATE: ClassVar[str] = "obstacles.html"
    total: int
    rows: list[tuple[Obstacle, Entry]] = field(default_factory=list)
    pager: Pager | None = None


@dataclass(frozen=True)
class UnitsContext(PageContext):
    """The units by group (`units.html`): everything comes from `site`."""

    TEMPLATE: ClassVar[str] = "units.html"


@dataclass(frozen=True)
class UnitContext(PageContext):
    """One unit's figures and registrations by year (`unit.html`, paged)."""

    TEMPLATE: ClassVar[str] = "unit.html"
    unit: Unit
    figures: Figures
    status_chart: Markup
    status_kind: StatusKind
    sections: list[Section] = field(default_factory=list)
    pager: Pager | None = None


@dataclass(frozen=True)
class PersonsContext(PageContext):
    """Everyone with a registration (`persons.html`, paged): (person key, entries)."""

    TEMPLATE: ClassVar[str] = "persons.html"
    people: list[tuple[str, list[Entry]]] = field(default_factory=list)
    pager: Pager | None = None


@dataclass(frozen=True)
class PersonContext(PageContext):
    """One person's registrations across years (`person.html`, never paged)."""

    TEMPLATE: ClassVar[str] = "person.html"
    registrant: Registrant
    key: str
    sections: list[Section]
    figures: Figures
    status_chart: Markup
    status_kind: StatusKind
    year_pages: list[tuple[int, str]]  # (year, url) of each year's page for the self-review (persons.person_year_url)
    pager: Pager | None = None


@dataclass(frozen=True)
class PersonYearContext(PageContext):
    """One official's registrations of one year, for the self-review (`person-year.html`, printable A4 portrait)."""

    TEMPLATE: ClassVar[str] = "person-year.html"
    registrant: Registrant  # as registered last that year
    year: int
    units: list[Unit]  # every unit the person registered for that year
    entries: list[Entry]
    tallies: dict[str, Tally]  # registration id -> its row of the tally
    sentence: str  # derive.tally_sentence
    review_plans: list[tuple[Entry, str]]
    date_line: str
    province: str
    version: str  # the short commit the site is built from, "" outside git
    css: str


@dataclass(frozen=True)
class EvaluatorYearContext(PageContext):
    """The officials one body rates in a year, by unit (`evaluator-year.html`, printed as the meeting's packet)."""

    TEMPLATE: ClassVar[str] = "evaluator-year.html"
    evaluator: Evaluator
    year: int
    units: list[Any]  # evaluators.UnitOfficials
    headers: list[str]  # the tally's columns
    totals: list[int]  # per column, every official together
    registrations: int
    assessed: int
    year_over: bool  # as of a day after 31/12 of the year: what is not assessed is late
    unassessed: list[Entry]  # when the year is over, the registrations with no assessment
    date_line: str
    province: str
    css: str


@dataclass(frozen=True)
class RegistrationContext(PageContext):
    """One registration in the official form's order, with its history (`registration.html`)."""

    TEMPLATE: ClassVar[str] = "registration.html"
    entry: Entry
    form_fields: list[str]
    other_texts: list[str]  # free-text fields shown each under its label (registration.OTHER_TEXTS)
    part_title: str
    date_line: str
    history: RegistrationHistory
    history_known: bool
    history_withheld: bool
    describe: Callable[[Change], list[str]]
    moves: dict[int, Status]  # update index -> the status it moves from (Registration.status_moves)
    lacks_reason: bool  # paused, withdrawn or not completed with no update giving the reason


@dataclass(frozen=True)
class SubmitContext(PageContext):
    """The form for a new registration (`submit.html`): the form's items, the
    lists form.js offers (units, people …) and the labels it shows."""

    TEMPLATE: ClassVar[str] = "submit.html"
    items: list[Any]
    data: dict[str, Any]
    labels: dict[str, Any]


@dataclass(frozen=True)
class ReportIndexContext(PageContext):
    """The danh mục of each year (`report-index.html`): (year, url, count)."""

    TEMPLATE: ClassVar[str] = "report-index.html"
    years: list[tuple[int, str, int]]
    evaluator_years: list[tuple[str, int, str, int]]  # (evaluator's name, year, url, registrations); none in a public build


@dataclass(frozen=True)
class ReportContext(PageContext):
    """A year's printable danh mục (`report.html`), its own stylesheet and downloads."""

    TEMPLATE: ClassVar[str] = "report.html"
    year: int
    sections: list[Any]
    figures: Figures
    date_line: str
    province: str
    css: str
    downloads: list[tuple[str, str]]
    tally: Any  # tally.YearTally: the official tally of the year
    tally_headers: list[str]


@dataclass(frozen=True)
class DownloadsContext(PageContext):
    """The downloads of every year (`downloads.html`): (name, links, count, year)."""

    TEMPLATE: ClassVar[str] = "downloads.html"
    rows: list[tuple[str, list[tuple[str, str]], int, int | None]]
    report_url: Callable[[int], str]
    tally_links: list[tuple[int, list[tuple[str, str]]]]  # (year, [(label, href)]) of each year's tally (tong-hop-<year>.*)


PAGE_CONTEXTS: tuple[type[PageContext], ...] = (
    HomeContext, YearContext, ListContext, IndexContext, ObstaclesContext, UnitsContext, UnitContext,
    PersonsContext, PersonContext, PersonYearContext, EvaluatorYearContext, RegistrationContext, SubmitContext, ReportIndexContext, ReportContext,
    DownloadsContext,
)
