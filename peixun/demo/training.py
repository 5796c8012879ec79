"""Training demo data for `manage.py seed_demo`: an annual plan of the demo county and projects in
every interesting state — a draft, one waiting for approval, open ones (self-enrolment with a school
approval, a lottery, school nominations within quotas), one running with its classes, tutors and
learning codes, one closed last year and one cancelled below its minimum size — with enrolments, so
every training page has something to show on `make run`.

Rows are written in bulk with their counters set to match (like the people of peixun.demo.region,
synthetic rows are nobody's change and are not audited one by one); classes, tutors and codes go
through their services. Fast at the small scale (~1,000 teachers)."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from peixun.orgs.models import Org, OrgKind, Person, PersonStatus
from peixun.training.models import (
    HOLDING,
    AnnualPlan,
    BudgetLine,
    Course,
    Enrolment,
    LearningCode,
    PlanItem,
    Project,
    ProjectTrainer,
    SchoolQuota,
)
from peixun.training.rules.eligibility import age_on
from peixun.training.rules.quotas import proportional
from peixun.training.services import codes as code_services
from peixun.training.services import cohorts as cohort_services

H = Decimal


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _project(county: Org, organiser: Org, **fields) -> Project:
    project = Project.objects.create(organiser=organiser, **fields)
    project.audience.set([county])
    return project


def _courses(project: Project, rows: list[tuple[str, str, str, bool]]) -> None:
    Course.objects.bulk_create(
        [
            Course(project=project, name=name, hours=H(hours), category=category, required=required, order=i)
            for i, (name, hours, category, required) in enumerate(rows)
        ]
    )


def _enrol(
    project: Project, people: list[Person], status: str = "enrolled", source: str = "self", **fields
) -> int:
    Enrolment.objects.bulk_create(
        [
            Enrolment(project=project, person=p, school_id=p.org_id, status=status, source=source, **fields)
            for p in people
        ],
        batch_size=1000,
    )
    return len(people)


def _sync_counter(project: Project) -> None:
    held = project.enrolments.filter(status__in=HOLDING).count()
    Project.objects.filter(pk=project.pk).update(places_taken=held)


@transaction.atomic
def seed_training(*, school: Org, centre: Org, seed: int = 2026, today: date | None = None) -> int:
    """Write the demo plan and projects; returns how many projects were made."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    county = next(org for org in school.ancestors() if org.kind == OrgKind.COUNTY)
    teachers = list(
        Person.objects.filter(
            org__path__startswith=county.path, org__kind=OrgKind.SCHOOL, status=PersonStatus.ACTIVE
        )
        .select_related("org")
        .order_by("id")
    )
    demo_teacher = Person.objects.filter(user__username="teacher").first()
    others = [p for p in teachers if demo_teacher is None or p.pk != demo_teacher.pk]
    rng.shuffle(others)
    chinese = [p for p in others if "语文" in p.subjects]
    year = today.year

    plan = AnnualPlan.objects.create(org=county, year=year, title=f"{county.name}{year}年度教师培训计划")
    items = {}
    for order, (key, title, kind, level, mode, trainees, hours, budget) in enumerate(
        [
            ("backbone", "小学语文骨干教师培训", "backbone", "county", "blended", 60, "48", 36000),
            ("head", "班主任专题培训", "head_teacher", "county", "concentrated", 40, "30", 24000),
            ("nominate", "小学数学课堂教学能力提升", "other", "county", "concentrated", 30, "24", 15000),
            ("it", "信息技术应用能力提升工程2.0", "it_skills", "county", "remote", 400, "50", 48000),
            ("new", "新教师岗前培训", "new_teacher", "county", "concentrated", 50, "60", 30000),
            ("outreach", "送培送教：乡村学校课堂诊断", "outreach", "county", "outreach", 80, "12", 12000),
            ("shadow", "名校跟岗研修", "shadowing", "city", "shadowing", 20, "40", 40000),
            ("ethics", "师德师风专题培训", "all_staff", "county", "remote", 600, "12", 6000),
        ]
    ):
        items[key] = PlanItem.objects.create(
            plan=plan,
            title=f"{year}年{title}",
            project_type=kind,
            level=level,
            mode=mode,
            planned_trainees=trainees,
            planned_hours=H(hours),
            planned_budget=H(budget),
            order=order,
        )

    common = {"level": "county", "credit_class": "A", "fee_payer": "school"}
    made = []

    # 1. Open now: self-enrolment of Chinese teachers, approved by their school.
    backbone = _project(
        county,
        centre,
        plan_item=items["backbone"],
        title=items["backbone"].title,
        project_type="backbone",
        category="knowledge_skills",
        mode="blended",
        description="面向全区小学语文骨干教师，围绕新课标下的单元整体教学设计开展集中研修与线上学习。",
        hours_credited=H("48"),
        enrol_opens_at=_at(today - timedelta(days=3)),
        enrol_closes_at=_at(today + timedelta(days=10), 17),
        starts_on=today + timedelta(days=20),
        ends_on=today + timedelta(days=23),
        capacity=60,
        min_size=20,
        fee_per_trainee=H("120"),
        approval_chain="school",
        targets={"subjects": ["语文"], "titles": ["senior", "first", "second"]},
        status="enrolling",
        **common,
    )
    _courses(
        backbone,
        [
            ("新课标解读与单元整体教学", "16", "knowledge_skills", True),
            ("课堂观察与评课", "16", "practice", True),
            ("师德修养专题", "8", "ethics_literacy", True),
            ("阅读教学案例研讨（选修）", "8", "knowledge_skills", False),
        ],
    )
    ProjectTrainer.objects.bulk_create(
        [
            ProjectTrainer(
                project=backbone, name="周立新", affiliation="江苏师范大学", role="expert", topic="新课标解读"
            ),
            ProjectTrainer(
                project=backbone,
                name="孙晓燕",
                affiliation="区教师发展中心",
                role="trainer",
                topic="课堂观察",
            ),
        ]
    )
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(project=backbone, kind="experts", item="专家授课费", amount=H("18000")),
            BudgetLine(project=backbone, kind="materials", item="学习资料", amount=H("3600")),
            BudgetLine(project=backbone, kind="venue", item="场地", amount=H("6000")),
        ]
    )
    eligible_chinese = [p for p in chinese if p.title in ("senior", "first", "second")]
    _enrol(backbone, eligible_chinese[:28], subject="语文")
    _enrol(backbone, eligible_chinese[28:33], status="pending", stage="school", subject="语文")
    _sync_counter(backbone)
    made.append(backbone)

    # 2. Open now: a lottery for head teachers, weighted toward those trained less often.
    head = _project(
        county,
        centre,
        plan_item=items["head"],
        title=items["head"].title,
        project_type="head_teacher",
        category="knowledge_skills",
        tags=["head_teacher_topic"],
        mode="concentrated",
        description="班主任专题培训30学时，合格者登记学时（A类）。报名人数超过名额时，报名截止后按公开种子抽签，优先照顾近三年培训较少的教师。",
        hours_credited=H("30"),
        enrol_opens_at=_at(today - timedelta(days=1)),
        enrol_closes_at=_at(today + timedelta(days=6), 17),
        starts_on=today + timedelta(days=14),
        ends_on=today + timedelta(days=16),
        capacity=40,
        enrolment_mode="lottery",
        targets={"roles": ["head_teacher"]},
        status="enrolling",
        **common,
    )
    _courses(
        head,
        [
            ("班级管理与家校沟通", "20", "knowledge_skills", True),
            ("班主任自学", "10", "knowledge_skills", True),
        ],
    )
    heads = [p for p in others if "head_teacher" in p.roles]
    _enrol(head, heads[:55], status="applied", source="lottery")
    made.append(head)

    # 3. Open now: schools nominate within quotas in proportion to their eligible teachers.
    nominate = _project(
        county,
        centre,
        plan_item=items["nominate"],
        title=items["nominate"].title,
        project_type="other",
        category="knowledge_skills",
        mode="concentrated",
        hours_credited=H("24"),
        enrol_opens_at=_at(today - timedelta(days=2)),
        enrol_closes_at=_at(today + timedelta(days=12), 17),
        starts_on=today + timedelta(days=25),
        ends_on=today + timedelta(days=27),
        capacity=30,
        enrolment_mode="nomination",
        quota_mode="proportional",
        quota_release_on=today + timedelta(days=8),
        targets={"sections": ["primary"], "subjects": ["数学"]},
        status="enrolling",
        **common,
    )
    _courses(nominate, [("初中数学课堂教学能力", "24", "knowledge_skills", True)])
    maths = [p for p in others if p.section == "primary" and "数学" in p.subjects]
    by_school: dict[int, int] = {}
    for person in maths:
        by_school[person.org_id] = by_school.get(person.org_id, 0) + 1
    shares = proportional(nominate.capacity, by_school)
    SchoolQuota.objects.bulk_create(
        [
            SchoolQuota(project=nominate, org_id=org, quota=q, eligible=by_school[org])
            for org, q in shares.items()
        ]
    )
    nominated = []
    for org_id, quota in shares.items():
        nominated += [p for p in maths if p.org_id == org_id][: max(0, quota - 1)]
    _enrol(nominate, nominated[: len(nominated) // 2], source="nomination")
    _enrol(nominate, nominated[len(nominated) // 2 :], status="nominated", source="nomination")
    for quota in SchoolQuota.objects.filter(project=nominate):
        quota.used = Enrolment.objects.filter(project=nominate, school_id=quota.org_id).count()
        quota.save(update_fields=["used"])
    _sync_counter(nominate)
    made.append(nominate)

    # 4. Running: mandatory for everyone within the B1 age limits, classes, tutors, learning codes.
    it = _project(
        county,
        centre,
        plan_item=items["it"],
        title=items["it"].title,
        project_type="it_skills",
        category="knowledge_skills",
        mode="remote",
        description="在线平台学习，各校凭学习码注册；男52周岁、女47周岁（按当年12月31日计）以下教师必须参加。",
        hours_credited=H("50"),
        enrol_opens_at=_at(today - timedelta(days=40)),
        enrol_closes_at=_at(today - timedelta(days=25), 17),
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=40),
        capacity=2000,
        enrolment_mode="mandatory",
        class_size=100,
        uses_learning_codes=True,
        platform_name="江苏教师教育网",
        targets={"max_age_male": 52, "max_age_female": 47, "age_limits_mandatory_only": True},
        status="running",
        window_closed_at=_at(today - timedelta(days=25), 17),
        **common,
    )
    _courses(
        it,
        [
            ("信息化教学设计", "20", "knowledge_skills", True),
            ("学情分析与评价", "20", "knowledge_skills", True),
            ("校本应用考核", "10", "practice", True),
        ],
    )
    reference = date(year, 12, 31)
    young = [
        p
        for p in teachers
        if p.birth_date and age_on(p.birth_date, reference) <= (52 if p.gender == "male" else 47)
    ][:600]
    _enrol(it, young, source="mandatory")
    _sync_counter(it)
    cohort_services.form_cohorts(project=it, actor=None)
    cohort_services.assign_tutors(project=it, actor=None)
    code_services.generate_codes(project=it, actor=None)
    now = timezone.now()
    for code, enrolment in zip(
        LearningCode.objects.filter(project=it).order_by("school_id", "code"),
        Enrolment.objects.filter(project=it).order_by("school_id", "id"),
        strict=False,
    ):
        if code.school_id != enrolment.school_id or rng.random() < 0.2:
            continue
        code.person_id, code.issued_at = enrolment.person_id, now - timedelta(days=rng.randint(10, 20))
        code.registered_at = code.issued_at + timedelta(days=1) if rng.random() < 0.85 else None
        code.save(update_fields=["person", "issued_at", "registered_at"])
    made.append(it)

    # 5. Waiting for approval; 6. a draft; 7. cancelled below its minimum; 8. closed last year.
    new = _project(
        county,
        centre,
        plan_item=items["new"],
        title=items["new"].title,
        project_type="new_teacher",
        category="practice",
        mode="concentrated",
        hours_credited=H("60"),
        enrol_opens_at=_at(today + timedelta(days=15)),
        enrol_closes_at=_at(today + timedelta(days=30), 17),
        starts_on=today + timedelta(days=40),
        ends_on=today + timedelta(days=50),
        capacity=50,
        min_size=10,
        targets={"max_age_male": 35, "max_age_female": 35},
        status="submitted",
        status_changed_at=now - timedelta(days=1),
        **common,
    )
    _courses(
        new, [("教师职业道德规范", "12", "ethics_literacy", True), ("课堂教学基本功", "48", "practice", True)]
    )
    made.append(new)
    draft = _project(
        county,
        centre,
        plan_item=items["outreach"],
        title=items["outreach"].title,
        project_type="outreach",
        category="practice",
        mode="outreach",
        hours_credited=H("12"),
        capacity=80,
        status="draft",
        **common,
    )
    _courses(draft, [("课堂诊断与示范课", "12", "practice", True)])
    made.append(draft)
    shadow = _project(
        county,
        centre,
        plan_item=items["shadow"],
        title=items["shadow"].title,
        project_type="shadowing",
        category="practice",
        mode="shadowing",
        hours_credited=H("40"),
        enrol_opens_at=_at(today - timedelta(days=30)),
        enrol_closes_at=_at(today - timedelta(days=10), 17),
        starts_on=today + timedelta(days=5),
        ends_on=today + timedelta(days=15),
        capacity=20,
        min_size=10,
        targets={"roles": ["backbone", "subject_leader"]},
        status="cancelled",
        status_reason="报名4人，少于最低开班人数10人。",
        window_closed_at=_at(today - timedelta(days=10), 17),
        **{**common, "level": "city"},
    )
    _courses(
        shadow, [("跟岗观课（不少于10节）", "20", "practice", True), ("上课与汇报课", "20", "practice", True)]
    )
    _enrol(shadow, [p for p in others if "backbone" in p.roles][:4], status="cancelled")
    made.append(shadow)
    ethics = _project(
        county,
        centre,
        title=f"{year - 1}年师德师风专题培训",
        project_type="all_staff",
        category="ethics_literacy",
        tags=["ethics"],
        mode="remote",
        hours_credited=H("12"),
        enrol_opens_at=_at(date(year - 1, 3, 1)),
        enrol_closes_at=_at(date(year - 1, 3, 15), 17),
        starts_on=date(year - 1, 4, 1),
        ends_on=date(year - 1, 4, 30),
        capacity=1000,
        enrolment_mode="mandatory",
        status="closed",
        window_closed_at=_at(date(year - 1, 3, 15), 17),
        **common,
    )
    _courses(ethics, [("师德师风专题", "12", "ethics_literacy", True)])
    _enrol(ethics, others[: min(len(others), 400)], source="mandatory")
    _sync_counter(ethics)
    made.append(ethics)
    return len(made)
