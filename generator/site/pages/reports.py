"""The Organization Board's documents: the compiled list (danh mục) of each
year and the downloads page.

The danh mục is laid out as a Vietnamese administrative document (Party header,
place and date line, Times New Roman) and printed with
`theme/assets/print-report.css`, which only these pages link: A4 landscape,
page numbers in the page margin. The registration form (Đơn đăng ký) is the
registration page itself seen through `#don` (pages/registration.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...domain.content import Entry
from ..exports import FORMATS, download_name
from .contexts import DownloadsContext, ReportContext, ReportIndexContext
from .documents import REPORT_CSS, administrative_date, file_href
from .evaluators import evaluator_pages, evaluator_url, evaluator_years
from .tally import HEADERS as TALLY_HEADERS
from .tally import TALLY_FORMATS, tally_download, year_tally
from .view import PageSpec, SiteView


def report_url(year: int) -> str:
    return f"danh-muc/{year}/"


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")


# ---------------------------------------------------------------- the danh mục


@dataclass
class UnitRows:
    name: str
    rows: list[tuple[int, Entry]] = field(default_factory=list)


@dataclass
class GroupRows:
    number: str
    name: str
    units: list[UnitRows] = field(default_factory=list)


@dataclass
class EvaluatorRows:
    letter: str
    name: str
    groups: list[GroupRows] = field(default_factory=list)


def report_sections(view: SiteView, entries: list[Entry]) -> list[EvaluatorRows]:
    """Evaluator, then unit group, then unit, in the order of units.yml; rows numbered 1..N."""
    content = view.content
    unit_order = {unit_id: index for index, unit_id in enumerate(content.units)}
    sections: list[EvaluatorRows] = []
    number = 0
    for evaluator in content.evaluators.values():
        chosen = [e for e in entries if e.registration.evaluator == evaluator.id]
        if not chosen:
            continue
        section = EvaluatorRows(chr(ord("A") + len(sections)), evaluator.name)
        for group in content.groups:
            in_group = [e for e in chosen if content.units[e.registration.registrant.unit].group == group.id]
            if not in_group:
                continue
            group_rows = GroupRows(ROMAN[len(section.groups) % len(ROMAN)], group.name)
            for entry in sorted(in_group, key=lambda e: (unit_order[e.registration.registrant.unit], e.id)):
                unit_name = content.units[entry.registration.registrant.unit].name
                if not group_rows.units or group_rows.units[-1].name != unit_name:
                    group_rows.units.append(UnitRows(unit_name))
                number += 1
                group_rows.units[-1].rows.append((number, entry))
            section.groups.append(group_rows)
        sections.append(section)
    return sections


def report_pages(view: SiteView) -> list[PageSpec]:
    """The danh mục index (in the nav) and one danh mục per year."""
    years = view.content.years
    index = PageSpec(
        url="danh-muc/",
        title="Danh mục đăng ký (bản in)",
        context=ReportIndexContext(
            years=[(y, report_url(y), len(view.by_year[y])) for y in years],
            evaluator_years=[(ev.name, year, evaluator_url(ev.id, year), len(rated)) for ev, year, rated in evaluator_years(view)],
        ),
        in_nav=True,
    )
    return [index, *(_year_report(view, year) for year in years)]


def _year_report(view: SiteView, year: int) -> PageSpec:
    url = report_url(year)
    entries = view.by_year[year]
    return PageSpec(
        url=url,
        title=f"Danh mục đăng ký năm {year}",
        context=ReportContext(
            year=year,
            sections=report_sections(view, entries),
            figures=view.figures(entries),
            date_line=administrative_date(view.province, view.as_of, year),
            province=view.province,
            css=file_href(REPORT_CSS, url),
            downloads=_download_links(year, url),
            tally=year_tally(view, year),
            tally_headers=TALLY_HEADERS,
        ),
    )


def _download_links(year: int | None, current: str) -> list[tuple[str, str]]:
    return [(label, file_href(download_name(year, extension), current)) for extension, label in FORMATS]


# ---------------------------------------------------------------- downloads


def downloads_page(view: SiteView) -> PageSpec:
    url = "tai-ve/"
    rows = [("Tất cả các năm", None, len(view.entries))] + [(f"Năm {y}", y, len(view.by_year[y])) for y in view.content.years]
    return PageSpec(
        url=url,
        title="Tải về danh sách đăng ký",
        context=DownloadsContext(
            rows=[(name, _download_links(year, url), count, year) for name, year, count in rows],
            report_url=report_url,
            tally_links=[(y, [(label, file_href(tally_download(y, ext), url)) for ext, label in TALLY_FORMATS]) for y in view.content.years],
        ),
        in_nav=True,
    )


def board_pages(view: SiteView) -> list[PageSpec]:
    """Every page of this module, in a stable order."""
    return [*report_pages(view), *evaluator_pages(view), downloads_page(view)]
