"""Injected markup never comes alive, and the site runs under a strict Content-Security-Policy.

A corpus of injection vectors goes into every text field of two registrations
and into the names in units.yml. The built HTML must hold no live markup
from it (no script, no event handler, no `javascript:`/`data:` address, no
frame, image or SVG of its making; template syntax shown as text), the search
index must hold it as the text the page showed, and in Chromium no injected
script may run on any page or in search results, where it shows as text. Separately, the demo site served with the headers of
`generator.site.csp` must raise no CSP violation.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import UNITS_YML, ContentFolder, dump, search_pages
from test_browser import (  # noqa: F401  (browser: a fixture)
    REPO,
    Server,
    _QuietHandler,
    browser,
    build_site,
    search,
    serve,
)

from generator.site.csp import content_security_policy, inline_script_hashes, security_headers

PWN = "window.__pwned=1"
TEMPLATE_SUM = "{{ 7777*3 }}"  # 23331 if any template engine evaluated it
VECTORS = [
    f"<script>{PWN}</script>",
    f"<img src=x onerror={PWN}>",
    f"<svg onload={PWN}><circle r=9></circle></svg>",
    f"<iframe src=\"javascript:{PWN}\"></iframe>",
    f"<iframe srcdoc=\"<script>{PWN}</script>\">",
    f"[link](javascript:{PWN})",
    f"[case](JaVaScRiPt:{PWN})",
    f"[spaced]( javascript:{PWN} )",
    "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)",
    f"![image](javascript:{PWN})",
    "![remote](https://evil.example/x.png)",
    f"<a href=\"javascript:{PWN}\">a</a>",
    f"<scr<script>ipt>{PWN}</scr</script>ipt>",
    f"\"><script>{PWN}</script>",
    f"'><img src=x onerror={PWN}>",
    f"</title><script>{PWN}</script>",
    f"</textarea></code></pre><script>{PWN}</script>",
    f"<details open ontoggle={PWN}>",
    "<style>body{display:none}</style>",
    f"<math><mi xlink:href=\"javascript:{PWN}\">m</mi></math>",
    f"<object data=\"javascript:{PWN}\"></object><embed src=\"javascript:{PWN}\">",
    "<base href=\"https://evil.example/\">",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{PWN}\">",
    f"<form action=\"javascript:{PWN}\"><button>b</button></form>",
    f"&lt;script&gt;{PWN}&lt;/script&gt;",
    f"&#60;script&#62;{PWN}&#60;/script&#62;",
    f"`<script>{PWN}</script>`",
    f"<a href='x {PWN}",  # a broken tag
    "<!-- an unclosed comment",
    f"{TEMPLATE_SUM} {{% include 'base.html' %}} {{{{ config }}}} {{% raw %}}",
]
LINE = " ".join(VECTORS)  # for one-line fields
BLOCK = "\n\n".join(VECTORS)  # for Markdown fields
D = dt.date
LIVE_TAGS = {"script", "iframe", "frame", "object", "embed", "img", "math", "style", "base", "meta", "form", "svg"}  # <details> is only live with ontoggle, an on* attribute
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "poster"}


def injected_units() -> str:
    units = UNITS_YML
    for name in ("Các sở, ban, ngành cấp tỉnh", "Sở Tài chính", "Ban Thường vụ Tỉnh ủy"):
        units = units.replace(f"name: {name}\n", f"name: {json.dumps(name + ' ' + LINE, ensure_ascii=False)}\n")
    return units.replace("short: STC", f"short: {json.dumps('STC ' + LINE, ensure_ascii=False)}")


def injected_registrations() -> list[dict]:
    registrant = {"name": "Nguyễn Văn An " + LINE, "position": "Giám đốc " + LINE, "unit": "so-tai-chinh", "person": "nguyen-van-an"}
    common = {
        "year": 2024, "title": "Tiêu đề " + LINE, "registrant": registrant, "evaluator": "btv-tinh-uy",
        "content": BLOCK, "impact": BLOCK, "schedule": {"start": D(2024, 4, 1), "due": D(2024, 12, 31)},
    }  # fmt: skip
    part_one = common | {
        "id": "2024-stc-01",
        "kind": "difficult",
        "support_requested": BLOCK,
        "status": "in_progress",
        "updates": [{"date": D(2024, 6, 30), "progress": 40, "text": BLOCK}],
        "obstacles": [
            {"raised_on": D(2024, 5, 1), "text": BLOCK, "support_from": LINE},
            {"raised_on": D(2024, 5, 2), "text": BLOCK, "support_from": LINE, "resolved_on": D(2024, 7, 1), "resolution": LINE},
        ],
        "result": {"assessed_on": D(2024, 12, 20), "outcome": "partly_completed", "comment": BLOCK},
        "links": [{"title": LINE, "url": f"https://example.org/?q=%22%3E%3Cscript%3E{PWN}%3C/script%3E&x=\"><script>{PWN}</script>"}],
        "tags": ["giai-phong-mat-bang"],
    }
    part_two = common | {"id": "2024-stc-02", "kind": "breakthrough", "difficulties": BLOCK, "status": "registered"}
    return [part_one, part_two]


@pytest.fixture(scope="module")
def injected_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("injected")
    folder = ContentFolder(root / "content")
    folder.units(injected_units())
    for record in injected_registrations():
        folder.write(f"registrations/2024/so-tai-chinh/{record['id']}.yml", dump(record))
    folder.write("pages/gioi-thieu.md", "# Giới thiệu\n")
    site = root / "site"
    build_site(site, "--config", str(REPO / "site_config.yml"), "--content", str(folder.root), "--as-of", "2024-12-31")
    return site


class LiveMarkup(HTMLParser):
    """Collects what would come alive in a browser: elements that run or load
    things, event handlers, and script-capable addresses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            # A data block (JSON for the site's own scripts) is never run; its text is checked by those scripts' tests.
            self._in_script = values.get("type", "text/javascript") in ("text/javascript", "module", "application/javascript")
            if values.get("src") and not re.fullmatch(r"(\.\./)*(/)?assets/[\w./-]+\.js", values["src"]):
                self.found.append(f"script src={values['src']}")
        elif tag in LIVE_TAGS and not self._theme_own(tag, values):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            address = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in URL_ATTRIBUTES and address.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value}>")

    @staticmethod
    def _theme_own(tag: str, values: dict) -> bool:
        """Material's own harmless uses: icons, its search form, the head's metadata."""
        return (
            (tag == "svg" and not any(name.startswith("on") for name in values))
            or (tag == "form" and "action" not in values)
            or (tag == "meta" and "http-equiv" not in values)
            or (tag == "meta" and values == {"http-equiv": "refresh", "content": "0; url=../#don"})  # the old form address
        )

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "__pwned" in data:
            self.found.append(f"script text {data[:60]}")


def live_markup(markup: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(markup)
    parser.close()
    return parser.found


def test_no_live_markup_from_content_in_any_page(injected_site):
    pages = sorted(injected_site.rglob("*.html"))
    assert len(pages) > 20
    registration = (injected_site / "dang-ky" / "2024-stc-01" / "index.html").read_text(encoding="utf-8")
    assert registration.count("__pwned") > 100  # the corpus is on the page, as text
    found = {page.relative_to(injected_site).as_posix(): live_markup(page.read_text(encoding="utf-8")) for page in pages}
    assert {page: items for page, items in found.items() if items} == {}


def test_template_syntax_in_content_is_shown_not_evaluated(injected_site):
    text = html.unescape((injected_site / "dang-ky" / "2024-stc-01" / "index.html").read_text(encoding="utf-8"))
    assert TEMPLATE_SUM in text and "{% include 'base.html' %}" in text and "{{ config }}" in text
    assert not any("23331" in page.read_text(encoding="utf-8") for page in injected_site.rglob("*.html"))


def test_links_from_content_are_only_http_https_or_relative(injected_site):
    page = (injected_site / "dang-ky" / "2024-stc-01" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article"):page.index("</article>")]
    collector = Addresses()
    collector.feed(article)
    assert "https://evil.example/x.png" in collector.hrefs  # an image becomes a link, never loaded
    ours = {"#don", "#"}  # the page's own form view and the way back (registration.html)
    assert [h for h in collector.hrefs if h not in ours and not re.match(r"https?://|(\.\./)+[a-z0-9-]+/|[a-z0-9-]+/$", h)] == []
    assert collector.sources == []


class Addresses(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "href" in values:
            self.hrefs.append(values["href"])
        if "src" in values:
            self.sources.append(values["src"])


def test_the_search_index_holds_the_corpus_as_the_text_the_page_showed(injected_site):
    """Pagefind indexes what a page shows; a vector that had come alive on the page
    (an element, not text) would have left the index without its markup."""
    pages = search_pages(injected_site)
    page = pages["/dang-ky/2024-stc-01/"]
    assert page["meta"]["title"] == "Tiêu đề " + LINE
    for vector in VECTORS[:5] + [f"&lt;script&gt;{PWN}&lt;/script&gt;", TEMPLATE_SUM]:
        assert vector in page["content"], vector
    assert re.fullmatch(r"[a-z0-9_ ]*", page["meta"]["folded"])  # đ-words spelled with d: never markup


# ---------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def injected_server(injected_site) -> Iterator[Server]:
    yield from serve(injected_site)


@pytest.fixture
def guarded(browser) -> Iterator:  # noqa: F811
    """A page that records dialogs, uncaught errors and every request."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.dialogs, page.requests, page.errors = [], [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    context.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


INJECTED_PAGES = ["/dang-ky/2024-stc-01/", "/dang-ky/2024-stc-02/", "/", "/dang-ky/", "/don-vi/", "/don-vi/so-tai-chinh/",
                  "/can-bo/nguyen-van-an/", "/vuong-mac/", "/qua-han/", "/nam/2024/", "/trang-thai/dang-thuc-hien/"]  # fmt: skip


def assert_nothing_ran(page, server: Server, where: str) -> None:
    assert page.evaluate("() => typeof window.__pwned") == "undefined", where
    assert page.dialogs == [], where
    assert [url for url in page.requests if not url.startswith(server.url) and not url.startswith("data:")] == [], where


@pytest.mark.parametrize("path", INJECTED_PAGES)
def test_no_injected_script_runs_on_the_page(guarded, injected_server: Server, path: str):
    response = guarded.goto(injected_server(path))
    assert response is not None and response.status == 200
    guarded.wait_for_load_state("networkidle")
    guarded.mouse.move(300, 300)  # hover handlers, if any had survived
    assert_nothing_ran(guarded, injected_server, path)
    assert guarded.locator("article").get_by_text("__pwned", exact=False).count() >= 1  # shown, as text


def section_pages(site: Path) -> list[str]:
    """The front page of every section of the site (whatever families of pages exist now:
    forms and registries that build their content with scripts among them)."""
    return [f"/{page.parent.name}/" for page in sorted(site.glob("*/index.html")) if f"/{page.parent.name}/" not in INJECTED_PAGES]


def test_no_injected_script_runs_on_any_section(guarded, injected_server: Server, injected_site: Path):
    sections = section_pages(injected_site)
    assert len(sections) >= 5
    for path in sections:
        guarded.goto(injected_server(path), wait_until="load")
        for select in guarded.locator("select").all():  # let a page's script fill what depends on a choice
            options = select.locator("option").all()
            if len(options) > 1 and select.is_enabled():
                select.select_option(index=len(options) - 1)
        guarded.wait_for_timeout(200)
        assert_nothing_ran(guarded, injected_server, path)


def test_no_injected_script_runs_in_search_results(guarded, injected_server: Server):
    results = search(guarded, injected_server, "tieu de")  # the titles begin "Tiêu đề", then the corpus
    assert "/dang-ky/2024-stc-01/" in results
    guarded.wait_for_timeout(300)
    assert_nothing_ran(guarded, injected_server, "search")
    # Only the elements of the result list itself; the corpus shows as text in titles and excerpts.
    tags = guarded.evaluate("() => [...new Set([...document.querySelectorAll('.md-search-result__list *')].map(e => e.tagName))]")
    assert set(tags) <= {"LI", "A", "ARTICLE", "DIV", "H1", "P", "MARK"}, tags
    assert "Tiêu đề " + LINE in guarded.locator(".md-search-result__item h1").all_inner_texts()
    excerpts = " ".join(guarded.locator(".md-search-result__item p").all_inner_texts())
    assert f"<script>{PWN}</script> <img src=x onerror={PWN}>" in excerpts


# ---------------------------------------------------------------- Content-Security-Policy


class _HeadersHandler(_QuietHandler):
    headers_to_send: dict[str, str] = {}

    def end_headers(self):
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("demo-csp") / "site"
    build_site(site)
    return site


@pytest.fixture(scope="module")
def csp_server(demo_site) -> Iterator[Server]:
    handler = type("Handler", (_HeadersHandler,), {"headers_to_send": security_headers(demo_site)})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(demo_site)))
    thread = threading.Thread(target=httpd.serve_forever, name="serve with headers", daemon=True)
    thread.start()
    try:
        yield Server(demo_site, f"http://127.0.0.1:{httpd.server_port}", f"127.0.0.1:{httpd.server_port}")
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def csp_page(browser) -> Iterator:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


def csp_messages(page) -> list[str]:
    """Console errors the policy caused (Chromium: "Refused to ... Content Security Policy ...")."""
    return [text for text in page.console_errors if "Content Security Policy" in text or "Refused to" in text]


def test_policy_lists_the_inline_scripts_by_hash_and_allows_no_other(demo_site):
    policy = content_security_policy(demo_site)
    hashes = inline_script_hashes(demo_site)
    assert 2 <= len(hashes) <= 8  # one storage-scope script per page depth, and the tab restorer
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "'unsafe-eval'" not in policy and "default-src 'none'" in policy
    assert "'wasm-unsafe-eval'" in policy.split("script-src", 1)[1].split(";", 1)[0]  # search: Pagefind's WebAssembly


@pytest.mark.parametrize("path", ["/", "/dang-ky/2024-stc-01/", "/don-vi/so-tai-chinh/", "/gioi-thieu/"])
def test_pages_raise_no_csp_violation(csp_page, csp_server: Server, path: str):
    response = csp_page.goto(csp_server(path))
    assert response is not None and "default-src 'none'" in response.headers["content-security-policy"]
    csp_page.wait_for_load_state("networkidle")
    assert csp_page.evaluate("() => window.__csp") == []
    assert csp_messages(csp_page) == []
    # Material's inline scope script ran (it defines __md_get), so the hashes matched.
    assert csp_page.evaluate("() => typeof __md_get") == "function"


def test_search_raises_no_csp_violation(csp_page, csp_server: Server):
    assert "/dang-ky/2025-husl-01/" in search(csp_page, csp_server, "giai phong mat bang")
    assert csp_page.evaluate("() => window.__csp") == []
    assert csp_messages(csp_page) == []


def test_the_policy_blocks_an_inline_script_it_does_not_know(csp_page, csp_server: Server, demo_site):
    # The check above can fail: a page with one more inline script reports a violation.
    extra = demo_site / "csp-probe.html"
    extra.write_text(f"<!doctype html><title>x</title><script>{PWN}</script>", encoding="utf-8")
    try:
        csp_page.goto(csp_server("/csp-probe.html"))
        csp_page.wait_for_load_state("networkidle")
        assert csp_page.evaluate("() => typeof window.__pwned") == "undefined"
        assert any(v.startswith("script-src-elem inline") for v in csp_page.evaluate("() => window.__csp"))
    finally:
        extra.unlink()


def test_headers_command_prints_the_headers_of_a_built_site(injected_site, tmp_path, capsys):
    from generator.cli import main

    assert main(["headers", "--site-dir", str(injected_site)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Content-Security-Policy: " + content_security_policy(injected_site)
    assert lines[1:] == ["X-Content-Type-Options: nosniff", "Referrer-Policy: no-referrer", "X-Frame-Options: DENY",
                         "Cross-Origin-Opener-Policy: same-origin"]  # fmt: skip
    assert main(["headers", "--site-dir", str(injected_site), "--format", "nginx"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == 'add_header X-Content-Type-Options "nosniff" always;'
    assert main(["headers", "--site-dir", str(tmp_path / "none")]) == 2
    assert "chưa có trang đã dựng (chạy dotpha build trước)" in capsys.readouterr().err
