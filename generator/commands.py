"""What each `dotpha` subcommand does; `cli.py` only parses arguments.

Content is always validated by the domain first: a build or serve with invalid
content prints every problem and stops before MkDocs touches the site folder.
"""

from __future__ import annotations

import json
import logging
import sys
from argparse import Namespace
from pathlib import Path

from .domain.asof import resolve_as_of
from .domain.content import Content, load_content
from .domain.errors import ExitCode, Failed, UsageError
from .domain.jsonschema import json_schema
from .domain.problems import ContentError, summary
from .domain.profile import resolve_profile
from .domain.settings import BuildSettings
from .engine.build import build_site, serve_site, show_engine_log
from .engine.config import plugin_options
from .tools.new import create_registration


def run_validate(args: Namespace) -> int:
    content_dir, _ = _locate(args)
    as_of = resolve_as_of(args.as_of)
    try:
        content = load_content(content_dir, as_of)
    except ContentError as error:
        _print_problems(error, args.lang, args.format)
        return ExitCode.PROBLEMS
    if args.format == "json":
        warnings = [p.as_dict(args.lang) for p in content.warnings]
        payload = {"errors": [], "warnings": warnings, "summary": summary([], args.lang), "registrations": len(content.entries)}
        print(json.dumps(payload, ensure_ascii=False))
    else:
        _print_warnings(content, args.lang)
        print(_ok_line(content, args.lang))
    return ExitCode.OK


def run_build(args: Namespace) -> int:
    settings, content = _prepare_site(args)
    show_engine_log()
    config = build_site(settings, content)
    print(f"{_ok_line(content, args.lang)} Đã dựng trang vào {config.site_dir}.")
    return ExitCode.OK


def run_serve(args: Namespace) -> int:
    settings, content = _prepare_site(args)
    show_engine_log(logging.INFO)
    serve_site(settings, content, args.dev_addr)
    return ExitCode.OK


def run_headers(args: Namespace) -> int:
    from .site.csp import render_headers, security_headers

    site_dir = Path(args.site_dir)
    if not (site_dir / "index.html").is_file():
        raise UsageError(f"{site_dir} chưa có trang đã dựng (chạy dotpha build trước)")
    sys.stdout.write(render_headers(security_headers(site_dir), args.format))
    return ExitCode.OK


def run_new(args: Namespace) -> int:
    content_dir, _ = _locate(args)
    as_of = resolve_as_of(args.as_of)
    return create_registration(args, content_dir, as_of)


def run_diff(args: Namespace) -> int:
    from .history.diff import as_json, diff_revisions, render_markdown

    content_dir, config_file = _locate(args)
    as_of = resolve_as_of(args.as_of)
    closed_years = _plugin_setting(config_file, "closed_years", [])
    diff = diff_revisions(content_dir, args.base, args.head, as_of, closed_years)
    if args.format == "json":
        print(json.dumps(as_json(diff, args.lang), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_markdown(diff, args.lang))
    return ExitCode.OK if diff.valid else ExitCode.PROBLEMS


def run_codeowners(args: Namespace) -> int:
    from .tools.codeowners import write_codeowners

    content_dir, _ = _locate(args)
    return write_codeowners(content_dir, args)


def run_schema(args: Namespace) -> int:
    text = json.dumps(json_schema(args.what), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return ExitCode.OK


def run_snapshot(args: Namespace) -> int:
    from .tools.snapshot import snapshot_command, verify_command

    if args.verify:  # reads the stored archives only
        return verify_command(Path(args.config), args.year)
    show_engine_log()
    return snapshot_command(args, _settings(args))


def run_import(args: Namespace) -> int:
    from .tools.importer import import_file

    content_dir, _ = _locate(args)
    as_of = resolve_as_of(args.as_of)
    return import_file(args, content_dir, as_of)


def run_rollover(args: Namespace) -> int:
    from .tools.rollover import rollover_command

    content_dir, _ = _locate(args)
    as_of = resolve_as_of(args.as_of)
    return rollover_command(args, content_dir, as_of)


def run_summary(args: Namespace) -> int:
    from .tools.summary import write_summary

    settings = _settings(args)
    try:  # the content must be valid; its warnings are for validate and build, not for one official's page
        content = load_content(settings.content_dir, settings.as_of)
    except ContentError as error:
        _print_problems(error, args.lang, "text")
        return ExitCode.PROBLEMS
    written = write_summary(args, content, _plugin_setting(settings.config_file, "province", ""))
    print(f"Đã ghi {written}.")
    return ExitCode.OK


# ---------------------------------------------------------------- helpers


def _prepare_site(args: Namespace) -> tuple[BuildSettings, Content]:
    """The build's settings from the options, and the content, validated (its problems printed)."""
    settings = _settings(args)
    try:
        content = load_content(settings.content_dir, settings.as_of)
    except ContentError as error:
        _print_problems(error, args.lang, "text")
        raise Failed(ExitCode.PROBLEMS) from None
    _print_warnings(content, args.lang)
    return settings, content


def _settings(args: Namespace) -> BuildSettings:
    """The build's settings, from the options and site_config.yml."""
    content_dir, config_file = _locate(args)
    return BuildSettings(
        content_dir=content_dir.resolve(),
        as_of=resolve_as_of(args.as_of),
        lang=args.lang,
        profile=resolve_profile(getattr(args, "profile", None) or _configured_profile(config_file)),
        site_dir=Path(args.site_dir) if getattr(args, "site_dir", None) else None,
        strict=args.strict,
        config_file=config_file,
    )


def _configured_profile(config_file: Path) -> str:
    return plugin_options(config_file).profile if config_file.is_file() else "internal"


def _locate(args: Namespace) -> tuple[Path, Path]:
    """The content folder and the config file, from the options and the config."""
    config_file = Path(args.config)
    if args.content:
        return Path(args.content), config_file
    return config_file.resolve().parent / plugin_options(config_file).content_dir, config_file


def _plugin_setting(config_file: Path, name: str, default):
    """One option of the dotpha plugin, or `default` when there is no config file."""
    if not config_file.is_file():
        return default
    return getattr(plugin_options(config_file), name, default)


def _print_problems(error: ContentError, lang: str, fmt: str) -> None:
    if fmt == "json":
        payload = {"errors": [p.as_dict(lang) for p in error.problems], "summary": summary(error.problems, lang)}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(error.report(lang))


def _print_warnings(content: Content, lang: str) -> None:
    for warning in content.warnings:
        print(warning.render(lang))


def _ok_line(content: Content, lang: str) -> str:
    count, warnings = len(content.entries), len(content.warnings)
    if lang == "en":
        tail = f" {warnings} warning(s)." if warnings else ""
        return f"No errors: {count} registration(s), {len(content.units)} unit(s).{tail}"
    tail = f" {warnings} cảnh báo." if warnings else ""
    return f"Không có lỗi: {count} đăng ký, {len(content.units)} đơn vị.{tail}"
