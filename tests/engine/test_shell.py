"""Pages written from the theme's shell are the pages the full template writes, byte for byte.

Each site is built twice in this test run's engine (MkDocs, or ProperDocs in
the CI's second environment: tests/conftest.py): once with every generated
page through the engine's page pipeline and Material's full template
(`page_shell: false`), once with the pages outside the navigation filled into
shells (the default, engine/shell.py).  Every file of the two sites is
compared, for the demo content, for the injection corpus of
tests/site/test_security.py (user text escaped exactly as Material escapes
it), and for a site with an address (canonical links, the sitemap).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_browser import build_site
from test_security import injected_registrations, injected_units

from conftest import ContentFolder, dump
from generator.engine import installed_engines, running_engine
from generator.engine.shell import BODY, Shell, ShellError

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2025-11-01"


def config_with(tmp_path: Path, content: Path, *lines: str, site_url: str | None = None) -> Path:
    """site_config.yml for `content`, with dotpha's plugin options added (and a site address)."""
    text = (REPO / "site_config.yml").read_text(encoding="utf-8")
    text = text.replace("      content_dir: content ", f"      content_dir: {content} ")
    text = text.replace("docs_dir: content/pages", f"docs_dir: {REPO / 'content' / 'pages'}")
    text = text.replace("custom_dir: theme", f"custom_dir: {REPO / 'theme'}")
    text = text.replace("  - dotpha:\n", "  - dotpha:\n" + "".join(f"      {line}\n" for line in lines))
    if site_url:
        text = text.replace("site_dir: site\n", f"site_dir: site\nsite_url: {site_url}\n")
    config = tmp_path / f"config-{len(lines)}-{bool(site_url)}.yml"
    config.write_text(text, encoding="utf-8")
    return config


def both_ways(tmp_path: Path, content: Path, as_of: str, site_url: str | None = None) -> tuple[Path, Path]:
    sites = []
    for name, lines in (("full", ("page_shell: false",)), ("shell", ())):
        site = tmp_path / name
        config = config_with(tmp_path, content, *lines, site_url=site_url)
        build_site(site, "--config", str(config), "--as-of", as_of)
        sites.append(site)
    return sites[0], sites[1]


def differences(full: Path, shell: Path) -> list[str]:
    files = sorted({p.relative_to(full) for p in full.rglob("*") if p.is_file()} | {p.relative_to(shell) for p in shell.rglob("*") if p.is_file()})
    return [str(f) for f in files if not (full / f).is_file() or not (shell / f).is_file() or (full / f).read_bytes() != (shell / f).read_bytes()]


def page_count(site: Path) -> int:
    return sum(1 for _ in site.rglob("index.html"))


def test_the_demo_is_the_same_either_way(tmp_path):
    full, shell = both_ways(tmp_path, REPO / "content", AS_OF)
    assert page_count(shell) > 100  # every kind of page: registrations, people, units, lists, years, danh mục...
    assert differences(full, shell) == []


def test_user_text_is_escaped_as_material_escapes_it(tmp_path):
    folder = ContentFolder(tmp_path / "content")
    folder.units(injected_units())
    for record in injected_registrations():
        folder.write(f"registrations/2024/so-tai-chinh/{record['id']}.yml", dump(record))
    full, shell = both_ways(tmp_path, folder.root, "2024-12-31")
    title = (shell / "dang-ky" / "2024-stc-01" / "index.html").read_text(encoding="utf-8").split("<title>")[1].split("</title>")[0]
    assert "&lt;script" in title and "<script" not in title  # the corpus is in the title, escaped
    assert differences(full, shell) == []


def test_canonical_links_and_the_sitemap_are_the_same_either_way(tmp_path):
    full, shell = both_ways(tmp_path, REPO / "content", AS_OF, site_url="https://dangky.example/tinh/")
    page = (shell / "dang-ky" / "2025-stc-01" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://dangky.example/tinh/dang-ky/2025-stc-01/">' in page
    assert "<loc>https://dangky.example/tinh/dang-ky/2025-stc-01/</loc>" in (shell / "sitemap.xml").read_text(encoding="utf-8")
    assert differences(full, shell) == []


def test_the_engine_of_this_run_is_properdocs_where_it_is_installed(tmp_path):
    expected = "properdocs" if "properdocs" in installed_engines() else "mkdocs"
    assert running_engine() == expected
    site = tmp_path / "site"
    build_site(site, "--content", str(REPO / "content"))
    generator = re.search(r'<meta name="generator" content="([^"]+)"', (site / "dang-ky" / "2025-stc-01" / "index.html").read_text(encoding="utf-8"))
    assert ("ProperDocs" in generator.group(1)) == (expected == "properdocs")


def test_a_template_that_writes_the_body_twice_has_no_shell():
    with pytest.raises(ShellError):
        Shell(f"<main>{BODY}</main><aside>{BODY}</aside>")
