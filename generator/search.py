"""Search without diacritics: a folded copy of every document in Material's index.

Material's search plugin writes `search/search_index.json`; this step runs
after it and adds a `folded` field (no diacritics, đ → d, lower case) that the
search worker indexes beside title and text, so `quang ngai` finds `Quảng Ngãi`
while queries with diacritics still match the original text first.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

from .text import fold

_TAG = re.compile(r"<[^>]+>")


def fold_search_index(path: Path) -> None:
    index = json.loads(path.read_bytes())
    fields = index["config"].setdefault("fields", {})
    # The folded title weighs like the title, so a match there outranks a folded word in the text.
    fields["folded_title"] = {"boost": fields.get("title", {}).get("boost", 1000.0)}
    fields["folded"] = {"boost": 1.0}
    # The same bytes as json.dumps(index, ...), written document by document: the
    # whole index as one string, then encoded, would be held three times over (90 MB
    # of index at 20,000 registrations), and each folded copy lives only until written.
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with path.open("w", encoding="utf-8") as out:
        out.write("{")
        for number, (key, value) in enumerate(index.items()):
            out.write(("," if number else "") + encode(key) + ":")
            if key != "docs":
                out.write(encode(value))
                continue
            out.write("[")
            for position, doc in enumerate(value):
                out.write(("," if position else "") + encode(_with_folded(doc)))
                value[position] = None
            out.write("]")
        out.write("}")


def _with_folded(doc: dict) -> dict:
    doc["title"] = unicodedata.normalize("NFC", doc.get("title", ""))
    doc["text"] = unicodedata.normalize("NFC", doc.get("text", ""))
    doc["folded_title"] = _folded(doc["title"])
    doc["folded"] = _folded(doc["text"])
    return doc


def _folded(markup: str) -> str:
    """Plain folded words of an HTML fragment; never displayed, only matched."""
    return fold(html.unescape(_TAG.sub(" ", markup)))
