"""Reads of interest groups: a group's applicants, members and sessions, and the tutors'
subsidies of a term with every line explained (rules/subsidy.py)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from peixun.interest.models import Application, ApplicationStatus, InterestGroup, Lesson, Student, Term
from peixun.interest.rules import subsidy
from peixun.orgs.models import Person


def rates(term: Term) -> subsidy.Rates:
    return subsidy.Rates(
        hours_per_session=term.hours_per_session,
        plan_deduction=term.plan_deduction,
        test_deduction=term.test_deduction,
        yuan_per_hour=term.yuan_per_hour,
    )


def group_facts(group: InterestGroup) -> subsidy.GroupFacts:
    return subsidy.GroupFacts(
        name=group.name,
        has_plan=group.has_plan,
        tests_planned=group.tests_planned,
        tests_held=group.tests_held,
        lessons=[
            subsidy.LessonFacts(
                lesson.held_on, lesson.has_lesson_plan, lesson.has_homework, lesson.has_register
            )
            for lesson in group.lessons.all()
        ],
    )


def groups_with_counts(groups: QuerySet[InterestGroup]) -> QuerySet[InterestGroup]:
    return (
        groups.select_related("term", "school", "tutor")
        .annotate(
            applicants=Count("applications", distinct=True),
            members=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.SELECTED), distinct=True
            ),
        )
        .order_by("org_path", "name", "id")
    )


@dataclass(frozen=True)
class TutorSubsidy:
    tutor: Person
    school_name: str
    groups: list[InterestGroup]
    result: subsidy.Subsidy


def subsidies(term: Term, groups: QuerySet[InterestGroup]) -> list[TutorSubsidy]:
    """Each tutor's subsidy for the term over their groups among `groups`."""
    found = (
        groups.filter(term=term)
        .select_related("tutor", "school")
        .prefetch_related(Prefetch("lessons", queryset=Lesson.objects.order_by("held_on", "id")))
        .order_by("org_path", "tutor__name_pinyin", "name", "id")
    )
    by_tutor: dict[int, list[InterestGroup]] = defaultdict(list)
    for group in found:
        by_tutor[group.tutor_id].append(group)
    term_rates = rates(term)
    return [
        TutorSubsidy(
            tutor=tutored[0].tutor,
            school_name=tutored[0].school.name,
            groups=tutored,
            result=subsidy.compute(term_rates, [group_facts(group) for group in tutored]),
        )
        for tutored in by_tutor.values()
    ]


def applications(group: InterestGroup) -> QuerySet[Application]:
    return group.applications.select_related("student").order_by("applied_at", "id")


def members(group: InterestGroup) -> QuerySet[Student]:
    return Student.objects.filter(
        applications__group=group, applications__status=ApplicationStatus.SELECTED
    ).order_by("grade", "class_name", "name", "id")


def lessons(group: InterestGroup) -> QuerySet[Lesson]:
    return group.lessons.annotate(present_count=Count("present")).order_by("held_on", "id")
