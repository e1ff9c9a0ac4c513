"""`dotpha diff BASE [HEAD]`: what a pull request changes, in registration terms.

Both revisions' content folders are read from git (one `ls-tree` and one
`cat-file --batch` each) into a temporary folder; without HEAD the content
folder on disk is compared, as `git diff BASE` does.  HEAD is validated with
the same `load_content` as `dotpha validate`.  Registrations are matched by id
(their file name), so a file moved to another unit's folder is a move; a file
whose id changes is refused (exit 2): an id names a registration's page, its
history and its links for good.

Warnings go to reviewers for any change to a registration that was already
assessed (it had a `result` in BASE) or that belongs to a closed year
(`closed_years` of the dotpha plugin in site_config.yml: years the Board has
closed after the year-end assessment).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from ..domain.content import REGISTRATIONS_DIR, UNITS_FILE, load_content
from ..domain.errors import ExitCode, UsageError
from ..domain.problems import ContentError, Problem
from .changes import Change, Version, compare, day, describe, outcome_label, status_label, version_of
from .git import GitError, Repository

WORKING_TREE = "(thư mục làm việc)"
_MAX_TEXT = 200


class DiffError(UsageError):
    """Bad input for a diff (exit 2): a revision, a folder or a rename we cannot compare."""


@dataclass
class Side:
    """One side of the comparison: its label, its registrations by id, units.yml."""

    label: str
    versions: dict[str, Version]
    units: bytes | None


@dataclass
class Diff:
    base: str
    head: str
    changes: list[Change]
    problems: list[Problem]
    registrations: int  # in HEAD
    units_changed: bool
    closed_years: list[int] = field(default_factory=list)
    unit_names: dict[str, str] = field(default_factory=dict)
    evaluator_names: dict[str, str] = field(default_factory=dict)

    def unit_name(self, unit_id: str) -> str:
        return self.unit_names.get(unit_id, unit_id)

    def evaluator_name(self, evaluator_id: object) -> str:
        return self.evaluator_names.get(str(evaluator_id), str(evaluator_id))

    @property
    def valid(self) -> bool:
        return not self.problems

    def warnings(self) -> list[tuple[str, str]]:
        """(id, message) for changes a reviewer must look at twice."""
        found = []
        for change in self.changes:
            if change.was_assessed:
                assessed = day(change.old.result.get("assessed_on"))
                found.append((change.id, f"đã có kết quả đánh giá (ngày {assessed}) nhưng vẫn bị sửa"))
            years = {v.year for v in (change.old, change.new) if v is not None}
            for year in sorted(y for y in years if y.isascii() and y.isdigit() and int(y) in self.closed_years):
                found.append((change.id, f"thuộc năm {year} đã khóa sổ"))
            if change.due_changed:
                old_due, new_due = (day(d) for d in change.due_changed)
                found.append((change.id, f"thời hạn đã đăng ký (schedule.due) bị sửa từ {old_due} thành {new_due}; "
                                         "thời hạn chỉ được điều chỉnh bằng một mục schedule.extensions"))  # fmt: skip
        return found


def diff_revisions(content_dir: Path, base: str, head: str | None, as_of: dt.date, closed_years: list[int]) -> Diff:
    """Compare the content folder at BASE with HEAD (a revision, or the folder on disk)."""
    repo = _repository(content_dir)
    base_commit = _commit(repo, base)
    head_commit = _commit(repo, head) if head else None
    with tempfile.TemporaryDirectory(prefix="dotpha-diff-") as tmp:
        base_root = _checkout(repo, base_commit, base, Path(tmp) / "base")
        head_root = _checkout(repo, head_commit, head, Path(tmp) / "head") if head_commit else Path(content_dir)
        old, new = _side(base, base_root), _side(head or WORKING_TREE, head_root)
        _refuse_renames(repo, base_commit, head_commit, old, new)
        problems, count = _validate(head_root, as_of, repo.prefix if head_commit else None)
    changes = [compare(old.versions.get(i), new.versions.get(i)) for i in sorted(set(old.versions) | set(new.versions))]
    return Diff(
        base=base,
        head=head or WORKING_TREE,
        changes=[c for c in changes if not c.is_empty],
        problems=problems,
        registrations=count,
        units_changed=old.units != new.units,
        closed_years=sorted(closed_years),
        unit_names=_names(old.units, "units") | _names(new.units, "units"),
        evaluator_names=_names(old.units, "evaluators") | _names(new.units, "evaluators"),
    )


def _repository(content_dir: Path) -> Repository:
    try:
        return Repository.of(content_dir)
    except GitError as error:
        raise DiffError(str(error)) from None


def _commit(repo: Repository, revision: str) -> str:
    try:
        return repo.commit_of(revision)
    except GitError as error:
        raise DiffError(str(error)) from None


def _checkout(repo: Repository, commit: str, label: str, target: Path) -> Path:
    target.mkdir(parents=True)
    if repo.materialize(commit, target) == 0:
        raise DiffError(f"phiên bản «{label}» không có thư mục nội dung {repo.content_path()}/")
    return target


def _side(label: str, root: Path) -> Side:
    versions: dict[str, Version] = {}
    base = root / REGISTRATIONS_DIR
    for path in _files(base):
        relative = path.relative_to(root).as_posix()
        if len(PurePosixPath(relative).parts) == 4 and path.suffix == ".yml" and not path.is_symlink():
            versions.setdefault(path.stem, version_of(relative, path.read_bytes()))
    units = root / UNITS_FILE
    return Side(label, versions, units.read_bytes() if units.is_file() and not units.is_symlink() else None)


def _files(base: Path) -> list[Path]:
    """Every file below `base`, sorted, following no link (a revision may hold any link,
    `registrations` itself included)."""
    if base.is_symlink():
        return []
    found = []
    for folder, subfolders, files in os.walk(base):
        subfolders.sort()
        found += [Path(folder) / name for name in files]
    return sorted(found)


def _names(units_yml: bytes | None, key: str) -> dict[str, str]:
    """Unit or evaluator names from a units.yml read leniently (it may be invalid in either revision)."""
    version = version_of(UNITS_FILE, units_yml)
    items = version.list_of(key) if version else []
    return {u["id"]: u["name"] for u in items if isinstance(u.get("id"), str) and isinstance(u.get("name"), str)}


def _refuse_renames(repo: Repository, base: str, head: str | None, old: Side, new: Side) -> None:
    """A registration file renamed to another id (git's rename detection) cannot be compared."""
    args = ["diff", "-M", "--name-status", "-z", base, *([head] if head else []), "--", repo.content_path(REGISTRATIONS_DIR)]
    fields = repo.git(*args).decode("utf-8", "replace").split("\0")
    strip = len(repo.prefix) + 1 if repo.prefix else 0
    at = 0
    while at < len(fields) and fields[at]:
        status = fields[at]
        if status.startswith("R"):
            source, target = fields[at + 1][strip:], fields[at + 2][strip:]
            if PurePosixPath(source).stem != PurePosixPath(target).stem and PurePosixPath(source).stem not in new.versions:
                raise DiffError(
                    f"tệp {source} được đổi tên thành {target}: mã đăng ký (tên tệp) không được đổi, vì trang, "
                    "lịch sử và liên kết của đăng ký dựa vào mã. Hãy giữ tên tệp cũ; muốn thay đăng ký cũ "
                    "bằng đăng ký mới thì giữ tệp cũ với trạng thái withdrawn (Rút đăng ký) và thêm tệp mới."
                )
            at += 3
        else:
            at += 2 if not status.startswith("C") else 3


def _validate(root: Path, as_of: dt.date, prefix: str | None) -> tuple[list[Problem], int]:
    """HEAD's problems, named as the repository names the files."""
    try:
        return [], len(load_content(root, as_of).entries)
    except ContentError as error:
        if prefix is None:
            return error.problems, 0
        shown = root.as_posix()
        name = (prefix + "/") if prefix else ""
        return [_renamed(p, shown, name) for p in error.problems], 0


def _renamed(problem: Problem, shown: str, name: str) -> Problem:
    path = problem.path
    if path.startswith(shown + "/"):
        path = name + path[len(shown) + 1 :]
    elif path == shown:
        path = name.rstrip("/") or "."
    return replace(problem, path=path)


# ---------------------------------------------------------------- Markdown for reviewers


def render_markdown(diff: Diff, lang: str = "vi") -> str:
    """The reviewer's summary: Vietnamese Markdown, every user text escaped."""
    lines = [f"## Thay đổi nội dung: `{_code(diff.base)}` → `{_code(diff.head)}`", ""]
    lines += _validation_lines(diff, lang)
    lines += [_count_line(diff), ""]
    warnings = diff.warnings()
    if warnings:
        lines += ["### ⚠️ Cần xem kỹ", ""]
        lines += [f"- `{reg_id}`: {message}." for reg_id, message in warnings] + [""]
    for title, items in _sections(diff):
        if items:
            lines += [f"### {title}", "", *items, ""]
    if diff.units_changed:
        lines += ["### Danh mục đơn vị", "", f"- `{UNITS_FILE}` thay đổi: kiểm tra đơn vị, nhóm, cấp đánh giá.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _validation_lines(diff: Diff, lang: str) -> list[str]:
    if diff.valid:
        return [f"✅ Kiểm tra `{_code(diff.head)}`: không có lỗi ({diff.registrations} đăng ký).", ""]
    shown = [p.render(lang) for p in diff.problems]
    return [f"❌ Kiểm tra `{_code(diff.head)}`: {len(shown)} lỗi, phải sửa trước khi hợp nhất.", "", "```text",
            *(s.replace("```", "'''") for s in shown), "```", ""]  # fmt: skip


def _count_line(diff: Diff) -> str:
    if not diff.changes:
        return "Không có đăng ký nào thay đổi."
    added = sum(c.added for c in diff.changes)
    removed = sum(c.removed for c in diff.changes)
    return f"**{len(diff.changes)} đăng ký thay đổi**: {added} mới, {removed} bị xóa, {len(diff.changes) - added - removed} được cập nhật."


def _sections(diff: Diff) -> list[tuple[str, list[str]]]:
    changes, unit_name = diff.changes, diff.unit_name
    head = lambda c: f"- `{c.id}` {_md((c.new or c.old).title)}"  # noqa: E731
    return [
        ("Đăng ký mới", [f"{head(c)}: {_md(unit_name(c.new.unit))}, trạng thái {status_label(c.new.status)}." for c in changes if c.added]),
        ("Đăng ký bị xóa", [f"{head(c)} ({_md(unit_name(c.old.unit))})." for c in changes if c.removed]),
        ("Chuyển trạng thái", [f"{head(c)}: {status_label(c.status[0])} → **{status_label(c.status[1])}**." for c in changes if c.status]),
        ("Điều chỉnh thời hạn", [f"{head(c)}: {_extension(diff, x)}" for c in changes for x in c.extensions]),
        ("Báo cáo tiến độ mới", [f"{head(c)}: {_update(u)}" for c in changes for u in c.new_updates]),
        ("Vướng mắc mới", [f"{head(c)}: {day(o.get('raised_on'))}: {_md(_short(o.get('text')))}" for c in changes for o in c.raised]),
        ("Vướng mắc đã tháo gỡ", [f"{head(c)}: tháo gỡ ngày {day(o.get('resolved_on'))}: {_md(_short(o.get('resolution') or o.get('text')))}" for c in changes for o in c.resolved]),
        ("Kết quả đánh giá", [f"{head(c)}: **{outcome_label(c.result.get('outcome'))}** (đánh giá ngày {day(c.result.get('assessed_on'))})." for c in changes if c.result]),
        ("Chuyển đơn vị", [f"{head(c)}: {_md(unit_name(c.moved[0]))} → {_md(unit_name(c.moved[1]))}." for c in changes if c.moved]),
        ("Sửa khác", [f"{head(c)}: {_md('; '.join(p for p in describe(c) if p.startswith('Sửa')))}." for c in changes if c.fields or c.edited_updates]),
    ]  # fmt: skip


def _extension(diff: Diff, extension: dict) -> str:
    decision = f" ({_md(_short(extension['decision']))})" if extension.get("decision") else ""
    return (f"thời hạn mới **{day(extension.get('due'))}**, {_md(diff.evaluator_name(extension.get('approved_by')))} "
            f"phê duyệt ngày {day(extension.get('date'))}{decision}.")  # fmt: skip


def _update(update: dict) -> str:
    progress = update.get("progress")
    figure = f" **{progress}%**" if isinstance(progress, int) else ""
    return f"{day(update.get('date'))}{figure}: {_md(_short(update.get('text')))}"


def _short(text) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


_MD_SPECIAL = set("\\`*_[]<>#!|~&@")


def _md(text: str) -> str:
    """User text as inert Markdown: every character Markdown or HTML could read is escaped."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


def _code(text: str) -> str:
    return str(text).replace("`", "'")


# ---------------------------------------------------------------- JSON for tools


def as_json(diff: Diff, lang: str = "vi") -> dict:
    return {
        "base": diff.base,
        "head": diff.head,
        "valid": diff.valid,
        "errors": [p.as_dict(lang) for p in diff.problems],
        "registrations": diff.registrations,
        "units_changed": diff.units_changed,
        "warnings": [{"id": reg_id, "message": message} for reg_id, message in diff.warnings()],
        "changes": [_change_json(c) for c in diff.changes],
    }


def _change_json(change: Change) -> dict:
    version = change.new or change.old
    return {
        "id": change.id,
        "title": version.title,
        "path": version.path,
        "old_path": change.old.path if change.old else None,
        "added": change.added,
        "removed": change.removed,
        "status": {"from": change.status[0], "to": change.status[1]} if change.status else None,
        "new_updates": change.new_updates,
        "edited_updates": change.edited_updates,
        "raised_obstacles": change.raised,
        "resolved_obstacles": change.resolved,
        "result": change.result,
        "moved": {"from": change.moved[0], "to": change.moved[1]} if change.moved else None,
        "fields": change.fields,
        "due_changed": {"from": day(change.due_changed[0]), "to": day(change.due_changed[1])} if change.due_changed else None,
        "extensions_added": change.extensions,
        "summary": describe(change),
    }


# ---------------------------------------------------------------- the command


def add_arguments(parser) -> None:
    parser.add_argument("base", metavar="BASE", help="phiên bản gốc (nhánh, thẻ hoặc commit), ví dụ origin/main")
    parser.add_argument("head", metavar="HEAD", nargs="?", help="phiên bản cần xem (mặc định: các tệp trong thư mục nội dung)")
    parser.add_argument("--config", default="site_config.yml", help="tệp cấu hình MkDocs (mặc định site_config.yml)")
    parser.add_argument("--content", metavar="DIR", help="thư mục nội dung (thay cho content_dir trong cấu hình)")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="ngày tính số liệu khi kiểm tra HEAD (mặc định hôm nay)")
    parser.add_argument("--format", choices=["markdown", "json"], default="markdown", help="định dạng kết quả")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ thông báo lỗi")
