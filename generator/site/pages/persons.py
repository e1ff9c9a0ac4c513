"""One page per person: all of their registrations across years."""

from __future__ import annotations

from ...domain.text import fold
from .contexts import PersonContext, PersonsContext
from .dashboard import status_chart_of
from .paging import Section, paged
from .view import PageSpec, SiteView, person_url


def person_pages(view: SiteView) -> list[PageSpec]:
    people = sorted(view.by_person.items(), key=lambda item: _sort_name(item[1][0].registration.registrant.name))
    index = PageSpec(url="can-bo/", title="Theo cán bộ", context=PersonsContext(), in_nav=True)
    pages = paged(index, people, lambda part: {"people": part})
    for key, entries in people:
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
                ),
            )
        )
    return pages


def _sort_name(name: str) -> tuple[str, str]:
    """Vietnamese lists sort by given name (the last word), then the full name."""
    folded = fold(name)
    return (folded.rsplit(" ", 1)[-1], folded)
