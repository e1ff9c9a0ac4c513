"""What the Board's printable documents share: their stylesheet, the place and date line, file links."""

from __future__ import annotations

import datetime as dt
import posixpath

REPORT_CSS = "assets/print-report.css"


def file_href(target: str, current: str) -> str:
    """A link from the page at `current` to a file (not a page: no trailing slash)."""
    return posixpath.relpath(target, current.rstrip("/") or ".")


def administrative_date(place: str, day: dt.date | None, year: int) -> str:
    """`Sơn Hà, ngày 05 tháng 02 năm 2025`: a zero before days under 10 and months 1 and 2
    (the rule for dates of administrative documents); dots when the day is unknown."""
    place = place or "......"
    if day is None:
        return f"{place}, ngày ... tháng ... năm {year}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
