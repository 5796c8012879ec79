"""Honours' expectations for the access-matrix test (peixun/site/tests/test_access_matrix.py) and
the near and far objects: near, a 东湖区 selection in public notice with 孙丽 of 东湖实验小学
accepted, an objection and her 骨干教师 title; far, the same in 临江市 for 吴敏."""

from peixun.honours import services
from peixun.honours.tests import factories
from peixun.testing.factories import make_person

PUBLIC = "public"
SIGNED_IN = "signed-in"
MANAGE = "honours.manage"
NOMINATE = "honours.nominate"
OWN = frozenset({"teacher_user"})
# Who sees a nomination: the coordinator of its school and the bureaus running its selection.
SEE = frozenset({"city_admin", "county_admin", "coordinator_a1", "outsider"})

HONOURS_VIEWS: dict[str, dict] = {
    "honours:notices": {"perm": PUBLIC},
    "honours:notice": {"perm": PUBLIC, "obj": "selection"},
    "honours:selections": {"perm": MANAGE},
    "honours:selection": {"perm": MANAGE, "obj": "selection"},
    "honours:selection-export": {"perm": MANAGE, "obj": "selection"},
    "honours:selection-quotas": {"perm": MANAGE, "method": "post", "obj": "selection"},
    "honours:selection-notice": {"perm": MANAGE, "method": "post", "obj": "selection"},
    "honours:selection-final": {"perm": MANAGE, "method": "post", "obj": "selection"},
    "honours:nomination": {"perm": SIGNED_IN, "obj": "nomination", "personas": SEE, "denied": (404,)},
    "honours:nomination-review": {
        "perm": MANAGE,
        "method": "post",
        "obj": "nomination",
        "data": lambda side: {"decision": "return", "note": "材料不全"},
    },
    "honours:evidence": {"perm": SIGNED_IN, "obj": "evidence", "personas": SEE, "denied": (404,)},
    "honours:objection-decide": {
        "perm": MANAGE,
        "method": "post",
        "obj": "objection",
        "data": lambda side: {"decision": "dismiss", "note": "查无实据"},
    },
    "honours:school": {"perm": NOMINATE},
    "honours:school-export": {"perm": NOMINATE},
    "honours:nominate": {"perm": NOMINATE, "obj": "selection"},
    "honours:holders": {"perm": MANAGE},
    "honours:holders-export": {"perm": MANAGE},
    "honours:holder": {"perm": MANAGE, "obj": "honour"},
    "honours:holder-review": {
        "perm": MANAGE,
        "method": "post",
        "obj": "honour",
        "data": lambda side: {"outcome": "pass"},
    },
    "honours:holder-close": {"perm": MANAGE, "method": "post", "obj": "honour"},
    "honours:due": {"perm": MANAGE},
    "honours:due-export": {"perm": MANAGE},
    "honours:kinds": {"perm": MANAGE},
    "honours:kind-edit": {"perm": MANAGE, "obj": "kind", "scoped": False},
    "honours:mine": {"perm": SIGNED_IN},
    "honours:mine-export": {"perm": SIGNED_IN, "personas": OWN, "denied": (404,)},
}


def _side(world, org, person, actor) -> dict:
    selection, nomination = factories.in_notice(org, person, actor)
    objection = services.raise_objection(
        nomination=nomination, text="该教师曾有体罚学生行为，请核实。", contact=""
    )
    honour = factories.title(person)
    return {
        "selection": {"pk": selection.pk},
        "nomination": {"pk": nomination.pk},
        "evidence": {"pk": nomination.evidence.get().pk},
        "objection": {"pk": objection.pk},
        "honour": {"pk": honour.pk},
        "kind": {"pk": honour.kind_id},
    }


def honours_objects(world) -> tuple[dict, dict]:
    # New teachers: other apps' objects record ethics vetoes against 李晓明 and 周磊 this year.
    near = _side(world, world.county_a, make_person(world.school_a1, "孙丽"), world.county_admin)
    far = _side(world, world.other_city, make_person(world.other_school, "吴敏"), world.outsider)
    return near, far
