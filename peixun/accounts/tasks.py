"""Background work for accounts: creating teacher accounts for a whole school or county, where
hashing each initial password (Argon2, ~0.1 s by design) takes longer than a page may wait."""

from django.contrib.auth import get_user_model
from django_tasks import task

from peixun.accounts import services
from peixun.orgs.models import Org


@task()
def provision_teacher_accounts_task(*, org_id: int, actor_id: int) -> int:
    """Create the missing teacher accounts under one org; returns how many were created."""
    org = Org.objects.get(pk=org_id)
    actor = get_user_model().objects.get(pk=actor_id)
    return services.provision_teacher_accounts(people=services.people_without_account(org), actor=actor)
