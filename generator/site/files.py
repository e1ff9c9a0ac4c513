"""Non-page files of the site (data, downloads, feeds), generated in memory.

Each family of files is one function `(view) -> list[SiteFile]`, listed in
`page_data_files` or `offered_files`; the plugin adds them to MkDocs' files in
`on_files`, so they are part of the site like any page: written only by a
build that succeeds.
"""

from __future__ import annotations

from .exports import download_files
from .feeds import feed_files
from .output import SiteFile
from .pages.registration import form_redirect_files
from .pages.submit import used_ids_files
from .pages.tally import tally_files
from .pages.view import SiteView
from .registry import registry_files


def site_files(view: SiteView) -> list[SiteFile]:
    """Every generated non-page file, in a stable order."""
    return page_data_files(view) + offered_files(view)


def page_data_files(view: SiteView) -> list[SiteFile]:
    """The files the site's own pages fetch or send to: the registry's data, the ids already
    taken, the old addresses of the printable forms."""
    return [file for family in (registry_files, used_ids_files, form_redirect_files) for file in family(view)]


def offered_files(view: SiteView) -> list[SiteFile]:
    """The files offered to people and feed readers, read by no page: the downloads
    (most of the cost of these files) and the feeds.  `dotpha serve` writes them
    after the page reloads (rebuild.py)."""
    return [file for family in (download_files, tally_files, feed_files) for file in family(view)]
