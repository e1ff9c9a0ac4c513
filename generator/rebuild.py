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

The site-wide key covers what reaches every page besides its body: the config
file, the "as of" date, the profile, the theme folder and the free pages
(their text can change the navigation).  When it changes, every page is
rewritten.  Outputs of the previous build that this build does not produce
(a deleted or renamed registration) are removed, so the served site never
shows them; pages written by a build that then failed are not trusted.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

from mkdocs.structure.files import File, Files

from .pages import PageSpec


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
        self.partial = False  # this build rewrites only what changed (the search index stays as it was)
        self._key = b""
        self._fresh: dict[str, bytes] = {}  # fingerprints of the generated files this build writes
        self._current: set[str] = set()
        self._bodies: dict[str, str] = {}  # bodies rendered to judge a page, kept until it is written
        self._unchanged = 0
        self._writing = False

    # ------------------------------------------------------------- on_files

    def start(self, config, files: Files, *settings: str) -> None:
        """Decide between a partial and a full build; `settings` are the plugin's resolved options."""
        site_dir = config.site_dir
        dirty = _holds_a_build(site_dir)  # a clean build has emptied it by now
        if not dirty or site_dir != self.site_dir:
            self.written, self.outputs, self.site_key = {}, set(), None
        self._key = _site_key(config, files, settings)
        self.partial = self.site_key == self._key
        if dirty and not self.partial:
            _age_free_pages(files)
        self.site_dir = site_dir
        self._fresh, self._current, self._bodies, self._unchanged = {}, set(), {}, 0
        self._writing = False

    def add_page(self, file: GeneratedFile, spec: PageSpec, render: Callable[[PageSpec], str]) -> None:
        """Mark a generated page unmodified when its HTML would be the one written before."""
        self._current.add(file.src_uri)
        before = self.written.get(file.src_uri) if self.partial else None
        if before is None:
            return
        body = render(spec)
        if _page_fingerprint(self._key, spec, body) == before:
            file.modified = False
            self._unchanged += 1
        else:
            self._bodies[file.src_uri] = body

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


def _holds_a_build(site_dir: str) -> bool:
    try:
        return any(not name.startswith(".") for name in os.listdir(site_dir))
    except FileNotFoundError:
        return False


def _age_free_pages(files: Files) -> None:
    """Make MkDocs rewrite the free pages too: it compares their output's time with their source's."""
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
