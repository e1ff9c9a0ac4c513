"""The MkDocs plugin: wires MkDocs events to the domain steps, nothing else.

on_config    → the content folder and the "as of" date
on_pre_build → load and validate everything (before MkDocs cleans site_dir,
               so invalid content leaves the previous site alone)
on_files     → add the generated pages, in memory
on_page_*    → render our pages with our own templates
on_post_build→ fold the search index so that `quang ngai` finds `Quảng Ngãi`
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from .asof import resolve_as_of
from .content import load_content
from .files import site_files
from .pages import PageRenderer, PageSpec
from .problems import ContentError, Problem
from .search import fold_search_index

ENV_CONTENT = "DOTPHA_CONTENT"
ENV_AS_OF = "DOTPHA_AS_OF"
ENV_LANG = "DOTPHA_LANG"


class DotphaConfig(Config):
    content_dir = c.Type(str, default="content")
    as_of = c.Optional(c.Type(str))


class DotphaPlugin(BasePlugin[DotphaConfig]):
    def __init__(self):
        self.renderer: PageRenderer | None = None
        self.generated: dict[str, PageSpec] = {}

    def on_startup(self, *, command, dirty):
        """Defined so MkDocs keeps one plugin instance across `serve` rebuilds."""

    def on_config(self, config):
        base = Path(config.config_file_path or ".").resolve().parent
        self.content_dir = base / os.environ.get(ENV_CONTENT, self.config.content_dir)
        self.as_of = resolve_as_of(os.environ.get(ENV_AS_OF) or self.config.as_of)
        config.extra["dotpha_as_of"] = self.as_of.strftime("%d/%m/%Y")
        return config

    def on_pre_build(self, config):
        try:
            content = load_content(self.content_dir, self.as_of)
        except ContentError as error:
            raise PluginError("Nội dung có lỗi, không dựng trang:\n" + error.report(os.environ.get(ENV_LANG, "vi"))) from None
        self.renderer = PageRenderer(content)

    def on_files(self, files: Files, config) -> Files:
        self.generated = {}
        problems = []
        for spec in self.renderer.pages():
            existing = files.get_file_from_path(spec.src_uri)
            if existing is not None:
                problems.append(Problem.at(spec.src_uri, (1, 1), "", "same_url", url=spec.url, other=existing.src_path))
                continue
            inclusion = InclusionLevel.UNDEFINED if spec.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, spec.src_uri, content=" ", inclusion=inclusion))
            self.generated[spec.src_uri] = spec
        for extra in site_files(self.renderer.view):
            if files.get_file_from_path(extra.path) is not None:
                problems.append(Problem.at(extra.path, (1, 1), "", "same_url", url=extra.path, other=extra.path))
                continue
            files.append(File.generated(config, extra.path, content=extra.content))
        if problems:
            raise PluginError(ContentError(problems).report())
        return files

    def on_page_markdown(self, markdown, page, config, files):
        spec = self.generated.get(page.file.src_uri)
        if spec is None:
            return markdown
        page.meta["title"] = html.escape(spec.title, quote=False)
        page.meta["hide"] = ["toc"]  # our pages carry no Markdown headings for a table of contents
        if not spec.searchable:
            page.meta["search"] = {"exclude": True}
        return ""

    def on_page_content(self, content, page, config, files):
        spec = self.generated.get(page.file.src_uri)
        return content if spec is None else self.renderer.render(spec)

    @event_priority(-100)
    def on_post_build(self, config):
        index = Path(config.site_dir) / "search" / "search_index.json"
        if index.is_file():
            fold_search_index(index)

    def on_serve(self, server, config, builder):
        server.watch(str(self.content_dir))
        return server
