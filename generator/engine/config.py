"""site_config.yml, read and checked before anything is built, its errors in the user's words.

MkDocs reports a broken configuration in English, without a line, and only
warns of an option it does not know (a typo then changes nothing, silently).
Here the file is read once: a missing or unreadable file, a YAML error, an
unknown option (of MkDocs or of a plugin), a plugin that is not installed, a
theme folder that does not exist each become one `file:line: option: message`
in Vietnamese (English with --lang en), exit 2.  A content folder without
`pages/` (free pages are optional) builds with an empty one.
"""

from __future__ import annotations

import atexit
import logging
import re
import shutil
import tempfile
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError

from ..domain.errors import SetupError
from . import engine_logger

PLUGIN = "dotpha"
Key = tuple[str, ...]

# (what MkDocs says, where it points below the option, Vietnamese, English)
_MESSAGES = [
    (r"Plugin '(?P<plugin>[^']+)' option '(?P<name>[^']+)': Unrecognised configuration name: .*", ("{plugin}", "{name}"),
     "plugin {plugin} không có tùy chọn «{name}» (gõ sai tên?)", "plugin {plugin} has no option '{name}' (a typo?)"),
    (r"Unrecognised configuration name: (?P<name>.+)", (),
     "không có tùy chọn «{name}» (gõ sai tên?)", "there is no option '{name}' (a typo?)"),
    (r'The "(?P<name>[^"]+)" plugin is not installed', ("{name}",),
     "chưa cài plugin «{name}»: cài gói của nó hoặc bỏ nó khỏi plugins", "the plugin '{name}' is not installed: install it or remove it from plugins"),
    (r"The path set in custom_dir \('(?P<path>[^']*)'\) does not exist\.", ("custom_dir",),
     "không có thư mục giao diện {path}", "the theme folder {path} does not exist"),
]  # fmt: skip


def read_config(config_file: Path, **overrides) -> MkDocsConfig:
    """site_config.yml validated as MkDocs validates it; SetupError naming the file and line."""
    config_file = Path(config_file)
    text = _text_of(config_file)
    lines = _key_lines(text, config_file)
    config = MkDocsConfig(config_file_path=str(config_file))
    try:
        with open(config_file, "rb") as source:
            config.load_file(source)
    except ConfigurationError as error:
        raise _setup_error(config_file, 1, "", str(error), str(error)) from None
    docs_dir = config_file.resolve().parent / str(config.get("docs_dir") or "docs")
    if "docs_dir" not in overrides and not docs_dir.exists():
        overrides["docs_dir"] = _empty_folder()  # no free pages: the generated ones only
    config.load_dict({k: v for k, v in overrides.items() if v is not None})
    errors, warnings = config.validate()
    refused = [(key, str(error)) for key, error in errors] + [(k, w) for k, w in warnings if "Unrecognised configuration name" in w]
    if refused:
        raise SetupError(*_described(config_file, lines, refused))
    for key, warning in warnings:  # what MkDocs only warns of, it still says
        _logger().warning(f"Config value '{key}': {warning}")
    if config.strict and warnings:
        raise SetupError(f"{config_file}: cấu hình có {len(warnings)} cảnh báo khi --strict",
                         f"{config_file}: the configuration has {len(warnings)} warning(s) under --strict")  # fmt: skip
    if not any(name == PLUGIN for name in config.plugins):
        raise _setup_error(config_file, lines.get(("plugins",), 1), "plugins", "không khai báo plugin dotpha (thêm `- dotpha` vào plugins)",
                           "the dotpha plugin is not listed (add `- dotpha` to plugins)")  # fmt: skip
    return config


def plugin_options(config_file: Path):
    """The dotpha plugin's options in site_config.yml (content_dir, closed_years, ...)."""
    return read_config(config_file).plugins[PLUGIN].config


def _text_of(config_file: Path) -> str:
    if not config_file.is_file():
        raise SetupError(f"không tìm thấy tệp cấu hình {config_file} (dùng --config hoặc --content)",
                         f"the configuration file {config_file} does not exist (use --config or --content)")  # fmt: skip
    try:
        return config_file.read_text(encoding="utf-8")
    except OSError as error:
        raise SetupError(f"không đọc được tệp cấu hình {config_file} ({error.strerror})",
                         f"cannot read the configuration file {config_file} ({error.strerror})") from None  # fmt: skip
    except UnicodeDecodeError as error:
        raise SetupError(f"tệp cấu hình {config_file} không phải UTF-8 (byte {error.start})",
                         f"the configuration file {config_file} is not UTF-8 (byte {error.start})") from None  # fmt: skip


def _key_lines(text: str, config_file: Path) -> dict[Key, int]:
    """The line of every option, plugin and plugin option; SetupError at a YAML error."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # composing runs no tag (!ENV, !!python/name)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = getattr(error, "problem", None) or str(error)
        raise SetupError(f"{config_file}:{line}:{column}: YAML không hợp lệ: {what}",
                         f"{config_file}:{line}:{column}: invalid YAML: {what}") from None  # fmt: skip
    lines: dict[Key, int] = {}
    if isinstance(root, yaml.MappingNode):
        _collect(root, (), lines)
    return lines


def _collect(node: yaml.Node, key: Key, lines: dict[Key, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            if isinstance(name, yaml.ScalarNode):
                lines.setdefault((*key, name.value), name.start_mark.line + 1)
                if len(key) < 2:
                    _collect(value, (*key, name.value), lines)
    elif isinstance(node, yaml.SequenceNode):  # plugins: [name, {name: {option: ...}}]
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                lines.setdefault((*key, item.value), item.start_mark.line + 1)
            elif isinstance(item, yaml.MappingNode):
                _collect(item, key, lines)


def _described(config_file: Path, lines: dict[Key, int], refused: list[tuple[str, str]]) -> tuple[str, str]:
    vi, en = [], []
    for key, text in refused:
        where, said_vi, said_en = (key,), text, text
        for pattern, below, vi_text, en_text in _MESSAGES:
            if found := re.fullmatch(pattern, text):
                words = found.groupdict()
                where = (key, *(part.format(**words) for part in below)) if below else (words.get("name", key),)
                said_vi, said_en = vi_text.format(**words), en_text.format(**words)
                break
        line = lines.get(where) or lines.get(where[:2]) or lines.get((key,), 1)
        vi.append(f"{config_file}:{line}: {'.'.join(where)}: {said_vi}")
        en.append(f"{config_file}:{line}: {'.'.join(where)}: {said_en}")
    return "cấu hình không hợp lệ:\n" + "\n".join(vi), "invalid configuration:\n" + "\n".join(en)


def _setup_error(config_file: Path, line: int, key: str, vi: str, en: str) -> SetupError:
    where = f"{config_file}:{line}: {key + ': ' if key else ''}"
    return SetupError(where + vi, where + en)


def _empty_folder() -> str:
    folder = tempfile.mkdtemp(prefix="dotpha-no-pages-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _logger() -> logging.Logger:
    return logging.getLogger(engine_logger("config"))
