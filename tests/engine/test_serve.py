"""`dotpha serve` rebuilds: after a save, only what would come out different is rewritten,
and the site is then the one a clean build gives, byte for byte.

MkDocs' serve loop is driven in-process as `serve(build_type="dirty")` drives it:
a fresh config for every build, the plugin instances kept, `build(dirty=True)`
into the same folder.  Which files a build rewrote is read from their
modification times.  The search index (pagefind/) is the one exception to "byte for byte":
a partial rebuild keeps the previous one (see `DotphaPlugin.partial_rebuild`).
Downloads and feeds come from a background thread after a partial rebuild; the
comparisons wait for it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import pytest
import yaml
from conftest import AS_OF, BREAKTHROUGH, search_pages
from jinja2.exceptions import UndefinedError
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

import generator.engine.plugin
from generator.domain.asof import epoch_of
from generator.engine import engine_logger

URL = "http://127.0.0.1:8000/"
INDEX = "pagefind/"  # the search index: every file under it
STC_01 = "registrations/2024/so-tai-chinh/2024-stc-01.yml"
STC_02 = "registrations/2024/so-tai-chinh/2024-stc-02.yml"
HUBS_01 = "registrations/2024/huyen-uy-binh-son/2024-hubs-01.yml"
STC_2023 = "registrations/2023/so-tai-chinh/2023-stc-01.yml"
OTHER_PERSON = {"name": "Trần Thị Bình", "position": "Bí thư Huyện ủy", "unit": "huyen-uy-binh-son"}


class Serving:
    """The serve loop without its web server: `build()` is one rebuild after a save."""

    def __init__(self, project: Path):
        self.project = project
        self.site = project / "served"
        self.config().plugins.on_startup(command="serve", dirty=True)

    def config(self, site: Path | None = None):
        config = load_config(str(self.project / "site_config.yml"), site_dir=str(site or self.site))
        config.site_url = URL
        return config

    def build(self, wait: bool = True) -> None:
        build(self.config(), serve_url=URL, dirty=True)
        if wait:  # for the downloads, feeds and search shards a partial rebuild writes in the background
            self.plugin().session.wait()

    def plugin(self):
        return self.config().plugins["dotpha"]

    def clean_build(self) -> Path:
        """A clean build of the same project elsewhere (call it last: the plugin then
        forgets the served folder, as it would serving another one)."""
        target = self.project / "clean"
        build(self.config(target), serve_url=URL)
        return target


@pytest.fixture
def project(site_content, monkeypatch):
    set_as_of(monkeypatch, AS_OF.isoformat())
    site_content.write("pages/huong-dan.md", "# Hướng dẫn\n\nGửi đăng ký. [Thay đổi](thay-doi.xml), [tải về](tai-ve/dang-ky-tat-ca.csv).\n")
    site_content.registration()
    site_content.registration(BREAKTHROUGH, id="2024-stc-02", path=STC_02)
    site_content.registration(id="2024-hubs-01", path=HUBS_01, registrant=OTHER_PERSON, title="Sắp xếp trụ sở")
    site_content.registration(
        id="2023-stc-01", path=STC_2023, year=2023, registered_on=dt.date(2023, 3, 15),
        schedule={"start": dt.date(2023, 4, 1), "due": dt.date(2023, 12, 31)},
    )  # fmt: skip
    return site_content


@pytest.fixture
def serving(project):
    served = Serving(project.root.parent)
    served.build()
    yield served
    served.config().plugins.on_startup(command="build", dirty=False)  # later tests build clean


def set_as_of(monkeypatch, day: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch_of(dt.date.fromisoformat(day)))


def times(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def rewritten(before: dict[str, int], site: Path) -> set[str]:
    return {path for path, when in times(site).items() if before.get(path) != when}


def nav_pages(project) -> set[str]:
    """The pages of the navigation, which every build rewrites (they are few)."""
    config = yaml.safe_load((project.root.parent / "site_config.yml").read_text(encoding="utf-8"))
    uris = [next(iter(item.values())) for item in config["nav"]]
    return {uri.replace(".md", "/index.html").replace("index/index.html", "index.html") for uri in uris}


def snapshot(site: Path, *leaving_out: str) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.relative_to(site).as_posix().startswith(leaving_out or ("\0",))
    }


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def assert_same_as_a_clean_build(serving: Serving, *leaving_out: str) -> None:
    served = snapshot(serving.site, *leaving_out)
    clean = snapshot(serving.clean_build(), *leaving_out)
    assert sorted(served) == sorted(clean)
    assert [path for path in clean if served[path] != clean[path]] == []


# ---------------------------------------------------------------- a saved registration


def test_a_saved_registration_shows_on_its_pages_and_nothing_else_is_rewritten(project, serving):
    before = times(serving.site)
    index = snapshot(serving.site / INDEX)
    project.registration(title="Quyết toán dứt điểm các dự án tồn đọng ĐÃ SỬA")
    serving.build()
    assert serving.plugin().partial_rebuild
    new_title = "Quyết toán dứt điểm các dự án tồn đọng ĐÃ SỬA"
    for url in ("dang-ky/2024-stc-01", "don-vi/so-tai-chinh", "can-bo/nguyen-van-an-so-tai-chinh", "dang-ky", "nam/2024"):
        assert new_title in page(serving.site, url), url
    assert new_title in (serving.site / "dang-ky/registry.json").read_text(encoding="utf-8")
    changed = rewritten(before, serving.site)
    assert {"dang-ky/2024-stc-01/index.html", "don-vi/so-tai-chinh/index.html", "dang-ky/registry.json"} <= changed
    untouched = {
        "dang-ky/2024-stc-02/index.html", "dang-ky/2024-hubs-01/index.html", "don-vi/huyen-uy-binh-son/index.html",
        "can-bo/tran-thi-binh-huyen-uy-binh-son/index.html", "dang-ky-moi/ma-da-dung.json", "don-vi/huyen-uy-binh-son/thay-doi.xml",
    }  # fmt: skip
    assert all((serving.site / path).is_file() for path in untouched)
    assert changed & untouched == set()
    assert snapshot(serving.site / INDEX) != index  # the shard holding the page is indexed again
    assert search_pages(serving.site)["/dang-ky/2024-stc-01/"]["meta"]["title"] == new_title  # found without a restart
    assert not list(serving.site.rglob("*.dotpha-kept"))
    assert_same_as_a_clean_build(serving)  # the index too


def hold_back_downloads(monkeypatch) -> threading.Event:
    """The background writing of downloads and feeds waits until the returned event is set."""
    released = threading.Event()
    offered_files = generator.engine.plugin.offered_files
    monkeypatch.setattr(generator.engine.plugin, "offered_files", lambda view: released.wait(60) and offered_files(view))
    return released


def test_downloads_and_feeds_come_after_the_page(project, serving, monkeypatch):
    released = hold_back_downloads(monkeypatch)
    project.registration(title="Tên mới của việc")
    serving.build(wait=False)
    try:
        assert "Tên mới của việc" in page(serving.site, "dang-ky/2024-stc-01")
        assert "Tên mới của việc" not in (serving.site / "tai-ve/dang-ky-tat-ca.csv").read_text(encoding="utf-8-sig")
    finally:
        released.set()
        serving.plugin().session.wait()
    assert "Tên mới của việc" in (serving.site / "tai-ve/dang-ky-tat-ca.csv").read_text(encoding="utf-8-sig")
    assert_same_as_a_clean_build(serving)


def test_a_stopped_server_gets_nothing_more_written(project, serving, monkeypatch):
    released = hold_back_downloads(monkeypatch)
    project.registration(title="Sau khi dừng")
    serving.build(wait=False)
    serving.plugin().on_shutdown()  # Ctrl-C: MkDocs then removes the served folder
    released.set()
    serving.plugin().rebuild.wait()
    assert "Sau khi dừng" not in (serving.site / "tai-ve/dang-ky-tat-ca.csv").read_text(encoding="utf-8-sig")


def test_a_save_that_changes_nothing_rewrites_no_page(project, serving):
    before = times(serving.site)
    path = project.root / STC_01
    path.write_text(path.read_text(encoding="utf-8") + "# một ghi chú\n", encoding="utf-8")
    serving.build()
    assert {p for p in rewritten(before, serving.site) if p.endswith(".html")} - nav_pages(project) - {"404.html"} == set()
    assert_same_as_a_clean_build(serving)


def test_a_deleted_registration_leaves_no_page(project, serving):
    (project.root / STC_02).unlink()
    serving.build()
    assert not (serving.site / "dang-ky/2024-stc-02").exists()
    assert "2024-stc-02" not in page(serving.site, "don-vi/so-tai-chinh")
    assert_same_as_a_clean_build(serving)


def test_the_last_registration_of_a_year_takes_its_downloads_along(project, serving):
    assert (serving.site / "tai-ve/dang-ky-2023.xlsx").is_file()
    (project.root / STC_2023).unlink()
    serving.build()
    assert serving.plugin().partial_rebuild
    assert not list((serving.site / "tai-ve").glob("dang-ky-2023.*"))
    assert not (serving.site / "nam/2023").exists()
    assert_same_as_a_clean_build(serving)


def test_a_renamed_registration_moves_its_page(project, serving):
    (project.root / HUBS_01).unlink()
    project.registration(id="2024-hubs-02", path=HUBS_01.replace("01", "02"), registrant=OTHER_PERSON, title="Sắp xếp trụ sở")
    serving.build()
    assert not (serving.site / "dang-ky/2024-hubs-01").exists()
    assert "Sắp xếp trụ sở" in page(serving.site, "dang-ky/2024-hubs-02")
    assert_same_as_a_clean_build(serving)


def test_an_invalid_save_keeps_the_served_site_and_names_the_file(project, serving, caplog):
    before = snapshot(serving.site)
    shown = project.registration(status="finished")
    with pytest.raises(Abort), caplog.at_level(logging.ERROR, logger=engine_logger()):
        serving.build()  # the serve loop logs it and keeps serving the previous site
    assert f"{shown}:17:9: status: giá trị «finished» không hợp lệ" in caplog.text
    assert snapshot(serving.site) == before
    project.registration(title="Đã sửa lại")  # fixed: the next build is still a partial one
    serving.build()
    assert serving.plugin().partial_rebuild
    assert "Đã sửa lại" in page(serving.site, "dang-ky/2024-stc-01")


def test_mkdocs_warns_of_no_dirty_build(project, serving, caplog):
    project.registration(title="Đổi tên")
    with caplog.at_level(logging.INFO, logger=engine_logger()):
        serving.build()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "dotpha: dựng lại" in caplog.text


# ---------------------------------------------------------------- what every page shows


def edit_theme(project, monkeypatch):
    main = project.root.parent / "theme" / "main.html"
    main.write_text(main.read_text(encoding="utf-8").replace("{{ super() }}", '{{ super() }}<meta name="dp-serve">', 1), encoding="utf-8")
    return '<meta name="dp-serve">'


def edit_nav(project, monkeypatch):
    config = project.root.parent / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("- Giới thiệu: gioi-thieu.md", "- Về trang này: gioi-thieu.md"), encoding="utf-8")
    return "Về trang này"


def edit_free_page(project, monkeypatch):
    project.write("pages/huong-dan.md", "# Hướng dẫn\n\nGửi đăng ký qua kho git.\n")
    return ""


def change_as_of(project, monkeypatch):
    set_as_of(monkeypatch, "2025-01-15")
    return "15/01/2025"


@pytest.mark.parametrize("edit", [edit_theme, edit_nav, edit_free_page, change_as_of])
def test_what_every_page_shows_rewrites_every_page(project, serving, monkeypatch, edit):
    before = times(serving.site)
    shown = edit(project, monkeypatch)
    serving.build()
    assert not serving.plugin().partial_rebuild
    pages = {path for path in times(serving.site) if path.endswith(".html") and not path.endswith("/don/index.html")}  # not the redirects
    assert pages - rewritten(before, serving.site) == set()
    assert all(shown in (serving.site / path).read_text(encoding="utf-8") for path in pages if path != "404.html")
    assert_same_as_a_clean_build(serving)  # the search index included


def test_a_full_rebuild_after_a_partial_one_indexes_every_page_once(project, serving, monkeypatch):
    project.registration(title="Lần sửa thứ nhất")
    serving.build()
    change_as_of(project, monkeypatch)
    serving.build()
    assert_same_as_a_clean_build(serving)


# ---------------------------------------------------------------- trust


def test_a_build_that_failed_while_writing_is_not_trusted(project, serving):
    main = project.root.parent / "theme" / "main.html"
    good = main.read_text(encoding="utf-8")
    main.write_text(good.replace("{% block styles %}", "{% block styles %}{{ config.extra.no_such_thing.here }}"), encoding="utf-8")
    with pytest.raises(UndefinedError):
        serving.build()
    assert serving.plugin().rebuild.site_key is None
    main.write_text(good, encoding="utf-8")
    serving.build()
    assert not serving.plugin().partial_rebuild
    assert_same_as_a_clean_build(serving)


def test_titles_the_navigation_takes_from_the_pages_stay_in_it(project, monkeypatch):
    config = project.root.parent / "site_config.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("- Giới thiệu: gioi-thieu.md", "- gioi-thieu.md").replace("- Tải về: tai-ve/index.md", "- tai-ve/index.md"), encoding="utf-8")
    served = Serving(project.root.parent)
    try:
        served.build()
        project.registration(title="Một tên khác")
        served.build()
        assert served.plugin().partial_rebuild
        assert_same_as_a_clean_build(served)
    finally:
        served.config().plugins.on_startup(command="build", dirty=False)


def test_changes_are_reported_by_the_system_not_found_by_polling(tmp_path):
    """MkDocs' polling observer looks at every watched file twice a second, even when idle."""
    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers.polling import PollingObserver

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    (tmp_path / "content").mkdir()
    server.watch(str(tmp_path / "content"))
    server.watch(str(tmp_path / "content"))
    assert isinstance(server.observer, PollingObserver)
    generator.engine.plugin._watch_natively(server)
    assert not isinstance(server.observer, PollingObserver)
    assert server._watched_paths == {str(tmp_path / "content"): 2}
    server.server_close()
