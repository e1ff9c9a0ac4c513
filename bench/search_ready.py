"""Time to search in headless Chromium: from navigation to the search worker's
"ready" message, and from typing a query to the worker's answer.

Serves a built site over HTTP on a free port (workers need http), opens a small
page of it in a fresh browser context (cold cache) and listens to the messages
of Material's search worker (READY = 1, RESULT = 3 in its SearchMessageType).

    python3 bench/search_ready.py SITE_DIR [--repeat 5] [--page gioi-thieu/] [--query "giai phong mat bang"]
    python3 bench/search_ready.py --n 10000        # builds synthetic content of that size first
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import subprocess
import sys
import threading
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]

# Wraps Worker so the page records when the search worker answers (ms since navigation start).
LISTEN = """
(() => {
  const Original = window.Worker;
  window.__dp = { ready: null, results: [] };
  window.Worker = function (url, options) {
    const worker = new Original(url, options);
    worker.addEventListener("message", (event) => {
      const type = event.data && event.data.type;
      if (type === 1 && window.__dp.ready === null) window.__dp.ready = performance.now();
      if (type === 3) window.__dp.results.push({ at: performance.now(), count: event.data.data.items.length });
    });
    return worker;
  };
  window.Worker.prototype = Original.prototype;
})();
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
    page = context.new_page()
    page.add_init_script(LISTEN)
    page.goto(url)
    result = measure_once_on(page, query)
    context.close()
    return result


def measure_once_on(page, query: str) -> dict:
    """On a page opened with LISTEN: wait for the worker, type the query, wait for its answer."""
    page.wait_for_function("window.__dp.ready !== null", timeout=120_000)
    ready = page.evaluate("window.__dp.ready")
    page.keyboard.press("/")
    typed = page.evaluate("performance.now()")
    page.keyboard.type(query, delay=0)
    page.wait_for_function("(n) => window.__dp.results.length > 0 && window.__dp.results[window.__dp.results.length - 1].at > n", arg=typed, timeout=60_000)
    page.wait_for_timeout(300)  # let the last keystroke's query finish too
    results = page.evaluate("window.__dp.results")
    return {"ready_ms": ready, "answer_ms": results[-1]["at"] - typed, "hits": results[-1]["count"]}


def measure(site: Path, repeat: int, page_path: str, query: str) -> dict:
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            runs = [measure_once(browser, base + page_path, query) for _ in range(repeat)]
            browser.close()
    finally:
        server.shutdown()
    index = site / "search" / "search_index.json"
    return {
        "site": str(site),
        "index_mb": index.stat().st_size / 2**20 if index.is_file() else 0,
        "ready_ms_median": statistics.median(r["ready_ms"] for r in runs),
        "answer_ms_median": statistics.median(r["answer_ms"] for r in runs),
        "runs": runs,
    }


def built_site(n: int, work: Path) -> Path:
    sys.path.insert(0, str(BENCH))
    import synth

    content, site = work / f"content-{n}", work / f"site-{n}"
    if not (site / "search" / "search_index.json").is_file():
        if not content.is_dir():
            synth.generate(content, n)
        subprocess.run([sys.executable, "-m", "generator.cli", "build", "--content", str(content), "--site-dir", str(site), "--as-of", "2025-11-01"], cwd=ROOT, check=True)
    return site


def main() -> int:
    parser = argparse.ArgumentParser(description="Search readiness in headless Chromium.")
    parser.add_argument("site", nargs="?", type=Path)
    parser.add_argument("--n", type=int, help="build synthetic content of this size (in --work) and measure it")
    parser.add_argument("--work", type=Path, default=Path("/tmp/dotpha-bench"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page", default="gioi-thieu/", help="page to open (a small one, so the page's own weight does not count)")
    parser.add_argument("--query", default="giai phong mat bang")
    args = parser.parse_args()
    site = args.site or built_site(args.n, args.work)
    result = measure(site, args.repeat, args.page, args.query)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
