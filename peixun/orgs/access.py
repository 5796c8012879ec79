"""Who may do what, and where: the one place permissions are defined.

A permission is granted by roles (PERMISSIONS); a role is granted to an account over an org
subtree (RoleGrant). Every scoped read goes through the functions here: `access_*` fetch one
object or answer 404 — the same answer for "missing" and "not yours" — and `*_in_scope` build the
querysets lists and exports start from.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from peixun.audit import events
from peixun.core.compiled import CompiledLookup
from peixun.orgs.models import GrantRole, Org, Person, RoleGrant

security_log = logging.getLogger("peixun.security")

R = GrantRole
PERMISSIONS: dict[str, frozenset[str]] = {
    # Org tree
    "orgs.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "orgs.import": frozenset({R.BUREAU_ADMIN}),
    # People registry
    "people.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR, R.TUTOR}),
    "people.export": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "people.import": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    # The full ID number is needed by those who register teachers with outside bodies and issue
    # certificates: the bureau and the training centre. Schools see it masked.
    "people.reveal_id": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    # Audit log: the bureau over its subtree; a school coordinator over their school's events (who
    # changed, imported or revealed their teachers' records), never sign-ins (docs/decisions/0054).
    "audit.view": frozenset({R.BUREAU_ADMIN, R.SCHOOL_COORDINATOR}),
    # Accounts: role grants and password resets stay with the bureau; a school may create the
    # accounts of its own teachers.
    "accounts.manage": frozenset({R.BUREAU_ADMIN}),
    "accounts.provision": frozenset({R.BUREAU_ADMIN, R.SCHOOL_COORDINATOR}),
    # Teacher accounts not yet activated, and new initial passwords for them (printed slips): the
    # school coordinator hands them out; the centre and the bureau may for the schools they cover.
    "accounts.activate": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    # Credit ledger and compliance (peixun.ledger): schools see their teachers' hours and
    # standing; the bureau and the centre grant, adjust, reverse and import hours.
    "ledger.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "ledger.grant": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    "ledger.import": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    "compliance.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    # Credit policies (peixun.policies): the bureau writes and adopts them; the centre reads them.
    "policies.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    "policies.manage": frozenset({R.BUREAU_ADMIN}),
    # Training (peixun.training.access applies these to projects and enrolments). Scoped by the
    # project's organiser for plans and projects; by the teacher's school for nominations and the
    # school stage of approvals; by the county for its stage.
    "training.plan": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    "training.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    "training.manage": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    "training.approve": frozenset({R.BUREAU_ADMIN}),
    "training.nominate": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "training.county_approve": frozenset({R.BUREAU_ADMIN}),
    "training.enrol": frozenset({R.TEACHER}),
    "training.tutor": frozenset({R.TUTOR}),
    # Delivery (peixun.delivery): lessons and coursework are run under training.manage and
    # training.tutor; school staff decide leave at the school's steps of a project's chain (C4);
    # the organiser imports results from outside platforms.
    "delivery.leave_school": frozenset({R.SCHOOL_COORDINATOR}),
    "delivery.import": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    # Assessment (peixun.assessment): the organiser's staff set schemes, enter scores, select
    # excellent trainees and close; schools see their teachers' results; the bureau records
    # ethics vetoes (师德一票否决, D10).
    "assessment.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "assessment.veto": frozenset({R.BUREAU_ADMIN}),
    # Hand-entered scores imported from a class's workbook: the organiser's staff and tutors (each
    # row is checked against the classes the uploader may score).
    "assessment.scores": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.TUTOR}),
    # Certificates (peixun.certificates): the organiser's staff design templates and issue; the
    # bureau revokes; schools see their teachers' certificates.
    "certificates.issue": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    "certificates.revoke": frozenset({R.BUREAU_ADMIN}),
    "certificates.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    # Recognition of outside training (peixun.recognition): the school reviews its teachers'
    # declarations first, then the bureau or the centre, who also import platform files.
    "recognition.school": frozenset({R.SCHOOL_COORDINATOR}),
    "recognition.bureau": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    "recognition.import": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    # School-based training (peixun.schoolbased): the school coordinator files the plan and the
    # year-end registration; the bureau and the centre publish the prescribed topics, review plans
    # and accept registrations.
    "schoolbased.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "schoolbased.plan": frozenset({R.SCHOOL_COORDINATOR}),
    "schoolbased.review": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    # Teachers' records (peixun.records): the school coordinator keeps its teachers' qualification
    # certificates, degrees, 见习期 and 班主任 posts; the bureau and the centre read every list and
    # report of their subtree; the bureau sets the figures (periods, targets) and marks rural schools.
    "records.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "records.edit": frozenset({R.SCHOOL_COORDINATOR}),
    "records.settings": frozenset({R.BUREAU_ADMIN}),
    # Competitions (peixun.competitions): the organiser's bureau and centre set up, draw, judge and
    # award; the school coordinator enters the school's teachers, nominates and reviews exemptions.
    "competitions.manage": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    "competitions.school": frozenset({R.SCHOOL_COORDINATOR}),
    # Honours (peixun.honours): the bureau runs ethics and programme selections, their public
    # notice and objections, and the yearly review of title holders; schools nominate.
    "honours.manage": frozenset({R.BUREAU_ADMIN}),
    "honours.nominate": frozenset({R.SCHOOL_COORDINATOR}),
    # Training funds (peixun.finance): the bureau and the centre issue fee statements and record
    # payments; every school's budget figures, spending and book subsidies are kept by its
    # coordinator or by the bureau and centre above it; the bureau sets the year's rules.
    "finance.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "finance.manage": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    "finance.budget": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "finance.policy": frozenset({R.BUREAU_ADMIN}),
    # Annual training returns (peixun.returns, 学校教师培训年报): every school's coordinator checks
    # and confirms the school's figures; the bureau and the centre above see them all and may
    # return a confirmed one to the school with a reason.
    "returns.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "returns.confirm": frozenset({R.SCHOOL_COORDINATOR}),
    "returns.reopen": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    # Student interest groups (peixun.interest, RULES B9, C11, F6): the school coordinator keeps
    # the school's students, groups and tutors; the bureau and the centre set each term's rules and
    # read the subsidies; tutors read their school's groups, and a group's tutor keeps its
    # deliverables (checked per group, not by a role).
    "interest.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR, R.TUTOR}),
    "interest.manage": frozenset({R.SCHOOL_COORDINATOR}),
    "interest.settings": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}),
    # API keys act for an org with one role; only the bureau issues them.
    # Daily participation figures (peixun.participation, RULES G3): the bureau and centre over their
    # subtree, each school coordinator for their school.
    "participation.view": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    # Comparisons of training results (peixun.quality.comparisons, RULES D9, F8): the bureau and the
    # centre across their counties and schools, each school coordinator for their own school.
    "quality.compare": frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR}),
    "api.keys": frozenset({R.BUREAU_ADMIN}),
}

# Roles whose sessions end after ADMIN_IDLE_TIMEOUT_SECONDS without a request.
ADMIN_ROLES = frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF, R.SCHOOL_COORDINATOR})

# Who signs in with a second factor (peixun.accounts.twofactor): the administrators of bureaus and
# training centres, and whoever may see or export full ID numbers — derived from the permissions
# above, so a role given `people.reveal_id` tomorrow needs the second factor the same day.
SECOND_FACTOR_PERMS = ("people.reveal_id",)
SECOND_FACTOR_ROLES = frozenset({R.BUREAU_ADMIN, R.CENTRE_STAFF}).union(
    *(PERMISSIONS[perm] for perm in SECOND_FACTOR_PERMS)
)


@dataclass(frozen=True)
class Grant:
    role: str
    org_id: int
    org_path: str


GRANTS_OF = CompiledLookup(
    lambda user_id: RoleGrant.objects.filter(user_id=user_id).values_list("role", "org_id", "org__path")
)


def grants_of(user) -> list[Grant]:
    """The user's grants, loaded once per request and cached on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_peixun_grants", None)
    if cached is None:
        cached = [Grant(role, org_id, path) for role, org_id, path in GRANTS_OF.all(user.pk)]
        user._peixun_grants = cached
    return cached


def roles_of(user) -> set[str]:
    return {grant.role for grant in grants_of(user)}


def needs_second_factor(user) -> bool:
    """Whether the user must sign in with a second factor: a grant of a bureau or centre
    administrator, or of a role that may reveal full ID numbers (and so export them: the export
    shows them in full only under `people.reveal_id`)."""
    return bool(roles_of(user) & SECOND_FACTOR_ROLES)


def has_perm(user, perm: str) -> bool:
    allowed = PERMISSIONS[perm]
    return any(grant.role in allowed for grant in grants_of(user))


def require_perm(request, perm: str) -> None:
    """Raise PermissionDenied (403) unless the user holds `perm` somewhere. The refusal is logged,
    and audited for a signed-in user (anonymous requests are only logged, so a crawler cannot
    flood the audit log)."""
    if not has_perm(request.user, perm):
        security_log.warning("access denied: user=%s perm=%s path=%s", request.user.pk, perm, request.path)
        if request.user.is_authenticated:
            events.record(
                action="access_denied",
                actor=request.user,
                request=request,
                changes={"perm": perm, "path": request.path[:200], "method": request.method},
            )
        raise PermissionDenied


def scope_paths(user, perm: str) -> list[str]:
    """Org paths the user's grants cover for `perm`, without paths already covered by another."""
    allowed = PERMISSIONS[perm]
    paths = sorted({grant.org_path for grant in grants_of(user) if grant.role in allowed})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return kept


def path_q(paths: list[str], field: str) -> Q:
    """Q matching rows whose `field` (an org path) lies in any of the subtrees; matches nothing for none."""
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def orgs_in_scope(user, perm: str = "orgs.view") -> QuerySet[Org]:
    return Org.objects.filter(path_q(scope_paths(user, perm), "path"))


def people_in_scope(user, perm: str = "people.view") -> QuerySet[Person]:
    query = path_q(scope_paths(user, perm), "org__path")
    return Person.objects.filter(query)


def path_in_scope(user, perm: str, path: str) -> bool:
    return any(path.startswith(prefix) for prefix in scope_paths(user, perm))


def access_org(user, pk: int, perm: str = "orgs.view") -> Org:
    try:
        return orgs_in_scope(user, perm).get(pk=pk)
    except Org.DoesNotExist:
        raise out_of_scope(user, "org", pk) from None


def access_person(user, pk: int, perm: str = "people.view") -> Person:
    """The person `pk` if the user may see them: in a granted subtree, or their own record."""
    queryset = Person.objects.select_related("org")
    try:
        person = queryset.get(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None
    if path_in_scope(user, perm, person.org.path):
        return person
    if perm == "people.view" and user.is_authenticated and user.person_id == person.pk:
        return person
    raise out_of_scope(user, "person", pk)


def out_of_scope(user, kind: str, pk) -> Http404:
    """The 404 for an object missing or outside the user's scope (the same answer either way),
    logged as denied. Every app's access module raises it: `raise out_of_scope(user, "lesson", pk)`."""
    security_log.warning("access denied: user=%s %s=%s out of scope", getattr(user, "pk", None), kind, pk)
    return Http404()


def accounts_in_scope(user, perm: str = "accounts.manage") -> QuerySet:
    """Accounts with a role grant, or a linked person, inside the user's subtrees for `perm`."""
    from django.contrib.auth import get_user_model

    paths = scope_paths(user, perm)
    if not paths:
        return get_user_model().objects.none()
    granted = RoleGrant.objects.filter(path_q(paths, "org__path")).values("user_id")
    # An account that holds a role outside the scope is not the user's to manage: a county admin
    # must not reset the password of a city admin who happens to teach in the county.
    granted_elsewhere = RoleGrant.objects.exclude(path_q(paths, "org__path")).values("user_id")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=granted) | path_q(paths, "person__org__path"))
        .exclude(pk__in=granted_elsewhere)
    )


def access_account(user, pk: int, perm: str = "accounts.manage"):
    try:
        return accounts_in_scope(user, perm).get(pk=pk)
    except ObjectDoesNotExist:
        raise out_of_scope(user, "account", pk) from None


def access_grant(user, account, pk: int, perm: str = "accounts.manage") -> RoleGrant:
    """One of `account`'s grants, if it covers an org inside the user's scope (a county admin cannot
    withdraw what the city granted over the city)."""
    try:
        return RoleGrant.objects.select_related("org").get(
            path_q(scope_paths(user, perm), "org__path"), pk=pk, user=account
        )
    except RoleGrant.DoesNotExist:
        raise out_of_scope(user, "grant", pk) from None
