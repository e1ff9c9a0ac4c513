"""The layers of generator/ (README "Kiến trúc"), checked by import-linter.

The contracts live in pyproject.toml ([tool.importlinter]): imports only go
downward (face → tools → engine → site → history → domain), only the engine
adapter imports MkDocs, and no module imports itself through others.  The
second test proves the check can fail: a copy of the package with one new
circle breaks it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())", "--no-cache"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)


def test_the_layers_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_a_new_circle_fails(tmp_path):
    root = copy_of_the_package(tmp_path)
    with (root / "generator" / "site" / "pages" / "view.py").open("a", encoding="utf-8") as view:
        view.write("\nfrom . import listings  # noqa: E402  a circle: listings imports view\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "No import circle inside a layer BROKEN" in result.stdout
    assert ".view -> .listings" in result.stdout


def test_an_upward_import_fails(tmp_path):
    root = copy_of_the_package(tmp_path)
    with (root / "generator" / "domain" / "derive.py").open("a", encoding="utf-8") as derive:
        derive.write("\nfrom ..site import charts  # noqa: E402  the domain may not know the site\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout and "generator.domain.derive -> generator.site.charts" in result.stdout


def test_only_the_engine_adapter_imports_mkdocs(tmp_path):
    root = copy_of_the_package(tmp_path)
    with (root / "generator" / "site" / "files.py").open("a", encoding="utf-8") as files:
        files.write("\nimport mkdocs  # noqa: E402,F401\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "generator.site is not allowed to import mkdocs" in result.stdout
