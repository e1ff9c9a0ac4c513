"""Replace a folder only when its new contents are complete.

`dotpha build` writes the site into a staging folder beside the target and
swaps it in by renaming, so a build that fails half-way (a template error,
a warning under --strict, an interrupted run, a full disk) leaves the previous
site as it was, and a web server never serves a half-written site.  Staging
folders carry their process id: one left by a build that was killed outright
(SIGKILL, a power cut) is removed by the next build.

`check_site_folder` refuses, before anything is written, a site folder that
would replace what a user wrote: the content folder, a folder holding it or
the configuration, or files tracked by git.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..domain.errors import SetupError
from ..history.git import GitError, Repository


@contextmanager
def replaced_on_success(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside `target`; it becomes `target` if the
    block succeeds, and is removed (leaving `target` untouched) if it raises."""
    target = Path(os.path.abspath(target))
    if target.is_symlink():  # replace the folder the link points to, keep the link
        target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-{os.getpid()}-", dir=target.parent))
    try:
        yield staging
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`; the old target is renamed aside first, then removed.

    Between the two renames `target` is briefly absent (a plain rename cannot
    replace a non-empty folder); it is never partly written.
    """
    staging.chmod(_folder_mode(target))
    if not target.exists():
        staging.rename(target)
        return
    _carry_hidden_entries(target, staging)
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
    old.rmdir()
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old)


def _carry_hidden_entries(old: Path, new: Path) -> None:
    """MkDocs keeps hidden entries of the site folder (`.git` of a deployment,
    a `.htaccess`) when it cleans it; the swap keeps them too."""
    for entry in sorted(old.iterdir()):
        if entry.name.startswith(".") and not (new / entry.name).exists():
            entry.rename(new / entry.name)


def _folder_mode(target: Path) -> int:
    """The old site's permissions, or what a plain mkdir gives (mkdtemp makes 0700,
    which a web server running as another user could not read)."""
    if target.is_dir():
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _remove_stale_staging(target: Path) -> None:
    """Remove `.NAME.new-PID-*` and `.NAME.old-PID-*` folders whose process is gone
    (and those of older versions, which carry no process id)."""
    for kind in ("new", "old"):
        for folder in sorted(target.parent.glob(f".{target.name}.{kind}-*")):
            pid = folder.name.removeprefix(f".{target.name}.{kind}-").split("-", 1)[0]
            if folder.is_dir() and not folder.is_symlink() and not _alive(pid):
                shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: str) -> bool:
    if not (pid.isascii() and pid.isdigit()):
        return False
    try:
        os.kill(int(pid), 0)
    except PermissionError:  # another user's process
        return True
    except (ProcessLookupError, OverflowError, ValueError):
        return False
    return True


def check_site_folder(site: Path, content_dir: Path, config_file: Path) -> None:
    """SetupError when writing the site into `site` would replace something a user wrote."""
    site = Path(os.path.abspath(site))
    if site.is_symlink():
        site = site.resolve()
    if site.exists() and not site.is_dir():
        raise SetupError(f"thư mục trang {site} là một tệp, không phải thư mục; hãy chọn --site-dir khác",
                         f"the site folder {site} is a file, not a folder; choose another --site-dir")  # fmt: skip
    real = site.resolve()
    content, config = Path(content_dir).resolve(), Path(config_file).resolve()
    if real == content or real.is_relative_to(content) or content.is_relative_to(real) or config.is_relative_to(real):
        raise SetupError(f"thư mục trang {site} trùng, nằm trong hoặc chứa thư mục nội dung {content_dir} "
                         f"hoặc tệp cấu hình {config_file}; dựng trang sẽ xóa chúng. Hãy chọn --site-dir khác",
                         f"the site folder {site} is, is inside or holds the content folder {content_dir} or the "
                         f"configuration {config_file}; building would delete them. Choose another --site-dir")  # fmt: skip
    tracked = _tracked_below(real)
    if tracked:
        raise SetupError(f"thư mục trang {site} chứa tệp do git quản lý ({tracked}); dựng trang sẽ xóa chúng. "
                         "Hãy chọn --site-dir khác",
                         f"the site folder {site} holds files tracked by git ({tracked}); building would delete "
                         "them. Choose another --site-dir")  # fmt: skip


def _tracked_below(folder: Path) -> str | None:
    """The first file git tracks below `folder`, if it is inside a work tree."""
    if not folder.is_dir():
        return None
    try:
        repo = Repository.of(folder)
        out = repo.git("ls-files", "-z", "--", str(folder.relative_to(repo.top.resolve())))
    except (GitError, ValueError):
        return None
    first = out.split(b"\0", 1)[0]
    return first.decode("utf-8", "replace") or None
