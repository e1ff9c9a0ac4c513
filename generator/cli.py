"""The `dotpha` command: one call into the library per subcommand."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from contextlib import contextmanager

from .domain.asof import FIRST_YEAR, LAST_YEAR
from .domain.errors import DotphaError, ExitCode, Terminated
from .engine import ENGINES, select_engine
from .history.diff import add_arguments as add_diff_arguments
from .tools.codeowners import add_arguments as add_codeowners_arguments
from .tools.importer import HELP as IMPORT_HELP
from .tools.importer import add_import_arguments
from .tools.new import add_new_arguments
from .tools.summary import add_summary_arguments

HELP = {
    "validate": "Kiểm tra toàn bộ nội dung; in mọi lỗi kèm tệp, dòng, cột và trường.",
    "build": "Kiểm tra nội dung rồi dựng trang tĩnh (thư mục site/).",
    "serve": "Dựng và phục vụ trang tại máy này, tự tải lại khi tệp thay đổi.",
    "new": "Tạo tệp đăng ký mới có chú thích theo mẫu đơn đăng ký.",
    "schema": "In JSON Schema của tệp đăng ký (hoặc units.yml) cho trình soạn thảo.",
    "headers": "In các HTTP header nên dùng khi phục vụ trang đã dựng, kể cả Content-Security-Policy khớp với trang.",
    "diff": "So sánh nội dung giữa hai phiên bản git (BASE và HEAD, mặc định là thư mục làm việc): tóm tắt cho người duyệt.",
    "codeowners": "Viết tệp CODEOWNERS từ danh sách maintainers của các đơn vị trong units.yml.",
    "snapshot": "Lưu trang của một năm thành bản lưu trữ cố định trong archive/NĂM (hoặc --verify: kiểm tra các bản lưu trữ).",
    "summary": "Ghi kết quả thực hiện đăng ký của một cán bộ trong một năm ra tệp Word (.docx), để đưa vào bản kiểm điểm cá nhân.",
    "rollover": "Đề xuất tệp đăng ký năm sau cho các đăng ký còn dở dang cuối năm (để Ban Tổ chức xem xét).",
}


HELP_ENGINE = "bộ dựng trang: properdocs (mặc định khi đã cài) hoặc mkdocs"

HELP_PROFILE = (
    "internal: bản nội bộ, hiện mọi thứ; public: bản công khai, bỏ đăng ký nội bộ và các trường "
    "trong public_hidden_fields (mặc định theo profile trong cấu hình)"
)


def year_argument(text: str) -> int:
    """A year given on the command line (snapshot, rollover), one a registration may have."""
    if not (text.isascii() and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise argparse.ArgumentTypeError(f"năm phải là một số từ {FIRST_YEAR} đến {LAST_YEAR}: {text!r}")
    return int(text)


def _site_options(parser: argparse.ArgumentParser, site_dir: bool = True) -> None:
    parser.add_argument("--config", default="site_config.yml", help="tệp cấu hình MkDocs (mặc định site_config.yml)")
    parser.add_argument("--content", metavar="DIR", help="thư mục nội dung (thay cho content_dir trong cấu hình)")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="ngày tính số liệu (mặc định hôm nay hoặc SOURCE_DATE_EPOCH)")
    parser.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ thông báo lỗi")
    if site_dir:
        parser.add_argument("--site-dir", metavar="DIR", help="thư mục xuất trang")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dotpha", description="Đăng ký việc khó, việc mới đột phá: YAML → trang tĩnh.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")
    validate = sub.add_parser("validate", help=HELP["validate"], description=HELP["validate"])
    _site_options(validate, site_dir=False)
    validate.add_argument("--format", choices=["text", "json"], default="text", help="định dạng kết quả")
    build = sub.add_parser("build", help=HELP["build"], description=HELP["build"])
    _site_options(build)
    serve = sub.add_parser("serve", help=HELP["serve"], description=HELP["serve"])
    _site_options(serve, site_dir=False)  # MkDocs serves from a temporary folder
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT", help="địa chỉ phục vụ")
    for command in (build, serve):
        command.add_argument("--profile", choices=["internal", "public"], help=HELP_PROFILE)
    headers = sub.add_parser("headers", help=HELP["headers"], description=HELP["headers"])
    headers.add_argument("--site-dir", default="site", metavar="DIR", help="thư mục trang đã dựng (mặc định site)")
    headers.add_argument("--format", choices=["plain", "nginx"], default="plain", help="dạng in: Tên: giá trị, hoặc add_header của nginx")
    new = sub.add_parser("new", help=HELP["new"], description=HELP["new"])
    add_new_arguments(new)
    diff = sub.add_parser("diff", help=HELP["diff"], description=HELP["diff"])
    add_diff_arguments(diff)
    codeowners = sub.add_parser("codeowners", help=HELP["codeowners"], description=HELP["codeowners"])
    add_codeowners_arguments(codeowners)
    snapshot = sub.add_parser("snapshot", help=HELP["snapshot"], description=HELP["snapshot"])
    _site_options(snapshot, site_dir=False)
    snapshot.add_argument("year", nargs="?", type=year_argument, metavar="NĂM", help="năm cần lưu (--as-of mặc định là 31/12 của năm này)")
    snapshot.add_argument("--force", action="store_true", help="làm lại bản lưu trữ đã có")
    snapshot.add_argument("--verify", action="store_true", help="kiểm tra các bản lưu trữ (hoặc của NĂM) khớp bản ghi snapshot.json")
    snapshot.add_argument("--profile", choices=["internal", "public"], help=HELP_PROFILE)
    for command in (build, serve, snapshot):
        command.add_argument("--engine", choices=ENGINES, help=HELP_ENGINE)
    rollover = sub.add_parser("rollover", help=HELP["rollover"], description=HELP["rollover"])
    _site_options(rollover, site_dir=False)
    rollover.add_argument("source_year", type=year_argument, metavar="TỪ_NĂM", help="năm có đăng ký còn dở dang")
    rollover.add_argument("target_year", type=year_argument, metavar="SANG_NĂM", help="năm của các tệp đề xuất")
    rollover.add_argument("--dry-run", action="store_true", help="chỉ in đề xuất, không ghi tệp")

    summary = sub.add_parser("summary", help=HELP["summary"], description=HELP["summary"])
    _site_options(summary, site_dir=False)
    add_summary_arguments(summary)

    importer = sub.add_parser("import", help=IMPORT_HELP, description=IMPORT_HELP)
    _site_options(importer, site_dir=False)
    add_import_arguments(importer)
    schema = sub.add_parser("schema", help=HELP["schema"], description=HELP["schema"])
    schema.add_argument("what", nargs="?", choices=["registration", "units"], default="registration", help="tệp đăng ký (mặc định) hoặc units.yml")
    schema.add_argument(
        "--output", "-o", metavar="FILE",
        help="ghi ra tệp thay vì in ra màn hình; ghi vào content/registration.schema.json thì `dotpha new` thêm dòng $schema cho trình soạn thảo",
    )  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with _sigterm_raises():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        select_engine(getattr(args, "engine", None))  # before anything imports the engine
        from . import commands

        return int(getattr(commands, f"run_{args.command}")(args))
    except DotphaError as error:  # every error a user can meet: its message, its exit code
        error.show(getattr(args, "lang", "vi"))
        return int(error.exit_code)
    except Terminated:
        return ExitCode.TERMINATED
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # `dotpha diff ... | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except Exception as error:  # a bug in dotpha, not in the content: say so, briefly
        if os.environ.get("DOTPHA_DEBUG"):
            raise
        print(f"dotpha: lỗi nội bộ / internal error: {type(error).__name__}: {error}", file=sys.stderr)
        print("Chạy lại với DOTPHA_DEBUG=1 để xem chi tiết và báo cho người bảo trì.", file=sys.stderr)
        return ExitCode.INTERNAL


@contextmanager
def _sigterm_raises():
    """SIGTERM raises Terminated while a command runs, so its cleanup runs as on Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signum, frame):
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
