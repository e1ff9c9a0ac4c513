"""Registrations already read and checked, kept for the next load in the same process.

`dotpha build` validates the content before MkDocs runs and the plugin loads it
again; `dotpha serve` reloads everything on every save.  Parsing and checking
the files is most of that work, and a file that says the same thing gives the
same registration again.  So a file whose text is the one it had (compared by
digest: reading 20,000 small files is cheap, parsing them is not), checked
against an equal units.yml, the same "as of" date and at the same place in the
tree, is not parsed or checked again.  Comparing texts, not modification
times, leaves no window in which an edit could go unseen.

Only files that were valid are kept, and only their Registration and digest (a
parsed document with its positions costs about 20 KB; 20,000 of them would not
fit the memory budget).  The rules that look across files still run on every
load; when one of them needs a position in a kept file, `KnownDocument` parses
the text it was given, which happens only for the files it reports or inspects.

This relies on `validate_registration` depending on nothing but the document,
its place, units.yml and the "as of" date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

from .load import Document, display_path, parse_document, read_text
from .problems import Problem
from .schema import Registration, UnitsFile
from .validate import RegistrationPath, validate_registration


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class KnownDocument(Document):
    """A document whose text was valid before: parsed only if a position is asked for."""

    def __init__(self, shown: str, text: str, file: str, digest: bytes):
        self.path = shown
        self.text = text
        self.file = file
        self.digest = digest

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not set yet: data, marks, key_marks.
        if name not in ("data", "marks", "key_marks"):
            raise AttributeError(name)
        document, _ = parse_document(self.text, self.path)
        self.data, self.marks, self.key_marks = document.data, document.marks, document.key_marks
        return getattr(self, name)


class RegistrationFiles:
    """The valid registrations of earlier loads, by absolute file path."""

    def __init__(self) -> None:
        self._valid: dict[str, tuple[bytes, tuple, Registration]] = {}
        self._units: UnitsFile | None = None
        self._units_generation = 0

    def load(self, path: Path) -> tuple[Document | None, list[Problem]]:
        """What load.load_document gives, or a KnownDocument if the text is one found valid before."""
        shown = display_path(path)
        text, problems = read_text(path, shown)
        if text is None:
            return None, problems
        file, digest = os.path.abspath(path), _digest(text)
        kept = self._valid.get(file)
        if kept is not None and kept[0] == digest:
            return KnownDocument(shown, text, file, digest), []
        document, problems = parse_document(text, shown)
        if document is not None and not problems:  # a duplicate key comes with a document: not valid
            document.file_digest = (file, digest)
        return document, problems

    def validate(
        self, document: Document, where: RegistrationPath | None, units: UnitsFile, as_of: dt.date
    ) -> tuple[Registration | None, list[Problem]]:
        """validate_registration, answered from the kept registration when nothing it depends on changed."""
        context = (self._units_key(units), as_of, where)
        if isinstance(document, KnownDocument):
            digest, kept_context, registration = self._valid[document.file]
            if kept_context == context and digest == document.digest:
                return registration, []
            file, digest = document.file, document.digest
        else:
            file, digest = getattr(document, "file_digest", (None, None))
        registration, problems = validate_registration(document, where, units, as_of)
        if registration is not None and not problems and file is not None:
            self._valid[file] = (digest, context, registration)
        return registration, problems

    def _units_key(self, units: UnitsFile) -> int:
        """A number that changes when units.yml says something else."""
        if units is not self._units and units != self._units:
            self._units_generation += 1
        self._units = units
        return self._units_generation


REGISTRATION_FILES = RegistrationFiles()
