"""The helper modules and the pure rule modules are framework-free: importing them must not import
Django. A new pure module joins MODULES."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

MODULES = [
    "peixun.lib.idnumbers",
    "peixun.lib.dates",
    "peixun.lib.tabular",
    "peixun.lib.xlsx",
    "peixun.lib.clientaddr",
    "peixun.lib.names",
    "peixun.policies.rules.codes",
    "peixun.policies.rules.document",
    "peixun.policies.rules.periods",
    "peixun.policies.rules.engine",
    "peixun.policies.rules.presets",
    "peixun.training.rules.eligibility",
    "peixun.training.rules.lifecycle",
    "peixun.training.rules.quotas",
    "peixun.training.rules.lottery",
    "peixun.training.rules.grouping",
    "peixun.lib.pdf",
    "peixun.delivery.rules.checkin",
    "peixun.delivery.rules.attendance",
    "peixun.delivery.rules.files",
    "peixun.delivery.rules.calendar",
    "peixun.delivery.rules.leave",
    "peixun.assessment.rules.scheme",
    "peixun.assessment.rules.scoring",
    "peixun.assessment.rules.bands",
    "peixun.assessment.rules.excellence",
    "peixun.assessment.rules.presets",
    "peixun.certificates.rules.numbers",
    "peixun.certificates.render",
]
REPO_ROOT = Path(__file__).resolve().parent.parent.parent.parent


def _source(name: str) -> str:
    return (REPO_ROOT / (name.replace(".", "/") + ".py")).read_text(encoding="utf-8")


def test_importing_the_modules_does_not_import_django() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in MODULES)
        + "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        + "print(','.join(leaked))\n"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments: this interpreter and a literal script
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("name", MODULES)
def test_source_has_no_django_import(name: str) -> None:
    tree = ast.parse(_source(name))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    assert not [module for module in imported if module.split(".")[0] == "django"]


@pytest.mark.parametrize("name", MODULES)
def test_module_opens_with_a_docstring(name: str) -> None:
    tree = ast.parse(_source(name))
    assert ast.get_docstring(tree)
