"""Exact partial rebuilds for `dotpha serve`: rewrite only what would come out different.

MkDocs' dirty builds (what `dotpha serve` runs after each save) leave the site
folder as it was and skip every page whose `file.is_modified()` is false.  A
regular file compares its modification time with its output's; a generated
page has no source file, so MkDocs always rebuilds it.  Here a generated file
is unmodified when its fingerprint is the one the previous build in this
process wrote:

- a page: the site-wide key, its title and search setting, and the hash of its
  body rendered with our templates (cheap next to Material's page template).
  The body covers whatever the page shows, so list, unit, person and dashboard
  pages that depend on many registrations need no dependency tracking;
- a data file (registry.json, downloads, feeds): the hash of its bytes.

Pages that may be in the navigation (generated or free, a handful) are rewritten
by every build: the navigation takes its titles from them.

The site-wide key covers what reaches every page besides its body: the config
file, the "as of" date, the profile, the theme folder and the free pages
(their text can change the navigation).  When it changes, every page is
rewritten.  Outputs of the previous build that this build does not produce
(a deleted or renamed registration) are removed, so the served site never
shows them; pages written by a build that then failed are not trusted.

The files no page reads (downloads and feeds, `files.offered_files`) cost more
than the pages a save changes: a partial rebuild makes them in a background
thread once the build is over, so the browser reloads without waiting for
them, and writes those whose bytes changed.  The next build waits for it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from mkdocs.structure.files import File, Files

from ..site.output import SiteFile
from ..site.pages import PageSpec
from . import engine_logger

log = logging.getLogger(engine_logger("plugins.dotpha"))


class GeneratedFile(File):
    """A file made in memory whose `is_modified` is decided by `Rebuild`."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


def _digest(*parts: str | bytes) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little") + data)
    return hasher.digest()


class Rebuild:
    """What the last build in this process wrote, and what this build may skip."""

    def __init__(self) -> None:
        self.site_dir: str | None = None
        self.site_key: bytes | None = None  # the site-wide key of the last build that completed
        self.written: dict[str, bytes] = {}  # src_uri → fingerprint of the generated file in site_dir
        self.outputs: set[str] = set()  # every file the last build wrote into site_dir
        self.offered: list[str] = []  # src_uri of the files no page reads, as last written
        self.partial = False  # this build rewrites only what changed (the search index stays as it was)
        self._later: threading.Thread | None = None  # writing the files no page reads, after a partial build
        self._writes = threading.Lock()  # held by that thread while it writes one file
        self._stopped = False  # the server stopped: the thread writes nothing more
        self._key = b""
        self._fresh: dict[str, bytes] = {}  # fingerprints of the generated files this build writes
        self._current: set[str] = set()
        self._bodies: dict[str, str] = {}  # bodies rendered to judge a page, kept until it is written
        self._unchanged = 0
        self._writing = False

    # ------------------------------------------------------------- on_files

    def start(self, config, files: Files, *settings: str) -> None:
        """Decide between a partial and a full build; `settings` are the plugin's resolved options."""
        self.wait()
        self._stopped = False
        site_dir = config.site_dir
        dirty = _holds_a_build(site_dir)  # a clean build has emptied it by now
        if not dirty or site_dir != self.site_dir:
            self.written, self.outputs, self.offered, self.site_key = {}, set(), [], None
        self._key = _site_key(config, files, settings)
        self.partial = self.site_key == self._key
        if dirty:
            _age_free_pages(files)
        self.site_dir = site_dir
        self._fresh, self._current, self._bodies, self._unchanged = {}, set(), {}, 0
        self._writing = False

    def add_page(self, file: GeneratedFile, spec: PageSpec, render: Callable[[PageSpec], str]) -> None:
        """Mark a generated page unmodified when its HTML would be the one written before.
        A page that may be in the navigation is always rewritten (see `_age_free_pages`)."""
        self._current.add(spec.src_uri)  # pages are known by their spec's src_uri, however written
        before = self.written.get(spec.src_uri) if self.partial and not spec.in_nav else None
        if before is None:
            return
        body = render(spec)
        if _page_fingerprint(self._key, spec, body) == before:
            file.modified = False
            self._unchanged += 1
        else:
            self._bodies[spec.src_uri] = body

    def add_file(self, file: GeneratedFile, content: bytes) -> None:
        """Mark a generated data file unmodified when its bytes are the ones written before."""
        self._current.add(file.src_uri)
        self._fresh[file.src_uri] = fingerprint = _digest(content)
        file.modified = self.written.get(file.src_uri) != fingerprint
        self._unchanged += not file.modified

    def summary(self) -> str:
        """One line for the `serve` log: how much of the site this build rewrites."""
        if not self.partial:
            return f"dotpha: dựng toàn bộ {len(self._current)} trang và tệp."
        changed = len(self._current) - self._unchanged
        return f"dotpha: dựng lại {changed} trang và tệp đã đổi, giữ nguyên {self._unchanged}."

    # ------------------------------------------------------------- on_env

    def remove_stale(self, files: Files) -> None:
        """Remove what the last build wrote and this one will not (a deleted registration's page)."""
        self._writing = True
        outputs = {file.abs_dest_path for file in files if file.inclusion.is_in_serve()}
        for path in sorted(self.outputs - outputs):
            _remove(path, self.site_dir)
        self.outputs = outputs

    # ------------------------------------------------------------- pages

    def body(self, spec: PageSpec, render: Callable[[PageSpec], str]) -> str:
        """The body of a page about to be written, and its fingerprint noted."""
        body = self._bodies.pop(spec.src_uri, None)
        if body is None:
            body = render(spec)
        self._fresh[spec.src_uri] = _page_fingerprint(self._key, spec, body)
        return body

    # ------------------------------------------------------------- end

    def finish(self) -> None:
        """The build completed: what it wrote is what the next one compares with."""
        written = {**self.written, **self._fresh}
        self.written = {uri: written[uri] for uri in self._current if uri in written}
        self.site_key = self._key
        self._bodies, self._writing = {}, False

    def failed(self) -> None:
        """A build failed: if it had started writing, trust nothing it left."""
        if self._writing:
            self.written, self.site_key = {}, None
        self._bodies, self._writing, self.partial = {}, False, False

    # ------------------------------------------------------------- files no page reads

    def offer(self, made: list[SiteFile]) -> None:
        """A full build wrote these files that no page reads (downloads, feeds)."""
        self.offered = [file.path for file in made]

    def offered_as_they_are(self, config) -> list[GeneratedFile]:
        """In a partial build, the files no page reads as the last build left them, for MkDocs
        to know (a free page may link to them) but not write: the background thread will."""
        kept = []
        for uri in self.offered:
            file = GeneratedFile.generated(config, uri, abs_src_path=_in(self.site_dir, uri))
            file.modified = False
            self._current.add(uri)
            self._unchanged += 1
            kept.append(file)
        return kept

    def write_later(self, make: Callable[[], list[SiteFile]]) -> None:
        """After a partial build: make the files no page reads in the background, write those that changed."""
        self._later = threading.Thread(target=self._write_offered, args=(make,), name="dotpha: tải về, luồng tin", daemon=True)
        self._later.start()

    def wait(self) -> None:
        """Until the files of the last partial build are written."""
        if self._later is not None:
            self._later.join()
            self._later = None

    def stop(self) -> None:
        """The server stops and removes its folder: write nothing more into it, now."""
        with self._writes:
            self._stopped = True

    def _write_offered(self, make: Callable[[], list[SiteFile]]) -> None:
        try:
            made = make()
            for file in made:
                fingerprint = _digest(file.content)
                with self._writes:
                    if self._stopped:
                        return
                    if self.written.get(file.path) != fingerprint:
                        _write_atomically(_in(self.site_dir, file.path), file.content)
                        self.written[file.path] = fingerprint
            paths = [file.path for file in made]
            for gone in set(self.offered) - set(paths):
                with self._writes:
                    if self._stopped:
                        return
                    _remove(_in(self.site_dir, gone), self.site_dir)
                    self.written.pop(gone, None)
            self.outputs = (self.outputs - {_in(self.site_dir, uri) for uri in self.offered}) | {_in(self.site_dir, uri) for uri in paths}
            self.offered = paths
        except Exception as error:  # noqa: BLE001  the build is over: say so, and build everything next time
            log.error(f"dotpha: không ghi được tệp tải về và luồng tin: {error!r}")
            self.written, self.site_key = {}, None


def _page_fingerprint(key: bytes, spec: PageSpec, body: str) -> bytes:
    return _digest(key, spec.title, repr((spec.searchable, spec.in_nav)), body)


def _site_key(config, files: Files, settings: tuple[str, ...]) -> bytes:
    """What reaches every page besides its body."""
    parts: list[str | bytes] = [*settings, config.site_dir, config.site_url or ""]
    if config.config_file_path:
        parts.append(Path(config.config_file_path).read_bytes())
    if config.theme.custom_dir:
        parts += _tree_stamp(Path(config.theme.custom_dir))
    for file in files.documentation_pages(inclusion=lambda _: True):
        if file.generated_by is None and file.abs_src_path:
            parts += [file.src_uri, Path(file.abs_src_path).read_bytes()]
    return _digest(*parts)


def _tree_stamp(folder: Path) -> list[str]:
    """Each file below `folder` with its size and modification time (theme templates and assets)."""
    stamps = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            stat = os.stat(os.path.join(root, name))
            stamps.append(f"{os.path.join(root, name)}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return stamps


def _in(site_dir: str | None, uri: str) -> str:
    return os.path.normpath(os.path.join(site_dir or "", uri))


def _write_atomically(path: str, content: bytes) -> None:
    """Write beside `path`, then rename: the server never sends half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".dotpha-", dir=os.path.dirname(path))
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def _holds_a_build(site_dir: str) -> bool:
    try:
        return any(not name.startswith(".") for name in os.listdir(site_dir))
    except FileNotFoundError:
        return False


def _age_free_pages(files: Files) -> None:
    """Make MkDocs rebuild the free pages, as it does the generated pages of the navigation.

    A page MkDocs skips is not read either, and the navigation takes the title of
    an entry written without one from its page: every page would show it blank.
    They are a handful.  MkDocs compares their output's time with their source's."""
    for file in files.documentation_pages(inclusion=lambda _: True):
        if file.generated_by is None and os.path.isfile(file.abs_dest_path):
            os.utime(file.abs_dest_path, ns=(0, 0))


def _remove(path: str, site_dir: str | None) -> None:
    """Remove a file, then the folders it leaves empty, up to the site folder."""
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    folder, site_dir = os.path.dirname(path), os.path.normpath(site_dir or "/")
    while folder != site_dir and folder.startswith(site_dir + os.sep):
        try:
            os.rmdir(folder)
        except OSError:  # not empty (or gone): stop there
            return
        folder = os.path.dirname(folder)
