"""Enrolment through its services: first come within capacity and quotas, the waitlist and its
promotion, approval chains, nomination, mandatory enrolment with exemptions, the lottery, the
minimum size, and the counters always equal to the enrolments."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.testing.factories import make_person, make_project
from peixun.training.exceptions import (
    AlreadyEnrolledError,
    CapacityTooSmallError,
    EnrolmentClosedError,
    NotEligibleError,
    ProjectFullError,
    QuotaFullError,
    SubjectRequiredError,
    WrongEnrolmentModeError,
)
from peixun.training.models import Enrolment, LotteryDraw, Notice, Project, SchoolQuota
from peixun.training.services import clock
from peixun.training.services import enrolment as svc
from peixun.training.services.projects import places_consistent

pytestmark = pytest.mark.django_db


def statuses(project) -> dict[str, str]:
    return dict(Enrolment.objects.filter(project=project).values_list("person__name", "status"))


def test_a_teacher_enrols_once_and_the_place_is_counted_and_audited(world):
    project = make_project(world.county_a)
    enrolment = svc.enrol(project=project, person=world.teacher_a1, actor=world.teacher_user)
    assert enrolment.status == "enrolled"
    project.refresh_from_db()
    assert project.places_taken == 1
    assert AuditEvent.objects.filter(action="enrolment_created", target_id=str(enrolment.pk)).exists()
    with pytest.raises(AlreadyEnrolledError):
        svc.enrol(project=project, person=world.teacher_a1, actor=world.teacher_user)
    assert places_consistent(project)


def test_enrolling_again_after_withdrawing_takes_up_the_same_row_and_one_place(world):
    project = make_project(world.county_a, capacity=1, waitlist=False)
    first = svc.enrol(project=project, person=world.teacher_a1, actor=world.teacher_user)
    svc.withdraw_enrolment(enrolment=first, actor=None)
    again = svc.enrol(project=project, person=world.teacher_a1, actor=world.teacher_user)
    assert again.pk == first.pk and again.status == "enrolled"
    project.refresh_from_db()
    assert project.places_taken == 1 and places_consistent(project)
    # Refused as already enrolled: the place this attempt claimed before its insert was refused is
    # given back with it.
    with pytest.raises(ProjectFullError):
        svc.enrol(project=project, person=world.teacher_a2, actor=None)
    with pytest.raises(AlreadyEnrolledError):
        svc.enrol(project=project, person=world.teacher_a1, actor=world.teacher_user)
    project.refresh_from_db()
    assert project.places_taken == 1 and Enrolment.objects.filter(project=project).count() == 1


def test_the_database_refuses_a_second_enrolment_and_overselling(world):
    project = make_project(world.county_a, capacity=1)
    svc.enrol(project=project, person=world.teacher_a1, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            project=project, person=world.teacher_a1, school=world.school_a1, status="enrolled", source="self"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(places_taken=2)


def test_when_full_teachers_go_to_the_waitlist_and_move_up_when_a_place_frees(world, teachers):
    project = make_project(world.county_a, capacity=2)
    for person in teachers[:4]:
        svc.enrol(project=project, person=person, actor=None)
    assert list(statuses(project).values()) == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    first = Enrolment.objects.get(project=project, person=teachers[0])
    svc.withdraw_enrolment(enrolment=first, actor=None)
    assert statuses(project)[teachers[2].name] == "enrolled"  # no confirmation window: enrolled at once
    assert statuses(project)[teachers[3].name] == "waitlisted"
    assert Notice.objects.filter(kind="promoted", user__person=teachers[2]).exists()
    assert places_consistent(project)


def test_without_a_waitlist_a_full_project_says_so(world, teachers):
    project = make_project(world.county_a, capacity=1, waitlist=False)
    svc.enrol(project=project, person=teachers[0], actor=None)
    with pytest.raises(ProjectFullError):
        svc.enrol(project=project, person=teachers[1], actor=None)


def test_a_promoted_place_is_offered_and_lapses_to_the_next_if_not_confirmed(world, teachers):
    project = make_project(world.county_a, capacity=1, confirm_hours=24)
    for person in teachers[:3]:
        svc.enrol(project=project, person=person, actor=None)
    svc.withdraw_enrolment(enrolment=Enrolment.objects.get(project=project, person=teachers[0]), actor=None)
    offered = Enrolment.objects.get(project=project, person=teachers[1])
    assert offered.status == "offered" and offered.offer_expires_at is not None
    assert Notice.objects.filter(kind="place_offered", user__person=teachers[1]).exists()
    later = timezone.now() + timedelta(hours=25)
    assert svc.expire_offers(project=project, now=later) == 1
    assert statuses(project)[teachers[1].name] == "expired"
    assert statuses(project)[teachers[2].name] == "offered"
    svc.confirm_enrolment(enrolment=Enrolment.objects.get(project=project, person=teachers[2]), actor=None)
    assert statuses(project)[teachers[2].name] == "enrolled"
    assert places_consistent(project)


def test_school_quotas_hold_and_their_release_opens_places_to_every_school(world, teachers):
    project = make_project(world.county_a, capacity=4, quota_mode="manual")
    svc.set_quotas(
        project=project,
        quotas_by_school={world.school_a1.pk: 2, world.school_a2.pk: 2},
        actor=world.county_admin,
    )
    svc.enrol(project=project, person=teachers[0], actor=None)
    svc.enrol(project=project, person=teachers[1], actor=None)
    third = svc.enrol(project=project, person=teachers[2], actor=None)
    assert third.status == "waitlisted"  # the school's quota of 2 is used; the project has room
    released = svc.release_quotas(project=project, actor=None)
    assert released == 2  # school_a2 used none of its 2
    assert statuses(project)[teachers[2].name] == "enrolled"
    quota = SchoolQuota.objects.get(project=project, org=world.school_a1)
    assert (quota.quota, quota.used) == (3, 3)
    assert places_consistent(project)


def test_a_quota_refusal_without_waitlist_names_the_quota(world, teachers):
    project = make_project(world.county_a, capacity=10, quota_mode="manual", waitlist=False)
    svc.set_quotas(project=project, quotas_by_school={world.school_a1.pk: 1}, actor=None)
    svc.enrol(project=project, person=teachers[0], actor=None)
    with pytest.raises(QuotaFullError):
        svc.enrol(project=project, person=teachers[1], actor=None)
    project.refresh_from_db()
    assert project.places_taken == 1  # the refused attempt left nothing behind


def test_proportional_quotas_follow_the_eligible_headcount(world, teachers):
    project = make_project(world.county_a, capacity=3)
    rows = {row.org_id: row for row in svc.set_proportional_quotas(project=project, actor=None)}
    # 东湖实验小学 has 6 eligible (teacher_a1 and five more), 东湖第一中学 1: 3 places → 3 and 0 (2.57, 0.43).
    assert rows[world.school_a1.pk].quota + rows[world.school_a2.pk].quota == 3
    assert rows[world.school_a1.pk].eligible == 6


def test_an_approval_chain_goes_school_then_county_and_a_rejection_frees_the_place(world, teachers):
    project = make_project(world.county_a, capacity=1, approval_chain="school_county")
    pending = svc.enrol(project=project, person=world.teacher_a1, actor=world.teacher_user)
    assert (pending.status, pending.stage) == ("pending", "school")
    assert Notice.objects.filter(kind="enrolment_waiting", user=world.coordinator_a1).exists()
    waiting = svc.enrol(project=project, person=teachers[0], actor=None)
    assert waiting.status == "waitlisted"  # the pending enrolment holds the only place
    svc.decide_enrolment(enrolment=pending, approve=True, actor=world.coordinator_a1)
    pending.refresh_from_db()
    assert (pending.status, pending.stage) == ("pending", "county")
    assert Notice.objects.filter(kind="enrolment_waiting", user=world.county_admin).exists()
    svc.decide_enrolment(enrolment=pending, approve=False, actor=world.county_admin)
    assert statuses(project)[world.teacher_a1.name] == "rejected"
    assert statuses(project)[teachers[0].name] == "pending"  # promoted into the chain's first stage
    assert places_consistent(project)


def test_nomination_within_quota_then_confirmation(world, teachers):
    project = make_project(world.county_a, enrolment_mode="nomination", quota_mode="manual")
    svc.set_quotas(project=project, quotas_by_school={world.school_a1.pk: 1}, actor=None)
    with pytest.raises(WrongEnrolmentModeError):
        svc.enrol(project=project, person=world.teacher_a1, actor=world.teacher_user)
    nominated = svc.nominate(project=project, person=world.teacher_a1, actor=world.coordinator_a1)
    assert nominated.status == "nominated"
    assert Notice.objects.filter(kind="nominated", user=world.teacher_user).exists()
    with pytest.raises(QuotaFullError):
        svc.nominate(project=project, person=teachers[0], actor=world.coordinator_a1)
    svc.confirm_enrolment(enrolment=nominated, actor=world.teacher_user)
    assert statuses(project)[world.teacher_a1.name] == "enrolled"


def test_a_teacher_who_is_not_eligible_is_told_why(world):
    project = make_project(world.county_a, targets={"sections": ["junior"], "titles": ["senior"]})
    with pytest.raises(NotEligibleError) as error:
        svc.enrol(project=project, person=world.teacher_a1, actor=None)
    assert [r.code for r in error.value.reasons] == ["section", "title"]
    outside = make_project(world.county_b)
    with pytest.raises(NotEligibleError):
        svc.enrol(project=outside, person=world.teacher_a1, actor=None)


def test_enrolment_only_inside_the_window(world):
    project = make_project(world.county_a, enrol_opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(EnrolmentClosedError):
        svc.enrol(project=project, person=world.teacher_a1, actor=None)
    draft = make_project(world.county_a, status="published")
    with pytest.raises(EnrolmentClosedError):
        svc.enrol(project=draft, person=world.teacher_a1, actor=None)


def test_b8_a_project_with_subjects_records_the_one_subject_of_each_enrolment(world):
    project = make_project(world.county_a, targets={"subjects": ["语文", "数学"]})
    two = make_person(world.school_a1, "双科老师", subjects=["语文", "数学"])
    with pytest.raises(SubjectRequiredError):
        svc.enrol(project=project, person=two, actor=None)
    assert svc.enrol(project=project, person=two, actor=None, subject="数学").subject == "数学"
    assert svc.enrol(project=project, person=world.teacher_a1, actor=None).subject == "语文"


def test_mandatory_enrolment_takes_everyone_within_the_b1_limits_and_exemptions_go_school_then_county(world):
    young = make_person(world.school_a1, "年轻男", gender="male", birth_date=date(1990, 1, 1))
    old = make_person(world.school_a1, "年长女", gender="female", birth_date=date(1970, 1, 1))
    project = make_project(
        world.county_a,
        enrolment_mode="mandatory",
        targets={"max_age_male": 52, "max_age_female": 47, "age_limits_mandatory_only": True},
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 3),
    )
    count = svc.enrol_mandatory(project=project, actor=world.county_admin)
    enrolled = statuses(project)
    assert young.name in enrolled and old.name not in enrolled
    assert count == len(enrolled)
    assert svc.enrol_mandatory(project=project, actor=world.county_admin) == 0  # idempotent
    voluntary = svc.enrol(project=project, person=old, actor=None)  # B1: may still choose to take part
    assert voluntary.status == "enrolled"

    enrolment = Enrolment.objects.get(project=project, person=young)
    request = svc.request_exemption(enrolment=enrolment, reason="health", note="手术", actor=None)
    svc.decide_exemption(exemption=request, approve=True, actor=world.coordinator_a1)
    request.refresh_from_db()
    assert request.status == "pending_county"
    svc.decide_exemption(exemption=request, approve=True, actor=world.county_admin)
    assert statuses(project)[young.name] == "exempted"
    assert places_consistent(project)


def test_mandatory_enrolment_is_refused_whole_when_places_do_not_suffice(world, teachers):
    project = make_project(world.county_a, enrolment_mode="mandatory", capacity=2)
    with pytest.raises(CapacityTooSmallError):
        svc.enrol_mandatory(project=project, actor=None)
    assert not Enrolment.objects.filter(project=project).exists()


def test_the_lottery_is_drawn_after_the_window_reproducibly_and_fills_the_waitlist(world, teachers):
    project = make_project(world.county_a, enrolment_mode="lottery", capacity=2)
    for person in [world.teacher_a1, *teachers]:
        assert svc.enrol(project=project, person=person, actor=None).status == "applied"
    with pytest.raises(EnrolmentClosedError):
        svc.draw_lottery(project=project, actor=None)
    after = project.enrol_closes_at + timedelta(minutes=1)
    draw = svc.draw_lottery(project=project, actor=world.county_admin, seed="published-seed", now=after)
    assert (draw.applicants, draw.winners, draw.seed) == (6, 2, "published-seed")
    assert svc.verify_lottery(draw)
    result = statuses(project)
    assert sorted(result.values()) == ["enrolled"] * 2 + ["waitlisted"] * 4
    order = [entry[0] for entry in draw.entries]
    # The same seed and applicants give the same order, whoever re-runs it.
    from peixun.training.rules import lottery

    again = lottery.draw(svc.lottery_applicants_from(draw), seed="published-seed", places=2)
    assert list(again.order) == order
    tampered = LotteryDraw(
        **{
            **{f.name: getattr(draw, f.name) for f in LotteryDraw._meta.fields if f.name != "id"},
            "seed": "other",
        }
    )
    assert not svc.verify_lottery(tampered)
    assert places_consistent(project)


def test_the_clock_closes_the_window_and_cancels_a_project_below_its_minimum(world, teachers):
    project = make_project(world.county_a, min_size=3)
    svc.enrol(project=project, person=teachers[0], actor=None)
    report = clock.tick(now=project.enrol_closes_at + timedelta(minutes=1))
    project.refresh_from_db()
    assert report.cancelled == [project.pk]
    assert project.status == "cancelled" and "3" in project.status_reason
    assert statuses(project)[teachers[0].name] == "cancelled"
    assert Notice.objects.filter(kind="project_cancelled", user__person=teachers[0]).exists()
    assert places_consistent(project)
    assert clock.tick(now=project.enrol_closes_at + timedelta(minutes=2)).cancelled == []


def test_the_clock_opens_published_projects_and_starts_them_after_the_window(world):
    now = timezone.now()
    project = make_project(world.county_a, status="published", enrol_opens_at=now - timedelta(minutes=5))
    assert clock.tick(now=now).opened == [project.pk]
    project.refresh_from_db()
    assert project.status == "enrolling"
    later = timezone.make_aware(timezone.datetime.combine(project.starts_on, timezone.datetime.min.time()))
    report = clock.tick(now=later + timedelta(hours=1))
    project.refresh_from_db()
    assert project.status == "running"
    assert report.closed == [project.pk] and report.started == [project.pk]


def test_the_tick_command_reports_what_it_did(world):
    from io import StringIO

    from django.core.management import call_command

    make_project(world.county_a, status="published", enrol_opens_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("training_tick", stdout=out)
    assert out.getvalue().startswith("opened=1 ")
