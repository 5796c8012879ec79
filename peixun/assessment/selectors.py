"""Reads for assessment: the scheme in force, the facts a result is computed from (gathered for a
whole project in a handful of queries), and the results lists."""

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from peixun.assessment.models import EthicsVeto, ManualScore, Result, ResultStatus, SchemeVersion
from peixun.assessment.rules import presets
from peixun.assessment.rules import scoring as R
from peixun.assessment.rules.scheme import Scheme
from peixun.delivery.models import (
    Assignment,
    Attendance,
    LatePolicy,
    Lesson,
    LessonStatus,
    OutsideResult,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from peixun.delivery.rules import files as file_rules
from peixun.training.models import Course, Enrolment, EnrolmentStatus, Project


def current_version(project: Project) -> SchemeVersion | None:
    return SchemeVersion.objects.filter(project=project).order_by("-number").first()


def current_scheme(project: Project) -> Scheme:
    """The scheme in force: the latest version, else the default preset."""
    version = current_version(project)
    return version.scheme() if version is not None else presets.preset(presets.DEFAULT)


def trainees(project: Project, enrolment_ids=None) -> QuerySet[Enrolment]:
    queryset = Enrolment.objects.filter(project=project, status=EnrolmentStatus.ENROLLED)
    if enrolment_ids is not None:
        queryset = queryset.filter(pk__in=list(enrolment_ids))
    return queryset


def _percent(score: Decimal | None, status: str, late: bool, assignment: Mapping[str, Any]) -> Decimal | None:
    if score is None or status != SubmissionStatus.GRADED:
        return None
    value = score * 100 / assignment["max_score"]
    if late and assignment["late_policy"] == LatePolicy.PENALTY and assignment["late_penalty"]:
        value = value * (100 - assignment["late_penalty"]) / 100
    return value


def facts_for(project: Project, enrolments: list[Enrolment]) -> dict[int, R.Facts]:
    """The facts of each given trainee, loaded in one query per kind of input."""
    ids = [e.pk for e in enrolments]
    lessons = list(
        Lesson.objects.filter(project=project)
        .exclude(status=LessonStatus.CANCELLED)
        .values("pk", "cohort_id", "course_id")
    )
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    # Read into dictionaries: the models' orderings (which join the lesson, the assignment and the
    # project to sort) are dropped.
    for lesson_id, enrolment_id, status in (
        Attendance.objects.filter(lesson__project=project, enrolment_id__in=ids)
        .order_by()
        .values_list("lesson_id", "enrolment_id", "status")
    ):
        marks[enrolment_id][lesson_id] = status
    assignments = {
        a["pk"]: a
        for a in Assignment.objects.filter(project=project).values(
            "pk",
            "title",
            "required",
            "course_id",
            "min_chars",
            "max_score",
            "late_policy",
            "late_penalty",
            "due_at",
        )
    }
    # Work not yet due is 待提交, never missing — whatever state the project is in (a project may
    # move to assessment with work still open; its results stay provisional until the due date).
    now = timezone.now()
    uncounted = set(
        SubmissionFile.objects.filter(
            submission__assignment__project=project, submission__enrolment_id__in=ids
        )
        .exclude(kind=file_rules.DOCX)
        .order_by()
        .values_list("submission_id", flat=True)
    )
    submissions: dict[int, dict[int, Mapping[str, Any]]] = defaultdict(dict)
    for found in (
        Submission.objects.filter(assignment__project=project, enrolment_id__in=ids)
        .order_by()
        .values("pk", "assignment_id", "enrolment_id", "status", "score", "late", "char_count")
    ):
        submissions[found["enrolment_id"]][found["assignment_id"]] = found
    outside = {
        row["enrolment_id"]: row
        for row in OutsideResult.objects.filter(enrolment_id__in=ids)
        .order_by()
        .values("enrolment_id", "online_minutes", "discussions", "exam_score")
    }
    manual: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for enrolment_id, key, value in (
        ManualScore.objects.filter(enrolment_id__in=ids)
        .order_by()
        .values_list("enrolment_id", "key", "value")
    ):
        manual[enrolment_id][key] = value
    courses = tuple(
        R.CourseInfo(c.pk, c.name, c.required, c.assessed, c.hours)
        for c in Course.objects.filter(project=project)
    )
    facts = {}
    for enrolment in enrolments:
        own = marks.get(enrolment.pk, {})
        lesson_marks = tuple(
            R.Mark(lesson["course_id"], own.get(lesson["pk"], ""))
            for lesson in lessons
            if lesson["cohort_id"] is None or lesson["cohort_id"] == enrolment.cohort_id
        )
        work = []
        for assignment in assignments.values():
            row = submissions.get(enrolment.pk, {}).get(assignment["pk"])
            submitted = bool(
                row
                and row["status"] in (SubmissionStatus.SUBMITTED, SubmissionStatus.GRADED)
                and (
                    not assignment["min_chars"]
                    or row["char_count"] >= assignment["min_chars"]
                    or row["pk"] in uncounted
                )
            )
            percent = _percent(row["score"], row["status"], row["late"], assignment) if row else None
            work.append(
                R.Work(
                    assignment["title"],
                    assignment["required"],
                    submitted,
                    percent,
                    assignment["course_id"],
                    open=now <= assignment["due_at"],
                    due=assignment["due_at"],
                    due_on=timezone.localtime(assignment["due_at"]).date().isoformat(),
                )
            )
        extra: Mapping[str, Any] = outside.get(enrolment.pk, {})
        facts[enrolment.pk] = R.Facts(
            marks=lesson_marks,
            work=tuple(work),
            online_minutes=extra.get("online_minutes"),
            discussions=extra.get("discussions"),
            exam=extra.get("exam_score"),
            manual=manual.get(enrolment.pk, {}),
            courses=courses,
            project_hours=project.hours_credited,
        )
    return facts


def vetoed_people(person_ids, year: int) -> set[int]:
    return set(
        EthicsVeto.objects.filter(
            person_id__in=list(person_ids), year=year, lifted_at__isnull=True
        ).values_list("person_id", flat=True)
    )


def provisional_results(project: Project) -> QuerySet[Result]:
    """The enrolled trainees' results that are still provisional (暂定): the project cannot close
    while there is one."""
    return Result.objects.filter(
        project=project, status=ResultStatus.PROVISIONAL, enrolment__status=EnrolmentStatus.ENROLLED
    )


def results(project: Project) -> QuerySet[Result]:
    return (
        Result.objects.filter(project=project)
        .select_related("enrolment__person", "enrolment__school", "enrolment__cohort", "version")
        .order_by("-passed", F("total").desc(nulls_last=True), "enrolment__person__name_pinyin", "pk")
    )


# --- The teacher's file (peixun.certificates.archive) ----------------------------------------------


def results_by_enrolment(enrolment_ids: list[int]) -> dict[int, Result]:
    """The results of these enrolments, by enrolment, in one query (none yet: not in the dict)."""
    found = (
        Result.objects.filter(enrolment_id__in=enrolment_ids)
        .select_related("version")
        .defer("components", "reasons", "courses", "gates", "waiting", "notes")
    )
    return {result.enrolment_id: result for result in found}


def ethics_reviews_of(person_id: int, first_year: int, last_year: int) -> list[EthicsVeto]:
    """The ethics reviews a person failed (师德一票否决) in these years, lifted ones included."""
    return list(
        EthicsVeto.objects.filter(person_id=person_id, year__gte=first_year, year__lte=last_year).order_by(
            "year", "created_at"
        )
    )
