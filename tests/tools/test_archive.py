"""Annual snapshots (`dotpha snapshot`), their publication under /YEAR/ and the version selector.

A copy of the demo project (site_config.yml, theme/, content/) is made a git
repository in a temporary folder, 2024 is snapshotted from it, then a 2024
registration and a theme template are changed and the live site is built:
the archive must not move by a byte while the live site shows both changes.
The demo's 2024 has an update dated 15/01/2025, so the snapshot is made
`--as-of 2025-01-31` (the default, 31/12/2024, is refused: one of the tests).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import search_pages, shared_chromium
from gitwork import GitWork
from test_browser import CHROMIUM, CHROMIUM_ARGS, search, serious_violations, serve

from generator.cli import main
from generator.site.archives import ArchiveError, manifest, publish_archives, stored_snapshots, verify_snapshot
from generator.site.versions import versions_json

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT_AS_OF = "2025-01-31"
LIVE_AS_OF = "2025-11-01"
EDITED = "content/registrations/2024/so-tai-chinh/2024-stc-01.yml"
BANNER = "Bản lưu trữ năm 2024, số liệu chốt ngày 31/01/2025."
TEMPLATE_MARK = "Số liệu (mẫu trang đã đổi) tính đến ngày"


def make_project(root: Path) -> GitWork:
    root.mkdir(parents=True, exist_ok=True)
    for name in ("site_config.yml", "theme", "content"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    work = GitWork(root)
    work.commit("Nội dung mẫu")
    return work


def dotpha(project: Path, *args: str) -> int:
    return main([*args[:1], "--config", str(project / "site_config.yml"), *args[1:]])


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Snapshot 2024, then change a 2024 registration and a template, then build the live site."""
    root = tmp_path_factory.mktemp("archive") / "repo"
    work = make_project(root)
    assert dotpha(root, "snapshot", "2024", "--as-of", SNAPSHOT_AS_OF) == 0
    work.commit("Lưu trữ năm 2024", when="2025-02-01T09:00:00+07:00")
    registration = root / EDITED
    text = registration.read_text(encoding="utf-8")
    registration.write_text(text.replace("title: Quyết toán dứt điểm", "title: ĐÃ SỬA SAU KHI LƯU Quyết toán dứt điểm", 1), encoding="utf-8")
    main_html = root / "theme" / "main.html"
    main_html.write_text(main_html.read_text(encoding="utf-8").replace("Số liệu tính đến ngày", TEMPLATE_MARK), encoding="utf-8")
    assert dotpha(root, "build", "--as-of", LIVE_AS_OF, "--site-dir", str(root / "site")) == 0
    return root


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- frozen, published, listed


def test_archived_pages_are_byte_identical_after_content_and_template_changes(project):
    archived, published = files_of(project / "archive/2024/site"), files_of(project / "site/2024")
    assert published == archived
    page = "dang-ky/2024-stc-01/index.html"
    assert "ĐÃ SỬA SAU KHI LƯU" not in archived[page].decode() and TEMPLATE_MARK not in archived[page].decode()
    live = (project / "site" / page).read_text(encoding="utf-8")
    assert "ĐÃ SỬA SAU KHI LƯU" in live and TEMPLATE_MARK in live


def test_the_archive_shows_the_site_as_it_stood_at_the_end_of_the_year(project):
    archived = files_of(project / "archive/2024/site")
    assert any(path.startswith("dang-ky/2024-") for path in archived)
    assert not any(path.startswith("dang-ky/2025-") for path in archived)  # later years are not read
    assert "404.html" not in archived  # its links start at the server's root
    assert "nam/2024/index.html" in archived and "nam/2025/index.html" not in archived


def test_versions_json_lists_the_live_site_then_every_year(project):
    versions = json.loads((project / "site" / "versions.json").read_text(encoding="utf-8"))
    assert versions == [
        {"version": ".", "title": "Hiện tại", "aliases": []},
        {"version": "2024", "title": "Năm 2024 (lưu trữ)", "aliases": []},
    ]
    for page in ("site/index.html", "site/2024/index.html"):
        assert '"version": {"provider": "mike"}' in (project / page).read_text(encoding="utf-8")


def test_every_archived_page_carries_the_banner_and_the_live_site_none(project):
    pages = sorted(p for p in (project / "archive/2024/site").rglob("*.html") if not p.match("dang-ky/*/don/index.html"))  # redirects aside
    assert len(pages) > 40
    for page in pages:
        assert BANNER in page.read_text(encoding="utf-8"), page
    assert "Bản lưu trữ" not in (project / "site/index.html").read_text(encoding="utf-8")


def test_each_year_has_its_own_search_index(project):
    year, live = search_pages(project / "site" / "2024"), search_pages(project / "site")
    assert year and all(url.startswith("/dang-ky/2024-") or url.count("/") == 2 for url in year), sorted(year)
    assert "ĐÃ SỬA" not in year["/dang-ky/2024-stc-01/"]["meta"]["title"]
    assert live["/dang-ky/2024-stc-01/"]["meta"]["title"].startswith("ĐÃ SỬA SAU KHI LƯU")
    assert any(url.startswith("/dang-ky/2025-") for url in live)
    assert not any(url.startswith("/2024/") for url in live)  # the archive stays out of the live site's index


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (attribute, value, class)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        for name in ("href", "src"):
            if found.get(name) is not None:
                self.links.append((name, found[name], found.get("class") or ""))


def test_links_inside_the_archive_stay_inside_it(project):
    archive = project / "archive/2024/site"
    base = "http://intranet.test/2024/"
    checked = 0
    for page in sorted(archive.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        here = urljoin(base, page.relative_to(archive).as_posix())
        for attribute, value, classes in parser.links:
            parts = urlsplit(value)
            if parts.scheme in ("http", "https") and attribute == "href":
                continue  # a registration's own links to its documents
            assert not value.startswith("/"), (page, value)
            target = urljoin(here, value)
            if "dp-archive-live" in classes:
                assert target == "http://intranet.test/", (page, value)  # the banner's way back to the live site
                continue
            assert target.startswith(base), (page, value)
            checked += 1
    assert checked > 1000


def test_the_record_names_the_commit_the_date_and_every_file(project):
    record = json.loads((project / "archive/2024/snapshot.json").read_text(encoding="utf-8"))
    first = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=project, capture_output=True, text=True, check=True)
    assert record["commit"] == first.stdout.strip()  # the commit before the snapshot's own
    assert record["dirty"] is False and record["as_of"] == SNAPSHOT_AS_OF and record["year"] == 2024
    assert record["registrations_of_year"] == 20 and record["profile"] == "internal"
    assert set(record["generator"]) == {"dotpha", "mkdocs", "mkdocs-material"}
    assert record["files"] == manifest(project / "archive/2024/site")


def test_verify_reports_an_intact_archive(project, capsys):
    assert dotpha(project, "snapshot", "--verify") == 0
    assert "archive/2024: khớp bản ghi (" in capsys.readouterr().out


# ---------------------------------------------------------------- refusals


def test_an_existing_snapshot_is_not_overwritten_without_force(project, capsys):
    before = files_of(project / "archive/2024")
    assert dotpha(project, "snapshot", "2024", "--as-of", SNAPSHOT_AS_OF) == 1
    assert capsys.readouterr().err == f"dotpha: đã có bản lưu trữ năm 2024 ({project}/archive/2024); không ghi đè. Dùng --force để làm lại.\n"
    assert files_of(project / "archive/2024") == before


def test_force_remakes_the_snapshot_and_the_same_commit_gives_the_same_bytes(tmp_path):
    work = make_project(tmp_path / "repo")
    root = work.root
    assert dotpha(root, "snapshot", "2024", "--as-of", SNAPSHOT_AS_OF) == 0
    first = files_of(root / "archive/2024")
    assert dotpha(root, "snapshot", "2024", "--as-of", SNAPSHOT_AS_OF, "--force") == 0
    assert files_of(root / "archive/2024") == first
    assert not [p.name for p in (root / "archive").iterdir() if p.name != "2024"]  # no staging left behind


def test_a_year_without_registrations_is_refused_and_nothing_written(tmp_path, capsys):
    root = make_project(tmp_path / "repo").root
    assert dotpha(root, "snapshot", "2019") == 1
    assert "năm 2019 không có đăng ký nào trong" in capsys.readouterr().err
    assert not (root / "archive" / "2019").exists()


def test_invalid_content_is_refused_and_nothing_written(tmp_path, capsys):
    root = make_project(tmp_path / "repo").root
    assert dotpha(root, "snapshot", "2024") == 1  # an update of 15/01/2025 is after 31/12/2024
    out = capsys.readouterr().out
    assert "updates.2.date: ngày 15/01/2025 sau ngày tính số liệu 31/12/2024" in out
    assert "Nội dung có lỗi khi tính số liệu đến 31/12/2024: không tạo bản lưu trữ năm 2024." in out
    assert "--as-of YYYY-MM-DD" in out
    bad = root / EDITED
    bad.write_text(bad.read_text(encoding="utf-8").replace("status: completed", "status: finished"), encoding="utf-8")
    assert dotpha(root, "snapshot", "2024", "--as-of", SNAPSHOT_AS_OF) == 1
    assert "status: giá trị «finished» không hợp lệ" in capsys.readouterr().out
    assert not (root / "archive").exists()


def test_an_as_of_date_before_the_year_is_refused(tmp_path, capsys):
    root = make_project(tmp_path / "repo").root
    assert dotpha(root, "snapshot", "2024", "--as-of", "2023-12-31") == 1
    assert "ngày chốt số liệu 31/12/2023 trước năm 2024" in capsys.readouterr().err


# ---------------------------------------------------------------- publishing (no MkDocs: archives written by hand)


def fake_archive(repo: Path, year: int, profile: str = "internal") -> Path:
    site = repo / "archive" / str(year) / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text(f"<p>{year}</p>", encoding="utf-8")
    record = {"year": year, "profile": profile, "files": manifest(site)}
    (site.parent / "snapshot.json").write_text(json.dumps(record), encoding="utf-8")
    return site


def test_a_changed_archive_is_caught_and_nothing_published(tmp_path, capsys):
    site = fake_archive(tmp_path, 2024)
    (site / "index.html").write_text("<p>sửa lén</p>", encoding="utf-8")
    (site / "extra.html").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ArchiveError) as caught:
        publish_archives(tmp_path, out)
    message = str(caught.value)
    assert "index.html: nội dung đã bị sửa (SHA-256 khác bản ghi)" in message
    assert "extra.html: tệp không có trong bản ghi" in message
    assert list(out.iterdir()) == []
    assert dotpha_verify(tmp_path) == 1
    assert "index.html: nội dung đã bị sửa" in capsys.readouterr().out


def dotpha_verify(repo: Path) -> int:
    (repo / "site_config.yml").touch()
    return main(["snapshot", "--verify", "--config", str(repo / "site_config.yml"), "--content", str(repo)])


def test_a_live_page_in_the_way_of_an_archive_is_refused(tmp_path):
    fake_archive(tmp_path, 2024)
    out = tmp_path / "out"
    (out / "2024").mkdir(parents=True)
    with pytest.raises(ArchiveError, match=r"trang hiện tại đã có /2024"):
        publish_archives(tmp_path, out)


def test_only_archives_of_the_build_profile_are_published(tmp_path, capsys):
    fake_archive(tmp_path, 2023, profile="public")
    fake_archive(tmp_path, 2024, profile="internal")
    out = tmp_path / "out"
    out.mkdir()
    assert publish_archives(tmp_path, out, profile="public") == [2023]
    assert not (out / "2024").exists() and (out / "2023" / "index.html").read_text(encoding="utf-8") == "<p>2023</p>"
    assert "bỏ qua bản lưu trữ năm 2024 (bản internal" in capsys.readouterr().err
    assert json.loads((out / "versions.json").read_bytes())[1]["version"] == "2023"


def test_staging_folders_and_other_names_are_not_archives(tmp_path):
    fake_archive(tmp_path, 2024)
    (tmp_path / "archive" / ".2025.new-x").mkdir()
    (tmp_path / "archive" / "README").write_text("", encoding="utf-8")
    assert [s.year for s in stored_snapshots(tmp_path)] == [2024]
    assert verify_snapshot(stored_snapshots(tmp_path)[0]) == []
    assert json.loads(versions_json([])) == [{"version": ".", "title": "Hiện tại", "aliases": []}]


# ---------------------------------------------------------------- in a browser


def test_version_selector_banner_and_search_inside_the_archive(project):
    server = serve(project / "site")
    site = next(server)
    try:
        page = shared_chromium(CHROMIUM, CHROMIUM_ARGS).new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        _check_selector(page, site)
        _check_search(page, site)
        page.close()
    finally:
        next(server, None)
    assert requests and all(urlsplit(url).netloc == site.host for url in requests)


# Home, registry, unit, registration, danh mục and person pages, live and archived: all show the year selector.
SELECTOR_PAGES = ("/", "/dang-ky/", "/don-vi/so-tai-chinh/", "/dang-ky/2024-stc-01/", "/danh-muc/2024/", "/can-bo/tran-thi-bich-ngoc/")


def test_axe_finds_no_serious_violation_with_the_year_selector(project):
    """Material names the selector's button "Chọn phiên bản" while it shows "Hiện tại":
    theme/assets/year-selector.js gives it a name that holds the words on screen."""
    server = serve(project / "site")
    site = next(server)
    try:
        page = shared_chromium(CHROMIUM, CHROMIUM_ARGS).new_page()
        found = {}
        for path in SELECTOR_PAGES + tuple("/2024" + path for path in SELECTOR_PAGES):
            assert page.goto(site(path)).status == 200, path
            page.wait_for_selector(".md-version__current")
            page.wait_for_load_state("networkidle")
            found[path] = serious_violations(page)
        label = page.get_attribute(".md-version__current", "aria-label")
        page.close()
    finally:
        next(server, None)
    assert found == {path: [] for path in found}
    assert label == "Năm 2024 (lưu trữ) – Chọn phiên bản"


def _check_selector(page, site) -> None:
    for start, current in (("/", "Hiện tại"), ("/2024/dang-ky/2024-stc-01/", "Năm 2024 (lưu trữ)")):
        page.goto(site(start))
        page.wait_for_selector(".md-version__current")
        assert page.inner_text(".md-version__current").strip() == current
        links = [(a.inner_text().strip(), a.get_attribute("href")) for a in page.query_selector_all(".md-version__link")]
        assert links == [("Hiện tại", site("/")), ("Năm 2024 (lưu trữ)", site("/2024/"))]
    assert BANNER in page.inner_text(".md-banner")
    page.hover(".md-version")
    page.click(".md-version__link >> text=Hiện tại")
    page.wait_for_url(site("/"))
    assert "Bản lưu trữ" not in page.inner_text("body")
    page.hover(".md-version")
    page.click(".md-version__link >> text=Năm 2024")
    page.wait_for_url(site("/2024/"))
    page.click(".dp-archive-live")
    page.wait_for_url(site("/"))


def _check_search(page, site) -> None:
    paths = search(page, site, "quyet toan dut diem", path="/2024/")
    assert paths and all(path.startswith("/2024/dang-ky/2024-") for path in paths), paths
    assert "ĐÃ SỬA" not in page.inner_text(".md-search-result")  # the year's own index, as it stood
    assert search(page, site, "quyet toan dut diem")[0] == "/dang-ky/2024-stc-01/"  # the live site's, from its root
    assert "ĐÃ SỬA" in page.inner_text(".md-search-result")
