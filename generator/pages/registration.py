"""One page per registration, in the order of the official form."""

from __future__ import annotations

from ..history import describe_for
from ..schema import form_fields
from .view import PageSpec, SiteView, registration_url


def registration_pages(view: SiteView) -> list[PageSpec]:
    return [
        PageSpec(
            url=registration_url(entry.id),
            title=entry.registration.title,
            template="registration.html",
            context={
                "entry": entry,
                "form_fields": form_fields(entry.registration.kind),
                "history": view.history.of(entry.id),
                "history_known": view.history.available,
                "history_withheld": view.history.withheld,
                "describe": describe_for(view),
            },
            searchable=True,
        )
        for entry in view.entries
    ]
