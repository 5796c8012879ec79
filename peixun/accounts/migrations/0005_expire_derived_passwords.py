"""Expire every initial password that may still be derived from an ID number (ADR 0033).

Until this release an account made from the roster got the last six characters of its holder's ID
number as its first password, which a colleague could work out. Every account that may still hold
one — linked to a person, still required to change its password, and not yet given an expiring
random initial password — gets an unusable password and an expiry in the past: it is listed as
未激活 (初始密码已过期) for its school coordinator, who issues a new random one. Each account gets an
audit row. Running it again changes nothing (the accounts it touched now carry an expiry); there
is nothing to reverse, as the old passwords are gone for good.
"""

from django.contrib.auth.hashers import make_password
from django.db import migrations
from django.utils import timezone

CHUNK = 500


def expire_derived_passwords(apps, schema_editor) -> int:
    """Returns how many accounts it expired."""
    User = apps.get_model("accounts", "User")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    now = timezone.now()
    ids = list(
        User.objects.filter(
            person__isnull=False, must_change_password=True, initial_password_expires_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        users = list(User.objects.filter(pk__in=ids[start : start + CHUNK]).select_related("person__org"))
        for user in users:
            user.password = make_password(None)  # unusable: no password opens it
            user.initial_password_expires_at = now
        User.objects.bulk_update(users, ["password", "initial_password_expires_at"])
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    action="initial_password_expired",
                    target_type="accounts.user",
                    target_id=str(user.pk),
                    target_repr=user.username,
                    org_path=user.person.org.path,
                    changes={"by": "migration accounts.0005"},
                )
                for user in users
            ]
        )
    return len(ids)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_initial_password_expiry"),
        ("audit", "0002_append_only_triggers"),
        ("orgs", "0002_lean_person_indexes"),
    ]

    operations = [migrations.RunPython(expire_derived_passwords, migrations.RunPython.noop, elidable=False)]
