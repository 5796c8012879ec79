"""Reads of accounts for the account management pages."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from peixun.accounts.models import PasswordSlipBatch
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


def people_without_account_in_scope(user) -> QuerySet:
    """Active people in the user's scope for creating accounts whose record no account is linked to."""
    return people_in_scope(user, "accounts.provision").filter(status=PersonStatus.ACTIVE, user__isnull=True)


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
