"""The built site in a real browser: Debian's Chromium driven by Playwright.

The demo site is built once per session into a temporary folder and served
from 127.0.0.1 on a free port. Every page must load without console errors
and without asking any other host for anything; Material's search must find
registrations whether the query has its diacritics or not; axe-core must find
no serious or critical accessibility problem; and a registration title that
looks like HTML must show as text, never run.

These tests run by default (CI installs Chromium in `.ci/run`). Set
DOTPHA_CHROMIUM to use a Chromium other than /usr/bin/chromium.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
import yaml
from conftest import shared_chromium

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2025-11-01"
CHROMIUM = os.environ.get("DOTPHA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEARCH_WAIT_MS = 10_000


# ---------------------------------------------------------------- building and serving


def build_site(site_dir: Path, *extra: str) -> None:
    """`dotpha build` in a child process (it sets environment variables that
    must not leak into other tests), from the repository root."""
    command = [sys.executable, "-m", "generator.cli", "build", "--as-of", AS_OF, "--site-dir", str(site_dir), *extra]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"dotpha build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"


class _QuietHandler(SimpleHTTPRequestHandler):
    # Python guesses types from the platform's tables; Material needs these two.
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, format, *args):
        """Keep the test output free of one line per request."""


@dataclass
class Server:
    root: Path
    url: str
    host: str

    def __call__(self, path: str) -> str:
        return self.url + path


def serve(root: Path) -> Iterator[Server]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, name=f"serve {root}", daemon=True)
    thread.start()
    host = f"127.0.0.1:{httpd.server_port}"
    try:
        yield Server(root, f"http://{host}", host)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("demo") / "site"
    build_site(site)
    return site


@pytest.fixture(scope="session")
def server(demo_site: Path) -> Iterator[Server]:
    yield from serve(demo_site)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (or set DOTPHA_CHROMIUM)")
    # Shared with every module that imports this fixture: see conftest.shared_chromium.
    yield shared_chromium(CHROMIUM, CHROMIUM_ARGS)


@dataclass
class Watched:
    """A page, with every request it made and every console message and
    uncaught error it produced."""

    page: object
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.errors

    def foreign_requests(self, host: str) -> list[str]:
        return [url for url in self.requests if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != host]


@pytest.fixture
def watched(browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    seen = Watched(page)
    context.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: seen.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    yield seen
    context.close()


def registration_title(reg_id: str) -> str:
    (path,) = (REPO / "content" / "registrations").glob(f"*/*/{reg_id}.yml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))["title"]


def site_name() -> str:
    config = (REPO / "site_config.yml").read_text(encoding="utf-8")
    return next(line.split(":", 1)[1].strip() for line in config.splitlines() if line.startswith("site_name:"))


# ---------------------------------------------------------------- loading


@pytest.mark.parametrize("path", ["/", "/dang-ky/2024-stc-01/", "/dang-ky/", "/don-vi/so-tai-chinh/"])
def test_page_loads_clean_and_local(watched: Watched, server: Server, path: str):
    response = watched.page.goto(server(path))
    assert response is not None and response.status == 200
    watched.page.wait_for_load_state("networkidle")
    assert watched.console_errors() == []
    assert watched.foreign_requests(server.host) == []
    # The page did fetch its own styles and scripts, so the check above saw traffic.
    assert any(url.endswith(".css") for url in watched.requests)


def test_registration_title_and_heading(watched: Watched, server: Server):
    title = registration_title("2024-stc-01")
    watched.page.goto(server("/dang-ky/2024-stc-01/"))
    assert watched.page.title() == f"{title} - {site_name()}"
    assert watched.page.locator("article h1").inner_text().strip() == title
    assert watched.page.locator("html").get_attribute("lang") == "vi"


# ---------------------------------------------------------------- search


def search(page, server: Server, query: str) -> list[str]:
    """Open the home page, press `/`, type the query as a person would and
    return the result links, best first (paths from the site root)."""
    page.goto(server("/"))
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.keyboard.type(query, delay=25)
    # Material answers each keystroke in turn and says nothing when the last
    # answer is in: read the results until they stop changing.
    read = """() => [
        document.querySelector('.md-search-result__meta').textContent.trim(),
        [...document.querySelectorAll('.md-search-result__item > a.md-search-result__link')]
            .map(a => new URL(a.href).pathname)]"""
    seen, same = None, 0
    for _ in range(SEARCH_WAIT_MS // 200):
        now = page.evaluate(read)
        same = same + 1 if now == seen else 0
        seen = now
        if same >= 3 and re.search(r"\d|Không", now[0]):
            return now[1]
        page.wait_for_timeout(200)
    raise AssertionError(f"search for {query!r} never settled: {seen}")


GIAI_PHONG = "giải phóng mặt bằng"
DUONG = "đường ven biển"


@pytest.mark.parametrize(
    ("query", "reg_id"),
    [
        pytest.param(GIAI_PHONG, "2025-husl-01", id="accented"),
        pytest.param("giai phong mat bang", "2025-husl-01", id="folded"),
        pytest.param("GIAI PHONG MAT BANG", "2025-husl-01", id="folded-upper"),
        pytest.param(unicodedata.normalize("NFD", GIAI_PHONG), "2025-husl-01", id="nfd"),
        pytest.param(DUONG, "2024-husl-01", id="duong-accented"),
        pytest.param("duong ven bien", "2024-husl-01", id="duong-folded"),
        pytest.param(unicodedata.normalize("NFD", "ĐƯỜNG"), "2024-husl-01", id="duong-nfd-upper"),
    ],
)
def test_search_finds_with_or_without_diacritics(watched: Watched, server: Server, query: str, reg_id: str):
    results = search(watched.page, server, query)
    top = results[:5]
    assert f"/dang-ky/{reg_id}/" in top, f"{query!r}: {reg_id} not in the first five results {top}"
    assert watched.console_errors() == []
    assert watched.foreign_requests(server.host) == []


def test_search_of_nothing_says_so(watched: Watched, server: Server):
    assert search(watched.page, server, "xyzzyqwv") == []
    assert "Không tìm thấy" in watched.page.locator(".md-search-result__meta").inner_text()


# ---------------------------------------------------------------- accessibility


@functools.cache
def axe_source() -> str:
    """axe-core as shipped inside the axe-playwright-python wheel (PyPI), so
    `pip install -e '.[test]'` brings it; no npm and no network at test time."""
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    page.evaluate(axe_source())
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:5]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", ["/", "/dang-ky/", "/don-vi/so-tai-chinh/", "/dang-ky/2024-stc-01/"])
def test_axe_finds_no_serious_violation(watched: Watched, server: Server, path: str):
    watched.page.goto(server(path))
    watched.page.wait_for_load_state("networkidle")
    assert serious_violations(watched.page) == []


def test_axe_with_search_results_open(watched: Watched, server: Server):
    assert search(watched.page, server, GIAI_PHONG)
    assert serious_violations(watched.page) == []


def test_axe_on_a_phone(browser, server: Server):
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(server("/dang-ky/2024-stc-01/"))
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == []
    finally:
        context.close()


# ---------------------------------------------------------------- user text never runs

ENTITY_TITLE = "&lt;/title&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;"
TAG_TITLE = '<img src=x onerror="window.__pwned=1">'
RAW_TITLE = "</title><script>window.__pwned=1</script>"


@pytest.fixture
def hostile_site(content, tmp_path: Path) -> Iterator[Server]:
    """A tiny content folder whose registration titles look like HTML."""
    content.registration(title=ENTITY_TITLE)
    content.registration(id="2024-stc-02", title=TAG_TITLE)
    content.registration(id="2024-stc-03", title=RAW_TITLE)
    site = tmp_path / "site"
    build_site(site, "--config", str(REPO / "site_config.yml"), "--content", str(content.root))
    yield from serve(site)


@pytest.mark.parametrize(
    ("reg_id", "title"), [("2024-stc-01", ENTITY_TITLE), ("2024-stc-02", TAG_TITLE), ("2024-stc-03", RAW_TITLE)]
)
def test_html_in_a_title_shows_as_text(watched: Watched, hostile_site: Server, reg_id: str, title: str):
    page = watched.page
    for path in (f"/dang-ky/{reg_id}/", "/dang-ky/", "/"):
        page.goto(hostile_site(path))
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => typeof window.__pwned") == "undefined", path
    page.goto(hostile_site(f"/dang-ky/{reg_id}/"))
    assert page.title().startswith(title)
    assert page.locator("article h1").inner_text().strip() == title
    page.goto(hostile_site("/dang-ky/"))
    assert page.get_by_text(title, exact=True).count() >= 1
    # Material renders search results as HTML: the title must arrive escaped.
    results = search(page, hostile_site, "stc")  # the id, split at its dashes
    assert f"/dang-ky/{reg_id}/" in results
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator(".md-search-result__item h1").get_by_text(title, exact=False).count() >= 1
    assert page.locator(".md-search-result img").count() == 0
