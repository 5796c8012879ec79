"""Surveys' expectations for the access-matrix test (peixun/site/tests/test_access_matrix.py) and
the near and far objects: near, a running project of 东湖区 with 李晓明 enrolled and its survey;
far, one of 临江市 with 周磊."""

from peixun.surveys.tests.factories import make_template, open_survey, running_project

SIGNED_IN = "signed-in"
TEACHER = frozenset({"teacher_user"})
MANAGE = "training.manage"

SURVEYS_VIEWS: dict[str, dict] = {
    "surveys:list": {"perm": MANAGE},
    "surveys:list-export": {"perm": MANAGE},
    "surveys:mine": {"perm": SIGNED_IN},
    "surveys:templates": {"perm": MANAGE},
    "surveys:template-new": {"perm": MANAGE},
    "surveys:template-edit": {"perm": MANAGE, "obj": "survey_template", "denied": (404,)},
    "surveys:open": {"perm": MANAGE, "obj": "project", "denied": (404,)},
    "surveys:detail": {"perm": MANAGE, "obj": "survey", "denied": (404,)},
    "surveys:export": {"perm": MANAGE, "obj": "survey", "denied": (404,)},
    "surveys:remind": {"perm": MANAGE, "method": "post", "obj": "survey", "denied": (404,)},
    "surveys:answer": {"perm": SIGNED_IN, "obj": "survey", "personas": TEACHER, "denied": (404,)},
    "surveys:eligibility": {"perm": "training.approve"},
}


def surveys_objects(world) -> tuple[dict, dict]:
    sides = []
    for organiser, teacher in ((world.county_a, world.teacher_a1), (world.other_city, world.other_teacher)):
        project, _cohort = running_project(organiser, [teacher])
        template = make_template(organiser)
        survey = open_survey(project, template)
        sides.append({"survey": {"pk": survey.pk}, "survey_template": {"pk": template.pk}})
    return sides[0], sides[1]
