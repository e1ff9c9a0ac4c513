"""Registry repaint time in headless Chromium with N registrations (default 10,000).

Synthetic content (bench/synth.py) is loaded and validated like a real site;
then dotpha's own code writes the registry page body (the plain tables, as
served without JavaScript) and `dang-ky/registry.json`, and the page is put in
a minimal HTML shell with the theme's CSS and registry.js (Material itself is
left out: it does not take part in a filter change). Served over HTTP from
127.0.0.1, the page is driven by Playwright with /usr/bin/chromium.

Each action (tick a facet value, type in the text box, sort, change page,
clear) is timed in the page: `script` is the synchronous event handler
(filtering, counting, building the rows); `frame` runs until the browser has
painted the next frame after it (rAF, then a task). The target is frame < 100 ms.

    python3 bench/registry_filter.py [--n 10000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from playwright.sync_api import sync_playwright
from synth import generate

from generator.domain.content import load_content
from generator.site.pages import PageRenderer
from generator.site.pages.listings import all_pages
from generator.site.registry import REGISTRY_PATH, registry_json

AS_OF = dt.date(2025, 11, 1)
WARM_UP_MS = 2000  # registry.js sorts every column while idle after loading; a reader takes longer to click
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SHELL = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>registry bench</title>
<link rel="stylesheet" href="../assets/dotpha.css"><link rel="stylesheet" href="../assets/registry.css"></head>
<body><main class="md-typeset">{body}</main><script src="../assets/registry.js"></script></body></html>"""

# (label, JavaScript that performs the action); each runs after the previous one.
ACTIONS = [
    ("sort by due (all rows)", "[...document.querySelectorAll('.dp-sort')][5].click()"),
    ("next page (all rows)", "[...document.querySelectorAll('.dp-reg-pager button')].pop().click()"),
    ("tick year 2025", "document.querySelector('input[name=year][value=\"2025\"]').click()"),
    ("tick status in_progress", "document.querySelector('input[name=status][value=in_progress]').click()"),
    ("tick flag overdue", "document.querySelector('input[name=flag][value=overdue]').click()"),
    ("untick flag overdue", "document.querySelector('input[name=flag][value=overdue]').click()"),
    ("type 'giai phong'", "(() => { const t = document.querySelector('.dp-reg-text'); t.value = 'giai phong'; t.dispatchEvent(new Event('input', {bubbles: true})); })()"),
    ("sort by title", "[...document.querySelectorAll('.dp-sort')][1].click()"),
    ("tick a unit", "document.querySelector('input[name=unit]').click()"),
    ("clear filters", "document.querySelector('.dp-reg-clear').click()"),
]
TIMED = """async (action) => {
  const t0 = performance.now();
  (0, eval)(action);
  const t1 = performance.now();
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  return [t1 - t0, performance.now() - t0, document.querySelector('.dp-reg-summary').textContent];
}"""


def write_site(out: Path, n: int) -> dict:
    """The registry page and its JSON for n synthetic registrations; return sizes and timings."""
    started = time.perf_counter()
    generate(out / "content", n, units=100)
    content = load_content(out / "content", AS_OF)
    loaded = time.perf_counter()
    renderer = PageRenderer(content)
    page = all_pages(renderer.view)[0]
    body = renderer.render(page)
    (out / "site" / "dang-ky").mkdir(parents=True)
    (out / "site" / "dang-ky" / "index.html").write_text(SHELL.format(body=body), encoding="utf-8")
    data = registry_json(renderer.view)
    (out / "site" / REGISTRY_PATH).write_bytes(data)
    return {
        "registrations": len(content.entries),
        "load_s": round(loaded - started, 1),
        "render_s": round(time.perf_counter() - loaded, 2),
        "page_kb": round(len(body.encode()) / 1024),
        "json_kb": round(len(data) / 1024),
    }


def refresh_assets(site: Path) -> None:
    """The theme's current CSS and JavaScript (a kept site measures today's code)."""
    shutil.rmtree(site / "assets", ignore_errors=True)
    shutil.copytree(ROOT / "theme" / "assets", site / "assets")


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".json": "application/json"}  # noqa: RUF012

    def log_message(self, format, *args):
        """Quiet."""


def measure(site: Path, repeat: int) -> tuple[float, dict[str, list[tuple[float, float]]], str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_port}/dang-ky/"
    timings: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in ACTIONS}
    summary = ""
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            ready_ms = 0.0
            for _ in range(repeat):
                started = time.perf_counter()
                page.goto(url)
                page.wait_for_selector(".dp-registry:not([hidden]) .dp-reg-table", timeout=60_000)
                ready_ms = max(ready_ms, (time.perf_counter() - started) * 1000)
                page.wait_for_timeout(WARM_UP_MS)
                for label, action in ACTIONS:
                    script, frame, summary = page.evaluate(TIMED, action)
                    timings[label].append((script, frame))
            assert not errors, errors
            browser.close()
    finally:
        httpd.shutdown()
    return ready_ms, timings, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the site here and reuse it on the next run (same --n)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dotpha-registry-bench-") as tmp:
        out = args.keep or Path(tmp)
        if not (out / "site").is_dir():
            print(json.dumps(write_site(out, args.n)))
        refresh_assets(out / "site")
        ready_ms, timings, summary = measure(out / "site", args.repeat)
    print(f"page load to filterable table (worst of {args.repeat}): {ready_ms:.0f} ms; last summary: {summary}")
    print(f"{'action':28} {'script median':>14} {'frame median':>13} {'frame max':>10}")
    worst = 0.0
    for label, runs in timings.items():
        scripts, frames = [s for s, _ in runs], [f for _, f in runs]
        worst = max(worst, max(frames))
        print(f"{label:28} {statistics.median(scripts):11.1f} ms {statistics.median(frames):10.1f} ms {max(frames):7.1f} ms")
    print(f"worst repaint: {worst:.1f} ms ({'under' if worst < 100 else 'OVER'} the 100 ms target)")
    return 0 if worst < 100 else 1


if __name__ == "__main__":
    sys.exit(main())
