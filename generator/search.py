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

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

from .text import fold

BUNDLE_DIR = "pagefind"
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


def index_site(site_dir: Path) -> None:
    """Write `pagefind/` into a built site: the index of its marked pages, in Vietnamese."""
    bundle = Path(site_dir) / BUNDLE_DIR
    if bundle.exists():
        shutil.rmtree(bundle)  # a rebuild into the same folder leaves no stale piece behind
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--force-language", "vi", "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise SearchIndexError(f"không chạy được Pagefind: {error}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise SearchIndexError(f"Pagefind không lập được chỉ mục tìm kiếm (cài bằng pip install 'pagefind[extended]'):\n{detail}")
    for name in _UNUSED:
        (bundle / name).unlink(missing_ok=True)
