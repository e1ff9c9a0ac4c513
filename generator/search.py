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

from .text import fold

BUNDLE_DIR = "pagefind"
SHARDS_FILE = "shards.json"
SHARD_PAGES = 2000  # pages per Pagefind run: about 0.4 GB of memory while it indexes
_BODY_MARK = re.compile(rb"<[a-zA-Z][^>]*\sdata-pagefind-body[\s>=]")  # a tag's attribute, not escaped user text
# Pagefind's ready-made interfaces: the site has its own (theme/assets/search.js).
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")  # fmt: skip
_D_WORD = re.compile(r"\w*[đĐ]\w*")


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why."""


def folded_d_words(html: str) -> str:
    """The distinct words of a page that contain đ or Đ, folded, in order of first use: `Đường đi` → `duong di`."""
    words = _D_WORD.findall(unicodedata.normalize("NFC", html))
    return " ".join(dict.fromkeys(fold(word) for word in words))


def index_site(site_dir: Path, shard_pages: int = SHARD_PAGES) -> None:
    """Write `pagefind/` into a built site: the index of its marked pages, in Vietnamese,
    in shards of `shard_pages` pages (`pagefind/` itself, then `pagefind/2/`, `pagefind/3/` …
    listed in `pagefind/shards.json`; theme/assets/search.js merges them when it loads).

    Pagefind holds about 200 KB per page while it indexes (its issue #842): one run over
    20,000 pages needs 4–5 GB. A shard at a time keeps it to one shard's worth at any N."""
    site_dir = Path(site_dir)
    bundle = site_dir / BUNDLE_DIR
    if bundle.exists():
        shutil.rmtree(bundle)  # a rebuild into the same folder leaves no stale piece behind
    pages = indexed_pages(site_dir)
    shards = [pages[start : start + shard_pages] for start in range(0, len(pages), shard_pages)] or [[]]
    for number, shard in enumerate(shards, start=1):
        _index_shard(site_dir, shard, bundle if number == 1 else bundle / str(number))
    names = [f"{number}/" for number in range(2, len(shards) + 1)]
    (bundle / SHARDS_FILE).write_text(json.dumps({"shards": names}) + "\n", encoding="utf-8")


def indexed_pages(site_dir: Path) -> list[str]:
    """The pages Pagefind reads (those with a `data-pagefind-body`), as sorted paths in the site."""
    found = []
    for path in site_dir.rglob("*.html"):
        if path.is_relative_to(site_dir / BUNDLE_DIR):
            continue
        with open(path, "rb") as page:
            if _BODY_MARK.search(page.read()):
                found.append(path.relative_to(site_dir).as_posix())
    return sorted(found)


def _index_shard(site_dir: Path, pages: list[str], output: Path) -> None:
    """Pagefind over a folder holding only these pages (hard links: no copy), at their own paths."""
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site_dir.parent) as folder:
        for page in pages:
            target = Path(folder) / page
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site_dir / page, target)
            except OSError:  # another file system, or no hard links: copy
                shutil.copyfile(site_dir / page, target)
        _run_pagefind(Path(folder), output)
    for name in _UNUSED:
        (output / name).unlink(missing_ok=True)


def _run_pagefind(site: Path, output: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output), "--force-language", "vi", "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise SearchIndexError(f"không chạy được Pagefind: {error}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise SearchIndexError(f"Pagefind không lập được chỉ mục tìm kiếm (cài bằng pip install 'pagefind[extended]'):\n{detail}")
