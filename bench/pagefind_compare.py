"""Material's search index against Pagefind's chunked index, on the same built site.

Runs Pagefind (PyPI `pagefind[extended]`, its binary ships in the wheel) over a
site built by dotpha, indexing only each page's article, then, in headless
Chromium with a cold cache each time, measures for both:
  ready    ms from navigation start until a query can be answered
           (Material: the worker's READY message; Pagefind: `init()` resolved)
  answer   ms for the first query (Pagefind: the result list and the first 10 results' data)
  bytes    what the browser downloaded for it
plus the time to build the Pagefind index and its size on disk.

    python3 bench/pagefind_compare.py SITE_DIR [--repeat 3] [--query "giai phong mat bang"]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import search_ready  # noqa: E402

PAGEFIND_QUERY = """
async ([query]) => {
  const t0 = performance.now();
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  const ready = performance.now();
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
  const answered = performance.now();
  return { ready_ms: ready, answer_ms: answered - ready, hits: search.results.length, first: data.length ? data[0].url : null };
}
"""


def tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_pagefind(site: Path) -> dict:
    bundle = site / "pagefind"
    if bundle.exists():
        shutil.rmtree(bundle)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", "{dang-ky/*/index.html,gioi-thieu/index.html}", "--root-selector", "article", "--force-language", "vi", "--quiet"],
        check=True,
    )  # fmt: skip
    return {"build_s": time.perf_counter() - started, "size_mb": tree_size(bundle) / 2**20, "files": sum(1 for _ in bundle.rglob("*"))}


def transferred(page) -> list:
    """Bytes received, by response (a cold context: everything is fetched)."""
    sizes: list = []
    page.on("response", lambda response: sizes.append(response))
    return sizes


def _bytes(responses) -> int:
    total = 0
    for response in responses:
        try:
            total += len(response.body())
        except Exception:  # a redirect or an aborted request has no body
            pass
    return total


def measure_material(browser, url: str, query: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    responses = transferred(page)
    page.add_init_script(search_ready.LISTEN)
    page.goto(url)
    result = search_ready.measure_once_on(page, query)
    result["bytes"] = _bytes(r for r in responses if "search" in r.url or "lunr" in r.url)
    context.close()
    return result


def measure_pagefind(browser, url: str, query: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    responses = transferred(page)
    result = page.evaluate(PAGEFIND_QUERY, [query])
    result["bytes"] = _bytes(r for r in responses if "/pagefind/" in r.url)
    context.close()
    return result


def summary(runs: list[dict]) -> dict:
    return {
        "ready_ms_median": statistics.median(r["ready_ms"] for r in runs),
        "answer_ms_median": statistics.median(r["answer_ms"] for r in runs),
        "bytes_median": statistics.median(r["bytes"] for r in runs),
        "runs": runs,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Material search against Pagefind on one built site.")
    parser.add_argument("site", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page", default="gioi-thieu/")
    parser.add_argument("--query", default="giai phong mat bang")
    parser.add_argument("--skip-material", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    report = {"site": str(args.site), "material_index_mb": (args.site / "search" / "search_index.json").stat().st_size / 2**20}
    report["pagefind_index"] = build_pagefind(args.site)
    server, base = search_ready.serve(args.site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=search_ready.CHROMIUM, args=search_ready.ARGS)
            report["pagefind"] = summary([measure_pagefind(browser, base + args.page, args.query) for _ in range(args.repeat)])
            if not args.skip_material:
                report["material"] = summary([measure_material(browser, base + args.page, args.query) for _ in range(args.repeat)])
            browser.close()
    finally:
        server.shutdown()
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
