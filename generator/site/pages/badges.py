"""The badges of a status and of a registration's flags, as HTML: called for every row of
every list, so plain functions (a Jinja macro call costs ten times more)."""

from __future__ import annotations

from markupsafe import Markup, escape

from ...domain.content import Entry
from ...domain.derive import Flag
from ...domain.schema import Status
from .view import SiteView

_STATUS_BADGES = {status: Markup(f'<span class="dp-badge dp-s-{escape(status.value)}">{escape(status.label)}</span>') for status in Status}


def status_badge(status: Status) -> Markup:
    return _STATUS_BADGES[status]


class FlagBadges:
    """flag_badges(entry): a space, then a badge, for each flag of the registration as of the site's date."""

    def __init__(self, view: SiteView):
        self.view = view
        self._made: dict[str, Markup] = {}  # by registration id: each is in several lists

    def __call__(self, entry: Entry) -> Markup:
        made = self._made.get(entry.id)
        if made is None:
            made = self._made[entry.id] = Markup("").join(self._badge(entry, flag) for flag in self.view.flags(entry))
        return made

    def _badge(self, entry: Entry, flag: Flag) -> Markup:
        days = f" {self.view.days_overdue(entry)} ngày" if flag is Flag.overdue else ""
        return Markup(f' <span class="dp-badge dp-f-{escape(flag.value)}">{escape(flag.label)}{days}</span>')
