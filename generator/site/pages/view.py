"""What every page template receives: the validated content seen as of a date.

`SiteView` answers the questions templates ask (a unit's name, a registration's
flags, where a person's page is) so that templates hold no logic of their own.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from ...domain.content import Content, Entry
from ...domain.derive import Flag, Tally, days_overdue, figures_of, flags_of, tally_of
from ...domain.profile import PublicContent
from ...domain.schema import Kind, Registrant, Status
from ...domain.text import slugify
from ...history.timeline import History, KeptHistory, load_history


def registration_url(reg_id: str) -> str:
    return f"dang-ky/{reg_id}/"


def unit_url(unit_id: str) -> str:
    return f"don-vi/{unit_id}/"


def status_url(status: Status) -> str:
    return f"trang-thai/{slugify(status.label)}/"


def kind_url(kind: Kind) -> str:
    return f"loai/{slugify(kind.short_label)}/"


def year_url(year: int) -> str:
    return f"nam/{year}/"


def person_url(key: str) -> str:
    return f"can-bo/{key}/"


def person_key(registrant: Registrant) -> str:
    """A person's stable id, or one made from their name and unit."""
    return registrant.person or f"{slugify(registrant.name)}-{registrant.unit}"


def src_uri(url: str) -> str:
    """The virtual source file of a page URL: `dang-ky/x/` → `dang-ky/x.md`."""
    return "index.md" if url == "" else url.rstrip("/") + (".md" if url.count("/") > 1 else "/index.md")


def relative_url(target: str, current: str) -> str:
    """A link from the page at `current` to the page at `target`, both site-relative."""
    if ".." in target or ".." in current or target.startswith("/") or current.startswith("/"):
        return _relative_url_slow(target, current)
    # Segment by segment, as posixpath.relpath does, without its abspath calls
    # (each asks the OS for the working folder): list pages make many thousands of links.
    to = [part for part in target.split("/") if part and part != "."]
    here = [part for part in current.split("/") if part and part != "."]
    common = 0
    while common < min(len(to), len(here)) and to[common] == here[common]:
        common += 1
    path = "/".join([".."] * (len(here) - common) + to[common:])
    return path + "/" if path else "./"


def _relative_url_slow(target: str, current: str) -> str:
    start = current.rstrip("/") or "."
    path = posixpath.relpath(target.rstrip("/") or ".", start)
    return "./" if path == "." else path + "/"


@dataclass(frozen=True)
class PageContext:
    """What one page's template receives: the base of each page kind's dataclass (contexts.py)."""

    TEMPLATE: ClassVar[str] = ""

    def fields(self) -> dict[str, Any]:
        """The template's variables: the fields, not copied (asdict would copy every entry)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass
class PageSpec:
    """A generated page: where it lives, its title and what its template receives
    (contexts.py: the context's class names the template)."""

    url: str
    title: str
    context: PageContext | None = None
    in_nav: bool = False
    searchable: bool = False

    @property
    def template(self) -> str:
        return self.context.TEMPLATE if self.context is not None else ""

    @property
    def src_uri(self) -> str:
        return src_uri(self.url)


class SiteView:
    """The content as the templates see it, as of the content's date."""

    def __init__(self, content: Content, province: str = "", kept_history: KeptHistory | None = None):
        self.content = content
        self.as_of = content.as_of
        self.province = province  # the province's name for the Board's documents: the plugin's `province` option
        self._kept_history = kept_history

    @property
    def entries(self) -> list[Entry]:
        return self.content.entries

    def unit_name(self, unit_id: str) -> str:
        return self.content.units[unit_id].name

    def evaluator_name(self, evaluator_id: str) -> str:
        return self.content.evaluators[evaluator_id].name

    def flags(self, entry: Entry) -> list[Flag]:
        return flags_of(entry.registration, self.as_of)

    def tally(self, entry: Entry) -> Tally:
        return tally_of(entry.registration, self.as_of)

    def days_overdue(self, entry: Entry) -> int:
        return days_overdue(entry.registration, self.as_of)

    def figures(self, entries: list[Entry]):
        return figures_of([e.registration for e in entries], self.as_of)

    def with_flag(self, entries: list[Entry], flag: Flag) -> list[Entry]:
        return [e for e in entries if flag in self.flags(e)]

    @cached_property
    def history(self) -> History:
        """Every registration's history from git, read once per build."""
        if isinstance(self.content, PublicContent):  # old versions and commit messages may hold what is hidden
            return History(withheld=True)
        return load_history(self.content.root, self.as_of, self._kept_history)

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    @cached_property
    def continued_by(self) -> dict[str, list[Entry]]:
        """The registrations that carry each one over into a later year (`continues`)."""
        return _grouped([e for e in self.entries if e.registration.continues], lambda e: e.registration.continues)

    @cached_property
    def by_unit(self) -> dict[str, list[Entry]]:
        return _grouped(self.entries, lambda e: e.registration.registrant.unit)

    @cached_property
    def by_person(self) -> dict[str, list[Entry]]:
        return _grouped(self.entries, lambda e: person_key(e.registration.registrant))

    @cached_property
    def by_year(self) -> dict[int, list[Entry]]:
        return _grouped(self.entries, lambda e: e.registration.year)

    def units_of_group(self, group_id: str):
        return [u for u in self.content.units.values() if u.group == group_id]

    @property
    def current_year(self) -> int:
        years = self.content.years
        return self.as_of.year if self.as_of.year in years or not years else years[0]

    # URLs, for templates
    registration_url = staticmethod(lambda entry: registration_url(entry.id))
    unit_url = staticmethod(unit_url)
    status_url = staticmethod(status_url)
    kind_url = staticmethod(kind_url)
    year_url = staticmethod(year_url)
    person_url = staticmethod(lambda entry: person_url(person_key(entry.registration.registrant)))


def _grouped(entries: list[Entry], key) -> dict:
    groups: dict[Any, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[key(entry)].append(entry)
    return dict(groups)
