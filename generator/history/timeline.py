"""Each registration's history, from the git history of the content folder.

One `git log` over the whole `registrations/` folder gives, per commit, the old
and new blob of every file it touched; one `git cat-file --batch` reads those
blobs; `changes.compare` says what moved.  The cost is one pass per build, not
one git call per registration, and pages only look their history up.

History depends only on the commits (and on the "as of" date: commits made
after it are left out, as updates dated after it are refused), so the last one
read is kept for the same commit, folder and date: a `dotpha serve` rebuild
after a save asks git for HEAD instead of reading the whole log again.  Outside
a git repository the history is empty; in a shallow clone it starts at the
oldest commit the clone holds, and says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from .changes import Change, Version, compare, describe, version_of
from .git import NULL_SHA, GitError, NotARepository, Repository

REGISTRATIONS = "registrations"
_LOG_FORMAT = "%H%x00%cI%x00%an%x00%s"  # NUL cannot occur in a commit message


@dataclass(frozen=True)
class Commit:
    sha: str
    when: str  # committer date, ISO 8601 with the committer's offset
    author: str
    subject: str

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.when[:10])


@dataclass(frozen=True)
class Event:
    """One commit's change to one registration."""

    commit: Commit
    change: Change


@dataclass
class RegistrationHistory:
    events: list[Event] = field(default_factory=list)  # oldest first
    truncated: bool = False  # the clone is shallow and this file existed before its oldest commit

    @property
    def first(self) -> Event | None:
        """The commit that brought the registration into the repository, when known."""
        return next((e for e in self.events if e.change.added), None)

    @property
    def last_updated(self) -> Commit | None:
        return self.events[-1].commit if self.events else None


@dataclass
class History:
    """The history of every registration, by id."""

    available: bool = False  # the content folder is inside a git repository
    withheld: bool = False  # a public site shows no history (see profile.PublicContent)
    shallow: bool = False
    by_id: dict[str, RegistrationHistory] = field(default_factory=dict)
    head: str = ""  # the commit the site is built from (HEAD), when known
    unreadable: str = ""  # why git could not be read in a repository (or git is missing): the build says so

    def of(self, reg_id: str) -> RegistrationHistory:
        return self.by_id.get(reg_id) or RegistrationHistory()

    def events(self) -> list[tuple[str, Event]]:
        """Every event of every registration, oldest first, in a stable order."""
        found = [(reg_id, e) for reg_id, h in self.by_id.items() for e in h.events]
        return sorted(found, key=lambda item: (item[1].commit.when, item[1].commit.sha, item[0]))


class KeptHistory:
    """The last history read, for the next build of the same session (`dotpha serve`):
    a rebuild after a save asks git for HEAD instead of reading the whole log again."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.history: History | None = None


def load_history(content_dir: Path, as_of: dt.date | None = None, kept: KeptHistory | None = None) -> History:
    """The history of every registration under `content_dir`; empty outside git.
    With `kept`, the history it holds is given again for the same commit, folder and date."""
    try:
        repo = Repository.of(content_dir)
    except NotARepository:  # outside git there is no history to tell
        return History()
    except GitError as error:  # git itself is missing: the build says the site has no history, and why
        return History(unreadable=str(error))
    try:
        shallow = repo.shallow_commits()
        head = repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False).decode().strip()
        if not head:  # a repository without a commit yet
            return History(available=True)
        key = (repo, head, frozenset(shallow), as_of)
        if kept is not None and kept.key == key:
            return kept.history
        log = repo.git("log", "--no-merges", "--no-renames", "--raw", "-z", "--no-abbrev", "--reverse",
                       f"--format={_LOG_FORMAT}", "--", repo.content_path(REGISTRATIONS))  # fmt: skip
    except GitError as error:  # a repository without a commit yet, a broken one: the site has no history, and says why
        return History(unreadable=str(error))
    commits = [c for c in _parse_log(log, repo.prefix) if as_of is None or c[0].day <= as_of]
    blobs = repo.read_blobs([blob for _, touched in commits for _, old, new in touched for blob in (old, new)])
    history = History(available=True, shallow=bool(shallow), head=head)
    parsed = _Parsed()
    for commit, touched in commits:
        for change in _changes_of(touched, blobs, parsed):
            entry = history.by_id.setdefault(change.id, RegistrationHistory())
            if commit.sha in shallow and change.added:
                entry.truncated = True  # the clone does not know when it really came in
                continue
            entry.events.append(Event(commit, change))
    if kept is not None:
        kept.key, kept.history = key, history
    return history


Touched = tuple[str, str, str]  # path relative to the content folder, old blob, new blob


def _parse_log(out: bytes, prefix: str) -> list[tuple[Commit, list[Touched]]]:
    """Read `git log -z --raw` with NUL-separated headers, token by token: a raw
    entry starts with ":", anything else starts the next commit, so no byte a
    commit message may hold (0x1e, 0x1f, newlines) can confuse the reader."""
    strip = len(prefix) + 1 if prefix else 0
    tokens = out.split(b"\0")
    commits: list[tuple[Commit, list[Touched]]] = []
    at = 0
    while at + 3 < len(tokens):
        sha, when, author, subject = (t.decode("utf-8", "replace") for t in tokens[at : at + 4])
        at += 4
        touched = []
        while at + 1 < len(tokens) and tokens[at].lstrip(b"\n").startswith(b":"):
            parts, path = tokens[at].decode().lstrip("\n:").split(), tokens[at + 1]
            at += 2
            if len(parts) == 5 and _is_registration(relative := path.decode("utf-8", "replace")[strip:]):
                touched.append((relative, parts[2], parts[3]))
        commits.append((Commit(sha.strip(), when, author, subject.strip()), touched))
    return commits


def _is_registration(relative: str) -> bool:
    parts = PurePosixPath(relative).parts
    return len(parts) == 4 and parts[0] == REGISTRATIONS and parts[3].endswith(".yml")


class _Parsed:
    """Each blob parsed once: a commit's new version is the next commit's old one."""

    def __init__(self):
        self.data: dict[str, dict | None] = {}

    def __call__(self, path: str, blob: str, blobs: dict[str, bytes]) -> Version:
        if blob not in self.data:
            self.data[blob] = version_of(path, blobs.get(blob, b"")).data
        return Version(path, self.data[blob])


def _changes_of(touched: list[Touched], blobs: dict[str, bytes], parsed: _Parsed) -> list[Change]:
    """A commit's changes by registration id: a file deleted in one unit folder and
    added in another with the same id is one move, not a removal and an addition."""
    old: dict[str, Version] = {}
    new: dict[str, Version] = {}
    for path, old_blob, new_blob in touched:
        reg_id = PurePosixPath(path).stem
        if old_blob != NULL_SHA:
            old[reg_id] = parsed(path, old_blob, blobs)
        if new_blob != NULL_SHA:
            new[reg_id] = parsed(path, new_blob, blobs)
    changes = [compare(old.get(i), new.get(i)) for i in sorted(set(old) | set(new))]
    return [c for c in changes if not c.is_empty]


def describe_for(view) -> Callable[[Change], list[str]]:
    """`describe` with the site's unit names (an id no longer in units.yml stays an id)."""
    units = view.content.units
    return lambda change: describe(change, lambda unit: units[unit].name if unit in units else unit)
