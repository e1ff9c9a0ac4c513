"""Bad input at scale: an empty content folder builds; one error among N files stops the build.

1. N = 0: units.yml and no registrations (an empty registrations/ folder, and
   none at all) → `dotpha build` exits 0 and writes a site.
2. N files (default 20,000) with one error → `dotpha build` exits 1, names the
   file, line and field, and leaves the previous site folder untouched; timed,
   beside `dotpha validate` on the same folder.

    python3 bench/edge.py [--n 20000] [--work /tmp/dotpha-bench]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import run  # noqa: E402
import synth  # noqa: E402

DOTPHA = [sys.executable, "-m", "generator.cli"]


def dotpha(*args: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    done = subprocess.run([*DOTPHA, *args, "--as-of", run.AS_OF], cwd=ROOT, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - started


def empty_content(work: Path) -> dict:
    results = {}
    for name, make_folder in (("empty registrations/", True), ("no registrations/", False)):
        folder = work / "content-0"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        (folder / "units.yml").write_text(synth.dump(synth.units_file(10)), encoding="utf-8")
        if make_folder:
            (folder / "registrations").mkdir()
        site = work / "site-0"
        code, output, seconds = dotpha("build", "--content", str(folder), "--site-dir", str(site))
        results[name] = {"exit": code, "seconds": seconds, "home_page": (site / "index.html").is_file(), "output": output.strip().splitlines()[-1:]}
    return results


def one_error(n: int, work: Path, args) -> dict:
    content, registrations = run.content_for(n, work, args)
    sample = run.registrations_by_index(registrations)[-1]
    source = next(content.glob(f"registrations/*/*/{sample['id']}.yml"))
    original = source.read_text(encoding="utf-8")
    site = work / "site-one-error"
    site.mkdir(exist_ok=True)
    (site / "previous.html").write_text("the previous site", encoding="utf-8")
    try:
        source.write_text(re.sub(r"^status: .*$", "status: finished", original, count=1, flags=re.M), encoding="utf-8")
        code, output, seconds = dotpha("build", "--content", str(content), "--site-dir", str(site))
        v_code, v_output, v_seconds = dotpha("validate", "--content", str(content))
    finally:
        source.write_text(original, encoding="utf-8")
    untouched = sorted(p.name for p in site.iterdir()) == ["previous.html"]
    return {
        "n": n, "build_exit": code, "build_seconds": seconds, "site_untouched": untouched,
        "validate_exit": v_code, "validate_seconds": v_seconds, "report": output.strip().splitlines()[:4],
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description="Empty content and one error among many files.")
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dotpha-bench"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    report = {"empty": empty_content(args.work), "one_error": one_error(args.n, args.work, args)}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    (run.OUT).mkdir(parents=True, exist_ok=True)
    (run.OUT / "edge.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
