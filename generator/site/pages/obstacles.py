"""Open obstacles awaiting support, oldest first, grouped by who is asked."""

from __future__ import annotations

from .contexts import ObstaclesContext
from .paging import paged
from .view import PageSpec, SiteView


def obstacles_pages(view: SiteView) -> list[PageSpec]:
    rows = [
        (obstacle, entry)
        for entry in view.entries
        for obstacle in entry.registration.obstacles
        if obstacle.is_open
    ]
    rows.sort(key=lambda row: (row[0].raised_on, row[1].id))
    first = PageSpec(url="vuong-mac/", title="Vướng mắc chờ hỗ trợ", context=ObstaclesContext(total=len(rows)), in_nav=True)
    return paged(first, rows, lambda part: {"rows": part})
