"""Replace a folder only when its new contents are complete.

`dotpha build` writes the site into a staging folder beside the target and
swaps it in by renaming, so a build that fails half-way (a template error,
a warning under --strict, an interrupted run) leaves the previous site as it
was, and a web server never serves a half-written site.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_on_success(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside `target`; it becomes `target` if the
    block succeeds, and is removed (leaving `target` untouched) if it raises."""
    target = Path(os.path.abspath(target))
    if target.is_symlink():  # replace the folder the link points to, keep the link
        target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
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
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
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
