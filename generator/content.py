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

from .filecache import REGISTRATION_FILES
from .load import Document, display_path, load_document
from .problems import ContentError, Problem
from .schema import Evaluator, Group, Registration, Unit, UnitsFile, is_slug
from .validate import RegistrationPath, continuation_problems, duplicate_ids, model_from_document, validate_units

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

    @cached_property  # asked by every unit and year page; entries do not change once loaded
    def years(self) -> list[int]:
        return sorted({e.registration.year for e in self.entries}, reverse=True)


def load_content(root: Path, as_of: dt.date, last_year: int | None = None) -> Content:
    """Read, validate and model a content folder; raise ContentError with every problem.

    `last_year` leaves out the year folders after it, unread (an annual snapshot
    shows the site as it stood at the end of that year).
    """
    root = Path(root)
    if not root.is_dir():
        raise ContentError([Problem.at(display_path(root), (1, 1), "", "no_content_dir")])
    units_file, problems = _load_units(root)
    problems += _links_leaving(root)
    documents, walk_problems = _registration_documents(root, last_year)
    problems += walk_problems
    if units_file is None:  # still report each registration's own shape errors in this run
        shape = [model_from_document(Registration, document)[1] for _, document in documents]
        raise ContentError(problems + [p for found in shape for p in found])
    entries = []
    checked = []
    for relative, document in documents:
        # Unchanged files found valid before in this process are not read or checked again (filecache.py).
        registration, found = REGISTRATION_FILES.validate(document, RegistrationPath.of(relative), units_file, as_of)
        problems += found
        if registration is not None:
            entry = Entry(registration, "/".join(relative.parts))
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


def _registration_documents(root: Path, last_year: int | None = None) -> tuple[list[tuple[PurePosixPath, Document]], list[Problem]]:
    base = root / REGISTRATIONS_DIR
    real_root = root.resolve()
    documents, problems = [], []
    for path in _walk(base):
        shown = display_path(path)
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if last_year is not None and _later_year(relative, last_year):
            continue
        problem = _path_problem(path, relative, real_root, shown)
        if problem:
            problems.append(problem)
            continue
        document, found = REGISTRATION_FILES.load(path, shown)
        problems += found
        if document is not None:
            documents.append((relative, document))
    return documents, problems


def _later_year(relative: PurePosixPath, last_year: int) -> bool:
    year = relative.parts[1] if len(relative.parts) > 2 else ""
    return year.isdigit() and int(year) > last_year


def _walk(base: Path):
    """Every non-hidden file below `base`, in a stable order, following no directory links."""
    if not base.is_dir():
        return
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name
        for name in subfolders:
            if (Path(folder) / name).is_symlink():
                yield Path(folder) / name


def _path_problem(path: Path, relative: PurePosixPath, real_root: Path, shown: str) -> Problem | None:
    if path.is_symlink() and not _inside(path, real_root):
        return Problem.at(shown, (1, 1), "", "symlink_outside")
    if path.is_dir():
        return Problem.at(shown, (1, 1), "", "symlink_folder")
    if path.suffix != ".yml" or not is_slug(path.stem):
        return Problem.at(shown, (1, 1), "", "bad_filename")
    where = RegistrationPath.of(relative)
    if where is None or not where.year.isdigit():
        return Problem.at(shown, (1, 1), "", "misplaced_file")
    return None


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
