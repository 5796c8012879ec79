"""Delivery, assessment and certificate demo data for `manage.py seed_demo`: two projects of the
demo county with the demo teacher enrolled and the demo tutor's class —

- one running now: a schedule of lessons (the past ones marked, one open for check-in today, the
  rest to come, a public holiday among them if the month has one), coursework handed in and partly
  graded, a leave request waiting for the tutor, results computed as the project goes;
- one closed last month: every lesson marked, work graded, scores entered, the excellent-trainee
  list final, hours posted to the ledger and certificates issued (合格证书 and 优秀学员证书), so 我的
  学时 shows the hours and the teacher downloads a certificate that anyone can verify.

Marks and work are written in bulk (synthetic rows are nobody's change); results, closing, hours and
certificates go through their services. A second or so at the small scale."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from peixun.assessment import services as assessment_services
from peixun.assessment.models import ExcellenceRound, ManualScore
from peixun.assessment.rules import presets
from peixun.certificates import services as certificate_services
from peixun.certificates.seal import make_seal
from peixun.delivery.models import (
    Assignment,
    Attendance,
    AttendanceMethod,
    DeliverySettings,
    LeaveRequest,
    Lesson,
    LessonStatus,
    Submission,
)
from peixun.delivery.rules import leave as leave_rules
from peixun.orgs.models import Org, OrgKind, Person, PersonStatus
from peixun.training.models import Cohort, Course, Enrolment, Project
from peixun.training.services.projects import transition_project

H = Decimal
NOTES = "本次研修围绕单元整体教学设计展开。" * 40  # about 700 characters of notes


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _project(county: Org, centre: Org, **fields) -> Project:
    project = Project.objects.create(
        organiser=centre, level="county", credit_class="A", fee_payer="school", **fields
    )
    project.audience.set([county])
    return project


def _enrol(project: Project, people: list[Person], cohort: Cohort) -> list[Enrolment]:
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                project=project, person=p, school_id=p.org_id, status="enrolled", source="self", cohort=cohort
            )
            for p in people
        ]
    )
    Project.objects.filter(pk=project.pk).update(places_taken=len(people))
    return list(Enrolment.objects.filter(project=project).order_by("pk"))


def _marks(rng: random.Random, lessons: list[Lesson], enrolments: list[Enrolment], weak: set[int]) -> None:
    rows = []
    for lesson in lessons:
        for enrolment in enrolments:
            roll = rng.random()
            if enrolment.pk in weak:
                status = "absent" if roll < 0.6 else "present"
            elif roll < 0.86:
                status = "present"
            elif roll < 0.93:
                status = "late"
            elif roll < 0.97:
                status = "leave_official"
            else:
                status = "absent"
            method = AttendanceMethod.CODE if status in ("present", "late") else AttendanceMethod.REGISTER
            # Late means after the delivery settings' default 10 minutes; on time means before that.
            minutes = rng.randint(11, 25) if status == "late" else rng.randint(-10, 8)
            checked = lesson.starts_at + timedelta(minutes=minutes)
            rows.append(
                Attendance(
                    lesson=lesson,
                    enrolment=enrolment,
                    status=status,
                    method=method,
                    checked_in_at=checked if status in ("present", "late") else None,
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=1000)


@transaction.atomic
def seed_delivery(*, school: Org, centre: Org, seed: int = 2026, today: date | None = None) -> int:
    """Write the two demo projects; returns how many certificates were issued."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    county = next(org for org in school.ancestors() if org.kind == OrgKind.COUNTY)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["teacher", "tutor", "centre", "admin"])
    }
    teacher = users["teacher"].person if "teacher" in users else None
    tutor = users["tutor"].person if "tutor" in users else None
    staff = users.get("centre") or users.get("admin")
    pool = list(
        Person.objects.filter(
            org__path__startswith=county.path, org__kind=OrgKind.SCHOOL, status=PersonStatus.ACTIVE
        )
        .exclude(pk__in=[p.pk for p in (teacher, tutor) if p is not None])
        .order_by("pk")[:400]
    )
    rng.shuffle(pool)
    trainees_running = ([teacher] if teacher else []) + pool[:35]
    trainees_closed = ([teacher] if teacher else []) + pool[35:64]

    # --- 1. Running now ------------------------------------------------------------------------
    running = _project(
        county,
        centre,
        title=f"{today.year}年小学语文单元整体教学研修班",
        project_type="backbone",
        category="knowledge_skills",
        mode="concentrated",
        description="集中研修与课堂实践相结合：专家讲座、课例研讨、教学设计与反思。出勤不少于三分之二，按时完成必做作业。",
        hours_credited=H("24"),
        enrol_opens_at=_at(today - timedelta(days=30), 9),
        enrol_closes_at=_at(today - timedelta(days=16), 17),
        starts_on=today - timedelta(days=12),
        ends_on=today + timedelta(days=16),
        capacity=40,
        status="running",
        window_closed_at=_at(today - timedelta(days=16), 17),
    )
    Course.objects.bulk_create(
        [
            Course(
                project=running, name="单元整体教学设计", hours=H("16"), category="knowledge_skills", order=0
            ),
            Course(project=running, name="课例研讨与反思", hours=H("8"), category="practice", order=1),
        ]
    )
    cohort = Cohort.objects.create(project=running, number=1, name="语文1班", tutor=tutor)
    enrolments = _enrol(running, trainees_running, cohort)
    DeliverySettings.objects.create(
        project=running, leave_chain=leave_rules.chain_json(leave_rules.DEFAULT_CHAIN)
    )
    topics = [
        "开班式与新课标解读",
        "单元整体教学设计原理",
        "课例观摩：《四季》",
        "学习任务群的设计",
        "课堂观察与评课",
        "作业设计专题",
        "今日研修：教学设计工作坊",
        "成果展示与结业",
    ]
    days = [-12, -9, -7, -5, -2, -1, 0, 9]
    lessons = []
    for topic, offset in zip(topics, days, strict=True):
        day = today + timedelta(days=offset)
        if offset == 0:
            starts, ends = now - timedelta(minutes=15), now + timedelta(hours=3)
        else:
            starts, ends = _at(day, 14), _at(day, 16, 30)
        lessons.append(
            Lesson(
                project=running,
                topic=topic,
                trainer="周立新" if offset % 2 else "孙晓燕",
                starts_at=starts,
                ends_at=ends,
                place="区教师发展中心 301 报告厅",
                status=LessonStatus.CLOSED if ends < now else LessonStatus.SCHEDULED,
                closed_at=ends if ends < now else None,
            )
        )
    Lesson.objects.bulk_create(lessons)
    held = [
        lesson
        for lesson in Lesson.objects.filter(project=running).order_by("starts_at")
        if lesson.ends_at < now
    ]
    _marks(rng, held, enrolments, weak={enrolments[-1].pk})
    notes = Assignment.objects.create(
        project=running,
        title="学习笔记",
        kind="notes",
        min_chars=3000,
        due_at=_at(today + timedelta(days=14), 22),
        description="记录每次研修的要点与体会，不少于 3000 字。",
    )
    design = Assignment.objects.create(
        project=running,
        title="单元教学设计",
        kind="lesson_design",
        due_at=_at(today - timedelta(days=1), 22),
        description="选择一个单元，完成整体教学设计（可上传 Word 或 PDF）。",
        late_policy="penalty",
        late_penalty=10,
    )
    Assignment.objects.create(
        project=running,
        title="课例研讨反思（选做）",
        kind="reflection",
        required=False,
        due_at=_at(today + timedelta(days=10), 22),
    )
    submissions = []
    for index, enrolment in enumerate(enrolments[:30]):
        graded = index % 3 != 1
        submissions.append(
            Submission(
                assignment=design,
                enrolment=enrolment,
                text=NOTES[:400],
                char_count=400,
                status="graded" if graded else "submitted",
                submitted_at=now - timedelta(days=2, hours=index),
                score=H(70 + index % 25) if graded else None,
                graded_by=users.get("tutor") if graded else None,
                graded_at=now - timedelta(days=1) if graded else None,
                comment="设计完整，目标清晰。" if graded else "",
            )
        )
    Submission.objects.bulk_create(submissions)
    if teacher is not None:
        LeaveRequest.objects.create(
            enrolment=enrolments[1],
            kind="personal",
            reason="家中有事，申请请假一次。",
            starts_on=today + timedelta(days=9),
            ends_on=today + timedelta(days=9),
            chain=leave_rules.chain_json(leave_rules.DEFAULT_CHAIN),
        )
    assessment_services.recompute(project=running)
    del notes

    # --- 2. Closed last month, certificates issued -----------------------------------------------
    ended = today.replace(day=1) - timedelta(days=1)
    closed = _project(
        county,
        centre,
        title=f"{ended.year}年班主任专题培训",
        project_type="head_teacher",
        category="knowledge_skills",
        tags=["head_teacher_topic"],
        mode="concentrated",
        description=("班主任专题培训30学时，出勤20%、作业30%、教育与组织工作50%。"),
        hours_credited=H("30"),
        enrol_opens_at=_at(ended - timedelta(days=40), 9),
        enrol_closes_at=_at(ended - timedelta(days=25), 17),
        starts_on=ended - timedelta(days=20),
        ends_on=ended,
        capacity=40,
        status="running",
        window_closed_at=_at(ended - timedelta(days=25), 17),
    )
    Course.objects.create(
        project=closed, name="班级管理与家校沟通", hours=H("30"), category="knowledge_skills"
    )
    cohort2 = Cohort.objects.create(project=closed, number=1, name="班主任1班", tutor=tutor)
    enrolled = _enrol(closed, trainees_closed, cohort2)
    assessment_services.save_version(
        project=closed, text=presets.preset_text("head-teacher"), actor=staff, preset="head-teacher"
    )
    past = [
        Lesson(
            project=closed,
            topic=f"班主任专题 第{i + 1}讲",
            trainer="王海燕",
            starts_at=_at(ended - timedelta(days=20 - 3 * i), 9),
            ends_at=_at(ended - timedelta(days=20 - 3 * i), 11, 30),
            place="区教师发展中心 201",
            status=LessonStatus.CLOSED,
            closed_at=_at(ended - timedelta(days=20 - 3 * i), 11, 30),
        )
        for i in range(6)
    ]
    Lesson.objects.bulk_create(past)
    _marks(rng, list(Lesson.objects.filter(project=closed)), enrolled, weak={enrolled[-1].pk})
    if teacher is not None:  # the demo teacher came every time
        Attendance.objects.filter(lesson__project=closed, enrolment=enrolled[0]).update(status="present")
    tasks = [
        Assignment.objects.create(
            project=closed,
            title=title,
            kind=kind,
            min_chars=minimum,
            due_at=_at(ended - timedelta(days=2), 22),
        )
        for title, kind, minimum in (
            ("班主任工作反思", "reflection", 0),
            ("班级管理案例分析", "case_analysis", 0),
            ("培训学习笔记", "notes", 3000),
        )
    ]
    rows = []
    for index, enrolment in enumerate(enrolled):
        for task in tasks:
            if index == len(enrolled) - 2 and task.kind == "case_analysis":
                continue  # one trainee never handed in the case analysis (RULES D2)
            text = NOTES * 5 if task.min_chars else NOTES[:600]
            rows.append(
                Submission(
                    assignment=task,
                    enrolment=enrolment,
                    text=text,
                    char_count=len(text),
                    status="graded",
                    submitted_at=_at(ended - timedelta(days=3), 20),
                    score=H(92 if index == 0 else 68 + (index * 7) % 30),
                    graded_by=users.get("tutor"),
                    graded_at=_at(ended - timedelta(days=1), 10),
                    comment="完成认真。",
                )
            )
    Submission.objects.bulk_create(rows, batch_size=500)
    ManualScore.objects.bulk_create(
        [
            ManualScore(enrolment=e, key="work", value=H(95 if i == 0 else 70 + (i * 11) % 28))
            for i, e in enumerate(enrolled)
        ]
    )
    assessment_services.recompute(project=closed)
    transition_project(project=closed, action="assess", actor=staff, check_perm=False)
    closed.refresh_from_db()
    assessment_services.draft_excellence(project=closed, actor=staff)
    assessment_services.publish_excellence(project=closed, actor=staff)
    # The public notice ran for its five days before the project closed.
    ExcellenceRound.objects.filter(project=closed).update(
        notice_starts_at=now - timedelta(days=8), notice_ends_at=now - timedelta(days=3)
    )
    assessment_services.finalise_excellence(project=closed, actor=staff, now=now)
    transition_project(project=closed, action="close", actor=staff, check_perm=False)
    closed.refresh_from_db()

    region = county.code if len(county.code) == 6 and county.code.isdigit() else "320300"
    seal = make_seal(f"{county.name}教育局")
    issued = 0
    for kind, name, title in (("pass", "合格证书", ""), ("excellent", "优秀学员证书", "")):
        template = certificate_services.save_template(
            org=county,
            actor=staff,
            fields={
                "name": f"{county.name}{name}",
                "kind": kind,
                "title": title,
                "body": "",
                "issuer": f"{county.name}教育局",
                "region": region,
                "active": True,
            },
            seal=seal,
        )
        batch = certificate_services.start_batch(project=closed, template=template, actor=staff)
        if batch.state == "queued":  # the database queue: issue now rather than wait for the worker
            batch = certificate_services.run_batch(batch.pk, workers=1)
        issued += batch.done
    return issued
