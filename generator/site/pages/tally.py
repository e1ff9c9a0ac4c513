"""The official tally of a year: for each unit group, unit and evaluator, the registrations in
each row of the reports' tally (derive.Tally), their total, and of them those whose deadline
was moved.  Every count carries the query that filters the registry to exactly those rows
(registry.js reads `year`, `group`, `unit`, `evaluator`, `tally`, `deadline`).

The danh mục, the dashboard and the downloads (tong-hop-<year>.csv/.xlsx) show it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from ...domain.content import Entry
from ...domain.derive import Tally
from ..exports import DOWNLOADS_DIR
from ..formulas import neutralised
from ..output import SiteFile
from ..xlsx import Sheet, workbook_bytes
from .view import SiteView

HEADERS = [*(row.heading for row in Tally), "Tổng số", "Trong đó có điều chỉnh thời hạn"]


@dataclass(frozen=True)
class Cell:
    count: int
    query: str  # the registry's query string for exactly these registrations


@dataclass(frozen=True)
class TallyLine:
    label: str
    level: str  # "group", "unit", "evaluator" or "total"
    cells: list[Cell]  # one per row of the tally, then the total, then the extended


@dataclass(frozen=True)
class YearTally:
    year: int
    by_unit: list[TallyLine]  # each group, then its units; the total last
    by_evaluator: list[TallyLine]  # each evaluator; the total last


def year_tally(view: SiteView, year: int) -> YearTally:
    entries = view.by_year.get(year, [])
    tallies = {e.id: view.tally(e) for e in entries}
    total = _line("Tổng cộng", "total", entries, tallies, [("year", year)])
    by_unit = []
    for group in view.content.groups:
        units = [u for u in view.units_of_group(group.id) if any(e.registration.registrant.unit == u.id for e in entries)]
        if not units:
            continue
        in_group = [e for e in entries if e.registration.registrant.unit in {u.id for u in units}]
        by_unit.append(_line(group.name, "group", in_group, tallies, [("year", year), ("group", group.id)]))
        for unit in units:
            own = [e for e in in_group if e.registration.registrant.unit == unit.id]
            by_unit.append(_line(unit.name, "unit", own, tallies, [("year", year), ("unit", unit.id)]))
    by_evaluator = [
        _line(evaluator.name, "evaluator", rated, tallies, [("year", year), ("evaluator", evaluator.id)])
        for evaluator in view.content.evaluators.values()
        if (rated := [e for e in entries if e.registration.evaluator == evaluator.id])
    ]
    return YearTally(year, [*by_unit, total], [*by_evaluator, total])


def _line(label: str, level: str, entries: list[Entry], tallies: dict[str, Tally], scope: list[tuple[str, object]]) -> TallyLine:
    counts = Counter(tallies[e.id] for e in entries)
    extended = sum(1 for e in entries if e.registration.schedule.extensions)
    cells = [Cell(counts[row], urlencode([*scope, ("tally", row.value)])) for row in Tally]
    cells += [Cell(len(entries), urlencode(scope)), Cell(extended, urlencode([*scope, ("deadline", "extended")]))]
    return TallyLine(label, level, cells)


def tally_rows(tally: YearTally) -> list[list[object]]:
    """The tally as a table for the downloads: a header, then one row per line, the counts as numbers."""
    kinds = {"group": "Nhóm đơn vị", "unit": "Đơn vị", "evaluator": "Cấp đánh giá", "total": "Tổng cộng"}
    lines = [*tally.by_unit, *tally.by_evaluator]
    return [["Theo", "Tên", *HEADERS], *([kinds[line.level], line.label, *(cell.count for cell in line.cells)] for line in lines)]


TALLY_FORMATS = (("xlsx", "Excel (XLSX)"), ("csv", "CSV (UTF-8)"))


def tally_download(year: int, extension: str) -> str:
    return f"{DOWNLOADS_DIR}/tong-hop-{year}.{extension}"


def tally_files(view: SiteView) -> list[SiteFile]:
    """`tai-ve/tong-hop-<year>.csv` and `.xlsx`: each year's tally (a family of files.offered_files)."""
    files = []
    for year in view.content.years:
        header, *rows = tally_rows(year_tally(view, year))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows([[neutralised(str(value)) for value in row] for row in (header, *rows)])
        files.append(SiteFile(tally_download(year, "csv"), ("\ufeff" + buffer.getvalue()).encode("utf-8")))
        sheet = Sheet(f"Tổng hợp năm {year}", header, [14, 40, *([12] * (len(header) - 2))], rows)
        moment = dt.datetime.combine(view.as_of, dt.time())
        files.append(SiteFile(tally_download(year, "xlsx"), workbook_bytes([sheet], moment, creator="dotpha")))
    return files
