"""Which certificate a project gives by default (RULES E2; no Django).

A passing trainee gets a 合格证书; a 骨干 project ends in a 结业证书. The 优秀学员证书 is never a
default: it goes only to the final excellent-trainee list, chosen on purpose. The 上岗证书 (new
班主任 before taking the post) is chosen by hand too: a head-teacher project's type does not tell
pre-service training from the 班主任专题培训 of serving head teachers, whose passing is a 合格证书.
"""

PASS = "pass"  # noqa: S105 - a certificate kind, not a password
COMPLETION = "completion"
POST = "post"
EXCELLENT = "excellent"

BY_PROJECT_TYPE = {"backbone": COMPLETION}


def default_kind(project_type: str) -> str:
    """The kind of certificate a project of this type issues unless staff choose another."""
    return BY_PROJECT_TYPE.get(project_type, PASS)


def in_default_order(kinds: list[str], project_type: str) -> list[int]:
    """Indexes of `kinds` (one per template) with the project's default kind first, then a pass,
    completion and post certificate, the excellent-trainee one last; stable within a kind."""
    rank = {PASS: 1, COMPLETION: 2, POST: 3, EXCELLENT: 4}
    rank[default_kind(project_type)] = 0
    return sorted(range(len(kinds)), key=lambda index: (rank.get(kinds[index], 5), index))
