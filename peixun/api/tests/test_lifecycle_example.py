"""docs/api.md's worked example — a project from its draft to its certificates and ledger entries —
run as written against a live server with an API key, so the document stays true."""

import re
from pathlib import Path

import pytest

from peixun.api.services import create_api_key
from peixun.audit.models import AuditEvent
from peixun.certificates.models import Certificate
from peixun.certificates.tests.helpers import template_for
from peixun.ledger.models import CreditEntry
from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_person
from peixun.training.models import Project

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def example_code() -> str:
    """The document's second Python block: the example itself (the first sets the variables)."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    return blocks[1]


@pytest.mark.django_db(transaction=True)
def test_the_worked_example_runs_a_project_end_to_end(live_server, capsys):
    from peixun.testing.personas import build_world

    world = build_world()
    template_for(world)
    teachers = [world.teacher_a1, world.teacher_a2] + [
        make_person(world.school_a1, f"示例学员{index}", section="primary", subjects=["语文"])
        for index in range(2)
    ]
    key, secret = create_api_key(
        org=world.county_a, name="区研修平台", role=GrantRole.BUREAU_ADMIN, actor=world.city_admin
    )
    namespace = {
        "BASE": live_server.url,
        "KEY": secret,
        "ORGANISER_ID": world.county_a.pk,
        "TEACHERS": [t.reveal_id_number() for t in teachers],
    }
    exec(compile(example_code(), str(DOC), "exec"), namespace)  # noqa: S102 - our own document's code

    project = Project.objects.get(title="新课标背景下的课堂教学改进")
    assert project.status == "closed"
    assert Certificate.objects.filter(project=project, revoked_at__isnull=True).count() == 4
    entries = CreditEntry.objects.filter(source_ref=f"project:{project.pk}")
    assert sorted(set(entries.values_list("person_id", flat=True))) == sorted(t.pk for t in teachers)
    assert "4 certificates; 96.0 hours posted" in capsys.readouterr().out
    # Every change was made by the key: the audit rows name its account as the actor.
    moves = AuditEvent.objects.filter(action="project_transition", target_id=str(project.pk))
    assert moves.count() == 7 and set(moves.values_list("actor_id", flat=True)) == {key.account_id}
