"""Posting and reversing hours: idempotent, validated, append-only, and compliance kept current."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.ledger import compliance
from peixun.ledger.exceptions import (
    FutureDateError,
    InvalidHoursError,
    NotReversibleError,
    ReasonRequiredError,
    UnknownCodeError,
)
from peixun.ledger.models import ComplianceResult, CreditEntry, CreditRollup
from peixun.ledger.services import reverse_entry
from peixun.testing.factories import adopt_preset, give_hours

pytestmark = pytest.mark.django_db


def post(person, key="k1", hours=10, **fields):
    return give_hours(person, hours, key, **fields)


def rollup_total(person) -> Decimal:
    return CreditRollup.objects.filter(person=person).aggregate(total=Sum("hours"))["total"] or Decimal(0)


def test_a_posting_writes_the_entry_its_rollup_and_the_persons_compliance(world):
    adopt_preset(world.city)
    posted = post(world.teacher_a1, hours="12.5", tags=["ethics", "ethics"], author=world.centre_staff)
    assert posted.created
    assert posted.entry.hours == Decimal("12.5")
    assert posted.entry.tags == ["ethics"]
    assert rollup_total(world.teacher_a1) == Decimal("12.5")
    result = ComplianceResult.objects.get(person=world.teacher_a1)
    assert (result.earned_hours, result.required_hours, result.compliant) == (Decimal("12.5"), 360, False)
    assert result.version.policy.code == "five-year-360"


def test_the_same_idempotency_key_posts_once(world):
    first = post(world.teacher_a1, key="project:7:person:1:pass")
    again = post(world.teacher_a1, key="project:7:person:1:pass", hours=99)
    assert not again.created
    assert again.entry.pk == first.entry.pk
    assert CreditEntry.objects.count() == 1
    assert rollup_total(world.teacher_a1) == 10


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"hours": 0}, InvalidHoursError),
        ({"hours": "0.3"}, InvalidHoursError),
        ({"hours": "abc"}, InvalidHoursError),
        ({"level": "town"}, UnknownCodeError),
        ({"tags": ["师德"]}, UnknownCodeError),
        ({"earned_on": timezone.localdate() + timedelta(days=1)}, FutureDateError),
        ({"source": "adjustment", "reason": " "}, ReasonRequiredError),
    ],
)
def test_bad_postings_are_refused_and_write_nothing(world, fields, error):
    with pytest.raises(error):
        post(world.teacher_a1, **fields)
    assert not CreditEntry.objects.exists()
    assert not CreditRollup.objects.exists()


def test_manual_grants_are_audited(world):
    post(world.teacher_a1, source="direct", author=world.city_admin, audit=True, hours=300)
    event = AuditEvent.objects.get(action="credit_posted")
    assert event.actor == world.city_admin
    assert event.org_path == world.school_a1.path
    assert event.changes["hours"] == "300.0"


def test_the_ledger_is_append_only_in_the_database(world):
    entry = post(world.teacher_a1).entry
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        CreditEntry.objects.filter(pk=entry.pk).update(hours=20)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        CreditEntry.objects.filter(pk=entry.pk).delete()
    assert CreditEntry.objects.get(pk=entry.pk).hours == 10


@pytest.mark.parametrize(
    ("hours", "reason", "source"),
    [(Decimal("0"), "", "project"), (Decimal("0.3"), "", "project"), (Decimal("1"), "", "adjustment")],
)
def test_database_constraints_back_the_rules(world, hours, reason, source):
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEntry.objects.create(
            person=world.teacher_a1,
            hours=hours,
            category="practice",
            level="school",
            mode="school_based",
            earned_on=date(2026, 1, 5),
            source=source,
            title="x",
            idempotency_key="raw",
            reason=reason,
        )


def test_a_reversal_undoes_an_entry_once_with_a_reason(world):
    adopt_preset(world.city)
    entry = post(world.teacher_a1, hours=40).entry
    with pytest.raises(ReasonRequiredError):
        reverse_entry(entry=entry, author=world.city_admin, reason="")
    reversal = reverse_entry(entry=entry, author=world.city_admin, reason="重复登记")
    assert (reversal.hours, reversal.reverses, reversal.earned_on) == (Decimal("-40"), entry, entry.earned_on)
    assert rollup_total(world.teacher_a1) == 0
    assert ComplianceResult.objects.get(person=world.teacher_a1).earned_hours == 0
    assert AuditEvent.objects.filter(action="credit_reversed", actor=world.city_admin).exists()
    with pytest.raises(NotReversibleError):
        reverse_entry(entry=entry, author=world.city_admin, reason="again")
    with pytest.raises(NotReversibleError):
        reverse_entry(entry=reversal, author=world.city_admin, reason="undo the undo")


def test_rollups_equal_the_sum_of_entries_and_a_rebuild_reproduces_them(world):
    adopt_preset(world.city)
    today = timezone.localdate()
    for index, (person, hours, level) in enumerate(
        [
            (world.teacher_a1, 10, "county"),
            (world.teacher_a1, "2.5", "county"),
            (world.teacher_b1, 30, "school"),
        ]
    ):
        post(person, key=f"k{index}", hours=hours, level=level, earned_on=today)
    reverse_entry(entry=CreditEntry.objects.get(idempotency_key="k0"), author=None, reason="错误")
    before = sorted(CreditRollup.objects.values_list("person_id", "month", "level", "hours"))
    results_before = sorted(ComplianceResult.objects.values_list("person_id", "earned_hours", "compliant"))
    assert compliance.rebuild() > 0
    assert sorted(CreditRollup.objects.values_list("person_id", "month", "level", "hours")) == before
    after = dict(ComplianceResult.objects.values_list("person_id", "earned_hours"))
    assert {person: after[person] for person, _hours, _ok in results_before} == {
        person: hours for person, hours, _ok in results_before
    }
    # Everyone the policy governs now has a result, those without hours too; the other city's
    # teacher, under no policy, has none.
    assert after[world.teacher_a2.pk] == 0
    assert world.other_teacher.pk not in after
    for person in (world.teacher_a1, world.teacher_b1):
        entries = CreditEntry.objects.filter(person=person).aggregate(total=Sum("hours"))["total"]
        assert rollup_total(person) == entries
    assert before[0][1] == today.replace(day=1)


def test_people_without_a_governing_policy_have_no_result(world):
    post(world.other_teacher)
    assert not ComplianceResult.objects.filter(person=world.other_teacher).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_with_one_key_make_one_entry(world):
    barrier = threading.Barrier(8)
    outcomes: list[bool] = []

    def worker() -> None:
        try:
            barrier.wait()
            outcomes.append(post(world.teacher_a1, key="same-key", hours=8).created)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False] * 7 + [True]
    assert CreditEntry.objects.filter(idempotency_key="same-key").count() == 1
    assert rollup_total(world.teacher_a1) == 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_for_one_person_all_reach_the_rollup_and_the_result(world):
    adopt_preset(world.city)
    barrier = threading.Barrier(6)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            post(world.teacher_a1, key=f"key-{index}", hours=5, level=("county", "school", "city")[index % 3])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert rollup_total(world.teacher_a1) == 30
    assert ComplianceResult.objects.get(person=world.teacher_a1).earned_hours == 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel rebuilds run on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_large_rebuild_in_several_processes_gives_the_same_results(world, settings):
    adopt_preset(world.city)
    for index, person in enumerate([world.teacher_a1, world.teacher_a2, world.teacher_b1]):
        post(person, key=f"k{index}", hours=30 * (index + 1), level="school")
    sequential = sorted(
        ComplianceResult.objects.values_list("person_id", "counted_hours", "compliant", "org_path")
    )
    ComplianceResult.objects.all().delete()
    settings.RECOMPUTE_PARALLEL_FROM, settings.RECOMPUTE_WORKERS = 1, 2
    compliance.BATCH, batch = 2, compliance.BATCH  # several batches for two workers
    try:
        assert compliance.rebuild() == 5  # the other city's teacher too (no policy: no result)
    finally:
        compliance.BATCH = batch
    assert sorted(
        ComplianceResult.objects.values_list("person_id", "counted_hours", "compliant", "org_path")
    ) == (sequential)


def test_moving_an_org_moves_its_results_in_the_report(world):
    from peixun.ledger import selectors
    from peixun.orgs.services import move_subtree

    adopt_preset(world.city)
    move_subtree(world.school_a1, world.county_b)
    world.county_b.refresh_from_db()
    result = ComplianceResult.objects.get(person=world.teacher_a1)
    world.school_a1.refresh_from_db()
    assert result.org_path == world.school_a1.path
    assert selectors.figures(world.county_b)[0]["governed"] == 3


def test_people_whose_title_an_import_changed_are_re_evaluated(world, django_capture_on_commit_callbacks):
    from peixun.imports.tests.files import person_row, roster
    from peixun.orgs.imports import apply_people_file

    adopt_preset(world.city)
    assert ComplianceResult.objects.get(person=world.teacher_a1).required_hours == 360
    teacher = world.teacher_a1
    data = roster(
        person_row(
            姓名=teacher.name,
            性别="女",
            证件号码=teacher.reveal_id_number(),
            单位代码=world.school_a1.code,
            职称="高级",
            手机号="",
            任教学科="语文",
            学段="小学",
            角色="",
            入职日期="",
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        apply_people_file(
            data, "r.xlsx", scope_orgs=None, actor=world.city_admin, default_org=world.school_a1
        )
    assert ComplianceResult.objects.get(person=world.teacher_a1).required_hours == 540


# --- Adjustments that take hours away; people an import creates (issue 13) -------------------------


def _balanced_360(person):
    """360 hours meeting every five-year-360 requirement (categories, ethics, level shares)."""
    post(person, "b1", 60, category="ethics_literacy", tags=["ethics"], level="city")
    post(person, "b2", 60, category="ethics_literacy", level="county")
    post(person, "b3", 60, category="knowledge_skills", level="county")
    post(person, "b4", 80, category="knowledge_skills", level="school", mode="school_based")
    post(person, "b5", 100, category="practice", level="school", mode="school_based")


def test_a_negative_adjustment_takes_its_hours_off_the_stored_compliance_and_the_standing(world):
    from peixun.ledger import selectors

    adopt_preset(world.city)
    _balanced_360(world.teacher_a1)
    assert ComplianceResult.objects.get(person=world.teacher_a1).compliant
    post(
        world.teacher_a1,
        "adj",
        -20,
        source="adjustment",
        reason="核查发现重复登记",
        author=world.city_admin,
        audit=True,
    )
    result = ComplianceResult.objects.get(person=world.teacher_a1)
    assert (result.earned_hours, result.counted_hours, result.compliant) == (340, 340, False)
    assert result.shortfalls == {"total": 20.0, "knowledge_skills": 20.0, "level_county": 8.0}
    assert sorted(result.short_rules) == ["knowledge_skills", "level_county", "total"]
    messages = selectors.standing(world.teacher_a1).missing
    assert "总学时还差 20.0 学时（已按调减 20.0 学时核算）" in messages
    assert "知识与技能还差 20.0 学时（已按调减 20.0 学时核算）" in messages
    compliance.rebuild()  # from the raw entries: the same figures
    rebuilt = ComplianceResult.objects.get(person=world.teacher_a1)
    assert (rebuilt.counted_hours, rebuilt.compliant, rebuilt.shortfalls) == (340, False, result.shortfalls)


def test_reversing_a_negative_adjustment_gives_the_hours_back(world):
    adopt_preset(world.city)
    _balanced_360(world.teacher_a1)
    adjustment = post(world.teacher_a1, "adj", -20, source="adjustment", reason="误扣").entry
    reverse_entry(entry=adjustment, author=world.city_admin, reason="扣错了")
    result = ComplianceResult.objects.get(person=world.teacher_a1)
    assert (result.counted_hours, result.compliant, result.shortfalls) == (360, True, {})


def test_people_a_roster_import_creates_are_evaluated_and_not_counted_as_without_a_policy(
    world, django_capture_on_commit_callbacks
):
    from peixun.imports.tests.files import person_row, roster, valid_id
    from peixun.ledger import selectors
    from peixun.orgs.imports import apply_people_file
    from peixun.orgs.models import Person

    adopt_preset(world.city)
    data = roster(
        person_row(姓名="新教师甲", 证件号码=valid_id(sequence=11), 手机号="13900000011"),
        person_row(姓名="新教师乙", 证件号码=valid_id(sequence=12), 手机号="13900000012"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        apply_people_file(
            data, "r.xlsx", scope_orgs=None, actor=world.city_admin, default_org=world.school_a1
        )
    created = Person.objects.filter(name__in=["新教师甲", "新教师乙"])
    assert ComplianceResult.objects.filter(person__in=created).count() == 2
    summary, _hours = selectors.figures(world.county_a)
    assert (summary["people"], summary["governed"], summary["ungoverned"], summary["pending"]) == (4, 4, 0, 0)
