"""Annual returns' expectations for the access-matrix test (peixun/site/tests/test_access_matrix.py)
and the near and far schools: near, 东湖实验小学; far, 临江第二中学."""

RETURNS_VIEWS: dict[str, dict] = {
    "returns:index": {"perm": "returns.view"},
    "returns:export": {"perm": "returns.view"},
    "returns:school": {"perm": "returns.view", "obj": "return_school"},
    "returns:confirm": {
        "perm": "returns.confirm",
        "method": "post",
        "obj": "return_school",
        "data": lambda side: {"year": "2026"},
    },
    "returns:reopen": {
        "perm": "returns.reopen",
        "method": "post",
        "obj": "return_school",
        "data": lambda side: {"year": "2026", "reason": "经费数据有误"},
    },
}


def returns_objects(world) -> tuple[dict, dict]:
    return {"return_school": {"pk": world.school_a1.pk}}, {"return_school": {"pk": world.other_school.pk}}
