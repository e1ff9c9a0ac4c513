"""`dotpha rollover FROM TO`: next year's files proposed for the work still open at the end of FROM.

A registration of FROM whose status is still Đã đăng ký, Đang thực hiện or Tạm
dừng gets a new file in TO, for the Board to review in a pull request:

- a new id, `<TO>-<short name or unit id>-NN` as `dotpha new` makes them, and
  `continues: <old id>` (validated: the old id must exist, in an earlier year);
- the form's items copied (title, registrant, evaluator, content, impact,
  support requested or foreseen difficulties, links, tags, visibility), each
  copy named in the file's header comment; progress reports, obstacles,
  result and schedule are not copied: status Đã đăng ký, schedule inside TO,
  and the original's open obstacles listed in a comment;
- a unit that ceased before TO is replaced by its `replaced_by` (the file and
  the command's output say so); a unit with no successor alive in TO, or an
  evaluator gone by TO, is left for a clerk (`dotpha new`), and said so.

Existing files are never overwritten; a registration already continued in TO
is not proposed twice.  Every proposal is validated before it is written, and
the whole content folder after.
"""

from __future__ import annotations

import datetime as dt
import sys
from argparse import Namespace
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from ..domain.content import REGISTRATIONS_DIR, Content, Entry, load_content
from ..domain.errors import ExitCode
from ..domain.load import display_path, parse_document
from ..domain.problems import ContentError
from ..domain.schema import LabelledEnum, Registration, Status, UnitsFile, field_title, spec_of
from ..domain.text import slugify, vn_date
from ..domain.validate import RegistrationPath, alive_in, validate_registration
from .new import _schema_ref

OPEN_STATUSES = (Status.registered, Status.in_progress, Status.paused)
# What schema.py marks `rollover`; lists go after the status, as in a registration file.
COPIED = tuple(name for name, info in Registration.model_fields.items() if spec_of(info).rollover)
COPIED_EXTRA = tuple(name for name in COPIED if Registration.model_fields[name].default_factory is list)
COPIED_FORM = tuple(name for name in COPIED if name not in COPIED_EXTRA)
WRITTEN_ANEW = ("id", "year", "kind", "continues", "status", "visibility")  # by render_proposal, for the new year
NOT_COPIED = tuple(name for name in Registration.model_fields if name not in (*COPIED, *WRITTEN_ANEW))


@dataclass
class Proposal:
    """One proposed file of the new year."""

    origin: Entry
    reg_id: str
    unit: str
    relative: PurePosixPath  # inside the content folder
    notes: list[str] = field(default_factory=list)  # what the reviewer must know, also written in the file
    text: str = ""


@dataclass
class Left:
    """A registration still open that gets no proposal, and why."""

    origin: Entry
    reason: str
    needs_clerk: bool  # True: a person must act (no successor unit...); False: nothing to do


# ---------------------------------------------------------------- proposing


def propose_rollover(content: Content, source: int, target: int) -> tuple[list[Proposal], list[Left]]:
    """The files to propose for TO, and the open registrations of FROM left aside."""
    continued = {e.registration.continues: e.id for e in content.entries if e.registration.continues}
    taken = {e.id for e in content.entries} | _ids_on_disk(content.root)
    proposals, left = [], []
    for entry in _open_entries(content, source):
        reason = _why_not(content, entry, target, continued)
        if reason:
            left.append(Left(entry, reason[0], reason[1]))
            continue
        unit, chain = successor_unit(content, entry.registration.registrant.unit, target)
        reg_id = _next_free_id(content, target, unit, taken)
        taken.add(reg_id)
        proposal = Proposal(entry, reg_id, unit, PurePosixPath(REGISTRATIONS_DIR, str(target), unit, f"{reg_id}.yml"))
        if chain:
            proposal.notes.append(_unit_note(content, chain, unit, target))
        proposal.text = render_proposal(content, proposal, source, target)
        proposals.append(proposal)
    return proposals, left


def _open_entries(content: Content, source: int) -> list[Entry]:
    return [e for e in content.entries if e.registration.year == source and e.registration.status in OPEN_STATUSES]


def _why_not(content: Content, entry: Entry, target: int, continued: dict[str, str]) -> tuple[str, bool] | None:
    if entry.id in continued:
        return f"đã có đăng ký tiếp nối {continued[entry.id]}", False
    unit, _ = successor_unit(content, entry.registration.registrant.unit, target)
    if unit is None:
        return f"đơn vị «{entry.registration.registrant.unit}» không hoạt động năm {target} và không có đơn vị kế thừa còn hoạt động; tạo thủ công bằng dotpha new", True
    evaluator = content.evaluators[entry.registration.evaluator]
    if not alive_in(evaluator, target):
        return f"cấp đánh giá «{evaluator.id}» không hoạt động năm {target}; tạo thủ công bằng dotpha new", True
    return None


def successor_unit(content: Content, unit_id: str, year: int) -> tuple[str | None, list[str]]:
    """The unit that carries `unit_id`'s work in `year`, and the ceased ids passed on the way.

    A unit that ends before the year does (a merger in February, the districts
    on 30/06/2025) hands over to its `replaced_by`; without one it keeps the
    work while it is alive in the year.
    """
    chain: list[str] = []
    current = unit_id
    while current not in chain:
        unit = content.units[current]
        ends_early = unit.until is not None and unit.until < dt.date(year, 12, 31)
        if alive_in(unit, year) and not (ends_early and unit.replaced_by):
            return current, chain
        chain.append(current)
        if unit.replaced_by is None:
            break
        current = unit.replaced_by
    return None, chain


def _unit_note(content: Content, chain: list[str], unit: str, target: int) -> str:
    ceased = content.units[chain[0]]
    until = f" từ sau ngày {vn_date(ceased.until)}" if ceased.until else ""
    via = "".join(f" qua «{step}»" for step in chain[1:])
    return (f"đơn vị «{ceased.id}» ({ceased.name}) không còn hoạt động{until}; "
            f"năm {target} chuyển sang đơn vị kế thừa «{unit}» ({content.units[unit].name}){via}")  # fmt: skip


def _next_free_id(content: Content, year: int, unit_id: str, taken: set[str]) -> str:
    """`<year>-<short or unit id>-NN`, NN one past the highest in use (as `dotpha new` numbers them)."""
    unit = content.units[unit_id]
    base = f"{year}-{slugify(unit.short or '') or unit.id}"
    used = [reg_id.removeprefix(f"{base}-") for reg_id in taken if reg_id.startswith(f"{base}-")]
    number = max((int(tail) for tail in used if tail.isdigit()), default=0) + 1
    return f"{base}-{number:02d}"


def _ids_on_disk(root: Path) -> set[str]:
    """File names under registrations/, valid or not: a new id must not meet any of them."""
    return {path.stem for path in (root / REGISTRATIONS_DIR).rglob("*.yml")}


# ---------------------------------------------------------------- the file


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a literal block (`|`), as clerks write it."""


def _text_representer(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text_representer)


def render_proposal(content: Content, proposal: Proposal, source: int, target: int) -> str:
    """The proposed file: a header comment for the reviewer, then the registration."""
    r = proposal.origin.registration
    data = {"id": proposal.reg_id, "year": target, "kind": r.kind.value, "continues": proposal.origin.id}
    for name in COPIED_FORM:
        if getattr(r, name) is not None:
            data[name] = getattr(r, name)
    data["registrant"] = {**_plain(r.registrant), "unit": proposal.unit}
    data["schedule"] = {"start": f"{target}-01", "due": f"{target}-12"}
    data["status"] = Status.registered.value
    for name in COPIED_EXTRA:
        if getattr(r, name):
            data[name] = getattr(r, name)
    if r.visibility.value != "public":
        data["visibility"] = r.visibility.value
    body = yaml.dump(_plain(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    schema = _schema_ref(content.root, content.root / proposal.relative)
    lines = [f"# yaml-language-server: $schema={schema}"] if schema else []
    lines += [f"# {line}" if line else "#" for line in _header(proposal, source, target)]
    return "\n".join(lines) + "\n" + body


def _header(proposal: Proposal, source: int, target: int) -> list[str]:
    r = proposal.origin.registration
    progress = f", tiến độ {r.latest_progress}%" if r.latest_progress is not None else ""
    lines = [
        f"Đề xuất tiếp nối đăng ký {proposal.origin.id} (năm {source}; trạng thái: {r.status.label}{progress}).",
        f"Tạo bằng `dotpha rollover {source} {target}`: Ban Tổ chức xem xét, sửa và duyệt trong pull request.",
        "Đã chép từ đăng ký gốc: " + ", ".join(_labels(name for name in COPIED if getattr(r, name) not in (None, []))) + ".",
        "Không chép: " + ", ".join(_labels(NOT_COPIED)) + f". Thời gian đặt trong năm {target}; trạng thái Đã đăng ký.",
        *(note[0].upper() + note[1:] + "." for note in proposal.notes),
        f"Cần xem lại cho năm {target}: người đăng ký (chức vụ, đơn vị), nội dung, thời gian; ngày đăng ký ghi khi được duyệt.",
    ]
    open_obstacles = r.open_obstacles
    if open_obstacles:
        lines += ["", "Vướng mắc chưa tháo gỡ của đăng ký gốc (ghi lại vào obstacles nếu vẫn còn):"]
        for obstacle in open_obstacles:
            support = f" (đề nghị hỗ trợ từ: {obstacle.support_from})" if obstacle.support_from else ""
            lines += [f"  - {vn_date(obstacle.raised_on)}: " + " ".join(obstacle.text.split()) + support]
    return [*lines, ""]


def _labels(names) -> list[str]:
    return [f"{field_title(Registration, name)} ({name})" for name in names]


def _plain(value):
    """Models, enums and dates as the plain values a YAML file holds."""
    if hasattr(value, "model_dump"):
        return {k: _plain(v) for k, v in value.model_dump(exclude_none=True, exclude_defaults=True).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, LabelledEnum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------- checking and writing


def check_proposal(content: Content, proposal: Proposal, as_of: dt.date) -> list[str]:
    """The proposal's own problems (a bug in dotpha if any)."""
    shown = display_path(content.root / proposal.relative)
    document, problems = parse_document(proposal.text, shown)
    if document is not None:
        units = UnitsFile(groups=content.groups, units=list(content.units.values()), evaluators=list(content.evaluators.values()))
        problems += validate_registration(document, RegistrationPath.of(proposal.relative), units, as_of)[1]
    return [problem.render("vi") for problem in problems]


def write_proposal(content: Content, proposal: Proposal) -> None:
    """Write the file; FileExistsError when it is there already (never overwritten)."""
    path = content.root / proposal.relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as file:
        file.write(proposal.text)


def rollover_command(args: Namespace, content_dir: Path, as_of: dt.date) -> int:
    source, target = args.source_year, args.target_year
    if target <= source:
        print(f"dotpha: năm đề xuất {target} phải sau năm {source}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        content = load_content(content_dir, as_of)
    except ContentError as error:
        print(error.report(args.lang))
        print("Nội dung có lỗi: sửa trước khi đề xuất tiếp nối.")
        return ExitCode.PROBLEMS
    proposals, left = propose_rollover(content, source, target)
    if not proposals and not left:
        print(f"Không có đăng ký nào của năm {source} còn dở dang (Đã đăng ký, Đang thực hiện, Tạm dừng).")
        return ExitCode.OK
    failed = _write_all(content, proposals, as_of, args.dry_run)
    for item in left:
        print(f"Bỏ qua {item.origin.id}: {item.reason}.")
    return _report(content, proposals, left, failed, as_of, args)


def _write_all(content: Content, proposals: list[Proposal], as_of: dt.date, dry_run: bool) -> bool:
    failed = False
    for proposal in proposals:
        shown = display_path(content.root / proposal.relative)
        problems = check_proposal(content, proposal, as_of)
        if problems:
            print(f"dotpha: tệp đề xuất {shown} không hợp lệ (lỗi của dotpha), không ghi:\n" + "\n".join(problems), file=sys.stderr)
            failed = True
            continue
        if not dry_run:
            try:
                write_proposal(content, proposal)
            except FileExistsError:
                print(f"dotpha: đã có tệp {shown}; không ghi đè", file=sys.stderr)
                failed = True
                continue
        r = proposal.origin.registration
        print(f"{'Sẽ đề xuất' if dry_run else 'Đề xuất'} {shown} ← {proposal.origin.id} «{r.title}» ({r.status.label}).")
        for note in proposal.notes:
            print(f"  {note[0].upper()}{note[1:]}.")
        if r.open_obstacles:
            print(f"  {len(r.open_obstacles)} vướng mắc chưa tháo gỡ được liệt kê trong chú thích đầu tệp.")
    return failed


def _report(content: Content, proposals: list[Proposal], left: list[Left], failed: bool, as_of: dt.date, args: Namespace) -> int:
    if args.dry_run:
        print(f"{len(proposals)} đề xuất; chưa ghi tệp nào (--dry-run).")
    elif proposals:
        print(f"Đã đề xuất {len(proposals)} tệp cho năm {args.target_year}. Xem lại từng tệp rồi gửi pull request để Ban Tổ chức duyệt.")
        try:
            load_content(content.root, as_of)
        except ContentError as error:
            print(error.report(args.lang))
            failed = True
    return ExitCode.PROBLEMS if failed or any(item.needs_clerk for item in left) else ExitCode.OK
