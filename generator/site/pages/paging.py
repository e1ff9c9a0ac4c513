"""Long lists split into pages of PAGE_ROWS rows, so that a page's size and its
build cost stay the same however many registrations a province keeps.

Page 1 keeps the list's address (`trang-thai/hoan-thanh/`); the next ones are
`trang-thai/hoan-thanh/trang-2/` … , out of the nav and of search. A list made
of sections (by year, overdue / due soon) keeps its headings on every page it
spans, with the section's full count and "(tiếp theo)" where it goes on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .view import PageSpec

PAGE_ROWS = 100


@dataclass(frozen=True)
class Pager:
    """Where a page sits in its list: `links` is what the pager shows."""

    base: str
    number: int
    count: int

    def url(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}trang-{number}/"

    @property
    def links(self) -> list[int | None]:
        """The first, the last and two on each side of this page; None marks a gap."""
        shown = sorted({1, self.count, *range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)})
        links: list[int | None] = []
        for previous, number in zip([0, *shown], shown):
            if number - previous > 1:
                links.append(None)
            links.append(number)
        return links


@dataclass(frozen=True)
class Section:
    name: str
    entries: list
    total: int
    continued: bool = False


def paged(first: PageSpec, rows: list, context_of) -> list[PageSpec]:
    """`first` with its context's rows replaced by `context_of(rows of this page)`, repeated for every PAGE_ROWS rows."""
    parts = [rows[start : start + PAGE_ROWS] for start in range(0, len(rows), PAGE_ROWS)] or [[]]
    pages = []
    for number, part in enumerate(parts, start=1):
        pager = Pager(first.url, number, len(parts))
        context = dataclasses.replace(first.context, **context_of(part), pager=pager)
        if number == 1:
            pages.append(dataclasses.replace(first, context=context))
        else:
            title = f"{first.title} (trang {number}/{len(parts)})"
            pages.append(PageSpec(url=pager.url(number), title=title, context=context))
    return pages


def paged_sections(first: PageSpec, sections: list[tuple[str, list]]) -> list[PageSpec]:
    """A list in sections, paged: an empty section takes one row to say so."""
    rows = [
        (name, len(entries), entry, index == 0)
        for name, entries in sections
        for index, entry in enumerate(entries or [None])
    ]
    return paged(first, rows, lambda part: {"sections": _regrouped(part)})


def _regrouped(rows: list) -> list[Section]:
    sections: list[Section] = []
    for name, total, entry, starts_section in rows:
        if not sections or sections[-1].name != name:
            sections.append(Section(name, [], total, continued=not starts_section))
        if entry is not None:
            sections[-1].entries.append(entry)
    return sections
