"""Declarations for the tests, made through the service as a teacher would."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from peixun.recognition import services
from peixun.recognition.rules import proof as proof_rules

PDF = b"%PDF-1.4\n% test proof\n"


def declaration_data(**fields) -> dict:
    values = {
        "provider": "国家中小学智慧教育平台",
        "course": "新课标解读与教学设计",
        "level": "national",
        "category": "knowledge_skills",
        "mode": "remote",
        "starts_on": date(2026, 3, 1),
        "ends_on": date(2026, 3, 31),
        "hours": Decimal("12"),
        "certificate_no": "ZH2026-0001",
    }
    values.update(fields)
    return values


def declare(person, actor=None, **fields):
    actor = actor or get_user_model().objects.filter(person=person).first()
    return services.declare(
        person=person,
        data=declaration_data(**fields),
        proof=services.Proof("证书.pdf", proof_rules.PDF, PDF),
        actor=actor,
    )
