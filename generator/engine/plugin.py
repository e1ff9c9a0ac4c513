"""The MkDocs plugin: wires MkDocs events to the domain steps, nothing else.

on_config    → the build's settings: handed over by `dotpha build` / `serve`
               (engine/build.py), or made from site_config.yml's options
on_pre_build → the content: handed over, or loaded and validated here (before
               MkDocs cleans site_dir, so invalid content leaves the previous site
               alone); then the build profile (public: internal parts left out)
on_files     → add the generated pages, in memory; in a dirty build (`dotpha serve`)
               mark unmodified those whose output would not change (rebuild.py)
on_env       → remove what the previous build wrote and this one will not
on_page_*    → render our pages with our own templates
on_env       → (also) the filter theme/main.html spells đ-words for the search index with
on_post_build→ index the built site for search (Pagefind); a partial rebuild keeps the
               previous index (see `partial_rebuild`)
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.utils import get_build_date

from ..domain.asof import AsOfError, resolve_as_of
from ..domain.content import Content, load_content
from ..domain.filecache import RegistrationFiles
from ..domain.problems import ContentError, Problem
from ..domain.profile import DEFAULT_PUBLIC_HIDDEN_FIELDS, Profile, ProfileError, check_hidden_fields, content_for, resolve_profile
from ..domain.settings import BuildSettings
from ..history.timeline import KeptHistory
from ..site.files import offered_files, page_data_files
from ..site.pages import Kept, PageRenderer, PageSpec
from ..site.search import SHARD_PAGES, SearchIndexer, SearchIndexError, SearchShards, folded_d_words, is_indexed, update_index
from ..site.versions import VERSIONS_FILE, versions_json
from . import engine_logger
from .rebuild import GeneratedFile, Rebuild
from .shell import Shells, page_meta

_log = logging.getLogger(engine_logger("plugins.dotpha"))


class DotphaConfig(Config):
    content_dir = c.Type(str, default="content")
    as_of = c.Optional(c.Type(str))
    profile = c.Choice([p.value for p in Profile], default=Profile.internal.value)
    public_hidden_fields = c.ListOfItems(c.Type(str), default=list(DEFAULT_PUBLIC_HIDDEN_FIELDS))
    closed_years = c.ListOfItems(c.Type(int), default=[])  # `dotpha diff` warns on changes to these years
    province = c.Type(str, default="")  # "Sơn Hà": the header and date line of the danh mục and forms
    search_shard_pages = c.Type(int, default=SHARD_PAGES)  # pages per Pagefind run (its memory: ~0.2 MB a page)
    # Generated pages outside the navigation are the theme's shell filled by joining strings
    # (engine/shell.py); false: each goes through MkDocs' page pipeline and the full template.
    page_shell = c.Type(bool, default=True)


class ServeSession:
    """What the builds of one `serve` session keep for the next: the registrations found
    valid (re-read only when their file changes), the git history, the HTML of the
    Markdown texts, and what the last build wrote (engine/rebuild.py)."""

    def __init__(self) -> None:
        self.files = RegistrationFiles()
        self.kept = Kept(history=KeptHistory(), markdown={})
        self.rebuild = Rebuild()
        self.search: SearchShards | None = None  # the index's shards as the last build left them
        self.search_update: threading.Thread | None = None  # after a partial rebuild: the shards it changed

    def wait(self) -> None:
        """Until the work the last build left to the background is done."""
        self.rebuild.wait()
        if self.search_update is not None:
            self.search_update.join()
            self.search_update = None


@dataclass
class Handover:
    """What `dotpha build` and `serve` give the plugin instead of site_config.yml's options:
    their settings, the content they validated, and for `serve` its session."""

    settings: BuildSettings
    content: Content | None = None  # loaded and validated already: not loaded again
    session: ServeSession | None = None


class DotphaPlugin(BasePlugin[DotphaConfig]):
    def __init__(self):
        self.handover: Handover | None = None  # set by engine/build.py for one build or serve
        self.session: ServeSession | None = None  # while serving: kept across rebuilds (on_startup)
        self.settings: BuildSettings | None = None
        self.renderer: PageRenderer | None = None
        self.generated: dict[str, PageSpec] = {}
        self.rebuild = Rebuild()
        self.indexer: SearchIndexer | None = None  # during a full build
        self.nav = None
        self.shells: Shells | None = None
        self.all_generated: dict[str, PageSpec] = {}

    @property
    def partial_rebuild(self) -> bool:
        """This build rewrites only the pages that changed (a dirty `serve` rebuild): a step
        that reads every page of site_dir (the search index) should keep its previous output."""
        return self.rebuild.partial

    def on_startup(self, *, command, dirty):
        """Defined so MkDocs keeps one plugin instance across `serve` rebuilds."""
        if dirty:  # our dirty builds are exact: MkDocs' warning that they are not would mislead
            logging.getLogger(engine_logger("commands.build")).addFilter(_without_dirty_warning)
        self.session = None
        if command == "serve":
            handed = self.handover.session if self.handover else None
            self.session = handed or ServeSession()

    def on_shutdown(self):
        if self.session is not None:
            self.session.rebuild.stop()  # MkDocs removes the served folder next
            if self.session.search_update is not None:
                self.session.search_update.join()
        self.session = None

    def on_config(self, config):
        try:
            self.settings = self.handover.settings if self.handover else settings_from_config(config, self.config)
        except (AsOfError, ProfileError) as error:
            raise PluginError(str(error)) from None
        problems = check_hidden_fields(self.config.public_hidden_fields)
        if problems:
            raise PluginError("\n".join(problems))
        config.extra["dotpha_as_of"] = self.settings.as_of.strftime("%d/%m/%Y")
        config.extra["dotpha_profile"] = self.settings.profile.value  # theme/main.html marks the public site
        if self.session:
            self.session.wait()
        self.rebuild = self.session.rebuild if self.session else Rebuild()
        self._indexed_by_engine: list[str] = []  # pages MkDocs built that search indexes
        return config

    def on_pre_build(self, config):
        content = self._content()
        # Before any page or file exists, so everything downstream sees only what the profile shows.
        shown = content_for(self.settings.profile, content, self.config.public_hidden_fields)
        self.renderer = PageRenderer(shown, self.config.province, self.session.kept if self.session else None)

    def _content(self) -> Content:
        """The content this build shows: the one handed over for the first build, loaded after that."""
        handed = self.handover.content if self.handover else None
        if handed is not None:
            self.handover.content = None  # a `serve` rebuild after a save reads the files again
            return handed
        settings = self.settings
        try:
            files = self.session.files if self.session else None
            return load_content(settings.content_dir, settings.as_of, settings.last_year, files)
        except ContentError as error:
            raise PluginError("Nội dung có lỗi, không dựng trang:\n" + error.report(settings.lang)) from None

    def on_files(self, files: Files, config) -> Files:
        settings = self.settings
        self.rebuild.start(config, files, str(settings.content_dir), settings.as_of.isoformat(), settings.profile.value, str(settings.last_year or ""))
        problems = self._add_pages(files, config) + self._add_site_files(files, config)
        if config.extra.get("version") and not config.extra.get("dotpha_archive"):
            # Material's year selector fetches it from every page; `dotpha build` adds the archived years.
            self._add_file(files, config, VERSIONS_FILE, versions_json([]))
        if problems:
            raise PluginError(ContentError(problems).report())
        _log.info(self.rebuild.summary())
        return files

    def _add_pages(self, files: Files, config) -> list[Problem]:
        self.generated = {}  # the pages MkDocs builds (in the navigation, or page_shell: false), by src_uri
        self.all_generated = {}  # every generated page, in order, by src_uri
        problems = []
        shell_pages: list[ShellPageFile] = []
        for spec in self.renderer.pages():
            existing = files.get_file_from_path(spec.src_uri)
            if existing is not None:
                problems.append(Problem.at(spec.src_uri, (1, 1), "", "same_url", url=spec.url, other=existing.src_path))
                continue
            if spec.in_nav or not self.config.page_shell:
                inclusion = InclusionLevel.UNDEFINED if spec.in_nav else InclusionLevel.NOT_IN_NAV
                page = GeneratedFile.generated(config, spec.src_uri, content=" ", inclusion=inclusion)
                self.generated[spec.src_uri] = spec
                files.append(page)
            else:  # written by on_env's shells when MkDocs copies the site's files
                page = ShellPageFile.generated(config, spec.url + "index.html", content=b"")
                page.spec, page.write_page = spec, self._write_shell_page
                shell_pages.append(page)
            self.rebuild.add_page(page, spec, self.renderer.render)
            self.all_generated[spec.src_uri] = spec
        # The pages search indexes are written first: Pagefind indexes them while the rest are.
        shell_pages.sort(key=lambda page: not page.spec.searchable)
        for page in shell_pages:
            files.append(page)
        self._searchable_left = sum(page.spec.searchable for page in shell_pages)
        return problems

    def on_template_context(self, context, template_name, config):
        if template_name == "sitemap.xml":
            context["pages"] = self._sitemap_pages(context["pages"], config)
        return context

    def _sitemap_pages(self, pages, config) -> list:
        """The pages of the site in the sitemap: MkDocs lists its own; the pages written from
        shells join them where MkDocs would have listed them (after the free pages, in order)."""
        own = {file.src_uri: file for file in pages}
        listed = [file for file in pages if file.src_uri not in self.all_generated]
        for uri, spec in self.all_generated.items():
            listed.append(own[uri] if uri in own else _SitemapEntry.of(spec, config))
        return listed

    def _write_shell_page(self, file: ShellPageFile) -> None:
        spec = file.spec
        body = self.rebuild.body(spec, self.renderer.render)
        output = self.shells.page_html(spec, body, _folded(spec, body))
        folder = os.path.dirname(file.abs_dest_path)
        if folder not in self._folders_made:  # a makedirs per page costs more than the write
            os.makedirs(folder, exist_ok=True)
            self._folders_made.add(folder)
        with open(file.abs_dest_path, "wb") as out:  # as MkDocs writes a page
            out.write(output.encode("utf-8", errors="xmlcharrefreplace"))
        if self.indexer is not None and spec.searchable:
            self.indexer.add(file.dest_uri, output)
            self._searchable_left -= 1
            if self._searchable_left == 0:  # the rest have nothing to index: Pagefind can start now
                self.indexer.flush(at_least=self.config.search_shard_pages // 5)

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

    @property
    def _rendering_shell(self) -> bool:
        return self.shells is not None and self.shells.rendering

    def on_nav(self, nav, config, files):
        self.nav = nav
        return nav

    @event_priority(-100)  # once every plugin has added its files
    def on_env(self, env, config, files):
        self.rebuild.remove_stale(files)
        env.filters["folded_d_words"] = folded_d_words  # for the pages written by hand
        self.shells = Shells(config, env, self.nav, files)
        self._folders_made: set[str] = set()
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
        page.meta.update(page_meta(spec, "", ""))
        return ""

    def on_page_content(self, content, page, config, files):
        # Our pages are rendered in on_page_context, one at a time just before their
        # template, and dropped once written: MkDocs keeps the content of every page
        # from here until all are written (hundreds of MB at 20,000 registrations).
        return content if page.file.src_uri not in self.generated else ""

    @event_priority(100)  # before any other plugin reads page.content
    def on_page_context(self, context, page, config, nav):
        spec = None if self._rendering_shell else self.generated.get(page.file.src_uri)
        if spec is not None:
            page.content = self.rebuild.body(spec, self.renderer.render)
            page.meta["dotpha_folded"] = _folded(spec, page.content)
        return context

    @event_priority(-100)  # the page as written: after every other plugin (privacy) has changed it
    def on_post_page(self, output, page, config):
        if self._rendering_shell:  # a shell, not a page of the site
            return output
        if page.file.src_uri in self.generated:
            page.content = None  # written; nothing reads it again
        if is_indexed(output):
            self._indexed_by_engine.append(page.file.dest_uri)
            if self.indexer is not None:
                self.indexer.add(page.file.dest_uri, output)
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
            if self.session:
                self.session.search = self.indexer.index
            self.indexer = None
        self.rebuild.finish()
        if self.renderer.view.history.unreadable:
            _log.warning(f"dotpha: không đọc được lịch sử git, trang không có lịch sử thay đổi: {self.renderer.view.history.unreadable}")
        if self.partial_rebuild:
            view = self.renderer.view
            self.rebuild.write_later(lambda: offered_files(view))
            self._update_search_later(config)

    def _update_search_later(self, config) -> None:
        """After a partial rebuild: index again, in the background, the shards whose pages changed,
        so that search finds what was just saved without a restart of `serve`."""
        session = self.session
        if session is None or session.search is None:
            return
        generated = [spec.url + "index.html" for spec in self.all_generated.values() if spec.searchable]
        written_by_hand = [path for path in self._indexed_by_engine if path not in set(generated)]  # always rebuilt
        paths = generated + written_by_hand
        site_dir, shard_pages = Path(config.site_dir), self.config.search_shard_pages

        def update() -> None:
            try:
                update_index(site_dir, session.search, paths, shard_pages)
            except (OSError, SearchIndexError) as error:
                _log.error(f"dotpha: không cập nhật được chỉ mục tìm kiếm: {error}")
                session.search = None  # the next full build (a restart) makes it again

        session.search_update = threading.Thread(target=update, name="dotpha: chỉ mục tìm kiếm", daemon=True)
        session.search_update.start()

    def on_build_error(self, error):
        self.rebuild.failed()
        if self.indexer is not None:
            self.indexer.close()
            self.indexer = None

    def on_serve(self, server, config, builder):
        server.watch(str(self.settings.content_dir))
        _watch_natively(server)
        return server


def settings_from_config(config, options: DotphaConfig) -> BuildSettings:
    """The settings of a build MkDocs runs on its own (`mkdocs build -f site_config.yml`):
    the plugin's options; the as-of date from `as_of`, else SOURCE_DATE_EPOCH, else today."""
    config_file = Path(config.config_file_path or "site_config.yml").resolve()
    return BuildSettings(
        content_dir=config_file.parent / options.content_dir,
        as_of=resolve_as_of(options.as_of),
        profile=resolve_profile(options.profile),
        site_dir=Path(config.site_dir),
        strict=bool(config.strict),
        config_file=config_file,
    )


@dataclass(frozen=True)
class _SitemapEntry:
    """What MkDocs' sitemap.xml reads of a file (`file.page`), for a page written from a shell."""

    page: SimpleNamespace

    @classmethod
    def of(cls, spec: PageSpec, config) -> _SitemapEntry:
        base = config.site_url
        if not base:
            return cls(SimpleNamespace(is_link=False, abs_url=None, canonical_url=None, update_date=None))
        canonical = urljoin(base if base.endswith("/") else base + "/", spec.url)
        return cls(SimpleNamespace(is_link=False, abs_url=urlsplit(canonical).path, canonical_url=canonical, update_date=get_build_date()))


class ShellPageFile(GeneratedFile):
    """A generated page outside the navigation, written as a file from its shell
    (engine/shell.py) when MkDocs copies the site's files: MkDocs builds no page for it."""

    spec: PageSpec
    write_page: Callable[[ShellPageFile], None]

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        self.write_page(self)


def _watch_natively(server) -> None:
    """Let the operating system report changes (inotify on Linux) instead of MkDocs' polling
    observer, which looks at every watched file twice a second: at 20,000 registrations that
    is a core's worth of work while nobody types.  The watches are moved before the server
    starts its observer; a server without these attributes keeps its own."""
    from watchdog.observers import Observer

    paths, observer = getattr(server, "_watched_paths", None), getattr(server, "observer", None)
    if paths is None or observer is None or observer.is_alive():
        return
    watched = dict(paths)
    for path, count in watched.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = Observer()
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)


def _folded(spec: PageSpec, body: str) -> str:
    """The đ-words of a searchable page, spelled with d, for its search metadata."""
    return folded_d_words(body) if spec.searchable else ""


def _without_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")
