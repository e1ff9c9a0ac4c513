"""`dotpha snapshot YEAR`: a year's site frozen as plain files in the repository.

The site is built as it stood at the end of YEAR: the registrations of YEAR and
of the years before it (later year folders are not read), flags as of
31/12/YEAR (or `--as-of`), git history up to that day, and a banner on every
page (`theme/partials/dotpha-archive.html`).  The built site goes to
`archive/YEAR/site/`, its record to `archive/YEAR/snapshot.json`
(site/archives.py); every later build of the live site publishes it under
/YEAR/.  Later changes of content or of the generator cannot touch it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from argparse import Namespace
from importlib import metadata
from pathlib import Path

from ..domain.asof import parse_day
from ..domain.content import load_content
from ..domain.errors import ExitCode
from ..domain.load import display_path
from ..domain.problems import ContentError
from ..domain.settings import BuildSettings
from ..domain.text import vn_date
from ..engine.build import BuildError, build_site
from ..history.git import GitError, run_git
from ..site.archives import ARCHIVE_DIR, NOT_ARCHIVED, RECORD_FILE, RECORD_FORMAT, SITE_DIR, ArchiveError, Snapshot, manifest, stored_snapshots, verify_snapshot
from ..site.atomic import replaced_on_success


def create_snapshot(settings: BuildSettings, year: int, *, force: bool = False) -> Snapshot:
    """Build YEAR's site as of `settings.as_of` and store it as `archive/YEAR/`;
    nothing is written unless all of it succeeds.

    Raises ArchiveError (refusals), BuildError or ContentError (invalid content).
    """
    as_of = settings.as_of
    if as_of < dt.date(year, 1, 1):
        raise ArchiveError(f"ngày chốt số liệu {vn_date(as_of)} trước năm {year}")
    snapshot = Snapshot(year, archive_root(settings.config_file) / str(year))
    if snapshot.folder.exists() and not force:
        raise ArchiveError(
            f"đã có bản lưu trữ năm {year} ({display_path(snapshot.folder)}); không ghi đè. Dùng --force để làm lại."
        )
    content = load_content(settings.content_dir, as_of, last_year=year)
    if not any(entry.registration.year == year for entry in content.entries):
        raise ArchiveError(f"năm {year} không có đăng ký nào trong {display_path(settings.content_dir / 'registrations')}; không tạo bản lưu trữ")
    with replaced_on_success(snapshot.folder) as staging:
        site = staging / SITE_DIR
        try:
            config = build_site(settings.but(site_dir=site, last_year=year), content, archive_year=year)
        except BuildError as error:
            raise ArchiveError(f"không dựng được trang năm {year}: {error.detail}") from None
        for name in NOT_ARCHIVED:
            (site / name).unlink(missing_ok=True)
        record = _record(settings.config_file.resolve().parent, year, as_of, config, content, site)
        (staging / RECORD_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return snapshot


def archive_root(config_file: Path) -> Path:
    """`archive/` beside the MkDocs config file: the repository's root."""
    return Path(config_file).resolve().parent / ARCHIVE_DIR


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


# ---------------------------------------------------------------- the command


def snapshot_command(args: Namespace, settings: BuildSettings) -> int:
    """`dotpha snapshot YEAR [--as-of] [--force]`.
    `settings.as_of` is ignored: the snapshot's is `--as-of`, else 31/12 of YEAR."""
    if args.year is None:
        print("dotpha: thiếu NĂM (ví dụ: dotpha snapshot 2024)", file=sys.stderr)
        return ExitCode.USAGE
    as_of = parse_day(args.as_of) if args.as_of else dt.date(args.year, 12, 31)
    try:
        snapshot = create_snapshot(settings.but(as_of=as_of), args.year, force=args.force)
    except ContentError as error:
        print(error.report(args.lang))
        print(f"Nội dung có lỗi khi tính số liệu đến {vn_date(as_of)}: không tạo bản lưu trữ năm {args.year}.")
        if any(p.code == "after_as_of" for p in error.problems):
            print("Nếu kết quả cuối năm được ghi sau ngày này, chốt số liệu muộn hơn: --as-of YYYY-MM-DD.")
        return ExitCode.PROBLEMS
    except ArchiveError as error:
        print(f"dotpha: {error}", file=sys.stderr)
        return ExitCode.PROBLEMS
    record = snapshot.record()
    print(f"Đã lưu bản lưu trữ năm {args.year} vào {display_path(snapshot.folder)}: {len(record['files'])} tệp, "
          f"{record['registrations_of_year']} đăng ký của năm, số liệu chốt ngày {vn_date(as_of)}.")  # fmt: skip
    _warn_about_provenance(record)
    print(f"Thêm vào kho: git add {display_path(snapshot.folder)} && git commit")
    return ExitCode.OK


def _warn_about_provenance(record: dict) -> None:
    if record["commit"] is None:
        print("Cảnh báo: thư mục không nằm trong kho git; bản lưu trữ không ghi được commit.", file=sys.stderr)
    elif record["dirty"]:
        print(f"Cảnh báo: có thay đổi chưa commit; bản lưu trữ ghi commit {record['commit'][:12]} kèm dấu «dirty».", file=sys.stderr)


def verify_command(config_file: Path, year: int | None) -> int:
    """`dotpha snapshot --verify [YEAR]`: every stored snapshot (or YEAR's) against its record."""
    repo_root = archive_root(config_file).parent
    snapshots = [s for s in stored_snapshots(repo_root) if year is None or s.year == year]
    if not snapshots:
        print(f"dotpha: không có bản lưu trữ{f' năm {year}' if year else ''} trong {display_path(archive_root(config_file))}", file=sys.stderr)
        return ExitCode.PROBLEMS
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
    return ExitCode.PROBLEMS if failed else ExitCode.OK
