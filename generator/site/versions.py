"""Material's list of versions (the year selector): the live site, then each archived year."""

from __future__ import annotations

import json

VERSIONS_FILE = "versions.json"
LIVE_VERSION = {"version": ".", "title": "Hiện tại", "aliases": []}


def versions_json(years: list[int]) -> bytes:
    """The live site first (the root's default), then each year."""
    versions = [LIVE_VERSION] + [{"version": str(y), "title": f"Năm {y} (lưu trữ)", "aliases": []} for y in years]
    return (json.dumps(versions, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
