"""Search: Pagefind's index of the built site, and the one letter it needs help with.

After MkDocs has written the site, `index_site` runs Pagefind (its binary ships
in the `pagefind[extended]` wheel; nothing is downloaded) over it. Pagefind
reads only the part of a page marked `data-pagefind-body` (theme/main.html
marks registration pages and the pages written by hand) and writes
`pagefind/`: an index in small compressed pieces, of which the browser loads
only those a query needs (theme/assets/search.js).

Pagefind 1.5 matches Vietnamese tone and vowel marks either way (`quang ngai`
finds `Quảng Ngãi`, the exact spelling ranks first), but đ is a letter of its
own to it: `duong` would not find `đường`. `folded_d_words` lists the words
of a page that have đ/Đ, spelled with d; theme/main.html hands them to
Pagefind as a metadata field, which it searches but never shows in excerpts.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import DotphaError
from ..domain.text import fold

BUNDLE_DIR = "pagefind"
SHARDS_FILE = "shards.json"
SHARD_PAGES = 1000  # pages per Pagefind run: about 0.2 GB of memory while it indexes
_BODY_MARK = re.compile(rb"<[a-zA-Z][^>]*\sdata-pagefind-body[\s>=]")  # a tag's attribute, not escaped user text
_BODY_MARK_TEXT = re.compile(_BODY_MARK.pattern.decode())
_SEARCH_COPY_HEAD = '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>'
# Pagefind's ready-made interfaces: the site has its own (theme/assets/search.js).
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")  # fmt: skip
_D = re.compile("[đĐ]")


class SearchIndexError(DotphaError):
    """Pagefind could not index the site; the message says why."""


def folded_d_words(html: str) -> str:
    """The distinct words of a page that contain đ or Đ, folded, in order of first use: `Đường đi` → `duong di`."""
    if not unicodedata.is_normalized("NFC", html):
        html = unicodedata.normalize("NFC", html)
    return " ".join(dict.fromkeys(fold(word) for word in _d_words(html)))


def _d_words(text: str) -> list[str]:
    """The words (`\\w+`, as the regular expression says) holding đ or Đ, in order: found from
    each đ outwards, which is several times faster than matching `\\w*[đĐ]\\w*` over a page."""
    words, end, size = [], -1, len(text)
    for match in _D.finditer(text):
        at = match.start()
        if at < end:  # a second đ in the word just taken
            continue
        start = at
        while start > 0 and _is_word_char(text[start - 1]):
            start -= 1
        end = at + 1
        while end < size and _is_word_char(text[end]):
            end += 1
        words.append(text[start:end])
    return words


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w matches in a str pattern


def index_site(site_dir: Path, shard_pages: int = SHARD_PAGES) -> None:
    """Write `pagefind/` into a built site: the index of its marked pages (see SearchIndexer)."""
    site_dir = Path(site_dir)
    indexer = SearchIndexer(site_dir, shard_pages)
    try:
        for page in indexed_pages(site_dir):
            indexer.add(page, (site_dir / page).read_text(encoding="utf-8"))
        indexer.finish()
    finally:
        indexer.close()


def indexed_pages(site_dir: Path) -> list[str]:
    """The pages Pagefind reads (those with a `data-pagefind-body`), as sorted paths in the site."""
    found = []
    for path in site_dir.rglob("*.html"):
        if path.is_relative_to(site_dir / BUNDLE_DIR):
            continue
        with open(path, "rb") as page:
            if is_indexed(page.read()):
                found.append(path.relative_to(site_dir).as_posix())
    return sorted(found)


def is_indexed(html: str | bytes) -> bool:
    return (_BODY_MARK if isinstance(html, bytes) else _BODY_MARK_TEXT).search(html) is not None


class SearchIndexer:
    """`pagefind/` for a site, written in shards of `shard_pages` pages while the build goes on.

    Pagefind holds about 200 KB a page while it indexes (its issue #842): one run over
    20,000 pages needs 4–5 GB. So pages are handed over as they are built (`add`), and
    each full shard is indexed by its own Pagefind run, in the background, one run at a
    time: memory stays at one shard's worth at any N, and on two cores the indexing
    overlaps the single-threaded build. Shard 1 is `pagefind/`, the others
    `pagefind/2/`, `pagefind/3/` …, listed in `pagefind/shards.json`; the search box
    (theme/assets/search.js) merges them. Pages go to shards in the order they come,
    which is the build's (stable) order.

    Pagefind reads a copy of each page cut down to its searchable part (`search_copy`),
    written to a working folder beside the site: it indexes only that part anyway, and
    the index comes out byte for byte the same, but parsing the theme's navigation,
    header and scripts of every page was 40% of its time.
    """

    def __init__(self, site_dir: Path, shard_pages: int = SHARD_PAGES):
        self.site_dir = Path(site_dir)
        self.bundle = self.site_dir / BUNDLE_DIR
        self.shard_pages = max(1, shard_pages)
        if self.bundle.exists():
            shutil.rmtree(self.bundle)  # a rebuild into the same folder leaves no stale piece behind
        self.work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=self.site_dir.parent))
        self.shards = 0  # shards handed to Pagefind so far
        self.pending = 0  # pages in the next one
        self._folders: set[Path] = set()
        self.index = SearchShards([[]], {})  # which page went to which shard (for `update_index`)
        self._queue: queue.Queue[int | None] = queue.Queue()  # shards for the runner, one at a time
        self._failure: SearchIndexError | None = None
        self._process: subprocess.Popen | None = None
        self._stopped = False
        self._runner = threading.Thread(target=self._run_shards, name="dotpha: Pagefind", daemon=True)
        self._runner.start()

    def add(self, path: str, html: str) -> None:
        """One page, by its path in the site (`dang-ky/x/index.html`) and its HTML as written;
        a full shard goes to Pagefind when the next page comes."""
        if self.pending == self.shard_pages:
            self.flush()
        target = self.work / str(self.shards + 1) / path
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        copy = search_copy(html).encode("utf-8", errors="xmlcharrefreplace")
        target.write_bytes(copy)
        self.index.pages[-1].append(path)
        self.index.digests[path] = _digest(copy)
        self.pending += 1

    def flush(self, at_least: int = 1) -> None:
        """Hand the pages added so far to Pagefind now, as a shard, if there are `at_least`
        (the build says when a long run of pages with nothing to index comes): it works
        while the build goes on.  A few pages wait for the next shard instead: each shard
        is one more index for the browser to load."""
        if self.pending >= at_least:
            self.shards += 1
            self.pending = 0
            self.index.pages.append([])
            self._queue.put(self.shards)

    def finish(self) -> None:
        """Index what is left (every page is written by now), wait for Pagefind, list the shards."""
        self.flush()
        self._queue.put(None)
        self._runner.join()
        if self._failure is not None:
            raise self._failure
        if not self.index.pages[-1]:
            self.index.pages.pop()
        self.bundle.mkdir(parents=True, exist_ok=True)  # a site with no page to find has no index, only this list
        names = [f"{number}/" for number in range(2, self.shards + 1)]
        (self.bundle / SHARDS_FILE).write_text(json.dumps({"shards": names}) + "\n", encoding="utf-8")
        self.close()

    def close(self) -> None:
        """Stop Pagefind if it still runs (a failed build) and remove the working folder."""
        self._stopped = True
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
        self._queue.put(None)
        self._runner.join()
        shutil.rmtree(self.work, ignore_errors=True)

    def _run_shards(self) -> None:
        """The runner: each shard in turn, until told to stop or one fails."""
        while (shard := self._queue.get()) is not None:
            if self._stopped or self._failure is not None:
                continue
            try:
                self._index(shard)
            except SearchIndexError as error:
                self._failure = error

    def _index(self, shard: int) -> None:
        """Pagefind over the copies of one shard's pages."""
        source = self.work / str(shard)
        self._process = _start_pagefind(source, shard_folder(self.bundle, shard))
        _finish_pagefind(self._process, self._stopped)
        shutil.rmtree(source, ignore_errors=True)


@dataclass
class SearchShards:
    """The pages of each shard of an index (shard 1 first) and the digest of each page's copy."""

    pages: list[list[str]]
    digests: dict[str, bytes]


def shard_folder(bundle: Path, shard: int) -> Path:
    return bundle if shard == 1 else bundle / str(shard)


def update_index(site_dir: Path, index: SearchShards, paths: list[str], shard_pages: int = SHARD_PAGES) -> list[int]:
    """Bring the index of a site up to date with its pages after a partial rebuild
    (`dotpha serve`): each shard holding a page whose searchable part changed, was
    removed or (the last shard) was added is indexed again, the others stay as they
    are.  `paths` are the pages to index now.  Returns the shards indexed again."""
    site_dir = Path(site_dir)
    copies = {path: search_copy((site_dir / path).read_text(encoding="utf-8")).encode("utf-8", errors="xmlcharrefreplace") for path in paths}
    digests = {path: _digest(copy) for path, copy in copies.items()}
    placed = {path for shard in index.pages for path in shard}
    if not index.pages:
        index.pages.append([])
    for path in paths:
        if path not in placed:
            if len(index.pages[-1]) >= shard_pages:
                index.pages.append([])
            index.pages[-1].append(path)
    dirty = [number for number, shard in enumerate(index.pages, 1)
             if any(path not in digests or index.digests.get(path) != digests[path] for path in shard)]  # fmt: skip
    for number in dirty:
        index.pages[number - 1] = [path for path in index.pages[number - 1] if path in digests]
        _reindex_shard(site_dir / BUNDLE_DIR, number, {path: copies[path] for path in index.pages[number - 1]})
    index.digests = digests
    (site_dir / BUNDLE_DIR / SHARDS_FILE).write_text(json.dumps({"shards": [f"{n}/" for n in range(2, len(index.pages) + 1)]}) + "\n", encoding="utf-8")
    return dirty


def _reindex_shard(bundle: Path, shard: int, copies: dict[str, bytes]) -> None:
    """One shard made again beside the index, then put in place of the old one."""
    work = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=bundle.parent.parent))
    try:
        for path, copy in copies.items():
            (work / "pages" / path).parent.mkdir(parents=True, exist_ok=True)
            (work / "pages" / path).write_bytes(copy)
        fresh = work / "index"
        _finish_pagefind(_start_pagefind(work / "pages", fresh))
        _install_shard(fresh, shard_folder(bundle, shard))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _install_shard(fresh: Path, target: Path) -> None:
    """Replace a shard's files by the fresh ones; the first shard's folder also holds the
    others (2/, 3/ ...) and shards.json, which stay."""
    target.mkdir(parents=True, exist_ok=True)
    for old in target.iterdir():
        if not (old.is_dir() and old.name.isdigit()) and old.name != SHARDS_FILE and not (fresh / old.name).exists():
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    for new in fresh.iterdir():
        place = target / new.name
        if new.is_dir():
            aside = target / f".{new.name}-old"
            if place.exists():
                place.rename(aside)
            new.rename(place)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(new, place)


def _start_pagefind(source: Path, output: Path) -> subprocess.Popen:
    command = [_pagefind(), "--site", str(source), "--output-path", str(output), "--force-language", "vi", "--silent"]
    try:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError as error:
        raise SearchIndexError(f"không chạy được Pagefind: {error}") from None


def _finish_pagefind(process: subprocess.Popen, stopped: bool = False) -> None:
    _, errors = process.communicate()
    if process.returncode != 0 and not stopped:
        raise SearchIndexError(f"Pagefind không lập được chỉ mục tìm kiếm (cài bằng pip install 'pagefind[extended]'):\n{errors.strip()}")
    output = Path(process.args[process.args.index("--output-path") + 1])
    for name in _UNUSED:
        (output / name).unlink(missing_ok=True)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _pagefind() -> str:
    """Pagefind's binary, as `python -m pagefind` finds it (PAGEFIND_BINARY_PATH, else the wheel's),
    without starting a Python to exec it for every shard."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        get_executable = lambda: None  # noqa: E731
    binary = get_executable()
    if binary is None:
        raise SearchIndexError("không tìm thấy chương trình Pagefind (cài bằng pip install 'pagefind[extended]')")
    return str(binary.resolve())


def search_copy(html: str) -> str:
    """A page as Pagefind needs it: from its `data-pagefind-body` element to the end of the
    article that holds it (theme/main.html), or of the page; the rest is dropped."""
    mark = _BODY_MARK_TEXT.search(html)
    if mark is None:
        return ""
    end = html.find("</article>", mark.start())
    return _SEARCH_COPY_HEAD + html[mark.start():end if end != -1 else len(html)] + "</body></html>"
