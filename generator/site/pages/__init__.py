"""Validated content → the site's generated pages, rendered with Jinja.

`site_pages` lists every page (cheap: no HTML yet); `PageRenderer` renders one
page on demand, so memory stays flat however many registrations there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from ...domain.content import Content
from ...domain.derive import Flag, deadline_text
from ...domain.schema import Kind, Outcome, Registration, Status, field_title
from ...domain.text import render_markdown, vn_date, vn_number, vn_percent
from ...history.timeline import KeptHistory
from .badges import FlagBadges, status_badge
from .listings import all_pages, home_page, kind_pages, overdue_pages, status_pages, year_pages
from .obstacles import obstacles_pages
from .persons import person_pages
from .registration import registration_pages
from .reports import board_pages
from .submit import form_page
from .units import unit_pages
from .view import PageSpec, SiteView, relative_url

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def site_pages(view: SiteView) -> list[PageSpec]:
    """Every generated page of the site, in a stable order."""
    return [
        home_page(view),
        *all_pages(view),
        *overdue_pages(view),
        *obstacles_pages(view),
        *unit_pages(view),
        *status_pages(view),
        *kind_pages(view),
        *year_pages(view),
        *person_pages(view),
        *registration_pages(view),
        form_page(view),
        *board_pages(view),
    ]


class PageRenderer:
    """Renders generated pages to HTML fragments (the body inside Material's layout)."""

    def __init__(self, content: Content, province: str = "", kept: Kept | None = None):
        kept = kept or Kept()
        self.view = SiteView(content, province, kept.history)
        self.markdown_kept = kept.markdown
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # a renderer lives for one build: no need to stat a template per page
        )
        self.env.filters.update(date=vn_date, deadline=deadline_text, number=vn_number, percent=vn_percent, markdown=self._markdown)
        self.env.globals.update(
            site=self.view, Status=Status, Kind=Kind, Flag=Flag, Outcome=Outcome, label=_label,
            status_badge=status_badge, flag_badges=FlagBadges(self.view),
        )

    def pages(self) -> list[PageSpec]:
        return site_pages(self.view)

    def render(self, page: PageSpec) -> str:
        template = self.env.get_template(page.template)
        href = lambda target: relative_url(target, page.url)  # noqa: E731
        return template.render(page=page, href=href, **page.context.fields())


    def _markdown(self, text: str | None) -> Markup:
        return Markup(render_markdown(text, self.markdown_kept)) if text else Markup("")


@dataclass
class Kept:
    """What one build leaves for the next of the same session (`dotpha serve`): the git
    history of the content (for the same commit) and the HTML of its Markdown texts.
    A build on its own keeps nothing: `markdown` None."""

    history: KeptHistory | None = None
    markdown: dict[str, str] | None = None


@lru_cache(maxsize=None)  # a handful of fields, asked on every page
def _label(field: str) -> str:
    return field_title(Registration, field) or field
