"""Synthetic but realistic content for the benchmark: N registrations over U units and Y years.

Texts are drawn from the demo registrations in content/ (so their lengths and
words are those of real entries), with every number redrawn so that pages do
not repeat each other word for word.  Each registration is valid by
construction and depends only on (seed, its index): registration i is the
same file whatever N is, so one page can be compared across sizes.

    python3 bench/synth.py OUT_DIR --n 1000 [--units 60] [--years 5] [--seed 1] [--as-of 2025-11-01]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from generator.domain.text import slugify  # noqa: E402

DEMO = ROOT / "content"
AS_OF = dt.date(2025, 11, 1)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân", "Thu", "Hoài", "Công"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam", "Ngọc", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vân", "Yến"]
POSITIONS = ["Giám đốc Sở", "Phó Giám đốc Sở", "Trưởng ban", "Phó Trưởng ban", "Bí thư Huyện ủy", "Chủ tịch UBND huyện", "Chánh Văn phòng", "Chủ tịch", "Phó Chủ tịch"]
PEOPLE_PER_UNIT = 6
REASONS = {
    "paused": "Tạm dừng do chờ cấp có thẩm quyền phê duyệt điều chỉnh quy hoạch.",
    "withdrawn": "Rút đăng ký do điều chuyển nhiệm vụ theo phân công của Ban Thường vụ.",
    "not_completed": "Không hoàn thành do vướng mắc về cơ chế chưa được tháo gỡ.",
}
_NUMBER = re.compile(r"(?<![\d/])\d+(?![\d/])")  # not the parts of dates like 30/6


@dataclass
class Pools:
    """The demo's texts, one list per field, in a stable order."""

    titles: list[str]
    contents: list[str]
    impacts: list[str]
    supports: list[str]
    difficulties: list[str]
    updates: list[str]
    obstacles: list[str]
    resolutions: list[str]
    supporters: list[str]
    comments: list[str]
    links: list[str]
    tags: list[str]

    @classmethod
    def from_demo(cls, demo: Path = DEMO) -> "Pools":
        docs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(demo.glob("registrations/*/*/*.yml"))]
        every = lambda key: [d[key] for d in docs if d.get(key)]  # noqa: E731
        nested = lambda key, field: [i[field] for d in docs for i in d.get(key) or [] if i.get(field)]  # noqa: E731
        return cls(
            titles=every("title"),
            contents=every("content"),
            impacts=every("impact"),
            supports=every("support_requested"),
            difficulties=every("difficulties"),
            updates=nested("updates", "text"),
            obstacles=nested("obstacles", "text"),
            resolutions=nested("obstacles", "resolution"),
            supporters=sorted(set(nested("obstacles", "support_from"))),
            comments=[d["result"]["comment"] for d in docs if (d.get("result") or {}).get("comment")],
            links=nested("links", "title"),
            tags=sorted({t for d in docs for t in d.get("tags") or []}),
        )


def demo_units(demo: Path = DEMO) -> dict:
    return yaml.safe_load((demo / "units.yml").read_text(encoding="utf-8"))


def units_file(count: int, demo: Path = DEMO) -> dict:
    """`count` units, all alive in every year: the demo's, then numbered copies of them."""
    source = demo_units(demo)
    base = source["units"]
    units = []
    for index in range(count):
        model = base[index % len(base)]
        copy = index // len(base)
        suffix = f"-{copy + 1}" if copy else ""
        short = slugify(model.get("short") or model["id"]).replace("-", "")
        units.append({
            "id": model["id"] + suffix,
            "name": model["name"] + (f" (số {copy + 1})" if copy else ""),
            "group": model["group"],
            "short": short + suffix,
        })  # fmt: skip
    evaluators = [{"id": e["id"], "name": e["name"]} for e in source["evaluators"]]
    groups = [{"id": g["id"], "name": g["name"]} for g in source["groups"]]
    return {"groups": groups, "units": units, "evaluators": evaluators}


def _renumber(text: str, rng: random.Random) -> str:
    """The same sentence with other figures, so that pages differ like real ones."""
    return _NUMBER.sub(lambda m: _other_number(m.group(), rng), text)


def _other_number(digits: str, rng: random.Random) -> str:
    """As many digits, a leading zero kept; years (20xx) stay as they are."""
    if len(digits) == 4 and digits.startswith("20"):
        return digits
    first = "0" if digits.startswith("0") else str(rng.randint(1, 9))
    return first + "".join(str(rng.randrange(10)) for _ in digits[1:])


def _day(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=rng.randrange(max(1, (high - low).days + 1)))


def _status(rng: random.Random, year: int, as_of: dt.date) -> str:
    if year < as_of.year:
        choices = [("completed", 62), ("not_completed", 14), ("in_progress", 10), ("paused", 7), ("withdrawn", 7)]
    else:
        choices = [("in_progress", 55), ("registered", 15), ("completed", 15), ("paused", 8), ("withdrawn", 7)]
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def registration(index: int, units: list[dict], evaluators: list[dict], years: list[int], pools: Pools, seed: int, as_of: dt.date) -> tuple[str, dict]:
    """Registration number `index`: (its path under registrations/, its data)."""
    rng = random.Random(f"{seed}:{index}")
    pick = lambda items: _renumber(rng.choice(items), rng)  # noqa: E731
    year = rng.choice(years)
    unit = units[rng.randrange(len(units))]
    person = rng.randrange(PEOPLE_PER_UNIT)
    person_rng = random.Random(f"{seed}:{unit['id']}:{person}")
    name = f"{person_rng.choice(FAMILY)} {person_rng.choice(MIDDLE)} {person_rng.choice(GIVEN)}"
    kind = "difficult" if rng.random() < 0.55 else "breakthrough"
    reg_id = f"{year}-{unit['short']}-{index:05d}"
    registered_on = dt.date(year, rng.randint(2, 4), rng.randint(1, 28))
    start = dt.date(year, registered_on.month + 1, 1)
    due = dt.date(year, 12, 31) if rng.random() < 0.7 else dt.date(year + 1, rng.randint(1, 6), 1) - dt.timedelta(days=1)
    status = _status(rng, year, as_of)
    data: dict = {
        "id": reg_id,
        "year": year,
        "kind": kind,
        "title": pick(pools.titles),
        "registrant": {"name": name, "position": person_rng.choice(POSITIONS), "unit": unit["id"], "person": f"{slugify(name)}-{unit['id']}"},
        "evaluator": rng.choice(evaluators)["id"],
        "registered_on": registered_on,
        "content": pick(pools.contents),
        "impact": pick(pools.impacts),
    }
    if kind == "difficult":
        data["support_requested"] = pick(pools.supports)
    else:
        data["difficulties"] = pick(pools.difficulties)
    last = min(due, as_of)
    schedule: dict = {"start": f"{start:%Y-%m}" if rng.random() < 0.3 else start, "due": due}
    if status == "completed":
        schedule["completed_on"] = _day(rng, start + dt.timedelta(days=60), min(due + dt.timedelta(days=45), as_of))
        last = schedule["completed_on"]
    data["schedule"] = schedule
    data["status"] = status
    if status != "registered" and start < last:
        count = rng.randint(1, 4)
        dates = sorted({_day(rng, start, last) for _ in range(count)})
        progress = sorted(rng.randrange(5, 100) for _ in dates)
        if status == "completed":
            progress[-1] = 100
        data["updates"] = [{"date": d, "progress": p, "text": pick(pools.updates)} for d, p in zip(dates, progress)]
    elif status == "completed":
        data["updates"] = [{"date": last, "progress": 100, "text": pick(pools.updates)}]
    if status in REASONS:  # the status's reason, as the validator asks (no draw: other fields stay as they were)
        updates = data.setdefault("updates", [{"date": last, "text": REASONS[status]}])
        updates[-1]["status"] = status
    if status != "registered" and rng.random() < 0.45:
        data["obstacles"] = [_obstacle(rng, pick, pools, start, last) for _ in range(rng.randint(1, 2))]
    if status in ("completed", "not_completed") and year < as_of.year:
        outcome = "completed" if status == "completed" else rng.choice(["partly_completed", "not_completed"])
        data["result"] = {"assessed_on": dt.date(year, 12, rng.randint(15, 30)), "outcome": outcome, "comment": pick(pools.comments)}
    if rng.random() < 0.2:
        data["links"] = [{"title": pick(pools.links), "url": f"https://vanban.sonha.example/{unit['id']}/{year}/{index}-{n}.pdf"} for n in range(rng.randint(1, 2))]
    data["tags"] = rng.sample(pools.tags, rng.randint(1, 3))
    return f"{year}/{unit['id']}/{reg_id}.yml", data


def _obstacle(rng, pick, pools: Pools, start: dt.date, last: dt.date) -> dict:
    raised = _day(rng, start, last)
    obstacle = {"raised_on": raised, "text": pick(pools.obstacles), "support_from": rng.choice(pools.supporters)}
    if rng.random() < 0.6 and raised < last:
        obstacle["resolved_on"] = _day(rng, raised + dt.timedelta(days=1), last)
        obstacle["resolution"] = pick(pools.resolutions)
    return obstacle


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def generate(out: Path, n: int, units: int = 60, years: int = 5, seed: int = 1, as_of: dt.date = AS_OF) -> list[dict]:
    """Write units.yml and n registrations into `out` (emptied first); return the registrations."""
    if out.exists():
        shutil.rmtree(out)
    (out / "registrations").mkdir(parents=True)
    unit_data = units_file(units)
    (out / "units.yml").write_text(dump(unit_data), encoding="utf-8")
    pools = Pools.from_demo()
    year_list = list(range(as_of.year - years + 1, as_of.year + 1))
    written = []
    for index in range(n):
        relative, data = registration(index, unit_data["units"], unit_data["evaluators"], year_list, pools, seed, as_of)
        path = out / "registrations" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(data), encoding="utf-8")
        written.append(data)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    args = parser.parse_args()
    generate(args.out, args.n, args.units, args.years, args.seed, args.as_of)
    print(f"{args.n} registrations in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
