"""The folded search index: `giai phong` finds `giải phóng`.

Material's search plugin writes `search/search_index.json`; `fold_search_index`
then adds, per document, a copy of its text without diacritics (and a field
for it in the index config) that Material's worker indexes like any other.
These tests read the index as the worker does: every field a document carries
besides `location` is searched only if `config.fields` names it. The browser
side (typing queries into Material's search box) is in test_browser.py.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from generator.search import fold_search_index


def NFD(text: str) -> str:
    return unicodedata.normalize("NFD", text)


CONFIG = {
    "lang": ["vi"],
    "separator": "[\\s\\-]+",
    "pipeline": ["stopWordFilter"],
    "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1000000.0}},
}
DOCS = [
    {
        "location": "dang-ky/2025-husl-01/",
        "title": "Giải phóng mặt bằng 156 ha Khu công nghiệp Sơn Lâm",
        "text": "<p>Bàn giao mặt bằng sạch dự án <strong>đường ven biển</strong>; ĐƯỜNG TỈNH 624.</p>",
    },
    {
        "location": "dang-ky/2025-husl-01/#tien-do",
        "title": NFD("Tiến độ thực hiện"),  # text that reached the index decomposed
        "text": NFD("<p>Đã kiểm đếm 120/300 hộ.</p>"),
    },
]


def write_index(path: Path, docs=DOCS, config=CONFIG) -> Path:
    path.write_text(json.dumps({"config": config, "docs": docs}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def folded(tmp_path: Path) -> dict:
    index = write_index(tmp_path / "search_index.json")
    fold_search_index(index)
    return json.loads(index.read_text(encoding="utf-8"))


def added_fields(doc: dict) -> dict[str, str]:
    """The fields that folding added to a document."""
    original = next(d for d in DOCS if d["location"] == doc["location"])
    return {name: value for name, value in doc.items() if name not in original}


def searchable(doc: dict) -> str:
    return " ".join(value for name, value in added_fields(doc).items())


def test_every_added_field_is_indexed(folded: dict):
    for doc in folded["docs"]:
        assert added_fields(doc), doc["location"]
        for name in added_fields(doc):
            assert name in folded["config"]["fields"], name


def test_the_fields_material_had_stay(folded: dict):
    for name, spec in CONFIG["fields"].items():
        assert folded["config"]["fields"][name] == spec
    assert {k: v for k, v in folded["config"].items() if k != "fields"} == {k: v for k, v in CONFIG.items() if k != "fields"}


def test_folded_copy_has_no_diacritics_no_tags_lower_case(folded: dict):
    first, second = folded["docs"]
    assert "giai phong mat bang 156 ha khu cong nghiep son lam" in searchable(first)
    assert "duong ven bien" in searchable(first)
    assert "duong tinh 624" in searchable(first)
    assert "tien do thuc hien" in searchable(second)
    assert "da kiem dem 120/300 ho" in searchable(second)
    for doc in folded["docs"]:
        text = searchable(doc)
        assert "<" not in text and ">" not in text
        assert text == text.lower()
        assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text))
        assert "đ" not in text and "Đ" not in text


def test_title_and_text_become_nfc(folded: dict):
    """A decomposed query box can be normalised; a decomposed index cannot be
    matched by a composed query. Material shows title and text as they are."""
    second = folded["docs"][1]
    assert second["title"] == "Tiến độ thực hiện"
    assert second["text"] == "<p>Đã kiểm đếm 120/300 hộ.</p>"
    assert folded["docs"][0]["text"] == DOCS[0]["text"]  # already NFC: untouched


def test_folding_twice_changes_nothing(tmp_path: Path, folded: dict):
    index = write_index(tmp_path / "again.json", docs=folded["docs"], config=folded["config"])
    fold_search_index(index)
    assert json.loads(index.read_text(encoding="utf-8")) == folded


def test_an_empty_index_stays_valid(tmp_path: Path):
    index = write_index(tmp_path / "empty.json", docs=[])
    fold_search_index(index)
    data = json.loads(index.read_text(encoding="utf-8"))
    assert data["docs"] == []
    assert set(CONFIG["fields"]) < set(data["config"]["fields"])
