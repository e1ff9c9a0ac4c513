"""The theme's page shell, rendered once per kind of page and filled by joining strings.

Material renders `main.html` (with theme/ overrides) around every page: head,
header, navigation, footer, scripts.  For the pages dotpha generates outside
the navigation, all of that is the same for every page of one kind below one
parent folder: the same relative asset paths, the same navigation (none of
them is in it, so no item is active), the same header and footer.  Only the
title, the address, the body and the words search needs for đ differ.

So each `Shell` is rendered once, through the engine's real template and the
plugins' page events, for a stand-in page whose title, address, body and
search words are tokens; a page is then the shell with its tokens replaced by
that page's values, escaped as the template escapes them.  The pages that
share a shell are those whose `ShellKey` is equal: it holds everything else
the templates look at (the parent folder, and whether the body has an `<h1>`,
the page is searchable, it has đ-words).

`tests/engine/test_shell.py` builds the demo both ways (every page through the
full template, and through shells) on both engines and compares every page
byte for byte.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from markupsafe import Markup, escape
from mkdocs.commands.build import get_context
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page

from ..site.pages.view import PageSpec

# Tokens the template passes through unchanged (letters and digits only: no filter changes them).
TITLE = "dpshellQtitleQ7c1"  # page.meta.title: the title as HTML text
TITLE_TEXT = "dpshellQtitletextQ7c1"  # page.meta.dotpha_title_text, written `| e` in <title> and feed titles
NAME = "dpshellQnameQ7c1"  # the page's own folder, the last part of its address
BODY = "dpshellQbodyQ7c1"  # page.content
FOLDED = "dpshellQfoldedQ7c1"  # page.meta.dotpha_folded: the đ-words of the body, spelled with d
TOKENS = (TITLE_TEXT, TITLE, NAME, BODY, FOLDED)


@dataclass(frozen=True)
class ShellKey:
    """What the templates see of a page besides its tokens."""

    parent: str  # the address of the folder the page is in: "dang-ky/" for "dang-ky/2025-stc-01/"
    searchable: bool
    has_h1: bool  # Material writes the title as <h1> when the body has none
    has_folded: bool


def page_meta(spec: PageSpec, body: str, folded: str) -> dict:
    """The metadata the templates read of a generated page, whichever way it is rendered."""
    title = html.escape(spec.title, quote=False)
    meta = {
        "title": title,
        "dotpha_title_text": Markup(title).striptags(),  # what `| striptags` made of it
        "hide": ["toc"],  # our pages carry no Markdown headings for a table of contents
        "dotpha_folded": folded,
    }
    if not spec.searchable:
        meta["search"] = {"exclude": True}
    return meta


def shell_key(spec: PageSpec, body: str, folded: str) -> ShellKey:
    return ShellKey(_parent(spec.url), spec.searchable, "<h1" in body, bool(folded))


def _parent(url: str) -> str:
    head, _, _ = url.rstrip("/").rpartition("/")
    return f"{head}/" if head else ""


def _name(url: str) -> str:
    return url.rstrip("/").rpartition("/")[2]


class Shell:
    """One rendered shell: the page as literal strings between tokens."""

    def __init__(self, output: str, stand_in: Page | None = None):
        self.stand_in = stand_in  # the page it was rendered for, which the plugins see with each body
        self.parts: list[str] = []  # literal, token, literal, token, ..., literal
        rest = output
        while True:
            found = [(rest.find(token), token) for token in TOKENS if token in rest]
            if not found:
                self.parts.append(rest)
                break
            at, token = min(found)
            self.parts += [rest[:at], token]
            rest = rest[at + len(token):]
        if self.parts.count(BODY) != 1:
            raise ShellError(f"the page template writes the body {self.parts.count(BODY)} times, not once")

    def fill(self, spec: PageSpec, body: str, folded: str) -> str:
        meta = page_meta(spec, body, folded)
        values = {
            TITLE: meta["title"],
            TITLE_TEXT: str(escape(meta["dotpha_title_text"])),
            NAME: _name(spec.url),
            BODY: body,
            FOLDED: folded,
        }
        parts = self.parts
        return "".join([part if index % 2 == 0 else values[part] for index, part in enumerate(parts)])


class ShellError(Exception):
    """A template the shell cannot stand in for (a bug to fix in theme/ or here)."""


class Shells:
    """The shells of one build, rendered on first use with the engine's template and plugins."""

    def __init__(self, config, env, nav, files):
        self.config, self.env, self.nav = config, env, nav
        self.doc_files = files.documentation_pages()
        self._shells: dict[ShellKey, Shell] = {}
        self.rendering = False  # the plugin's page events skip the stand-in page

    def page_html(self, spec: PageSpec, body: str, folded: str) -> str:
        key = shell_key(spec, body, folded)
        shell = self._shells.get(key)
        if shell is None:
            shell = self._shells[key] = Shell(*self._render(key))
        return shell.fill(spec, self._post_page(body, shell.stand_in), folded)

    def _post_page(self, body: str, stand_in: Page) -> str:
        """The body as the plugins' `on_post_page` leaves it (Material's privacy plugin rewrites
        every external link): on a page it sees the whole page, here the shell and the body
        apart, which is the same for a plugin that changes tags one at a time."""
        self.rendering = True
        try:
            return self.config.plugins.on_post_page(body, page=stand_in, config=self.config)
        finally:
            self.rendering = False

    def __len__(self) -> int:
        return len(self._shells)

    def _render(self, key: ShellKey) -> tuple[str, Page]:
        """The stand-in page through the template, as MkDocs' build renders a page."""
        stand_in = PageSpec(url=f"{key.parent}{NAME}/", title=TITLE, searchable=key.searchable)
        file = File.generated(self.config, stand_in.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
        page = Page(None, file, self.config)
        page.meta = page_meta(stand_in, "", FOLDED if key.has_folded else "")
        page.meta.update(title=TITLE, dotpha_title_text=TITLE_TEXT)
        page.content = BODY if not key.has_h1 else f"<h1></h1>{BODY}"
        render_page(page, self.config, self.env, self.nav, self.doc_files, self)
        output = page.output
        if key.has_h1:
            output = output.replace(f"<h1></h1>{BODY}", BODY, 1)
        return output, page


def render_page(page: Page, config, env, nav, doc_files, shells: Shells) -> None:
    """Render one page as MkDocs' `_build_page` does (context, plugins, template), into `page.output`."""
    config._current_page = page
    page.active = True
    shells.rendering = True
    try:
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        output = template.render(context)
        page.output = config.plugins.on_post_page(output, page=page, config=config)
    finally:
        shells.rendering = False
        page.active = False
        config._current_page = None
