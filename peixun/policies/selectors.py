"""Reads of policies: which version governs an org on a day, and the lists the pages show."""

from datetime import date

from django.db.models import Q, QuerySet

from peixun.orgs.access import path_q, scope_paths
from peixun.orgs.models import Org, OrgKind, ancestor_paths
from peixun.policies.models import Policy, PolicyVersion, VersionStatus


class Governance:
    """The adopted versions in force on a day, loaded once, answering "which version governs this
    org path" for as many people as needed: the version of the policy bound to the nearest
    ancestor org (the longest path that is a prefix of theirs)."""

    def __init__(self, day: date) -> None:
        self.day = day
        versions = (
            PolicyVersion.objects.filter(status=VersionStatus.ADOPTED, effective_from__lte=day)
            .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=day))
            .select_related("policy__org")
        )
        # Longest path first; on one org, the later start wins (two policies of one org may not
        # overlap in time, but the ordering keeps the answer deterministic).
        self._versions = sorted(
            versions, key=lambda version: (-len(version.policy.org.path), -version.effective_from.toordinal())
        )
        self._cache: dict[str, PolicyVersion | None] = {}

    def version_for(self, org_path: str) -> PolicyVersion | None:
        if org_path not in self._cache:
            self._cache[org_path] = next(
                (version for version in self._versions if org_path.startswith(version.policy.org.path)), None
            )
        return self._cache[org_path]

    @property
    def versions(self) -> list[PolicyVersion]:
        return list(self._versions)


def governing_version(org_path: str, day: date) -> PolicyVersion | None:
    return Governance(day).version_for(org_path)


def policies_visible(user, perm: str = "policies.view") -> QuerySet[Policy]:
    """Policies bound inside the user's subtrees, and those bound above them (they govern the
    user's people: a county sees its city's policy)."""
    paths = scope_paths(user, perm)
    if not paths:
        return Policy.objects.none()
    above = Q(pk__in=[])
    for path in paths:
        above |= Q(org__path__in=ancestor_paths(path))
    return Policy.objects.filter(path_q(paths, "org__path") | above).select_related("org")


def what_if_orgs(user, version: PolicyVersion) -> list[tuple[int, str]]:
    """The user's orgs under the policy (or the policy's org if the user is above it), with their
    direct children, for a narrower run."""
    policy_path = version.policy.org.path
    tops = []
    for path in scope_paths(user, "policies.view"):
        if path.startswith(policy_path):
            tops.append(path)
        elif policy_path.startswith(path):
            tops.append(policy_path)
    orgs = list(Org.objects.filter(path__in=tops).order_by("path"))
    children = Org.objects.filter(parent__in=orgs).exclude(kind=OrgKind.INSTITUTION).order_by("path")[:200]
    options = []
    for org in orgs:
        options.append((org.pk, org.name))
        options.extend((child.pk, f"— {child.name}") for child in children if child.parent_id == org.pk)
    return options
