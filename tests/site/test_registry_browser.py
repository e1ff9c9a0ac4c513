"""The filterable registry, the dashboard and Vietnamese search in a real browser.

Uses the demo site and the helpers of test_browser.py (Debian's Chromium
through Playwright), plus a small site whose texts mention Quảng Ngãi,
đường and dương, to check that search and the registry's text box find words
typed with or without diacritics, in either Unicode form, exact ones first.
Expected counts are computed here in Python from registry.json, independently
of registry.js.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import test_browser
from test_browser import (
    REPO,
    Server,
    Watched,
    build_site,
    search,
    serious_violations,
    serve,
)

# The demo site, its server and the shared Chromium of test_browser.py, as fixtures of this module too.
browser = test_browser.browser
demo_site = test_browser.demo_site
server = test_browser.server
watched = test_browser.watched


def NFD(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def registry(demo_site: Path) -> dict:
    return json.loads((demo_site / "dang-ky" / "registry.json").read_text(encoding="utf-8"))


def expected(registry: dict, **chosen: list[str]) -> list[str]:
    """Ids of the rows matching facet choices, as registry.js should find them."""
    columns = registry["columns"]
    facets = registry["facets"]
    ids = []
    for row in registry["rows"]:
        values = dict(zip(columns, row))
        have = {
            "year": {str(facets["year"][values["year"]][0])},
            "status": {facets["status"][values["status"]][0]},
            "kind": {facets["kind"][values["kind"]][0]},
            "unit": {facets["unit"][values["unit"]][0]},
            "flag": {facets["flag"][i][0] for i in values["flags"]},
            "tally": {facets["tally"][values["tally"]][0]},
        }
        if all(have[key] & set(wanted) for key, wanted in chosen.items()):
            ids.append(values["id"])
    return ids


def open_registry(page, server: Server, query: str = "") -> None:
    page.goto(server("/dang-ky/" + query))
    page.wait_for_selector(".dp-registry:not([hidden]) .dp-reg-summary")


def shown_ids(page) -> list[str]:
    return page.eval_on_selector_all(".dp-reg-table tbody tr", "rows => rows.map(r => r.cells[0].textContent)")


def summary(page) -> str:
    return page.locator(".dp-reg-summary").inner_text()


def count_of(page, facet: str, value: str) -> int:
    text = page.locator(f"input[name={facet}][value='{value}'] ~ .dp-count").inner_text()
    return int(text.strip("()"))


def query_of(page) -> dict[str, list[str]]:
    """The page's query string as the page sees it (Playwright learns of pushState later)."""
    return parse_qs(page.evaluate("() => location.search").lstrip("?"))


# ---------------------------------------------------------------- facets and counts


def test_registry_replaces_the_plain_tables(watched: Watched, server: Server, registry: dict):
    page = watched.page
    open_registry(page, server)
    assert page.locator(".dp-registry-static").count() == 0  # out of the document while filtering
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator(".dp-registry-static tbody tr").count() == len(registry["rows"])  # paper gets the whole list
    assert page.locator(".dp-registry").is_hidden()
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.locator(".dp-registry-static").count() == 0
    assert summary(page) == f"{len(registry['rows'])} / {len(registry['rows'])} đăng ký."
    assert shown_ids(page) == [row[0] for row in registry["rows"]]
    assert watched.console_errors() == [] and watched.foreign_requests(server.host) == []
    headings = ["year", "kind", "status", "flag", "tally", "deadline", "group", "unit", "evaluator", "tag"]
    assert page.locator(".dp-facet > summary").all_inner_texts() == [registry["labels"][key] for key in headings]


def test_choosing_facets_filters_and_updates_counts(watched: Watched, server: Server, registry: dict):
    page = watched.page
    open_registry(page, server)
    status_before = {s[0]: count_of(page, "status", s[0]) for s in registry["facets"]["status"]}
    assert status_before == {s: len(expected(registry, status=[s])) for s in status_before}
    page.get_by_label("2025", exact=False).first.check()
    assert shown_ids(page) == expected(registry, year=["2025"])
    for status in status_before:  # other facets now count within 2025
        assert count_of(page, "status", status) == len(expected(registry, year=["2025"], status=[status])), status
    assert count_of(page, "year", "2024") == len(expected(registry, year=["2024"]))  # a facet ignores its own choice
    page.locator("input[name=status][value=in_progress]").check()
    page.locator("input[name=status][value=registered]").check()
    want = expected(registry, year=["2025"], status=["in_progress", "registered"])
    assert sorted(shown_ids(page)) == sorted(want) and summary(page).startswith(f"{len(want)} / ")
    page.locator("input[name=flag][value=overdue]").check()
    assert sorted(shown_ids(page)) == sorted(expected(registry, year=["2025"], status=["in_progress", "registered"], flag=["overdue"]))
    assert query_of(page) == {"year": ["2025"], "status": ["registered", "in_progress"], "flag": ["overdue"]}
    assert watched.console_errors() == [] and watched.foreign_requests(server.host) == []


def test_sorting_by_a_column(watched: Watched, server: Server, registry: dict):
    page = watched.page
    open_registry(page, server)
    due = {row[0]: row[registry["columns"].index("due")] for row in registry["rows"]}
    page.get_by_role("button", name="Hạn").click()
    ids = shown_ids(page)
    assert [due[i] for i in ids] == sorted(due[i] for i in ids)
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Hạn")
    page.get_by_role("button", name="Hạn").click()
    assert [due[i] for i in shown_ids(page)] == sorted((due[i] for i in ids), reverse=True)
    assert query_of(page)["sort"] == ["due"] and query_of(page)["dir"] == ["desc"]


# ---------------------------------------------------------------- the URL


def test_url_round_trip_and_back_forward(watched: Watched, server: Server, registry: dict):
    page = watched.page
    open_registry(page, server, "?year=2024&status=completed&sort=due&dir=desc")
    assert page.locator("input[name=year][value='2024']").is_checked()
    assert page.locator("input[name=status][value=completed]").is_checked()
    first = shown_ids(page)
    assert sorted(first) == sorted(expected(registry, year=["2024"], status=["completed"]))
    page.reload()
    page.wait_for_selector(".dp-registry:not([hidden]) .dp-reg-table")
    assert shown_ids(page) == first
    page.locator("input[name=kind][value=breakthrough]").check()
    narrowed = shown_ids(page)
    assert len(narrowed) < len(first)
    page.go_back()
    page.wait_for_function("() => !document.querySelector('input[name=kind][value=breakthrough]').checked")
    assert shown_ids(page) == first
    page.go_forward()
    page.wait_for_function("() => document.querySelector('input[name=kind][value=breakthrough]').checked")
    assert shown_ids(page) == narrowed


def test_hostile_query_string_is_ignored(watched: Watched, server: Server, registry: dict):
    page = watched.page
    hostile = (
        "?status=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E&year=abc&unit=..%2F..%2Fx&person=%3Cb%3E"
        "&sort=constructor&dir=%22%3E&page=-3&flag=__proto__&tim=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E"
    )
    open_registry(page, server, hostile)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator(".dp-registry img, .dp-registry script, .dp-registry b").count() == 0
    assert page.locator(".dp-registry input[type=checkbox]:checked").count() == 0
    assert page.locator(".dp-reg-text").input_value() == "<img src=x onerror=window.__pwned=1>"
    assert query_of(page) == {"tim": ["<img src=x onerror=window.__pwned=1>"]}  # the rest was dropped
    assert page.locator(".dp-reg-empty").is_visible()
    assert watched.console_errors() == []


def test_empty_result_says_so_and_clears(watched: Watched, server: Server, registry: dict):
    page = watched.page
    open_registry(page, server, "?tim=xyzzyqwv")
    assert page.locator(".dp-reg-table").is_hidden()
    assert "Không có đăng ký nào khớp" in page.locator(".dp-reg-empty").inner_text()
    page.get_by_role("button", name="Xóa bộ lọc để xem tất cả").click()
    assert len(shown_ids(page)) == len(registry["rows"])
    assert query_of(page) == {}
    assert page.locator(".dp-reg-text").input_value() == ""


def test_person_and_unit_links_preset_the_registry(watched: Watched, server: Server, registry: dict):
    page = watched.page
    page.goto(server("/don-vi/so-tai-chinh/"))
    page.get_by_role("link", name="Lọc, sắp xếp, tìm trong các đăng ký của đơn vị").click()
    page.wait_for_selector(".dp-registry:not([hidden]) .dp-reg-table")
    assert page.locator("input[name=unit][value=so-tai-chinh]").is_checked()
    assert sorted(shown_ids(page)) == sorted(expected(registry, unit=["so-tai-chinh"]))
    person_column = registry["columns"].index("person")
    key = registry["rows"][0][person_column]
    open_registry(page, server, f"?person={key}")
    assert sorted(shown_ids(page)) == sorted(r[0] for r in registry["rows"] if r[person_column] == key)
    assert page.locator(".dp-reg-person").is_visible()


# ---------------------------------------------------------------- keyboard and accessibility


def test_keyboard_only(watched: Watched, server: Server, registry: dict):
    page = watched.page
    open_registry(page, server)
    page.locator(".dp-reg-text").focus()
    page.keyboard.press("Tab")  # the clear button is hidden while nothing is chosen: next is the first facet
    assert page.evaluate("() => document.activeElement.textContent") == "Năm"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "year"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.press("Space")
    first_year = str(registry["facets"]["year"][0][0])
    assert query_of(page) == {"year": [first_year]}
    assert sorted(shown_ids(page)) == sorted(expected(registry, year=[first_year]))
    page.get_by_role("button", name="Mã").focus()
    page.keyboard.press("Enter")
    assert query_of(page)["sort"] == ["id"]
    page.get_by_role("button", name="Xóa bộ lọc", exact=True).focus()
    page.keyboard.press("Enter")
    assert query_of(page) == {} and len(shown_ids(page)) == len(registry["rows"])


@pytest.mark.parametrize("query", ["", "?year=2025&flag=overdue&sort=due", "?tim=xyzzy"])
def test_axe_on_the_registry(watched: Watched, server: Server, query: str):
    open_registry(watched.page, server, query)
    watched.page.locator("details.dp-facet").evaluate_all("nodes => nodes.forEach(d => d.open = true)")
    assert serious_violations(watched.page) == []


@pytest.mark.parametrize("path", ["/nam/2024/", "/can-bo/huynh-van-thanh/"])
def test_axe_on_year_and_person_pages(watched: Watched, server: Server, path: str):
    response = watched.page.goto(server(path))
    assert response is not None and response.status == 200
    watched.page.wait_for_load_state("networkidle")
    assert serious_violations(watched.page) == []
    assert watched.console_errors() == [] and watched.foreign_requests(server.host) == []


def test_dashboard_charts_have_names_and_tables(watched: Watched, server: Server):
    page = watched.page
    page.goto(server("/"))
    charts = page.locator("figure.dp-chart-figure")
    assert charts.count() == 3
    for index in range(3):
        figure = charts.nth(index)
        assert figure.locator("svg[role=img]").get_attribute("aria-label")
        assert figure.locator("figcaption").inner_text()
        described = figure.get_attribute("aria-describedby")
        assert page.locator(f"#{described} table, table#{described}").count() == 1
    assert page.locator("nav.dp-years a[aria-current=page]").inner_text() == "2025"


# ---------------------------------------------------------------- search: Quảng Ngãi, đường, dương

QUANG_NGAI = "Giải phóng mặt bằng đường ven biển Quảng Ngãi"
QUANG = "Lắp điện quang năng, khắc phục e ngại của ngư dân vùng Dương Xuân"
NFD_TITLE = "Nâng cấp chợ Nghĩa Hành"


@pytest.fixture(scope="module")
def vietnamese_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Three registrations: one about Quảng Ngãi and đường, one with the same
    letters without those diacritics (quang, ngại, Dương), one stored in NFD.
    The near miss has the smaller id, so only ranking can put Quảng Ngãi first."""
    from conftest import UNITS_YML, ContentFolder

    root = tmp_path_factory.mktemp("vietnamese")
    content = ContentFolder(root / "content")
    content.units(UNITS_YML)
    content.registration(id="2024-stc-01", title=QUANG, registrant={"name": "Phạm Thị Dung", "position": "Phó Giám đốc Sở", "unit": "so-tai-chinh"})
    content.registration(id="2024-stc-02", title=QUANG_NGAI, tags=["giai-phong-mat-bang"])
    path = content.registration(id="2024-stc-03", title="Chợ")
    file = root / path
    file.write_bytes(file.read_bytes().decode("utf-8").replace("title: Chợ", "title: " + NFD(NFD_TITLE)).encode("utf-8"))
    site = root / "site"
    build_site(site, "--config", str(REPO / "site_config.yml"), "--content", str(content.root))
    yield from serve(site)


@pytest.mark.parametrize("query", ["Quảng Ngãi", NFD("Quảng Ngãi"), "QUẢNG NGÃI", "Quảng ngai", "đường ven biển"])
def test_search_with_diacritics_finds_the_exact_words_first(watched: Watched, vietnamese_site: Server, query: str):
    results = search(watched.page, vietnamese_site, query)
    assert results and results[0] == "/dang-ky/2024-stc-02/", f"{query!r}: {results}"
    assert watched.foreign_requests(vietnamese_site.host) == []


@pytest.mark.parametrize("query", ["quang ngai", "QUANG NGAI", "duong ven bien", "duong"])
def test_search_without_diacritics_finds_quang_ngai(watched: Watched, vietnamese_site: Server, query: str):
    """Without diacritics, "quang ... ngại" is as good a match as "Quảng Ngãi"
    for Material's search (it has no phrases): both are found."""
    results = search(watched.page, vietnamese_site, query)
    assert "/dang-ky/2024-stc-02/" in results[:2], f"{query!r}: {results}"


def test_search_with_diacritics_skips_the_near_miss(watched: Watched, vietnamese_site: Server):
    assert "/dang-ky/2024-stc-01/" not in search(watched.page, vietnamese_site, "đường")
    assert "/dang-ky/2024-stc-01/" in search(watched.page, vietnamese_site, "duong")


@pytest.mark.parametrize(
    ("query", "reg_id"),
    [
        ("nghia hanh", "2024-stc-03"),  # stored in NFD, typed without diacritics
        ("Nghĩa Hành", "2024-stc-03"),  # stored in NFD, typed in NFC
        ("pham thi dung", "2024-stc-01"),  # a registrant's name
        ("2024-stc-02", "2024-stc-02"),  # an id
        ("giai-phong-mat-bang", "2024-stc-02"),  # a tag
        ("Sở Tài chính", "2024-stc-01"),  # a unit's name
    ],
)
def test_search_finds_names_ids_tags_and_nfd_text(watched: Watched, vietnamese_site: Server, query: str, reg_id: str):
    results = search(watched.page, vietnamese_site, query)
    assert f"/dang-ky/{reg_id}/" in results, f"{query!r}: {results}"


@pytest.mark.parametrize("query", ["quang ngai", "QUANG NGAI", "Quảng ngai", NFD("Quảng Ngãi"), "quảng ngãi"])
def test_registry_text_box_ranks_exact_diacritics_first(watched: Watched, vietnamese_site: Server, query: str):
    page = watched.page
    open_registry(page, vietnamese_site)
    page.locator(".dp-reg-text").fill(query)
    ids = shown_ids(page)
    assert ids[0] == "2024-stc-02", f"{query!r}: {ids}"
    if query.lower() == "quảng ngãi" or query == NFD("Quảng Ngãi"):
        assert ids == ["2024-stc-02", "2024-stc-01"]  # the near miss matches without diacritics only: after
    assert query_of(page)["tim"] == [unicodedata.normalize("NFC", query)]


def test_registry_text_box_finds_nfd_text_and_names(watched: Watched, vietnamese_site: Server):
    page = watched.page
    open_registry(page, vietnamese_site, "?tim=" + "ngh%C4%A9a%20h%C3%A0nh")
    assert shown_ids(page) == ["2024-stc-03"]
    page.locator(".dp-reg-text").fill("DUNG")
    assert shown_ids(page) == ["2024-stc-01"]
    assert query_of(page) == {"tim": ["DUNG"]}


def test_a_count_of_the_tally_opens_the_registry_on_its_rows(watched: Watched, server: Server, registry: dict, demo_site: Path):
    html = (demo_site / "danh-muc" / "2025" / "index.html").read_text(encoding="utf-8")
    query = re.search(r'<a href="\.\./\.\./dang-ky/\?(year=2025&amp;tally=within)">(\d+)</a>', html)
    assert query, "the danh mục links the tally's counts"
    page = watched.page
    open_registry(page, server, "?" + query.group(1).replace("&amp;", "&"))
    want = expected(registry, year=["2025"], tally=["within"])
    assert len(want) == int(query.group(2)) > 0
    assert sorted(shown_ids(page)) == sorted(want) and summary(page).startswith(f"{len(want)} / ")
    assert watched.console_errors() == [] and watched.foreign_requests(server.host) == []
