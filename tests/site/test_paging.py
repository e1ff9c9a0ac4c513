"""Long lists come in pages of PAGE_ROWS rows: a page's size does not grow with the content."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.site.pages import PageRenderer, paging
from generator.site.pages.contexts import ListContext
from generator.site.pages.paging import Pager, Section, paged_sections
from generator.site.pages.view import PageSpec, SiteView

AS_OF = dt.date(2024, 12, 31)


@pytest.mark.parametrize(
    ("number", "count", "links"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 40, [1, 2, 3, None, 40]),
        (20, 40, [1, None, 18, 19, 20, 21, 22, None, 40]),
        (40, 40, [1, None, 38, 39, 40]),
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),
    ],
)
def test_the_pager_shows_the_ends_and_two_pages_on_each_side(number, count, links):
    assert Pager("x/", number, count).links == links


def test_page_addresses():
    pager = Pager("trang-thai/hoan-thanh/", 1, 3)
    assert [pager.url(n) for n in (1, 2, 3)] == ["trang-thai/hoan-thanh/", "trang-thai/hoan-thanh/trang-2/", "trang-thai/hoan-thanh/trang-3/"]


def test_sections_keep_their_heading_count_and_say_where_they_go_on(monkeypatch):
    monkeypatch.setattr(paging, "PAGE_ROWS", 3)
    first = PageSpec(url="l/", title="Danh sách", context=ListContext(), in_nav=True)
    pages = paged_sections(first, [("Năm 2025", ["a", "b", "c", "d"]), ("Quá hạn", []), ("Năm 2024", ["e"])])
    assert [p.url for p in pages] == ["l/", "l/trang-2/"]
    assert [p.title for p in pages] == ["Danh sách", "Danh sách (trang 2/2)"]
    assert [p.in_nav for p in pages] == [True, False]
    assert pages[0].context.sections == [Section("Năm 2025", ["a", "b", "c"], 4)]
    assert pages[1].context.sections == [
        Section("Năm 2025", ["d"], 4, continued=True),
        Section("Quá hạn", [], 0),  # an empty section still says so, once
        Section("Năm 2024", ["e"], 1),
    ]


def test_an_empty_list_is_one_page():
    pages = paged_sections(PageSpec(url="l/", title="T", context=ListContext()), [])
    assert len(pages) == 1 and pages[0].context.sections == [] and pages[0].context.pager.count == 1


def make_view(content, n: int) -> SiteView:
    for i in range(1, n + 1):
        content.registration(id=f"2024-stc-{i:02d}", title=f"Việc số {i}")
    return SiteView(content.load(AS_OF))


def test_every_registration_is_listed_once_across_the_pages(content, monkeypatch):
    monkeypatch.setattr(paging, "PAGE_ROWS", 4)
    view = make_view(content, 10)
    renderer = PageRenderer(view.content)
    pages = [p for p in renderer.pages() if p.url.startswith("dang-ky/") and p.template == "list.html"]
    assert [p.url for p in pages] == ["dang-ky/", "dang-ky/trang-2/", "dang-ky/trang-3/"]
    bodies = [renderer.render(p) for p in pages]
    listed = [i for body in bodies for i in range(1, 11) if f"2024-stc-{i:02d}/" in body]
    assert sorted(listed) == list(range(1, 11))  # each once, none missing
    assert 'data-registry="registry.json"' in bodies[0] and "data-registry" not in bodies[1]  # the filterable table is page 1
    assert '<nav class="dp-pager" aria-label="Các trang của danh sách"><span>Trang 2/3:</span>' in bodies[1]
    assert '<a href="../" rel="prev">‹ Trước</a>' in bodies[1] and '<a href="../trang-3/" rel="next">Sau ›</a>' in bodies[1]
    assert "Năm 2024 (tiếp theo) <small>(10)</small>" in bodies[1]


def test_year_unit_status_and_kind_lists_are_paged(content, monkeypatch):
    monkeypatch.setattr(paging, "PAGE_ROWS", 4)
    view = make_view(content, 10)
    urls = {p.url for p in PageRenderer(view.content).pages()}
    for base in ("nam/2024/", "don-vi/so-tai-chinh/", "trang-thai/dang-thuc-hien/", "loai/viec-kho/"):
        assert {base, base + "trang-2/", base + "trang-3/"} <= urls and base + "trang-4/" not in urls, base
