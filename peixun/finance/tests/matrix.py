"""Finance's expectations for the access-matrix test (peixun/site/tests/test_access_matrix.py) and
the near and far objects: near, 东湖实验小学 and its statement; far, 临江第二中学 and its."""

from datetime import date

from peixun.finance import services
from peixun.finance.tests.factories import enrol
from peixun.testing.factories import make_project

PERIOD = {"period_from": "2026-01-01", "period_to": "2026-12-31"}


def _school(side: dict) -> int:
    return side["finance_school"]["pk"]


FINANCE_VIEWS: dict[str, dict] = {
    "finance:overview": {"perm": "finance.view"},
    "finance:overview-export": {"perm": "finance.view"},
    "finance:school": {"perm": "finance.view", "obj": "finance_school"},
    "finance:statement-new": {
        "perm": "finance.manage",
        "method": "post",
        "obj": "finance_school",
        "data": lambda side: PERIOD,
    },
    "finance:budget": {
        "perm": "finance.budget",
        "method": "post",
        "obj": "finance_school",
        "data": lambda side: {"year": "2026", "teacher_pay": "1200000", "public_funds": "300000"},
    },
    "finance:spending": {
        "perm": "finance.budget",
        "method": "post",
        "obj": "finance_school",
        "data": lambda side: {
            "year": "2026",
            "kind": "travel",
            "amount": "80",
            "spent_on": "2026-05-01",
            "note": "差旅",
        },
    },
    "finance:statement": {"perm": "finance.view", "obj": "statement"},
    "finance:statement-export": {"perm": "finance.view", "obj": "statement"},
    "finance:statement-pdf": {"perm": "finance.view", "obj": "statement"},
    "finance:payment": {
        "perm": "finance.manage",
        "method": "post",
        "obj": "statement",
        "data": lambda side: {"amount": "1", "paid_on": "2026-04-01", "reference": "BK-9"},
    },
    "finance:report": {"perm": "finance.view"},
    "finance:report-export": {"perm": "finance.view"},
    "finance:subsidies": {"perm": "finance.view"},
    "finance:subsidies-export": {"perm": "finance.view"},
    "finance:subsidies-generate": {
        "perm": "finance.budget",
        "method": "post",
        "obj": "finance_form",
        "data": lambda side: {"school": _school(side), "year": "2026"},
    },
    "finance:subsidies-paid": {
        "perm": "finance.budget",
        "method": "post",
        "obj": "finance_form",
        "data": lambda side: {"school": _school(side), "year": "2026", "paid_on": "2026-10-08"},
    },
    "finance:year": {"perm": "finance.policy"},
    "imports:upload-budgets": {"perm": "finance.budget"},
    "imports:template-budgets": {"perm": "finance.budget"},
}


def _statement(school, person, organiser, actor):
    project = make_project(organiser, status="running", starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 5))
    project.fee_per_trainee = 120
    project.save(update_fields=["fee_per_trainee"])
    enrol(project, person)
    return services.issue_statement(
        school=school, period_from=date(2026, 1, 1), period_to=date(2026, 12, 31), actor=actor
    )


def finance_objects(world) -> tuple[dict, dict]:
    near = _statement(world.school_a1, world.teacher_a1, world.county_a, world.city_admin)
    far = _statement(world.other_school, world.other_teacher, world.other_city, world.outsider)
    return (
        {"finance_school": {"pk": world.school_a1.pk}, "statement": {"pk": near.pk}, "finance_form": {}},
        {"finance_school": {"pk": world.other_school.pk}, "statement": {"pk": far.pk}, "finance_form": {}},
    )
