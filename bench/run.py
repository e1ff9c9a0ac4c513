"""Build benchmark: dotpha against the engine floor at several sizes.

For each N: synthetic content (bench/synth.py), then, each in a child process
timed with its own peak memory (os.wait4):
  validate  `dotpha validate`
  build     `dotpha build`
  floor     a plain Material build of the same N registrations as Markdown pages,
            generated in memory and not in the nav (bench/floor_hook.py), same
            theme settings and plugins, without dotpha.
Prints a table and writes bench/out/results.json.  Run by hand:

    python3 bench/run.py [--sizes 1000,5000,20000] [--repeat 3]

The machine is shared: each step runs --repeat times and the median is kept
(with min and max, to show the noise); the build and the floor alternate
(build, floor, build, floor, ...) so that a passing load weighs on both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import synth  # noqa: E402

OUT = BENCH / "out"
AS_OF = "2025-11-01"
PYTHON = sys.executable


def run_child(cmd: list[str], env: dict | None = None) -> tuple[float, int, int, str, float]:
    """Run a command; return (wall seconds, peak RSS in bytes, exit code, end of stderr, CPU seconds).

    CPU time (user + system) moves far less than wall time when other jobs share the cores."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss * 1024, child.returncode, stderr[-2000:], usage.ru_utime + usage.ru_stime


def repeated(cmd: list[str], repeat: int, env: dict | None = None) -> dict:
    return summary(cmd, [run_child(cmd, env) for _ in range(repeat)])


def alternating(commands: dict[str, tuple[list[str], dict | None]], repeat: int) -> dict[str, dict]:
    """Each command once per round, `repeat` rounds: a load that comes and goes on a
    shared machine falls on all of them alike, so their ratio stays honest."""
    runs: dict[str, list] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (cmd, env) in commands.items():
            runs[name].append(run_child(cmd, env))
    return {name: summary(commands[name][0], found) for name, found in runs.items()}


def summary(cmd: list[str], runs: list) -> dict:
    failed = [r for r in runs if r[2] != 0]
    if failed:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{failed[0][3]}")
    times = [r[0] for r in runs]
    cpu = [r[4] for r in runs]
    return {
        "median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
        "cpu_median_s": statistics.median(cpu), "cpu_min_s": min(cpu), "cpu_max_s": max(cpu),
        "peak_rss_mb": max(r[1] for r in runs) / 2**20,
    }  # fmt: skip


def tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# ---------------------------------------------------------------- content


def content_for(n: int, work: Path, args) -> tuple[Path, list[dict]]:
    """The synthetic content folder for N (reused when made with the same parameters)."""
    folder = work / f"content-{n}"
    stamp = folder / ".bench-stamp"
    key = json.dumps([n, args.units, args.years, args.seed, AS_OF, (BENCH / "synth.py").stat().st_mtime_ns])
    if stamp.is_file() and stamp.read_text() == key:
        registrations = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("registrations/*/*/*.yml"))]
        return folder, registrations
    registrations = synth.generate(folder, n, args.units, args.years, args.seed, dt.date.fromisoformat(AS_OF))
    stamp.write_text(key)
    return folder, registrations


# ---------------------------------------------------------------- engine floor


def floor_markdown(reg: dict, units: dict, evaluators: dict) -> str:
    """The text of a registration page as plain Markdown, in the order of the form."""
    who = reg["registrant"]
    lines = [
        f"# {reg['title']}", "",
        f"Mã {reg['id']} · Năm {reg['year']} · {reg['status']}", "",
        f"**Họ và tên:** {who['name']}  ", f"**Đơn vị công tác:** {units[who['unit']]}  ",
        f"**Chức vụ:** {who['position']}  ", f"**Cấp đánh giá:** {evaluators[reg['evaluator']]}", "",
        "## " + ("I. Việc khó" if reg["kind"] == "difficult" else "II. Việc làm mới có tính đột phá"), "",
        "### 1. Tên công việc đăng ký", "", reg["title"], "",
    ]  # fmt: skip
    for number, (label, key) in enumerate([("Nội dung", "content"), ("Tác động", "impact"), ("Đề xuất", "support_requested"), ("Dự báo khó khăn", "difficulties")], 2):
        if reg.get(key):
            lines += [f"### {number}. {label}", "", reg[key], ""]
    lines += ["### Thời gian", "", f"Bắt đầu {reg['schedule'].get('start')}. Hoàn thành {reg['schedule']['due']}.", "", "## Tiến độ thực hiện", ""]
    lines += [f"1. **{u['date']}** {u.get('progress', '')}% {u['text']}" for u in reg.get("updates", [])] + [""]
    if reg.get("obstacles"):
        lines += ["## Vướng mắc", ""] + [f"1. **{o['raised_on']}** {o['text']} {o.get('resolution', '')}" for o in reg["obstacles"]] + [""]
    if reg.get("result"):
        lines += ["## Kết quả đánh giá", "", f"{reg['result']['outcome']} {reg['result'].get('comment', '')}", ""]
    if reg.get("links"):
        lines += ["## Văn bản liên quan", ""] + [f"- [{link['title']}]({link['url']})" for link in reg["links"]] + [""]
    lines += ["Từ khóa: " + ", ".join(reg.get("tags", [])), ""]
    return "\n".join(lines)


def floor_setup(n: int, work: Path, content: Path, registrations: list[dict]) -> tuple[Path, dict]:
    """A MkDocs config like site_config.yml without dotpha, and the pages for the floor hook."""
    config = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8"))
    docs = work / "floor-docs"
    for entry in config["nav"]:  # the same nav, each page a stub (dotpha's list pages are not the floor)
        ((title, uri),) = entry.items()
        target = docs / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        source = ROOT / config["docs_dir"] / uri
        target.write_text(source.read_text(encoding="utf-8") if source.is_file() else f"# {title}\n\nTrang.\n", encoding="utf-8")
    config["docs_dir"] = str(docs)
    config["theme"]["custom_dir"] = str(ROOT / config["theme"]["custom_dir"])
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "dotpha" in p) and p != "dotpha"]
    # A plain Material site searches with Material's own plugin (on unless `plugins` says otherwise);
    # dotpha replaces it with Pagefind, whose indexing is part of dotpha's build time.
    if not any(p == "search" or (isinstance(p, dict) and "search" in p) for p in config["plugins"]):
        config["plugins"].insert(0, {"search": {"lang": "vi"}})
    config["theme"].setdefault("features", []).append("search.highlight")
    config["hooks"] = [str(BENCH / "floor_hook.py")]
    config_file = work / "floor-config.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    unit_data = yaml.safe_load((content / "units.yml").read_text(encoding="utf-8"))
    units = {u["id"]: u["name"] for u in unit_data["units"]}
    evaluators = {e["id"]: e["name"] for e in unit_data["evaluators"]}
    pages = [[f"dang-ky/{r['id']}.md", floor_markdown(r, units, evaluators)] for r in registrations]
    pages_file = work / f"floor-pages-{n}.json"
    pages_file.write_text(json.dumps(pages, ensure_ascii=False, default=str), encoding="utf-8")
    return config_file, {"BENCH_FLOOR_PAGES": str(pages_file)}


# ---------------------------------------------------------------- one size


def measure_size(n: int, work: Path, args) -> dict:
    content, registrations = content_for(n, work, args)
    sample_id = registrations_sample_id(registrations)
    site, floor_site = work / f"site-{n}", work / f"floor-site-{n}"
    dotpha = [PYTHON, "-m", "generator.cli"]
    common = ["--content", str(content), "--as-of", AS_OF]
    result: dict = {"n": n}
    print(f"N = {n}: validate…", file=sys.stderr, flush=True)
    result["validate"] = repeated(dotpha + ["validate", *common], args.repeat)
    build = (dotpha + ["build", *common, "--site-dir", str(site)], None)
    if args.no_floor:
        print(f"N = {n}: build…", file=sys.stderr, flush=True)
        result["build"] = repeated(build[0], args.repeat)
    else:
        config_file, env = floor_setup(n, work, content, registrations)
        floor = ([PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config_file), "-d", str(floor_site)], env)
        print(f"N = {n}: build and engine floor, alternating…", file=sys.stderr, flush=True)
        result.update(alternating({"build": build, "floor": floor}, args.repeat))
        result["floor"]["output_mb"] = tree_size(floor_site) / 2**20
        result["floor"]["page_bytes"] = _size(floor_site / "dang-ky" / sample_id / "index.html") if sample_id else 0
        result["build_over_floor"] = result["build"]["median_s"] / result["floor"]["median_s"]
        result["build_over_floor_cpu"] = result["build"]["cpu_median_s"] / result["floor"]["cpu_median_s"]
    result["build"]["per_registration_ms"] = 1000 * result["build"]["median_s"] / max(n, 1)
    result["validate_share_of_build"] = result["validate"]["median_s"] / result["build"]["median_s"]
    result["validate_share_of_build_cpu"] = result["validate"]["cpu_median_s"] / result["build"]["cpu_median_s"]
    result["output_mb"] = tree_size(site) / 2**20
    result["sample_id"] = sample_id
    result["page_bytes"] = _size(site / "dang-ky" / sample_id / "index.html") if sample_id else 0  # N = 0: no such page
    result["search_index_mb"] = tree_size(site / "pagefind") / 2**20  # Pagefind's index, all its pieces
    result["largest_page"] = largest_page(site)
    return result


def largest_page(site: Path) -> dict:
    """The biggest HTML page of the site (its path and bytes): no page may grow with N.
    The danh mục of a year is a printed document of that year's list: shown apart."""
    sizes = [(path.stat().st_size, path.relative_to(site).as_posix()) for path in site.rglob("*.html")]
    pages = [item for item in sizes if not item[1].startswith("danh-muc/")]
    documents = [item for item in sizes if item[1].startswith("danh-muc/")]
    biggest, path = max(pages, default=(0, ""))
    return {"path": path, "bytes": biggest, "danh_muc_bytes": max(documents, default=(0, ""))[0]}


def registrations_sample_id(registrations: list[dict]) -> str:
    """Registration number 0: the same file at every N (synth draws it from the seed and its index alone)."""
    return registrations_by_index(registrations)[0]["id"] if registrations else ""


def registrations_by_index(registrations: list[dict]) -> list[dict]:
    return sorted(registrations, key=lambda r: int(r["id"].rsplit("-", 1)[1]))


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


# ---------------------------------------------------------------- report


def table(results: list[dict]) -> str:
    rows = [("N", "build s (min–max)", "CPU s", "ms/reg", "floor s (min–max)", "CPU s", "build/floor", "CPU ratio", "peak MB", "validate s", "val/build", "site MB", "page KB", "largest KB", "index MB")]
    for r in results:
        floor = r.get("floor", {})
        rows.append((
            str(r["n"]),
            f"{r['build']['median_s']:.1f} ({r['build']['min_s']:.1f}–{r['build']['max_s']:.1f})",
            f"{r['build']['cpu_median_s']:.1f}",
            f"{r['build']['per_registration_ms']:.2f}",
            f"{floor['median_s']:.1f} ({floor['min_s']:.1f}–{floor['max_s']:.1f})" if floor else "–",
            f"{floor['cpu_median_s']:.1f}" if floor else "–",
            f"{r['build_over_floor']:.2f}" if floor else "–",
            f"{r['build_over_floor_cpu']:.2f}" if floor else "–",
            f"{r['build']['peak_rss_mb']:.0f}",
            f"{r['validate']['median_s']:.2f}",
            f"{100 * r['validate_share_of_build']:.0f}%",
            f"{r['output_mb']:.1f}",
            f"{r['page_bytes'] / 1024:.1f}",
            f"{r['largest_page']['bytes'] / 1024:.0f} {r['largest_page']['path']}",
            f"{r['search_index_mb']:.1f}",
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description="dotpha build benchmark (see the module docstring).")
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated N (default 1000,5000,20000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the median is reported")
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dotpha-bench"), help="scratch folder for content and sites")
    parser.add_argument("--no-floor", action="store_true", help="skip the engine floor")
    parser.add_argument("--output", type=Path, default=OUT / "results.json")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = [measure_size(int(n), args.work, args) for n in args.sizes.split(",")]
    print(table(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "repeat": args.repeat, "as_of": AS_OF, "results": results}
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"→ {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
