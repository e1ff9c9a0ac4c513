"""`dotpha build` swaps a complete site in, or leaves the old one exactly as it was.

Each failing build here passes validation and fails inside MkDocs (a warning
under --strict, a broken theme template), after MkDocs has started writing.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from generator.cli import main
from generator.site.atomic import replaced_on_success

ROOT = Path(__file__).resolve().parents[2]
OLD = {"index.html": "old home", "dang-ky/x/index.html": "old page", ".git/HEAD": "ref: refs/heads/gh-pages"}


@pytest.fixture(autouse=True)
def _no_plugin_environment(monkeypatch):
    for name in ("SOURCE_DATE_EPOCH",):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(site_content):
    content = site_content
    content.registration()
    return content.root.parent


@pytest.fixture
def old_site(project) -> Path:
    site = project / "site"
    for relative, text in OLD.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")
    return site


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))


def build(capsys, *extra: str) -> tuple[int, str]:
    code = main(["build", "--as-of", "2024-12-31", *extra])
    return code, capsys.readouterr().err


def test_a_strict_warning_leaves_the_old_site_untouched(project, old_site, capsys):
    (project / "content" / "pages" / "gioi-thieu.md").write_text("# Giới thiệu\n\n[Không có](khong-co.md)\n", encoding="utf-8")
    before = snapshot(old_site)
    code, err = build(capsys, "--strict")
    assert code == 1
    assert "không dựng được trang, trang cũ giữ nguyên" in err and "khong-co.md" in err
    assert snapshot(old_site) == before
    assert leftovers(project) == []


def test_a_broken_template_leaves_the_old_site_untouched(project, old_site, capsys):
    main_html = project / "theme" / "main.html"
    main_html.write_text(main_html.read_text(encoding="utf-8") + "\n{% block broken %}\n", encoding="utf-8")
    before = snapshot(old_site)
    code, err = build(capsys)
    assert code == 1
    assert "không dựng được trang, trang cũ giữ nguyên" in err and "Traceback" not in err
    assert snapshot(old_site) == before
    assert leftovers(project) == []


def test_a_good_build_replaces_the_old_site_and_keeps_its_hidden_entries(project, old_site, capsys):
    old_site.chmod(0o750)
    code, _ = build(capsys)
    assert code == 0
    after = snapshot(old_site)
    assert "dang-ky/2024-stc-01/index.html" in after and "dang-ky/x/index.html" not in after
    assert after["index.html"] != b"old home"
    assert after[".git/HEAD"] == b"ref: refs/heads/gh-pages"  # as MkDocs' own clean keeps it
    assert stat.S_IMODE(old_site.stat().st_mode) == 0o750
    assert leftovers(project) == []


def test_a_first_build_creates_a_readable_site_folder(project, capsys):
    target = project / "out" / "deep" / "site"
    code, _ = build(capsys, "--site-dir", str(target))
    assert code == 0
    assert (target / "index.html").is_file()
    assert stat.S_IMODE(target.stat().st_mode) & 0o005 == 0o005  # not mkdtemp's 0700: a web server can read it
    assert sorted(p.name for p in target.parent.iterdir()) == ["site"]


def test_an_interrupted_build_leaves_the_target_alone(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), replaced_on_success(target) as staging:
        (staging / "index.html").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt
    assert (target / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_site_folder_behind_a_link_is_replaced_and_the_link_kept(tmp_path):
    real = tmp_path / "releases" / "site"
    real.mkdir(parents=True)
    link = tmp_path / "site"
    link.symlink_to(real)
    with replaced_on_success(link) as staging:
        (staging / "index.html").write_text("new", encoding="utf-8")
    assert link.is_symlink() and (link / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["site"]
