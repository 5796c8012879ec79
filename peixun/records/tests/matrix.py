"""The records' expectations for the access-matrix test (peixun/site/tests/test_access_matrix.py).
Their objects are the world's own: the near and far teacher ("person") and school ("org")."""

SIGNED_IN = "signed-in"
# Who sees a teacher's records: the teacher, the school coordinator, the bureau and the centre above.
SEE = frozenset({"teacher_user", "coordinator_a1", "city_admin", "county_admin", "centre_staff", "outsider"})

RECORDS_VIEWS: dict[str, dict] = {
    "records:teachers": {"perm": "records.view"},
    "records:mine": {"perm": SIGNED_IN},
    "records:person": {"perm": SIGNED_IN, "obj": "person", "personas": SEE, "denied": (404,)},
    "records:due": {"perm": "records.view"},
    "records:due-export": {"perm": "records.view"},
    "records:head-teachers": {"perm": "records.view"},
    "records:head-teachers-export": {"perm": "records.view"},
    "records:degrees": {"perm": "records.view"},
    "records:degrees-export": {"perm": "records.view"},
    "records:rural": {
        "perm": "records.settings",
        "method": "post",
        "obj": "org",
        "data": lambda side: {"rural": "1"},
    },
    "records:settings": {"perm": "records.settings"},
}
