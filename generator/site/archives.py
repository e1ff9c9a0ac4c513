"""Annual archives: the stored snapshots of past years, checked and published under /YEAR/.

A snapshot (`dotpha snapshot YEAR`, tools/snapshot.py) is `archive/YEAR/`: the
year's site as plain files and `snapshot.json`, its record (the commit it was
made from, the as-of date, the generator's versions and a SHA-256 of every
file).  Nothing ever rebuilds it.

Every build of the live site calls `publish_archives` on the folder it built
into: each stored snapshot is checked against its record, copied byte for byte
under `/YEAR/`, and listed in the root `versions.json` that Material's version
selector reads (`extra.version.provider: mike` in site_config.yml; mike itself
is not used).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import DotphaError
from ..domain.load import display_path
from .versions import VERSIONS_FILE, versions_json

ARCHIVE_DIR = "archive"
SITE_DIR = "site"
RECORD_FILE = "snapshot.json"
RECORD_FORMAT = 1
# Material links each version at `../<version>/` from the version's root. The live
# site is the root itself, one level above the years: "." resolves to it from
# the root and from /YEAR/ alike.
# MkDocs writes 404.html with links from the server's root (/assets/...): inside
# /YEAR/ they would point at the live site, and servers use the root's 404 anyway.
NOT_ARCHIVED = ("404.html",)


class ArchiveError(DotphaError):
    """A snapshot that cannot be made, checked or published; the message says why."""


@dataclass(frozen=True)
class Snapshot:
    """A stored snapshot: `archive/YEAR/` with its site and its record."""

    year: int
    folder: Path

    @property
    def site(self) -> Path:
        return self.folder / SITE_DIR

    @property
    def record_file(self) -> Path:
        return self.folder / RECORD_FILE

    def record(self) -> dict:
        try:
            return json.loads(self.record_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ArchiveError(f"{display_path(self.record_file)}: không đọc được bản ghi ({error})") from None


def manifest(site: Path) -> dict[str, str]:
    """SHA-256 of every file under `site`, by posix path, sorted."""
    files = sorted(p for p in site.rglob("*") if p.is_file() or p.is_symlink())
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def stored_snapshots(repo_root: Path) -> list[Snapshot]:
    """The snapshots under `archive/`, newest year first (staging folders, starting with '.', aside)."""
    root = Path(repo_root) / ARCHIVE_DIR
    if not root.is_dir():
        return []
    folders = [p for p in root.iterdir() if p.is_dir() and len(p.name) == 4 and p.name.isascii() and p.name.isdigit()]
    return [Snapshot(int(p.name), p) for p in sorted(folders, reverse=True)]


def verify_snapshot(snapshot: Snapshot) -> list[str]:
    """Every difference between a stored snapshot and its record; [] when it is intact."""
    if not snapshot.record_file.is_file():
        return [f"{display_path(snapshot.folder)}: thiếu {RECORD_FILE}"]
    try:
        expected = snapshot.record()["files"]
    except (ArchiveError, KeyError, TypeError) as error:
        return [str(error) if isinstance(error, ArchiveError) else f"{display_path(snapshot.record_file)}: thiếu danh sách tệp"]
    found = manifest(snapshot.site) if snapshot.site.is_dir() else {}
    shown = display_path(snapshot.site)
    problems = [f"{shown}/{path}: thiếu tệp" for path in sorted(set(expected) - set(found))]
    problems += [f"{shown}/{path}: tệp không có trong bản ghi" for path in sorted(set(found) - set(expected))]
    problems += [f"{shown}/{path}: nội dung đã bị sửa (SHA-256 khác bản ghi)" for path in sorted(set(found) & set(expected)) if found[path] != expected[path]]
    return problems


def publish_archives(repo_root: Path, site_dir: Path, profile: str | None = None) -> list[int]:
    """Copy every intact snapshot of this profile under `site_dir/YEAR/` and write `versions.json`.

    Runs on the folder MkDocs has just built; raises ArchiveError, before copying
    anything, when a snapshot differs from its record or a year's folder is taken.
    """
    site_dir = Path(site_dir)
    snapshots = stored_snapshots(repo_root)
    problems = [problem for snapshot in snapshots for problem in verify_snapshot(snapshot)]
    if problems:
        raise ArchiveError(
            "bản lưu trữ không khớp bản ghi của nó:\n" + "\n".join(problems)
            + "\nKhôi phục bằng `git checkout -- archive/` hoặc làm lại bằng `dotpha snapshot NĂM --force`."
        )
    published = [s for s in snapshots if profile is None or s.record().get("profile", "internal") == profile]
    for snapshot in snapshots:
        if snapshot not in published:
            print(f"dotpha: bỏ qua bản lưu trữ năm {snapshot.year} (bản {snapshot.record().get('profile')}, trang đang dựng là bản {profile}).", file=sys.stderr)
    taken = [name for name in [str(s.year) for s in published] if (site_dir / name).exists()]
    if taken:
        raise ArchiveError(
            "trang hiện tại đã có " + ", ".join(f"/{name}" for name in taken)
            + ", trùng chỗ của bản lưu trữ năm; đổi tên trang trong content/pages"
        )
    for snapshot in published:
        shutil.copytree(snapshot.site, site_dir / str(snapshot.year), copy_function=shutil.copyfile)
    (site_dir / VERSIONS_FILE).write_bytes(versions_json([s.year for s in published]))
    return [s.year for s in published]
