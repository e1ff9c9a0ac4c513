"""The Board's documents: the danh mục per year, the printable form, the downloads page,
and the danh mục printed to PDF by Debian's Chromium (checked with poppler's pdfinfo/pdftotext)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, serve
from conftest import shared_chromium
from conftest import search_pages

from generator.site.pages.documents import administrative_date, file_href
from generator.site.pages.reports import report_sections
from generator.site.pages.view import SiteView

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2025-11-01"
CHROMIUM = os.environ.get("DOTPHA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("reports") / "site"
    command = [sys.executable, "-m", "generator.cli", "build", "--as-of", AS_OF, "--site-dir", str(site_dir)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return site_dir


def article(path: Path) -> str:
    return _ARTICLE.search(path.read_text(encoding="utf-8")).group(1)


# ---------------------------------------------------------------- pieces


def test_administrative_date_puts_a_zero_before_small_days_and_january_february():
    assert administrative_date("Sơn Hà", dt.date(2024, 2, 27), 2024) == "Sơn Hà, ngày 27 tháng 02 năm 2024"
    assert administrative_date("Sơn Hà", dt.date(2025, 11, 1), 2025) == "Sơn Hà, ngày 01 tháng 11 năm 2025"
    assert administrative_date("Sơn Hà", dt.date(2024, 3, 15), 2024) == "Sơn Hà, ngày 15 tháng 3 năm 2024"
    assert administrative_date("", None, 2024) == "......, ngày ... tháng ... năm 2024"


def test_file_links_are_relative_without_a_trailing_slash():
    assert file_href("tai-ve/dang-ky-2024.csv", "danh-muc/2024/") == "../../tai-ve/dang-ky-2024.csv"
    assert file_href("assets/print-report.css", "danh-muc/2025/") == "../../assets/print-report.css"


def test_sections_group_by_evaluator_then_group_then_unit_and_number_rows(content):
    content.registration(id="2024-stc-02", title="B", evaluator="bcs-ubnd-tinh")
    content.registration()
    content.registration(path="registrations/2024/huyen-uy-binh-son/2024-hubs-01.yml", id="2024-hubs-01",
                         registrant={"name": "Lê C", "position": "Bí thư", "unit": "huyen-uy-binh-son"})  # fmt: skip
    sections = report_sections(SiteView(loaded := content.load()), loaded.entries)
    shape = [(ev.letter, ev.name, [(g.number, g.name, [(u.name, [(n, e.id) for n, e in u.rows]) for u in g.units]) for g in ev.groups]) for ev in sections]
    assert shape == [
        ("A", "Ban Thường vụ Tỉnh ủy", [
            ("I", "Các sở, ban, ngành cấp tỉnh", [("Sở Tài chính", [(1, "2024-stc-01")])]),
            ("II", "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy", [("Huyện ủy Bình Sơn", [(2, "2024-hubs-01")])]),
        ]),
        ("B", "Ban cán sự đảng UBND tỉnh", [("I", "Các sở, ban, ngành cấp tỉnh", [("Sở Tài chính", [(3, "2024-stc-02")])])]),
    ]  # fmt: skip


# ---------------------------------------------------------------- pages


def test_danh_muc_page_is_an_administrative_document(site):
    html = article(site / "danh-muc" / "2025" / "index.html")
    assert "TỈNH ỦY SƠN HÀ" in html and "BAN TỔ CHỨC" in html and "ĐẢNG CỘNG SẢN VIỆT NAM" in html
    assert "Sơn Hà, ngày 01 tháng 11 năm 2025" in html
    assert "DANH MỤC" in html and "năm 2025" in html
    assert '<link rel="stylesheet" href="../../assets/print-report.css">' in html
    numbers = [int(n) for n in re.findall(r'<tr><td class="dp-n">(\d+)</td>', html)]
    demo_2025 = len(list((ROOT / "content" / "registrations" / "2025").rglob("*.yml")))
    assert numbers == list(range(1, demo_2025 + 1))
    assert html.index("A. Cán bộ do Ban Thường vụ Tỉnh ủy đánh giá") < html.index("I. Các cơ quan chuyên trách")
    for extension in ("xlsx", "csv", "json"):
        assert f'href="../../tai-ve/dang-ky-2025.{extension}"' in html


def test_danh_muc_index_and_downloads_are_in_the_navigation(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="md-nav md-nav--primary"') : home.index("</nav>", home.index("md-nav--primary"))]
    assert "Danh mục (bản in)" in nav and "Tải về" in nav
    assert "danh-muc/2025" not in nav and "/don/" not in nav
    assert 'href="../2024/"' not in article(site / "danh-muc" / "index.html")
    assert 'href="2025/"' in article(site / "danh-muc" / "index.html")


def test_only_the_board_documents_link_the_print_stylesheet(site):
    assert "print-report.css" not in (site / "dang-ky" / "2024-stc-01" / "index.html").read_text(encoding="utf-8")
    assert (site / "assets" / "print-report.css").is_file()


def test_registration_page_carries_the_official_form(site):
    html = article(site / "dang-ky" / "2024-stc-01" / "index.html")
    for text in ("ĐƠN ĐĂNG KÝ", "Kính gửi: Ban Thường vụ Tỉnh ủy", "Họ và tên: <strong>Trần Thị Bích Ngọc</strong>",
                 "Đơn vị công tác: Sở Tài chính", "Chức vụ: Giám đốc Sở", "SỞ TÀI CHÍNH",
                 "I. Đăng ký những việc khó, phức tạp", "5. Đề xuất cấp trên chỉ đạo, hỗ trợ thực hiện",
                 "Người đăng ký", "(ký, ghi rõ họ, tên)", "Sơn Hà, ngày 12 tháng 3 năm 2024"):  # fmt: skip
        assert text in html, text
    part_two = article(site / "dang-ky" / "2025-skhcn-01" / "index.html")
    assert "II. Đăng ký những việc làm mới có tính đột phá" in part_two
    assert "2. Dự báo những khó khăn, vướng mắc khi triển khai thực hiện" in part_two


def test_registration_page_links_its_form_and_no_form_page_is_built(site):
    html = article(site / "dang-ky" / "2024-stc-01" / "index.html")
    assert '<a href="#don">In đơn đăng ký</a>' in html and '<div id="don" class="dp-form-head" data-pagefind-ignore>' in html
    redirects = list(site.glob("dang-ky/*/don/index.html"))  # the old address of each form: a redirect, not a page
    assert {path.parent.parent.name for path in redirects} == {path.parent.name for path in site.glob("dang-ky/20*/index.html")}
    assert all(len(path.read_bytes()) < 500 and b"md-header" not in path.read_bytes() for path in redirects)
    indexed = search_pages(site)
    assert "/dang-ky/2024-stc-01/" in indexed and not any(url.endswith("/don/") for url in indexed)


def test_the_old_address_of_a_form_opens_the_form(site):
    server = serve(site)
    base = next(server)
    try:
        page = shared_chromium(CHROMIUM, CHROMIUM_ARGS).new_page()
        page.goto(base("/dang-ky/2024-stc-01/don/"))
        page.wait_for_url("**/dang-ky/2024-stc-01/#don")
        assert page.locator(".dp-doc-title").is_visible() and not page.locator(".dp-page-only").first.is_visible()  # the form view
        page.close()
    finally:
        next(server, None)


def test_downloads_page_links_every_file(site):
    html = article(site / "tai-ve" / "index.html")
    for name in ("dang-ky-tat-ca", "dang-ky-2024", "dang-ky-2025"):
        for extension in ("xlsx", "csv", "json"):
            assert f'href="{name}.{extension}"' in html
            assert (site / "tai-ve" / f"{name}.{extension}").is_file()


# ---------------------------------------------------------------- printed by Chromium


PRINT_SCRIPT = """
import sys
from playwright.sync_api import sync_playwright
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=sys.argv[1], args=sys.argv[4:])
    page = browser.new_page()
    page.goto(sys.argv[2])
    page.pdf(path=sys.argv[3], prefer_css_page_size=True)
    browser.close()
"""


def print_pdf(page_file: Path, pdf: Path, fragment: str = "") -> None:
    """Chromium's print to PDF, in a child process: other test modules keep a Playwright
    session open in this one, and the sync API allows only one per thread."""
    command = [sys.executable, "-c", PRINT_SCRIPT, CHROMIUM, page_file.as_uri() + fragment, str(pdf), *CHROMIUM_ARGS]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def pdf_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def test_danh_muc_prints_on_a4_landscape_with_repeated_headers_and_page_numbers(site, tmp_path):
    pdf = tmp_path / "danh-muc.pdf"
    print_pdf(site / "danh-muc" / "2025" / "index.html", pdf)
    sizes = pdf_pages(pdf)
    assert len(sizes) >= 2  # the demo year fills more than one sheet: headers must repeat
    assert all(abs(w - 841.9) < 1 and abs(h - 595.0) < 1 for w, h in sizes), sizes  # A4 landscape, no blank first sheet
    pages = [p for p in pdf_text(pdf) if p.strip()]
    assert "TỈNH ỦY SƠN HÀ" in pages[0] and "ĐẢNG CỘNG SẢN VIỆT NAM" in pages[0] and "DANH MỤC" in pages[0]
    assert "Số liệu tính đến ngày" not in pages[0].split("DANH MỤC")[0]  # the site's banner is not printed
    tally_from = next(n for n, text in enumerate(pages) if "Tổng hợp kết quả thực hiện năm 2025" in text)
    assert tally_from >= 1 and "Tổng cộng" in "".join(pages[tally_from:])  # the tally begins a sheet after the list
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{len(sizes)}" in text
        if number <= tally_from:
            assert "STT" in text and "Tên công việc đăng ký" in text  # the table header on every sheet of the list
    assert "Huỳnh Thị" in pages[0]


def test_form_prints_on_a4_portrait(site, tmp_path):
    pdf = tmp_path / "don.pdf"
    print_pdf(site / "dang-ky" / "2024-stc-01" / "index.html", pdf, fragment="#don")
    sizes = pdf_pages(pdf)
    assert sizes and all(abs(w - 595.0) < 1 and abs(h - 841.9) < 1 for w, h in sizes), sizes
    text = "".join(pdf_text(pdf))
    assert "ĐƠN ĐĂNG KÝ" in text and "Người đăng ký" in text and "Trần Thị Bích Ngọc" in text
    assert "Trở lại trang đăng ký" not in text  # screen-only links are not printed
    assert "Tiến độ thực hiện" not in text and "Lịch sử thay đổi" not in text  # the site's own parts are not on the form
    assert "Số liệu tính đến ngày" not in text  # nor the banner


def test_registration_page_prints_as_itself_without_the_form_header(site, tmp_path):
    pdf = tmp_path / "trang.pdf"
    print_pdf(site / "dang-ky" / "2024-stc-01" / "index.html", pdf)
    text = "".join(pdf_text(pdf))
    assert "Tiến độ thực hiện" in text and "Trần Thị Bích Ngọc" in text
    assert "ĐƠN ĐĂNG KÝ" not in text and "Người đăng ký" not in text


def test_an_officials_year_prints_on_a4_portrait_without_the_site(site, tmp_path):
    pdf = tmp_path / "nam.pdf"
    print_pdf(site / "can-bo" / "do-quoc-hung" / "2024" / "index.html", pdf)
    sizes = pdf_pages(pdf)
    assert sizes and all(abs(w - 595.0) < 1 and abs(h - 841.9) < 1 for w, h in sizes), sizes
    pages = [p for p in pdf_text(pdf) if p.strip()]
    folded = " ".join(" ".join(pages).split())
    assert "TỈNH ỦY SƠN HÀ" in folded and "ĐẢNG CỘNG SẢN VIỆT NAM" in folded
    assert "KẾT QUẢ THỰC HIỆN ĐĂNG KÝ GIẢI QUYẾT VIỆC KHÓ" in folded and "NĂM 2024" in folded
    assert "Đỗ Quốc Hùng" in folded and "Đăng ký " in folded and "Số liệu tính đến ngày 01/11/2025" in folded
    assert f"Trang 1/{len(sizes)}" in pages[0]
    assert "Theo cán bộ" not in folded and "Tìm kiếm" not in folded  # no navigation, no search box
    assert "Mọi đăng ký của" not in folded and "Ctrl+P" not in folded  # screen-only lines are not printed


def test_an_evaluators_packet_prints_one_official_per_sheet(site, tmp_path):
    pdf = tmp_path / "danh-gia.pdf"
    page_file = site / "danh-gia" / "btv-tinh-uy" / "2024" / "index.html"
    print_pdf(page_file, pdf)
    sizes = pdf_pages(pdf)
    assert sizes and all(abs(w - 595.0) < 1 and abs(h - 841.9) < 1 for w, h in sizes), sizes
    officials = re.findall(r'<section class="dp-official" id="[^"]+">\n<h2>([^<]+)</h2>', page_file.read_text(encoding="utf-8"))
    assert len(officials) >= 5
    pages = [p for p in pdf_text(pdf) if p.strip()]
    assert "KẾT QUẢ THỰC HIỆN ĐĂNG KÝ" in pages[0] and "Tổng cộng" in "".join(pages[: len(pages) - len(officials)])
    starts = [p.strip().splitlines()[0].strip() for p in pages]
    assert [start for start in starts if start in officials] == officials  # each official begins a sheet, in the page's order
    assert all(f"Trang {n}/{len(sizes)}" in text for n, text in enumerate(pages, start=1))


# ---------------------------------------------------------------- the official tally


def registry_matches(registry: dict, query: str) -> int:
    """How many rows registry.js shows for a query: within a facet any chosen value, across facets all."""
    import urllib.parse

    facets, columns = registry["facets"], registry["columns"]
    at = {name: columns.index(name) for name in columns}
    unit_group = [unit[2] for unit in facets["unit"]]
    values = {
        "year": lambda row: [row[at["year"]]], "unit": lambda row: [row[at["unit"]]], "evaluator": lambda row: [row[at["evaluator"]]],
        "group": lambda row: [unit_group[row[at["unit"]]]], "tally": lambda row: [row[at["tally"]]], "deadline": lambda row: row[at["deadline"]],
    }  # fmt: skip
    chosen: dict[str, set[int]] = {}
    for key, value in urllib.parse.parse_qsl(query):
        ids = [str(v[0]) for v in facets[key]]
        assert value in ids, (key, value)  # every link names a value registry.json knows
        chosen.setdefault(key, set()).add(ids.index(value))
    return sum(1 for row in registry["rows"] if all(set(values[key](row)) & wanted for key, wanted in chosen.items()))


def tally_links(page: Path) -> list[tuple[str, int]]:
    html = page.read_text(encoding="utf-8")
    tables = re.findall(r'<table class="dp-doc-table dp-tally-table">.*?</table>', html, re.DOTALL)
    assert tables, page
    return [(query.replace("&amp;", "&"), int(count)) for table in tables for query, count in re.findall(r'<a href="[^"?]*\?([^"]+)">(\d+)</a>', table)]


def test_every_count_of_the_tally_opens_exactly_its_registrations(site):
    import json

    registry = json.loads((site / "dang-ky" / "registry.json").read_text(encoding="utf-8"))
    for page in (site / "danh-muc" / "2025" / "index.html", site / "danh-muc" / "2024" / "index.html", site / "index.html"):
        links = tally_links(page)
        assert len(links) > 40, page
        assert [(q, c) for q, c in links if registry_matches(registry, q) != c] == []
    totals = [c for q, c in tally_links(site / "danh-muc" / "2025" / "index.html") if q == "year=2025"]
    assert totals and set(totals) == {sum(1 for row in registry["rows"] if row[1] == registry["facets"]["year"].index([2025, "2025"]))}


def test_the_tally_downloads_hold_the_same_counts(site):
    import csv as csv_module
    import io

    text = (site / "tai-ve" / "tong-hop-2025.csv").read_text(encoding="utf-8-sig")
    rows = list(csv_module.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Theo", "Tên", "Hoàn thành đúng hạn"] and rows[0][-2:] == ["Tổng số", "Trong đó có điều chỉnh thời hạn"]
    totals = [row for row in rows if row[0] == "Tổng cộng"]
    assert len(totals) == 2 and totals[0] == totals[1]  # by unit and by evaluator: the same registrations
    assert int(totals[0][-2]) == sum(int(n) for n in totals[0][2:9])  # every registration in exactly one row
    units = [row for row in rows if row[0] == "Đơn vị"]
    assert sum(int(row[-2]) for row in units) == int(totals[0][-2])
    from openpyxl import load_workbook

    sheet = load_workbook(site / "tai-ve" / "tong-hop-2025.xlsx").active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == rows[0] and cells[1][:2] == rows[1][:2] and cells[1][2:] == [int(n) for n in rows[1][2:]]
    assert 'href="tong-hop-2025.xlsx"' in (site / "tai-ve" / "index.html").read_text(encoding="utf-8")
