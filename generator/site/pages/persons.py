"""One page per person: all of their registrations across years; and one page per
person and year, what the official writes about that year in the self-review."""

from __future__ import annotations

from ...domain.content import Entry
from ...domain.derive import tally_sentence
from ...domain.text import fold
from .contexts import PersonContext, PersonsContext, PersonYearContext
from .dashboard import status_chart_of
from .paging import Section, paged
from .documents import REPORT_CSS, administrative_date, file_href
from .view import PageSpec, SiteView, person_url


def person_year_url(key: str, year: int) -> str:
    return f"{person_url(key)}{year}/"


def person_pages(view: SiteView) -> list[PageSpec]:
    people = sorted(view.by_person.items(), key=lambda item: sort_name(item[1][0].registration.registrant.name))
    index = PageSpec(url="can-bo/", title="Theo cán bộ", context=PersonsContext(), in_nav=True)
    pages = paged(index, people, lambda part: {"people": part})
    for key, entries in people:
        years = by_year(entries)
        latest = entries[0].registration.registrant
        chart, counts = status_chart_of(entries, f"Số đăng ký của {latest.name} theo trạng thái và loại, mọi năm")
        pages.append(
            PageSpec(
                url=person_url(key),
                title=latest.name,
                context=PersonContext(
                    registrant=latest,
                    key=key,
                    sections=[Section("", entries, len(entries))],
                    figures=view.figures(entries),
                    status_chart=chart,
                    status_kind=counts,
                    year_pages=[(year, person_year_url(key, year)) for year, _ in years],
                ),
            )
        )
        pages += [_person_year_page(view, key, year, of_year) for year, of_year in years]
    return pages


def person_year(view: SiteView, key: str, year: int) -> PersonYearContext | None:
    """What `can-bo/<key>/<year>/` shows (also written as a Word document by `dotpha summary`)."""
    of_year = dict(by_year(view.by_person.get(key, []))).get(year)
    return _person_year_page(view, key, year, of_year).context if of_year else None


def by_year(entries: list[Entry]) -> list[tuple[int, list[Entry]]]:
    years = sorted({e.registration.year for e in entries})
    return [(year, sorted((e for e in entries if e.registration.year == year), key=lambda e: e.id)) for year in years]


def _person_year_page(view: SiteView, key: str, year: int, entries: list[Entry]) -> PageSpec:
    registrations = [e.registration for e in entries]
    url = person_year_url(key, year)
    unit_ids = list(dict.fromkeys(r.registrant.unit for r in registrations))
    return PageSpec(
        url=url,
        title=f"{registrations[-1].registrant.name}: kết quả năm {year}",
        context=PersonYearContext(
            registrant=registrations[-1].registrant,
            year=year,
            units=[view.content.units[u] for u in unit_ids],
            entries=entries,
            tallies={e.id: view.tally(e) for e in entries},
            sentence=tally_sentence(registrations, view.as_of),
            review_plans=[(e, text) for e in entries if (text := getattr(e.registration, "review_plan", None))],  # the field may go
            date_line=administrative_date(view.province, view.as_of, view.as_of.year),
            province=view.province,
            version=view.history.head[:7],
            css=file_href(REPORT_CSS, url),
        ),
    )


def sort_name(name: str) -> tuple[str, str]:
    """Vietnamese lists sort by given name (the last word), then the full name."""
    folded = fold(name)
    return (folded.rsplit(" ", 1)[-1], folded)
