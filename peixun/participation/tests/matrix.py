"""Daily participation's expectations for the access-matrix test
(peixun/site/tests/test_access_matrix.py): pages without an object, scoped by their rows."""

PARTICIPATION_VIEWS: dict[str, dict] = {
    "participation:daily": {"perm": "participation.view"},
    "participation:daily-export": {"perm": "participation.view"},
}
