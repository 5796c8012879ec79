"""The demo teacher's outside training: one course from a national platform declared to the school,
so the teacher's file (个人档案) shows the 校外培训 section filled."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from peixun.recognition import services
from peixun.recognition.rules import proof as proof_rules

PROOF = b"%PDF-1.4\n% demo certificate\n"


def seed_outside(*, today: date) -> None:
    user = get_user_model().objects.filter(username="teacher", person__isnull=False).first()
    if user is None or user.person is None:
        return
    ends = today - timedelta(days=20)
    services.declare(
        person=user.person,
        data={
            "provider": "国家中小学智慧教育平台",
            "course": "人工智能赋能课堂教学专题",
            "level": "national",
            "category": "knowledge_skills",
            "mode": "remote",
            "starts_on": ends - timedelta(days=30),
            "ends_on": ends,
            "hours": Decimal(12),
            "certificate_no": f"ZH{today.year}-DEMO-0001",
        },
        proof=services.Proof("学习证明.pdf", proof_rules.PDF, PROOF),
        actor=user,
    )
