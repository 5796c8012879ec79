"""Reads of accounts for the account management pages."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from peixun.accounts.models import PasswordSlipBatch, User
from peixun.orgs.access import accounts_in_scope, path_q, people_in_scope, scope_paths
from peixun.orgs.models import GrantRole, PersonStatus, RoleGrant


def accounts(user, query: str = "") -> QuerySet:
    """Accounts the user manages, matching `query` (username, name, pinyin or phone), by username,
    with person, org and grants loaded in a constant number of queries."""
    queryset = accounts_in_scope(user)
    query = query.strip()
    if query:
        lowered = query.lower()
        queryset = queryset.filter(
            Q(username__icontains=query)
            | Q(person__name__contains=query)
            | Q(person__name_pinyin__startswith=lowered)
            | Q(person__name_initials__startswith=lowered)
            | Q(person__mobile=query)
        )
    return (
        queryset.select_related("person__org")
        .prefetch_related(
            Prefetch("grants", queryset=RoleGrant.objects.select_related("org").order_by("org__path"))
        )
        .order_by("username")
    )


def _no_account() -> Q:
    """No account is linked to the person. Written as NOT EXISTS, not as `user__isnull=True`: on
    PostgreSQL the outer join's IS NULL on the account's id is estimated at one row whatever the
    numbers, and a county of 100,000 teachers without accounts then took seconds to count."""
    return ~Q(Exists(User.objects.filter(person_id=OuterRef("pk"))))


def people_without_account_in_scope(user) -> QuerySet:
    """Active people in the user's scope for creating accounts whose record no account is linked to."""
    return people_in_scope(user, "accounts.provision").filter(_no_account(), status=PersonStatus.ACTIVE)


def inactive_teacher_accounts(user, perm: str = "accounts.activate") -> QuerySet:
    """Teacher accounts in the user's scope not yet activated (未激活: the holder has not yet
    signed in and chosen a password), by school and name. Staff accounts (any role but teacher)
    and the user's own are never here: their passwords are the bureau's business."""
    staff = RoleGrant.objects.exclude(role=GrantRole.TEACHER).values("user_id")
    return (
        accounts_in_scope(user, perm)
        .filter(
            path_q(scope_paths(user, perm), "person__org__path"), must_change_password=True, is_active=True
        )
        .exclude(pk__in=staff)
        .exclude(pk=user.pk)
        .select_related("person__org")
        .order_by("person__org__path", "person__name_pinyin", "pk")
    )


def open_slips(user) -> QuerySet:
    """The user's slips of newly issued passwords that can still be downloaded, newest first."""
    return (
        PasswordSlipBatch.objects.filter(created_by=user, expires_at__gt=timezone.now())
        .exclude(sealed="")
        .order_by("-created_at")
    )


# The filters of the teacher accounts page, by their query value.
ROSTER_FILTERS = ("none", "never", "inactive")


def _roster_q(show: str, *, counting: bool = False) -> Q:
    # Counted in one pass over the joined rows, the outer join's IS NULL is the cheap test; as a
    # filter of the list it must be NOT EXISTS (see _no_account).
    return {
        "none": Q(user__isnull=True) if counting else _no_account(),
        "never": Q(user__isnull=False, user__last_login__isnull=True),
        "inactive": Q(user__isnull=False, user__must_change_password=True),
    }.get(show, Q())


def teacher_roster(user, *, org_path: str = "", query: str = "", show: str = "") -> QuerySet:
    """Active people in the user's scope for teacher accounts (`accounts.activate`), with their
    account if any, narrowed to an org subtree, a search (name, pinyin, initials, username or phone)
    and one filter of ROSTER_FILTERS: 无账号, 从未登录 or 未激活. By school and name."""
    people = people_in_scope(user, "accounts.activate").filter(status=PersonStatus.ACTIVE)
    if org_path:
        people = people.filter(org__path__startswith=org_path)
    query = query.strip()
    if query:
        lowered = query.lower()
        people = people.filter(
            Q(name__contains=query)
            | Q(name_pinyin__startswith=lowered)
            | Q(name_initials__startswith=lowered)
            | Q(user__username=query)
            | Q(mobile=query)
        )
    return (
        people.filter(_roster_q(show))
        .select_related("org", "user")
        .order_by("org__path", "name_pinyin", "pk")
    )


def roster_counts(people: QuerySet) -> dict[str, int]:
    """How many of `people` (teacher_roster without a filter) each filter shows, in one query."""
    return people.order_by().aggregate(
        all=Count("pk"),
        **{show: Count("pk", filter=_roster_q(show, counting=True)) for show in ROSTER_FILTERS},
    )


def staff_account_ids(account_ids: list[int]) -> set[int]:
    """Those of the accounts that hold a role other than teacher: their passwords are the bureau's."""
    return set(
        RoleGrant.objects.filter(user_id__in=account_ids)
        .exclude(role=GrantRole.TEACHER)
        .values_list("user_id", flat=True)
    )


def resettable_teacher_accounts(user) -> QuerySet:
    """Teacher accounts in the user's scope (`accounts.activate`) whose password they may reset,
    activated or not: enabled, linked to a person of their scope, holding no staff role, not their
    own."""
    staff = RoleGrant.objects.exclude(role=GrantRole.TEACHER).values("user_id")
    return (
        accounts_in_scope(user, "accounts.activate")
        .filter(path_q(scope_paths(user, "accounts.activate"), "person__org__path"), is_active=True)
        .exclude(pk__in=staff)
        .exclude(pk=user.pk)
        .select_related("person__org")
    )
