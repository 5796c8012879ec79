"""Recognition's expectations for the access-matrix test (peixun/site/tests/test_access_matrix.py)
and the near and far declarations they are called with: near, 李晓明's of 东湖实验小学; far, 周磊's
of 临江第二中学."""

from peixun.recognition.tests.factories import declare

SIGNED_IN = "signed-in"
OWN = frozenset({"teacher_user"})
# Who sees a declaration: its teacher, the school coordinator and the bureau and centre above it.
SEE = frozenset({"teacher_user", "coordinator_a1", "city_admin", "county_admin", "centre_staff", "outsider"})

RECOGNITION_VIEWS: dict[str, dict] = {
    "recognition:mine": {"perm": SIGNED_IN},
    "recognition:mine-export": {"perm": SIGNED_IN},
    "recognition:declare": {"perm": SIGNED_IN, "personas": OWN, "denied": (404,)},
    "recognition:detail": {"perm": SIGNED_IN, "obj": "declaration", "personas": SEE, "denied": (404,)},
    "recognition:proof": {"perm": SIGNED_IN, "obj": "declaration", "personas": SEE, "denied": (404,)},
    "recognition:correct": {"perm": SIGNED_IN, "obj": "declaration", "personas": OWN, "denied": (404,)},
    "recognition:withdraw": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "declaration",
        "personas": OWN,
        "denied": (404,),
    },
    "recognition:review": {
        "perm": "recognition.school",
        "method": "post",
        "obj": "declaration_review",
        "data": lambda side: {"decision": "return", "note": "证书照片不清楚"},
    },
    "recognition:school": {"perm": "recognition.school"},
    "recognition:bureau": {"perm": "recognition.bureau"},
    "recognition:inbox-export": {"perm": "recognition.bureau", "obj": "review_step", "scoped": False},
    "recognition:project-rule": {"perm": "training.manage", "obj": "project", "denied": (404,)},
    "imports:upload-recognition": {"perm": "recognition.import"},
    "imports:template-recognition": {"perm": "recognition.import"},
}


def recognition_objects(world) -> tuple[dict, dict]:
    near = declare(world.teacher_a1, world.teacher_user)
    far = declare(world.other_teacher, certificate_no="LJ-0001")
    return (
        {
            "declaration": {"pk": near.pk},
            "declaration_review": {"pk": near.pk, "step": "school"},
            "review_step": {"step": "bureau"},
        },
        {
            "declaration": {"pk": far.pk},
            "declaration_review": {"pk": far.pk, "step": "school"},
            "review_step": {"step": "bureau"},
        },
    )
