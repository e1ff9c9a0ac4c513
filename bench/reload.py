"""Save to reload: how long `dotpha serve` takes to show an edited registration.

Starts `dotpha serve` on a free port over synthetic content of N registrations,
waits for the first build, then edits one registration's title again and again
and polls its page until the new title is served (what the browser's live
reload then shows).  The file is put back as it was at the end.

    python3 bench/reload.py [--n 5000] [--repeat 5] [--work /tmp/dotpha-bench]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import run  # noqa: E402

POLL_S = 0.05


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str | None, timeout: float) -> float:
    """Seconds until the page at `url` is served (and contains `text`, if given)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        body = fetch(url)
        if body is not None and (text is None or text in body):
            return time.perf_counter() - started
        time.sleep(POLL_S)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {url}")


def with_marker(text: str, marker: str) -> str:
    """The file with `marker` at the end of its title (inside the quotes, if quoted)."""
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("title: "))
    line = lines[index]
    lines[index] = line[:-1] + f" {marker}" + line[-1] if line[-1] in "'\"" else f"{line} {marker}"
    return "\n".join(lines)


def measure(n: int, repeat: int, work: Path, args) -> dict:
    content, registrations = run.content_for(n, work, args)
    sample = run.registrations_by_index(registrations)[0]
    source = next(content.glob(f"registrations/*/*/{sample['id']}.yml"))
    original = source.read_text(encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/dang-ky/{sample['id']}/"
    log = open(work / f"serve-{n}.log", "w")
    serve = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--content", str(content), "--as-of", run.AS_OF, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    saves = []
    try:
        first_build = wait_for(url, None, 1800)
        for attempt in range(repeat):
            marker = f"BENCH-{os.getpid()}-{attempt}"
            edited = with_marker(original, marker)
            time.sleep(1.0)  # let the server settle after the previous build
            source.write_text(edited, encoding="utf-8")
            saves.append(wait_for(url, marker, 1800))
            print(f"save {attempt + 1}: {saves[-1]:.2f} s", file=sys.stderr, flush=True)
    finally:
        source.write_text(original, encoding="utf-8")
        serve.send_signal(signal.SIGINT)  # as Ctrl-C: MkDocs removes its temporary site folder
        try:
            serve.wait(60)
        except subprocess.TimeoutExpired:
            serve.kill()
        log.close()
    return {"n": n, "first_build_s": first_build, "save_to_page_s": saves, "median_s": statistics.median(saves), "min_s": min(saves), "max_s": max(saves)}


def main() -> int:
    parser = argparse.ArgumentParser(description="Time from saving a registration to the new page being served.")
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dotpha-bench"))
    parser.add_argument("--output", type=Path, default=run.OUT / "reload.json")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    result = measure(args.n, args.repeat, args.work, args)
    print(json.dumps(result, indent=2))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
