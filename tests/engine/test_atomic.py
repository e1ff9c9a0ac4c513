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


# ---------------------------------------------------------------- site folders that would destroy user files


@pytest.mark.parametrize("site_dir", ["content", "content/pages", ".", "theme/.."])
def test_a_site_folder_over_the_content_or_the_config_is_refused_and_nothing_touched(project, capsys, site_dir):
    before = snapshot(project)
    code, err = build(capsys, "--site-dir", site_dir)
    assert code == 2
    assert "thư mục trang" in err and "dựng trang sẽ xóa chúng" in err and "Traceback" not in err
    assert snapshot(project) == before and leftovers(project) == []


def test_a_site_folder_holding_files_tracked_by_git_is_refused(project, capsys):
    from gitwork import GitWork

    work = GitWork(project)
    (project / "docs").mkdir()
    (project / "docs" / "ghi-chu.md").write_text("Ghi chú của Ban.\n", encoding="utf-8")
    work.commit("Ghi chú")
    code, err = build(capsys, "--site-dir", "docs", "--lang", "en")
    assert code == 2
    assert "holds files tracked by git (docs/ghi-chu.md)" in err
    assert (project / "docs" / "ghi-chu.md").read_text(encoding="utf-8") == "Ghi chú của Ban.\n"


def test_a_site_folder_that_is_a_file_is_refused(project, capsys):
    (project / "site").write_text("not a folder", encoding="utf-8")
    code, err = build(capsys)
    assert code == 2
    assert f"thư mục trang {project / 'site'} là một tệp" in err
    assert (project / "site").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("errno_, words", [(28, "No space left on device"), (13, "Permission denied"), (30, "Read-only file system")])
def test_a_machine_that_refuses_to_write_keeps_the_old_site(project, old_site, capsys, monkeypatch, errno_, words):
    import os

    import mkdocs.utils

    def refuse(content, output_path):  # what a full or read-only disk does to MkDocs' writes
        raise OSError(errno_, os.strerror(errno_), output_path)

    monkeypatch.setattr(mkdocs.utils, "write_file", refuse)
    before = snapshot(old_site)
    code, err = build(capsys, "--lang", "en")
    assert code == 1
    assert "cannot write the site into" in err and words in err and "the previous site is kept" in err
    assert "internal error" not in err
    assert snapshot(old_site) == before and leftovers(project) == []


def test_a_site_folder_whose_parent_cannot_be_written_is_a_clear_error(project, capsys, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):  # the tests run as root, whom a read-only folder does not stop
        raise PermissionError(13, "Permission denied", str(kwargs.get("dir")))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    code, err = build(capsys)
    assert code == 1
    assert "không ghi được trang vào" in err and "Permission denied" in err


def test_staging_folders_of_killed_builds_are_removed_by_the_next_build(project, capsys):
    dead = project / ".site.new-4194999-abcd"  # above the largest process id Linux gives
    legacy = project / ".site.old-x1y2z3"  # an older dotpha's, with no process id
    alive = project / ".site.new-1-abcd"  # process 1 is alive: a build running now
    for folder in (dead, legacy, alive):
        (folder / "assets").mkdir(parents=True)
    code, _ = build(capsys)
    assert code == 0
    assert leftovers(project) == [alive.name]


def test_sigterm_during_a_build_removes_its_staging_folder_and_keeps_the_old_site(project, old_site):
    import os
    import signal
    import subprocess
    import sys
    import time

    before = snapshot(old_site)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    build_process = subprocess.Popen([sys.executable, "-m", "generator.cli", "build", "--as-of", "2024-12-31"],
                                     cwd=project, env=env | {"PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    while not leftovers(project) and build_process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert leftovers(project), "the build ended before its staging folder was seen"
    build_process.send_signal(signal.SIGTERM)
    _, err = build_process.communicate(timeout=60)
    assert build_process.returncode == 143, err
    assert leftovers(project) == []
    assert snapshot(old_site) == before
