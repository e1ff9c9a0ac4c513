"""Atom feeds of changes: new registrations, status moves, resolved obstacles.

One feed for the site (`thay-doi.xml`) and one per unit
(`don-vi/<unit-id>/thay-doi.xml`), newest first, at most `FEED_SIZE` entries.
Dates come from the content where it has them (a registration's
`registered_on`, an obstacle's `resolved_on`) and from the git history for
what only git knows (status moves, or when a registration without
`registered_on` came into the repository).  Nothing depends on the clock: the
feed's own `updated` is its newest entry's, or the "as of" date when empty.
Links are relative to the feed's address, which Atom readers resolve.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..domain.content import Entry
from ..history.changes import status_label
from .output import SiteFile
from .pages.view import SiteView, registration_url, relative_url, unit_url

ATOM = "http://www.w3.org/2005/Atom"
FEED_NAME = "thay-doi.xml"
FEED_SIZE = 50
SITE_FEED_TITLE = "Thay đổi: đăng ký việc khó, việc mới đột phá"
FEED_AUTHOR = "Ban Tổ chức Tỉnh ủy"
_LOCAL_DAY = "T00:00:00+07:00"  # a content date is a day in Viet Nam


@dataclass(frozen=True)
class FeedItem:
    when: str  # RFC 3339
    key: str  # unique within the site: the entry's id is built from it
    title: str
    summary: str
    author: str
    entry: Entry

    @property
    def moment(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.when)


def feed_files(view: SiteView) -> list[SiteFile]:
    """The site's feed and one per unit, in a stable order."""
    items = sorted(feed_items(view), key=lambda i: (i.moment, i.key), reverse=True)
    files = [SiteFile(FEED_NAME, atom(view, items, "", SITE_FEED_TITLE))]
    by_unit: dict[str, list[FeedItem]] = {}
    for item in items:
        by_unit.setdefault(item.entry.registration.registrant.unit, []).append(item)
    for unit in view.content.units.values():
        own = by_unit.get(unit.id, [])
        files.append(SiteFile(unit_url(unit.id) + FEED_NAME, atom(view, own, unit_url(unit.id), f"Thay đổi: {unit.name}")))
    return files


def feed_items(view: SiteView) -> list[FeedItem]:
    items = []
    for entry in view.entries:
        items += _registered(view, entry) + _status_moves(view, entry) + _resolved(view, entry)
    return [i for i in items if i.moment.date() <= view.as_of]


def _registered(view: SiteView, entry: Entry) -> list[FeedItem]:
    r = entry.registration
    first = view.history.of(entry.id).first
    if r.registered_on is not None:
        when = r.registered_on.isoformat() + _LOCAL_DAY
    elif first is not None:
        when = first.commit.when
    else:
        return []
    summary = f"{r.registrant.name} ({view.unit_name(r.registrant.unit)}) đăng ký: {r.title}. {r.kind.label}."
    return [FeedItem(when, f"{entry.id}/dang-ky", f"Đăng ký mới: {r.title}", summary, r.registrant.name, entry)]


def _status_moves(view: SiteView, entry: Entry) -> list[FeedItem]:
    items = []
    for event in view.history.of(entry.id).events:
        if event.change.status:
            old, new = (status_label(s) for s in event.change.status)
            items.append(FeedItem(
                event.commit.when, f"{entry.id}/trang-thai/{event.commit.sha}",
                f"{new}: {entry.registration.title}", f"Trạng thái chuyển từ {old} sang {new}.",
                event.commit.author, entry,
            ))  # fmt: skip
    return items


def _resolved(view: SiteView, entry: Entry) -> list[FeedItem]:
    r = entry.registration
    return [
        FeedItem(
            o.resolved_on.isoformat() + _LOCAL_DAY, f"{entry.id}/vuong-mac/{n}",
            f"Tháo gỡ vướng mắc: {r.title}",
            f"Vướng mắc phát sinh ngày {o.raised_on.strftime('%d/%m/%Y')} đã được tháo gỡ ngày {o.resolved_on.strftime('%d/%m/%Y')}.",
            FEED_AUTHOR, entry,
        )  # fmt: skip
        for n, o in enumerate(r.obstacles, start=1)
        if o.resolved_on is not None
    ]


def atom(view: SiteView, items: list[FeedItem], page_url: str, title: str) -> bytes:
    """An Atom document for the feed that sits next to the page at `page_url`."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "vi"})
    shown = items[:FEED_SIZE]
    updated = shown[0].when if shown else view.as_of.isoformat() + _LOCAL_DAY
    _add(feed, "id", f"tag:dotpha,2024:{page_url or '/'}{FEED_NAME}")
    _add(feed, "title", title)
    _add(feed, "updated", updated)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": FEED_NAME})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": "./"})
    _add(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", FEED_AUTHOR)
    for item in shown:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _add(entry, "id", f"tag:dotpha,2024:{item.key}")
        _add(entry, "title", item.title)
        _add(entry, "updated", item.when)
        href = relative_url(registration_url(item.entry.id), page_url or "")
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": href})
        _add(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", item.author)
        _add(entry, "summary", item.summary)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _add(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element
