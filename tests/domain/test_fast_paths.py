"""The shortcuts taken for speed give exactly what the long way gives.

- A second load of the same content answers unchanged files from filecache.py,
  yet still sees every edit, every cross-file rule and every change of
  units.yml or of the "as of" date.
- `fold`, the plain-text path of `render_markdown` and `relative_url` equal the
  straightforward versions they replace, on real and on random text.
- `load.parse_data` (the walk without positions) gives the data of the full walk
  whenever it answers, and leaves every document with a problem (or anything
  unusual) to it; the walk of the registrations folder sees the files, paths and
  problems the pathlib version saw; the cycle collector is left as it was found.

No timings here: those are in bench/.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import math
import os
import posixpath
import random
import sys
import unicodedata
from pathlib import Path, PurePosixPath

import nh3
import pytest
import yaml
from conftest import AS_OF, DIFFICULT, REG_PATH, UNITS_YML, dump
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.domain import text as text_module
from generator.domain.content import _registration_documents, load_content
from generator.domain.filecache import KnownDocument, RegistrationFiles
from generator.domain.load import display_path, load_document, parse_data, parse_document, read_text
from generator.domain.schema import is_slug
from generator.domain.text import fold, render_markdown
from generator.domain.validate import RegistrationPath
from generator.site.pages.view import relative_url

DEMO = Path(__file__).resolve().parents[2] / "content"
P = REG_PATH


# ---------------------------------------------------------------- second loads


def test_second_load_gives_the_same_registrations(content):
    content.registration()
    content.registration(kind="breakthrough", id="2024-stc-02", path="registrations/2024/so-tai-chinh/2024-stc-02.yml")
    first, second = content.load(), content.load()
    assert [e.registration for e in second.entries] == [e.registration for e in first.entries]
    assert [e.source for e in second.entries] == [e.source for e in first.entries]


def test_an_edit_of_the_same_size_is_seen(content):
    content.registration()
    assert content.errors() == []
    path = content.root / P.removeprefix("content/")
    path.write_text(path.read_text(encoding="utf-8").replace("in_progress", "in_pro9ress"), encoding="utf-8")
    assert [e.split(": ")[1] for e in content.errors()] == ["status"]


def test_an_edit_is_reported_on_the_next_load(content):
    content.registration()
    assert content.errors() == []
    content.registration(status="finished")
    assert [e.split(": ")[1] for e in content.errors()] == ["status"]


def test_a_duplicate_key_is_reported_on_every_load(content):
    content.registration(tail="title: Tên khác\n")
    assert content.errors() == content.errors() != []


def test_a_new_file_with_a_known_id_is_a_duplicate(content):
    content.registration()
    content.load()
    content.registration(path="registrations/2025/so-tai-chinh/2024-stc-01.yml", year=2025, registered_on=dt.date(2025, 3, 1), schedule={"due": dt.date(2025, 12, 31)})
    assert any("2024-stc-01" in e and "registrations/2025" in e for e in content.errors(as_of=dt.date(2025, 12, 31)))


def test_a_change_of_units_is_seen_by_kept_files(content):
    content.registration()
    assert content.errors() == []
    content.units(UNITS_YML.replace("  - id: so-tai-chinh\n    name: Sở Tài chính\n", "  - id: so-tai-chinh\n    name: Sở Tài chính\n    until: 2023-06-30\n"))
    assert [e.split(": ")[1] for e in content.errors()] == ["registrant.unit"]


def test_a_change_of_the_as_of_date_is_seen_by_kept_files(content):
    content.registration(updates=[{"date": dt.date(2024, 10, 1), "text": "Đã rà soát."}])
    assert content.errors() == []
    assert [e.split(": ")[1] for e in content.errors(as_of=dt.date(2024, 9, 1))] == ["updates.0.date"]


def test_a_known_document_gives_positions_when_asked(tmp_path):
    path = tmp_path / "registrations" / "2024" / "so-tai-chinh" / "x.yml"
    path.parent.mkdir(parents=True)
    path.write_text("id: x\ntitle: T\n", encoding="utf-8")
    document, problems = RegistrationFiles().load(path)
    assert isinstance(document, KnownDocument) and problems == []
    document.forget()  # as after it was found valid: nothing but where it came from
    assert document.mark(("title",)) == (2, 8) and document.data == {"id": "x", "title": "T"}


def test_a_file_with_a_duplicate_key_is_never_kept(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("id: x\nid: y\n", encoding="utf-8")
    document, problems = RegistrationFiles().load(path)
    assert not isinstance(document, KnownDocument) and len(problems) == 1


# ---------------------------------------------------------------- text


def _reference_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def _demo_texts() -> list[str]:
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted(DEMO.glob("registrations/*/*/*.yml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def test_fold_equals_the_reference_on_demo_and_random_text():
    rng = random.Random(8)
    samples = _demo_texts() + ["ΑΣ Σ́ ς Đường ĐÀ NẴNG İstanbul ﬁ 가각 e\u0301\u0323"]
    for _ in range(3000):
        samples.append("".join(chr(rng.choice([rng.randrange(0x250), rng.randrange(0x300, 0x370), rng.randrange(0x1E00, 0x1F00), rng.randrange(0x110000)])) for _ in range(20)))
    for sample in samples:
        assert fold(sample) == _reference_fold(sample), repr(sample)


def _through_markdown(text: str) -> str:
    md = text_module._MD
    md.reset()
    rendered = md.convert(text_module._shift_headings(text))
    return nh3.clean(rendered, tags=text_module._ALLOWED_TAGS, attributes=text_module._ALLOWED_ATTRIBUTES, url_schemes={"http", "https"}, link_rel="noopener noreferrer")


def test_plain_blocks_skip_markdown_with_the_same_result():
    rng = random.Random(8)
    alphabet = "aăâđeêoôơuưy ÀẢ.,;:-+=()'\"/?%$@!~^{}0123456789\u00a0\t\\\r\u2028\u200b"
    samples = [t for t in _demo_texts() if t.endswith("\n")]
    samples += ["---\n", "- \n", "a  \n", "a\u00a0b\n", "a\tb\n", "a\rb\n", "1.\n", "Tỷ lệ 50%\n"]
    for _ in range(5000):
        samples.append(rng.choice("aAđƯ1-") + "".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) + "\n" * rng.randint(1, 2))
    plain = [sample for sample in samples if text_module._plain_block(sample)]
    assert len(plain) > 100  # the shortcut is taken, not only declined
    for sample in plain:
        assert render_markdown(sample) == f"<p>{html.escape(sample.strip(), quote=False)}</p>" == _through_markdown(sample), repr(sample)


def test_relative_url_equals_posixpath_relpath():
    def reference(target: str, current: str) -> str:
        path = posixpath.relpath(target.rstrip("/") or ".", current.rstrip("/") or ".")
        return "./" if path == "." else path + "/"

    rng = random.Random(8)
    segments = ["", "a", "b", "dang-ky", "don", ".", "..", "c.d"]
    for _ in range(20000):
        target = "/".join(rng.choice(segments) for _ in range(rng.randrange(4))) + rng.choice(["", "/", "//"])
        current = "/".join(rng.choice(segments) for _ in range(rng.randrange(4))) + rng.choice(["", "/"])
        assert relative_url(target, current) == reference(target, current), (target, current)


# ---------------------------------------------------------------- loading: the walk without positions

BASE = dump(DIFFICULT)


def _same(fast, slow) -> bool:
    """Equal data, with equal types and key order at every level (and NaN equal to NaN)."""
    if type(fast) is not type(slow):
        return False
    if isinstance(fast, dict):
        return list(fast) == list(slow) and all(_same(fast[k], slow[k]) for k in fast)
    if isinstance(fast, list):
        return len(fast) == len(slow) and all(_same(a, b) for a, b in zip(fast, slow))
    if isinstance(fast, float) and math.isnan(fast):
        return math.isnan(slow)
    return fast == slow


def _agrees_with_the_full_walk(text: str) -> bool:
    """Whether parse_data answered; when it does, the full walk finds no problem and the same data."""
    fast = parse_data(text)
    document, problems = parse_document(text, "x.yml")
    if fast is not None:
        assert document is not None and problems == [], problems
        assert _same(fast, document.data), (fast, document.data)
    return fast is not None


# Valid documents that hold what could look unusual to a scan of the text: the short way takes them.
SHORT_WAY = {
    "& and * in quoted text": BASE + "title_note: \"&a *b !c <<: d # e\"\nother: '*x &y'\n",
    "& and * in plain text": BASE.replace("title: ", "title: R&D *không* 5 * 3 a&b ", 1),
    "indicators in a block scalar": BASE + "note: |\n  &anchor *alias !tag <<: merge\n  - [x]\n",
    "tab inside a block scalar": BASE + "note: |\n  a\n  \tthụt\tlề\n",
    "tab inside a plain value": BASE.replace("title: ", "title: a\tb ", 1),
    "tab inside a quoted value": BASE + 'note: "a\tb"\n',
    "flow sequences and comments": BASE + "# chú thích\ntags: [dat-dai, ocop]  # cuối dòng\n",
    "quoted keys and `<<` quoted": BASE + "\"quoted\": 1\n'<<': text\n",
    "`<<`, `=`, yes, ~ as values": BASE + "a: <<\nb: =\nc: yes\nd: ~\ne: on\nf: 0x1F\ng: 1:30\nh: .nan\ni: 1.5e3\nj:\n",
    "typed-looking keys stay text": BASE + "1: một\ntrue: đúng\nnull: rỗng\n2024-01-01: ngày\n",
    "document markers": "---\n" + BASE + "...\n",
    "folded, kept and multi-line scalars": BASE + "a: >-\n  dòng\n  nối\nb: |+\n  giữ\n\nc: dòng một\n  dòng hai\nd: 'it''s'\ne: \"\\u00e9\\n\"\n",
    "nested mappings and lists": BASE + "updates:\n- date: 2024-06-30\n  progress: 40\n  text: Đã rà soát.\n- {date: 2024-07-01, text: x}\n",
    "a mapping as deep as allowed": BASE + "deep: " + "[" * 40 + "]" * 40 + "\n",
}

# Documents the full walk refuses, reports or must judge: the short way leaves them to it.
LONG_WAY = {
    "anchor": BASE.replace("title: ", "title: &t ", 1),
    "alias": BASE.replace("title: ", "title: &t ", 1) + "other: *t\n",
    "alias alone": BASE + "other: *t\n",
    "anchor on a mapping": BASE.replace("schedule:", "schedule: &s", 1),
    "anchor on a key": BASE + "&k key: v\n",
    "merge key": BASE.replace("schedule:\n", "schedule:\n  <<: {due: 2024-01-01}\n", 1),
    "merge key at the top": BASE + "<<: {a: 1}\n",
    "duplicate key": BASE + "title: Lặp\n",
    "duplicate key in a mapping": BASE.replace("  position:", "  name: Trùng\n  position:", 1),
    "duplicate key in a list item": BASE + "updates:\n- date: 2024-06-30\n  text: a\n  text: b\n",
    "duplicate key in a flow mapping": BASE + "x: {a: 1, a: 2}\n",
    "tab indentation": BASE.replace("\n  unit:", "\n\tunit:", 1),
    "tab opening a block scalar": BASE + "note: |\n  \tthụt\n",
    "tag !!str": BASE.replace("title: ", "title: !!str ", 1),
    "tag !!binary": BASE + "x: !!binary aGVsbG8=\n",
    "local tag": BASE.replace("status: ", "status: !custom ", 1),
    "non-specific tag": BASE.replace("title: ", "title: ! ", 1),
    "tag on a key": BASE + "!!str k: v\n",
    "tag on a list": BASE + "tags: !!seq [a]\n",
    "complex key": BASE + "? [a, b]\n: c\n",
    "two documents": BASE + "---\na: 1\n",
    "empty": "",
    "only a comment": "# chỉ có chú thích\n",
    "a list": "- a\n- b\n",
    "a text": "văn bản\n",
    "too deep": BASE + "deep: " + "[" * 45 + "]" * 45 + "\n",
    "syntax error": BASE + "broken: [\n",
    "unclosed quote": BASE + 'broken: "abc\n',
}


@pytest.mark.parametrize("text", SHORT_WAY.values(), ids=SHORT_WAY.keys())
def test_valid_documents_take_the_short_way_to_the_same_data(text):
    assert _agrees_with_the_full_walk(text)


@pytest.mark.parametrize("text", LONG_WAY.values(), ids=LONG_WAY.keys())
def test_documents_with_anything_unusual_take_the_long_way(text):
    assert not _agrees_with_the_full_walk(text)


READ_AS_PLAIN = {  # read_text turns these into text the short way takes
    "BOM and CRLF": b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode(),
    "NFD text": unicodedata.normalize("NFD", BASE + "tiếng: việt\n").encode(),
}
FILES = {
    **{f"short: {k}": v.encode() for k, v in SHORT_WAY.items()},
    **{f"long: {k}": v.encode() for k, v in LONG_WAY.items()},
    **READ_AS_PLAIN,
    "control character": BASE.replace("title: ", "title: a\x07", 1).encode(),
    "next line": BASE.replace("title: ", "title: a\u0085b", 1).encode(),
    "invalid UTF-8": BASE.encode()[:50] + b"\xff" + BASE.encode()[50:],
}


@pytest.mark.parametrize("data", FILES.values(), ids=FILES.keys())
def test_a_file_loads_to_the_same_data_and_problems_either_way(tmp_path, data):
    path = tmp_path / "x.yml"
    path.write_bytes(data)
    document, problems = load_document(path)
    kept, found = RegistrationFiles().load(path)
    assert [p.render() for p in found] == [p.render() for p in problems]
    assert (kept is None) == (document is None)
    if kept is not None:
        assert _same(kept.data, document.data)
        assert kept.mark(("title",)) == document.mark(("title",))


@pytest.mark.parametrize("data", READ_AS_PLAIN.values(), ids=READ_AS_PLAIN.keys())
def test_bom_crlf_and_nfd_files_take_the_short_way(tmp_path, data):
    path = tmp_path / "x.yml"
    path.write_bytes(data)
    assert _agrees_with_the_full_walk(read_text(path, "x.yml")[0])
    assert "tiếng" in RegistrationFiles().load(path)[0].data or b"\r\n" in data


YAMLISH = st.sampled_from(
    list(":-[]{}#&*!|>'\",? \n\t\\") + ["\n  ", ": ", "- ", "---\n", "...\n", "<<: ", "&a ", "*a", "!!str ", "!x ", "? ", "\ntitle: x", "\n  name: y"]
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=True),
    st.text(max_size=20), st.dates().map(dt.date.isoformat), st.sampled_from(["<<", "=", "yes", "~", "0x1F", "1:30", "&a", "*a", "!x", "a\tb"]),
)  # fmt: skip
KEYS = st.sampled_from(["title", "name", "<<", "=", "1", "true", "a b", "&a", "x:y"]) | st.text(max_size=6)
STRUCTURES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5), max_leaves=25
)
LOADING = settings(max_examples=400, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def yaml_texts(draw) -> str:
    """Dumped structures in block or flow style, sometimes cut and spliced with YAML syntax."""
    data = draw(st.dictionaries(KEYS, STRUCTURES, min_size=1, max_size=6))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=draw(st.sampled_from([False, None, True])))
    if draw(st.booleans()):
        rng = random.Random(draw(st.integers(0, 2**32)))
        at, length = rng.randrange(len(text) + 1), rng.randrange(6)
        text = text[:at] + draw(st.one_of(YAMLISH, st.text(max_size=4))) + text[at + length :]
    return text


@LOADING
@given(yaml_texts())
def test_the_short_way_agrees_with_the_full_walk_on_generated_yaml(text):
    _agrees_with_the_full_walk(text)


def test_generated_yaml_mostly_takes_the_short_way():
    """The property above is not vacuous: most generated documents are answered the short way."""
    answered = []
    rng = random.Random(8)
    for _ in range(300):
        data = {rng.choice(["a", "b", "c", "d"]) + str(i): rng.choice([1, "x", None, [1, "y"], {"k": "v"}, "2024-01-01", True]) for i in range(5)}
        answered.append(_agrees_with_the_full_walk(yaml.safe_dump(data, allow_unicode=True, default_flow_style=rng.choice([False, None]))))
    assert all(answered) and len(answered) == 300


# ---------------------------------------------------------------- loading: the registrations folder


def _reference_documents(root: Path, last_year: int | None = None):
    """The walk as it was, with pathlib: (source, place, shown path) of each file read, and the problems."""
    base = root / "registrations"
    real_root = root.resolve()

    def inside(path):
        try:
            return path.resolve().is_relative_to(real_root)
        except (OSError, RuntimeError):
            return True

    def walk():
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

    found, problems = [], []
    for path in walk():
        shown = display_path(path)
        relative = PurePosixPath(path.relative_to(root).as_posix())
        year = relative.parts[1] if len(relative.parts) > 2 else ""
        if last_year is not None and year.isdigit() and int(year) > last_year:
            continue
        where = RegistrationPath.of(relative)
        if path.is_symlink() and not inside(path):
            problems.append((shown, "symlink_outside"))
        elif path.is_dir():
            problems.append((shown, "symlink_folder"))
        elif path.suffix != ".yml" or not is_slug(path.stem):
            problems.append((shown, "bad_filename"))
        elif where is None or not where.year.isdigit():
            problems.append((shown, "misplaced_file"))
        else:
            document, more = load_document(path)
            problems += [(p.path, p.code) for p in more]
            if document is not None:
                found.append(("/".join(relative.parts), where, document.path))
    return found, problems


def _tricky_tree(root: Path, outside: Path) -> None:
    files = [
        "2024/so-tai-chinh/2024-stc-01.yml", "2024/so-tai-chinh/2024-stc-02.yml", "2024/so-tai-chinh/a.b.yml",
        "2024/so-tai-chinh/Hoa.yml", "2024/so-tai-chinh/x.yaml", "2024/so-tai-chinh/yml", "2024/so-tai-chinh/.an.yml",
        "2024/.an/x.yml", "2024/so-tai-chinh/sau/x.yml", "2024/x.yml", "x.yml", "abcd/u/x.yml", "2023/u/x.yml",
        "2025/u/x.yml", "2025/u/hong.yml", "2024/b/bad.yml",
    ]  # fmt: skip
    for name in files:
        (root / "registrations" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "registrations" / name).write_text(BASE if "hong" not in name else "a: [\n", encoding="utf-8")
    outside.mkdir()
    (outside / "secret.yml").write_text("a: 1\n", encoding="utf-8")
    links = {
        "2024/so-tai-chinh/link-in.yml": root / "registrations/2024/so-tai-chinh/2024-stc-01.yml",
        "2024/so-tai-chinh/link-out.yml": outside / "secret.yml",
        "2024/so-tai-chinh/dangling.yml": root / "nowhere.yml",
        "2024/folder-in": root / "registrations/2023",
        "2024/folder-out": outside,
        "2024/loop.yml": root / "registrations/2024/loop.yml",
    }
    for name, target in links.items():
        os.symlink(target, root / "registrations" / name)


@pytest.mark.parametrize("where", ["inside", "outside", "relative"])
def test_the_folder_walk_finds_what_the_pathlib_walk_found(tmp_path, monkeypatch, where):
    root = tmp_path / "content"
    _tricky_tree(root, tmp_path / "outside")
    monkeypatch.chdir({"inside": tmp_path, "outside": "/", "relative": root / "registrations"}[where])
    arg = Path(os.path.relpath(root)) if where == "relative" else root
    for last_year in (None, 2024):
        documents, problems = _registration_documents(arg, RegistrationFiles(), last_year)
        expected, expected_problems = _reference_documents(arg, last_year)
        assert [(source, place, document.path) for source, place, document in documents] == expected
        assert [(p.path, p.code) for p in problems] == expected_problems
        assert len(expected) >= 3 and {code for _, code in expected_problems} >= {"symlink_outside", "symlink_folder", "bad_filename", "misplaced_file"}


# ---------------------------------------------------------------- loading: small rewrites


def test_blank_text_is_found_without_stripping_it():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    assert [c for c in every if (not c.strip()) != (not c or c.isspace())] == []
    for text in ["", " ", "\n\t", "\u3000\u2028", " a ", "\u200b", "Không"]:
        assert (not text.strip()) == (not text or text.isspace())


def test_loading_leaves_the_cycle_collector_as_it_found_it(content, capsys):
    content.registration()
    assert gc.isenabled()
    load_content(content.root, AS_OF)
    assert gc.isenabled()
    gc.disable()
    try:
        load_content(content.root, AS_OF)
        assert not gc.isenabled()
    finally:
        gc.enable()
    for text in (BASE, BASE + "title: Lặp\n"):
        content.registration(text)
        main(["validate", "--content", "content", "--as-of", AS_OF.isoformat()])
        assert gc.isenabled()
    capsys.readouterr()
