"""Lists of registrations: all, by status, by kind, by year, overdue."""

from __future__ import annotations

import dataclasses

from ...domain.derive import Flag
from ...domain.schema import Kind, Status
from .contexts import HomeContext, IndexContext, ListContext, YearContext
from .dashboard import dashboard_of
from .paging import paged, paged_sections
from .view import PageSpec, SiteView, kind_url, status_url, year_url


def home_page(view: SiteView) -> PageSpec:
    """The dashboard of the current year, with links to the other years' dashboards."""
    year = view.current_year
    entries = view.by_year.get(year, [])
    return PageSpec(
        url="",
        title="Tổng quan",
        context=HomeContext(d=dashboard_of(view, entries, year), years=view.content.years, all_figures=view.figures(view.entries)),
        in_nav=True,
    )


def all_pages(view: SiteView) -> list[PageSpec]:
    """The registry: every registration as plain tables by year, which
    registry.js turns into a filterable table fed by registry.json (page 1)."""
    sections = [(f"Năm {year}", view.by_year[year]) for year in view.content.years]
    first, *others = _list("dang-ky/", "Danh sách đăng ký", sections, in_nav=True)
    registry = dataclasses.replace(first.context, registry="registry.json")  # site/registry.py REGISTRY_PATH, beside this page
    return [dataclasses.replace(first, context=registry), *others]


def status_pages(view: SiteView) -> list[PageSpec]:
    pages = [_index("trang-thai/", "Theo trạng thái", [(s.label, status_url(s), _count(view, lambda e, s=s: e.registration.status is s)) for s in Status])]
    for status in Status:
        chosen = [e for e in view.entries if e.registration.status is status]
        pages += _list(status_url(status), f"Trạng thái: {status.label}", _by_year(view, chosen))
    return pages


def kind_pages(view: SiteView) -> list[PageSpec]:
    pages = [_index("loai/", "Theo loại", [(k.label, kind_url(k), _count(view, lambda e, k=k: e.registration.kind is k)) for k in Kind])]
    for kind in Kind:
        chosen = [e for e in view.entries if e.registration.kind is kind]
        pages += _list(kind_url(kind), kind.label, _by_year(view, chosen))
    return pages


def year_pages(view: SiteView) -> list[PageSpec]:
    pages = [_index("nam/", "Theo năm", [(f"Năm {y}", year_url(y), len(view.by_year[y])) for y in view.content.years])]
    for year in view.content.years:
        entries = view.by_year[year]
        context = YearContext(d=dashboard_of(view, entries, year), years=view.content.years, total=len(entries))
        first = PageSpec(url=year_url(year), title=f"Năm {year}", context=context)
        pages += paged(first, entries, lambda part: {"entries": part})
    return pages


def overdue_pages(view: SiteView) -> list[PageSpec]:
    sections = [
        (Flag.overdue.label, view.with_flag(view.entries, Flag.overdue)),
        (Flag.due_soon.label, view.with_flag(view.entries, Flag.due_soon)),
    ]
    return _list("qua-han/", "Quá hạn và sắp đến hạn", sections, in_nav=True, empty_sections=True)


def _by_year(view: SiteView, entries) -> list:
    return [(f"Năm {year}", [e for e in entries if e.registration.year == year]) for year in view.content.years]


def _count(view: SiteView, predicate) -> int:
    return sum(1 for e in view.entries if predicate(e))


def _list(url: str, title: str, sections: list, in_nav: bool = False, empty_sections: bool = False) -> list[PageSpec]:
    kept = sections if empty_sections else [(name, rows) for name, rows in sections if rows]
    return paged_sections(PageSpec(url=url, title=title, context=ListContext(), in_nav=in_nav), kept)


def _index(url: str, title: str, links: list) -> PageSpec:
    return PageSpec(url=url, title=title, context=IndexContext(links), in_nav=True)
