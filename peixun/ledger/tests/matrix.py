"""The ledger's, the policies' and the training-record import's expectations for the access-matrix
test (peixun/core/tests/test_access_matrix.py), and the near and far objects they are called with.

Near objects sit in 东湖区 / 东湖实验小学; far ones in 临江市 / 临江第二中学."""

from datetime import date

from django.utils import timezone

from peixun.ledger.models import RecomputeRun
from peixun.ledger.services import post_credit
from peixun.policies import services as policy_services
from peixun.policies.models import WhatIfRun
from peixun.policies.rules.presets import preset_text

SIGNED_IN = "signed-in"

LEDGER_VIEWS: dict[str, dict] = {
    "ledger:mine": {"perm": SIGNED_IN},
    "ledger:mine-transcript": {"perm": SIGNED_IN},
    "ledger:person": {"perm": "ledger.view", "obj": "person", "own_record": True},
    "ledger:person-transcript": {"perm": "ledger.view", "obj": "person", "own_record": True},
    "ledger:grant": {
        "perm": "ledger.grant",
        "method": "post",
        "obj": "person",
        "data": lambda side: {
            "title": "班主任专题培训",
            "hours": "30",
            "category": "knowledge_skills",
            "level": "city",
            "mode": "concentrated",
            "credit_class": "A",
            "earned_on": timezone.localdate().isoformat(),
            "source": "direct",
            "reason": "教育局直接登记",
        },
    },
    "ledger:reverse": {
        "perm": "ledger.grant",
        "method": "post",
        "obj": "entry",
        "data": lambda side: {"reason": "重复"},
    },
    "ledger:compliance": {"perm": "compliance.view"},
    "ledger:compliance-export": {"perm": "compliance.view"},
    "ledger:recompute": {
        "perm": "policies.manage",
        "method": "post",
        "data": lambda side: {"org": side["org"]["pk"]},
    },
    "ledger:recompute-run": {"perm": "compliance.view", "obj": "recompute_run"},
    "ledger:recompute-rerun": {"perm": "policies.manage", "method": "post", "obj": "recompute_run"},
    "policies:list": {"perm": "policies.view"},
    "policies:create": {"perm": "policies.manage"},
    "policies:preset": {"perm": "policies.view", "obj": "preset", "scoped": False},
    "policies:detail": {"perm": "policies.view", "obj": "policy"},
    "policies:new-draft": {"perm": "policies.manage", "method": "post", "obj": "policy"},
    "policies:version": {"perm": "policies.view", "obj": "version"},
    "policies:export": {"perm": "policies.view", "obj": "version"},
    "policies:preview": {"perm": "policies.manage", "method": "post", "served": (200, 400)},
    "policies:version-edit": {"perm": "policies.manage", "obj": "draft"},
    "policies:adopt": {"perm": "policies.manage", "method": "post", "obj": "draft"},
    "ledger:what-if-start": {
        "perm": "policies.view",
        "method": "post",
        "obj": "version",
        "data": lambda side: {"org": side["county"]["pk"], "as_of": "2026-06-01"},
    },
    "ledger:what-if": {"perm": "policies.view", "obj": "what_if_run"},
    "ledger:what-if-rerun": {"perm": "policies.view", "method": "post", "obj": "what_if_run"},
    "ledger:what-if-export": {"perm": "policies.view", "obj": "what_if_run"},
    "imports:upload-credits": {"perm": "ledger.import"},
    "imports:template-credits": {"perm": "ledger.import"},
}


def _side(world, *, county, school, person, author) -> dict:
    entry = post_credit(
        person=person,
        hours=10,
        category="practice",
        level="school",
        mode="school_based",
        earned_on=timezone.localdate(),
        source="school_based",
        title="校本研修",
        idempotency_key=f"matrix:{person.pk}",
    ).entry
    version = policy_services.create_policy(
        org=county, text=preset_text("annual-60"), effective_from=date(2026, 1, 1), actor=author
    )
    draft = policy_services.create_policy(
        org=county, text=preset_text("annual-60"), effective_from=date(2027, 1, 1), actor=author
    )
    run = WhatIfRun.objects.create(version=version, org=county, as_of=date(2026, 6, 1), actor=author)
    recompute = RecomputeRun.objects.create(org=school, state="done")
    return {
        "entry": {"pk": entry.pk},
        "county": {"pk": county.pk},
        "policy": {"pk": version.policy_id},
        "version": {"pk": version.pk},
        "draft": {"pk": draft.pk},
        "what_if_run": {"pk": run.pk},
        "recompute_run": {"pk": recompute.pk},
    }


def ledger_objects(world) -> tuple[dict, dict]:
    near = _side(
        world, county=world.county_a, school=world.school_a1, person=world.teacher_a1, author=world.city_admin
    )
    far = _side(
        world,
        county=world.other_city,
        school=world.other_school,
        person=world.other_teacher,
        author=world.outsider,
    )
    near["preset"] = far["preset"] = {"code": "five-year-360"}
    return near, far
