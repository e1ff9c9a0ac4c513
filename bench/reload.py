"""Save to reload: how long `dotpha serve` takes to show an edited registration.

Starts `dotpha serve` on a free port over synthetic content of N registrations,
waits for the first build, then edits one registration's title again and again
and polls its page until the new title is served (what the browser's live
reload then shows).  The file is put back as it was at the end.

Besides the wall time it reads the CPU time of the serve process (Linux
/proc): up to the new page being served, and in all once the process is idle
again (the downloads and feeds that `dotpha serve` writes after the reload
included).  Each save waits for the previous one to settle.  MkDocs watches
files by polling them twice a second, which costs CPU even when nothing
changes: that idle rate is measured once and taken out of both figures.

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
TICKS = os.sysconf("SC_CLK_TCK")


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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, all its threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def idle_rate(pid: int, seconds: float = 5.0) -> float:
    """CPU seconds per second the process spends while nothing changes (MkDocs' polling)."""
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


def settle(pid: int, idle: float, window_s: float = 1.0) -> None:
    """Wait until the process spends no more CPU than when idle, for `window_s`."""
    before = cpu_seconds(pid)
    while True:
        time.sleep(window_s)
        now = cpu_seconds(pid)
        if now - before <= idle * window_s + 0.05:
            return
        before = now


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
    saves, cpu_to_page, cpu_in_all = [], [], []
    try:
        first_build = wait_for(url, None, 1800)
        settle(serve.pid, 0.5)
        idle = idle_rate(serve.pid)
        for attempt in range(repeat):
            marker = f"BENCH-{os.getpid()}-{attempt}"
            edited = with_marker(original, marker)
            settle(serve.pid, idle)  # the previous build and what it left for later are over
            start_cpu, started = cpu_seconds(serve.pid), time.perf_counter()
            source.write_text(edited, encoding="utf-8")
            saves.append(wait_for(url, marker, 1800))
            cpu_to_page.append(cpu_seconds(serve.pid) - start_cpu - idle * (time.perf_counter() - started))
            settle(serve.pid, idle)
            cpu_in_all.append(cpu_seconds(serve.pid) - start_cpu - idle * (time.perf_counter() - started))
            print(f"save {attempt + 1}: {saves[-1]:.2f} s, CPU {cpu_to_page[-1]:.2f} s to the page, {cpu_in_all[-1]:.2f} s in all", file=sys.stderr, flush=True)
    finally:
        source.write_text(original, encoding="utf-8")
        serve.send_signal(signal.SIGINT)  # as Ctrl-C: MkDocs removes its temporary site folder
        try:
            serve.wait(60)
        except subprocess.TimeoutExpired:
            serve.kill()
        log.close()
    return {
        "n": n, "first_build_s": first_build, "save_to_page_s": saves, "median_s": statistics.median(saves),
        "min_s": min(saves), "max_s": max(saves), "cpu_to_page_s": cpu_to_page, "cpu_to_page_median_s": statistics.median(cpu_to_page),
        "cpu_in_all_s": cpu_in_all, "cpu_in_all_median_s": statistics.median(cpu_in_all), "idle_cpu_per_s": idle,
    }  # fmt: skip


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
    result["load_average"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
