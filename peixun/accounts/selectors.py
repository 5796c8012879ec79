"""Reads of accounts for the account management pages."""

from django.db.models import Prefetch, Q, QuerySet

from peixun.orgs.access import accounts_in_scope
from peixun.orgs.models import RoleGrant


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
