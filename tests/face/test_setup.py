"""Broken setups, as a new user makes them: each gets a clear message, never an internal error.

Every case here builds over a previous site and checks it is left as it
was; the message names the file (and the line where there is one) in
Vietnamese, or in English with --lang en, and the exit code is 1 or 2.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main

OLD_SITE = {"index.html": "trang cũ", "dang-ky/x/index.html": "trang cũ"}


@pytest.fixture
def project(site_content) -> Path:
    site_content.registration()
    root = site_content.root.parent
    for relative, text in OLD_SITE.items():
        (root / "site" / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / "site" / relative).write_text(text, encoding="utf-8")
    return root


def config(project: Path) -> Path:
    return project / "site_config.yml"


def edit_config(project: Path, old: str, new: str) -> None:
    text = config(project).read_text(encoding="utf-8")
    assert old in text
    config(project).write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(project: Path, text: str) -> int:
    return next(n for n, line in enumerate(config(project).read_text(encoding="utf-8").splitlines(), 1) if text in line)


def build(capsys, *extra: str) -> tuple[int, str]:
    code = main(["build", "--as-of", "2024-12-31", *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in out + err
    return code, out + err


def old_site_kept(project: Path) -> bool:
    files = {p.relative_to(project / "site").as_posix(): p.read_text(encoding="utf-8") for p in (project / "site").rglob("*") if p.is_file()}
    return files == OLD_SITE and not [p for p in project.iterdir() if p.name.startswith(".site.")]


def test_no_pages_folder_builds_normally(project, capsys):
    shutil.rmtree(project / "content" / "pages")
    code, said = build(capsys)
    assert code == 0, said
    assert (project / "site" / "dang-ky" / "2024-stc-01" / "index.html").is_file()


def test_no_pages_folder_snapshots_normally(project, capsys):
    shutil.rmtree(project / "content" / "pages")
    assert main(["snapshot", "2024"]) == 0, capsys.readouterr()
    assert (project / "archive" / "2024" / "site" / "index.html").is_file()


@pytest.mark.parametrize("lang, message", [
    ("vi", "dotpha: không tìm thấy tệp cấu hình site_config.yml (dùng --config hoặc --content)"),
    ("en", "dotpha: the configuration file site_config.yml does not exist (use --config or --content)"),
])  # fmt: skip
def test_a_missing_config_file(project, capsys, lang, message):
    config(project).unlink()
    code, said = build(capsys, "--lang", lang)
    assert (code, said.strip()) == (2, message)
    assert old_site_kept(project)


def test_an_unreadable_config_file(project, capsys, monkeypatch):
    real = Path.read_text

    def read_text(path, *args, **kwargs):  # the tests run as root, whom chmod 000 does not stop
        if path.name == "site_config.yml":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    code, said = build(capsys)
    assert (code, said.strip()) == (2, "dotpha: không đọc được tệp cấu hình site_config.yml (Permission denied)")
    assert old_site_kept(project)


def test_a_yaml_error_in_the_config_names_its_line(project, capsys):
    edit_config(project, "use_directory_urls: true", "use_directory_urls: [true")
    code, said = build(capsys, "--lang", "en")
    assert code == 2
    assert re.match(r"dotpha: site_config\.yml:\d+:\d+: invalid YAML: ", said), said
    assert old_site_kept(project)


def test_an_unknown_option_is_refused_at_its_line(project, capsys):
    edit_config(project, "use_directory_urls: true", "use_directory_urls: true\nuse_directory_url: false")
    code, said = build(capsys)
    assert code == 2
    line = line_of(project, "use_directory_url:")
    assert f"site_config.yml:{line}: use_directory_url: không có tùy chọn «use_directory_url» (gõ sai tên?)" in said
    assert old_site_kept(project)


def test_an_unknown_option_of_the_dotpha_plugin_is_refused_at_its_line(project, capsys):
    edit_config(project, "      profile: internal", "      profile: internal\n      profil: public")
    code, said = build(capsys, "--lang", "en")
    assert code == 2
    line = line_of(project, "profil: public")
    assert f"site_config.yml:{line}: plugins.dotpha.profil: plugin dotpha has no option 'profil' (a typo?)" in said
    assert old_site_kept(project)


def test_a_missing_theme_folder(project, capsys):
    shutil.rmtree(project / "theme")
    code, said = build(capsys)
    assert code == 2
    assert f"site_config.yml:{line_of(project, 'custom_dir:')}: theme.custom_dir: không có thư mục giao diện theme" in said
    assert old_site_kept(project)


def test_a_plugin_that_is_not_installed(project, capsys):
    edit_config(project, "  - privacy:", "  - privacyy:")
    code, said = build(capsys)
    assert code == 2
    line = line_of(project, "- privacyy:")
    assert f"site_config.yml:{line}: plugins.privacyy: chưa cài plugin «privacyy»: cài gói của nó hoặc bỏ nó khỏi plugins" in said
    assert old_site_kept(project)


def test_a_config_without_the_dotpha_plugin(project, capsys):
    text = config(project).read_text(encoding="utf-8")
    start, end = text.index("  - dotpha:"), text.index("  - privacy:")
    config(project).write_text(text[:start] + text[end:], encoding="utf-8")
    code, said = build(capsys, "--content", "content", "--lang", "en")
    assert code == 2
    assert f"site_config.yml:{line_of(project, 'plugins:')}: plugins: the dotpha plugin is not listed (add `- dotpha` to plugins)" in said
    assert old_site_kept(project)


def test_a_missing_content_folder(project, capsys):
    shutil.rmtree(project / "content")
    code, said = build(capsys)
    assert code == 1
    assert "content:1:1: không tìm thấy thư mục nội dung" in said
    assert old_site_kept(project)


def test_an_empty_content_folder(project, capsys):
    shutil.rmtree(project / "content")
    (project / "content").mkdir()
    code, said = build(capsys, "--lang", "en")
    assert code == 1
    assert "content:1:1: the content folder is empty: it needs units.yml and registrations/" in said
    assert old_site_kept(project)


def test_a_content_folder_without_units_file(project, capsys):
    (project / "content" / "units.yml").unlink()
    code, said = build(capsys)
    assert code == 1
    assert "content/units.yml:1:1: thiếu tệp units.yml" in said
    assert old_site_kept(project)
