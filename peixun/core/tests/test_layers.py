"""The layers of docs/architecture.md hold (import-linter's contracts in pyproject.toml, also run by
`make test`), and they bite: a copy of the tree with one upward import, or one Django import in a
pure module, breaks them — whether the import sits at the top of a module or inside a function."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter's lint-imports on a fixed config
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the project's Python sources and its contracts."""
    shutil.copytree(
        REPO_ROOT / "peixun",
        tmp_path / "peixun",
        ignore=shutil.ignore_patterns("__pycache__", "locale", "templates", "static", "fonts"),
    )
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def append(path: Path, code: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + code, encoding="utf-8")


def test_the_tree_keeps_every_contract():
    result = lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_upward_import_inside_a_function_breaks_the_layers(tree: Path):
    append(
        tree / "peixun/orgs/services.py",
        "\n\ndef _peek():\n    from peixun.training.models import Project\n\n    return Project\n",
    )
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "peixun.orgs is not allowed to import peixun.training" in result.stdout
    assert "peixun.orgs.services -> peixun.training.models" in result.stdout


def test_a_lower_app_importing_a_top_layer_page_breaks_the_layers(tree: Path):
    append(tree / "peixun/ledger/selectors.py", "\nfrom peixun.site import selectors as _site  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "peixun.ledger is not allowed to import peixun.site" in result.stdout


def test_a_django_import_in_a_rules_module_breaks_purity(tree: Path):
    append(tree / "peixun/delivery/rules/attendance.py", "\nfrom django.db import models  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "peixun.delivery.rules is not allowed to import django" in result.stdout


def test_a_rules_module_reading_another_apps_models_breaks_purity(tree: Path):
    append(tree / "peixun/assessment/rules/bands.py", "\nfrom peixun.training import models  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "peixun.assessment.rules is not allowed to import peixun.training" in result.stdout
