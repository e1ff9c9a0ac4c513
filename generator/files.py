"""Non-page files of the site (data, downloads, feeds), generated in memory.

Each family of files is one function `(view) -> list[SiteFile]`, listed in
`site_files`; the plugin adds them to MkDocs' files in `on_files`, so they are
part of the site like any page: written only by a build that succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass

from .pages.view import SiteView


@dataclass(frozen=True)
class SiteFile:
    """A file of the site: its path inside the site and its bytes."""

    path: str
    content: bytes


def site_files(view: SiteView) -> list[SiteFile]:
    """Every generated non-page file, in a stable order."""
    from .exports import download_files  # imported here: it imports SiteFile from this module
    from .registry import registry_files  # imported here: it imports SiteFile from this module
    from .feeds import feed_files  # imported here: it imports SiteFile from this module
    from .pages.submit import used_ids_files  # imported here: it imports SiteFile from this module

    families: list = [registry_files, download_files, feed_files, used_ids_files]
    return [file for family in families for file in family(view)]
