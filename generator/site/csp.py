"""HTTP headers to serve a built site with, including a Content-Security-Policy it satisfies.

Material writes two small inline scripts into every page (the storage scope,
whose text depends on the page's depth, and a tab restorer). Rather than allow
every inline script (`'unsafe-inline'`, which would also let an injected one
run), the policy lists the SHA-256 hash of each distinct inline script found in
the built site: a handful, whatever the number of pages. Scripts from files
must come from the site itself; search compiles Pagefind's WebAssembly,
which needs `'wasm-unsafe-eval'` (that, and not `'unsafe-eval'`).

Inline styles are another matter: generated bar charts set `style="width:…"`
(numbers computed by dotpha, never user text), and CSS cannot run script, so
when the site has any, `style-src` allows `'unsafe-inline'`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SRC = re.compile(r"\ssrc\s*=", re.I)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]+)""", re.I)
_INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


def inline_script_hashes(site_dir: Path) -> list[str]:
    """CSP source expressions (`'sha256-…'`) for every distinct inline script of the site."""
    found = set()
    for page in sorted(Path(site_dir).rglob("*.html")):
        for attributes, body in _SCRIPT.findall(page.read_text(encoding="utf-8")):
            kind = _TYPE.search(attributes)
            if not _SRC.search(attributes) and (kind.group(1).lower() if kind else "") in _SCRIPT_TYPES:
                digest = hashlib.sha256(body.encode("utf-8")).digest()
                found.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(found)


def has_inline_styles(site_dir: Path) -> bool:
    return any(_INLINE_STYLE.search(page.read_text(encoding="utf-8")) for page in Path(site_dir).rglob("*.html"))


def content_security_policy(site_dir: Path) -> str:
    """A policy that allows only the site's own files and its known inline scripts."""
    styles = "'self' 'unsafe-inline'" if has_inline_styles(site_dir) else "'self'"
    directives = [
        "default-src 'none'",
        # 'wasm-unsafe-eval': Pagefind's search runs as WebAssembly (compiling it is all it allows, not eval).
        "script-src 'self' 'wasm-unsafe-eval' " + " ".join(inline_script_hashes(site_dir)),
        f"style-src {styles}",
        "img-src 'self' data:",  # Material's icons are data: URLs in its stylesheet
        "font-src 'self'",
        "connect-src 'self'",  # the pieces of the search index
        "worker-src 'self'",  # Pagefind's search worker
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(d.strip() for d in directives)


def security_headers(site_dir: Path) -> dict[str, str]:
    """Every header the README recommends, for a server configuration or a test server."""
    return {
        "Content-Security-Policy": content_security_policy(site_dir),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def render_headers(headers: dict[str, str], fmt: str = "plain") -> str:
    """The headers as lines to paste: `Name: value`, or nginx `add_header` directives."""
    if fmt == "nginx":
        return "".join(f'add_header {name} "{value}" always;\n' for name, value in headers.items())
    return "".join(f"{name}: {value}\n" for name, value in headers.items())
