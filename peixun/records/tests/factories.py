"""Records for the tests, made through the services as a school coordinator would."""

from datetime import date

from peixun.certificates.models import Certificate
from peixun.certificates.tests.helpers import template_for
from peixun.records import services
from peixun.testing.factories import make_project
from peixun.training.models import Enrolment


def qualification(world, person=None, **fields):
    person = person or world.teacher_a1
    data = {
        "number": f"2019{person.pk:04d}1000123",
        "kind": "primary",
        "subject": "语文",
        "issuer": "东湖区教育局",
        "issued_on": date(2019, 7, 1),
        "registered_on": None,
    }
    data.update(fields)
    return services.save_qualification(person=person, data=data, actor=world.coordinator_a1)


def post_certificate(world, person):
    """A valid 上岗证书 from a pre-service head-teacher training (written directly, as a fixture)."""
    project = make_project(world.county_a, status="closed", title="新任班主任岗前培训")
    enrolment = Enrolment.objects.create(
        project=project, person=person, school=person.org, status="enrolled", source="self"
    )
    return Certificate.objects.create(
        number=f"320705-POST-{person.pk}",
        kind="post",
        template=template_for(world, kind="post", name="班主任上岗证书"),
        project=project,
        enrolment=enrolment,
        person=person,
        fields={},
        issued_on=date(2026, 1, 10),
    )
