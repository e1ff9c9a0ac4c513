"""Annual snapshots: a year's site frozen as plain files in the repository, published under /YEAR/.

`dotpha snapshot YEAR` builds the site as it stood at the end of YEAR: the
registrations of YEAR and of the years before it (later year folders are not
read), flags as of 31/12/YEAR (or `--as-of`), git history up to that day, and
a banner on every page (`theme/partials/dotpha-archive.html`).  The built site
goes to `archive/YEAR/site/`, its record to `archive/YEAR/snapshot.json`: the
commit it was made from, the as-of date, the generator's versions and a
SHA-256 of every file.  Nothing ever rebuilds it: later changes of content or
of the generator cannot touch it.

`dotpha build` calls `publish_archives` on the folder MkDocs built into: every
stored snapshot is checked against its record, copied byte for byte under
`/YEAR/`, and listed in the root `versions.json` that Material's version
selector reads (`extra.version.provider: mike` in site_config.yml; mike itself
is not used).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
from argparse import Namespace
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urljoin

from .asof import epoch_of, parse_day
from .atomic import replaced_on_success
from .content import load_content
from .gitrepo import GitError, run_git
from .load import display_path
from .versions import VERSIONS_FILE, versions_json
from .plugin import ENV_AS_OF, ENV_CONTENT, ENV_LANG, ENV_LAST_YEAR, ENV_PROFILE
from .problems import ContentError
from .text import vn_date

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
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class ArchiveError(Exception):
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


# ---------------------------------------------------------------- making a snapshot


def create_snapshot(config_file: Path, content_dir: Path, year: int, as_of: dt.date, *,
                    force: bool = False, profile: str | None = None, lang: str = "vi", strict: bool = False) -> Snapshot:  # fmt: skip
    """Build YEAR's site and store it as `archive/YEAR/`; nothing is written unless all of it succeeds.

    Raises ArchiveError (refusals) or ContentError (invalid content).
    """
    if as_of < dt.date(year, 1, 1):
        raise ArchiveError(f"ngày chốt số liệu {vn_date(as_of)} trước năm {year}")
    snapshot = Snapshot(year, archive_root(config_file) / str(year))
    if snapshot.folder.exists() and not force:
        raise ArchiveError(
            f"đã có bản lưu trữ năm {year} ({display_path(snapshot.folder)}); không ghi đè. Dùng --force để làm lại."
        )
    content = load_content(content_dir, as_of, last_year=year)
    if not any(entry.registration.year == year for entry in content.entries):
        raise ArchiveError(f"năm {year} không có đăng ký nào trong {display_path(content_dir / 'registrations')}; không tạo bản lưu trữ")
    with replaced_on_success(snapshot.folder) as staging:
        site = staging / SITE_DIR
        config = _build_year(config_file, content_dir, year, as_of, site, profile, lang, strict)
        for name in NOT_ARCHIVED:
            (site / name).unlink(missing_ok=True)
        record = _record(config_file.resolve().parent, year, as_of, config, content, site)
        (staging / RECORD_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return snapshot


def archive_root(config_file: Path) -> Path:
    """`archive/` beside the MkDocs config file: the repository's root."""
    return Path(config_file).resolve().parent / ARCHIVE_DIR


def _build_year(config_file: Path, content_dir: Path, year: int, as_of: dt.date, site: Path, profile: str | None, lang: str, strict: bool):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .commands import _environment  # imported here: commands imports this module

    environment = {
        ENV_CONTENT: str(Path(content_dir).resolve()),
        ENV_AS_OF: as_of.isoformat(),
        ENV_LANG: lang,
        ENV_LAST_YEAR: str(year),
        "SOURCE_DATE_EPOCH": epoch_of(as_of),
    }
    if profile:
        environment[ENV_PROFILE] = profile
    try:
        with _environment(environment):
            config = load_config(str(config_file), site_dir=str(site), strict=strict or None)
            config.extra["dotpha_archive"] = {"year": year}  # theme/main.html shows the banner
            config.extra["version"] = {"provider": "mike"}  # the selector reads the live site's versions.json
            if config.site_url:  # canonical links and sitemap under /YEAR/: the selector keeps the page
                config.site_url = urljoin(config.site_url, f"{year}/")
            build(config)
    except MkDocsException as error:
        raise ArchiveError(f"không dựng được trang năm {year}: {error}") from None
    return config


def _record(repo_root: Path, year: int, as_of: dt.date, config, content, site: Path) -> dict:
    """Where the snapshot came from, and the fingerprint of every file."""
    commit, dirty = git_state(repo_root)
    return {
        "format": RECORD_FORMAT,
        "year": year,
        "as_of": as_of.isoformat(),
        "profile": config.extra.get("dotpha_profile", "internal"),
        "commit": commit,
        "dirty": dirty,
        "registrations": len(content.entries),
        "registrations_of_year": sum(1 for e in content.entries if e.registration.year == year),
        "site_url": config.site_url or None,
        "generator": {name: _version(name) for name in ("dotpha", "mkdocs", "mkdocs-material")},
        "files": manifest(site),
    }


def git_state(repo_root: Path) -> tuple[str | None, bool | None]:
    """HEAD's commit and whether the work tree differs from it (archive/ aside); None outside git."""
    try:
        commit = run_git(repo_root, "rev-parse", "--verify", "HEAD").decode().strip()
        status = run_git(repo_root, "status", "--porcelain", "--", ".", f":(exclude){ARCHIVE_DIR}")
    except GitError:
        return None, None
    return commit, bool(status.strip())


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def manifest(site: Path) -> dict[str, str]:
    """SHA-256 of every file under `site`, by posix path, sorted."""
    files = sorted(p for p in site.rglob("*") if p.is_file() or p.is_symlink())
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


# ---------------------------------------------------------------- checking and publishing


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


# ---------------------------------------------------------------- the command


def snapshot_command(args: Namespace, config_file: Path, content_dir: Path) -> int:
    """`dotpha snapshot YEAR [--as-of] [--force]`, or `dotpha snapshot --verify [YEAR]`."""
    if args.verify:
        return _verify_command(config_file, args.year)
    if args.year is None:
        print("dotpha: thiếu NĂM (ví dụ: dotpha snapshot 2024)", file=sys.stderr)
        return EXIT_USAGE
    as_of = parse_day(args.as_of) if args.as_of else dt.date(args.year, 12, 31)
    try:
        snapshot = create_snapshot(config_file, content_dir, args.year, as_of, force=args.force, profile=args.profile, lang=args.lang, strict=args.strict)
    except ContentError as error:
        print(error.report(args.lang))
        print(f"Nội dung có lỗi khi tính số liệu đến {vn_date(as_of)}: không tạo bản lưu trữ năm {args.year}.")
        if any(p.code == "after_as_of" for p in error.problems):
            print("Nếu kết quả cuối năm được ghi sau ngày này, chốt số liệu muộn hơn: --as-of YYYY-MM-DD.")
        return EXIT_PROBLEMS
    except ArchiveError as error:
        print(f"dotpha: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    record = snapshot.record()
    print(f"Đã lưu bản lưu trữ năm {args.year} vào {display_path(snapshot.folder)}: {len(record['files'])} tệp, "
          f"{record['registrations_of_year']} đăng ký của năm, số liệu chốt ngày {vn_date(as_of)}.")  # fmt: skip
    _warn_about_provenance(record)
    print(f"Thêm vào kho: git add {display_path(snapshot.folder)} && git commit")
    return EXIT_OK


def _warn_about_provenance(record: dict) -> None:
    if record["commit"] is None:
        print("Cảnh báo: thư mục không nằm trong kho git; bản lưu trữ không ghi được commit.", file=sys.stderr)
    elif record["dirty"]:
        print(f"Cảnh báo: có thay đổi chưa commit; bản lưu trữ ghi commit {record['commit'][:12]} kèm dấu «dirty».", file=sys.stderr)


def _verify_command(config_file: Path, year: int | None) -> int:
    repo_root = archive_root(config_file).parent
    snapshots = [s for s in stored_snapshots(repo_root) if year is None or s.year == year]
    if not snapshots:
        print(f"dotpha: không có bản lưu trữ{f' năm {year}' if year else ''} trong {display_path(archive_root(config_file))}", file=sys.stderr)
        return EXIT_PROBLEMS
    failed = False
    for snapshot in snapshots:
        problems = verify_snapshot(snapshot)
        failed = failed or bool(problems)
        for problem in problems:
            print(problem)
        if not problems:
            record = snapshot.record()
            commit = (record.get("commit") or "không rõ")[:12] + (" (dirty)" if record.get("dirty") else "")
            print(f"{display_path(snapshot.folder)}: khớp bản ghi ({len(record['files'])} tệp; commit {commit}; "
                  f"số liệu chốt ngày {vn_date(dt.date.fromisoformat(record['as_of']))}).")  # fmt: skip
    return EXIT_PROBLEMS if failed else EXIT_OK
