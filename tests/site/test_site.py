"""The whole demo site, built once: pages, navigation, search, determinism, golden pages.

Regenerate the golden pages on purpose after a deliberate change:
    DOTPHA_UPDATE_GOLDEN=1 python3 -m pytest tests/site/test_site.py -k golden
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import search_pages

from generator.cli import main
from generator.domain.asof import epoch_of

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = "2025-11-01"
GOLDEN_PAGES = {
    "home.html": "index.html",
    "registration-part-1.html": "dang-ky/2024-stc-01/index.html",
    "registration-part-2.html": "dang-ky/2025-skhcn-01/index.html",
    "unit.html": "don-vi/so-tai-chinh/index.html",
    "obstacles.html": "vuong-mac/index.html",
    "overdue.html": "qua-han/index.html",
}
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def build(site_dir: Path, *extra: str) -> int:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return main(["build", "--as-of", AS_OF, "--site-dir", str(site_dir), *extra])
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("demo") / "site"
    assert build(site_dir, "--strict") == 0
    return site_dir


def demo_ids() -> list[str]:
    return sorted(p.stem for p in (ROOT / "content" / "registrations").rglob("*.yml"))


def article(path: Path) -> str:
    return _ARTICLE.search(path.read_text(encoding="utf-8")).group(1).strip() + "\n"


def test_every_registration_has_a_page(site):
    ids = demo_ids()
    assert len(ids) >= 40
    for reg_id in ids:
        page = site / "dang-ky" / reg_id / "index.html"
        assert page.is_file(), reg_id


def test_index_pages_exist(site):
    for url in ["", "dang-ky/", "qua-han/", "vuong-mac/", "don-vi/", "trang-thai/", "loai/", "nam/", "can-bo/",
                "nam/2024/", "nam/2025/", "trang-thai/hoan-thanh/", "trang-thai/dang-thuc-hien/",
                "loai/viec-kho/", "loai/viec-moi-dot-pha/", "don-vi/huyen-uy-son-lam/", "gioi-thieu/"]:
        assert (site / url / "index.html").is_file(), url


def test_registration_pages_are_not_in_the_navigation(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="md-nav md-nav--primary"'):home.index("</nav>", home.index('md-nav--primary'))]
    assert "Danh sách đăng ký" in nav
    assert "dang-ky/2024-" not in nav and "don-vi/so-tai-chinh" not in nav


def test_as_of_date_is_shown_on_every_page(site):
    for page in [site / "index.html", site / "dang-ky" / "2024-stc-01" / "index.html"]:
        assert "Số liệu tính đến ngày 01/11/2025" in page.read_text(encoding="utf-8")


def test_registration_page_shows_the_form_in_order(site):
    html = article(site / "dang-ky" / "2025-skhcn-01" / "index.html")
    items = re.findall(r"<h3[^>]*>(\d)\. ([^<]+)</h3>", html)
    assert [n for n, _ in items] == ["1", "2", "3", "4", "5"]
    assert items[1][1] == "Dự báo những khó khăn, vướng mắc khi triển khai thực hiện"


def test_overdue_page_lists_the_overdue_registrations(site):
    html = article(site / "qua-han" / "index.html")
    overdue = html.split("Sắp đến hạn")[0]
    assert overdue.count('class="dp-badge dp-f-overdue"') == 5  # 2025-ttt-01's deadline was extended to 31/12/2025


def test_search_index_holds_registrations_and_free_pages(site):
    pages = search_pages(site)
    assert sorted(pages) == sorted([f"/dang-ky/{reg_id}/" for reg_id in demo_ids()] + ["/gioi-thieu/", "/huong-dan/"])
    page = pages["/dang-ky/2024-stc-01/"]
    assert page["meta"]["title"] == "Quyết toán dứt điểm 46 dự án hoàn thành tồn đọng trên 24 tháng"
    assert "Họ và tên Trần Thị Bích Ngọc" in page["content"]
    assert {"diem", "dong"} <= set(page["meta"]["folded"].split())  # điểm, tồn đọng: đ spelled with d


def test_same_commit_and_as_of_give_a_byte_identical_site(site, tmp_path):
    again = tmp_path / "again"
    assert build(again) == 0
    differing = [
        str(p.relative_to(site))
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.read_bytes() != (again / p.relative_to(site)).read_bytes()
    ]
    assert differing == []
    assert sorted(p.relative_to(again) for p in again.rglob("*")) == sorted(p.relative_to(site) for p in site.rglob("*"))
    assert len(list((again / "pagefind" / "fragment").iterdir())) == len(demo_ids()) + 2  # the search index is compared too


def test_plain_mkdocs_build_works(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch_of(dt.date.fromisoformat(AS_OF))}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "site_config.yml", "-d", str(tmp_path / "out")],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "dang-ky" / "2024-stc-01" / "index.html").is_file()
    assert "/dang-ky/2024-stc-01/" in search_pages(tmp_path / "out")  # the plugin indexed it for search


def test_plain_mkdocs_build_refuses_invalid_content(tmp_path):
    for part in ("content", "theme"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(ROOT / "site_config.yml", tmp_path)
    bad = tmp_path / "content" / "registrations" / "2024" / "so-tai-chinh" / "2024-stc-01.yml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("status: completed", "status: finished"), encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch_of(dt.date.fromisoformat(AS_OF))}
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "site_config.yml", "-d", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "2024-stc-01.yml" in result.stderr and "status: giá trị «finished» không hợp lệ" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", sorted(GOLDEN_PAGES))
def test_golden_pages(site, name):
    produced = article(site / GOLDEN_PAGES[name])
    golden = GOLDEN / name
    if os.environ.get("DOTPHA_UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8"), f"{name} differs; see the module docstring to regenerate"


def test_the_year_selector_finds_its_list_even_without_archives(tmp_path):
    """Material fetches versions.json from every page; plain `mkdocs build` must ship it too."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch_of(dt.date.fromisoformat(AS_OF))}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "site_config.yml", "-d", str(tmp_path / "out")],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    assert json.loads((tmp_path / "out" / "versions.json").read_text(encoding="utf-8")) == [
        {"version": ".", "title": "Hiện tại", "aliases": []}
    ]


def test_an_extended_deadline_shows_the_registered_one_and_the_decision(site):
    html = article(site / "dang-ky" / "2024-stc-01" / "index.html")
    assert "Hoàn thành: 31/12/2024 (điều chỉnh từ 31/10/2024, Thông báo số 123-TB/TU)." in html
    assert "Ngày 15/10/2024, Ban Thường vụ Tỉnh ủy (Thông báo số 123-TB/TU): thời hạn mới 31/12/2024." in html
    unit = article(site / "don-vi" / "so-tai-chinh" / "index.html")
    assert "31/12/2024 (điều chỉnh từ 31/10/2024, Thông báo số 123-TB/TU)" in unit


def test_a_status_move_and_a_missing_reason_are_told_on_the_page(site):
    paused = article(site / "dang-ky" / "2025-ttt-01" / "index.html")
    assert re.search(r'<span class="dp-move">Đang thực hiện → <span[^>]*>Tạm dừng</span>:</span>', paused)
    assert "Chưa ghi lý do" not in paused
    unexplained = article(site / "dang-ky" / "2025-huth-01" / "index.html")
    assert "Chưa ghi lý do tạm dừng: chưa có báo cáo tiến độ nào chuyển sang trạng thái này." in unexplained
