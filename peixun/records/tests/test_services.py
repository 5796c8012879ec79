"""The records' writes: due dates from the bureau's period, registrations, reminders once, the
head-teacher role flagged without a post certificate, the degree report and the file's sections."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.certificates.hooks import file_sections
from peixun.orgs.models import Org
from peixun.records import selectors, services
from peixun.records.exceptions import DuplicateNumberError
from peixun.records.models import QualificationCertificate
from peixun.records.rules.qualification import add_years
from peixun.records.tests.factories import post_certificate, qualification
from peixun.testing.factories import make_person
from peixun.training.models import Notice

pytestmark = pytest.mark.django_db


def _policy(world, **fields):
    data = {
        "registration_years": 5,
        "remind_days": 90,
        "rural_primary_target": Decimal("85"),
        "junior_target": Decimal("85"),
        "target_year": 2029,
        "probation_hours": Decimal("120"),
        **fields,
    }
    return services.save_policy(org=world.city, data=data, actor=world.city_admin)


def test_the_due_date_follows_the_bureaus_period_and_moves_when_it_changes(world):
    certificate = qualification(world, issued_on=date(2021, 7, 1))
    assert certificate.due_on == date(2026, 7, 1)
    _policy(world, registration_years=3)
    certificate.refresh_from_db()
    assert certificate.due_on == date(2024, 7, 1)
    assert AuditEvent.objects.filter(action="records_policy_saved").get().changes["moved"] == "1"


def test_a_number_recorded_for_another_teacher_is_refused_and_nothing_is_written(world):
    qualification(world, number="Q-2019-1")
    with pytest.raises(DuplicateNumberError):
        qualification(world, person=world.teacher_a2, number="Q-2019-1")
    assert QualificationCertificate.objects.count() == 1


def test_a_passed_registration_moves_the_due_date_and_a_failed_review_does_not(world):
    certificate = qualification(world, issued_on=date(2021, 7, 1))
    services.record_check(
        certificate=certificate,
        kind="review",
        checked_on=date(2025, 6, 1),
        result="failed",
        note="",
        actor=world.coordinator_a1,
    )
    assert certificate.due_on == date(2026, 7, 1)
    services.record_check(
        certificate=certificate,
        kind="registration",
        checked_on=date(2026, 5, 20),
        result="passed",
        note="",
        actor=world.coordinator_a1,
    )
    certificate.refresh_from_db()
    assert (certificate.registered_on, certificate.due_on) == (date(2026, 5, 20), date(2031, 5, 20))


def test_the_teacher_and_the_coordinator_are_reminded_once_inside_the_notice(world):
    today = timezone.localdate()
    soon = qualification(world, issued_on=add_years(today + timedelta(days=30), -5))
    qualification(world, person=world.teacher_a2, issued_on=add_years(today + timedelta(days=200), -5))
    assert services.send_reminders(today=today) == 1
    told = Notice.objects.values_list("user_id", "kind")
    assert set(told) == {
        (world.teacher_user.pk, "qualification_due"),
        (world.coordinator_a1.pk, "qualification_due_school"),
    }
    assert services.send_reminders(today=today) == 0
    soon.refresh_from_db()
    assert soon.reminded_for == soon.due_on


def test_a_head_teacher_without_a_post_certificate_is_flagged_and_listed(world):
    assert services.give_head_teacher_role(person=world.teacher_a1, actor=world.coordinator_a1) is False
    post_certificate(world, world.teacher_b1)
    assert services.give_head_teacher_role(person=world.teacher_b1, actor=world.county_admin) is True
    world.teacher_a1.refresh_from_db()
    assert "head_teacher" in world.teacher_a1.roles
    rows = selectors.head_teachers([world.city.path])
    assert [(row.person.name, row.certified) for row in rows] == [("李晓明", False), ("赵刚", True)]
    event = AuditEvent.objects.get(action="records_head_teacher_given", target_id=str(world.teacher_a1.pk))
    assert event.changes["post_certificate"] == "无"


def test_the_degree_report_counts_rural_primary_and_junior_teachers_with_a_drill_down(world):
    Org.objects.filter(pk=world.school_b1.pk).update(rural=True)
    rural_teacher = make_person(world.school_b1, "孙丽", section="primary")
    services.add_degree(
        person=world.teacher_b1,
        data={
            "level": "college",
            "school": "江海师专",
            "major": "小学教育",
            "awarded_on": date(2020, 7, 1),
            "full_time": False,
        },
        actor=world.county_admin,
    )
    services.add_degree(
        person=world.teacher_a2,
        data={
            "level": "bachelor",
            "school": "江海师范学院",
            "major": "数学",
            "awarded_on": date(2012, 7, 1),
            "full_time": True,
        },
        actor=world.coordinator_a1,
    )
    services.add_degree(
        person=rural_teacher,
        data={
            "level": "secondary",
            "school": "江海幼师",
            "major": "幼儿教育",
            "awarded_on": date(2004, 7, 1),
            "full_time": True,
        },
        actor=world.county_admin,
    )
    make_person(world.school_b1, "钱进", section="primary")  # no degree on record: unknown
    report = selectors.degree_report(world.city, date(2026, 9, 1))
    assert report.total.rural_primary.unknown == 1
    assert (report.total.rural_primary.qualified, report.total.rural_primary.total) == (1, 2)
    assert (report.total.junior.qualified, report.total.junior.total) == (1, 1)
    by_org = {row.org.name: row for row in report.rows}
    assert by_org["东湖区"].rural_primary.percent is None  # no rural school there
    assert by_org["西山县"].rural_primary.percent == Decimal("50.0")
    assert [year for year, _r, _j in report.trend] == [2022, 2023, 2024, 2025, 2026]
    assert report.trend[0][1].qualified == 1


def test_the_teachers_file_gets_certificates_degrees_and_probation_sections(world):
    qualification(world, number="Q-FILE-1")
    services.save_probation(
        person=world.teacher_a1,
        data={
            "joined_on": date(2025, 8, 25),
            "adapt": "passed",
            "qualify": "pending",
            "shape": "pending",
            "excel": "pending",
        },
        actor=world.coordinator_a1,
    )
    sections = [s for s in file_sections.run(person=world.teacher_a1, cycle=None) if s is not None]
    by_title = {section.title.split("（")[0]: section for section in sections}
    assert by_title["教师资格证"].rows[0][0] == "Q-FILE-1"
    assert by_title["学历"].rows == [] and by_title["学历"].empty
    assert [row[2] for row in by_title["见习期"].rows] == ["合格", "待评定", "待评定", "待评定"]
    world.teacher_a1.refresh_from_db()
    assert world.teacher_a1.hire_date == date(2025, 8, 25)
