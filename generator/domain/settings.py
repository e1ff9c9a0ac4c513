"""What a build depends on besides the files themselves, as one frozen object.

The command line makes it from its options (`commands.py`), the MkDocs plugin
from site_config.yml when MkDocs runs on its own (`engine/plugin.py`), and
`dotpha snapshot` from the year it freezes; it is then passed explicitly to
every step that needs it.  No environment variable carries a setting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from .profile import Profile


@dataclass(frozen=True)
class BuildSettings:
    """One build's settings."""

    content_dir: Path  # units.yml and registrations/
    as_of: dt.date  # the day every flag (overdue, due soon) is computed for
    lang: str = "vi"  # language of the messages (vi, en)
    profile: Profile = Profile.internal  # internal: everything; public: the redacted site
    last_year: int | None = None  # an annual snapshot leaves the later year folders unread
    site_dir: Path | None = None  # where the site goes; None: site_config.yml's site_dir
    strict: bool = False  # MkDocs' warnings are errors
    config_file: Path = Path("site_config.yml")

    def but(self, **changes) -> BuildSettings:
        """These settings with some changed (a snapshot's year, its as-of date)."""
        return replace(self, **changes)
