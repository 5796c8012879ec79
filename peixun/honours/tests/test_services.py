"""The honours services: the selection from nomination to final, quotas and the ethics veto
enforced, objections, titles' terms, yearly obligations, reviews and renewal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peixun.assessment.services import record_veto
from peixun.audit.models import AuditEvent
from peixun.honours import selectors, services, steps
from peixun.honours.exceptions import (
    EthicsVetoError,
    NotDueError,
    NoticeClosedError,
    NoticeNotOverError,
    OutsideSelectionError,
    PendingNominationsError,
    PendingObjectionsError,
    QuotaExceededError,
    ReasonRequiredError,
    SelectionClosedError,
)
from peixun.honours.models import (
    Family,
    Honour,
    HonourStatus,
    NominationStatus,
    ReviewOutcome,
    SelectionStatus,
)
from peixun.honours.rules import terms
from peixun.honours.tests import factories
from peixun.testing.factories import give_hours, make_person

pytestmark = pytest.mark.django_db


def _after_notice(selection):
    return selection.notice_ends_on + timedelta(days=1)


def test_an_ethics_selection_runs_from_nomination_to_conferred_honour_and_is_audited(world):
    selection, nomination = factories.in_notice(world.county_a, world.teacher_a2, world.county_admin)
    assert selection.status == SelectionStatus.NOTICE
    assert [row.person for row in selectors.public_rows(selection)] == [world.teacher_a2]
    services.finalise(selection=selection, actor=world.county_admin, today=_after_notice(selection))
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.CONFERRED
    honour = Honour.objects.get(person=world.teacher_a2)
    assert (honour.kind.name, honour.ends_on, honour.year) == ("师德模范", None, selection.year)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"honours_nominated", "honours_notice_published", "honours_selection_finalised"} <= actions


def test_the_final_list_refuses_more_than_the_quota_and_names_it(world):
    selection = factories.selection(world.county_a, world.county_admin)
    services.set_quotas(
        selection=selection, counts={factories.kind("师德模范").pk: 1}, actor=world.county_admin
    )
    for person in (world.teacher_a2, make_person(world.school_a2, "刘洋")):
        nomination = factories.nominate(selection, person, world.county_admin)
        services.review_nomination(nomination=nomination, accept=True, note="", actor=world.county_admin)
    today = timezone.localdate()
    services.publish_notice(selection=selection, starts_on=today, ends_on=today, actor=world.county_admin)
    with pytest.raises(QuotaExceededError) as refused:
        services.finalise(selection=selection, actor=world.county_admin, today=today + timedelta(days=1))
    assert "师德模范" in str(refused.value) and "1" in str(refused.value)
    selection.refresh_from_db()
    assert selection.status == SelectionStatus.NOTICE and not Honour.objects.exists()


def test_an_ethics_veto_blocks_the_nomination_and_the_final_list(world):
    year = timezone.localdate().year
    record_veto(person=world.teacher_b1, year=year, reason="体罚学生", actor=world.city_admin)
    selection = factories.selection(world.city, world.city_admin)
    with pytest.raises(EthicsVetoError):
        factories.nominate(selection, world.teacher_b1, world.city_admin)
    # A veto recorded after acceptance still stops the final list.
    selection, _nomination = factories.in_notice(world.county_b, world.teacher_b2, world.city_admin)
    record_veto(person=world.teacher_b2, year=year, reason="有偿补课", actor=world.city_admin)
    with pytest.raises(EthicsVetoError) as refused:
        services.finalise(selection=selection, actor=world.city_admin, today=_after_notice(selection))
    assert "陈静" in str(refused.value)


def test_a_returned_nomination_says_why_and_is_sent_again_by_the_school(world):
    selection = factories.selection(world.county_a, world.county_admin)
    nomination = factories.nominate(selection, world.teacher_a2, world.coordinator_a1)
    with pytest.raises(ReasonRequiredError):
        services.review_nomination(nomination=nomination, accept=False, note=" ", actor=world.county_admin)
    services.review_nomination(
        nomination=nomination, accept=False, note="缺少获奖证书", actor=world.county_admin
    )
    again = factories.nominate(selection, world.teacher_a2, world.coordinator_a1)
    assert again.pk == nomination.pk and again.status == NominationStatus.SUBMITTED
    assert again.evidence.count() == 2


def test_only_teachers_under_the_bureau_are_nominated_before_the_closing_day_and_all_are_decided(world):
    selection = factories.selection(world.county_a, world.county_admin)
    with pytest.raises(OutsideSelectionError):
        factories.nominate(selection, world.teacher_b1, world.county_admin)
    with pytest.raises(SelectionClosedError):
        services.nominate(
            selection=selection,
            person=world.teacher_a2,
            kind=factories.kind("师德模范"),
            statement=factories.STATEMENT,
            files=[],
            actor=world.coordinator_a1,
            today=selection.nominations_close_on + timedelta(days=1),
        )
    factories.nominate(selection, world.teacher_a2, world.county_admin)
    today = timezone.localdate()
    with pytest.raises(PendingNominationsError):
        services.publish_notice(selection=selection, starts_on=today, ends_on=today, actor=world.county_admin)


def test_an_upheld_objection_removes_the_nominee_and_the_list_waits_for_every_objection(world):
    selection, nomination = factories.in_notice(world.county_a, world.teacher_a2, world.county_admin)
    with pytest.raises(NoticeNotOverError):
        services.finalise(selection=selection, actor=world.county_admin)
    objection = services.raise_objection(nomination=nomination, text="曾有违规收受礼品行为", contact="")
    with pytest.raises(PendingObjectionsError):
        services.finalise(selection=selection, actor=world.county_admin, today=_after_notice(selection))
    services.decide_objection(objection=objection, uphold=True, note="经查属实", actor=world.county_admin)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.REMOVED
    assert list(selectors.public_rows(selection)) == []
    with pytest.raises(NoticeClosedError):
        services.raise_objection(
            nomination=nomination, text="迟到的异议内容", contact="", today=_after_notice(selection)
        )


def test_a_programme_title_is_held_five_years_and_feeds_tutor_selection(world):
    selection, _nomination = factories.in_notice(
        world.county_a, world.teacher_a2, world.county_admin, kind_name="区名师", family=Family.TITLE
    )
    day = _after_notice(selection)
    services.finalise(selection=selection, actor=world.county_admin, today=day)
    honour = Honour.objects.get(person=world.teacher_a2)
    assert honour.ends_on == day.replace(year=day.year + 5) - timedelta(days=1)
    assert selectors.titles_for([world.teacher_a2.pk, world.teacher_b1.pk], on=day) == {
        world.teacher_a2.pk: ["区名师"]
    }
    assert selectors.titles_for([world.teacher_a2.pk], on=honour.ends_on + timedelta(days=1)) == {}


def test_yearly_progress_reads_concentrated_hours_from_the_ledger_and_logged_guidance(world):
    honour = factories.title(world.teacher_a2)
    today = timezone.localdate()
    give_hours(world.teacher_a2, hours=20, mode="concentrated")
    give_hours(world.teacher_a2, hours=10, mode="remote")
    services.log_guidance(
        person=world.teacher_a2,
        given_on=today,
        hours=Decimal(6),
        place="东湖第一中学",
        description="听评课",
        actor=world.city_admin,
    )
    progress = selectors.progress_of([honour], terms.school_year_of(today))[honour.pk]
    assert (progress.concentrated.done, progress.guidance.done) == (Decimal(20), Decimal(6))
    assert not progress.met and progress.concentrated.missing == Decimal(4)


def test_a_removal_at_the_annual_review_says_why_and_ends_the_title(world):
    honour = factories.title(world.teacher_a2)
    with pytest.raises(ReasonRequiredError):
        services.review_title(
            honour=honour, school_year=2025, outcome=ReviewOutcome.REMOVE, note="", actor=world.city_admin
        )
    review = services.review_title(
        honour=honour,
        school_year=2025,
        outcome=ReviewOutcome.REMOVE,
        note="连续两年未完成指导任务",
        actor=world.city_admin,
    )
    honour.refresh_from_db()
    assert honour.status == HonourStatus.REMOVED and honour.ends_on == timezone.localdate()
    assert review.concentrated_hours == Decimal(0)


def test_a_title_is_renewed_for_a_new_term_only_when_due(world):
    fresh = factories.title(world.teacher_a2, starts_on=timezone.localdate())
    with pytest.raises(NotDueError):
        services.close_term(honour=fresh, renew=True, note="", actor=world.city_admin)
    old = factories.title(world.teacher_b1, starts_on=timezone.localdate() - timedelta(days=5 * 365 - 30))
    assert old in selectors.due(Honour.objects.all(), timezone.localdate())
    renewed = services.close_term(honour=old, renew=True, note="", actor=world.city_admin)
    old.refresh_from_db()
    assert old.status == HonourStatus.RENEWED and renewed.renews == old
    assert renewed.starts_on == old.ends_on + timedelta(days=1)


def test_honours_and_titles_land_in_the_teachers_file(world):
    assert steps.titles_section(person=world.teacher_a2, cycle=None) is None
    factories.title(world.teacher_a2, "骨干教师")
    section = steps.titles_section(person=world.teacher_a2, cycle=None)
    assert section is not None and section.rows[0][0] == "骨干教师" and section.rows[0][2] == "在任"
