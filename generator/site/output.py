"""What the site layer hands to an engine: the files of the site, made in memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SiteFile:
    """A file of the site: its path inside the site and its bytes."""

    path: str
    content: bytes
