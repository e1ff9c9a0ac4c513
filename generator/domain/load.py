"""Files → parsed YAML documents that remember where every value stood.

The loader walks PyYAML's event stream itself instead of letting PyYAML build
objects, so that it can refuse anchors, aliases and merge keys before anything
is expanded, catch duplicate keys, keep dates as text for the schema to judge,
and record the line and column of every key and value.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

MAX_BYTES = 1 << 20
MAX_DEPTH = 40
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}
_TEXT_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}
_COLLECTION_TAGS = {yaml.MappingStartEvent: "tag:yaml.org,2002:map", yaml.SequenceStartEvent: "tag:yaml.org,2002:seq"}
MAX_NUMBER_LENGTH = 100  # characters of a plain number; no field needs more, Python stops at 4,300 digits
# A plain `<<` or `=` resolves to these; they mean something only as keys (refused there), so as values they are text.
_IMPLICIT_TEXT_TAGS = {"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}
# C0 and C1 controls but tab, LF and CR; and what YAML would read as a line break or refuse
# (NEL, U+2028, U+2029, U+FFFE, U+FFFF), which would throw the line numbers off or fail later.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
Mark = tuple[int, int]
FieldPath = tuple[Any, ...]


@dataclass
class Document:
    """One YAML file: its data, and the position of every value and key in it."""

    path: str
    data: Any
    marks: dict[FieldPath, Mark] = field(default_factory=dict)
    key_marks: dict[FieldPath, Mark] = field(default_factory=dict)

    def mark(self, loc: FieldPath) -> Mark:
        """The position of the value at `loc`, or of its nearest enclosing value."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.marks:
                return self.marks[loc[:end]]
        return (1, 1)

    def key_mark(self, loc: FieldPath) -> Mark:
        return self.key_marks.get(loc) or self.mark(loc)


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def display_path(path: Path) -> str:
    """A path as the user should read it: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def read_text(path: Path | str, shown: str) -> tuple[str | None, list[Problem]]:
    """Read a content file as NFC text, refusing large, binary or non-UTF-8 files."""
    try:
        raw, size = _read_regular(path)
    except OSError as error:  # a dangling link, a loop of links, a folder named like a file, no permission
        return None, [Problem.at(shown, (1, 1), "", "unreadable", detail=error.strerror or error)]
    if raw is None:
        return None, [Problem.at(shown, (1, 1), "", "not_a_file")]
    if size > MAX_BYTES:
        return None, [Problem.at(shown, (1, 1), "", "too_large", limit=MAX_BYTES, size=size)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem.at(shown, (line, 1), "", "not_utf8", position=error.start)]
    found = _CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        return None, [Problem.at(shown, (line, found.start() - text.rfind("\n", 0, found.start())), "", "binary")]
    return unicodedata.normalize("NFC", text), []


def _read_regular(path: Path | str) -> tuple[bytes | None, int]:
    """The bytes of a regular file and its size; None for a pipe, device or socket.

    Opened without blocking (reading a named pipe would wait for a writer forever)
    and never read past the limit, even if the file grows after it was measured.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, 0
        if info.st_size > MAX_BYTES:
            return b"", info.st_size
        # Ask for the measured size (+1 to notice growth): asking for the whole limit
        # makes Python set aside 1 MiB for every small file, a quarter of `dotpha validate`.
        limit = MAX_BYTES + 1
        raw = _read_up_to(fd, info.st_size + 1)
        if info.st_size < len(raw) < limit:  # it grew since it was measured: read on, up to the limit
            raw += _read_up_to(fd, limit - len(raw))
    finally:
        os.close(fd)
    return raw, max(len(raw), info.st_size)


def _read_up_to(fd: int, count: int) -> bytes:
    """`count` bytes, or all there are: what a buffered file's read(count) gives, without making one."""
    chunks = []
    while count > 0 and (chunk := os.read(fd, count)):
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def parse_document(text: str, shown: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into a Document, or return the problems that stop it."""
    document = Document(shown, None)
    problems: list[Problem] = []
    loader = Loader(text)
    try:
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None, [Problem.at(shown, (1, 1), "", "empty_file")]
        loader.get_event()  # DocumentStart
        document.data = _build(loader, document, (), problems)
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.peek_event()
            problems.append(Problem.at(shown, _mark(event), "", "multi_document"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            return None, [Problem.at(shown, where, "", "tab")]
        return None, [Problem.at(shown, where, "", "yaml_syntax", detail=error.problem or str(error))]
    except yaml.YAMLError as error:
        return None, [Problem.at(shown, (1, 1), "", "yaml_syntax", detail=str(error))]
    except _Refused as refused:
        return None, [refused.problem]
    finally:
        loader.dispose()
    if document.data is None:
        return None, [Problem.at(shown, (1, 1), "", "empty_file")]
    if not isinstance(document.data, dict):
        return None, [Problem.at(shown, (1, 1), "", "not_mapping")]
    return document, problems


def parse_data(text: str, scalars: dict[str, Any] | None = None) -> dict | None:
    """The data `parse_document` gives for a mapping it finds no problem in, without positions;
    None when it might find one (or when the text holds anything unusual): ask it then.

    The common valid document is walked without recording a position per value,
    and stops at the first event that the full walk would judge or report:
    an anchor, an alias, a tag, a key that is not plain text, `<<`, a duplicate
    key, deep nesting, a syntax error, a second document.

    `scalars` remembers the value of short plain scalars for the next files read by the
    same owner (the dates, numbers and nulls that recur in every file of a content folder).
    """
    loader = Loader(text)
    scalars = {} if scalars is None else scalars
    get = loader.get_event
    try:
        get()  # StreamStart
        if get().__class__ is not yaml.DocumentStartEvent:
            return None
        root = get()
        if root.__class__ is not yaml.MappingStartEvent:
            return None
        data = _plain_node(loader, root, 0, scalars)
        get()  # DocumentEnd
        return data if get().__class__ is yaml.StreamEndEvent else None
    except (_Unusual, yaml.YAMLError):
        return None
    finally:
        loader.dispose()


class _Unusual(Exception):
    """Something parse_data leaves to the full walk."""


# The first characters of the plain scalars an implicit resolver may claim (null, bool, numbers,
# dates, `<<`...): any other plain scalar is text.  None: every one must be resolved.
_MAYBE_TYPED = None if None in Loader.yaml_implicit_resolvers else frozenset(Loader.yaml_implicit_resolvers)
def _plain_node(loader: Any, event: Any, depth: int, scalars: dict[str, Any]) -> Any:
    kind = event.__class__
    if event.anchor is not None or depth > MAX_DEPTH or kind is yaml.AliasEvent:
        raise _Unusual
    if kind is yaml.ScalarEvent:
        if event.tag is not None:
            raise _Unusual
        value = event.value
        if not event.implicit[0] or (_MAYBE_TYPED is not None and value[:1] not in _MAYBE_TYPED):
            return value
        return _typed_scalar(loader, event, scalars)
    if event.tag is not None:
        raise _Unusual
    get = loader.get_event
    if kind is yaml.SequenceStartEvent:
        items = []
        while (item := get()).__class__ is not yaml.SequenceEndEvent:
            items.append(_plain_node(loader, item, depth + 1, scalars))
        return items
    mapping: dict[str, Any] = {}
    while (key := get()).__class__ is not yaml.MappingEndEvent:
        if key.__class__ is not yaml.ScalarEvent or key.anchor is not None or key.tag is not None:
            raise _Unusual
        name = key.value
        if name in mapping or (name == "<<" and key.implicit[0]):
            raise _Unusual
        mapping[name] = _plain_node(loader, get(), depth + 1, scalars)
    return mapping


def _typed_scalar(loader: Any, event: Any, scalars: dict[str, Any]) -> Any:
    """The value of a plain scalar that may not be text; it depends on its text alone."""
    text = event.value
    value = scalars.get(text, scalars)
    if value is not scalars:
        return value
    tag = loader.resolve(yaml.ScalarNode, text, event.implicit)
    if tag in _TEXT_TAGS or tag in _IMPLICIT_TEXT_TAGS:
        value = text
    elif tag in _PLAIN_TAGS and len(text) <= MAX_NUMBER_LENGTH:
        value = loader.construct_object(yaml.ScalarNode(tag, text))
    else:
        raise _Unusual
    if len(text) <= 20 and len(scalars) < 8192:
        scalars[text] = value
    return value


def load_document(path: Path) -> tuple[Document | None, list[Problem]]:
    shown = display_path(path)
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    return parse_document(text, shown)


def _mark(event: Any) -> Mark:
    return (event.start_mark.line + 1, event.start_mark.column + 1)


def _build(loader: Any, document: Document, loc: FieldPath, problems: list[Problem]) -> Any:
    event = loader.get_event()
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise _Refused(Problem.at(document.path, _mark(event), dotted(loc), "alias"))
    if len(loc) > MAX_DEPTH:
        raise _Refused(Problem.at(document.path, _mark(event), dotted(loc), "too_deep", limit=MAX_DEPTH))
    document.marks[loc] = _mark(event)
    if isinstance(event, yaml.ScalarEvent):
        return _scalar(loader, event, document, loc)
    if event.tag is not None and event.tag != _COLLECTION_TAGS[event.__class__]:  # !!set, !!python/object...
        raise _Refused(Problem.at(document.path, _mark(event), dotted(loc), "yaml_tag", tag=_short(event.tag)))
    if isinstance(event, yaml.SequenceStartEvent):
        items = []
        while not loader.check_event(yaml.SequenceEndEvent):
            items.append(_build(loader, document, (*loc, len(items)), problems))
        loader.get_event()
        return items
    return _mapping(loader, document, loc, problems)


def _mapping(loader: Any, document: Document, loc: FieldPath, problems: list[Problem]) -> dict:
    mapping: dict[str, Any] = {}
    while not loader.check_event(yaml.MappingEndEvent):
        key_event = loader.get_event()
        where = _mark(key_event)
        if isinstance(key_event, yaml.AliasEvent) or getattr(key_event, "anchor", None):
            raise _Refused(Problem.at(document.path, where, dotted(loc), "alias"))
        if not isinstance(key_event, yaml.ScalarEvent):
            raise _Refused(Problem.at(document.path, where, dotted(loc), "bad_key"))
        if key_event.tag not in (None, "!", "tag:yaml.org,2002:str"):
            raise _Refused(Problem.at(document.path, where, dotted(loc), "yaml_tag", tag=_short(key_event.tag)))
        key = key_event.value
        if key == "<<" and key_event.implicit[0]:
            raise _Refused(Problem.at(document.path, where, dotted(loc), "merge_key"))
        if key in mapping:
            first = document.key_marks[(*loc, key)]
            problems.append(Problem.at(document.path, where, dotted((*loc, key)), "duplicate_key", first_line=first[0]))
            _build(loader, Document(document.path, None), (*loc, key), problems)
            continue
        document.key_marks[(*loc, key)] = where
        mapping[key] = _build(loader, document, (*loc, key), problems)
    loader.get_event()
    return mapping


def _scalar(loader: Any, event: Any, document: Document, loc: FieldPath) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag in _TEXT_TAGS or (event.tag is None and tag in _IMPLICIT_TEXT_TAGS):
        return event.value
    if tag in _PLAIN_TAGS and len(event.value) > MAX_NUMBER_LENGTH:  # Python refuses ints of 4,300 digits
        raise _Refused(Problem.at(document.path, _mark(event), dotted(loc), "number_too_long", digits=len(event.value)))
    if tag in _PLAIN_TAGS:
        return loader.construct_object(yaml.ScalarNode(tag, event.value))
    raise _Refused(Problem.at(document.path, _mark(event), dotted(loc), "yaml_tag", tag=_short(tag)))


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def dotted(loc: FieldPath) -> str:
    return ".".join(str(part) for part in loc)


