"""What each `dotpha` subcommand does; `cli.py` only parses arguments.

Content is always validated by the domain first: a build or serve with invalid
content prints every problem and stops before MkDocs touches the site folder.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from argparse import Namespace
from contextlib import contextmanager
from pathlib import Path

from .archive import ArchiveError, publish_archives
from .asof import epoch_of, resolve_as_of
from .atomic import replaced_on_success
from .content import Content, load_content
from .new import add_new_arguments, create_registration  # noqa: F401  (add_new_arguments: re-exported for cli.py)
from .codeowners import add_arguments as add_codeowners_arguments  # noqa: F401  (re-exported for cli.py)
from .diff import add_arguments as add_diff_arguments  # noqa: F401  (re-exported for cli.py)
from .plugin import ENV_AS_OF, ENV_CONTENT, ENV_LANG, ENV_PROFILE
from .problems import ContentError, summary
from .schema import PART_ONLY_FIELDS, Kind, Registration, UnitsFile

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# yaml-language-server implements draft-07; pydantic's schema uses nothing newer ($defs is only a place for $ref).
SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"


class UsageError(Exception):
    """Wrong usage at the edge (a missing config file, a bad option): exit 2."""


def run_validate(args: Namespace) -> int:
    content_dir, _ = _locate(args)
    as_of = resolve_as_of(args.as_of)
    try:
        with _kept_to_the_end():
            content = load_content(content_dir, as_of)
    except ContentError as error:
        _print_problems(error, args.lang, args.format)
        return EXIT_PROBLEMS
    if args.format == "json":
        print(json.dumps({"errors": [], "summary": summary([], args.lang), "registrations": len(content.entries)}, ensure_ascii=False))
    else:
        print(_ok_line(content, args.lang))
    return EXIT_OK


@contextmanager
def _kept_to_the_end():
    """What a command loads first lives until the process ends (the plugin of `dotpha build` and
    `serve` gets the same registrations from filecache.py) and has no reference cycles to find:
    frozen, the cycle collector leaves it alone instead of walking it after loading, during the
    build and again at exit (a quarter of `dotpha validate` at 20,000 files).  A later run in the
    same process (the tests) thaws what an earlier one froze, so nothing stays frozen for good."""
    gc.unfreeze()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def run_build(args: Namespace) -> int:
    prepared = _prepare_site(args)
    if isinstance(prepared, int):
        return prepared
    config_file, content, environment = prepared
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from jinja2 import TemplateError

    _show_mkdocs_log()
    try:
        with _environment(environment):
            config = load_config(str(config_file), site_dir=args.site_dir, strict=args.strict or None)
            site_dir = config.site_dir
            # Build beside the site and swap it in: a failed build leaves the old site whole.
            with replaced_on_success(Path(site_dir)) as staging:
                config.site_dir = str(staging)
                build(config)
                publish_archives(Path(config_file).resolve().parent, staging, config.extra.get("dotpha_profile"))
    except (MkDocsException, TemplateError, ArchiveError) as error:
        print(f"dotpha: không dựng được trang, trang cũ giữ nguyên: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{_ok_line(content, args.lang)} Đã dựng trang vào {site_dir}.")
    return EXIT_OK


def run_serve(args: Namespace) -> int:
    prepared = _prepare_site(args)
    if isinstance(prepared, int):
        return prepared
    config_file, _, environment = prepared
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    _show_mkdocs_log(logging.INFO)
    try:
        with _environment(environment):
            # Dirty rebuilds: only the pages whose HTML changes are rewritten (generator/rebuild.py).
            serve(str(config_file), build_type="dirty", dev_addr=args.dev_addr, strict=args.strict or None)
    except MkDocsException as error:
        print(f"dotpha: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def run_headers(args: Namespace) -> int:
    from .csp import render_headers, security_headers

    site_dir = Path(args.site_dir)
    if not (site_dir / "index.html").is_file():
        return _usage(UsageError(f"{site_dir} chưa có trang đã dựng (chạy dotpha build trước)"))
    sys.stdout.write(render_headers(security_headers(site_dir), args.format))
    return EXIT_OK


def run_new(args: Namespace) -> int:
    content_dir, _ = _locate(args)
    as_of = resolve_as_of(args.as_of)
    return create_registration(args, content_dir, as_of)


def run_diff(args: Namespace) -> int:
    from .diff import DiffError, as_json, diff_revisions, render_markdown

    try:
        content_dir, config_file = _locate(args)
        as_of = resolve_as_of(args.as_of)
        closed_years = _plugin_setting(config_file, "closed_years", [])
        diff = diff_revisions(content_dir, args.base, args.head, as_of, closed_years)
    except (UsageError, DiffError) as error:
        return _usage(error)
    if args.format == "json":
        print(json.dumps(as_json(diff, args.lang), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_markdown(diff, args.lang))
    return EXIT_OK if diff.valid else EXIT_PROBLEMS


def run_codeowners(args: Namespace) -> int:
    from .codeowners import CodeownersError, write_codeowners

    try:
        content_dir, _ = _locate(args)
        return write_codeowners(content_dir, args)
    except (UsageError, CodeownersError) as error:
        return _usage(error)


def run_schema(args: Namespace) -> int:
    text = json.dumps(json_schema(args.what), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def json_schema(what: str) -> dict:
    """The JSON Schema of a registration or of units.yml, for editors (yaml-language-server).

    Only the clerk-facing words stay: field titles and descriptions, with the
    form item each field answers; class names and developer docstrings go.
    """
    model = Registration if what == "registration" else UnitsFile
    schema = model.model_json_schema()
    schema.pop("description", None)
    for name, definition in schema.get("$defs", {}).items():
        definition.pop("description", None)
        if definition.get("title") == name:
            del definition["title"]
    for prop in schema["properties"].values():
        if "form" in prop:
            items = ", ".join(f"mục {number} Phần {part}" for part, number in prop.pop("form").items())
            prop["description"] = " ".join(filter(None, (f"Mẫu đơn: {items}.", prop.get("description"))))
    if model is Registration:
        schema["allOf"] = [_part_rule(kind) for kind in Kind]
    return {"$schema": SCHEMA_DIALECT, **schema}


def _part_rule(kind: Kind) -> dict:
    """Part I needs its own fields and refuses Part II's, and the other way round."""
    own = [name for name, part in PART_ONLY_FIELDS.items() if part is kind]
    other = [name for name, part in PART_ONLY_FIELDS.items() if part is not kind]
    return {
        "if": {"properties": {"kind": {"const": kind.value}}, "required": ["kind"]},
        "then": {"required": own, "properties": {name: False for name in other}},
    }


def run_snapshot(args: Namespace) -> int:
    from .archive import snapshot_command

    content_dir, config_file = _locate(args)
    _show_mkdocs_log()
    return snapshot_command(args, config_file, content_dir)


def run_import(args: Namespace) -> int:
    from .importer import import_file

    content_dir, _ = _locate(args)
    as_of = resolve_as_of(args.as_of)
    return import_file(args, content_dir, as_of)


def run_rollover(args: Namespace) -> int:
    from .rollover import rollover_command

    content_dir, _ = _locate(args)
    as_of = resolve_as_of(args.as_of)
    return rollover_command(args, content_dir, as_of)


# ---------------------------------------------------------------- helpers


def _prepare_site(args: Namespace) -> tuple[Path, Content, dict[str, str]] | int:
    """Validate content; return the config file, the content and the plugin's environment."""
    content_dir, config_file = _locate(args)
    as_of = resolve_as_of(args.as_of)
    try:
        with _kept_to_the_end():
            content = load_content(content_dir, as_of)
    except ContentError as error:
        _print_problems(error, args.lang, "text")
        return EXIT_PROBLEMS
    environment = {
        ENV_CONTENT: str(content_dir.resolve()),
        ENV_AS_OF: as_of.isoformat(),
        ENV_LANG: args.lang,
        "SOURCE_DATE_EPOCH": epoch_of(as_of),  # MkDocs dates the sitemap with it
    }
    if getattr(args, "profile", None):
        environment[ENV_PROFILE] = args.profile
    return config_file, content, environment


@contextmanager
def _environment(values: dict[str, str]):
    """Set environment variables for the MkDocs run, then put the old ones back."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _locate(args: Namespace) -> tuple[Path, Path]:
    """The content folder and the config file, from the options and the config."""
    config_file = Path(args.config)
    if args.content:
        return Path(args.content), config_file
    if not config_file.is_file():
        raise UsageError(f"không tìm thấy tệp cấu hình {config_file} (dùng --config hoặc --content)")
    return config_file.resolve().parent / _content_dir_setting(config_file), config_file


def _plugin_setting(config_file: Path, name: str, default):
    """One option of the dotpha plugin, or `default` when there is no config file."""
    if not config_file.is_file():
        return default
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    try:
        plugin = load_config(str(config_file)).plugins.get("dotpha")
    except ConfigurationError as error:
        raise UsageError(f"cấu hình {config_file} không hợp lệ: {error}") from None
    return getattr(plugin.config, name, default) if plugin is not None else default


def _content_dir_setting(config_file: Path) -> str:
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    try:
        config = load_config(str(config_file))
    except ConfigurationError as error:
        raise UsageError(f"cấu hình {config_file} không hợp lệ: {error}") from None
    plugin = config.plugins.get("dotpha")
    if plugin is None:
        raise UsageError(f"{config_file} không khai báo plugin dotpha")
    return plugin.config.content_dir


def _print_problems(error: ContentError, lang: str, fmt: str) -> None:
    if fmt == "json":
        payload = {"errors": [p.as_dict(lang) for p in error.problems], "summary": summary(error.problems, lang)}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(error.report(lang))


def _ok_line(content: Content, lang: str) -> str:
    count = len(content.entries)
    if lang == "en":
        return f"No errors: {count} registration(s), {len(content.units)} unit(s)."
    return f"Không có lỗi: {count} đăng ký, {len(content.units)} đơn vị."


def _usage(error: Exception) -> int:
    print(f"dotpha: {error}", file=sys.stderr)
    return EXIT_USAGE


class _StderrHandler(logging.Handler):
    """Writes to the current sys.stderr, whatever it is when the record comes."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")


def _show_mkdocs_log(level: int = logging.WARNING) -> None:
    """Show MkDocs' warnings (and, when serving, its progress) on stderr."""
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
