"""The engine adapter: the only code that imports MkDocs (or ProperDocs, its maintained fork).

ProperDocs is a drop-in continuation of MkDocs 1.6: importing
`properdocs.replacement` makes every `mkdocs.*` import (ours and Material's)
load ProperDocs instead.  `select_engine` decides which one this process runs,
before anything imports either: ProperDocs when it is installed
(`pip install 'dotpha[properdocs]'`), else MkDocs, unless `--engine` says
otherwise.  Inside a process that an engine started (`mkdocs build`,
`properdocs build`), the running one is kept.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec

from ..domain.errors import UsageError

ENGINES = ("mkdocs", "properdocs")


def running_engine() -> str | None:
    """The engine this process has imported already, if any."""
    if "mkdocs" not in sys.modules:
        return None
    return "properdocs" if sys.modules["mkdocs"] is sys.modules.get("properdocs") else "mkdocs"


def installed_engines() -> list[str]:
    return [name for name in ENGINES if find_spec(name) is not None]


def select_engine(name: str | None = None) -> str:
    """Make this process use `name` (default: ProperDocs if installed, else MkDocs); return the one in use."""
    running = running_engine()
    if running is not None:
        if name is not None and name != running:
            raise UsageError(f"không đổi được sang {name}: tiến trình này đã chạy {running}")
        return running
    name = name or ("properdocs" if "properdocs" in installed_engines() else "mkdocs")
    if name not in installed_engines():
        raise UsageError(f"chưa cài {name} (pip install 'dotpha[{name}]')" if name == "properdocs" else f"chưa cài {name} (pip install {name})")
    if name == "properdocs":
        import properdocs.replacement  # noqa: F401  (mkdocs.* imports load properdocs.* from now on)
    return name


def engine_logger(name: str = "") -> str:
    """The name of the engine's logger (`mkdocs.…` or `properdocs.…`): its strict mode counts
    the warnings logged there, and `dotpha` shows them."""
    return ".".join(filter(None, (running_engine() or "mkdocs", name)))
