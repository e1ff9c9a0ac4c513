"""Content folders written inline, in `tmp_path`, one test at a time.

The `content` fixture writes a small valid `content/units.yml` and changes
into `tmp_path`, so problems name files the way a clerk sees them:
`content/registrations/2024/so-tai-chinh/2024-stc-01.yml`.

`content.registration(...)` writes one registration, from a dict (dumped in
key order) or raw YAML text.  The base registrations below dump to these
lines, which the exact-message tests rely on:

     1 id: 2024-stc-01
     2 year: 2024
     3 kind: difficult                 (breakthrough)
     4 title: ...
     5 registrant:
     6   name: Nguyễn Văn An
     7   position: Giám đốc Sở
     8   unit: so-tai-chinh
     9 evaluator: btv-tinh-uy
    10 registered_on: 2024-03-15
    11 content: ...
    12 impact: ...
    13 support_requested: Không        (difficulties: ...)
    14 schedule:
    15   start: 2024-04-01
    16   due: 2024-12-31
    17 status: in_progress
    18 (`tail`, raw YAML appended as is)

Changed keys keep their line; new keys follow `status`, before the tail.
"""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.domain.content import Content, load_content
from generator.domain.problems import ContentError
from generator.engine import select_engine

# The engine of this test run: ProperDocs when installed (the CI's second virtual
# environment), else MkDocs; chosen before any test module imports either.
select_engine()

AS_OF = dt.date(2024, 12, 31)
REG_PATH = "content/registrations/2024/so-tai-chinh/2024-stc-01.yml"
DROP = object()  # a change that removes the key

UNITS_YML = """\
groups:
  - id: so-ban-nganh
    name: Các sở, ban, ngành cấp tỉnh
  - id: cap-huyen
    name: Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy
  - id: cap-xa
    name: Các đảng ủy xã, phường trực thuộc Tỉnh ủy
units:
  - id: so-tai-chinh
    name: Sở Tài chính
    group: so-ban-nganh
    short: STC
  - id: so-ke-hoach-dau-tu
    name: Sở Kế hoạch và Đầu tư
    group: so-ban-nganh
    until: 2023-12-31
    replaced_by: so-tai-chinh
  - id: huyen-uy-binh-son
    name: Huyện ủy Bình Sơn
    group: cap-huyen
    until: 2025-06-30
  - id: dang-uy-xa-binh-son
    name: Đảng ủy xã Bình Sơn
    group: cap-xa
    since: 2025-07-01
evaluators:
  - id: btv-tinh-uy
    name: Ban Thường vụ Tỉnh ủy
  - id: bcs-ubnd-tinh
    name: Ban cán sự đảng UBND tỉnh
  - id: dd-hdnd-tinh
    name: Đảng đoàn HĐND tỉnh
    until: 2023-12-31
"""

DIFFICULT: dict[str, Any] = {
    "id": "2024-stc-01",
    "year": 2024,
    "kind": "difficult",
    "title": "Quyết toán dứt điểm các dự án tồn đọng",
    "registrant": {"name": "Nguyễn Văn An", "position": "Giám đốc Sở", "unit": "so-tai-chinh"},
    "evaluator": "btv-tinh-uy",
    "registered_on": dt.date(2024, 3, 15),
    "content": "Rà soát, phân loại từng dự án.",
    "impact": "Giải phóng vốn còn treo trên sổ sách.",
    "support_requested": "Không",
    "schedule": {"start": dt.date(2024, 4, 1), "due": dt.date(2024, 12, 31)},
    "status": "in_progress",
}

# The same lines as DIFFICULT, with `difficulties` on line 13.
BREAKTHROUGH: dict[str, Any] = {
    key: value for key, value in DIFFICULT.items() if key not in ("support_requested", "schedule", "status")
} | {
    "kind": "breakthrough",
    "title": "Số hóa hồ sơ quyết toán",
    "difficulties": "Cán bộ chưa quen quy trình số.",
    "schedule": DIFFICULT["schedule"],
    "status": "in_progress",
}


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


@dataclass
class ContentFolder:
    """A content folder under construction; paths are relative to it."""

    root: Path

    def write(self, relative: str, text: str | bytes) -> str:
        """Write a file; return its path as problems show it."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_bytes(text.encode("utf-8"))
        return f"content/{relative}"

    def units(self, text: str) -> str:
        return self.write("units.yml", text)

    def registration(self, data: dict | str | bytes | None = None, *, path: str | None = None, tail: str = "", **changes) -> str:
        """Write a registration and return its shown path.

        `data` is raw YAML (text or bytes) or a dict; without it, the base registration of
        `changes["kind"]` (difficult by default) is used.  `changes` replace
        top-level keys (DROP removes one); `tail` is raw YAML appended.
        """
        if isinstance(data, (str, bytes)):
            text = data
        else:
            base = data if data is not None else (BREAKTHROUGH if changes.get("kind") == "breakthrough" else DIFFICULT)
            record = copy.deepcopy(base)
            for key, value in changes.items():
                if value is DROP:
                    record.pop(key, None)
                else:
                    record[key] = value
            text = dump(record) if record else ""
            if path is None:
                path = _path_of(record)
        if tail:
            text += tail.encode("utf-8") if isinstance(text, bytes) else tail
        return self.write(path or REG_PATH.removeprefix("content/"), text)

    def load(self, as_of: dt.date = AS_OF) -> Content:
        return load_content(self.root, as_of)

    def errors(self, lang: str = "vi", as_of: dt.date = AS_OF) -> list[str]:
        """Every rendered problem, in the order reported; [] when the folder is valid."""
        try:
            self.load(as_of)
        except ContentError as error:
            return [problem.render(lang) for problem in error.problems]
        return []


def _path_of(record: dict) -> str:
    registrant = record.get("registrant")
    unit = registrant.get("unit") if isinstance(registrant, dict) else None
    year, reg_id = record.get("year"), record.get("id")
    if not (isinstance(year, int) and isinstance(unit, str) and isinstance(reg_id, str)):
        return REG_PATH.removeprefix("content/")
    return f"registrations/{year}/{unit}/{reg_id}.yml"


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ContentFolder:
    monkeypatch.chdir(tmp_path)
    folder = ContentFolder(tmp_path / "content")
    folder.units(UNITS_YML)
    return folder


# ---------------------------------------------------------------- one Chromium for the session

_CHROMIUM: dict = {}


def shared_chromium(executable: str, args: list[str]):
    """The session's one Chromium, started on first use.

    Playwright's sync API cannot be started twice at once in one thread, so every
    module's `browser` fixture hands out this browser instead of starting its own.
    """
    if "browser" not in _CHROMIUM:
        from playwright.sync_api import sync_playwright

        _CHROMIUM["playwright"] = sync_playwright().start()
        _CHROMIUM["browser"] = _CHROMIUM["playwright"].chromium.launch(executable_path=executable, args=args)
    return _CHROMIUM["browser"]


@pytest.fixture(scope="session", autouse=True)
def _close_shared_chromium():
    yield
    if "browser" in _CHROMIUM:
        _CHROMIUM.pop("browser").close()
        _CHROMIUM.pop("playwright").stop()


@pytest.fixture
def site_content(content):
    """`content` with the repository's config and theme beside it and one free page: a buildable project."""
    repo = Path(__file__).resolve().parent.parent
    shutil.copy(repo / "site_config.yml", content.root.parent / "site_config.yml")
    shutil.copytree(repo / "theme", content.root.parent / "theme")
    content.write("pages/gioi-thieu.md", "# Giới thiệu\n\nTrang thử.\n")
    return content


# ---------------------------------------------------------------- the search index of a built site

PAGEFIND_MAGIC = b"pagefind_dcd"  # after gzip: what begins every piece of a Pagefind index


def unpacked(path: Path) -> bytes:
    """A file's bytes, gzip files (the sitemap, the pieces of the search index) decompressed."""
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def search_pages(site: Path) -> dict[str, dict]:
    """What the search index holds of each page, by URL: Pagefind's fragment files
    (`{"url", "content", "meta": {"title", ...}, ...}`), read as its script reads them."""
    pages = {}
    for path in sorted((site / "pagefind").glob("**/fragment/*.pf_fragment")):  # every shard
        data = unpacked(path)
        assert data.startswith(PAGEFIND_MAGIC), path
        fragment = json.loads(data[len(PAGEFIND_MAGIC):])
        pages[fragment["url"]] = fragment
    return pages
