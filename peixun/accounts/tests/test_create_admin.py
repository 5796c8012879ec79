"""`manage.py create_admin`: the first administrator of a new installation, from the shell."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from peixun.audit.models import AuditEvent
from peixun.orgs.access import has_perm
from peixun.orgs.models import RoleGrant
from peixun.testing.factories import make_org
from peixun.testing.second_factor import code_for, give_device

pytestmark = pytest.mark.django_db
User = get_user_model()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_admin", *args, stdout=out)
    return out.getvalue()


def test_the_first_administrator_gets_the_role_a_temporary_password_and_an_audit_trail(client):
    county = make_org("铜山区", "county", code="320312")
    output = run("zhang.admin", "--org", "320312")
    password = output.rsplit(":", 1)[1].strip()
    user = User.objects.get(username="zhang.admin")
    assert user.check_password(password) and user.must_change_password
    grants = list(RoleGrant.objects.filter(user=user).values_list("role", "org"))
    assert grants == [("bureau_admin", county.pk)]
    assert has_perm(user, "accounts.manage")
    actions = set(AuditEvent.objects.exclude(action="org_created").values_list("action", flat=True))
    assert actions == {"account_created", "grant_created"}
    assert password not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    # Signing in with it leads to setting up the second factor, then to the password change.
    client.post(reverse("accounts:login"), {"username": "zhang.admin", "password": password})
    assert client.get(reverse("site:home")).url.startswith(reverse("accounts:two-factor"))
    device = give_device(user)
    client.post(reverse("accounts:two-factor"), {"code": code_for(device)})
    assert client.get(reverse("site:home")).url == reverse("accounts:password-change")


def test_a_taken_username_or_an_unknown_org_is_refused_and_nothing_is_written():
    make_org("铜山区", "county", code="320312")
    run("zhang.admin", "--org", "320312")
    before = (User.objects.count(), RoleGrant.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError, match=r"taken|已"):
        run("zhang.admin", "--org", "320312", "--role", "centre_staff")
    with pytest.raises(CommandError, match="import_orgs"):
        run("li.admin", "--org", "999999")
    with pytest.raises(CommandError):
        run("wang.teacher", "--org", "320312", "--role", "teacher")
    assert (User.objects.count(), RoleGrant.objects.count(), AuditEvent.objects.count()) == before
