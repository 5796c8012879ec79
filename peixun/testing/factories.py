"""Test data builders: orgs, people and accounts with role grants."""

import itertools
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model

from peixun.lib import idnumbers
from peixun.lib.pinyin import pinyin_keys
from peixun.orgs.models import Org, Person, RoleGrant
from peixun.orgs.services import create_org

_sequence = itertools.count(1)
PASSWORD = "Correct-Horse-2026"


def make_org(name: str, kind: str, parent: Org | None = None, code: str | None = None) -> Org:
    return create_org(code=code or f"T{next(_sequence):06d}", name=name, kind=kind, parent=parent)


def new_id_number(*, birth: date = date(1985, 3, 14), gender: str = "female") -> str:
    return idnumbers.make_valid_id("320705", birth, next(_sequence) % 100, gender)


def make_person(org: Org, name: str = "张三", **fields) -> Person:
    gender = fields.pop("gender", "female")
    birth = fields.pop("birth_date", date(1985, 3, 14))
    number = fields.pop("id_number", None) or new_id_number(birth=birth, gender=gender)
    full, initials = pinyin_keys(name)
    person = Person(
        name=name, name_pinyin=full, name_initials=initials, gender=gender, birth_date=birth, org=org
    )
    person.set_id_number("resident_id", number)
    for key, value in fields.items():
        setattr(person, key, value)
    person.save()
    return person


def make_user(username: str, *grants: tuple[str, Org], person: Person | None = None, **fields):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, person=person, **fields)
    for role, org in grants:
        RoleGrant.objects.create(user=user, role=role, org=org)
    return user


def adopt_preset(org: Org, code: str = "five-year-360", *, actor=None, effective_from=None):
    """Adopt a shipped preset as `org`'s policy (version 1, in force from 2021-01-01 by default)
    and evaluate everyone under it, as the recompute queued by the adoption would."""
    from peixun.ledger import compliance
    from peixun.policies import services
    from peixun.policies.rules.presets import preset_text

    actor = (
        actor
        or get_user_model().objects.filter(is_active=True).order_by("pk").first()
        or make_user(f"policy_author{next(_sequence)}")
    )
    version = services.create_policy(
        org=org, text=preset_text(code), effective_from=effective_from or date(2021, 1, 1), actor=actor
    )
    adopted = services.adopt(version=version, actor=actor)
    compliance.rebuild(org_path=org.path)
    return adopted


def make_project(organiser: Org, *, status: str = "enrolling", audience: list[Org] | None = None, **fields):
    """A training project with one course, in `status` (default: open for enrolment now), its
    audience the given orgs or the organiser's area. Written directly, as a fixture: the lifecycle
    itself is tested through peixun.training.services."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from peixun.training.models import Course, Project
    from peixun.training.services.projects import default_audience

    now = timezone.now()
    today = timezone.localdate()
    values = {
        "title": f"培训项目{next(_sequence)}",
        "project_type": "all_staff",
        "level": "county",
        "category": "knowledge_skills",
        "mode": "concentrated",
        "hours_credited": Decimal("24"),
        "enrol_opens_at": now - timedelta(days=1),
        "enrol_closes_at": now + timedelta(days=7),
        "starts_on": today + timedelta(days=14),
        "ends_on": today + timedelta(days=16),
        "capacity": 100,
        "confirm_hours": 0,
        "status": status,
    }
    values.update(fields)
    project = Project.objects.create(organiser=organiser, **values)
    project.audience.set(audience or [default_audience(organiser)])
    Course.objects.create(project=project, name="课程一", hours=Decimal("24"), category="knowledge_skills")
    return project


def give_hours(person: Person, hours=10, key: str | None = None, **fields):
    """Post hours to a person's ledger through the one posting service (defaults: a county-level
    concentrated knowledge-and-skills training earned today). Returns the Posted result."""
    from django.utils import timezone

    from peixun.ledger.services import post_credit

    values: dict[str, Any] = {
        "category": "knowledge_skills",
        "level": "county",
        "mode": "concentrated",
        "earned_on": timezone.localdate(),
        "source": "project",
        "title": "新课标解读与教学设计",
        "organiser": "东湖区教师发展中心",
    }
    values.update(fields)
    return post_credit(person=person, hours=hours, idempotency_key=key or f"test:{next(_sequence)}", **values)
