"""Competitions through the services: the template, entry rules, exemptions, quotas and the
reproducible draw, judging, and awards from 公示 to final, revocation and the ethics veto."""

from datetime import date
from decimal import Decimal

import pytest

from peixun.assessment.models import EthicsVeto
from peixun.audit.models import AuditEvent
from peixun.certificates.hooks import file_sections
from peixun.competitions import exceptions as E
from peixun.competitions import services
from peixun.competitions.models import (
    Award,
    AwardStatus,
    Entry,
    ExemptionReason,
    ExemptionStatus,
    Place,
    PrizeRecord,
    StageStatus,
    Way,
)
from peixun.competitions.tests.factories import competition, enter_all, teachers
from peixun.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db
PDF = services.Evidence("诊断证明.pdf", "pdf", b"%PDF-1.4\n")


def test_a_new_competition_carries_the_seeded_template(world):
    c = competition(world)
    stages = list(c.stages.prefetch_related("items"))
    assert [s.kind for s in stages] == ["school", "district", "final"]
    assert [sum(i.weight for i in s.items.all()) for s in stages] == [100, 100, 100]
    assert [g.name for g in c.groups.all()] == ["小学青年组", "初中青年组", "中老年组"]
    assert len(c.subjects) == 9 and c.second_rate == Decimal("0.30") and c.nominated_share == Decimal("0.60")


def test_entry_refuses_the_seat_schools_prize_winners_and_a_second_subject(world):
    c = competition(world)
    c.seat_schools.add(world.school_a2)
    senior = make_person(world.school_a1, "老教师", section="primary", birth_date=date(1975, 5, 1))
    entry = services.enter(competition=c, person=senior, subject="数学", actor=world.coordinator_a1)
    assert entry.group.name == "中老年组"
    young = services.enter(competition=c, person=world.teacher_a1, subject="语文", actor=world.coordinator_a1)
    assert young.group.name == "小学青年组"
    with pytest.raises(E.AlreadyEnteredError, match="语文"):
        services.enter(competition=c, person=world.teacher_a1, subject="数学", actor=world.coordinator_a1)
    with pytest.raises(E.NotEligibleError, match=r"区政府所在地|district seat"):
        services.enter(competition=c, person=world.teacher_a2, subject="数学", actor=world.county_admin)
    winner = make_person(world.school_a1, "获奖者", section="primary", birth_date=date(1988, 1, 1))
    PrizeRecord.objects.create(person=winner, year=2023, level="county", award="first", title="区赛")
    with pytest.raises(E.NotEligibleError, match="2023"):
        services.enter(competition=c, person=winner, subject="语文", actor=world.coordinator_a1)
    assert Entry.objects.filter(competition=c).count() == 2
    assert Place.objects.filter(stage__number=1).count() == 2


def test_exemption_needs_the_cut_off_and_evidence_and_goes_school_then_bureau(world):
    c = competition(world)
    older = make_person(
        world.school_a1, "将退休", gender="female", section="primary", birth_date=date(1969, 2, 1)
    )
    with pytest.raises(E.NotEligibleError):
        services.request_exemption(
            competition=c,
            person=world.teacher_a1,
            reason=ExemptionReason.RETIREMENT,
            note="",
            evidence=PDF,
            actor=world.teacher_user,
        )
    x = services.request_exemption(
        competition=c,
        person=older,
        reason=ExemptionReason.RETIREMENT,
        note="",
        evidence=PDF,
        actor=world.coordinator_a1,
    )
    with pytest.raises(E.CompetitionError):
        services.review_exemption(exemption=x, step="bureau", approve=True, actor=world.county_admin)
    services.review_exemption(exemption=x, step="school", approve=True, actor=world.coordinator_a1)
    x = services.review_exemption(exemption=x, step="bureau", approve=True, actor=world.county_admin)
    assert x.status == ExemptionStatus.APPROVED
    with pytest.raises(E.NotEligibleError):
        services.enter(competition=c, person=older, subject="语文", actor=world.coordinator_a1)


def test_quotas_nominations_and_a_draw_that_reruns_to_the_same_result(world):
    c = competition(world)
    big = enter_all(c, teachers(world.school_a1, 5), world.county_admin)
    small = enter_all(c, teachers(world.school_a2, 2, section="junior"), world.county_admin)
    district = c.stages.get(number=2)
    q = services.quotas(district)
    assert (q[world.school_a1.pk].places, q[world.school_a1.pk].nominated, q[world.school_a1.pk].drawn) == (
        2,
        1,
        1,
    )
    assert (q[world.school_a2.pk].places, q[world.school_a2.pk].nominated, q[world.school_a2.pk].drawn) == (
        1,
        1,
        0,
    )
    services.nominate(stage=district, entry=big[0], actor=world.coordinator_a1)
    with pytest.raises(E.QuotaFullError):
        services.nominate(stage=district, entry=big[1], actor=world.coordinator_a1)
    services.nominate(stage=district, entry=small[0], actor=world.county_admin)
    district = services.publish_draw(stage=district, seed="公开种子-2026", actor=world.county_admin)
    assert district.status == StageStatus.PUBLISHED and len(district.candidates) == 5
    assert district.draw_quotas == {str(world.school_a1.pk): 1}
    district = services.run_draw(stage=district, actor=world.county_admin)
    assert len(district.drawn) == 1 and district.drawn[0] in {e.pk for e in big[1:]}
    check = services.verify_draw(district)
    assert check.same and check.digest_ok
    assert district.places.filter(way=Way.DRAWN).count() == 1
    district.candidates = district.candidates[1:]
    assert not services.verify_draw(district).digest_ok
    assert AuditEvent.objects.filter(
        action="competition_draw_published", changes__seed="公开种子-2026"
    ).exists()


def _final_with_scores(world, c, people_scores):
    """Finalists placed directly in the final and scored by one judge on every item."""
    final = c.stages.get(number=3)
    judge = make_user("judge1")
    group = c.groups.get(name="小学青年组")
    for item in final.items.all():
        services.assign_judge(item=item, group=group, user=judge, actor=world.county_admin)
    entries = enter_all(c, [p for p, _s in people_scores], world.county_admin)
    for entry, (_p, score) in zip(entries, people_scores, strict=True):
        place = Place.objects.create(stage=final, entry=entry, way=Way.NOMINATED)
        for item in final.items.all():
            services.submit_score(place=place, item=item, value=Decimal(score), judge=judge)
    return final, entries, judge


def test_a_non_judge_cannot_score_and_scores_are_audited(world):
    c = competition(world)
    people = teachers(world.school_a1, 2)
    final, entries, judge = _final_with_scores(world, c, [(people[0], 90), (people[1], 80)])
    place = final.places.get(entry=entries[0])
    with pytest.raises(E.NotJudgeError):
        services.submit_score(
            place=place, item=final.items.first(), value=Decimal(99), judge=world.county_admin
        )
    services.submit_score(place=place, item=final.items.first(), value=Decimal(95), judge=judge)
    event = AuditEvent.objects.filter(action="competition_scored").latest("id")
    assert event.changes["score"] == ["90.00", "95"]
    services.compute_results(stage=final)
    assert list(final.places.order_by("rank").values_list("entry_id", "rank")) == [
        (entries[0].pk, 1),
        (entries[1].pk, 2),
    ]


def test_awards_through_notice_veto_objection_and_final_into_the_teachers_file(world):
    c = competition(
        world, first_share=Decimal("0.2"), second_share=Decimal("0.2"), third_share=Decimal("0.2")
    )
    people = teachers(world.school_a1, 5)
    _final, entries, _judge = _final_with_scores(world, c, [(p, 95 - 5 * n) for n, p in enumerate(people)])
    EthicsVeto.objects.create(person=people[1], year=2026, reason="师德考核不合格")
    assert services.draft_awards(competition=c, actor=world.county_admin) == 2  # of the four left, 20 % each
    levels = dict(Award.objects.values_list("entry_id", "level"))
    assert levels == {entries[0].pk: "first", entries[2].pk: "second"}  # the vetoed 2nd place gets nothing
    objection = services.raise_objection(
        award=Award.objects.get(entry=entries[2]), text="课例抄袭", actor=world.teacher_user
    )
    c.refresh_from_db()
    with pytest.raises(E.ObjectionsOpenError):
        services.finalise(competition=c, actor=world.county_admin)
    services.decide_objection(objection=objection, upheld=True, actor=world.county_admin)
    assert services.finalise(competition=c, actor=world.county_admin) == 1
    award = Award.objects.get(entry=entries[0])
    assert (
        award.status == AwardStatus.FINAL and award.number.endswith("-2026-000001") and len(award.code) == 32
    )
    assert Award.objects.get(entry=entries[2]).status == AwardStatus.REVOKED
    assert Entry.objects.get(pk=entries[2].pk).status == "disqualified"
    sections = [s for s in file_sections.run(person=people[0], cycle=None) if s is not None]
    assert any(row[1] == c.name for s in sections for row in s.rows)
    # After final, falsification still revokes; and the first prize excludes next year's entry (B5).
    services.revoke_for_falsification(entry=award.entry, reason="材料造假", actor=world.county_admin)
    assert PrizeRecord.objects.get(source=award).revoked
    PrizeRecord.objects.filter(source=award).update(revoked=False)
    later = services.create_competition(
        organiser=world.county_a, name="下一届", year=2027, actor=world.county_admin
    )
    with pytest.raises(E.NotEligibleError):
        services.enter(competition=later, person=people[0], subject="语文", actor=world.county_admin)
