"""`manage.py reconcile`: a consistent world passes every invariant (exit 0); each invariant broken
on purpose is reported as 不通过 with what broke it, and the command exits 1."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from peixun.assessment.models import Result, SchemeVersion
from peixun.assessment.rules import presets
from peixun.assessment.rules.scheme import parse_scheme, scheme_json
from peixun.certificates.models import Certificate, CertificateTemplate
from peixun.core.runs import RunState
from peixun.imports.models import ImportJob, ImportStep
from peixun.ledger.models import CreditRollup, RecomputeRun
from peixun.site import reconcile
from peixun.testing.factories import give_hours, make_org, make_person, make_project, make_user
from peixun.training.models import Enrolment, MandatoryRun, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    county = make_org("东湖区", "county")
    school = make_org("东湖小学", "school", parent=county)
    person = make_person(school)
    project = make_project(county, status="closed", places_taken=1)
    enrolment = Enrolment.objects.create(
        project=project, person=person, school=school, status="enrolled", source="self"
    )
    give_hours(person, 12)
    template = CertificateTemplate.objects.create(
        org=county, name="合格证书", kind="pass", title="合格证书", issuer="东湖区教育局", region="320705"
    )
    Certificate.objects.create(
        number="320705-2026-000001", kind="pass", template=template, project=project,
        enrolment=enrolment, person=person, fields={}, pdf=b"%PDF", issued_on=timezone.localdate(),
    )  # fmt: skip
    text = presets.preset_text(presets.DEFAULT)
    version = SchemeVersion.objects.create(
        project=project, number=1, text=text, document=scheme_json(parse_scheme(text))
    )
    result = Result.objects.create(
        enrolment=enrolment, project=project, version=version, total=Decimal("80"), passed=True,
        attendance_rate=Decimal("100"),
    )  # fmt: skip
    return {"project": project, "result": result, "user": make_user("reconciler"), "county": county}


def broken(name: str) -> list[str]:
    return next(check for check in reconcile.reconcile() if check.name == name).broken


def test_a_consistent_world_passes_and_each_broken_invariant_is_reported(world):
    out = StringIO()
    call_command("reconcile", stdout=out)
    assert "不通过" not in out.getvalue()
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["通过"] * len(reconcile.CHECKS)
    assert lines[-1] == "全部检查通过。"
    assert all(check.ok and check.checked for check in reconcile.reconcile()[:3])

    project = world["project"]
    Project.objects.filter(pk=project.pk).update(places_taken=0)
    assert broken(reconcile.places().name) == [f"project={project.pk} places_taken=0 holding=1"]

    CreditRollup.objects.update(hours=F("hours") + 1)
    assert len(broken(reconcile.rollups().name)) == 1

    Result.objects.filter(pk=world["result"].pk).update(passed=False)
    assert broken(reconcile.certificates().name) == [
        f"certificate={Certificate.objects.get().pk} number=320705-2026-000001"
    ]

    old = timezone.now() - timedelta(hours=1)
    stuck = RecomputeRun.objects.create(
        state=RunState.RUNNING, worker="another-host:4242", heartbeat_at=old, started_at=old
    )
    RecomputeRun.objects.create(
        state=RunState.RUNNING, worker="another-host:4243", heartbeat_at=timezone.now()
    )
    assert broken(reconcile.background_runs().name) == [
        f"ledger.RecomputeRun={stuck.pk} worker=another-host:4242"
    ]

    job = ImportJob.objects.create(
        kind="people", step=ImportStep.APPLY, state=RunState.RUNNING, applied_at=timezone.now(),
        created_by=world["user"], filename="名单.csv", content=b"", sha256="0" * 64,
    )  # fmt: skip
    run = MandatoryRun.objects.create(
        project=project, option="all", applied_at=timezone.now(), enrolled=3, state=RunState.DONE
    )
    assert broken(reconcile.half_applied().name) == [
        f"import={job.pk}",
        f"mandatory={run.pk} rows=0 counted=3",
    ]

    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("reconcile", stdout=out, stderr=StringIO())
    assert exit_.value.code == 1
    assert out.getvalue().count("不通过") == len(reconcile.CHECKS)
