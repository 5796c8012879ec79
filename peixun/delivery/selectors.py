"""Reads for the delivery pages: lessons with their counts, a lesson's register, the attendance
table of a project, what a teacher has to do today, and the coursework completeness check."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peixun.delivery import access
from peixun.delivery.access import has_perm
from peixun.delivery.models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    DeliverySettings,
    LeaveRequest,
    Lesson,
    LessonStatus,
    Submission,
    SubmissionStatus,
)
from peixun.delivery.rules import attendance as rules
from peixun.delivery.rules import checkin
from peixun.delivery.services.attendance import absence_rule, approved_leave
from peixun.delivery.services.coursework import open_for_work
from peixun.delivery.services.lessons import lessons_of, settings_for, trainees
from peixun.orgs.access import path_q, scope_paths
from peixun.training.models import Cohort, Enrolment, EnrolmentStatus, Project
from peixun.training.rules import lifecycle


def lessons_for(user, project: Project) -> QuerySet[Lesson]:
    """The project's lessons the user runs (staff: all; a tutor: their classes' and the
    project-wide ones), with their marks counted."""
    queryset = Lesson.objects.filter(project=project).select_related("cohort", "course")
    if not access.manages(user, project):
        cohorts = access.tutored_cohorts(user, project)
        queryset = queryset.filter(Q(cohort__isnull=True) | Q(cohort_id__in=cohorts))
    return queryset.annotate(
        marked=Count("attendance"),
        attended=Count(
            "attendance",
            filter=Q(
                attendance__status__in=[
                    AttendanceStatus.PRESENT,
                    AttendanceStatus.LATE,
                    AttendanceStatus.LEAVE_OFFICIAL,
                ]
            ),
        ),
    ).order_by("starts_at", "pk")


def expected(lesson: Lesson) -> int:
    return trainees(lesson).count()


@dataclass
class RegisterRow:
    enrolment: Enrolment
    attendance: Attendance | None
    can_mark: bool
    leave: str = ""  # the leave mark when the trainee is on approved leave that day

    @property
    def shown(self) -> str:
        """The mark the register offers first: the stored one, else the approved leave, else
        present ("all present, then the exceptions")."""
        if self.attendance is not None:
            return self.attendance.status
        return self.leave or AttendanceStatus.PRESENT


@dataclass
class RegisterCounts:
    expected: int
    marked: int
    here: int  # present, late or on official leave
    by_status: list[tuple[str, str, int]]  # (status, label, count) of the marks stored


def register_counts(rows: list[RegisterRow]) -> RegisterCounts:
    stored = Counter(row.attendance.status for row in rows if row.attendance is not None)
    return _counts(len(rows), stored)


@dataclass(frozen=True)
class RegisterClasses:
    """Which classes a lesson for the whole project shows in its register: `options` as
    (key, label) for the chips above it, `selected` the key shown, `cohort_ids` the classes shown
    (None: everyone). A lesson of one class, or a project of fewer than two classes, has no options."""

    options: tuple[tuple[str, str], ...] = ()
    selected: str = ""
    cohort_ids: frozenset[int] | None = None


MINE, EVERY_CLASS = "mine", "all"


def register_classes(user, lesson: Lesson, asked: str = "") -> RegisterClasses:
    """The classes of the register asked for (`?class=`): a class by its id, every class, or the
    user's own. Without asking, a class tutor sees their own classes (a lesson for a project of
    1,000 opened on a tutor's phone showed every class, ten times what they mark), others every
    class. A key that is not one of the options shows the default."""
    if lesson.cohort_id:
        return RegisterClasses()
    cohorts = list(Cohort.objects.filter(project_id=lesson.project_id).order_by("number", "pk"))
    if len(cohorts) < 2:  # one class (or none): the register is that class, nothing to choose
        return RegisterClasses()
    mine = access.tutored_cohorts(user, lesson.project)
    options: list[tuple[str, str]] = []
    chosen: dict[str, frozenset[int] | None] = {}
    if mine and len(mine) < len(cohorts):
        options.append((MINE, str(_("My classes"))))
        chosen[MINE] = frozenset(mine)
    options.append((EVERY_CLASS, str(_("Every class"))))
    chosen[EVERY_CLASS] = None
    for cohort in cohorts:
        options.append((str(cohort.pk), cohort.name))
        chosen[str(cohort.pk)] = frozenset({cohort.pk})
    selected = asked if asked in chosen else (MINE if MINE in chosen else EVERY_CLASS)
    return RegisterClasses(tuple(options), selected, chosen[selected])


def register_counts_of(
    user, lesson: Lesson, cohort_ids: frozenset[int] | None = None
) -> tuple[RegisterCounts, int]:
    """The register's counts, as `register_counts` of the whole register gives them, and how many
    the user may mark are not marked yet — counted in the database, for a single mark's answer.
    Of the classes shown when given."""
    everyone = trainees(lesson)
    if cohort_ids is not None:
        everyone = everyone.filter(cohort_id__in=cohort_ids)
    marks = Attendance.objects.filter(lesson=lesson, enrolment_id__in=everyone.values("pk"))
    stored = Counter(dict(marks.values_list("status").annotate(n=Count("pk")).order_by()))
    markable = everyone
    if not access.manages(user, lesson.project):
        markable = markable.filter(cohort_id__in=access.tutored_cohorts(user, lesson.project))
    unmarked = markable.exclude(pk__in=marks.values("enrolment_id")).count()
    return _counts(everyone.count(), stored), unmarked


def _counts(expected: int, stored: Counter) -> RegisterCounts:
    return RegisterCounts(
        expected=expected,
        marked=sum(stored.values()),
        here=sum(stored[status] for status in ATTENDED),
        by_status=[(value, str(label), stored[value]) for value, label in AttendanceStatus.choices],
    )


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEAVE_OFFICIAL)


def register(
    user, lesson: Lesson, enrolment_ids: list[int] | None = None, cohort_ids: frozenset[int] | None = None
) -> list[RegisterRow]:
    """The lesson's register, one row per trainee (only these trainees' rows, or these classes',
    when given)."""
    enrolments = trainees(lesson)
    marks_of = Attendance.objects.filter(lesson=lesson)
    if enrolment_ids is not None:
        enrolments = enrolments.filter(pk__in=enrolment_ids)
        marks_of = marks_of.filter(enrolment_id__in=enrolment_ids)
    if cohort_ids is not None:
        enrolments = enrolments.filter(cohort_id__in=cohort_ids)
        marks_of = marks_of.filter(enrolment__cohort_id__in=cohort_ids)
    marks = {a.enrolment_id: a for a in marks_of}
    leave = approved_leave(lesson, enrolment_ids)
    can_mark = access.marker(user, lesson)
    rows = []
    for enrolment in enrolments.select_related("person", "school", "cohort").order_by(
        "cohort__number", "person__name_pinyin", "pk"
    ):
        rows.append(
            RegisterRow(
                enrolment,
                marks.get(enrolment.pk),
                can_mark(enrolment),
                leave.get(enrolment.pk, ("", 0))[0],
            )
        )
    return rows


def register_shown(user, lesson: Lesson, cohort_ids: frozenset[int] | None = None) -> dict[int, str]:
    """{enrolment id: the mark the register offers first} for every trainee of the lesson the user
    may mark (of the classes shown, when given) — what saving the whole register reads, without
    building its rows (a register of 1,000 built four model instances per row)."""
    can_mark = access.marker(user, lesson)
    marks = dict(Attendance.objects.filter(lesson=lesson).values_list("enrolment_id", "status"))
    leave = approved_leave(lesson, None)
    shown = {}
    enrolments = trainees(lesson)
    if cohort_ids is not None:
        enrolments = enrolments.filter(cohort_id__in=cohort_ids)
    for pk, cohort_id in enrolments.values_list("pk", "cohort_id"):
        if can_mark(Enrolment(pk=pk, cohort_id=cohort_id)):
            shown[pk] = marks.get(pk) or leave.get(pk, ("", 0))[0] or AttendanceStatus.PRESENT
    return shown


@dataclass
class MatrixRow:
    enrolment: Enrolment
    cells: list[str]
    tally: rules.Tally
    left: int | None  # absences left before failing; None without a limit
    leave_counts: bool = True  # the scheme counts leave as missed class (RULES D2)

    @property
    def rate(self) -> Decimal:
        return self.tally.rate(self.leave_counts)

    @property
    def warn(self) -> bool:
        """Past the limit, or one absence from it while a lesson where it could happen is ahead."""
        return self.left is not None and (self.left < 0 or (self.left == 0 and self.tally.ahead > 0))


def attendance_matrix(user, project: Project) -> tuple[list[Lesson], list[MatrixRow]]:
    """Every trainee the user runs × every lesson, with each one's tally and absences left."""
    lessons = list(lessons_for(user, project).exclude(status=LessonStatus.CANCELLED))
    queryset = Enrolment.objects.filter(project=project, status=EnrolmentStatus.ENROLLED).select_related(
        "person", "school", "cohort"
    )
    if not access.manages(user, project):
        queryset = queryset.filter(cohort_id__in=access.tutored_cohorts(user, project))
    enrolments = list(queryset.order_by("cohort__number", "person__name_pinyin", "pk"))
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for lesson_id, enrolment_id, status in Attendance.objects.filter(
        lesson__project=project, enrolment_id__in=[e.pk for e in enrolments]
    ).values_list("lesson_id", "enrolment_id", "status"):
        marks[enrolment_id][lesson_id] = status
    rule = absence_rule(project)
    # Each class's own lessons (those of the whole project and the class's), worked out once per
    # class rather than once per trainee: a class of 100 over 30 lessons is 3,000 cells.
    columns = [(lesson.pk, lesson.cohort_id, lesson.status == LessonStatus.SCHEDULED) for lesson in lessons]
    own_of: dict[int | None, list[tuple[int, bool]]] = {}
    rows = []
    for enrolment in enrolments:
        cohort_id = enrolment.cohort_id
        own = own_of.get(cohort_id)
        if own is None:
            own = own_of[cohort_id] = [
                (pk, scheduled) for pk, cohort, scheduled in columns if cohort is None or cohort == cohort_id
            ]
        mine = marks[enrolment.pk]
        cells = [
            mine.get(pk, "") if cohort is None or cohort == cohort_id else "-" for pk, cohort, _s in columns
        ]
        ahead = sum(1 for pk, scheduled in own if scheduled and pk not in mine)
        tally = rules.Tally.of((mine.get(pk, "") for pk, _s in own), len(own), ahead)
        left = rules.absences_left(tally, rule[0], rule[1]) if rule else None
        rows.append(MatrixRow(enrolment, cells, tally, left, rule[1] if rule else True))
    return lessons, rows


# --- The teacher's view ------------------------------------------------------------------------


def my_enrolments(user) -> list[Enrolment]:
    """The teacher's enrolments in projects under way, newest first — read once per request (kept
    on the account object, as `access.tutored_cohorts` is): today's lessons, the projects not
    started and the home page each asked for them."""
    if not user.person_id:
        return []
    cached = user.__dict__.get("_peixun_my_enrolments")
    if cached is None:
        cached = user.__dict__["_peixun_my_enrolments"] = list(
            Enrolment.objects.filter(
                person_id=user.person_id,
                status=EnrolmentStatus.ENROLLED,
                project__status__in=lifecycle.PUBLIC,
            )
            .select_related("project", "project__organiser", "cohort", "cohort__tutor")
            .order_by("-project__starts_on", "-pk")
        )
    return list(cached)


def phase(lesson: Lesson, now: datetime | None = None) -> str:
    """Where the lesson stands by the clock: upcoming, running, ended or cancelled."""
    return rules.lesson_phase(lesson.status, lesson.starts_at, lesson.ends_at, now or timezone.now())


@dataclass
class TodayLesson:
    lesson: Lesson
    enrolment: Enrolment
    open: bool
    mark: str
    phase: str = rules.UPCOMING


@dataclass
class NotStarted:
    """A project the teacher is enrolled in whose training has not started: check-in opens then."""

    enrolment: Enrolment
    first_lesson: Lesson | None
    opens_before: int  # minutes before each lesson


def my_not_started(user) -> list[NotStarted]:
    """The teacher's projects still before 开始培训, with their first lesson if scheduled."""
    found = []
    for enrolment in my_enrolments(user):
        if enrolment.project.status not in lifecycle.OPEN_FOR_ENROLMENT:
            continue
        first = (
            lessons_of(enrolment).filter(status=LessonStatus.SCHEDULED).order_by("starts_at", "pk").first()
        )
        found.append(NotStarted(enrolment, first, settings_for(enrolment.project).opens_before))
    return found


def _own_lessons_q(enrolments: list[Enrolment]) -> Q:
    """Each trainee's lessons (their class's and the whole project's), for many enrolments at once."""
    query = Q(pk__in=[])
    for enrolment in enrolments:
        query |= Q(project_id=enrolment.project_id) & (
            Q(cohort__isnull=True) | Q(cohort_id=enrolment.cohort_id)
        )
    return query


def _settings_of(projects: list[Project]) -> None:
    """Fetch the delivery settings of many projects in one query (peixun.delivery.services.lessons
    `settings_for` then reads them from the project)."""
    found = {row.project_id: row for row in DeliverySettings.objects.filter(project__in=projects)}
    for project in projects:
        project._delivery_settings = found.get(project.pk) or DeliverySettings(project=project)  # type: ignore[attr-defined]  # the cache settings_for reads


def my_lessons(user, *, days: int = 14, now: datetime | None = None) -> list[TodayLesson]:
    """The teacher's lessons from today for `days`, those open for check-in first (a fixed number
    of queries, however many projects)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    enrolments = [e for e in my_enrolments(user) if e.project.status in lifecycle.MARKING]
    if not enrolments:
        return []
    by_project = {enrolment.project_id: enrolment for enrolment in enrolments}
    lessons = list(
        Lesson.objects.filter(_own_lessons_q(enrolments))
        .exclude(status=LessonStatus.CANCELLED)
        .filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=days))
        .order_by("starts_at", "pk")
    )
    marks = dict(
        Attendance.objects.filter(enrolment__in=enrolments, lesson__in=[lesson.pk for lesson in lessons])
        .order_by()  # the model's ordering joins the lesson, the enrolment and the project
        .values_list("lesson_id", "status")
    )
    _settings_of([enrolment.project for enrolment in enrolments])
    found = []
    for lesson in lessons:
        enrolment = by_project[lesson.project_id]
        lesson.project = enrolment.project
        is_open = lesson.status == LessonStatus.SCHEDULED and checkin.in_window(
            now, lesson.starts_at, lesson.ends_at, settings_for(enrolment.project).opens_before
        )
        found.append(TodayLesson(lesson, enrolment, is_open, marks.get(lesson.pk, ""), phase(lesson, now)))
    found.sort(key=lambda item: (not item.open, item.lesson.starts_at))
    return found


@dataclass
class WorkItem:
    """One task on the trainee's page; `past_due` once its due date has passed (not handed in by
    then is 缺交; before it, 待提交)."""

    assignment: Assignment
    submission: Submission | None
    enrolment: Enrolment
    past_due: bool = False
    open: bool = True  # work is still taken (peixun.delivery.services.coursework.open_for_work)

    @property
    def to_hand_in(self) -> bool:
        """Not handed in (or returned for revision) and still taken: something to do."""
        waiting = self.submission is None or self.submission.status == SubmissionStatus.RETURNED
        return waiting and self.open


def my_work(enrolment: Enrolment, now: datetime | None = None) -> list[WorkItem]:
    now = now or timezone.now()
    submissions = {s.assignment_id: s for s in Submission.objects.filter(enrolment=enrolment)}
    return [
        WorkItem(assignment, submissions.get(assignment.pk), enrolment, now > assignment.due_at)
        for assignment in Assignment.objects.filter(project=enrolment.project).select_related("course")
    ]


def my_coursework(user, now: datetime | None = None) -> list[WorkItem]:
    """The coursework of every project the teacher is enrolled in, by due date (the My coursework
    page; a fixed number of queries)."""
    now = now or timezone.now()
    enrolments = my_enrolments(user)
    if not enrolments:
        return []
    by_project = {enrolment.project_id: enrolment for enrolment in enrolments}
    submissions = {
        (s.assignment_id, s.enrolment_id): s
        for s in Submission.objects.filter(enrolment__in=enrolments).order_by()  # no ordering joins
    }
    items = []
    for assignment in (
        Assignment.objects.filter(project_id__in=list(by_project))
        .select_related("course")
        .order_by("due_at", "order", "pk")
    ):
        enrolment = by_project[assignment.project_id]
        assignment.project = enrolment.project
        submission = submissions.get((assignment.pk, enrolment.pk))
        items.append(
            WorkItem(
                assignment, submission, enrolment, now > assignment.due_at, open_for_work(assignment, now)
            )
        )
    return items


def my_leave_requests(user, limit: int = 100) -> list[LeaveRequest]:
    """The teacher's leave requests in every project, newest first (the My leave page)."""
    if not user.person_id:
        return []
    return list(
        LeaveRequest.objects.filter(enrolment__person_id=user.person_id)
        .select_related("enrolment__project")
        .order_by("-created_at", "-pk")[:limit]
    )


def my_marks(enrolment: Enrolment, now: datetime | None = None) -> list[tuple[Lesson, str, str]]:
    """The trainee's lessons with their mark and where each stands by the clock."""
    now = now or timezone.now()
    marks = dict(Attendance.objects.filter(enrolment=enrolment).values_list("lesson_id", "status"))
    return [
        (lesson, marks.get(lesson.pk, ""), phase(lesson, now))
        for lesson in lessons_of(enrolment).select_related("course").order_by("starts_at")
    ]


def my_leave(enrolment: Enrolment) -> list[LeaveRequest]:
    return list(LeaveRequest.objects.filter(enrolment=enrolment).prefetch_related("decisions"))


# --- Coursework --------------------------------------------------------------------------------


@dataclass
class Completeness:
    enrolment: Enrolment
    missing: list[str] = field(default_factory=list)  # required, overdue, not handed in
    todo: list[str] = field(default_factory=list)  # required, not yet due
    submitted: int = 0
    graded: int = 0

    @property
    def complete(self) -> bool:
        return not self.missing


def completeness(user, project: Project) -> list[Completeness]:
    """Per trainee the user runs: required tasks missing (not handed in, returned, or too short)."""
    from peixun.delivery.services.coursework import meets_length

    enrolments = Enrolment.objects.filter(project=project, status=EnrolmentStatus.ENROLLED).select_related(
        "person", "school", "cohort"
    )
    if not access.manages(user, project):
        enrolments = enrolments.filter(cohort_id__in=access.tutored_cohorts(user, project))
    assignments = list(Assignment.objects.filter(project=project))
    now = timezone.now()
    submissions: dict[int, dict[int, Submission]] = defaultdict(dict)
    for handed_in in (
        Submission.objects.filter(assignment__project=project)
        .select_related("assignment")
        .prefetch_related("files")
    ):
        submissions[handed_in.enrolment_id][handed_in.assignment_id] = handed_in
    rows = []
    for enrolment in enrolments.order_by("cohort__number", "person__name_pinyin", "pk"):
        row = Completeness(enrolment)
        for assignment in assignments:
            submission = submissions[enrolment.pk].get(assignment.pk)
            counts = (
                submission is not None
                and submission.status != SubmissionStatus.RETURNED
                and meets_length(submission)
            )
            if counts and submission is not None:
                row.submitted += 1
                row.graded += submission.status == SubmissionStatus.GRADED
            elif assignment.required:
                not_due = now <= assignment.due_at  # 待提交 until its due date, never missing before
                (row.todo if not_due else row.missing).append(assignment.title)
        rows.append(row)
    return rows


def submission_counts(project: Project) -> dict[int, Counter]:
    counts: dict[int, Counter] = defaultdict(Counter)
    for assignment_id, status in Submission.objects.filter(assignment__project=project).values_list(
        "assignment_id", "status"
    ):
        counts[assignment_id][status] += 1
    return counts


def submissions_for(user, assignment: Assignment) -> list[tuple[Enrolment, Submission | None]]:
    enrolments = Enrolment.objects.filter(
        project=assignment.project, status=EnrolmentStatus.ENROLLED
    ).select_related("person", "school", "cohort")
    if not access.manages(user, assignment.project):
        enrolments = enrolments.filter(cohort_id__in=access.tutored_cohorts(user, assignment.project))
    found = {
        s.enrolment_id: s for s in Submission.objects.filter(assignment=assignment).prefetch_related("files")
    }
    return [(e, found.get(e.pk)) for e in enrolments.order_by("cohort__number", "person__name_pinyin", "pk")]


# --- The tutor's day -----------------------------------------------------------------------------


def _tutored(user) -> list[tuple[int, int]]:
    """(class id, project id) of the classes the user tutors in projects under way."""
    if not user.is_authenticated or not user.person_id or not access.has_perm(user, "training.tutor"):
        return []
    return list(
        Cohort.objects.filter(tutor_id=user.person_id, project__status__in=lifecycle.MARKING).values_list(
            "pk", "project_id"
        )
    )


def tutor_lessons_on(user, day: date) -> list[Lesson]:
    """The lessons of `day` the tutor runs (their classes' and their projects' whole-project ones),
    with how many trainees are marked so far."""
    tutored = _tutored(user)
    if not tutored:
        return []
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    cohorts = [cohort for cohort, _project in tutored]
    projects = {project for _cohort, project in tutored}
    return list(
        Lesson.objects.filter(Q(cohort_id__in=cohorts) | Q(cohort__isnull=True, project_id__in=projects))
        .filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .exclude(status=LessonStatus.CANCELLED)
        .select_related("project", "cohort")
        .annotate(marked=Count("attendance"))
        .order_by("starts_at", "pk")
    )


def to_grade(user) -> QuerySet[Submission]:
    """Work handed in by the trainees of the user's classes and not graded yet, the oldest first
    (returned work waits for the trainee, not the tutor)."""
    if not user.is_authenticated or not user.person_id or not access.has_perm(user, "training.tutor"):
        return Submission.objects.none()
    return (
        Submission.objects.filter(
            status=SubmissionStatus.SUBMITTED,
            enrolment__cohort__tutor_id=user.person_id,
            enrolment__status=EnrolmentStatus.ENROLLED,
            assignment__project__status__in=lifecycle.MARKING,
        )
        .select_related("assignment", "assignment__project", "enrolment__person", "enrolment__cohort")
        .order_by("submitted_at", "pk")
    )


def month_lessons(lessons, year: int, month: int) -> dict[date, list[Lesson]]:
    by_day: dict[date, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        day = timezone.localtime(lesson.starts_at).date()
        if day.year == year and day.month == month:
            by_day[day].append(lesson)
    return by_day


def grading_queue(
    user, *, project_id: int | None = None, assignment_id: int | None = None
) -> QuerySet[Submission]:
    """Handed-in work waiting for a score that the user grades — a tutor: their classes'; staff:
    every trainee's of the projects they manage — in running or assessed projects; by the
    assignment's due date, then oldest first. The grading queue (delivery:grading) walks it; a
    home page counts it."""
    scope = path_q(scope_paths(user, "training.manage"), "assignment__project__organiser__path")
    if user.person_id and has_perm(user, "training.tutor"):
        scope |= Q(enrolment__cohort__tutor_id=user.person_id)
    queryset = Submission.objects.filter(
        scope,
        status=SubmissionStatus.SUBMITTED,
        assignment__project__status__in=lifecycle.MARKING,
        enrolment__status=EnrolmentStatus.ENROLLED,
    )
    if project_id is not None:
        queryset = queryset.filter(assignment__project_id=project_id)
    if assignment_id is not None:
        queryset = queryset.filter(assignment_id=assignment_id)
    return queryset.order_by("assignment__due_at", "assignment_id", "submitted_at", "pk")


def queue_neighbours(
    queue: QuerySet[Submission], submission: Submission
) -> tuple[int | None, int | None, int, int]:
    """(previous id, next id, position from 1, length) of `submission` in the queue; a submission
    no longer waiting (just graded) sits where it was, so next goes on from there."""
    keyed = list(queue.values_list("assignment__due_at", "assignment_id", "submitted_at", "pk"))
    here = (submission.assignment.due_at, submission.assignment_id, submission.submitted_at, submission.pk)
    before = [row for row in keyed if row < here]
    after = [row for row in keyed if row > here]
    waiting = any(row[3] == submission.pk for row in keyed)
    return (
        before[-1][3] if before else None,
        after[0][3] if after else None,
        len(before) + 1,
        len(keyed) + (0 if waiting else 1),
    )


# --- The teacher's file (peixun.certificates.archive) ----------------------------------------------


def attendance_summary(enrolment_ids: list[int]) -> dict[int, Counter]:
    """Each enrolment's marks counted by kind: present, late, absent and leave (any kind), in one
    query. An enrolment with no marks is left out."""
    found: dict[int, Counter] = defaultdict(Counter)
    rows = (
        Attendance.objects.filter(enrolment_id__in=enrolment_ids)
        .values_list("enrolment_id", "status")
        .annotate(n=Count("id"))
    )
    for enrolment_id, status, n in rows:
        kind = "leave" if status.startswith("leave") else status
        found[enrolment_id][kind] += n
    return dict(found)


def coursework_of(enrolment_ids: list[int]) -> list[Submission]:
    """The work handed in on these enrolments, with its assignment and project, oldest first."""
    return list(
        Submission.objects.filter(enrolment_id__in=enrolment_ids)
        .select_related("assignment__project")
        .defer("text", "comment", "assignment__description")
        .order_by("assignment__project__starts_on", "assignment__order", "assignment_id", "pk")
    )
