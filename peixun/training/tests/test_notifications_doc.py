"""docs/notifications.md lists every kind of notice the code sends, with who is told: the test reads
the code, so the page stays true."""

import ast
import re
from pathlib import Path

from peixun.training.notices import MESSAGES

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "notifications.md"


def _sends() -> tuple[set[str], list[str]]:
    """The kinds passed as a literal to notify.send / notify.send_each, and where a kind is passed
    as a variable (its module's string constants then stand for it)."""
    literal: set[str] = set()
    dynamic: list[str] = []
    for path in sorted((ROOT / "peixun").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("send", "send_each")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "notify"
            ):
                continue
            kind = node.args[1] if len(node.args) > 1 else None
            if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                literal.add(kind.value)
            else:
                dynamic.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                literal |= constants & set(MESSAGES)
    return literal, dynamic


def _documented() -> set[str]:
    return set(re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE))


def test_the_code_sends_notices_the_reader_can_read():
    sent, _dynamic = _sends()
    assert len(sent) > 20  # the scan found the calls
    assert sent <= set(MESSAGES), f"kinds sent without a message: {sorted(sent - set(MESSAGES))}"


def test_every_kind_sent_in_the_code_is_in_the_notifications_doc():
    sent, dynamic = _sends()
    documented = _documented()
    assert not sent - documented, f"add these kinds to docs/notifications.md: {sorted(sent - documented)}"
    # A kind passed as a variable (projects' approve/reject, change requests' decisions) is covered by
    # the messages of its module; those were added above.
    assert dynamic, "the scan no longer sees a kind passed as a variable: simplify this test"


def test_every_message_has_a_row_and_every_row_a_message():
    documented = _documented()
    assert set(MESSAGES) == documented, (
        f"missing rows: {sorted(set(MESSAGES) - documented)}; rows without a message: "
        f"{sorted(documented - set(MESSAGES))}"
    )
