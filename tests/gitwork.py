"""A git work tree for tests: local identity, fixed dates, no global or system config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ISOLATED = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0"}


def git_environment(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return clean | ISOLATED | extra


class GitWork:
    """`git init` in a folder, then commits with chosen dates and authors."""

    def __init__(self, root: Path, branch: str = "main"):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.git("config", "user.name", "Người Thử")
        self.git("config", "user.email", "thu@example.invalid")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, **env: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, env=git_environment(**env))
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout

    def commit(self, message: str, when: str = "2024-05-01T09:00:00+07:00", author: str = "Người Thử") -> str:
        """Commit everything in the work tree; return the commit id."""
        self.git("add", "-A")
        dates = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        names = {"GIT_AUTHOR_NAME": author, "GIT_COMMITTER_NAME": author}
        self.git("commit", "-q", "--allow-empty", "-m", message, **dates, **names)
        return self.git("rev-parse", "HEAD").strip()
