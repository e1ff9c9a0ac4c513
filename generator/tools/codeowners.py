"""`dotpha codeowners`: each unit's registrations are reviewed by the unit's own people.

The `maintainers` of each unit in units.yml become one CODEOWNERS line for the
unit's folders in every year (`registrations/*/<unit-id>/`).  GitHub and
GitLab read glob patterns; Gitea reads regular expressions, hence `--forge`.
Later lines win in CODEOWNERS, so the optional `--default` owners come first.
"""

from __future__ import annotations

import os
import re
import sys
from argparse import Namespace
from pathlib import Path

from ..domain.content import REGISTRATIONS_DIR, UNITS_FILE
from ..domain.errors import ExitCode, UsageError
from ..domain.load import display_path, load_document
from ..domain.problems import ContentError
from ..domain.schema import Unit
from ..domain.validate import validate_units
from ..history.git import GitError, Repository

HEADER = "# Tệp do `dotpha codeowners` sinh ra từ {units}; sửa maintainers trong units.yml rồi chạy lại lệnh.\n"
_OWNER = re.compile(r"^\S+$")


class CodeownersError(UsageError):
    """A units.yml that cannot give a CODEOWNERS file (exit 2)."""


def add_arguments(parser) -> None:
    parser.add_argument("--config", default="site_config.yml", help="tệp cấu hình MkDocs (mặc định site_config.yml)")
    parser.add_argument("--content", metavar="DIR", help="thư mục nội dung (thay cho content_dir trong cấu hình)")
    parser.add_argument("--forge", choices=["github", "gitlab", "gitea"], default="github",
                        help="cú pháp: github và gitlab dùng mẫu glob, gitea dùng biểu thức chính quy")  # fmt: skip
    parser.add_argument("--default", nargs="*", default=[], metavar="OWNER", help="người duyệt mọi tệp khác (ví dụ @ban-to-chuc)")
    parser.add_argument("--output", "-o", metavar="FILE", help="ghi ra tệp (ví dụ CODEOWNERS) thay vì in ra màn hình")


def write_codeowners(content_dir: Path, args: Namespace) -> int:
    units = load_units(content_dir)
    text = codeowners_text(units, content_prefix(content_dir), args.forge, args.default, display_path(content_dir / UNITS_FILE))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Đã ghi {args.output}: {sum(1 for u in units if u.maintainers)} đơn vị có người duyệt.")
    else:
        sys.stdout.write(text)
    return ExitCode.OK


def load_units(content_dir: Path) -> list[Unit]:
    path = content_dir / UNITS_FILE
    if not path.is_file():
        raise CodeownersError(f"không tìm thấy {display_path(path)}")
    document, problems = load_document(path)
    units = None
    if document is not None:
        units, found = validate_units(document)
        problems += found
    if problems or units is None:
        raise CodeownersError("units.yml có lỗi:\n" + ContentError(problems).report())
    for unit in units.units:
        for owner in unit.maintainers:
            if not _OWNER.match(owner):
                raise CodeownersError(f"{display_path(path)}: đơn vị {unit.id}: maintainers «{owner}» không được chứa dấu cách")
    return list(units.units)


def content_prefix(content_dir: Path) -> str:
    """The content folder as seen from the repository's top (or from here, outside git)."""
    try:
        return Repository.of(content_dir).prefix
    except GitError:
        relative = Path(os.path.relpath(content_dir)).as_posix()
        return "" if relative == "." else relative


def codeowners_text(units: list[Unit], prefix: str, forge: str, default: list[str], source: str) -> str:
    lines = [HEADER.format(units=source)]
    base = f"{prefix}/{REGISTRATIONS_DIR}" if prefix else REGISTRATIONS_DIR
    if default:
        lines.append(f"{'.*' if forge == 'gitea' else '*'} {' '.join(default)}\n")
    for unit in units:
        if unit.maintainers:
            lines.append(f"{_pattern(base, unit.id, forge)} {' '.join(unit.maintainers)}\n")
    return "".join(lines)


def _pattern(base: str, unit_id: str, forge: str) -> str:
    if forge == "gitea":
        return f"{re.escape(base)}/[^/]+/{re.escape(unit_id)}/.*"
    return f"/{base}/*/{unit_id}/"
