"""Search in headless Chromium, and what its index costs to build.

Serves a built site over HTTP on a free port, opens a small page of it in a
fresh browser context (cold cache), presses `/` and types a query at once, as
someone who knows what they want would. theme/assets/search.js marks its
progress on the search box (data-state, data-answered); an observer records
when each changes. For each run:
  ready_ms         from pressing `/` until Pagefind is loaded (script, entry, metadata, WebAssembly)
  first_answer_ms  from pressing `/` until the results of the query are on screen
  typing_ms        of which the browser spent this long receiving the keystrokes
  next_answer_ms   the same for a second query once everything is warm (typed, then answered)
  kb               what the browser downloaded from pagefind/ until the first answer
Plus the index on disk and the CPU time of indexing the site with Pagefind
alone (the step `dotpha build` runs after MkDocs).

    python3 bench/search_ready.py SITE_DIR [--repeat 5] [--page gioi-thieu/] [--query "giai phong mat bang"]
    python3 bench/search_ready.py --n 10000        # builds synthetic content of that size first
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
SECOND_QUERY = "vuong mac"

# Records, in ms since navigation start, when the search box changes state and when it shows an answer.
LISTEN = """
window.__dp = { ready: null, answers: {} };
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-dp-search]");
  new MutationObserver(() => {
    if (box.dataset.state === "ready" && window.__dp.ready === null) window.__dp.ready = performance.now();
    if (box.dataset.answered && !(box.dataset.answered in window.__dp.answers)) window.__dp.answers[box.dataset.answered] = performance.now();
  }).observe(box, { attributes: true });
});
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def measure_once(browser, url: str, query: str) -> dict:
    context = browser.new_context()
    responses: list = []
    context.on("response", lambda response: responses.append(response) if "/pagefind/" in response.url else None)
    page = context.new_page()
    page.add_init_script(LISTEN)
    page.goto(url)
    page.wait_for_load_state("load")
    opened = page.evaluate("performance.now()")
    page.keyboard.press("/")
    page.keyboard.type(query, delay=0)
    done_typing = page.evaluate("performance.now()")
    page.wait_for_function("q => q in window.__dp.answers", arg=query, timeout=120_000)
    downloaded = sum(len(r.body()) for r in list(responses))
    hits = page.locator(".md-search-result__meta").inner_text()
    page.keyboard.press("Control+A")
    page.keyboard.type(SECOND_QUERY, delay=0)
    typed = page.evaluate("performance.now()")
    page.wait_for_function("q => q in window.__dp.answers", arg=SECOND_QUERY, timeout=60_000)
    marks = page.evaluate("window.__dp")
    context.close()
    return {
        "ready_ms": marks["ready"] - opened,
        "first_answer_ms": marks["answers"][query] - opened,
        "typing_ms": done_typing - opened,
        "next_answer_ms": marks["answers"][SECOND_QUERY] - typed,
        "kb": downloaded / 1024,
        "hits": hits,
    }


def index_cost(site: Path) -> dict:
    """Pagefind over the site again, as `dotpha build` runs it: wall and CPU seconds of the child."""
    from generator.site.search import index_site

    before = os.times()
    started = time.perf_counter()
    index_site(site)
    after = os.times()
    return {"wall_s": time.perf_counter() - started, "cpu_s": (after.children_user - before.children_user) + (after.children_system - before.children_system)}


def tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def measure(site: Path, repeat: int, page_path: str, query: str, index: bool = True) -> dict:
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            runs = [measure_once(browser, base + page_path, query) for _ in range(repeat)]
            browser.close()
    finally:
        server.shutdown()
    bundle = site / "pagefind"
    pages = sum(1 for _ in bundle.glob("**/fragment/*"))  # every shard
    cost = index_cost(site) if index else {"cpu_s": float("nan"), "wall_s": float("nan")}
    return {
        "site": str(site),
        "indexed_pages": pages,
        "shards": 1 + len(json.loads((bundle / "shards.json").read_text(encoding="utf-8"))["shards"]),
        "index_mb": tree_size(bundle) / 2**20,
        "index_files": sum(1 for p in bundle.rglob("*") if p.is_file()),
        "index_cpu_s": cost["cpu_s"],
        "index_wall_s": cost["wall_s"],
        "index_cpu_ms_per_page": 1000 * cost["cpu_s"] / max(pages, 1),
        **{f"{key}_median": statistics.median(r[key] for r in runs) for key in ("ready_ms", "first_answer_ms", "typing_ms", "next_answer_ms", "kb")},
        "runs": runs,
    }


def built_site(n: int, work: Path) -> Path:
    import synth

    content, site = work / f"content-{n}", work / f"site-{n}"
    if not (site / "pagefind" / "pagefind-entry.json").is_file():
        if not content.is_dir():
            synth.generate(content, n)
        subprocess.run([sys.executable, "-m", "generator.cli", "build", "--content", str(content), "--site-dir", str(site), "--as-of", "2025-11-01"], cwd=ROOT, check=True)
    return site


def main() -> int:
    parser = argparse.ArgumentParser(description="Search in headless Chromium, and the cost of its index.")
    parser.add_argument("site", nargs="?", type=Path)
    parser.add_argument("--n", type=int, help="build synthetic content of this size (in --work) and measure it")
    parser.add_argument("--work", type=Path, default=Path("/tmp/dotpha-bench"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page", default="gioi-thieu/", help="page to open (a small one, so the page's own weight does not count)")
    parser.add_argument("--query", default="giai phong mat bang")
    parser.add_argument("--no-index-cost", action="store_true", help="skip timing Pagefind over the site again")
    parser.add_argument("--shard-pages", type=int, help="index the site again in shards of this many pages first")
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    site = args.site or built_site(args.n, args.work)
    if args.shard_pages:
        from generator.site.search import index_site

        index_site(site, shard_pages=args.shard_pages)
    print(json.dumps(measure(site, args.repeat, args.page, args.query, not args.no_index_cost), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
