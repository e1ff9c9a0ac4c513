"""The shortcuts taken for speed give exactly what the long way gives.

- A second load of the same content answers unchanged files from filecache.py,
  yet still sees every edit, every cross-file rule and every change of
  units.yml or of the "as of" date.
- `fold`, the plain-text path of `render_markdown` and `relative_url` equal the
  straightforward versions they replace, on real and on random text.

No timings here: those are in bench/.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import random
import unicodedata
from pathlib import Path

import nh3
import yaml

from generator import text as text_module
from generator.filecache import KnownDocument, RegistrationFiles
from generator.pages.view import relative_url
from generator.text import fold, render_markdown

from conftest import REG_PATH, UNITS_YML

DEMO = Path(__file__).resolve().parent.parent / "content"
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
