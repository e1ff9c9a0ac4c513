"""Commits made by a hostile contributor: crafted trees and commit messages.

`dotpha diff` runs on every merge request, on the CI machine, over commits
anyone can push. Its checkouts must never write outside their temporary
folder, and a strange commit message must never stop a build.  The crafted
objects are made here with `git hash-object` and `git mktree`, which accept
names that `git add` would never produce.
"""

from __future__ import annotations

import subprocess
import tempfile

import pytest
from conftest import DIFFICULT
from gitwork import GitWork, git_environment

from generator.cli import main
from generator.history.timeline import load_history

ESCAPE = "dotpha-escaped-here.yml"
OUTSIDE = "liên kết tượng trưng trỏ ra ngoài thư mục nội dung"


@pytest.fixture
def repo(content, tmp_path, monkeypatch):
    """A repository with one good commit, and temporary folders inside the test's own."""
    scratch = tmp_path / "scratch" / "a" / "b"
    scratch.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    work = GitWork(tmp_path / "repo")
    content.registration(DIFFICULT)
    subprocess.run(["cp", "-r", str(content.root), str(work.root / "content")], check=True)
    work.commit("Danh mục đăng ký 2024")
    work.git("tag", "base")
    monkeypatch.chdir(work.root)
    return work


def git_in(work: GitWork, *args: str, input: str | None = None, **env: str) -> str:
    done = subprocess.run(["git", *args], cwd=work.root, input=input, capture_output=True, text=True,
                          env=git_environment(**env), check=True)  # fmt: skip
    return done.stdout.strip()


def blob(work: GitWork, data: str) -> str:
    return git_in(work, "hash-object", "-w", "--stdin", input=data)


def tree(work: GitWork, *entries: tuple[str, str, str, str]) -> str:
    """A tree object from (mode, type, sha, name) entries, names unchecked."""
    lines = "".join(f"{mode} {kind} {sha}\t{name}\n" for mode, kind, sha, name in entries)
    return git_in(work, "mktree", input=lines)


def crafted_commit(work: GitWork, *extra: tuple[str, str, str, str], without: str = "") -> str:
    """HEAD's tree with entries added beside `content/`'s own (and its entry `without` left out);
    the commit is tagged `crafted`."""
    listed = git_in(work, "ls-tree", "HEAD:content").splitlines()
    own = [(*line.split(None, 2)[:2], *line.split(None, 2)[2].split("\t", 1)) for line in listed]
    content_tree = tree(work, *[e for e in own if e[3] != without], *extra)
    top = tree(work, ("040000", "tree", content_tree, "content"))
    dated = {"GIT_AUTHOR_DATE": "2024-06-01T09:00:00+07:00", "GIT_COMMITTER_DATE": "2024-06-01T09:00:00+07:00"}
    sha = git_in(work, "commit-tree", top, "-p", "HEAD", "-m", "Cập nhật", **dated)
    work.git("tag", "crafted", sha)
    return sha


def escaped(tmp_path) -> list:
    return list(tmp_path.parent.rglob(ESCAPE))


def diff(capsys, *revisions: str) -> tuple[int, str, str]:
    code = main(["diff", "--content", "content", "--as-of", "2024-12-31", *revisions])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_tree_entry_climbing_out_with_dot_dot_is_refused_unwritten(repo, tmp_path, capsys):
    inner = tree(repo, ("100644", "blob", blob(repo, "id: x\n"), ESCAPE))
    climb = tree(repo, ("040000", "tree", tree(repo, ("040000", "tree", inner, "..")), ".."))
    crafted_commit(repo, ("040000", "tree", climb, "registrations-x"))
    assert git_in(repo, "ls-tree", "-r", "crafted", "--", "content").count("../..") == 1
    code, out, err = diff(capsys, "crafted", "base")
    assert code == 1
    assert "không an toàn" in err and "../../" + ESCAPE in err and "Traceback" not in err
    assert escaped(tmp_path) == []


def test_a_symlink_and_a_folder_of_the_same_name_are_refused_unwritten(repo, tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    link = blob(repo, str(outside))
    folder = tree(repo, ("100644", "blob", blob(repo, "id: x\n"), ESCAPE))
    crafted_commit(repo, ("120000", "blob", link, "pages"), ("040000", "tree", folder, "pages"))
    code, out, err = diff(capsys, "crafted", "base")
    assert code == 1
    assert f"pages/{ESCAPE}" in err and "không an toàn" in err
    assert list(outside.iterdir()) == [] and escaped(tmp_path) == []


def test_a_registrations_link_out_of_the_repository_is_neither_read_nor_shown(repo, tmp_path, capsys):
    outside = tmp_path / "etc" / "2024" / "so-tai-chinh"
    outside.mkdir(parents=True)
    (outside / "2024-stc-09.yml").write_text("id: 2024-stc-09\ntitle: zqsecret\n", encoding="utf-8")
    crafted_commit(repo, ("120000", "blob", blob(repo, str(tmp_path / "etc")), "registrations"), without="registrations")
    code, out, err = diff(capsys, "base", "crafted")
    assert code == 1
    assert f"content/registrations:1:1: {OUTSIDE}" in out + err
    assert "zqsecret" not in out + err and "2024-stc-09" not in out + err


def test_a_commit_subject_with_record_and_unit_separators_does_not_stop_the_history(repo, content):
    path = repo.root / "content" / "registrations" / "2024" / "so-tai-chinh" / "2024-stc-01.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("Rà soát, phân loại", "Rà soát lại, phân loại"), encoding="utf-8")
    repo.commit("Cập nhật \x1e tiến độ \x1f quý\n\x1e%x00 II")
    history = load_history(repo.root / "content")
    events = history.of(DIFFICULT["id"]).events
    assert [e.commit.subject for e in events][-1] == "Cập nhật \x1e tiến độ \x1f quý \x1e%x00 II"
    assert len(events) == 2
