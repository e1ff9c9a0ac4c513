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
    families: list = []
    return [file for family in families for file in family(view)]
