"""The demo's school-based training: the county's prescribed topics for this school year, the demo
school's plan (both prescribed topics and one line of the school's own) submitted and approved, an
activity of the past week with daily check-ins, a follow-along study with its counted tasks (one
teacher done, the others part-way), and a week of daily participation snapshots computed from them."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from peixun.core.exceptions import DomainError
from peixun.orgs.models import GrantRole, Org, Person, PersonStatus
from peixun.participation.services import take_snapshot
from peixun.schoolbased import activities, services
from peixun.schoolbased.models import Attendance, PlanLine
from peixun.schoolbased.rules import checkin
from peixun.schoolbased.rules import follow_along as fa


def seed_schoolbased(*, school: Org, county: Org, today: date) -> None:
    users = get_user_model().objects
    author = users.filter(grants__role=GrantRole.BUREAU_ADMIN).first() or users.order_by("pk").first()
    coordinator = users.filter(grants__role=GrantRole.SCHOOL_COORDINATOR).first() or author
    if author is None or coordinator is None:
        return
    year = today.year if today.month >= 9 else today.year - 1
    district = services.publish_year(
        org=county, school_year=year, deadline=date(year + 1, 7, 15), actor=author
    )
    topics = [
        services.add_topic(
            district_year=district,
            title=title,
            category=category,
            level="school",
            planned_hours=hours,
            actor=author,
        )
        for title, category, hours in (
            ("师德师风专题学习", "ethics_literacy", Decimal(30)),
            ("新课标解读与教学设计", "knowledge_skills", Decimal(40)),
        )
    ]
    plan = services.create_plan(school=school, school_year=year, actor=coordinator)
    leader = Person.objects.filter(org=school).order_by("pk").first()
    start = date(year, 9, 15)
    services.save_line(
        plan=plan,
        actor=coordinator,
        topic=topics[0],
        title=topics[0].title,
        category=topics[0].category,
        level="school",
        planned_hours=Decimal(30),
        starts_on=start,
        ends_on=date(year, 12, 20),
        leader=leader,
        budget=Decimal(2000),
    )
    services.save_line(
        plan=plan,
        actor=coordinator,
        topic=topics[1],
        title=topics[1].title,
        category=topics[1].category,
        level="school",
        planned_hours=Decimal(40),
        starts_on=start,
        ends_on=date(year + 1, 5, 30),
        leader=leader,
        budget=Decimal(1000),
    )
    own = services.save_line(
        plan=plan,
        actor=coordinator,
        title="青年教师课堂观察与研讨",
        category="practice",
        level="school",
        planned_hours=Decimal(40),
        starts_on=start,
        ends_on=date(year + 1, 6, 30),
        leader=leader,
        budget=Decimal(3000),
    )
    try:
        services.submit_plan(plan=plan, actor=coordinator)
        services.decide_plan(plan=plan, actor=author, approve=True)
    except DomainError:
        return  # the policy's caps refuse the demo plan: the plan page says why
    _seed_activities(own, coordinator=coordinator, school=school, today=today, year=year)
    for back in range(6, -1, -1):
        take_snapshot(today - timedelta(days=back))


def _seed_activities(line: PlanLine, *, coordinator, school: Org, today: date, year: int) -> None:
    teachers = list(Person.objects.filter(org=school, status=PersonStatus.ACTIVE).order_by("pk")[:8])
    if len(teachers) < 4:
        return
    first_day = max(today - timedelta(days=6), date(year, 9, 1))
    lesson_study = activities.create_activity(
        line=line,
        kind="regular",
        title="青年教师课堂观察周",
        starts_on=first_day,
        ends_on=today,
        place="教学楼三楼录播室",
        leader=teachers[0],
        hours=Decimal(6),
        participants=teachers,
        actor=coordinator,
    )
    day = first_day
    while day <= today:
        at = timezone.make_aware(datetime.combine(day, time(8, 20)))
        for index, person in enumerate(teachers):
            if (index + day.day) % 4:  # about three in four check in each day
                activities.check_in(
                    activity=lesson_study,
                    person=person,
                    code=checkin.code_for(lesson_study.checkin_secret, lesson_study.pk, day),
                    actor=coordinator,
                    now=at,
                )
        day += timedelta(days=1)
    absent = lesson_study.participants.exclude(attendance=Attendance.PRESENT)
    activities.mark_attendance(
        activity=lesson_study, marks={p.pk: Attendance.ABSENT for p in absent}, actor=coordinator
    )
    activities.add_task(
        activity=lesson_study, title="课堂观察报告", due_on=today + timedelta(days=7), actor=coordinator
    )
    follow = activities.create_activity(
        line=line,
        kind="follow_along",
        title="名师工作室跟岗学习",
        starts_on=first_day,
        ends_on=today,
        place="实验小学名师工作室",
        leader=teachers[0],
        hours=Decimal(30),
        participants=teachers[1:4],
        actor=coordinator,
    )
    participants = list(follow.participants.order_by("pk"))
    activities.mark_attendance(
        activity=follow, marks={p.pk: Attendance.PRESENT for p in participants}, actor=coordinator
    )
    days = [first_day + timedelta(days=n) for n in range((today - first_day).days + 1)]
    for share, participant in zip((1.0, 0.6, 0.3), participants, strict=False):
        plan = [(fa.OBSERVED, f"听课记录{n + 1}") for n in range(10)]
        plan += [(fa.TAUGHT, f"上课{n + 1}") for n in range(5)] + [(fa.REPORT, "汇报课")]
        plan += [(fa.MODEL, "示范课"), (fa.PROPOSAL, "子课题研究方案")]
        for kind, note in plan[: round(len(plan) * share)]:
            activities.add_entry(
                participant=participant, kind=kind, on=days[-1], note=note, actor=coordinator
            )
        for day in days[: round(len(days) * share)]:
            activities.add_entry(
                participant=participant, kind=fa.LOG, on=day, note="跟岗日志", actor=coordinator
            )
