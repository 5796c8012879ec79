"""Competitions' expectations for the access-matrix test (peixun/site/tests/test_access_matrix.py)
and the near and far objects they are called with: near, 东湖区's competition (李晓明 of
东湖实验小学 entered, tutor_a1 a judge); far, 临江市's (周磊 entered, the outsider a judge)."""

from peixun.competitions import services
from peixun.competitions.models import Award, ExemptionReason, Judge, Objection

SIGNED_IN = "signed-in"
PUBLIC = "public"
MANAGE = frozenset({"city_admin", "county_admin", "centre_staff", "outsider"})
SCHOOLS = MANAGE | {"coordinator_a1"}
# Who sees a competition: its organiser's staff, the schools and teachers below it, its judges.
SEE = SCHOOLS | {"teacher_user", "tutor_a1"}
# Who sees an entry or an exemption: the teacher, their school and the organiser.
PEOPLE = SCHOOLS | {"teacher_user"}


def _spec(personas, obj=None, method="get", **more) -> dict:
    spec = {"perm": SIGNED_IN, "personas": frozenset(personas), "denied": (404,), "method": method, **more}
    if obj:
        spec["obj"] = obj
    return spec


COMPETITION_VIEWS: dict[str, dict] = {
    "competitions:list": {"perm": SIGNED_IN},
    "competitions:create": {"perm": "competitions.manage", "method": "post"},
    "competitions:detail": _spec(SEE, "cp"),
    "competitions:rules": _spec(MANAGE, "cp"),
    "competitions:enter": _spec(SCHOOLS, "cp", "post"),
    "competitions:entries-export": _spec(SEE, "cp"),
    "competitions:add-item": _spec({"coordinator_a1"}, "cp", "post", data=lambda side: side["cp_item"]),
    "competitions:exempt": _spec({"teacher_user"}, "cp"),
    "competitions:exemption-review": _spec(
        {"coordinator_a1"}, "cp_review", "post", data=lambda side: {"decision": "approve"}
    ),
    "competitions:exemption-evidence": _spec(PEOPLE, "cp_exemption"),
    "competitions:stage": _spec(SEE, "cp_stage"),
    "competitions:stage-export": _spec(SEE, "cp_stage"),
    "competitions:nominate": _spec(SCHOOLS, "cp_stage", "post", data=lambda side: side["cp_entry_data"]),
    "competitions:set-deadline": _spec(MANAGE, "cp_stage", "post"),
    "competitions:publish-draw": _spec(MANAGE, "cp_stage", "post"),
    "competitions:run-draw": _spec(MANAGE, "cp_stage", "post"),
    "competitions:verify-draw": {"perm": PUBLIC, "obj": "cp_stage"},
    "competitions:assign-judge": _spec(MANAGE, "cp_stage", "post"),
    "competitions:results": _spec(MANAGE, "cp_stage", "post"),
    "competitions:judge": _spec({"tutor_a1", "outsider"}, "cp_stage"),
    "competitions:judge-sheet": _spec({"tutor_a1", "outsider"}, "cp_stage"),
    "competitions:judge-upload": _spec({"tutor_a1", "outsider"}, "cp_stage", "post"),
    "competitions:judge-apply": _spec({"tutor_a1", "outsider"}, "cp_stage", "post"),
    "competitions:awards": _spec(SEE, "cp"),
    "competitions:awards-export": _spec(SEE, "cp"),
    "competitions:awards-action": _spec(MANAGE, "cp", "post", data=lambda side: {"action": "draft"}),
    "competitions:object": _spec(SEE, "cp_award", "post", data=lambda side: {"text": "材料不实"}),
    "competitions:decide": _spec(MANAGE, "cp_objection", "post", data=lambda side: {"decision": "dismiss"}),
    "competitions:disqualify": _spec(MANAGE, "cp_entry", "post", data=lambda side: {"reason": "材料造假"}),
    "competitions:verify-award": {"perm": PUBLIC, "obj": "cp_code"},
    # The certificate: the organiser's and the winner's (an award under notice is refused: 302).
    "competitions:award-pdf": _spec(MANAGE | {"teacher_user"}, "cp_award"),
}


def _side(organiser, school, person, judge, actor, suffix: str) -> dict:
    competition = services.create_competition(
        organiser=organiser, name="教学技能大赛", year=2026, actor=actor
    )
    entry = services.enter(competition=competition, person=person, subject="语文", actor=actor)
    exemption = services.request_exemption(
        competition=competition,
        person=person,
        reason=ExemptionReason.HEALTH,
        note="",
        evidence=services.Evidence("证明.pdf", "pdf", b"%PDF-1.4\n"),
        actor=actor,
    )
    district = competition.stages.get(number=2)
    Judge.objects.create(item=district.items.all()[0], group=entry.group, user=judge)
    award = Award.objects.create(competition=competition, entry=entry, level="first", code="a" * 31 + suffix)
    objection = Objection.objects.create(award=award, text="名次有误")
    return {
        "cp": {"pk": competition.pk},
        "cp_item": {"school": school.pk, "name": "普通话", "weight": "10"},
        "cp_review": {"pk": exemption.pk, "step": "school"},
        "cp_exemption": {"pk": exemption.pk},
        "cp_stage": {"pk": district.pk},
        "cp_entry_data": {"entry": entry.pk},
        "cp_entry": {"pk": entry.pk},
        "cp_award": {"pk": award.pk},
        "cp_objection": {"pk": objection.pk},
        "cp_code": {"code": award.code},
    }


def competition_objects(world) -> tuple[dict, dict]:
    near = _side(world.county_a, world.school_a1, world.teacher_a1, world.tutor_a1, world.county_admin, "b")
    far = _side(
        world.other_city, world.other_school, world.other_teacher, world.outsider, world.outsider, "c"
    )
    return near, far
