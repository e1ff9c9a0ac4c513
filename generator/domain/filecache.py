"""Registrations already read and checked, kept by their owner for its next load.

`dotpha serve` reloads the content on every save (its session owns a
`RegistrationFiles`); a single load uses a fresh one.  Parsing and checking
the files is most of that work, and a file that says the same thing gives the
same registration again.  So a file whose text is the one it had (compared by
digest: reading 20,000 small files is cheap, parsing them is not), checked
against an equal units.yml, the same "as of" date and at the same place in the
tree, is not parsed or checked again.  Comparing texts, not modification
times, leaves no window in which an edit could go unseen.

Only files that were valid are kept, and only their Registration and digest (a
parsed document with its positions costs about 20 KB; 20,000 of them would not
fit the memory budget).  The rules that look across files still run on every
load; when one of them needs a position in a valid file, `KnownDocument` reads
and parses it again, which happens only for the files it reports or inspects.

This relies on `validate_registration` depending on nothing but the document,
its place, units.yml and the "as of" date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

from .load import Document, display_path, parse_data, parse_document, read_text
from .problems import Problem
from .schema import Registration, UnitsFile
from .validate import RegistrationPath, validate_registration


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class KnownDocument(Document):
    """A document that parsed without a problem, holding its data until it is
    checked and no positions: those (and, once checked, the data) are read again
    from its file only if a rule asks for them.  20,000 parsed documents with
    their positions would take about 400 MB while the content loads."""

    def __init__(self, shown: str, file: str, digest: bytes, data: Any = None):
        self.path = shown
        self.file = file
        self.digest = digest
        if data is not None:
            self.data = data

    def forget(self) -> None:
        for name in ("data", "marks", "key_marks"):
            self.__dict__.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not set: data, marks, key_marks.
        if name not in ("data", "marks", "key_marks"):
            raise AttributeError(name)
        text, _ = read_text(Path(self.file), self.path)
        document = parse_document(text, self.path)[0] if text is not None else None
        loaded = document or Document(self.path, {})  # changed into something unreadable since: no positions
        self.data, self.marks, self.key_marks = loaded.data, loaded.marks, loaded.key_marks
        return getattr(self, name)


class RegistrationFiles:
    """The valid registrations of earlier loads, by absolute file path."""

    def __init__(self) -> None:
        self._valid: dict[str, tuple[bytes, tuple, Registration]] = {}
        self._units: UnitsFile | None = None
        self._units_generation = 0
        self._scalars: dict[str, Any] = {}  # load.parse_data's values of short plain scalars

    def load(self, path: Path | str, shown: str | None = None) -> tuple[Document | None, list[Problem]]:
        """What load.load_document gives; a document that parsed cleanly as a KnownDocument.
        `shown` is display_path(path), when the caller has it already."""
        shown = shown or display_path(path)
        text, problems = read_text(path, shown)
        if text is None:
            return None, problems
        file, digest = os.path.abspath(path), _digest(text)
        kept = self._valid.get(file)
        if kept is not None and kept[0] == digest:
            return KnownDocument(shown, file, digest), []
        data = parse_data(text, self._scalars)
        if data is None:  # it may have problems: the full walk finds them, with their positions
            document, problems = parse_document(text, shown)
            if document is None or problems:  # a duplicate key comes with a document: never kept
                return document, problems
            data = document.data
        return KnownDocument(shown, file, digest, data), []

    def validate(
        self, document: Document, where: RegistrationPath | None, units: UnitsFile, as_of: dt.date
    ) -> tuple[Registration | None, list[Problem]]:
        """validate_registration, answered from the kept registration when nothing it depends on changed."""
        if not isinstance(document, KnownDocument):
            return validate_registration(document, where, units, as_of)
        context = (self._units_key(units), as_of, where)
        kept = self._valid.get(document.file)
        if kept is not None and kept[0] == document.digest and kept[1] == context:
            return kept[2], []
        registration, problems = validate_registration(document, where, units, as_of)
        if registration is not None and not problems:
            self._valid[document.file] = (document.digest, context, registration)
            document.forget()
        return registration, problems

    def _units_key(self, units: UnitsFile) -> int:
        """A number that changes when units.yml says something else."""
        if units is not self._units and units != self._units:
            self._units_generation += 1
        self._units = units
        return self._units_generation

