"""How long the one git pass of the history takes on a synthetic repository.

    python3 bench/history_bench.py [FILES] [COMMITS]

Builds (in a temporary folder) a repository with FILES registrations (default
2,000) and COMMITS commits (default 500: one that adds every file, then
commits that each touch four files: a status move and a progress update),
then times `load_history` and the whole per-page lookup.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from gitwork import GitWork  # noqa: E402

from generator.history.changes import describe  # noqa: E402
from generator.history.timeline import load_history  # noqa: E402

STATUSES = ["registered", "in_progress", "paused", "in_progress"]


def registration(n: int, step: int) -> str:
    updates = "".join(f"  - date: 2024-{1 + s % 12:02d}-01\n    progress: {min(100, 10 * s)}\n    text: Báo cáo {s}.\n" for s in range(step))
    return (
        f"id: 2024-u{n % 40}-{n}\nyear: 2024\nkind: difficult\ntitle: Việc khó số {n}\n"
        f"registrant:\n  name: Cán bộ {n}\n  position: Giám đốc\n  unit: u{n % 40}\n"
        f"evaluator: btv-tinh-uy\ncontent: Nội dung {n}.\nimpact: Tác động.\nsupport_requested: Không\n"
        f"schedule:\n  due: 2024-12-31\nstatus: {STATUSES[step % 4]}\n" + (f"updates:\n{updates}" if updates else "")
    )


def main(files: int = 2000, commits: int = 500) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        work = GitWork(root)
        paths = [root / "content" / "registrations" / "2024" / f"u{n % 40}" / f"2024-u{n % 40}-{n}.yml" for n in range(files)]
        for n, path in enumerate(paths):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(registration(n, 0), encoding="utf-8")
        work.commit("Danh mục", when="2024-01-01T08:00:00+07:00")
        started = time.perf_counter()
        for c in range(1, commits):
            for k in range(4):
                n = (c * 4 + k) % files
                paths[n].write_text(registration(n, c // (files // 4) + 1), encoding="utf-8")
            when = dt.datetime(2024, 1, 2, 8) + dt.timedelta(hours=c)
            work.commit(f"Cập nhật {c}", when=when.isoformat() + "+07:00")
        print(f"repository: {files} files, {commits} commits (made in {time.perf_counter() - started:.1f} s)")
        for state in ("loose objects", "after git gc"):
            if state == "after git gc":
                work.git("gc", "-q")
            for _ in range(3):
                started = time.perf_counter()
                history = load_history(root / "content", dt.date(2025, 1, 1))
                took = time.perf_counter() - started
                events = sum(len(h.events) for h in history.by_id.values())
                print(f"load_history ({state}): {took * 1000:.0f} ms, {len(history.by_id)} registrations, {events} events")
            print(f"  of which git log: {_time(lambda: work.git('log', '--no-merges', '--no-renames', '--raw', '-z', '--no-abbrev', '--', 'content/registrations')):.0f} ms")
        started = time.perf_counter()
        for reg_id in history.by_id:
            [describe(e.change) for e in history.of(reg_id).events]
        print(f"describe every event: {(time.perf_counter() - started) * 1000:.0f} ms")


def _time(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
