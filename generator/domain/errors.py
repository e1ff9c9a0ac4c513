"""The errors a user can meet, and the exit codes they end a command with.

Every error dotpha raises for a user derives from `DotphaError`, which carries
its exit code; `cli.py` turns any of them into a message and that code, in
one place.  The codes are declared here only (README "Mã thoát").
"""

from __future__ import annotations

import sys
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS = 1  # the content (or a file to import, a snapshot...) has problems: nothing was written
    USAGE = 2  # a wrong option, a missing or invalid configuration, a revision that does not exist
    INTERNAL = 70  # a bug in dotpha (EX_SOFTWARE): the one-line message asks for DOTPHA_DEBUG=1
    INTERRUPTED = 130  # Ctrl-C
    TERMINATED = 143  # SIGTERM (a CI job cancelled, a container stopped)


class DotphaError(Exception):
    """An error with a message for the user; `exit_code` ends the command."""

    exit_code = ExitCode.PROBLEMS

    def message(self, lang: str = "vi") -> str:
        return str(self)

    def show(self, lang: str = "vi") -> None:
        """Print the error as the command line shows it: `dotpha: …` on stderr."""
        print(f"dotpha: {self.message(lang)}", file=sys.stderr)


class UsageError(DotphaError):
    """Wrong usage at the edge (a missing config file, a bad option): exit 2."""

    exit_code = ExitCode.USAGE


class BilingualError(DotphaError):
    """An error told in Vietnamese, or in English with --lang en."""

    def __init__(self, vi: str, en: str):
        super().__init__(vi)
        self.en = en

    def message(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else str(self)


class SetupError(BilingualError):
    """A broken setup (the config file, the folders given): exit 2."""

    exit_code = ExitCode.USAGE


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so that every `finally` runs (the staging
    folder of a build is removed) as on Ctrl-C."""


class Failed(DotphaError):
    """A command that has already said why it failed: nothing more to print."""

    def __init__(self, exit_code: ExitCode = ExitCode.PROBLEMS):
        super().__init__("")
        self.exit_code = exit_code

    def show(self, lang: str = "vi") -> None:
        pass
