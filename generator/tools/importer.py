"""`dotpha import FILE`: read, check everything, then write everything (or nothing)."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser, Namespace
from pathlib import Path

from ..domain.content import load_content
from ..domain.errors import ExitCode
from ..domain.load import display_path
from ..domain.problems import ContentError
from .import_docx import read_docx
from .import_sheet import read_sheets, sheet_records
from .imports import (
    ImportContext,
    ImportRefused,
    Plan,
    describe_errors,
    plan_import,
    write_plan,
)

HELP = "Nhập danh sách đăng ký từ bảng tính (.xlsx, .csv) hoặc đơn đăng ký (.docx) thành các tệp đăng ký."


def add_import_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("file", metavar="TỆP", help="bảng tính .xlsx/.csv hoặc đơn đăng ký .docx")
    parser.add_argument("--year", type=int, metavar="NĂM", help="năm đăng ký (bắt buộc với bảng tính)")
    parser.add_argument("--update", action="store_true", help="cập nhật đăng ký đã có (giữ chú thích và thứ tự khóa của tệp)")
    parser.add_argument("--evaluator", metavar="MÃ", help="cấp đánh giá cho các dòng không ghi (mã hoặc tên trong units.yml)")


def import_file(args: Namespace, root: Path, as_of: dt.date) -> int:
    """Import one file into the content folder `root`; print what happened."""
    source = Path(args.file)
    try:
        content = load_content(root, as_of)
    except ContentError as error:
        print(describe_errors(error))
        return ExitCode.PROBLEMS
    if not source.is_file():
        return _usage(f"không tìm thấy tệp {args.file}")
    is_form = source.suffix.lower() == ".docx"
    if not is_form and args.year is None:
        return _usage("cần --year NĂM khi nhập bảng tính")
    units = _units_file(content)
    ctx = ImportContext(root=root, content=content, units=units, year=args.year, as_of=as_of, update=args.update)
    if args.evaluator:
        ctx.evaluator = ctx.evaluator_id(args.evaluator)
        if ctx.evaluator is None:
            return _usage(f"không có cấp đánh giá «{args.evaluator}» trong units.yml")
    try:
        records, problems, notes = _read(source, ctx, is_form)
    except ImportRefused as refused:
        print(f"dotpha import: {refused}")
        return ExitCode.PROBLEMS
    plan = plan_import(records, ctx)
    plan.problems = problems + plan.problems
    return _finish(plan, notes, ctx, len(records))


def _read(source: Path, ctx: ImportContext, is_form: bool):
    if is_form:
        records, problems = read_docx(source, ctx)
        return records, problems, []
    result = sheet_records(read_sheets(source), ctx)
    return result.records, result.problems, result.notes


def _finish(plan: Plan, notes: list[str], ctx: ImportContext, rows: int) -> int:
    for note in notes:
        print(f"ghi chú: {note}")
    if ctx.unmatched_units:
        print("Không nhận ra các đơn vị: " + "; ".join(sorted(ctx.unmatched_units)) + " (thêm vào units.yml hoặc sửa tên cho khớp).")
    if plan.problems:
        for problem in plan.problems:
            print(problem.render())
        print(f"{len(plan.problems)} lỗi trong {rows} đăng ký đọc được; không ghi tệp nào.")
        return ExitCode.PROBLEMS
    write_plan(plan)
    for planned in plan.files:
        print(f"{'Đã cập nhật' if planned.update else 'Đã tạo'} {display_path(planned.path)} ({planned.origin}).")
    created = sum(1 for p in plan.files if not p.update)
    print(f"Đã tạo {created} tệp, cập nhật {len(plan.files) - created} tệp, {len(plan.unchanged)} đăng ký không đổi.")
    try:
        load_content(ctx.root, ctx.as_of)
    except ContentError as error:  # cannot happen if each file was valid; say so if it does
        print(describe_errors(error))
        return ExitCode.PROBLEMS
    return ExitCode.OK


def _units_file(content):
    from ..domain.schema import UnitsFile

    return UnitsFile(groups=content.groups, units=list(content.units.values()), evaluators=list(content.evaluators.values()))


def _usage(message: str) -> int:
    import sys

    print(f"dotpha import: {message}", file=sys.stderr)
    return ExitCode.USAGE
