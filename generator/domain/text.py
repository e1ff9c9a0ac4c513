"""User text → safe HTML, and the small formatting helpers of the site.

Markdown fields are rendered with raw HTML switched off (it shows as text),
then sanitised with nh3 so that only `http`, `https` and relative links
survive.  Text with no Markdown in it skips the Markdown pass: most fields are
one plain paragraph, and the build renders thousands of them.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata

import markdown
import nh3

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre", "blockquote",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_MARKDOWN_SIGNS = re.compile(r"[*_`#>\[\]!|<&]|^\s*([-+]|\d+[.)])\s|\n\s*\n|\n", re.MULTILINE)


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.deregister("entity")
    return md


_MD = _markdown()


def render_markdown(text: str, kept: dict[str, str] | None = None) -> str:
    """Render a Markdown field as sanitised HTML.

    `kept` remembers the HTML of each text rendered: `dotpha serve` renders every page
    again after a save, and most texts did not change (a build keeps none: it would
    hold every text of 20,000 registrations)."""
    if not _MARKDOWN_SIGNS.search(text) or _plain_block(text):
        return f"<p>{html.escape(text.strip(), quote=False)}</p>"
    if kept is None:
        return _converted(text)
    html_text = kept.get(text)
    if html_text is None:
        html_text = kept[text] = _converted(text)
    return html_text


def _converted(text: str) -> str:
    _MD.reset()
    rendered = _MD.convert(_shift_headings(text))
    return nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
    )


def _plain_block(text: str) -> bool:
    """One plain line written as a YAML block (`|`), so ending in a newline,
    where Markdown would give `<p>text</p>` too: it starts with a letter (no
    list, rule or code block), has no sign, no escape, no space but plain
    spaces inside (tabs, no-break spaces, line separators: isprintable() says
    no) and none at the end, each of which Markdown or the sanitiser changes."""
    body = text.rstrip("\n")
    return (
        body != text and body[:1].isalpha() and body == body.rstrip() and body.isprintable()
        and "\\" not in body and not _MARKDOWN_SIGNS.search(body)
    )  # fmt: skip


def _shift_headings(text: str) -> str:
    """Headings inside a field sit below the page's own (`#` becomes `###`), and
    images become links: the site loads nothing from another host."""
    text = re.sub(r"!\[", "[", text)
    return re.sub(r"^(#{1,4})(?=\s)", r"##\1", text, flags=re.MULTILINE)


def vn_date(day: dt.date | None) -> str:
    """dd/mm/yyyy, or mm/yyyy for a planned date written as a month."""
    if day is None:
        return ""
    if getattr(day, "month_only", False):
        return day.strftime("%m/%Y")
    return day.strftime("%d/%m/%Y")


def vn_number(value: float, decimals: int = 0) -> str:
    """1.250 and 12,5: Vietnamese thousands and decimal separators."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(ratio: float | None) -> str:
    return "–" if ratio is None else f"{vn_number(ratio * 100, 0)}%"


class _FoldTable(dict):
    """Character → the same character decomposed (NFD), without its combining
    marks, đ/Đ as d/D; filled on first sight.  Decomposition and mark removal
    work character by character, so translating with this table equals doing
    them on the whole text, at half the cost."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Vietnamese text without diacritics, lower case: `Đường` → `duong`."""
    return text.translate(_FOLD).lower()


def slugify(text: str) -> str:
    """A URL slug from Vietnamese text: `Sở Tài chính` → `so-tai-chinh`."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
