"""Background work for accounts: creating teacher accounts, or new initial passwords, for a whole
school or county, where hashing each password (Argon2, ~0.1 s by design) takes longer than a page
may wait. The slips wait for the issuer on the activation page (accounts:inactive)."""

from django.contrib.auth import get_user_model
from django_tasks import task

from peixun.accounts import selectors, services
from peixun.orgs.models import Org


@task()
def provision_teacher_accounts_task(*, org_id: int, actor_id: int) -> int:
    """Create the missing teacher accounts under one org; returns how many were created."""
    org = Org.objects.get(pk=org_id)
    actor = get_user_model().objects.get(pk=actor_id)
    return services.provision_teacher_accounts(people=services.people_without_account(org), actor=actor).count


@task()
def provision_people_accounts_task(*, person_ids: list[int], actor_id: int) -> int:
    """Create the missing teacher accounts of the given people still in the actor's scope."""
    actor = get_user_model().objects.get(pk=actor_id)
    people = selectors.people_without_account_in_scope(actor).filter(pk__in=person_ids).select_related("org")
    return services.provision_teacher_accounts(people=people, actor=actor).count


@task()
def reset_initial_passwords_task(*, account_ids: list[int], actor_id: int) -> int:
    """New initial passwords for the given accounts still in the actor's scope; returns how many."""
    actor = get_user_model().objects.get(pk=actor_id)
    accounts = selectors.inactive_teacher_accounts(actor).filter(pk__in=account_ids)
    return services.reset_initial_passwords(actor=actor, accounts=accounts).count
