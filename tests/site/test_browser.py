"""The built site in a real browser: Debian's Chromium driven by Playwright.

The demo site is built once per session into a temporary folder and served
from 127.0.0.1 on a free port. Every page must load without console errors
and without asking any other host for anything; the search box (Pagefind's
index, theme/assets/search.js) must find registrations whether the query has
its diacritics or not, and answer to Material's keys; axe-core must find
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
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
import yaml
from conftest import shared_chromium

from generator.domain.text import fold

REPO = Path(__file__).resolve().parents[2]
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


def vietnamese_letters() -> str:
    """Every letter of Vietnamese in both cases, composed and decomposed, with ASCII around."""
    letters = [chr(c) for c in range(0x00C0, 0x1EFA) if unicodedata.category(chr(c)).startswith("L") and fold(chr(c)).isascii()]
    composed = "".join(letters)
    return f"{composed} Quảng Ngãi ĐỒNG đường 2025-x {unicodedata.normalize('NFD', composed)}"


def test_the_scripts_fold_as_python_does(watched: Watched, server: Server):
    """One folding per language (fold.js, domain/text.py): both give the same text."""
    text = vietnamese_letters()
    assert len(text) > 300
    for path in ("/", "/dang-ky-moi/"):  # the form page's own script folds too
        watched.page.goto(server(path))
        assert watched.page.evaluate("text => window.dotpha.fold(text)", text) == fold(text)
    assert watched.console_errors() == []


# ---------------------------------------------------------------- search


def search(page, server: Server, query: str, path: str = "/") -> list[str]:
    """Open a page, press `/`, type the query as a person would and return the
    result links, best first (paths from the site root)."""
    page.goto(server(path))
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.keyboard.type(query, delay=25)
    wait_for_answer(page, query)
    return result_paths(page)


def wait_for_answer(page, query: str) -> None:
    """Until the results of this query are on screen (theme/assets/search.js says so)."""
    wanted = unicodedata.normalize("NFC", query).strip()
    page.wait_for_function("q => document.querySelector('[data-dp-search]').dataset.answered === q", arg=wanted, timeout=SEARCH_WAIT_MS)


def result_paths(page) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('.md-search-result__item > a.md-search-result__link')].map(a => new URL(a.href).pathname)")


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


@pytest.fixture(scope="module")
def sharded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo site with its index in shards of ten pages (big sites: generator/search.py)."""
    config = yaml.safe_load((REPO / "site_config.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(REPO / config["docs_dir"])
    config["theme"]["custom_dir"] = str(REPO / config["theme"]["custom_dir"])
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "dotpha" in plugin:
            plugin["dotpha"]["search_shard_pages"] = 10
    folder = tmp_path_factory.mktemp("sharded")
    (folder / "config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    build_site(folder / "site", "--config", str(folder / "config.yml"), "--content", str(REPO / "content"))
    yield from serve(folder / "site")


def test_search_over_shards_finds_pages_of_every_shard(watched: Watched, sharded_server: Server):
    site = Path(sharded_server.root)
    shards = yaml.safe_load((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert len(shards) >= 4  # 44 registrations and two pages, ten a shard
    for query, reg_id in (("giai phong mat bang", "2025-husl-01"), ("duong ven bien", "2024-husl-01"), ("dao tao", "2025-skhcn-02")):
        assert f"/dang-ky/{reg_id}/" in search(watched.page, sharded_server, query)[:5], query
    shard_of = {
        reg_id: [shard for shard in ("", *shards) if f"/dang-ky/{reg_id}/" in shard_pages(site / "pagefind" / shard)]
        for reg_id in ("2025-husl-01", "2024-husl-01", "2025-skhcn-02")
    }
    assert all(len(found) == 1 for found in shard_of.values()), shard_of  # each page in exactly one shard
    assert len({found[0] for found in shard_of.values()}) > 1, shard_of  # the pages found live in different shards
    assert watched.console_errors() == [] and watched.foreign_requests(sharded_server.host) == []


def shard_pages(shard: Path) -> str:
    """The URLs one shard holds, as one string (its fragments, unpacked)."""
    from conftest import PAGEFIND_MAGIC, unpacked

    return " ".join(unpacked(path)[len(PAGEFIND_MAGIC) :].decode("utf-8", "replace") for path in (shard / "fragment").glob("*.pf_fragment"))


def test_search_spells_d_either_way(watched: Watched, server: Server):
    """Pagefind matches tone marks either way but takes đ for a letter of its own;
    the index also holds each page's đ-words spelled with d (generator/search.py)."""
    page = watched.page
    with_d = search(page, server, "đường")
    without_d = search(page, server, "duong")
    count = int(page.locator(".md-search-result__meta").inner_text().split()[0])
    assert with_d and set(with_d) <= set(without_d), (with_d, without_d)
    assert count < 20  # `duong`, not every page with a word that starts with `du` (dự án, dự kiến)
    assert "đường" in page.locator(".md-search-result__item p mark").all_inner_texts()  # marked, though found through the folded copy
    assert "/dang-ky/2025-skhcn-02/" in search(page, server, "dao tao")[:3]  # đào tạo


def test_search_of_nothing_says_so(watched: Watched, server: Server):
    assert search(watched.page, server, "xyzzyqwv") == []
    assert watched.page.locator(".md-search-result__meta").inner_text() == "Không tìm thấy kết quả"


def test_search_loads_its_index_only_when_wanted_and_only_from_the_site(watched: Watched, server: Server):
    page = watched.page
    page.goto(server("/dang-ky/2024-stc-01/"))
    page.wait_for_load_state("networkidle")
    assert [url for url in watched.requests if "/pagefind/" in url] == []
    assert page.locator("[data-dp-search]").get_attribute("data-state") == "idle"
    page.keyboard.press("/")
    page.wait_for_selector("[data-dp-search][data-state=ready]", timeout=SEARCH_WAIT_MS)
    loaded = {urlsplit(url).path.rsplit("/", 1)[-1] for url in watched.requests if "/pagefind/" in url}
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.unknown.pagefind"} <= loaded
    assert not any(name.endswith((".pf_index", ".pf_fragment")) for name in loaded)  # no query yet, no piece of the index
    page.keyboard.type("giai phong", delay=25)
    wait_for_answer(page, "giai phong")
    assert any(urlsplit(url).path.endswith(".pf_fragment") for url in watched.requests)
    assert watched.foreign_requests(server.host) == []
    assert watched.console_errors() == []


def test_search_shows_a_count_and_ten_results_then_more_on_request(watched: Watched, server: Server):
    page = watched.page
    results = search(page, server, "vuong mac")
    count = int(re.fullmatch(r"(\d+) kết quả", page.locator(".md-search-result__meta").inner_text()).group(1))
    assert count > 20 and len(results) == 10
    page.get_by_role("button", name="Xem thêm kết quả").click()
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length === 20")
    assert result_paths(page)[:10] == results and len(set(result_paths(page))) == 20
    assert page.evaluate("() => new URL(document.activeElement.href).pathname") == result_paths(page)[10]  # keyboard users go on from there
    assert all(page.locator(".md-search-result__item h1").all_inner_texts())
    assert page.locator(".md-search-result__item p mark").count() >= 10  # the words found, marked in the excerpts


def test_search_keys_open_move_through_results_and_close(watched: Watched, server: Server):
    page = watched.page
    results = search(page, server, "vuong mac")
    box = page.locator(".md-search__input")
    assert page.evaluate("() => document.getElementById('__search').checked") and box.evaluate("e => e === document.activeElement")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => new URL(document.activeElement.href).pathname") == results[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => new URL(document.activeElement.href).pathname") == results[1]
    page.keyboard.press("Escape")
    assert not page.evaluate("() => document.getElementById('__search').checked")
    page.keyboard.press("s")  # like Material: `s` opens search too, with the last query selected
    assert box.evaluate("e => e === document.activeElement && e.selectionEnd - e.selectionStart === e.value.length")
    page.keyboard.press("Enter")
    page.wait_for_url(server(results[0]))


def test_typing_in_another_box_does_not_open_search(watched: Watched, server: Server):
    page = watched.page
    page.goto(server("/dang-ky/"))
    page.wait_for_selector(".dp-registry:not([hidden]) .dp-reg-text")
    page.locator(".dp-reg-text").click()
    page.locator(".dp-reg-text").type("s/", delay=25)
    assert not page.evaluate("() => document.getElementById('__search').checked")
    assert page.locator(".dp-reg-text").input_value() == "s/"


# ---------------------------------------------------------------- accessibility


@functools.cache
def axe_source() -> str:
    """axe-core as shipped inside the axe-playwright-python wheel (PyPI), so
    `pip install -e '.[test]'` brings it; no npm and no network at test time."""
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    """Every rule, the experimental ones too: `label-content-name-mismatch` (WCAG 2.5.3,
    the words on a button are in its name) is one of them in axe 4."""
    page.evaluate(axe_source())
    result = page.evaluate(
        """() => {
            const rules = Object.fromEntries(axe.getRules(["experimental"]).map(rule => [rule.ruleId, {enabled: true}]));
            return axe.run(document, {resultTypes: ["violations"], rules});
        }"""
    )
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


@contextmanager
def phone_page(browser, url: str) -> Iterator:
    """A page opened at `url` on a 390-pixel-wide touch screen."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        yield page
    finally:
        context.close()


def test_axe_on_a_phone(browser, server: Server):
    with phone_page(browser, server("/dang-ky/2024-stc-01/")) as page:
        assert serious_violations(page) == []


def test_search_on_a_phone(browser, server: Server):
    with phone_page(browser, server("/")) as page:
        page.locator("label.md-header__button[for=__search]").tap()
        page.keyboard.type(DUONG, delay=25)
        wait_for_answer(page, DUONG)
        first = page.locator(".md-search-result__link").first
        assert first.is_visible() and first.bounding_box()["width"] >= 350  # the results take the whole screen
        assert "/dang-ky/2024-husl-01/" in result_paths(page)[:5]
        assert serious_violations(page) == []


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
    # In the search results too, the title shows as text.
    results = search(page, hostile_site, "stc")  # the id, split at its dashes
    assert f"/dang-ky/{reg_id}/" in results
    page.wait_for_timeout(300)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    titles = page.locator(".md-search-result__item h1").all_inner_texts()
    assert title in titles, titles
    assert page.locator(".md-search-result img, .md-search-result script").count() == 0
