"""The search index: Pagefind run over the built site (generator/search.py).

These tests read the index `dotpha build` wrote the way Pagefind's script
reads it (`conftest.search_pages`: one fragment per indexed page, with its
URL, text and metadata). Queries typed into the search box, with and without
diacritics, in NFD, and hostile titles are in test_browser.py,
test_registry_browser.py and test_security.py; the public build's index in
test_profile.py; an archived year's own index in test_archive.py.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from conftest import UNITS_YML, ContentFolder, search_pages

from generator.cli import main
from generator.site.search import SearchIndexError, _d_words, folded_d_words, index_site

REPO = Path(__file__).resolve().parents[2]
TITLE = "Mở rộng đường ven biển qua Quảng Ngãi"
FREE_PAGE = "# Giới thiệu\n\nĐường dây nóng của Ban Tổ chức.\n"


def build(project: Path, site: Path) -> int:
    return main(["build", "--config", str(project / "site_config.yml"), "--content", str(project / "content"),
                 "--as-of", "2024-12-31", "--site-dir", str(site)])  # fmt: skip


def project_in(root: Path) -> ContentFolder:
    shutil.copy(REPO / "site_config.yml", root / "site_config.yml")
    shutil.copytree(REPO / "theme", root / "theme")
    content = ContentFolder(root / "content")
    content.units(UNITS_YML)
    content.registration(title=TITLE, content="Giải phóng mặt bằng **đoạn qua** xã Bình Sơn.")
    content.registration(id="2024-stc-02", kind="breakthrough")
    content.write("pages/gioi-thieu.md", FREE_PAGE)
    return content


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("search")
    project_in(root)
    assert build(root, root / "site") == 0
    return root / "site"


# ---------------------------------------------------------------- đ spelled with d


def test_words_with_d_are_folded_once_each_in_order():
    assert folded_d_words("<p>Đường đi đến Đà Nẵng; ĐƯỜNG tỉnh, đường.</p>") == "duong di den da"
    assert folded_d_words("Không có chữ nào như thế") == ""


def test_decomposed_text_folds_like_composed_text():
    assert folded_d_words(unicodedata.normalize("NFD", "Đường đổi")) == "duong doi"


def test_folded_words_are_safe_inside_an_attribute():
    folded = folded_d_words('đ"><script>đ=1</script><img src=x onerror=đ>')
    assert folded == "d"
    assert re.fullmatch(r"[a-z0-9_ ]*", folded_d_words(FREE_PAGE + TITLE + "đ_1 Đ2"))


# ---------------------------------------------------------------- what the index holds


def test_registration_pages_and_free_pages_are_indexed_and_lists_are_not(site):
    assert sorted(search_pages(site)) == ["/dang-ky/2024-stc-01/", "/dang-ky/2024-stc-02/", "/gioi-thieu/"]
    assert (site / "dang-ky" / "index.html").is_file() and (site / "don-vi" / "so-tai-chinh" / "index.html").is_file()


def test_a_registration_is_indexed_by_title_and_text_without_boilerplate(site):
    page = search_pages(site)["/dang-ky/2024-stc-01/"]
    assert page["meta"]["title"] == TITLE
    assert page["content"].startswith(TITLE)
    assert "Giải phóng mặt bằng đoạn qua xã Bình Sơn" in page["content"]
    assert "Nguyễn Văn An" in page["content"] and "Sở Tài chính" in page["content"]
    html = (site / "dang-ky" / "2024-stc-01" / "index.html").read_text(encoding="utf-8")
    assert "Tệp nguồn" in html and "Lịch sử thay đổi" in html  # on the page, not in the index:
    assert "Tệp nguồn" not in page["content"] and "Lịch sử thay đổi" not in page["content"]
    # The form's numbered labels are on every page: not what anyone searches for.
    assert "1. Tên công việc đăng ký" in html and "Tên công việc đăng ký" not in page["content"]
    assert page["content"].count(TITLE) == 1  # the heading, not again as item 1 of the form


def test_words_with_d_are_searchable_spelled_with_d(site):
    pages = search_pages(site)
    assert {"duong", "doan", "dang"} <= set(pages["/dang-ky/2024-stc-01/"]["meta"]["folded"].split())
    assert "duong" in pages["/gioi-thieu/"]["meta"]["folded"].split()
    assert "duong" not in pages["/gioi-thieu/"]["content"].lower()  # not in the text excerpts come from


def test_the_index_is_one_vietnamese_index(site):
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["vi"]
    assert entry["languages"]["vi"]["page_count"] == 3


def test_only_the_pieces_the_site_uses_are_kept(site):
    names = sorted(path.name for path in (site / "pagefind").iterdir())
    assert [re.sub(r"_[0-9a-f]+\.", "_HASH.", name) for name in names] == [
        "fragment", "index", "pagefind-entry.json", "pagefind-worker.js", "pagefind.js", "pagefind.vi_HASH.pf_meta",
        "shards.json", "wasm.unknown.pagefind",
    ]  # fmt: skip
    assert json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8")) == {"shards": []}  # the demo fits one


# ---------------------------------------------------------------- running Pagefind


def test_indexing_again_leaves_no_stale_piece(tmp_path):
    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    page.write_text('<html lang="vi"><body><main data-pagefind-body><h1>Đường</h1></main></body></html>', encoding="utf-8")
    stale = tmp_path / "pagefind" / "fragment" / "vi_0000000.pf_fragment"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    index_site(tmp_path)
    assert not stale.exists()
    assert list(search_pages(tmp_path)) == ["/a/"]


def test_a_big_site_is_indexed_in_shards_that_together_hold_every_page(tmp_path):
    for name in ("a", "b", "c", "d", "e,f"):  # a comma: no glob can list that path, the shard links its pages instead
        page = tmp_path / name / "index.html"
        page.parent.mkdir()
        page.write_text(f'<html lang="vi"><body><main data-pagefind-body><h1>Trang {name}</h1></main></body></html>', encoding="utf-8")
    (tmp_path / "khac.html").write_text("<html><body><p>data-pagefind-body</p></body></html>", encoding="utf-8")  # text, not a mark
    index_site(tmp_path, shard_pages=2)
    bundle = tmp_path / "pagefind"
    assert json.loads((bundle / "shards.json").read_text(encoding="utf-8")) == {"shards": ["2/", "3/"]}
    for shard in (bundle, bundle / "2", bundle / "3"):
        assert (shard / "pagefind-entry.json").is_file() and (shard / "pagefind.js").is_file()
    assert sorted(search_pages(tmp_path)) == ["/a/", "/b/", "/c/", "/d/", "/e,f/"]  # each page in one shard, by path
    assert not list(tmp_path.parent.glob(".pagefind-*"))  # the shards' working folders are gone
    first = {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    index_site(tmp_path, shard_pages=2)
    assert first == {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}


def test_a_failing_pagefind_stops_the_build_and_keeps_the_old_site(site_content, tmp_path, monkeypatch, capsys):
    project = site_content.root.parent
    site = tmp_path / "site"
    assert build(project, site) == 0
    before = (site / "index.html").read_bytes()
    capsys.readouterr()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # the pagefind package runs this instead of its binary
    with pytest.raises(SearchIndexError, match="Pagefind không lập được chỉ mục tìm kiếm"):
        index_site(tmp_path)
    assert build(project, site) == 1
    error = capsys.readouterr().err
    assert "dotpha: không dựng được trang, trang cũ giữ nguyên:" in error and "Traceback" not in error
    assert "Pagefind không lập được chỉ mục tìm kiếm (cài bằng pip install 'pagefind[extended]')" in error
    assert (site / "index.html").read_bytes() == before


def test_a_site_with_no_page_to_find_gets_an_empty_list_of_shards(tmp_path):
    (tmp_path / "index.html").write_text("<html><body><p>Trang</p></body></html>", encoding="utf-8")
    index_site(tmp_path)
    assert json.loads((tmp_path / "pagefind" / "shards.json").read_text(encoding="utf-8")) == {"shards": []}
    assert sorted(p.name for p in (tmp_path / "pagefind").iterdir()) == ["shards.json"]


@given(st.text(alphabet="aăđĐ _-x1<>\u0301\u0323éưƯ\n", max_size=40))
def test_d_words_are_what_the_regular_expression_finds(text):
    assert _d_words(text) == re.findall(r"\w*[đĐ]\w*", text)
