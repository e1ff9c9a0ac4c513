"""Hostile and broken content: every case ends in located problems, never a crash or a hang.

Content arrives from many units through pull requests. Besides the loader's
own tests (test_load.py), this file covers what an attacker would try (alias
bombs, huge or endless files, nesting, links out of the folder, paths in
ids) and, with hypothesis, whatever a generator can think of: every outcome
of `load_content` is a model or a non-empty list of problems with a file, a
line and a column, each rendering in both languages.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import random
import tempfile
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import AS_OF, DIFFICULT, REG_PATH, UNITS_YML, dump
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.domain.content import load_content
from generator.domain.load import MAX_BYTES, MAX_DEPTH, parse_document
from generator.domain.problems import ContentError

P = REG_PATH
REG = REG_PATH.removeprefix("content/")
BASE = dump(DIFFICULT)
OUTSIDE = "liên kết tượng trưng trỏ ra ngoài thư mục nội dung"

# Nine times nine... : a few hundred bytes that a naive loader expands to a billion strings.
ALIAS_BOMB = "lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n"
    for i in range(1, 10)
)


def rendered(problems) -> list[str]:
    return [p.render() for p in problems]


# ---------------------------------------------------------------- YAML bombs and shapes


def test_alias_bomb_is_refused_at_its_first_anchor_without_reading_on(content):
    # The syntax error at the end would be reported if the loader went past the first anchor.
    content.registration(BASE + ALIAS_BOMB + "broken: [\n")
    assert content.errors() == [f"{P}:18:7: lol0: không được dùng anchor/alias YAML (&, *)"]


def test_alias_bomb_in_units_file_is_refused(content):
    content.units(UNITS_YML + ALIAS_BOMB)
    content.registration()
    assert content.errors()[0] == "content/units.yml:34:7: lol0: không được dùng anchor/alias YAML (&, *)"


def test_alias_bomb_as_large_as_allowed_is_refused_at_once():
    bomb = ALIAS_BOMB * (MAX_BYTES // len(ALIAS_BOMB) - 1)
    assert len(bomb.encode()) < MAX_BYTES
    document, problems = parse_document(bomb, "f.yml")
    assert document is None and rendered(problems) == ["f.yml:1:7: lol0: không được dùng anchor/alias YAML (&, *)"]


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("[", "]"), ("{a: ", "}"), ("- ", "")],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_near_the_size_limit_is_refused_at_the_limit(opening, closing):
    depth = 100_000 if closing else 1_000  # block nesting grows with its indentation
    if closing:
        text = "x: " + opening * depth + "1" + closing * depth + "\n"
    else:
        text = "x:\n" + "".join(" " * (2 * i + 2) + "- \n" for i in range(depth))
    assert len(text.encode()) <= MAX_BYTES
    document, problems = parse_document(text, "f.yml")
    assert document is None
    (problem,) = problems
    assert problem.code == "too_deep" and problem.field.count(".") == MAX_DEPTH


def test_a_huge_file_is_refused_without_being_read(content):
    path = content.root / REG
    path.parent.mkdir(parents=True)
    with open(path, "wb") as sparse:  # 16 GiB that take no disk space: reading it would exhaust memory
        sparse.truncate(1 << 34)
    assert content.errors() == [f"{P}:1:1: tệp lớn hơn {MAX_BYTES} byte ({1 << 34} byte)"]


def test_a_named_pipe_is_refused_instead_of_waiting_for_a_writer(content):
    path = content.root / REG
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    assert content.errors() == [f"{P}:1:1: không phải tệp thông thường (ống, thiết bị, socket)"]
    assert load_errors_en(content) == [f"{P}:1:1: not a regular file (a pipe, a device, a socket)"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", f"{P}:1:1: tệp không phải UTF-8 hợp lệ (byte 0)"),
        (b"\x00" * 4096, f"{P}:1:1: tệp chứa ký tự điều khiển không hợp lệ"),
        (b"PK\x03\x04\x14\x00\x00\x00", f"{P}:1:3: tệp chứa ký tự điều khiển không hợp lệ"),
        (b"id: x\n\x7fELF\x02\x01", f"{P}:2:1: tệp chứa ký tự điều khiển không hợp lệ"),
    ],
    ids=["png", "zeros", "zip", "elf"],
)
def test_binary_files_are_refused_at_their_first_bad_byte(content, data, expected):
    content.registration(data)
    assert content.errors() == [expected]


def test_nfd_file_name_is_not_a_slug(content):
    shown = content.write("registrations/2024/so-tai-chinh/" + unicodedata.normalize("NFD", "đăng-ký.yml"), BASE)
    assert content.errors() == [f"{shown}:1:1: tên tệp phải là mã hợp lệ (a-z, 0-9, '-') và đuôi .yml"]


def test_nfd_keys_and_values_are_read_as_nfc(content):
    content.registration(unicodedata.normalize("NFD", BASE))
    assert content.load().entries[0].registration.title == DIFFICULT["title"]


def test_tabs_and_duplicate_keys_in_units_file_are_located(content):
    content.units(UNITS_YML.replace("  - id: so-ban-nganh\n", "  - id: so-ban-nganh\n    id: so-ban-nganh\n"))
    content.registration()
    assert content.errors() == ["content/units.yml:3:5: groups.0.id: khóa bị lặp lại (đã có ở dòng 2)"]
    content.units(UNITS_YML.replace("    name: Sở Tài chính", "\tname: Sở Tài chính"))
    assert content.errors()[0] == "content/units.yml:10:1: không được thụt lề bằng ký tự tab, hãy dùng dấu cách"


@pytest.mark.parametrize("value", ["<<", "="])
def test_values_yaml_would_read_as_merge_or_value_are_text(content, value):
    content.registration(impact=value)
    assert content.load().entries[0].registration.impact == value


# ---------------------------------------------------------------- paths: links, dots, ids


@pytest.mark.parametrize("name", ["a..b.yml", "2024-stc-01..yml", "x..%2f..%2fy.yml", "2024-stc-01.yml..", "x\\..\\y.yml"])
def test_file_names_with_dots_are_refused(content, name):
    shown = content.write(f"registrations/2024/so-tai-chinh/{name}", BASE)
    assert content.errors() == [f"{shown}:1:1: tên tệp phải là mã hợp lệ (a-z, 0-9, '-') và đuôi .yml"]


@pytest.mark.parametrize("name", ["..yml", "...yml", "..%2f..%2fx.yml"])
def test_file_names_starting_with_dots_are_hidden_files_and_never_read(content, name):
    content.registration()
    content.write(f"registrations/2024/so-tai-chinh/{name}", b"\xff not even utf-8")
    assert content.errors() == []


@pytest.mark.parametrize(
    ("change", "field", "line"),
    [
        ({"id": "../../../tmp/x"}, "id", 1),
        ({"registrant": {**DIFFICULT["registrant"], "unit": "../../etc"}}, "registrant.unit", 8),
        ({"registrant": {**DIFFICULT["registrant"], "person": "../admin"}}, "registrant.person", 9),
        ({"tags": ["<script>"]}, "tags.0", 19),
    ],
    ids=["id", "unit", "person", "tag"],
)
def test_paths_hidden_in_ids_are_refused(content, change, field, line):
    content.registration(path=REG, **change)
    errors = [e for e in content.errors() if f": {field}: " in e]
    assert errors and errors[0].startswith(f"{P}:{line}:") and "không phải mã hợp lệ" in errors[0]


def test_a_loop_of_links_is_reported(content):
    folder = content.root / REG
    folder.parent.mkdir(parents=True)
    os.symlink("2024-stc-02.yml", folder)
    os.symlink("2024-stc-01.yml", folder.parent / "2024-stc-02.yml")
    assert content.errors() == [
        f"{P}:1:1: không đọc được tệp (Too many levels of symbolic links)",
        "content/registrations/2024/so-tai-chinh/2024-stc-02.yml:1:1: không đọc được tệp (Too many levels of symbolic links)",
    ]


def test_units_file_linked_from_outside_is_refused_unread(content, tmp_path):
    secret = tmp_path / "secret.yml"
    secret.write_text(UNITS_YML + "password: zqsecret\n", encoding="utf-8")
    (content.root / "units.yml").unlink()
    os.symlink(secret, content.root / "units.yml")
    content.registration()
    errors = content.errors()
    assert errors == [f"content/units.yml:1:1: {OUTSIDE}"]
    assert "zqsecret" not in "".join(errors)


@pytest.mark.parametrize("target", ["file", "folder"])
def test_links_out_of_the_content_folder_in_pages_are_refused(content, tmp_path, target):
    # MkDocs publishes whatever its docs folder holds, following links: a key file would be served.
    outside = tmp_path / "keys"
    outside.mkdir()
    (outside / "id_rsa").write_text("PRIVATE", encoding="utf-8")
    content.registration()
    (content.root / "pages").mkdir()
    link = content.root / "pages" / ("id_rsa.txt" if target == "file" else "keys")
    os.symlink(outside / "id_rsa" if target == "file" else outside, link)
    assert content.errors() == [f"content/pages/{link.name}:1:1: {OUTSIDE}"]


def test_a_registrations_folder_linked_from_outside_is_refused_unwalked(content, tmp_path):
    # With `registrations -> /etc` the loader once walked /etc and printed its file names.
    outside = tmp_path / "etc"
    (outside / "2024" / "so-tai-chinh").mkdir(parents=True)
    (outside / "2024" / "so-tai-chinh" / "shadow-zq.yml").write_text("id: x\n", encoding="utf-8")
    os.symlink(outside, content.root / "registrations")
    errors = content.errors()
    assert errors == [f"content/registrations:1:1: {OUTSIDE}"]


def test_a_registrations_folder_linked_inside_the_content_folder_is_read(content):
    content.registration()
    (content.root / "registrations").rename(content.root / "data")
    os.symlink("data", content.root / "registrations")
    assert content.errors() == [] and len(content.load().entries) == 1


def test_an_unreadable_folder_is_reported_not_skipped(content, monkeypatch):
    content.registration()
    content.registration(DIFFICULT | {"id": "2024-stc-02"})
    hidden = content.root / "registrations" / "2024" / "so-tai-chinh"
    real_scandir = os.scandir

    def scandir(path):  # the tests run as root, whom chmod 000 does not stop
        if os.path.abspath(path) == str(hidden):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert content.errors() == [
        "content/registrations/2024/so-tai-chinh:1:1: không đọc được thư mục (quyền truy cập?); các tệp trong đó chưa được kiểm tra"
    ]
    assert content.errors("en") == [
        "content/registrations/2024/so-tai-chinh:1:1: the folder cannot be read (permissions?); the files in it were not checked"
    ]


def test_links_inside_pages_are_fine(content):
    content.registration()
    content.write("pages/a.md", "# A\n")
    os.symlink("a.md", content.root / "pages" / "b.md")
    assert content.errors() == []


def load_errors_en(content) -> list[str]:
    return content.errors("en")


# ---------------------------------------------------------------- generated documents (hypothesis)

KEYS = sorted({*DIFFICULT, *DIFFICULT["registrant"], *DIFFICULT["schedule"], "updates", "obstacles", "result",
               "links", "tags", "visibility", "difficulties", "date", "text", "progress", "url", "title"})  # fmt: skip
YAMLISH = st.sampled_from(list(":-[]{}#&*!|>'\"%@`,? \n\t\\") + ["\n  ", ": ", "- ", "---\n", "...\n", "<<: ", "!!python/object "])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=True),
    st.text(max_size=30), st.dates().map(dt.date.isoformat), st.sampled_from(["2024-02-30", "2024-13", "Không", "", " "]),
)  # fmt: skip
DATA = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5),
    max_leaves=25,
)


def outcome_of(text: str | bytes) -> None:
    """Load a content folder whose one registration is `text`: a model, or located problems."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "content"
        path = root / REG
        path.parent.mkdir(parents=True)
        (root / "units.yml").write_text(UNITS_YML, encoding="utf-8")
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        try:
            content = load_content(root, AS_OF)
        except ContentError as error:
            assert error.problems
            for problem in error.problems:
                assert problem.path.endswith(".yml") and problem.line >= 1 and problem.column >= 1
                assert problem.render("vi") and problem.render("en")
            return
        assert [e.id for e in content.entries] == ["2024-stc-01"]


HYPOTHESIS = settings(
    max_examples=150,
    deadline=dt.timedelta(seconds=5),  # a bound against hangs, not a measurement
    derandomize=True,  # the same examples on every run and machine
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@HYPOTHESIS
@given(st.lists(st.one_of(YAMLISH, st.text(max_size=6)), max_size=60).map("".join))
@example("<<")  # found by hypothesis: a plain `<<` or `=` resolved to a tag the loader did not expect
@example("=")
def test_random_yamlish_text_gives_a_model_or_located_problems(text):
    outcome_of(text)


@HYPOTHESIS
@given(st.binary(max_size=200))
def test_random_bytes_give_located_problems(data):
    outcome_of(data)


@HYPOTHESIS
@given(DATA)
def test_random_structures_give_located_problems(data):
    outcome_of(yaml.safe_dump(data, allow_unicode=True))


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


@st.composite
def mutated_registration(draw) -> str:
    """A valid registration with a few values replaced, keys dropped or added, or its text cut and spliced."""
    record = copy.deepcopy(DIFFICULT) | {
        "updates": [{"date": dt.date(2024, 6, 30), "progress": 40, "text": "Đã rà soát."}],
        "obstacles": [{"raised_on": dt.date(2024, 5, 1), "text": "Chưa có giá đất.", "support_from": "UBND tỉnh"}],
        "links": [{"title": "Kế hoạch", "url": "https://example.org/a.pdf"}],
    }
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(record) if p]
        if not paths:
            break
        where = draw(st.sampled_from(paths))
        parent = record
        for part in where[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "replace":
            parent[where[-1]] = draw(DATA)
        elif action == "drop" and isinstance(parent, dict):
            del parent[where[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS) | st.text(max_size=8))] = draw(DATA)
    text = dump(record) if isinstance(record, dict) else ""
    if draw(st.booleans()):  # a textual cut and splice, as a bad merge or a bad editor makes
        rng = random.Random(draw(st.integers(0, 2**32)))
        at, length = rng.randrange(len(text) + 1), rng.randrange(20)
        text = text[:at] + draw(st.one_of(YAMLISH, st.text(max_size=5))) + text[at + length :]
    return text


@HYPOTHESIS
@given(mutated_registration())
def test_mutated_registrations_give_a_model_or_located_problems(text):
    outcome_of(text)


# ---------------------------------------------------------------- tags on collections, huge numbers


@pytest.mark.parametrize(
    "value, tag",
    [
        ("!!set {a: null, b: null}", "!!set"),
        ("!!python/object:os.system {}", "!!python/object:os.system"),
        ("!!omap [a: 1]", "!!omap"),
        ("!custom [1, 2]", "!custom"),
    ],
)
def test_a_tag_on_a_mapping_or_a_list_is_refused_not_dropped(content, value, tag):
    content.registration(tail=f"notes_x: {value}\n")
    line = BASE.count("\n") + 1
    assert content.errors() == [f"{P}:{line}:10: notes_x: không được dùng thẻ kiểu YAML «{tag}»"]


def test_a_tag_on_a_key_is_refused(content):
    content.registration(tail="!!python/name:os.system title2: x\n")
    line = BASE.count("\n") + 1
    assert content.errors() == [f"{P}:{line}:1: không được dùng thẻ kiểu YAML «!!python/name:os.system»"]


def test_standard_collection_tags_of_their_own_kind_are_harmless(content):
    content.registration(BASE.replace("schedule:\n", "schedule: !!map\n"))
    assert content.errors() == []


def test_a_five_thousand_digit_number_is_located_not_an_internal_error(content):
    content.registration(tail="progress: " + "9" * 5000 + "\n")
    errors = content.errors()
    assert len(errors) == 1 and errors[0].startswith(f"{P}:") and "progress: số quá dài (5000 ký tự)" in errors[0]
    assert "quoted string" in content.errors("en")[0]
