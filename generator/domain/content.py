"""A content folder → the validated model of the whole site, or every problem in it.

`load_content` is the one entry point of the domain: the CLI, the MkDocs
plugin and the tests all call it.  It reads and checks every file before it
returns anything, so a caller either gets a complete `Content` or a
`ContentError` listing every problem, sorted.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from .filecache import RegistrationFiles
from .load import Document, display_path, load_document
from .pauses import cycle_collection_paused
from .problems import ContentError, Problem
from .schema import Evaluator, Group, Registration, Unit, UnitsFile, is_slug
from .validate import (
    RegistrationPath,
    continuation_problems,
    duplicate_ids,
    model_from_document,
    person_name_warnings,
    reason_warnings,
    validate_units,
)

UNITS_FILE = "units.yml"
REGISTRATIONS_DIR = "registrations"
PAGES_DIR = "pages"


@dataclass
class Entry:
    """A registration with the file it came from."""

    registration: Registration
    source: str  # path relative to the content folder, posix

    @property
    def id(self) -> str:
        return self.registration.id or PurePosixPath(self.source).stem


@dataclass
class Content:
    """Everything the site is built from, validated."""

    root: Path
    as_of: dt.date
    groups: list[Group]
    units: dict[str, Unit]
    evaluators: dict[str, Evaluator]
    entries: list[Entry] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # reported, yet the content is valid

    @cached_property  # asked by every unit and year page; entries do not change once loaded
    def years(self) -> list[int]:
        return sorted({e.registration.year for e in self.entries}, reverse=True)


def is_year_folder(name: str) -> bool:
    """ASCII digits only: `"²".isdigit()` is true and `int("²")` fails."""
    return name.isascii() and name.isdigit()


def load_content(root: Path, as_of: dt.date, last_year: int | None = None, files: RegistrationFiles | None = None) -> Content:
    """Read, validate and model a content folder; raise ContentError with every problem.

    `last_year` leaves out the year folders after it, unread (an annual snapshot
    shows the site as it stood at the end of that year).  `files` holds the
    registrations an earlier load of the same owner found valid (`dotpha serve`):
    those whose file did not change are not parsed or checked again.
    """
    with cycle_collection_paused():
        return _load_content(Path(root), as_of, last_year, files if files is not None else RegistrationFiles())


def _load_content(root: Path, as_of: dt.date, last_year: int | None, files: RegistrationFiles) -> Content:
    if not root.is_dir():
        raise ContentError([Problem.at(display_path(root), (1, 1), "", "no_content_dir")])
    try:
        empty = not any(not name.startswith(".") for name in os.listdir(root))
    except OSError:
        raise ContentError([Problem.at(display_path(root), (1, 1), "", "unreadable_folder")]) from None
    if empty:
        raise ContentError([Problem.at(display_path(root), (1, 1), "", "empty_content_dir")])
    units_file, problems = _load_units(root)
    problems += _links_leaving(root)
    documents, walk_problems = _registration_documents(root, files, last_year)
    problems += walk_problems
    if units_file is None:  # still report each registration's own shape errors in this run
        shape = [model_from_document(Registration, document)[1] for _, _, document in documents]
        raise ContentError(problems + [p for found in shape for p in found])
    entries = []
    checked = []
    for source, where, document in documents:
        # Unchanged files found valid by an earlier load are not read or checked again (filecache.py).
        registration, found = files.validate(document, where, units_file, as_of)
        problems += found
        if registration is not None:
            entry = Entry(registration, source)
            entries.append(entry)
            checked.append((entry.id, document, registration))
    problems += duplicate_ids(checked)
    problems += continuation_problems(checked)
    if problems:
        raise ContentError(problems)
    return Content(
        root=root,
        as_of=as_of,
        groups=list(units_file.groups),
        units={u.id: u for u in units_file.units},
        evaluators={e.id: e for e in units_file.evaluators},
        entries=sorted(entries, key=lambda e: (-e.registration.year, e.id)),
        warnings=sorted(set(reason_warnings(checked) + person_name_warnings(checked))),
    )


def _load_units(root: Path) -> tuple[UnitsFile | None, list[Problem]]:
    path = root / UNITS_FILE
    if path.is_symlink() and not _inside(path, root.resolve()):
        return None, [Problem.at(display_path(path), (1, 1), "", "symlink_outside")]
    if not path.is_file():
        return None, [Problem.at(display_path(path), (1, 1), "", "no_units_file")]
    document, problems = load_document(path)
    if document is None:
        return None, problems
    units, found = validate_units(document)
    return units, problems + found


def _registration_documents(root: Path, files: RegistrationFiles, last_year: int | None = None) -> tuple[list[tuple[str, RegistrationPath, Document]], list[Problem]]:
    """(path relative to the content folder, its place, document) of every registration file, in walk order."""
    base = root / REGISTRATIONS_DIR
    real_root = root.resolve()
    # Paths are joined as text below the folder, not made with pathlib: 20,000 files make that count.
    shown_base, file_base = display_path(base), os.path.abspath(base)
    shown_prefix = "" if shown_base == "." else f"{shown_base}/"  # as display_path shows the files
    if base.is_symlink() and not _inside(base, real_root):
        return [], [Problem.at(shown_base, (1, 1), "", "symlink_outside")]
    documents, problems = [], []
    for names, is_link, is_dir in _walk(base):
        below = "/".join(names)
        shown = shown_prefix + below
        if is_dir is None:
            problems.append(Problem.at(shown.rstrip("/") or ".", (1, 1), "", "unreadable_folder"))
            continue
        if last_year is not None and len(names) > 1 and is_year_folder(names[0]) and int(names[0]) > last_year:
            continue
        where, problem = _place(names, is_link, is_dir, f"{file_base}/{below}", real_root, shown)
        if problem:
            problems.append(problem)
            continue
        document, found = files.load(f"{file_base}/{below}", shown)
        problems += found
        if document is not None:
            documents.append((f"{REGISTRATIONS_DIR}/{below}", where, document))
    return documents, problems


def _walk(base: Path, names: tuple[str, ...] = ()):
    """(names below `base`, is a link, is a folder) of every non-hidden file, and of every link to a
    folder, in a stable order (files, then links to folders, then each folder), following no link.
    A folder that cannot be listed comes as (its names, False, None)."""
    if not names and not base.is_dir():
        return
    try:
        with os.scandir(os.path.join(base, *names)) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:  # unreadable: reported, never skipped in silence
        yield names, False, None
        return
    folders = [e for e in entries if _is_folder(e)]
    for entry in entries:
        if not _is_folder(entry):
            yield (*names, entry.name), entry.is_symlink(), False
    for entry in folders:
        if entry.is_symlink():
            yield (*names, entry.name), True, True
    for entry in folders:
        if not entry.is_symlink():
            yield from _walk(base, (*names, entry.name))


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _place(names: tuple[str, ...], is_link: bool, is_dir: bool, path: str, real_root: Path, shown: str) -> tuple[RegistrationPath | None, Problem | None]:
    """What a file's place says of it (year, unit, id), or why it has no place."""
    if is_link and not _inside(Path(path), real_root):
        return None, Problem.at(shown, (1, 1), "", "symlink_outside")
    if is_dir:
        return None, Problem.at(shown, (1, 1), "", "symlink_folder")
    name = names[-1]
    if not name.endswith(".yml") or not is_slug(name[:-4]):  # hidden names (".yml") are not walked
        return None, Problem.at(shown, (1, 1), "", "bad_filename")
    if len(names) != 3 or not is_year_folder(names[0]):
        return None, Problem.at(shown, (1, 1), "", "misplaced_file")
    return RegistrationPath(names[0], names[1], name[:-4]), None


def _inside(path: Path, real_root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(real_root)
    except (OSError, RuntimeError):  # a loop of links: reading it reports it
        return True


def _links_leaving(root: Path) -> list[Problem]:
    """Symbolic links elsewhere in the content folder (pages/...) that point outside it.

    MkDocs follows links in its docs folder and would publish whatever one points
    at (a key, a password file); units.yml and registrations/ check their own.
    """
    real_root = root.resolve()
    problems = []
    for folder, subfolders, files in os.walk(root):
        if Path(folder) == root:
            subfolders[:] = [d for d in subfolders if d != REGISTRATIONS_DIR]
            files = [f for f in files if f != UNITS_FILE]
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted([*files, *subfolders]):  # links to folders are listed, not entered
            path = Path(folder) / name
            if not name.startswith(".") and path.is_symlink() and not _inside(path, real_root):
                problems.append(Problem.at(display_path(path), (1, 1), "", "symlink_outside"))
    return problems
