"""Running MkDocs (or ProperDocs) in this process, with dotpha's settings handed over.

The command line validates the content first (`commands.py`), then calls
`build_site` or `serve_site` here with its `BuildSettings` and the loaded
`Content`: the plugin builds from them instead of reading site_config.yml's
options or loading the content a second time.  `mkdocs build -f
site_config.yml` run on its own gets no handover: the plugin then makes the
settings from its options (`plugin.settings_from_config`).
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

from jinja2 import TemplateError
from mkdocs.commands.build import build
from mkdocs.exceptions import MkDocsException

from ..domain.asof import epoch_of
from ..domain.content import Content
from ..domain.errors import BilingualError, DotphaError, UsageError
from ..domain.settings import BuildSettings
from ..site.archives import ArchiveError, publish_archives
from ..site.atomic import check_site_folder, replaced_on_success
from . import engine_logger
from .config import PLUGIN, read_config
from .plugin import DotphaPlugin, Handover, ServeSession

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


class BuildError(DotphaError):
    """MkDocs could not build the site (a template error, a warning under --strict)."""

    def __init__(self, detail: str):
        super().__init__(f"không dựng được trang, trang cũ giữ nguyên: {detail}")
        self.detail = detail


class SiteWriteError(BilingualError):
    """The machine refused to write the site (permissions, a full disk, a read-only disk)."""

    def __init__(self, site_dir: Path, error: OSError):
        why = f"{error.filename or site_dir}: {error.strerror or error}"
        super().__init__(f"không ghi được trang vào {site_dir} ({why}); trang cũ giữ nguyên",
                         f"cannot write the site into {site_dir} ({why}); the previous site is kept")  # fmt: skip


def build_site(settings: BuildSettings, content: Content, *, archive_year: int | None = None):
    """Build the site into `settings.site_dir` (or site_config.yml's) and return MkDocs' config.

    The site is built beside its folder and swapped in only when complete: a build that
    fails leaves the previous site whole.  The live site also gets the stored annual
    archives under /YEAR/ (`archive_year`: this build is one of them, and gets none).
    """
    if settings.site_dir is not None:  # before MkDocs judges it, in words a user understands
        check_site_folder(settings.config_file.resolve().parent / settings.site_dir, settings.content_dir, settings.config_file)
    config = read_config(settings.config_file, site_dir=_str(settings.site_dir), strict=settings.strict or None)
    if archive_year is not None:
        _as_archive(config, archive_year)
    site_dir = Path(config.site_dir)
    if settings.site_dir is None:  # site_config.yml's site_dir: checked once MkDocs has read it
        check_site_folder(site_dir, settings.content_dir, settings.config_file)
    try:
        with replaced_on_success(site_dir) as staging, _handed_over(config, Handover(settings, content)), _dated(settings):
            config.site_dir = str(staging)
            build(config)
            if archive_year is None:
                publish_archives(settings.config_file.resolve().parent, staging, config.extra.get("dotpha_profile"))
    except (MkDocsException, TemplateError, ArchiveError) as error:
        raise BuildError(str(error)) from None
    except OSError as error:  # a folder that cannot be written, a full disk: the previous site stays
        raise SiteWriteError(site_dir, error) from None
    config.site_dir = str(site_dir)
    return config


def serve_site(settings: BuildSettings, content: Content, dev_addr: str) -> None:
    """Build and serve the site, rebuilding what changed after each save (engine/rebuild.py)."""
    from mkdocs.commands.serve import serve

    config = read_config(settings.config_file)  # MkDocs keeps one plugin instance (it has on_startup)
    try:
        with _handed_over(config, Handover(settings, content, ServeSession())), _dated(settings):
            serve(str(settings.config_file), build_type="dirty", dev_addr=dev_addr, strict=settings.strict or None)
    except MkDocsException as error:
        raise DotphaError(str(error)) from None


@contextmanager
def _handed_over(config, handover: Handover):
    plugin = config.plugins.get(PLUGIN)
    if not isinstance(plugin, DotphaPlugin):
        raise UsageError(f"{handover.settings.config_file} không khai báo plugin dotpha")
    plugin.handover = handover
    try:
        yield plugin
    finally:
        plugin.handover = None


@contextmanager
def _dated(settings: BuildSettings):
    """SOURCE_DATE_EPOCH at the as-of date while MkDocs runs: it dates the sitemap and
    the gzip header with it.  The one variable set, and put back afterwards."""
    saved = os.environ.get(SOURCE_DATE_EPOCH)
    os.environ[SOURCE_DATE_EPOCH] = epoch_of(settings.as_of)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(SOURCE_DATE_EPOCH, None)
        else:
            os.environ[SOURCE_DATE_EPOCH] = saved


def _as_archive(config, year: int) -> None:
    config.extra["dotpha_archive"] = {"year": year}  # theme/main.html shows the banner
    config.extra["version"] = {"provider": "mike"}  # the selector reads the live site's versions.json
    if config.site_url:  # canonical links and sitemap under /YEAR/: the selector keeps the page
        config.site_url = urljoin(config.site_url, f"{year}/")


def _str(path: Path | None) -> str | None:
    return None if path is None else str(path)


class _StderrHandler(logging.Handler):
    """Writes to the current sys.stderr, whatever it is when the record comes."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")


def show_engine_log(level: int = logging.WARNING) -> None:
    """Show MkDocs' warnings (and, when serving, its progress) on stderr."""
    logger = logging.getLogger(engine_logger())
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
