"""The MkDocs plugin: wires MkDocs events to the domain steps, nothing else.

on_config    → the content folder and the "as of" date
on_pre_build → load and validate everything (before MkDocs cleans site_dir,
               so invalid content leaves the previous site alone)
               and apply the build profile (public: internal parts left out)
on_files     → add the generated pages, in memory; in a dirty build (`dotpha serve`)
               mark unmodified those whose output would not change (rebuild.py)
on_env       → remove what the previous build wrote and this one will not
on_page_*    → render our pages with our own templates
on_env       → (also) the filter theme/main.html spells đ-words for the search index with
on_post_build→ index the built site for search (Pagefind); a partial rebuild keeps the
               previous index (see `partial_rebuild`)
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files, InclusionLevel

from .asof import resolve_as_of
from .content import load_content
from .versions import VERSIONS_FILE, versions_json
from .files import offered_files, page_data_files
from .pages import PageRenderer, PageSpec
from .problems import ContentError, Problem
from .rebuild import GeneratedFile, Rebuild
from .profile import DEFAULT_PUBLIC_HIDDEN_FIELDS, Profile, ProfileError, check_hidden_fields, content_for, resolve_profile
from .text import keep_rendered_markdown
from .search import SHARD_PAGES, SearchIndexer, SearchIndexError, folded_d_words, is_indexed

ENV_CONTENT = "DOTPHA_CONTENT"
ENV_AS_OF = "DOTPHA_AS_OF"
ENV_LANG = "DOTPHA_LANG"
ENV_PROFILE = "DOTPHA_PROFILE"
ENV_LAST_YEAR = "DOTPHA_LAST_YEAR"  # set by `dotpha snapshot`: later year folders are left out

_log = logging.getLogger("mkdocs.plugins.dotpha")


class DotphaConfig(Config):
    content_dir = c.Type(str, default="content")
    as_of = c.Optional(c.Type(str))
    profile = c.Choice([p.value for p in Profile], default=Profile.internal.value)
    public_hidden_fields = c.ListOfItems(c.Type(str), default=list(DEFAULT_PUBLIC_HIDDEN_FIELDS))
    closed_years = c.ListOfItems(c.Type(int), default=[])  # `dotpha diff` warns on changes to these years
    province = c.Type(str, default="")  # "Sơn Hà": the header and date line of the danh mục and forms
    search_shard_pages = c.Type(int, default=SHARD_PAGES)  # pages per Pagefind run (its memory: ~0.2 MB a page)


class DotphaPlugin(BasePlugin[DotphaConfig]):
    def __init__(self):
        self.renderer: PageRenderer | None = None
        self.generated: dict[str, PageSpec] = {}
        self.rebuild = Rebuild()  # survives `serve` rebuilds: the instance is kept (on_startup)
        self.indexer: SearchIndexer | None = None  # during a full build

    @property
    def partial_rebuild(self) -> bool:
        """This build rewrites only the pages that changed (a dirty `serve` rebuild): a step
        that reads every page of site_dir (the search index) should keep its previous output."""
        return self.rebuild.partial

    def on_startup(self, *, command, dirty):
        """Defined so MkDocs keeps one plugin instance across `serve` rebuilds."""
        if dirty:  # our dirty builds are exact: MkDocs' warning that they are not would mislead
            logging.getLogger("mkdocs.commands.build").addFilter(_without_dirty_warning)
        if command == "serve":
            keep_rendered_markdown()

    def on_config(self, config):
        base = Path(config.config_file_path or ".").resolve().parent
        self.content_dir = base / os.environ.get(ENV_CONTENT, self.config.content_dir)
        self.as_of = resolve_as_of(os.environ.get(ENV_AS_OF) or self.config.as_of)
        config.extra["dotpha_as_of"] = self.as_of.strftime("%d/%m/%Y")
        try:
            self.profile = resolve_profile(os.environ.get(ENV_PROFILE) or self.config.profile)
        except ProfileError as error:
            raise PluginError(str(error)) from None
        problems = check_hidden_fields(self.config.public_hidden_fields)
        if problems:
            raise PluginError("\n".join(problems))
        config.extra["dotpha_profile"] = self.profile.value  # theme/main.html marks the public site
        return config

    def on_pre_build(self, config):
        try:
            last_year = os.environ.get(ENV_LAST_YEAR)
            content = load_content(self.content_dir, self.as_of, last_year=int(last_year) if last_year else None)
        except ContentError as error:
            raise PluginError("Nội dung có lỗi, không dựng trang:\n" + error.report(os.environ.get(ENV_LANG, "vi"))) from None
        # Before any page or file exists, so everything downstream sees only what the profile shows.
        self.renderer = PageRenderer(content_for(self.profile, content, self.config.public_hidden_fields))
        self.renderer.view.province = self.config.province

    def on_files(self, files: Files, config) -> Files:
        settings = (str(self.content_dir), self.as_of.isoformat(), self.profile.value, os.environ.get(ENV_LAST_YEAR, ""))
        self.rebuild.start(config, files, *settings)
        problems = self._add_pages(files, config) + self._add_site_files(files, config)
        if config.extra.get("version") and not config.extra.get("dotpha_archive"):
            # Material's year selector fetches it from every page; `dotpha build` adds the archived years.
            self._add_file(files, config, VERSIONS_FILE, versions_json([]))
        if problems:
            raise PluginError(ContentError(problems).report())
        _log.info(self.rebuild.summary())
        return files

    def _add_pages(self, files: Files, config) -> list[Problem]:
        self.generated = {}
        problems = []
        for spec in self.renderer.pages():
            existing = files.get_file_from_path(spec.src_uri)
            if existing is not None:
                problems.append(Problem.at(spec.src_uri, (1, 1), "", "same_url", url=spec.url, other=existing.src_path))
                continue
            inclusion = InclusionLevel.UNDEFINED if spec.in_nav else InclusionLevel.NOT_IN_NAV
            page = GeneratedFile.generated(config, spec.src_uri, content=" ", inclusion=inclusion)
            self.rebuild.add_page(page, spec, self.renderer.render)
            files.append(page)
            self.generated[spec.src_uri] = spec
        return problems

    def _add_site_files(self, files: Files, config) -> list[Problem]:
        view = self.renderer.view
        # A partial rebuild leaves the downloads and feeds as they are, to a background thread (on_post_build).
        offered = [] if self.rebuild.partial else offered_files(view)
        problems = []
        for extra in page_data_files(view) + offered:
            if files.get_file_from_path(extra.path) is not None:
                problems.append(Problem.at(extra.path, (1, 1), "", "same_url", url=extra.path, other=extra.path))
                continue
            self._add_file(files, config, extra.path, extra.content)
        if self.rebuild.partial:
            for kept in self.rebuild.offered_as_they_are(config):
                files.append(kept)
        else:
            self.rebuild.offer(offered)
        return problems

    def _add_file(self, files: Files, config, path: str, content: str | bytes) -> None:
        file = GeneratedFile.generated(config, path, content=content)
        self.rebuild.add_file(file, content.encode("utf-8") if isinstance(content, str) else content)
        files.append(file)

    @event_priority(-100)  # once every plugin has added its files
    def on_env(self, env, config, files):
        self.rebuild.remove_stale(files)
        env.filters["folded_d_words"] = folded_d_words
        # The search index is written while pages are (on_post_page), after MkDocs has
        # cleaned the site folder. A partial rebuild (`dotpha serve` after a save) keeps
        # the previous index: edited pages are found by their previous text until the
        # next full build (a restart of serve), as indexing costs ~2 ms CPU a page.
        if not self.partial_rebuild:
            self.indexer = SearchIndexer(Path(config.site_dir), self.config.search_shard_pages)
        return env

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
        # Our pages are rendered in on_page_context, one at a time just before their
        # template, and dropped once written: MkDocs keeps the content of every page
        # from here until all are written (hundreds of MB at 20,000 registrations).
        return content if page.file.src_uri not in self.generated else ""

    @event_priority(100)  # before any other plugin reads page.content
    def on_page_context(self, context, page, config, nav):
        spec = self.generated.get(page.file.src_uri)
        if spec is not None:
            page.content = self.rebuild.body(spec, self.renderer.render)
        return context

    @event_priority(-100)  # the page as written: after every other plugin (privacy) has changed it
    def on_post_page(self, output, page, config):
        if page.file.src_uri in self.generated:
            page.content = None  # written; nothing reads it again
        if self.indexer is not None and is_indexed(output):
            self.indexer.add(page.file.dest_uri)
        return output

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, config):
        if self.indexer is not None:
            try:
                self.indexer.finish()
            except SearchIndexError as error:
                raise PluginError(str(error)) from None
            finally:
                self.indexer.close()
                self.indexer = None
        self.rebuild.finish()
        if self.partial_rebuild:
            view = self.renderer.view
            self.rebuild.write_later(lambda: offered_files(view))

    def on_build_error(self, error):
        self.rebuild.failed()
        if self.indexer is not None:
            self.indexer.close()
            self.indexer = None

    def on_shutdown(self):
        self.rebuild.stop()  # MkDocs removes the served folder next

    def on_serve(self, server, config, builder):
        server.watch(str(self.content_dir))
        return server


def _without_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")
