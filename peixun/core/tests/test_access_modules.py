"""Access in one shape: every app that shows or changes objects has its `access.py`, and its pages
(views, the API) ask that module and nothing else; the 404 of an out-of-scope object and the
message of a refused action each come from one helper."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]  # peixun/
# Apps below orgs in the layers (docs/architecture.md) cannot have an access module of their own
# (it would import orgs.access upwards), so they have no pages: the home page and the audit log are
# site's, and core's views.py holds only the helpers every app's views share.
BELOW_ORGS = {"core", "audit"}


def _apps() -> list[str]:
    return sorted(path.parent.name for path in PACKAGE.glob("*/apps.py"))


def _pages(app: str) -> list[Path]:
    folder = PACKAGE / app
    found = [folder / "views.py", folder / "api.py", *sorted((folder / "views").glob("*.py"))]
    return [path for path in found if path.exists()]


def _foreign_access(app: str, path: Path) -> list[str]:
    """Imports of another app's access module, or of `access_*` functions from anything but this
    app's access module."""
    own = f"peixun.{app}.access"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("peixun."):
            names = [alias.name for alias in node.names]
            if node.module.endswith(".access") and node.module != own:
                found.append(f"{node.lineno}: from {node.module}")
            elif "access" in names and node.module != f"peixun.{app}":
                found.append(f"{node.lineno}: {node.module}.access")
            elif node.module != own:
                found += [f"{node.lineno}: {node.module}.{n}" for n in names if n.startswith("access_")]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("access_")
            and isinstance(node.value, ast.Name)
            and node.value.id != "access"
        ):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
    return found


PAGED_APPS = [app for app in _apps() if _pages(app)]


def test_the_apps_with_pages_are_found():
    assert {"training", "delivery", "assessment", "certificates", "ledger", "orgs", "site"} <= set(PAGED_APPS)


@pytest.mark.parametrize("app", [app for app in PAGED_APPS if app not in BELOW_ORGS])
def test_every_app_with_pages_has_its_access_module(app):
    assert (PACKAGE / app / "access.py").exists()


@pytest.mark.parametrize("app", [app for app in PAGED_APPS if app not in BELOW_ORGS])
def test_pages_ask_their_own_apps_access_module_and_nothing_else(app):
    found = {str(path.relative_to(PACKAGE)): _foreign_access(app, path) for path in _pages(app)}
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_the_check_sees_a_page_reaching_past_its_access_module(tmp_path):
    page = tmp_path / "views.py"
    page.write_text(
        "from peixun.orgs.access import require_perm\n"
        "from peixun.training import access as training_access\n"
        "from peixun.ledger.selectors import access_hours_person\n"
        "job = selectors.access_job(user, 1)\n"
    )
    assert len(_foreign_access("assessment", page)) == 4
    page.write_text("from peixun.assessment import access\nfrom peixun.assessment.access import has_perm\n")
    assert _foreign_access("assessment", page) == []


def _definitions(name: str) -> list[str]:
    return sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name == name
    )


def test_one_out_of_scope_404_and_one_refusal_message_for_every_app():
    assert _definitions("out_of_scope") == ["orgs/access.py"]
    assert _definitions("_out_of_scope") == []
    assert _definitions("refuse") == ["core/refusals.py"]
