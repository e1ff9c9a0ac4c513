"""The units index, grouped by unit group, and one page per unit (old units kept)."""

from __future__ import annotations

from .contexts import UnitContext, UnitsContext
from .dashboard import status_chart_of
from .paging import paged_sections
from .view import PageSpec, SiteView, unit_url


def unit_pages(view: SiteView) -> list[PageSpec]:
    index = PageSpec(url="don-vi/", title="Theo đơn vị", context=UnitsContext(), in_nav=True)
    pages = [index]
    for unit in view.content.units.values():
        entries = view.by_unit.get(unit.id, [])
        sections = [(f"Năm {y}", [e for e in entries if e.registration.year == y]) for y in view.content.years]
        chart, counts = status_chart_of(entries, f"Số đăng ký của {unit.name} theo trạng thái và loại, mọi năm")
        first = PageSpec(
            url=unit_url(unit.id),
            title=unit.name,
            context=UnitContext(unit=unit, figures=view.figures(entries), status_chart=chart, status_kind=counts),
        )
        pages += paged_sections(first, [s for s in sections if s[1]])
    return pages
