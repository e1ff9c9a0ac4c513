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

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from ..domain.errors import DotphaError
from ..domain.text import fold

BUNDLE_DIR = "pagefind"
SHARDS_FILE = "shards.json"
SHARD_PAGES = 1000  # pages per Pagefind run: about 0.2 GB of memory while it indexes
_GLOB_SAFE = re.compile(r"[^*?\[\]{},!\\]+")  # a path a glob matches as it is written
_BODY_MARK = re.compile(rb"<[a-zA-Z][^>]*\sdata-pagefind-body[\s>=]")  # a tag's attribute, not escaped user text
_BODY_MARK_TEXT = re.compile(_BODY_MARK.pattern.decode())
# Pagefind's ready-made interfaces: the site has its own (theme/assets/search.js).
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")  # fmt: skip
_D_WORD = re.compile(r"\w*[đĐ]\w*")


class SearchIndexError(DotphaError):
    """Pagefind could not index the site; the message says why."""


def folded_d_words(html: str) -> str:
    """The distinct words of a page that contain đ or Đ, folded, in order of first use: `Đường đi` → `duong di`."""
    words = _D_WORD.findall(unicodedata.normalize("NFC", html))
    return " ".join(dict.fromkeys(fold(word) for word in words))


def index_site(site_dir: Path, shard_pages: int = SHARD_PAGES) -> None:
    """Write `pagefind/` into a built site: the index of its marked pages (see SearchIndexer)."""
    site_dir = Path(site_dir)
    indexer = SearchIndexer(site_dir, shard_pages)
    try:
        for page in indexed_pages(site_dir):
            indexer.add(page)
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
    """

    def __init__(self, site_dir: Path, shard_pages: int = SHARD_PAGES):
        self.site_dir = Path(site_dir)
        self.bundle = self.site_dir / BUNDLE_DIR
        self.shard_pages = max(1, shard_pages)
        if self.bundle.exists():
            shutil.rmtree(self.bundle)  # a rebuild into the same folder leaves no stale piece behind
        self.shards = 0  # shards handed to Pagefind so far
        self.pending: list[str] = []  # pages for the next one
        self.running: tuple[subprocess.Popen, Path | None, Path] | None = None

    def add(self, path: str) -> None:
        """One page, by its path in the site (`dang-ky/x/index.html`), handed over just before
        MkDocs writes it: a shard starts when a later page comes, or at `finish`."""
        if len(self.pending) == self.shard_pages:
            self._start_shard()
        self.pending.append(path)

    def finish(self) -> None:
        """Index what is left (every page is written by now), wait for Pagefind, list the shards."""
        if self.pending:
            self._start_shard()
        self._wait()
        self.bundle.mkdir(parents=True, exist_ok=True)  # a site with no page to find has no index, only this list
        names = [f"{number}/" for number in range(2, self.shards + 1)]
        (self.bundle / SHARDS_FILE).write_text(json.dumps({"shards": names}) + "\n", encoding="utf-8")

    def close(self) -> None:
        """Stop a Pagefind still running (a failed build) and remove its working folder."""
        if self.running:
            self.running[0].kill()
            self.running[0].communicate()
            if self.running[1] is not None:
                shutil.rmtree(self.running[1], ignore_errors=True)
            self.running = None

    def _start_shard(self) -> None:
        """Pagefind over the shard's pages where they are, chosen by a glob listing them;
        a page whose path a glob cannot spell is linked into a folder of the shard's own."""
        self._wait()  # one Pagefind at a time: its memory, and the build's core
        self.shards += 1
        output = self.bundle if self.shards == 1 else self.bundle / str(self.shards)
        pages, self.pending = self.pending, []
        folder = None
        if all(_GLOB_SAFE.fullmatch(page) for page in pages):
            where = ["--site", str(self.site_dir), "--glob", "{" + ",".join(pages) + "}"]
        else:
            folder = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=self.site_dir.parent))
            for page in pages:
                (folder / page).parent.mkdir(parents=True, exist_ok=True)
                os.link(self.site_dir / page, folder / page)
            where = ["--site", str(folder)]
        command = [sys.executable, "-m", "pagefind", *where, "--output-path", str(output), "--force-language", "vi", "--silent"]
        try:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        except OSError as error:
            raise SearchIndexError(f"không chạy được Pagefind: {error}") from None
        self.running = (process, folder, output)

    def _wait(self) -> None:
        if self.running is None:
            return
        process, folder, output = self.running
        _, errors = process.communicate()
        self.running = None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        if process.returncode != 0:
            raise SearchIndexError(f"Pagefind không lập được chỉ mục tìm kiếm (cài bằng pip install 'pagefind[extended]'):\n{errors.strip()}")
        for name in _UNUSED:
            (output / name).unlink(missing_ok=True)
