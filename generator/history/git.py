"""The few git questions dotpha asks, through the `git` command (no library).

Everything here reads the repository; nothing writes to it.  Blobs are read in
one `git cat-file --batch` process however many are asked for, so callers can
look at thousands of file versions for the price of one process.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..domain.errors import DotphaError

GIT = "git"
NULL_SHA = "0" * 40
SYMLINK_MODE = "120000"


class GitError(DotphaError):
    """A git question that has no answer (no repository, no such revision...)."""


class NotARepository(GitError):
    """The folder is not inside a git work tree (or is no folder at all)."""


def _clean_environment() -> dict[str, str]:
    """The environment without GIT_DIR and friends: inside a git hook they point at
    the repository that runs the hook, not at the one we ask about."""
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in ("GIT_CONFIG_NOSYSTEM",)}


def run_git(cwd: Path, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    try:
        done = subprocess.run(
            [GIT, *args], cwd=cwd, input=input, capture_output=True, env=_clean_environment(), check=False
        )
    except FileNotFoundError:
        raise GitError("không tìm thấy lệnh git") from None
    if check and done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} thất bại")
    return done.stdout


@dataclass(frozen=True)
class TreeFile:
    path: str  # relative to the folder asked about, posix
    mode: str
    blob: str


@dataclass(frozen=True)
class Repository:
    """A git work tree and where the content folder sits inside it."""

    top: Path
    prefix: str  # the content folder relative to `top`, posix, no trailing slash ("" = the top)

    @classmethod
    def of(cls, folder: Path) -> "Repository":
        """The repository holding `folder`; NotARepository when there is none, GitError when git is missing."""
        folder = Path(folder).resolve()
        if not folder.is_dir():
            raise NotARepository(f"không có thư mục {folder}")
        out = run_git(folder, "rev-parse", "--show-toplevel", "--show-prefix", check=False)
        lines = out.decode("utf-8", "replace").splitlines()
        if len(lines) < 1 or not lines[0]:
            raise NotARepository(f"thư mục {folder} không nằm trong một kho git")
        prefix = lines[1].rstrip("/") if len(lines) > 1 else ""
        return cls(Path(lines[0]), prefix)

    def git(self, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
        return run_git(self.top, *args, input=input, check=check)

    def commit_of(self, revision: str) -> str:
        """The full commit id of a revision; GitError naming it when there is none."""
        if revision.startswith("-"):
            raise GitError(f"không có phiên bản «{revision}» trong kho git")
        out = self.git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}", check=False)
        sha = out.decode().strip()
        if not sha:
            raise GitError(f"không có phiên bản «{revision}» trong kho git")
        return sha

    def content_path(self, relative: str = "") -> str:
        """A path inside the content folder as git names it from the top."""
        return str(PurePosixPath(self.prefix, relative)) if self.prefix else relative or "."

    def tree(self, commit: str) -> list[TreeFile]:
        """Every file of the content folder at a commit (paths relative to the content folder)."""
        out = self.git("ls-tree", "-r", "-z", "--full-tree", commit, "--", self.content_path())
        files = []
        strip = len(self.prefix) + 1 if self.prefix else 0
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, path = record.split(b"\t", 1)
            mode, kind, blob = meta.decode().split()
            if kind == "blob":
                files.append(TreeFile(path.decode("utf-8", "surrogateescape")[strip:], mode, blob))
        return files

    def read_blobs(self, blobs: list[str]) -> dict[str, bytes]:
        """The bytes of many blobs, in one git process."""
        wanted = sorted(set(b for b in blobs if b != NULL_SHA))
        if not wanted:
            return {}
        out = self.git("cat-file", "--batch", input=("\n".join(wanted) + "\n").encode())
        found: dict[str, bytes] = {}
        at = 0
        for _ in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].decode().split()
            at = end + 1
            if len(header) < 3 or header[1] == "missing":
                continue
            size = int(header[2])
            found[header[0]] = out[at : at + size]
            at += size + 1  # the blob is followed by a newline
        return found

    def shallow_commits(self) -> set[str]:
        """The commits whose parents this clone does not have (empty for a full clone)."""
        path = self.git("rev-parse", "--git-path", "shallow").decode().strip()
        shallow = Path(path) if Path(path).is_absolute() else self.top / path
        return set(shallow.read_text().split()) if shallow.is_file() else set()

    def materialize(self, commit: str, target: Path) -> int:
        """Write the content folder of a commit into `target`; return how many files.

        A tree's entry names come from whoever made the commit, so each one is
        checked before anything is written: no absolute path, no `..`, no entry
        below a symlink (a link followed by a folder of the same name), and no
        file written through an existing link.  GitError names the first one."""
        files = self.tree(commit)
        for file in files:
            _check_entry_name(commit, file.path)
        blobs = self.read_blobs([f.blob for f in files])
        links = {f.path for f in files if f.mode == SYMLINK_MODE}
        for file in files:
            if any(str(parent) in links for parent in PurePosixPath(file.path).parents):
                raise _unsafe(commit, file.path)
            _write_entry(target, file, blobs.get(file.blob, b""), commit)
        return len(files)


def _unsafe(commit: str, path: str) -> GitError:
    return GitError(f"phiên bản {commit[:12]} có mục «{path}» không an toàn (đường dẫn tuyệt đối, «..» "
                    f"hoặc nằm dưới một liên kết tượng trưng); không giải nén / unsafe tree entry, refused")  # fmt: skip


def _check_entry_name(commit: str, path: str) -> None:
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in path:
        raise _unsafe(commit, path)


def _write_entry(target: Path, file: TreeFile, data: bytes, commit: str) -> None:
    """Create the entry's folders one by one (none may be a link or a file) and the
    entry itself without following a link and without replacing anything."""
    *folders, name = file.path.split("/")
    here = target
    for folder in folders:
        here = here / folder
        if here.is_symlink() or (here.exists() and not here.is_dir()):
            raise _unsafe(commit, file.path)
        here.mkdir(exist_ok=True)
    path = here / name
    try:
        if file.mode == SYMLINK_MODE:  # keep links as links: the loader judges where they point
            os.symlink(data.decode("utf-8", "surrogateescape"), path)
            return
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        raise _unsafe(commit, file.path) from None
    with os.fdopen(fd, "wb") as out:
        out.write(data)
